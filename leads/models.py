"""Database models of the lead store (SQLModel), in model families: Base for shared fields, table models.

All timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from leads.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc_column(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), **kwargs))


class LeadStatus(StrEnum):
    """States of the verification lifecycle (see DESIGN.md)."""

    NEW = "new"
    QUEUED = "queued"
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REFERRED = "referred"
    DISMISSED = "dismissed"
    ESCALATED = "escalated"


class ListingBase(SQLModel):
    platform: str = Field(index=True, max_length=64)
    listing_id: str = Field(max_length=256)
    url: str
    title: str
    description: str = ""
    price: float | None = None
    currency: str | None = Field(default=None, max_length=8)
    seller: str | None = None
    seller_id: str | None = Field(default=None, index=True, max_length=256)
    location: str | None = None
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    image_url: str | None = None


class Listing(ListingBase, table=True):
    """One listing on one platform, deduplicated on (platform, listing_id) across sweeps."""

    __table_args__ = (UniqueConstraint("platform", "listing_id", name="uq_listing_platform_listing_id"),)

    id: int | None = Field(default=None, primary_key=True)
    first_seen: datetime = _utc_column(nullable=False)
    last_seen: datetime = _utc_column(nullable=False)
    times_seen: int = 1


class LeadBase(SQLModel):
    score: int = Field(index=True)
    family: str | None = Field(default=None, index=True, max_length=32)
    category: str | None = Field(default=None, index=True, max_length=64)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hits: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    explanation: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: LeadStatus = Field(default=LeadStatus.NEW, index=True)
    campaign: str | None = Field(default=None, index=True, max_length=128)


class Lead(LeadBase, table=True):
    """An investigation lead: a listing that scored at or above the threshold. One per listing."""

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", unique=True)
    created_at: datetime = _utc_column(nullable=False)
    updated_at: datetime = _utc_column(nullable=False)


class CrawlRun(SQLModel, table=True):
    """One sweep of one platform: what it asked for, what it saw and how it ended."""

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(index=True, max_length=64)
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    campaign: str | None = Field(default=None, max_length=128)
    started_at: datetime = _utc_column(nullable=False)
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    finish_reason: str | None = None
    outcome: str | None = Field(default=None, max_length=16)
    pages: int = 0
    listings: int = 0
    hits: int = 0
    leads_new: int = 0
    leads_updated: int = 0
    errors: int = 0
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

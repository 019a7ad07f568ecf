"""Tables of the scheduler: which job ran for which scheduled time, re-checks of listings, and leads the
feed left waiting (with the reason). Part of the store's schema: `leads.db` and the migrations import them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from leads.models import StoreModel, utcnow
from leads.types import UTCDateTime


def _utc(nullable: bool = False, **kwargs: Any) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, **kwargs))
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kwargs))


class JobRun(StoreModel, table=True):
    """One execution of a scheduled job for one scheduled time (`slot`); a slot runs at most once."""

    __table_args__ = (UniqueConstraint("job_id", "slot", name="uq_jobrun_job_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=128, index=True)
    slot: datetime = _utc()
    started_at: datetime = _utc()
    finished_at: datetime | None = _utc(nullable=True)
    outcome: str = Field(default="running", max_length=16, description="running, ok, failed, partial, interrupted")
    error: str | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ListingCheck(StoreModel, table=True):
    """One re-check of a listing's page: still online, changed, removed, or not checkable this time."""

    id: int | None = Field(default=None, primary_key=True)
    listing_pk: int = Field(foreign_key="listing.id", index=True)
    lead_pk: int | None = Field(default=None, foreign_key="lead.id", index=True)
    checked_at: datetime = _utc(index=True)
    outcome: str = Field(max_length=16, index=True, description="online, changed, removed, error")
    http_status: int | None = None
    snapshot_pk: int | None = Field(default=None, foreign_key="listingsnapshot.id")
    evidence_pk: int | None = Field(default=None, foreign_key="evidence.id")
    after_notice: bool = Field(default=False, description="Removed after the platform was notified.")
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class FeedHold(StoreModel, table=True):
    """A `new` lead the feed did not queue on its last run, and why (below threshold, team at capacity)."""

    lead_pk: int = Field(foreign_key="lead.id", primary_key=True)
    reason: str
    code: str = Field(max_length=32, description="below_threshold, capacity, no_team")
    team: str | None = Field(default=None, max_length=64)
    checked_at: datetime = _utc()

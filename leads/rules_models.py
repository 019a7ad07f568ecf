"""Tables of the platform rules watch: every version of a watched rules page with its clauses and evidence,
the unfair-clause findings officers work, and the rectification notices sent to platforms about them.
Imported by `leads.models`, so they are part of the store's schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from leads.models import StoreModel
from leads.types import UTCDateTime


def _utc(nullable: bool = False) -> Any:
    from leads.models import utcnow

    if nullable:
        return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _json(factory: Any = list) -> Any:
    return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))


class RulesVersion(StoreModel, table=True):
    """One version of a platform's rules page: kept only when its normalised text changed.

    `clauses` holds each clause (index, number, section, text) with its score against the unfair-clause
    watchlist; `added`, `removed` and `changed` count the clauses that differ from the version before.
    """

    __table_args__ = (UniqueConstraint("platform", "page", "version", name="uq_rulesversion_page_version"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(index=True, max_length=64)
    page: str = Field(max_length=128, description="The page's name in the profile: 用户协议, 平台规则 ...")
    version: int
    url: str
    final_url: str
    status: int
    renderer: str = Field(max_length=32)
    captured_at: datetime = _utc()
    text_sha256: str = Field(max_length=64, description="SHA-256 of the normalised text: what 'changed' means.")
    clauses: list[dict[str, Any]] = _json()
    added: int = 0
    removed: int = 0
    changed: int = 0
    manifest_sha256: str = Field(max_length=64)


class RulesEvidenceFile(StoreModel, table=True):
    """One evidence file of a rules version (raw page, WARC, capture record ...), content-addressed by SHA-256."""

    __table_args__ = (UniqueConstraint("version_pk", "name", name="uq_rulesevidence_version_name"),)

    id: int | None = Field(default=None, primary_key=True)
    version_pk: int = Field(foreign_key="rulesversion.id", index=True)
    name: str = Field(max_length=128)
    kind: str = Field(max_length=32)
    media_type: str = Field(max_length=128)
    size: int
    sha256: str = Field(max_length=64)


class RuleFinding(StoreModel, table=True):
    """A new or changed clause that scored as unfair: worked through the same states as a lead."""

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(index=True, max_length=64)
    page: str = Field(max_length=128)
    version_pk: int = Field(foreign_key="rulesversion.id", index=True)
    clause_index: int
    clause_number: str = Field(default="", max_length=64)
    clause_text: str
    change: str = Field(max_length=16, description="first_seen, added or changed")
    previous_text: str | None = None
    score: int
    group: str = Field(max_length=32)
    basis: list[str] = _json()
    explanation: list[dict[str, Any]] = _json()
    status: str = Field(default="queued", index=True, max_length=16)
    claimed_by: str | None = Field(default=None, max_length=128)
    assignees: list[str] = _json()
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    removed_in_version_pk: int | None = Field(default=None, foreign_key="rulesversion.id")


class RectificationNotice(StoreModel, table=True):
    """A rectification notice (整改通知) or interview (约谈) about a finding, and what the next version showed.

    The notice itself (document, recipient, channel, reply) is a `Notice` of the notice machinery."""

    id: int | None = Field(default=None, primary_key=True)
    finding_pk: int = Field(foreign_key="rulefinding.id", index=True)
    notice_pk: int = Field(foreign_key="notice.id", index=True)
    kind: str = Field(max_length=16, description="rectification or interview")
    outcome: str = Field(default="pending", max_length=16, description="pending, clause_removed or clause_kept")
    checked_version_pk: int | None = Field(default=None, foreign_key="rulesversion.id")
    checked_at: datetime | None = _utc(nullable=True)

"""Database models of the lead store (SQLModel), in model families: Base for shared fields, table models.

All timestamps are timezone-aware UTC. The schema is created and changed only by the Alembic migrations in
`leads/migrations`; a model change without a migration fails `tests/test_migrations.py`.

The annotations here are evaluated as the classes are defined (no `from __future__ import annotations`):
pydantic would otherwise compile and evaluate each of the fields' annotation strings as it builds the models, at
every start-up of a process that imports the store.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import JSON, Column, Date, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.statuses import LeadStatus
from leads.types import UTCDateTime
from leads.types import utcnow as utcnow  # the store's clock, imported from here by most of the store


class StoreModel(SQLModel):
    """The base of every model of the store: pydantic builds a model's validator and serializer when first used,
    not on import (reading leads never validates them; building them for every table was a tenth of a quick
    command's start-up)."""

    model_config = {"defer_build": True}


def model_defaults(model: type[SQLModel], given: Mapping[str, Any] = MappingProxyType({})) -> dict[str, Any]:
    """The values a new row of `model` gets for the fields it is not given (its defaults, factories called), for
    a plain INSERT that builds no model object. A field in `given` gets none: its factory is not called (a new
    listing's two times, whose clock reads cost more than the rest of its defaults)."""
    return {
        name: factory() if factory is not None else default
        for name, default, factory in _defaults(model)
        if name not in given
    }


@cache
def _defaults(model: type[SQLModel]) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """Each optional field's default or factory, looked up once (pydantic inspects a factory on every call)."""
    return tuple(
        (name, field.default, cast(Callable[[], Any] | None, field.default_factory))
        for name, field in model.model_fields.items()
        if not field.is_required() and name != "id"
    )


def _utc_column(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), **kwargs))


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# ---------------------------------------------------------------------------------------------- sellers


class SellerBase(StoreModel):
    platform: str = Field(index=True, max_length=64)
    seller_key: str = Field(max_length=256, description="The platform's seller id, or 'name:<name>' without one.")
    name: str | None = None


class Seller(SellerBase, table=True):
    """A seller on one platform; several leads of one seller are linked through their listings."""

    __table_args__ = (UniqueConstraint("platform", "seller_key", name="uq_seller_platform_key"),)

    id: int | None = Field(default=None, primary_key=True)
    first_seen: datetime = _utc_column(nullable=False)
    last_seen: datetime = _utc_column(nullable=False)


# --------------------------------------------------------------------------------------------- listings


class ListingBase(StoreModel):
    platform: str = Field(index=True, max_length=64)
    listing_id: str = Field(max_length=256)
    url: str
    title: str
    description: str = ""
    price: float | None = None
    currency: str | None = Field(default=None, max_length=8)
    seller: str | None = Field(default=None, index=True)
    seller_id: str | None = Field(default=None, index=True, max_length=256)
    location: str | None = None
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    image_url: str | None = None
    price_raw: str | None = Field(default=None, max_length=200)  # the page's price text when it could not be read
    posted_raw: str | None = Field(default=None, max_length=200)  # the page's time text when it could not be read


class Listing(ListingBase, table=True):
    """One listing on one platform, deduplicated on (platform, listing_id) across sweeps."""

    __table_args__ = (UniqueConstraint("platform", "listing_id", name="uq_listing_platform_listing_id"),)

    id: int | None = Field(default=None, primary_key=True)
    first_seen: datetime = _utc_column(nullable=False)
    last_seen: datetime = _utc_column(nullable=False)
    times_seen: int = 1
    seller_pk: int | None = Field(default=None, foreign_key="seller.id", index=True)
    content_hash: str | None = Field(default=None, max_length=64)
    image_text: str = Field(default="", description="Text read in the listing's photos (OCR), one line per line.")
    # the photos as last read: url, path (under the home), sha256, phash (perceptual), width, height, lines
    images: list[dict[str, Any]] = _json_list()


class ListingSnapshot(StoreModel, table=True):
    """The listing's content as first seen and again whenever title, description, price or seller changed."""

    id: int | None = Field(default=None, primary_key=True)
    listing_pk: int = Field(foreign_key="listing.id", index=True)
    seen_at: datetime = _utc_column(nullable=False)
    title: str
    description: str = ""
    price: float | None = None
    currency: str | None = Field(default=None, max_length=8)
    seller: str | None = None
    seller_id: str | None = Field(default=None, max_length=256)
    content_hash: str = Field(max_length=64)


# -------------------------------------------------------------------------------------------- campaigns


class CampaignBase(StoreModel):
    name: str = Field(max_length=128, unique=True)
    title: str | None = None
    description: str = ""
    starts_on: date | None = Field(default=None, sa_column=Column(Date()))
    ends_on: date | None = Field(default=None, sa_column=Column(Date()))


class Campaign(CampaignBase, table=True):
    """A special campaign (专项行动); leads and runs refer to it by name."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _utc_column(nullable=False)
    # What its sweeps search and when (leads/campaigns.py, scheduler.py).
    keywords: list[str] = _json_list()
    platforms: list[str] = _json_list()
    feeds: list[str] = _json_list()  # feeds of the platforms' profiles swept besides the keywords
    cron: str | None = Field(default=None, max_length=128)
    max_pages: int | None = None
    status: str = Field(default="open", max_length=16, index=True)
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_by: str | None = Field(default=None, max_length=128)


# ------------------------------------------------------------------------------------------------ leads


class LeadBase(StoreModel):
    score: int = Field(index=True)
    family: str | None = Field(default=None, index=True, max_length=32)
    category: str | None = Field(default=None, index=True, max_length=64)
    categories: list[str] = _json_list()
    hits: list[dict[str, Any]] = _json_list()
    explanation: list[dict[str, Any]] = _json_list()
    status: LeadStatus = Field(default=LeadStatus.NEW, index=True)
    # the campaign whose sweep found the lead; every campaign that saw it is in LeadCampaign
    campaign: str | None = Field(default=None, index=True, max_length=128)


class Lead(LeadBase, table=True):
    """An investigation lead: a listing that scored at or above the threshold. One per listing."""

    # the queue order (priority, score, id), with and without a status filter
    __table_args__ = (
        Index("ix_lead_queue_order", "priority", "score", "id"),
        Index("ix_lead_status_queue_order", "status", "priority", "score", "id"),
        Index("ix_lead_category_queue_order", "category", "priority", "score", "id"),
        Index("ix_lead_family_queue_order", "family", "priority", "score", "id"),
        # the open leads by due date (overdue, due soon) counted from the index alone
        Index("ix_lead_status_due_date", "status", "due_date"),
        # `--status S --mine`, and `--status S --sort uncertain` read in order
        Index("ix_lead_status_claimed_by", "status", "claimed_by"),
        Index(
            "ix_lead_status_uncertainty_order",
            "status",
            text("(model_probability IS NULL)"),
            text("abs(model_probability - 0.5)"),
            text("priority DESC"),
            text("score DESC"),
            text("id DESC"),
        ),
        # `--mine`: the few leads with assignees; `--sort uncertain`: leads_query.uncertainty_order's terms
        Index("ix_lead_assignee_count", text("json_array_length(assignees)")),
        Index(
            "ix_lead_uncertainty_order",
            text("(model_probability IS NULL)"),
            text("abs(model_probability - 0.5)"),
            text("priority DESC"),
            text("score DESC"),
            text("id DESC"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", unique=True)
    created_at: datetime = _utc_column(nullable=False)
    updated_at: datetime = _utc_column(nullable=False)
    priority: float = Field(default=0.0, index=True)
    assignees: list[str] = _json_list()
    claimed_by: str | None = Field(default=None, max_length=128, index=True)
    queued_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    due_date: date | None = Field(default=None, sa_column=Column(Date(), index=True))
    extended: bool = False
    extension_reason: str | None = None
    dismissed_score: int | None = None
    dismissed_content_hash: str | None = Field(default=None, max_length=64)
    # The bureau's model's probability that officers confirm the lead; None without a model in use.
    model_probability: float | None = None
    referral_requested_by: str | None = Field(
        default=None, max_length=128, description="Who asked for referral; a second officer must confirm it."
    )


class LeadTally(StoreModel, table=True):
    """How many leads there are of each status, category, family, campaign and platform, for `stats`.

    Never written by the application: triggers on `lead` (migration 0015) add +1/-1 in the transaction of
    every insert, delete and change, so the counts stay exact whoever writes. On PostgreSQL each writer adds
    to its own `slot`, so concurrent sweeps do not queue on one row; a count is the sum over the slots.
    Empty category, family, campaign or platform is ''.
    """

    __table_args__ = (
        UniqueConstraint("slot", "status", "category", "family", "campaign", "platform", name="uq_leadtally_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot: int
    status: str = Field(max_length=16)  # as `lead.status` stores it
    category: str = Field(max_length=64)
    family: str = Field(max_length=32)
    campaign: str = Field(max_length=128)
    platform: str = Field(max_length=64)
    n: int


class OfficerTally(StoreModel, table=True):
    """How many leads on each officer's desk there are of each role, status and due date, for `stats`.

    Never written by the application: triggers on `lead` (migration 0016) keep it, as they keep `LeadTally`.
    A lead counts once for its claimant (role `claimant`) and once for each other assignee (`assignee`), while
    its status is one of LeadStatus.ON_DESK. A lead without a due date is counted under NO_DUE_DATE.
    """

    __table_args__ = (UniqueConstraint("slot", "officer", "role", "status", "due_date", name="uq_officertally_key"),)

    id: int | None = Field(default=None, primary_key=True)
    slot: int
    officer: str
    role: str = Field(max_length=16)  # "claimant" or "assignee"
    status: str = Field(max_length=16)  # as `lead.status` stores it
    due_date: date = Field(sa_column=Column(Date(), nullable=False))
    n: int


# The due date under which OfficerTally counts leads that have none (migration 0016 writes the same day).
NO_DUE_DATE = date(9999, 12, 31)


class LeadCampaign(StoreModel, table=True):
    """A campaign that saw a lead: `found` when the campaign's sweep created the lead, else seen again.

    `Lead.campaign` names the campaign that found the lead and is never changed by a later campaign, so a
    campaign's report counts as its own only the leads first seen during it.
    """

    __table_args__ = (
        UniqueConstraint("lead_pk", "campaign", name="uq_leadcampaign_lead_campaign"),
        Index("ix_leadcampaign_campaign_found", "campaign", "found"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_pk: int = Field(foreign_key="lead.id", index=True)
    campaign: str = Field(max_length=128)
    found: bool = False
    first_seen_at: datetime = _utc_column(nullable=False)


# --------------------------------------------------------------------------------------------- evidence


class EvidenceBase(StoreModel):
    lead_pk: int = Field(foreign_key="lead.id", index=True)
    version: int
    captured_at: datetime = _utc_column(nullable=False)
    requested_url: str
    final_url: str
    redirect_urls: list[str] = _json_list()
    status: int
    method: str
    renderer: str = Field(max_length=32)
    tool_versions: dict[str, str] = _json_dict()


class Evidence(EvidenceBase, table=True):
    """One capture of a lead's page; a re-capture is a new version, files are never overwritten."""

    __table_args__ = (UniqueConstraint("lead_pk", "version", name="uq_evidence_lead_version"),)

    id: int | None = Field(default=None, primary_key=True)
    manifest_sha256: str = Field(max_length=64)
    created_at: datetime = _utc_column(nullable=False)


class EvidenceFile(StoreModel, table=True):
    """One file of a capture, stored content-addressed by its SHA-256 under TRADEWATCH_HOME/evidence."""

    __table_args__ = (UniqueConstraint("evidence_pk", "name", name="uq_evidence_file_name"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_pk: int = Field(foreign_key="evidence.id", index=True)
    name: str = Field(max_length=128)
    kind: str = Field(max_length=32)
    media_type: str = Field(max_length=128)
    size: int
    sha256: str = Field(max_length=64, index=True)


# ---------------------------------------------------------------------------------------------- notices


class Notice(StoreModel, table=True):
    """A notice sent about a subject (a lead, or another kind such as a rules finding) to the platform or the
    wildlife authority, with the reply-by date in working days and the reply once recorded.

    The document itself is stored content-addressed in the evidence store (`document_sha256`)."""

    __table_args__ = (Index("ix_notice_subject", "subject_kind", "subject_pk"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_kind: str = Field(max_length=32)
    subject_pk: int
    lead_pk: int | None = Field(default=None, foreign_key="lead.id", index=True)
    recipient: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    reference: str | None = Field(default=None, max_length=128)
    sent_by: str = Field(max_length=128)
    sent_at: datetime = _utc_column(nullable=False, index=True)
    reply_due: date = Field(sa_column=Column(Date(), nullable=False, index=True))
    replied_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    replied_by: str | None = Field(default=None, max_length=128)
    reply_text: str | None = None
    template: str = Field(max_length=128)
    document_name: str = Field(max_length=128)
    document_sha256: str = Field(max_length=64)
    document_size: int
    pdf_sha256: str | None = Field(default=None, max_length=64)
    pdf_size: int | None = None


# -------------------------------------------------------------------------------------------- audit log


class AuditEvent(StoreModel, table=True):
    """One entry of the append-only audit trail; `hash` covers the entry and the previous entry's hash."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    lead_pk: int | None = Field(default=None, index=True)
    rule_finding_pk: int | None = Field(default=None, index=True)
    action: str = Field(max_length=32)
    actor: str = Field(max_length=128)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    reason: str | None = None
    details: dict[str, Any] = _json_dict()
    created_at: datetime = _utc_column(nullable=False)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    key_id: int | None = None  # the audit key (leads.audit_keys) whose HMAC `mac` is; None before keys
    mac: str | None = Field(default=None, max_length=64)


class AuditHead(StoreModel, table=True):
    """The single row holding the latest audit sequence and hash: appenders lock it, verify compares to it."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)
    key_id: int | None = None
    mac: str | None = Field(default=None, max_length=64)


# ------------------------------------------------------------------------------------------- crawl runs


class CrawlRun(StoreModel, table=True):
    """One sweep of one platform: what it asked for, what it saw and how it ended."""

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(index=True, max_length=64)
    keywords: list[str] = _json_list()
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
    stats: dict[str, Any] = _json_dict()
    host: str | None = Field(default=None, max_length=255, description="Machine the crawl ran on.")
    pid: int | None = Field(default=None, description="Process id of the crawl, to notice one that was killed.")
    sweep_id: str | None = Field(
        default=None,
        index=True,
        max_length=64,
        description="The sweep that recorded the run (one per sweep, whatever its platforms); none before 0018.",
    )


class RunListing(StoreModel, table=True):
    """A listing a distributed run recorded (by its platform's listing id): the run records each listing once,
    whichever of its workers read it. A worker away past its lease may still have the listings of a page another
    worker took over in its store's batch; the batch claims its listings here first, in its own transaction
    (`leads.store.claim_run_listings`), and records only those it claimed, so the unique key, not a look before the
    write, decides which worker stores the listing."""

    run_id: int = Field(foreign_key="crawlrun.id", primary_key=True)
    listing_id: str = Field(primary_key=True, max_length=256)

"""Finding leads for officers: filters, the priority order, paging, and everything `leads show` needs.

The CLI, the triage screen and exports all select leads through `LeadFilter` and `select_leads`, so the
same filters mean the same leads everywhere. The default order is the queue's priority: highest priority,
then highest score, then newest; the composite indexes on `lead` (see `Lead.__table_args__`) serve it
with and without a status or category filter.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import String, and_, cast, false, func, literal_column, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core.statuses import LeadStatus
from core.workdays import local_date
from leads import models
from leads.lead_marks import LeadMarks, lead_marks
from leads.models import Lead, Listing, utcnow


class LeadFilter(BaseModel):
    """Which leads to select. Empty fields do not filter."""

    statuses: list[LeadStatus] = Field(default_factory=list, description="Any of these statuses.")
    category: str | None = Field(default=None, description="A category id, or a family such as `wildlife`.")
    platform: str | None = None
    campaign: str | None = None
    seller: str | None = Field(default=None, description="The seller's platform id or name.")
    min_score: int | None = Field(default=None, ge=0, le=100)
    due_before: date | None = Field(default=None, description="Due on or before this day.")
    officer: str | None = Field(default=None, description="Claimed by or assigned to this officer (`--mine`).")
    lead_ids: list[int] = Field(default_factory=list)

    @field_validator("category", "platform", "campaign", "seller", "officer")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        value = value.strip() if value else value
        return value or None


@dataclass(frozen=True)
class Page:
    """One page of leads and whether there are more after it."""

    rows: list[tuple[Lead, Listing]]
    offset: int
    limit: int
    has_more: bool


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_list_contains(column: Any, value: str) -> Any:
    """A portable test for `value` in a JSON list column (SQLite and PostgreSQL store the JSON text)."""
    needles = {json.dumps(value), json.dumps(value, ensure_ascii=False)}
    text = cast(column, String)
    return or_(*(text.like(f"%{_like_escape(needle)}%", escape="\\") for needle in needles))


def _unindexed(column: Any, walk_order: bool) -> Any:
    """The column as is, or, while the leads are read in the queue's order, written so that no index serves
    it (`|| ''`): SQLite, told by its statistics that a platform or campaign matches a seventh of the leads,
    would otherwise fetch them all through that index and sort them to show the first fifty."""
    return column.concat("") if walk_order else column


def apply_filter(statement: Any, lead_filter: LeadFilter, *, walk_order: bool = False) -> Any:
    """Add the filter's conditions to a statement that selects from `lead` joined with `listing`
    (`walk_order`: the statement reads many matches in an indexed order; see `_unindexed`)."""
    f = lead_filter
    if f.statuses:
        statuses = list(dict.fromkeys(f.statuses))
        statement = statement.where(
            col(Lead.status) == statuses[0] if len(statuses) == 1 else col(Lead.status).in_(statuses)
        )
    if f.category:
        column = col(Lead.category) if "." in f.category else col(Lead.family)
        statement = statement.where(column == f.category)
    if f.platform:
        statement = statement.where(_unindexed(col(Listing.platform), walk_order) == f.platform)
    if f.campaign:
        statement = statement.where(_unindexed(col(Lead.campaign), walk_order) == f.campaign)
    if f.seller:
        statement = statement.where(or_(col(Listing.seller_id) == f.seller, col(Listing.seller) == f.seller))
    if f.min_score is not None:
        statement = statement.where(col(Lead.score) >= f.min_score)
    if f.due_before is not None:
        statement = statement.where(col(Lead.due_date) <= f.due_before)
    if f.officer:
        # `json_array_length(assignees) > 0` lets an expression index find the few assigned leads first.
        assigned = and_(func.json_array_length(col(Lead.assignees)) > 0, _json_list_contains(Lead.assignees, f.officer))
        statement = statement.where(or_(col(Lead.claimed_by) == f.officer, assigned))
    if f.lead_ids:
        statement = statement.where(col(Lead.id).in_(f.lead_ids) if f.lead_ids else false())
    return statement


def priority_order(*, sort_matches: bool = False) -> tuple[Any, ...]:
    """The queue order: priority, then score, then newest (all descending, so one index serves it).

    With `sort_matches` the same order is written so that no index can serve it (`+ 0`): the database then
    finds the few matching leads through the filter's own indexes and sorts them, instead of walking the
    whole queue in order looking for them.
    """
    columns = (col(Lead.priority), col(Lead.score), col(Lead.id))
    return tuple((column + 0 if sort_matches else column).desc() for column in columns)


def uncertainty_order(*, sort_matches: bool = False) -> tuple[Any, ...]:
    """Leads the bureau's model is least sure of first (probability nearest one half), so that an officer's
    verdict teaches it the most; leads it has not scored last; ties in queue order.

    Written exactly as the expression index `ix_lead_uncertainty_order` (0.5 a literal, not a parameter)."""
    probability = col(Lead.model_probability)
    nearness = func.abs(probability - literal_column("0.5"))
    if sort_matches:
        unscored = func.coalesce(probability * 0, 1)  # 1 without a probability, like `IS NULL`, unindexed
        return (unscored, nearness + 0, *priority_order(sort_matches=True))
    return (probability.is_(None), nearness, *priority_order())


ORDERS = {"priority": priority_order, "uncertain": uncertainty_order}
# A filter matching fewer leads than this is answered by sorting its matches (see `priority_order`).
FEW_MATCHES = 2000


def _base() -> SelectOfScalar[Any]:
    return select(Lead, Listing).join(Listing, col(Lead.listing_id) == col(Listing.id))  # type: ignore[return-value]


def select_leads(lead_filter: LeadFilter | None = None, *, order: str = "priority", sort_matches: bool = False) -> Any:
    """The statement selecting (Lead, Listing) rows in an order of ORDERS (default: the queue's priority)."""
    statement = apply_filter(_base(), lead_filter or LeadFilter(), walk_order=not sort_matches)
    return statement.order_by(*ORDERS[order](sort_matches=sort_matches))


def has_few_matches(session: Session, lead_filter: LeadFilter) -> bool:
    """Whether the filter matches fewer than FEW_MATCHES leads: a count that stops there, in no order, so
    each filter's own index answers it quickly whether it matches a handful of leads or most of them."""
    if lead_filter == LeadFilter():
        return False
    probe = apply_filter(
        select(col(Lead.id)).join(Listing, col(Lead.listing_id) == col(Listing.id)), lead_filter
    ).limit(FEW_MATCHES)
    found = session.exec(select(func.count()).select_from(probe.subquery())).one()
    return int(found) < FEW_MATCHES


def find_leads(
    session: Session,
    lead_filter: LeadFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    order: str = "priority",
) -> Page:
    """One page of matching leads, best first (or in another order of ORDERS)."""
    lead_filter = lead_filter or LeadFilter()
    few = has_few_matches(session, lead_filter)
    statement = select_leads(lead_filter, order=order, sort_matches=few).offset(offset).limit(limit + 1)
    rows = [(lead, listing) for lead, listing in session.exec(statement)]
    return Page(rows=rows[:limit], offset=offset, limit=limit, has_more=len(rows) > limit)


def count_matching(session: Session, lead_filter: LeadFilter | None = None) -> int:
    statement = apply_filter(
        select(func.count()).select_from(Lead).join(Listing, col(Lead.listing_id) == col(Listing.id)),
        lead_filter or LeadFilter(),
    )
    return int(session.exec(statement).one())


def iter_leads(
    session: Session, lead_filter: LeadFilter | None = None, *, batch_size: int = 1000
) -> Iterator[tuple[Lead, Listing]]:
    """Every matching lead in priority order, fetched in batches (exports of any size)."""
    result = session.exec(select_leads(lead_filter).execution_options(yield_per=batch_size))
    yield from ((lead, listing) for lead, listing in result)


# --- one lead in full ---------------------------------------------------------------------------------


@dataclass
class LeadDetail:
    """Everything `leads show` and the triage screen show about one lead."""

    lead: Lead
    listing: Listing
    snapshots: list[Any] = field(default_factory=list)
    seller_leads: list[tuple[Lead, Listing]] = field(default_factory=list)
    evidence: list[tuple[Any, list[Any]]] = field(default_factory=list)
    audit: list[Any] = field(default_factory=list)
    marks: LeadMarks | None = None
    same_photo: list[tuple[Listing, Lead | None]] = field(default_factory=list)  # other listings, any platform
    seen_again_by: list[str] = field(default_factory=list)  # campaigns that met the lead after it was found


def same_photo_listings(session: Session, listing: Listing, *, limit: int = 20) -> list[tuple[Listing, Lead | None]]:
    """Other listings, on any platform, with a photo of the same perceptual hash as one of this listing's:
    the same photo reused, re-encoded or resized by another seller (or the same seller under another account)."""
    hashes = sorted({str(photo["phash"]) for photo in listing.images or [] if photo.get("phash")})
    if not hashes:
        return []
    text = cast(col(Listing.images), String)
    # the JSON as stored, `"phash": "<16 hex digits>"`; the hash is bound as a parameter, never built into SQL
    wanted = or_(*(text.like(f'%"phash": "{phash}"%') for phash in hashes if phash.isalnum()))
    statement = (
        select(Listing, Lead)
        .outerjoin(Lead, col(Lead.listing_id) == col(Listing.id))
        .where(wanted, col(Listing.id) != listing.id)
        .order_by(col(Listing.platform), col(Listing.listing_id))
        .limit(limit)
    )
    return [(other, lead) for other, lead in session.exec(statement)]


def lead_detail(session: Session, lead_id: int, *, seller_limit: int = 20) -> LeadDetail | None:
    """The lead with its listing's history, the seller's other leads, its evidence and its audit trail."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        return None
    listing = session.get(Listing, lead.listing_id)
    if listing is None:
        return None
    detail = LeadDetail(lead=lead, listing=listing)
    detail.same_photo = same_photo_listings(session, listing)
    detail.seen_again_by = list(
        session.exec(
            select(models.LeadCampaign.campaign)
            .where(models.LeadCampaign.lead_pk == lead.id, col(models.LeadCampaign.found).is_(False))
            .order_by(col(models.LeadCampaign.first_seen_at), col(models.LeadCampaign.id))
        )
    )
    snapshot_model = getattr(models, "ListingSnapshot", None)
    if snapshot_model is not None:
        detail.snapshots = list(
            session.exec(
                select(snapshot_model)
                .where(snapshot_model.listing_pk == listing.id)
                .order_by(col(snapshot_model.seen_at), col(snapshot_model.id))
            )
        )
    seller_condition = None
    seller_pk = getattr(listing, "seller_pk", None)
    if seller_pk is not None:
        seller_condition = col(Listing.seller_pk) == seller_pk
    elif listing.seller_id:
        seller_condition = (col(Listing.platform) == listing.platform) & (col(Listing.seller_id) == listing.seller_id)
    if seller_condition is not None:
        statement = (
            _base().where(seller_condition, col(Lead.id) != lead.id).order_by(*priority_order()).limit(seller_limit)
        )
        detail.seller_leads = [(other, other_listing) for other, other_listing in session.exec(statement)]
    evidence_model = getattr(models, "Evidence", None)
    file_model = getattr(models, "EvidenceFile", None)
    if evidence_model is not None and file_model is not None:
        captures = session.exec(
            select(evidence_model).where(evidence_model.lead_pk == lead.id).order_by(col(evidence_model.version))
        )
        for capture in captures:
            files = list(
                session.exec(
                    select(file_model).where(file_model.evidence_pk == capture.id).order_by(col(file_model.name))
                )
            )
            detail.evidence.append((capture, files))
    detail.marks = lead_marks(session, [(lead, listing)], local_date(utcnow())).get(lead.id or 0)
    event_model = getattr(models, "AuditEvent", None)
    if event_model is not None:
        detail.audit = list(
            session.exec(select(event_model).where(event_model.lead_pk == lead.id).order_by(col(event_model.seq)))
        )
    return detail


def hit_terms(lead: Lead) -> list[str]:
    """The matched words of a lead's score, to highlight in its title and description."""
    terms: list[str] = []
    for source in (lead.hits or [], lead.explanation or []):
        for item in source:
            if not isinstance(item, dict):
                continue
            for key in ("matched", "text", "term", "surface", "keyword"):
                value = item.get(key)
                if isinstance(value, str) and value.strip():
                    terms.append(value)
                elif isinstance(value, list):
                    terms.extend(str(v) for v in value if isinstance(v, str) and v.strip())
    return list(dict.fromkeys(terms))

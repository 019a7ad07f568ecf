"""Finding leads for officers: filters, the priority order, paging, and everything `leads show` needs.

The CLI, the triage screen and exports all select leads through `LeadFilter` and `select_leads`, so the
same filters mean the same leads everywhere. The default order is the queue's priority: highest priority,
then highest score, then newest; the composite indexes on `lead` (see `Lead.__table_args__`) serve it
with and without a status or category filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core.workdays import local_date
from leads import lead_view, models
from leads.lead_marks import LeadMarks, lead_marks
from leads.lead_view import FEW_MATCHES, LeadFilter, Page, hit_terms
from leads.models import Lead, Listing, utcnow

__all__ = ["FEW_MATCHES", "LeadFilter", "Page", "hit_terms"]

LEAD_TABLE, LISTING_TABLE = Lead.__table__, Listing.__table__  # type: ignore[attr-defined]


def apply_filter(statement: Any, lead_filter: LeadFilter, *, walk_order: bool = False) -> Any:
    """Add the filter's conditions to a statement that selects from `Lead` joined with `Listing`."""
    return lead_view.apply_filter(statement, lead_filter, walk_order=walk_order, lead=LEAD_TABLE, listing=LISTING_TABLE)


def priority_order(*, sort_matches: bool = False) -> tuple[Any, ...]:
    """The queue order on `Lead` (see `leads.lead_view.priority_order`)."""
    return lead_view.priority_order(sort_matches=sort_matches, lead=LEAD_TABLE)


def uncertainty_order(*, sort_matches: bool = False) -> tuple[Any, ...]:
    """Least certain leads first on `Lead` (see `leads.lead_view.uncertainty_order`)."""
    return lead_view.uncertainty_order(sort_matches=sort_matches, lead=LEAD_TABLE)


ORDERS = {"priority": priority_order, "uncertain": uncertainty_order}


def _base() -> SelectOfScalar[Any]:
    return select(Lead, Listing).join(Listing, col(Lead.listing_id) == col(Listing.id))  # type: ignore[return-value]


def select_leads(lead_filter: LeadFilter | None = None, *, order: str = "priority", sort_matches: bool = False) -> Any:
    """The statement selecting (Lead, Listing) rows in an order of ORDERS (default: the queue's priority)."""
    statement = apply_filter(_base(), lead_filter or LeadFilter(), walk_order=not sort_matches)
    return statement.order_by(*ORDERS[order](sort_matches=sort_matches))


def has_few_matches(session: Session, lead_filter: LeadFilter) -> bool:
    """Whether the filter matches fewer than `lead_view.FEW_MATCHES` leads (see there)."""
    return lead_view.has_few_matches(session, lead_filter, lead=LEAD_TABLE, listing=LISTING_TABLE)


def find_leads(
    session: Session,
    lead_filter: LeadFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    order: str = "priority",
) -> Page:
    """One page of matching leads as models, best first (or in another order of ORDERS)."""
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

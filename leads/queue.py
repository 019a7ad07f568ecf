"""The verification queue as officers see it: leads with their listings, best first."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leads.models import Lead, LeadStatus, Listing


def list_leads(
    session: Session, *, status: LeadStatus | None = None, limit: int = 50, offset: int = 0
) -> list[tuple[Lead, Listing]]:
    statement = select(Lead, Listing).join(Listing, col(Lead.listing_id) == col(Listing.id))
    if status is not None:
        statement = statement.where(Lead.status == status)
    statement = statement.order_by(col(Lead.score).desc(), col(Lead.created_at), col(Lead.id))
    return [(lead, listing) for lead, listing in session.exec(statement.offset(offset).limit(limit))]


def get_lead(session: Session, lead_id: int) -> tuple[Lead, Listing] | None:
    lead = session.get(Lead, lead_id)
    if lead is None:
        return None
    listing = session.get(Listing, lead.listing_id)
    assert listing is not None
    return lead, listing


def count_leads(session: Session) -> int:
    from sqlalchemy import func

    return int(session.exec(select(func.count()).select_from(Lead)).one())

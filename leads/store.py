"""Recording what a sweep saw: one listing per (platform, listing id), one lead per listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from leads.models import Lead, Listing, utcnow

LISTING_FIELDS = (
    "url",
    "title",
    "description",
    "price",
    "currency",
    "seller",
    "seller_id",
    "location",
    "posted_at",
    "image_url",
)


@dataclass(frozen=True)
class Sighting:
    """What recording one listing did to the store."""

    listing_pk: int
    lead_pk: int | None
    listing_created: bool
    lead_created: bool
    lead_updated: bool


def _find_listing(session: Session, platform: str, listing_id: str) -> Listing | None:
    statement = select(Listing).where(Listing.platform == platform, Listing.listing_id == listing_id)
    return session.exec(statement).first()


def upsert_listing(session: Session, *, listing: dict[str, Any], seen_at: datetime) -> tuple[Listing, bool]:
    """Insert the listing, or update the stored one and count the sighting. Returns (listing, created)."""
    platform, listing_id = listing["platform"], str(listing["listing_id"])
    existing = _find_listing(session, platform, listing_id)
    if existing is None:
        try:
            with session.begin_nested():
                created = Listing(
                    platform=platform,
                    listing_id=listing_id,
                    first_seen=seen_at,
                    last_seen=seen_at,
                    **{name: listing.get(name) for name in LISTING_FIELDS},
                )
                session.add(created)
            return created, True
        except IntegrityError:  # another process inserted it between our select and insert
            existing = _find_listing(session, platform, listing_id)
            assert existing is not None
    for name in LISTING_FIELDS:
        value = listing.get(name)
        if value not in (None, ""):
            setattr(existing, name, value)
    existing.last_seen = seen_at
    existing.times_seen += 1
    session.add(existing)
    return existing, False


def record_sighting(
    session: Session,
    *,
    listing: dict[str, Any],
    score: dict[str, Any],
    campaign: str | None = None,
    seen_at: datetime | None = None,
) -> Sighting:
    """Store one sighting of a listing with its score; create its lead when the score says so."""
    seen_at = seen_at or utcnow()
    stored, listing_created = upsert_listing(session, listing=listing, seen_at=seen_at)
    session.flush()
    assert stored.id is not None
    lead = session.exec(select(Lead).where(Lead.listing_id == stored.id)).first()
    score_fields = {
        "score": int(score.get("score", 0)),
        "family": score.get("family"),
        "category": score.get("category"),
        "categories": list(score.get("categories", [])),
        "hits": list(score.get("hits", [])),
        "explanation": list(score.get("rules", [])),
    }
    if lead is None:
        if not score.get("is_lead"):
            return Sighting(stored.id, None, listing_created, False, False)
        lead = Lead(listing_id=stored.id, campaign=campaign, created_at=seen_at, updated_at=seen_at, **score_fields)
        session.add(lead)
        session.flush()
        return Sighting(stored.id, lead.id, listing_created, True, False)
    for name, value in score_fields.items():
        setattr(lead, name, value)
    lead.campaign = lead.campaign or campaign
    lead.updated_at = seen_at
    session.add(lead)
    return Sighting(stored.id, lead.id, listing_created, False, True)

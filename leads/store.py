"""Recording what a sweep saw: one listing per (platform, listing id), one lead per listing, with history.

Re-seeing a listing updates it (last seen, times seen), adds a snapshot when its title, description, price
or seller changed, and updates its lead; it never creates a second lead. A dismissed lead goes back to the
queue only when its content changed materially since the dismissal and it now scores higher.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from leads.audit import SYSTEM_ACTOR, append_event
from leads.models import Campaign, Lead, LeadStatus, Listing, ListingSnapshot, Seller, utcnow
from leads.priority import compute_priority
from leads.workdays import VERIFICATION_WORKING_DAYS, WorkCalendar, load_calendar, local_date

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
CONTENT_FIELDS = ("title", "description", "price", "currency", "seller", "seller_id")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Sighting:
    """What recording one listing did to the store."""

    listing_pk: int
    lead_pk: int | None
    listing_created: bool
    lead_created: bool
    lead_updated: bool
    snapshot_created: bool = False
    lead_requeued: bool = False
    seller_pk: int | None = None


def _norm(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float | int):
        return round(float(value), 2)
    return _SPACE.sub(" ", str(value)).strip()


def content_hash(values: dict[str, Any]) -> str:
    """A check value of the fields whose change matters (whitespace-only edits do not count)."""
    canonical = json.dumps({name: _norm(values.get(name)) for name in CONTENT_FIELDS}, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _listing_values(listing: dict[str, Any]) -> dict[str, Any]:
    return {name: listing.get(name) for name in LISTING_FIELDS}


def _find_listing(session: Session, platform: str, listing_id: str) -> Listing | None:
    statement = select(Listing).where(Listing.platform == platform, Listing.listing_id == listing_id)
    return session.exec(statement).first()


def _insert_or_get(session: Session, created: Any, find: Any) -> tuple[Any, bool]:
    """Insert `created` in a savepoint; if a concurrent writer inserted the same key first, return theirs."""
    try:
        with session.begin_nested():
            session.add(created)
        return created, True
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing, False


def upsert_seller(
    session: Session, *, platform: str, seller_id: str | None, name: str | None, seen_at: datetime
) -> Seller | None:
    """The seller of a listing, created on first sight; keyed by seller id, or by name when there is none."""
    name = _norm(name) or None
    key = f"{seller_id}" if seller_id else (f"name:{name}" if name else None)
    if key is None:
        return None

    def find() -> Seller | None:
        return session.exec(select(Seller).where(Seller.platform == platform, Seller.seller_key == key)).first()

    seller = find()
    if seller is None:
        seller, created = _insert_or_get(
            session, Seller(platform=platform, seller_key=key, name=name, first_seen=seen_at, last_seen=seen_at), find
        )
        if created:
            return seller
    seller.last_seen = max(seller.last_seen, seen_at)
    if name:
        seller.name = name
    session.add(seller)
    return seller


def ensure_campaign(session: Session, name: str) -> Campaign:
    def find() -> Campaign | None:
        return session.exec(select(Campaign).where(Campaign.name == name)).first()

    campaign = find()
    if campaign is None:
        campaign, _ = _insert_or_get(session, Campaign(name=name), find)
    return campaign


def _snapshot(listing: Listing, seen_at: datetime, digest: str) -> ListingSnapshot:
    assert listing.id is not None
    return ListingSnapshot(
        listing_pk=listing.id,
        seen_at=seen_at,
        title=listing.title,
        description=listing.description,
        price=listing.price,
        currency=listing.currency,
        seller=listing.seller,
        seller_id=listing.seller_id,
        content_hash=digest,
    )


def upsert_listing(
    session: Session, *, listing: dict[str, Any], seen_at: datetime, seller_pk: int | None = None
) -> tuple[Listing, bool, bool]:
    """Insert the listing or update the stored one. Returns (listing, created, snapshot added)."""
    platform, listing_id = listing["platform"], str(listing["listing_id"])
    existing = _find_listing(session, platform, listing_id)
    if existing is None:
        created = Listing(
            platform=platform,
            listing_id=listing_id,
            first_seen=seen_at,
            last_seen=seen_at,
            seller_pk=seller_pk,
            **_listing_values(listing),
        )
        created.content_hash = content_hash(created.model_dump())
        stored, was_created = _insert_or_get(session, created, lambda: _find_listing(session, platform, listing_id))
        if was_created:
            assert stored.content_hash is not None
            session.add(_snapshot(stored, seen_at, stored.content_hash))
            return stored, True, False
        existing = stored
    for name in LISTING_FIELDS:
        value = listing.get(name)
        if value not in (None, ""):
            setattr(existing, name, value)
    if seller_pk is not None:
        existing.seller_pk = seller_pk
    existing.last_seen = max(existing.last_seen, seen_at)
    existing.first_seen = min(existing.first_seen, seen_at)
    existing.times_seen += 1
    digest = content_hash(existing.model_dump())
    changed = digest != existing.content_hash
    existing.content_hash = digest
    session.add(existing)
    if changed:
        session.flush()
        session.add(_snapshot(existing, seen_at, digest))
    return existing, False, changed


def seller_lead_count(session: Session, seller_pk: int | None) -> int:
    """How many leads the seller has (through their listings)."""
    if seller_pk is None:
        return 0
    statement = (
        select(func.count())
        .select_from(Lead)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .where(Listing.seller_pk == seller_pk)
    )
    return int(session.exec(statement).one())


def lead_priority(session: Session, lead: Lead, listing: Listing, *, now: datetime | None = None) -> float:
    now = now or utcnow()
    others = seller_lead_count(session, listing.seller_pk) - (1 if lead.id is not None else 0)
    age_days = (now - listing.first_seen).total_seconds() / 86_400
    return compute_priority(
        score=lead.score,
        categories=lead.categories or [lead.category or ""],
        seller_other_leads=others,
        age_days=age_days,
    )


def _score_fields(score: dict[str, Any]) -> dict[str, Any]:
    return {
        "score": int(score.get("score", 0)),
        "family": score.get("family"),
        "category": score.get("category"),
        "categories": list(score.get("categories", [])),
        "hits": list(score.get("hits", [])),
        "explanation": list(score.get("rules", score.get("explanation", []))),
    }


def record_sighting(
    session: Session,
    *,
    listing: dict[str, Any],
    score: dict[str, Any],
    campaign: str | None = None,
    seen_at: datetime | None = None,
    run_id: int | None = None,
    calendar: WorkCalendar | None = None,
) -> Sighting:
    """Store one sighting of a listing with its score; create its lead when the score says so.

    Writes in the session's transaction; the caller commits (see `leads.db.run_write` for retries).
    """
    seen_at = seen_at or utcnow()
    platform = listing["platform"]
    seller = upsert_seller(
        session, platform=platform, seller_id=listing.get("seller_id"), name=listing.get("seller"), seen_at=seen_at
    )
    if seller is not None:
        session.flush()
    seller_pk = seller.id if seller is not None else None
    stored, listing_created, snapshot_created = upsert_listing(
        session, listing=listing, seen_at=seen_at, seller_pk=seller_pk
    )
    session.flush()
    assert stored.id is not None
    if campaign:
        ensure_campaign(session, campaign)
    fields = _score_fields(score)
    sighting: dict[str, Any] = {
        "listing_created": listing_created,
        "snapshot_created": snapshot_created,
        "seller_pk": seller_pk,
    }
    lead = session.exec(select(Lead).where(Lead.listing_id == stored.id)).first()
    if lead is None:
        if not score.get("is_lead"):
            return Sighting(stored.id, None, lead_created=False, lead_updated=False, **sighting)
        lead = Lead(listing_id=stored.id, campaign=campaign, created_at=seen_at, updated_at=seen_at, **fields)
        lead.priority = lead_priority(session, lead, stored, now=seen_at)
        session.add(lead)
        session.flush()
        append_event(
            session,
            lead_pk=lead.id,
            action="created",
            actor=SYSTEM_ACTOR,
            to_status=LeadStatus.NEW.value,
            details={
                "platform": platform,
                "listing_id": stored.listing_id,
                "url": stored.url,
                "score": lead.score,
                "category": lead.category,
                "campaign": campaign,
                "run_id": run_id,
            },
            at=seen_at,
        )
        return Sighting(stored.id, lead.id, lead_created=True, lead_updated=False, **sighting)

    old_score = lead.score
    for name, value in fields.items():
        setattr(lead, name, value)
    lead.campaign = lead.campaign or campaign
    lead.updated_at = max(lead.updated_at, seen_at)
    lead.priority = lead_priority(session, lead, stored, now=seen_at)
    requeued = False
    if (
        lead.status == LeadStatus.DISMISSED
        and stored.content_hash != lead.dismissed_content_hash
        and lead.score > (lead.dismissed_score if lead.dismissed_score is not None else 10**9)
    ):
        calendar = calendar or load_calendar()
        lead.status = LeadStatus.QUEUED
        lead.queued_at = seen_at
        lead.due_date = calendar.add_working_days(local_date(seen_at), VERIFICATION_WORKING_DAYS)
        lead.extended, lead.extension_reason, lead.claimed_by = False, None, None
        append_event(
            session,
            lead_pk=lead.id,
            action="requeued",
            actor=SYSTEM_ACTOR,
            from_status=LeadStatus.DISMISSED.value,
            to_status=LeadStatus.QUEUED.value,
            reason=(
                f"排除后商品内容已变化且评分由 {lead.dismissed_score} 升至 {lead.score} / "
                f"content changed since dismissal and the score rose from {lead.dismissed_score} to {lead.score}"
            ),
            details={
                "score": lead.score,
                "dismissed_score": lead.dismissed_score,
                "due_date": lead.due_date,
                "run_id": run_id,
            },
            at=seen_at,
        )
        requeued = True
    elif snapshot_created or old_score != lead.score:
        append_event(
            session,
            lead_pk=lead.id,
            action="resighted",
            actor=SYSTEM_ACTOR,
            details={
                "content_changed": snapshot_created,
                "score_before": old_score,
                "score": lead.score,
                "price": stored.price,
                "run_id": run_id,
            },
            at=seen_at,
        )
    session.add(lead)
    return Sighting(stored.id, lead.id, lead_created=False, lead_updated=True, lead_requeued=requeued, **sighting)

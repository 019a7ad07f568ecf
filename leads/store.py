"""Recording what a sweep saw: one listing per (platform, listing id), one lead per listing, with history.

Re-seeing a listing updates it (last seen, times seen), adds a snapshot when its title, description, price
or seller changed, and updates its lead; it never creates a second lead. A dismissed lead goes back to the
queue only when its content changed materially since the dismissal and it now scores higher.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from core.statuses import LeadStatus
from core.workdays import VERIFICATION_WORKING_DAYS, WorkCalendar, load_calendar, local_date
from leads.audit import SYSTEM_ACTOR, append_event
from leads.models import (
    Campaign,
    CrawlRun,
    Lead,
    LeadCampaign,
    Listing,
    ListingSnapshot,
    RunListing,
    Seller,
    model_defaults,
    utcnow,
)
from leads.priority import compute_priority

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

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
    "price_raw",
    "posted_raw",
    "image_text",
    "images",
)
CONTENT_FIELDS = ("title", "description", "price", "currency", "seller", "seller_id")
_LEADS = Lead.__table__  # type: ignore[attr-defined]
_SNAPSHOTS = ListingSnapshot.__table__  # type: ignore[attr-defined]
_LISTINGS = Listing.__table__  # type: ignore[attr-defined]
_SELLERS = Seller.__table__  # type: ignore[attr-defined]
# One statement object each for every batch, built once, as `leads.audit` does for its events: SQLAlchemy keys its
# compiled-statement cache by a walk of the statement, which it remembers on the object; a statement built anew for
# each batch costs its construction and that walk every time (about a third of a small batch's own work). The lists
# of keys are expanding parameters, given when the statement runs.
_INSERT_LEAD = insert(_LEADS).returning(_LEADS.c.id)
_INSERT_SNAPSHOTS = insert(_SNAPSHOTS)
_SELECT_SELLERS = sa_select(_SELLERS).where(
    _SELLERS.c.platform == bindparam("platform"), _SELLERS.c.seller_key.in_(bindparam("keys", expanding=True))
)
_SELECT_LISTINGS = sa_select(_LISTINGS).where(
    _LISTINGS.c.platform == bindparam("platform"), _LISTINGS.c.listing_id.in_(bindparam("keys", expanding=True))
)
_SELECT_LEADS_OF_LISTINGS = select(Lead).where(col(Lead.listing_id).in_(bindparam("listing_pks", expanding=True)))
_SELECT_CAMPAIGNS = select(Campaign.name).where(col(Campaign.name).in_(bindparam("names", expanding=True)))
_SELECT_LEAD_CAMPAIGNS = select(LeadCampaign.lead_pk, LeadCampaign.campaign).where(
    col(LeadCampaign.lead_pk).in_(bindparam("lead_pks", expanding=True)),
    col(LeadCampaign.campaign).in_(bindparam("names", expanding=True)),
)
_COUNT_SELLER_LEADS = (
    sa_select(_LISTINGS.c.seller_pk, func.count())
    .select_from(_LEADS)
    .join(_LISTINGS, _LEADS.c.listing_id == _LISTINGS.c.id)
    .where(_LISTINGS.c.seller_pk.in_(bindparam("seller_pks", expanding=True)))
    .group_by(_LISTINGS.c.seller_pk)
)
_UPDATE_SELLERS = (
    update(_SELLERS)
    .where(_SELLERS.c.id == bindparam("seller_pk"))
    .values(name=bindparam("new_name"), last_seen=bindparam("new_last_seen"))
)
_UPDATE_PRIORITIES = (
    update(_LEADS).where(_LEADS.c.id == bindparam("lead_pk")).values(priority=bindparam("new_priority"))
)


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


class InsertedRow:
    """A row a batch has just inserted (the values it was inserted with, and its id) or read with a plain select,
    read as attributes like a model object: what recording its sighting reads of it, without the ORM object and
    the session's bookkeeping of it (`_insert_rows`, `prefetch_sightings`)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:  # for the type checker: the columns are set in __init__
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:  # for the type checker: a seller's changes are set
        self.__dict__[name] = value


@dataclass
class KnownRows:
    """The rows a batch of sightings touches, read in a few queries before the batch is recorded.

    Made by `prefetch_sightings` inside the batch's write transaction (which holds the SQLite write lock, and
    on PostgreSQL fails on a unique key if another writer inserts the same listing meanwhile, so the whole
    batch is retried). `record_sighting(..., known=...)` then needs no select of its own per listing; the
    sellers and listings it changes are plain rows, written by `store_changes` once the batch is recorded.
    """

    # the batch's sellers as plain rows; those whose last sight or name changed are written by `store_changes`
    sellers: dict[tuple[str, str], Seller | InsertedRow] = field(default_factory=dict)
    changed_sellers: dict[int, InsertedRow] = field(default_factory=dict)  # by seller pk
    # stored listings seen again, by listing pk: the plain row and the columns to write (`store_changes`)
    changed_listings: dict[int, tuple[InsertedRow, set[str]]] = field(default_factory=dict)
    snapshots: list[dict[str, Any]] = field(default_factory=list)  # their new snapshots, in the order taken
    # every listing is a plain row (`InsertedRow`): stored before the batch, or inserted by its prefetch
    listings: dict[tuple[str, str], Listing | InsertedRow] = field(default_factory=dict)
    leads: dict[int, Lead | None] = field(default_factory=dict)  # by listing pk, for every listing in `listings`
    seller_leads: dict[int, int] = field(default_factory=dict)  # leads per seller pk, for every seller above
    campaigns: set[str] = field(default_factory=set)
    lead_campaigns: set[tuple[int, str]] = field(default_factory=set)  # (lead pk, campaign) already linked
    fresh: set[tuple[str, str]] = field(default_factory=set)  # listings inserted by the prefetch, not yet recorded
    grown_sellers: set[int] = field(default_factory=set)  # sellers who gained a further lead in this batch


_NUMBERS = (float, int)  # a tuple made once: `float | int` in the check made a new union on every call


def _norm(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, _NUMBERS):
        return round(float(value), 2)
    # runs of whitespace as one space, none at the ends: what `re.sub(r"\s+", " ", text).strip()` gives (split()
    # and `\s` know the same whitespace), at a third of its cost, six fields of every listing a batch records
    return " ".join(str(value).split())


# what `json.dumps(..., ensure_ascii=False)` encodes with, made once instead of for every listing's check value
_CANONICAL = json.JSONEncoder(ensure_ascii=False)


def content_hash(values: dict[str, Any]) -> str:
    """A check value of the fields whose change matters (whitespace-only edits do not count)."""
    canonical = _CANONICAL.encode({name: _norm(values.get(name)) for name in CONTENT_FIELDS})
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


def _seller_key(seller_id: str | None, name: str | None) -> str | None:
    return f"{seller_id}" if seller_id else (f"name:{name}" if name else None)


def upsert_seller(
    session: Session,
    *,
    platform: str,
    seller_id: str | None,
    name: str | None,
    seen_at: datetime,
    known: KnownRows | None = None,
) -> Seller | InsertedRow | None:
    """The seller of a listing, created on first sight; keyed by seller id, or by name when there is none."""
    name = _norm(name) or None
    key = _seller_key(seller_id, name)
    if key is None:
        return None
    if known is not None and (platform, key) in known.sellers:
        cached = known.sellers[platform, key]
        changed = False
        if seen_at > cached.last_seen:  # assigned only when it changes: an unchanged row is not written
            cached.last_seen, changed = seen_at, True
        if name and name != cached.name:
            cached.name, changed = name, True
        if changed and isinstance(cached, InsertedRow):
            known.changed_sellers[cached.id] = cached
        return cached

    def find() -> Seller | None:
        return session.exec(select(Seller).where(Seller.platform == platform, Seller.seller_key == key)).first()

    seller = find()
    if seller is None:
        seller, created = _insert_or_get(
            session, Seller(platform=platform, seller_key=key, name=name, first_seen=seen_at, last_seen=seen_at), find
        )
        if created:
            if known is not None:
                known.sellers[platform, key] = seller
            return seller
    seller.last_seen = max(seller.last_seen, seen_at)
    if name:
        seller.name = name
    session.add(seller)
    if known is not None:
        known.sellers[platform, key] = seller
    return seller


def ensure_campaign(session: Session, name: str, known: KnownRows | None = None) -> Campaign | None:
    """The campaign of that name, created if missing (None when `known` already lists it)."""
    if known is not None and name in known.campaigns:
        return None

    def find() -> Campaign | None:
        return session.exec(select(Campaign).where(Campaign.name == name)).first()

    campaign = find()
    if campaign is None:
        campaign, _ = _insert_or_get(session, Campaign(name=name), find)
    if known is not None:
        known.campaigns.add(name)
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


def _new_listing(listing: Mapping[str, Any], seen_at: datetime, seller_pk: int | None) -> Listing:
    created = Listing(
        platform=listing["platform"],
        listing_id=str(listing["listing_id"]),
        first_seen=seen_at,
        last_seen=seen_at,
        seller_pk=seller_pk,
        **_listing_values(dict(listing)),
    )
    created.content_hash = content_hash(created.model_dump())
    return created


def upsert_listing(
    session: Session,
    *,
    listing: dict[str, Any],
    seen_at: datetime,
    seller_pk: int | None = None,
    known: KnownRows | None = None,
) -> tuple[Listing, bool, bool]:
    """Insert the listing or update the stored one. Returns (listing, created, snapshot added)."""
    platform, listing_id = listing["platform"], str(listing["listing_id"])
    existing: Listing | None
    if known is not None and (platform, listing_id) in known.listings:
        cached = known.listings[platform, listing_id]
        if (platform, listing_id) in known.fresh:  # inserted (with its first snapshot) for this very sighting
            known.fresh.discard((platform, listing_id))
            return cached, True, False  # type: ignore[return-value]  # read as a Listing
        if isinstance(cached, InsertedRow):  # stored before, or seen again in its batch: its plain row is updated
            changed = _resight_row(cached, listing, seen_at, seller_pk, known)
            return cached, False, changed  # type: ignore[return-value]  # read as a Listing
        existing = cached
    else:
        existing = _find_listing(session, platform, listing_id)
    if existing is None:
        created = _new_listing(listing, seen_at, seller_pk)
        stored, was_created = _insert_or_get(session, created, lambda: _find_listing(session, platform, listing_id))
        if was_created:
            assert stored.content_hash is not None
            session.add(_snapshot(stored, seen_at, stored.content_hash))
            if known is not None:
                known.listings[platform, listing_id] = stored
            return stored, True, False
        existing = stored
        if known is not None:
            known.listings[platform, listing_id] = stored
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
        if existing.id is None:
            session.flush()
        session.add(_snapshot(existing, seen_at, digest))
    return existing, False, changed


def _resight_row(
    row: InsertedRow, listing: Mapping[str, Any], seen_at: datetime, seller_pk: int | None, known: KnownRows
) -> bool:
    """A further sighting of a stored listing recorded on its plain row, as `upsert_listing` records it on a
    model object: the columns whose values change are noted in `known.changed_listings`, for `store_changes` to
    write once the batch is recorded. Returns whether its content changed (a new snapshot is due)."""
    changes: dict[str, Any] = {}
    for name in LISTING_FIELDS:
        value = listing.get(name)
        if value not in (None, "") and value != getattr(row, name):
            changes[name] = value
    if seller_pk is not None and seller_pk != row.seller_pk:
        changes["seller_pk"] = seller_pk
    if seen_at > row.last_seen:
        changes["last_seen"] = seen_at
    if seen_at < row.first_seen:
        changes["first_seen"] = seen_at
    changes["times_seen"] = row.times_seen + 1
    for name, value in changes.items():
        setattr(row, name, value)
    digest = content_hash(vars(row))
    changed = digest != row.content_hash
    if changed:
        row.content_hash = digest
        changes["content_hash"] = digest
        known.snapshots.append(
            {
                "listing_pk": row.id,
                "seen_at": seen_at,
                **{name: getattr(row, name) for name in CONTENT_FIELDS},
                "content_hash": digest,
            }
        )
    known.changed_listings.setdefault(row.id, (row, set()))[1].update(changes)
    return changed


def store_changes(session: Session, known: KnownRows) -> None:
    """Write what a batch's sightings changed in its plain rows (`KnownRows`), once its last sighting is
    recorded: the sellers' last sight and name, the stored listings' changed columns and their new snapshots."""
    _store_sellers(session, known)
    _store_listings(session, known)


def _store_listings(session: Session, known: KnownRows) -> None:
    """Write the columns that the batch's sightings changed in the listings stored before it (`_resight_row`):
    one statement for each set of columns, the listings that changed the same ones together, and their new
    snapshots in one, where a model object per listing and per snapshot cost an object to make and its share
    of the session's flushes."""
    changed, known.changed_listings = known.changed_listings, {}
    snapshots, known.snapshots = known.snapshots, []
    if snapshots:
        session.connection().execute(_INSERT_SNAPSHOTS, snapshots)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for pk, (row, names) in changed.items():
        columns = tuple(sorted(names))
        groups.setdefault(columns, []).append(
            {"listing_pk": pk, **{f"new_{name}": getattr(row, name) for name in columns}}
        )
    for columns, rows in groups.items():
        session.connection().execute(_listing_update(columns), rows)


@functools.cache
def _listing_update(columns: tuple[str, ...]) -> Any:
    """One statement object for each set of a listing's columns written together, as for a new lead: SQLAlchemy
    keys its compiled-statement cache by a walk of the statement, which it remembers on the object."""
    return (
        update(_LISTINGS)
        .where(_LISTINGS.c.id == bindparam("listing_pk"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )


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


def lead_priority(
    session: Session, lead: Lead, listing: Listing, *, now: datetime | None = None, known: KnownRows | None = None
) -> float:
    return _priority(
        session,
        _priority_fields(lead),
        listing.seller_pk,
        listing.first_seen,
        stored=lead.id is not None,
        now=now,
        known=known,
    )


def _priority_fields(lead: Lead | Mapping[str, Any]) -> dict[str, Any]:
    row = lead if isinstance(lead, Mapping) else {name: getattr(lead, name) for name in _PRIORITY_INPUTS}
    return {name: row[name] for name in _PRIORITY_INPUTS}


_PRIORITY_INPUTS = ("score", "categories", "category", "model_probability")


def _priority(
    session: Session,
    lead: Mapping[str, Any],
    seller_pk: int | None,
    first_seen: datetime,
    *,
    stored: bool,
    now: datetime | None = None,
    known: KnownRows | None = None,
) -> float:
    """A lead's priority from its score fields and its listing's seller and first sight; `stored`: the lead is
    already counted among its seller's."""
    now = now or utcnow()
    if known is not None and (seller_pk is None or seller_pk in known.seller_leads):
        count = known.seller_leads.get(seller_pk, 0) if seller_pk is not None else 0
    else:
        count = seller_lead_count(session, seller_pk)
    others = count - (1 if stored else 0)
    age_days = (now - first_seen).total_seconds() / 86_400
    return compute_priority(
        score=lead["score"],
        categories=lead["categories"] or [lead["category"] or ""],
        seller_other_leads=others,
        age_days=age_days,
        model_probability=lead["model_probability"],
    )


def _store_sellers(session: Session, known: KnownRows) -> None:
    """Write the last sight and name of the batch's sellers that changed, in one statement: a batch's sellers are
    read and recorded as plain rows (`prefetch_sightings`), most of them seen again, where objects the session
    tracks cost an object per row to read and a flush of each to write."""
    changed, known.changed_sellers = known.changed_sellers, {}
    if changed:
        session.connection().execute(
            _UPDATE_SELLERS,
            [{"seller_pk": pk, "new_name": row.name, "new_last_seen": row.last_seen} for pk, row in changed.items()],
        )


def reprioritise(
    session: Session,
    *,
    seller_pks: Iterable[int] | None = None,
    now: datetime | None = None,
    seller_leads: Mapping[int, int] | None = None,
) -> int:
    """Recompute the priority of the undecided leads (of these sellers only, when given).

    A seller's further lead raises all their leads, the earlier ones too: otherwise the order in which a sweep
    happened to store a repeat seller's listings would decide which of them ranks higher. The leads are read
    and updated as plain rows (the store writer does this once a batch, mostly for leads it has just inserted
    as rows, which the ORM would load as new objects), and only the priorities that changed are written.
    `seller_leads`: how many leads each of `seller_pks` has, where the caller knows (a batch's `KnownRows`, kept
    as its leads are created), instead of counting them again.
    """
    parameters: dict[str, Any] = {}
    if seller_pks is not None:
        parameters["seller_pks"] = sorted(set(seller_pks))
        if not parameters["seller_pks"]:
            return 0
    session.flush()  # the session's pending changes (a lead re-scored in this batch) are what the rows say
    connection = session.connection()
    rows = connection.execute(_undecided_leads(seller_pks is not None), parameters).all()
    sellers = sorted({row.seller_pk for row in rows if row.seller_pk is not None})
    counts = KnownRows(seller_leads=dict.fromkeys(sellers, 0))  # one grouped count, not one per lead
    if seller_leads is not None:
        counts.seller_leads.update((pk, seller_leads[pk]) for pk in sellers if pk in seller_leads)
        sellers = [pk for pk in sellers if pk not in seller_leads]
    for start in range(0, len(sellers), 5_000):
        chunk = sellers[start : start + 5_000]
        for seller_pk, number in connection.execute(_COUNT_SELLER_LEADS, {"seller_pks": chunk}):
            if seller_pk is not None:
                counts.seller_leads[seller_pk] = int(number)
    changed = []
    for row in rows:
        priority = _priority(
            session,
            {name: getattr(row, name) for name in _PRIORITY_INPUTS},
            row.seller_pk,
            row.first_seen,
            stored=True,
            now=now,
            known=counts,
        )
        if priority != row.priority:
            changed.append({"lead_pk": row.id, "new_priority": priority})
    if changed:
        connection.execute(_UPDATE_PRIORITIES, changed)
        for values in changed:  # a lead the session holds as an object shows its new priority too
            loaded = session.identity_map.get(session.identity_key(Lead, values["lead_pk"]))
            if loaded is not None:
                set_committed_value(loaded, "priority", values["new_priority"])
    return len(rows)


@functools.cache
def _undecided_leads(of_sellers: bool) -> Any:
    """`reprioritise`'s statement (of the sellers given as `seller_pks` only, if `of_sellers`), built once."""
    statement = (
        sa_select(
            _LEADS.c.id,
            _LEADS.c.priority,
            *(_LEADS.c[name] for name in _PRIORITY_INPUTS),
            _LISTINGS.c.seller_pk,
            _LISTINGS.c.first_seen,
        )
        .join(_LISTINGS, _LEADS.c.listing_id == _LISTINGS.c.id)
        .where(_LEADS.c.status.in_(LeadStatus.UNDECIDED))
    )
    if of_sellers:
        statement = statement.where(_LISTINGS.c.seller_pk.in_(bindparam("seller_pks", expanding=True)))
    return statement


def _score_fields(score: dict[str, Any]) -> dict[str, Any]:
    return {
        "score": int(score.get("score", 0)),
        "family": score.get("family"),
        "category": score.get("category"),
        "categories": list(score.get("categories", [])),
        "hits": list(score.get("hits", [])),
        "explanation": list(score.get("rules", score.get("explanation", []))),
        "model_probability": (score.get("model") or {}).get("probability"),
    }


def prefetch_sightings(session: Session, sightings: Iterable[Mapping[str, Any]]) -> KnownRows:
    """Read (and where missing, insert) the sellers and listings of a batch of sightings in a few statements.

    Each element holds `record_sighting`'s keyword arguments. Listings seen for the first time are inserted
    here with their first snapshot, all in one flush, and are reported as created when their sighting is
    recorded. Pass the result to every `record_sighting(..., known=...)` of the batch, in the same transaction.
    """
    known = KnownRows()
    batch = [(args, args.get("seen_at") or utcnow()) for args in sightings]
    if not batch:
        return known
    seller_keys: dict[str, set[str]] = {}
    listing_keys: dict[str, set[str]] = {}
    for args, _ in batch:
        listing = args["listing"]
        platform = listing["platform"]
        listing_keys.setdefault(platform, set()).add(str(listing["listing_id"]))
        key = _seller_key(listing.get("seller_id"), _norm(listing.get("seller")) or None)
        if key is not None:
            seller_keys.setdefault(platform, set()).add(key)
    connection = session.connection()
    for platform, keys in seller_keys.items():
        for row in connection.execute(_SELECT_SELLERS, {"platform": platform, "keys": sorted(keys)}):
            known.sellers[platform, row.seller_key] = InsertedRow(row._asdict())
    for platform, ids in listing_keys.items():
        for row in connection.execute(_SELECT_LISTINGS, {"platform": platform, "keys": sorted(ids)}):
            known.listings[platform, row.listing_id] = InsertedRow(row._asdict())
    campaigns = {args["campaign"] for args, _ in batch if args.get("campaign")}
    if campaigns:
        known.campaigns = set(session.exec(_SELECT_CAMPAIGNS, params={"names": sorted(campaigns)}))
    # New sellers and new listings: inserted in the order first seen, in one multi-row INSERT ... RETURNING per
    # table (far cheaper than one ORM flush per row). A listing gets its first sighting's values; a seller also
    # the last sight and name its later sightings in the batch give it (as `upsert_seller` would set them), so
    # that the batch does not write it a second time (`store_changes`).
    new_sellers: dict[tuple[str, str], dict[str, Any]] = {}
    for args, seen_at in batch:
        listing = args["listing"]
        name = _norm(listing.get("seller")) or None
        key = _seller_key(listing.get("seller_id"), name)
        if key is None or (listing["platform"], key) in known.sellers:
            continue
        seller = new_sellers.get((listing["platform"], key))
        if seller is None:
            new_sellers[listing["platform"], key] = {
                "platform": listing["platform"],
                "seller_key": key,
                "name": name,
                "first_seen": seen_at,
                "last_seen": seen_at,
            }
            continue
        if seen_at > seller["last_seen"]:
            seller["last_seen"] = seen_at
        if name:
            seller["name"] = name
    if new_sellers:
        inserted = _insert_rows(session, Seller, list(new_sellers.values()), key=("platform", "seller_key"))
        known.sellers.update(zip(new_sellers, inserted, strict=True))
    new_listings: dict[tuple[str, str], dict[str, Any]] = {}
    for args, seen_at in batch:
        listing = args["listing"]
        platform, listing_id = listing["platform"], str(listing["listing_id"])
        if (platform, listing_id) in known.listings or (platform, listing_id) in new_listings:
            continue
        key = _seller_key(listing.get("seller_id"), _norm(listing.get("seller")) or None)
        values = _listing_values(listing)
        new_listings[platform, listing_id] = {
            "platform": platform,
            "listing_id": listing_id,
            "first_seen": seen_at,
            "last_seen": seen_at,
            "times_seen": 1,
            "seller_pk": known.sellers[platform, key].id if key is not None else None,
            **values,
            "content_hash": content_hash(values),
        }
    if new_listings:
        inserted_listings = _insert_rows(session, Listing, list(new_listings.values()), key=("platform", "listing_id"))
        known.listings.update(zip(new_listings, inserted_listings, strict=True))
        known.fresh.update(new_listings)
        session.connection().execute(
            _INSERT_SNAPSHOTS,
            [
                {
                    "listing_pk": created.id,
                    "seen_at": created.first_seen,
                    **{name: getattr(created, name) for name in CONTENT_FIELDS},
                    "content_hash": created.content_hash,
                }
                for created in inserted_listings
            ],
        )
    listing_pks = [row.id for row in known.listings.values() if row.id is not None]
    known.leads = dict.fromkeys(listing_pks)
    old_pks = [row.id for key, row in known.listings.items() if key not in known.fresh and row.id is not None]
    if old_pks:
        for lead in session.exec(_SELECT_LEADS_OF_LISTINGS, params={"listing_pks": old_pks}):
            known.leads[lead.listing_id] = lead
    old_leads = [lead.id for lead in known.leads.values() if lead is not None and lead.id is not None]
    if campaigns and old_leads:
        known.lead_campaigns = {
            (lead_pk, name)
            for lead_pk, name in session.exec(
                _SELECT_LEAD_CAMPAIGNS, params={"lead_pks": old_leads, "names": sorted(campaigns)}
            )
        }
    seller_pks = sorted({seller.id for seller in known.sellers.values() if seller.id is not None})
    known.seller_leads = dict.fromkeys(seller_pks, 0)
    # a seller inserted above has no lead yet: only the sellers already stored are counted
    seller_pks = sorted({row.id for key, row in known.sellers.items() if key not in new_sellers and row.id is not None})
    if seller_pks:
        for seller_pk, count in connection.execute(_COUNT_SELLER_LEADS, {"seller_pks": seller_pks}):
            if seller_pk is not None:
                known.seller_leads[seller_pk] = int(count)
    return known


def _insert_rows(
    session: Session, model: type[Any], rows: list[dict[str, Any]], *, key: tuple[str, ...]
) -> list[InsertedRow]:
    """Insert new rows of `model` in one multi-row INSERT ... RETURNING of their ids and their unique `key`
    columns, and give them back as plain rows (`InsertedRow`) with their ids, far cheaper than an ORM insert that
    reads every column back into new objects. Each id is matched to its row by the key: SQLite does not promise
    the order of RETURNING's rows, so asking SQLAlchemy for the rows' order makes it insert them one by one."""
    table = model.__table__
    # as the ORM does, a None leaves the column to its default (image_text's "" rather than NULL)
    given = [{name: v for name, v in row.items() if v is not None} for row in rows]
    complete = [{**model_defaults(model, values), **values} for values in given]
    ids = {
        tuple(returned): pk for pk, *returned in session.connection().execute(_insert_returning(table, key), complete)
    }
    for values in complete:
        values["id"] = ids[tuple(values[name] for name in key)]
    return [InsertedRow(values) for values in complete]


@functools.cache
def _insert_returning(table: Any, key: tuple[str, ...]) -> Any:
    """`_insert_rows`' statement for a table, built once (as the statements above)."""
    return insert(table).returning(table.c.id, *(table.c[name] for name in key))


def _dialect_insert(session: Session, model: type[Any]) -> PostgresqlInsert | SqliteInsert:
    """An INSERT of `model` that can say ON CONFLICT, in the store's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(model)


def claim_run_listings(session: Session, claims: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Claim listings (run id, the platform's listing id) for their runs, in the session's transaction: the
    claims that no transaction made before are returned, the others (another worker of the run recorded the
    listing) are not, and their listings must not be recorded again. One INSERT … ON CONFLICT DO NOTHING for
    them all: a claim made by a transaction not yet committed waits for it (PostgreSQL's unique index; SQLite's
    write lock, taken as the transaction begins), so two workers cannot both claim a listing."""
    # in the order of their keys, so that two batches claiming some of the same listings wait for each other
    # instead of locking each other out (PostgreSQL)
    rows = [{"run_id": run_id, "listing_id": listing_id} for run_id, listing_id in sorted(set(claims))]
    if not rows:
        return set()
    table = RunListing.__table__  # type: ignore[attr-defined]
    statement = (
        _dialect_insert(session, RunListing)
        .on_conflict_do_nothing(index_elements=["run_id", "listing_id"])
        .returning(table.c.run_id, table.c.listing_id)
    )
    return {(run_id, listing_id) for run_id, listing_id in session.connection().execute(statement, rows)}


def prune_run_listings(session: Session, *, finished_before: datetime) -> int:
    """Delete the listing claims of the runs finished before `finished_before`, in the session's transaction: a
    finished run's workers record nothing more, so its claims would only grow the table. Those of runs still open
    stay. Returns how many were deleted."""
    finished = sa_select(col(CrawlRun.id)).where(col(CrawlRun.finished_at) < finished_before)
    result = session.connection().execute(delete(RunListing).where(col(RunListing.run_id).in_(finished)))
    return int(result.rowcount)


def link_campaign(
    session: Session, lead_pk: int, campaign: str, *, found: bool, seen_at: datetime, known: KnownRows | None = None
) -> None:
    """Note that `campaign` saw the lead (`found`: its sweep created it). Once per lead and campaign; a
    concurrent sweep's row for the same pair wins."""
    if known is not None:
        if (lead_pk, campaign) in known.lead_campaigns:
            return
        known.lead_campaigns.add((lead_pk, campaign))
    session.execute(
        _dialect_insert(session, LeadCampaign)
        .values(lead_pk=lead_pk, campaign=campaign, found=found, first_seen_at=seen_at)
        .on_conflict_do_nothing(index_elements=["lead_pk", "campaign"])
    )


def record_sighting(
    session: Session,
    *,
    listing: dict[str, Any],
    score: dict[str, Any],
    campaign: str | None = None,
    seen_at: datetime | None = None,
    run_id: int | None = None,
    calendar: WorkCalendar | None = None,
    known: KnownRows | None = None,
    home: Path | None = None,
) -> Sighting:
    """Store one sighting of a listing with its score; create its lead when the score says so.

    Writes in the session's transaction; the caller commits (see `leads.db.run_write` for retries). A batch
    passes what `prefetch_sightings` read for it as `known`, so that no listing needs selects of its own, and
    the store's home (where the audit keys are), so that no event reads the settings again.
    """
    seen_at = seen_at or utcnow()
    platform = listing["platform"]
    seller = upsert_seller(
        session,
        platform=platform,
        seller_id=listing.get("seller_id"),
        name=listing.get("seller"),
        seen_at=seen_at,
        known=known,
    )
    if seller is not None and seller.id is None:
        session.flush()
    seller_pk = seller.id if seller is not None else None
    cached = known.listings.get((platform, str(listing["listing_id"]))) if known is not None else None
    previous_seller_pk = cached.seller_pk if cached is not None else None
    stored, listing_created, snapshot_created = upsert_listing(
        session, listing=listing, seen_at=seen_at, seller_pk=seller_pk, known=known
    )
    if stored.id is None:
        session.flush()
    assert stored.id is not None
    if campaign:
        ensure_campaign(session, campaign, known)
    fields = _score_fields(score)
    sighting: dict[str, Any] = {
        "listing_created": listing_created,
        "snapshot_created": snapshot_created,
        "seller_pk": seller_pk,
    }
    lead: Lead | None
    if listing_created:
        lead = None  # a listing inserted in this transaction has no lead yet
    elif known is not None and stored.id in known.leads:
        lead = known.leads[stored.id]
    else:
        lead = session.exec(select(Lead).where(Lead.listing_id == stored.id)).first()
    if known is not None and cached is not None and lead is not None and previous_seller_pk != stored.seller_pk:
        # the listing moved to another seller: its lead now counts for the new one
        for pk, step in ((previous_seller_pk, -1), (stored.seller_pk, 1)):
            if pk is not None and pk in known.seller_leads:
                known.seller_leads[pk] += step
    if lead is None:
        if known is not None:
            known.leads[stored.id] = None
        if not score.get("is_lead"):
            return Sighting(stored.id, None, lead_created=False, lead_updated=False, **sighting)
        # a plain INSERT ... RETURNING: an ORM object and its flush cost more than the rest of the sighting
        values = {
            **model_defaults(Lead),
            **fields,
            "listing_id": stored.id,
            "campaign": campaign,
            "created_at": seen_at,
            "updated_at": seen_at,
        }
        values["priority"] = _priority(
            session, values, stored.seller_pk, stored.first_seen, stored=False, now=seen_at, known=known
        )
        lead_pk = session.connection().execute(_INSERT_LEAD, values).scalar_one()
        if campaign:
            link_campaign(session, lead_pk, campaign, found=True, seen_at=seen_at, known=known)
        if known is not None:
            del known.leads[stored.id]  # seen again in this batch: read from the store like any other lead
            if stored.seller_pk is not None and stored.seller_pk in known.seller_leads:
                known.seller_leads[stored.seller_pk] += 1
                if known.seller_leads[stored.seller_pk] > 1:
                    known.grown_sellers.add(stored.seller_pk)
        elif stored.seller_pk is not None:
            reprioritise(session, seller_pks=[stored.seller_pk], now=seen_at)
        append_event(
            session,
            lead_pk=lead_pk,
            action="created",
            actor=SYSTEM_ACTOR,
            home=home,
            to_status=LeadStatus.NEW.value,
            details={
                "platform": platform,
                "listing_id": stored.listing_id,
                "url": stored.url,
                "score": values["score"],
                "category": values["category"],
                "campaign": campaign,
                "run_id": run_id,
            },
            at=seen_at,
        )
        return Sighting(stored.id, lead_pk, lead_created=True, lead_updated=False, **sighting)

    old_score = lead.score
    for name, value in fields.items():
        setattr(lead, name, value)
    if campaign and lead.id is not None:
        link_campaign(session, lead.id, campaign, found=False, seen_at=seen_at, known=known)
    lead.updated_at = max(lead.updated_at, seen_at)
    lead.priority = lead_priority(session, lead, stored, now=seen_at, known=known)
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
            home=home,
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
            home=home,
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

"""Re-checks, store side: which listings to revisit, and what a revisit found.

The re-check job revisits the listings of queued and claimed leads, and of every lead a notice was sent about
until its listing is gone (`runners.recheck` crawls them in a child process, and `pipelines.recheck` hands what
each visit found to the functions here), and records one `ListingCheck` per visit:

- `online`: the page is there and its content unchanged;
- `changed`: title, description, price or seller changed: a new listing snapshot, the lead re-scored
  (`leads.store.record_sighting`), and the page captured again as a new evidence version where the evidence
  store is available;
- `removed`: the listing is gone, recorded with the time and, on the lead, a `listing_removed` audit event
  (a flag, not a change of status). A removal after a notice was sent (`leads.notices`) is marked
  `after_notice`: a result the bureau reports.
- `error`: the page could not be read this time (blocked, unreachable, not understood).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from loguru import logger
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from core.errors import TradewatchError
from core.statuses import LeadStatus
from leads.audit import SYSTEM_ACTOR, append_event
from leads.db import run_write
from leads.models import Lead, Listing, ListingSnapshot, Notice, utcnow
from leads.notices import first_notice_before
from leads.schedule_models import ListingCheck

ONLINE, CHANGED, REMOVED, ERROR = "online", "changed", "removed", "error"
REMOVED_ACTION = "listing_removed"


# ------------------------------------------------------------------------------------------------ targets


class RecheckTarget(BaseModel):
    """One listing to revisit, and the lead it belongs to (as `select_targets` gives them)."""

    lead_pk: int | None
    listing_pk: int
    platform: str
    listing_id: str
    url: str


def _latest_checks(session: Session) -> Any:
    return (
        select(col(ListingCheck.listing_pk), func.max(ListingCheck.checked_at).label("last_checked"))
        .group_by(col(ListingCheck.listing_pk))
        .subquery()
    )


def removed_listings(session: Session) -> set[int]:
    """Listings whose latest check found them removed."""
    latest = _latest_checks(session)
    statement = (
        select(ListingCheck.listing_pk)
        .join(
            latest,
            (col(ListingCheck.listing_pk) == latest.c.listing_pk)
            & (col(ListingCheck.checked_at) == latest.c.last_checked),
        )
        .where(ListingCheck.outcome == REMOVED)
    )
    return set(session.exec(statement))


def select_targets(
    session: Session, *, limit: int = 200, min_age: timedelta = timedelta(0), now: datetime | None = None
) -> list[dict[str, Any]]:
    """Listings of queued and claimed leads to revisit: never checked first, then longest unchecked; listings
    already found removed and those checked within `min_age` are left out."""
    moment = now or utcnow()
    latest = _latest_checks(session)
    statement = (
        select(  # type: ignore[call-overload]
            Lead.id, Listing.id, Listing.platform, Listing.listing_id, Listing.url, latest.c.last_checked
        )
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .outerjoin(latest, latest.c.listing_pk == col(Listing.id))
        .where(col(Lead.status).in_(LeadStatus.OPEN) | col(Lead.id).in_(select(Notice.lead_pk)))
        .order_by(latest.c.last_checked.is_not(None), latest.c.last_checked, col(Lead.priority).desc(), col(Lead.id))
    )
    gone = removed_listings(session)
    targets = []
    for lead_pk, listing_pk, platform, listing_id, url, last_checked in session.exec(statement):
        if listing_pk in gone:
            continue
        if last_checked is not None and min_age and _aware(last_checked) > moment - min_age:
            continue
        targets.append(
            {"lead_pk": lead_pk, "listing_pk": listing_pk, "platform": platform, "listing_id": listing_id, "url": url}
        )
        if len(targets) >= limit:
            break
    return targets


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -------------------------------------------------------------------------------------------- recording


def _check(session: Session, target: RecheckTarget, outcome: str, at: datetime, **fields: Any) -> ListingCheck:
    check = ListingCheck(listing_pk=target.listing_pk, lead_pk=target.lead_pk, checked_at=at, outcome=outcome, **fields)
    session.add(check)
    session.flush()
    return check


def record_online(
    target: RecheckTarget,
    *,
    listing: dict[str, Any],
    score: dict[str, Any],
    capture: Mapping[str, Any] | None,
    at: datetime | None = None,
    url: str | None = None,
) -> str:
    """The page is online: update the listing (a snapshot when its content changed) and re-score the lead.
    `capture` is the page as fetched (the fields of a page capture), kept as evidence when the listing changed.

    Returns `changed` or `online`."""
    from leads.store import record_sighting

    moment = at or utcnow()

    def work(session: Session) -> tuple[str, int | None, int | None]:
        stored = session.get(Listing, target.listing_pk)
        listing_values = dict(listing, url=stored.url if stored is not None else listing.get("url"))
        lead_before = session.get(Lead, target.lead_pk) if target.lead_pk else None
        score_before = lead_before.score if lead_before is not None else None
        sighting = record_sighting(session, listing=listing_values, score=score, seen_at=moment)
        snapshot_pk = None
        if sighting.snapshot_created:
            snapshot_pk = session.exec(
                select(ListingSnapshot.id)
                .where(ListingSnapshot.listing_pk == target.listing_pk)
                .order_by(col(ListingSnapshot.id).desc())
                .limit(1)
            ).first()
        outcome = CHANGED if sighting.snapshot_created else ONLINE
        details: dict[str, Any] = {"score_before": score_before, "score": score.get("score")}
        if stored is not None:
            details["price"] = stored.price
        check = _check(
            session,
            target,
            outcome,
            moment,
            http_status=capture["status"] if capture else None,
            snapshot_pk=snapshot_pk,
            details=details,
        )
        return outcome, check.id, sighting.lead_pk

    outcome, check_id, lead_pk = run_write(work, url=url)
    if outcome == CHANGED and capture is not None and lead_pk is not None and check_id is not None:
        evidence_pk = recapture_evidence(lead_pk, capture, url=url)
        if evidence_pk is not None:

            def link(session: Session) -> None:
                check = session.get(ListingCheck, check_id)
                if check is not None:
                    check.evidence_pk = evidence_pk
                    session.add(check)

            run_write(link, url=url)
    return outcome


def recapture_evidence(lead_pk: int, capture: Mapping[str, Any], *, url: str | None = None) -> int | None:
    """Store the page again as the lead's next evidence version (`leads.evidence.store_capture`)."""
    from leads.evidence import store_capture

    try:
        stored = run_write(lambda session: store_capture(session, lead_pk=lead_pk, capture=capture), url=url)
    except (TradewatchError, OSError) as error:  # evidence failure must not lose the check itself
        logger.error("re-capture of lead {} failed: {}", lead_pk, error)
        return None
    return stored.id


def record_removed(
    target: RecheckTarget, *, http_status: int | None, at: datetime | None = None, url: str | None = None
) -> ListingCheck:
    """The listing is gone: one `removed` check with the time, and a `listing_removed` event on the lead."""
    moment = at or utcnow()

    def work(session: Session) -> ListingCheck:
        notice = first_notice_before(session, target.lead_pk, moment)
        details: dict[str, Any] = {"notified_at": notice.isoformat() if notice else None}
        check = _check(
            session, target, REMOVED, moment, http_status=http_status, after_notice=notice is not None, details=details
        )
        if target.lead_pk is not None:
            reason = "商品已下架 / the listing was removed from the platform"
            if notice is not None:
                reason += f"（已于 {notice:%Y-%m-%d} 发出通知 / removed after notice of {notice:%Y-%m-%d}）"
            append_event(
                session,
                lead_pk=target.lead_pk,
                action=REMOVED_ACTION,
                actor=SYSTEM_ACTOR,
                reason=reason,
                details={
                    "http_status": http_status,
                    "check_id": check.id,
                    "after_notice": notice is not None,
                    "notified_at": details["notified_at"],
                },
                at=moment,
            )
        return check

    return run_write(work, url=url)


def record_error(
    target: RecheckTarget, *, error: str, http_status: int | None, at: datetime | None = None, url: str | None = None
) -> ListingCheck:
    moment = at or utcnow()
    return run_write(
        lambda session: _check(session, target, ERROR, moment, http_status=http_status, details={"error": error}),
        url=url,
    )


# ------------------------------------------------------------------------------------------------ counts


def check_counts(session: Session, *, start: datetime, end: datetime) -> dict[str, int]:
    """Re-checks between two moments by outcome, and removals after notice."""
    rows = session.exec(
        select(ListingCheck.outcome, func.count())
        .where(col(ListingCheck.checked_at) >= start, col(ListingCheck.checked_at) < end)
        .group_by(ListingCheck.outcome)
    )
    counts = {str(outcome): int(n) for outcome, n in rows}
    counts["removed_after_notice"] = int(
        session.exec(
            select(func.count())
            .select_from(ListingCheck)
            .where(
                col(ListingCheck.checked_at) >= start,
                col(ListingCheck.checked_at) < end,
                ListingCheck.outcome == REMOVED,
                col(ListingCheck.after_notice).is_(True),
            )
        ).one()
    )
    return counts

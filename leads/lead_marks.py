"""What lists and exports show beside each lead, read for one page or batch of leads at a time: whether the
re-check found the listing removed, the newest evidence capture's manifest hash, and the newest notice's state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice

from sqlmodel import Session, col, select

from leads.models import Evidence, Lead, Listing, Notice
from leads.notice_state import notice_state
from leads.schedule_models import ListingCheck

REMOVED = "removed"


@dataclass(frozen=True)
class LeadMarks:
    removed: bool = False
    manifest_sha256: str | None = None
    notice_state: str | None = None


def removed_listings(session: Session, listing_pks: Sequence[int]) -> set[int]:
    """The listings among `listing_pks` whose latest re-check found them removed."""
    if not listing_pks:
        return set()
    rows = session.exec(
        select(ListingCheck.listing_pk, ListingCheck.outcome)
        .where(col(ListingCheck.listing_pk).in_(list(listing_pks)))
        .order_by(col(ListingCheck.checked_at), col(ListingCheck.id))
    )
    latest = {listing_pk: outcome for listing_pk, outcome in rows}  # the last check of each listing wins
    return {listing_pk for listing_pk, outcome in latest.items() if outcome == REMOVED}


def lead_marks(session: Session, rows: Sequence[tuple[Lead, Listing]], today: date) -> dict[int, LeadMarks]:
    """The marks of each lead in `rows` (a page or a batch), in three queries."""
    lead_pks = [lead.id for lead, _listing in rows if lead.id is not None]
    if not lead_pks:
        return {}
    gone = removed_listings(session, [listing.id for _lead, listing in rows if listing.id is not None])
    captures = session.exec(
        select(Evidence.lead_pk, Evidence.manifest_sha256)
        .where(col(Evidence.lead_pk).in_(lead_pks))
        .order_by(col(Evidence.version))
    )
    manifests = {lead_pk: digest for lead_pk, digest in captures}  # the newest capture wins
    notices = {
        notice.lead_pk: notice_state(notice, today)
        for notice in session.exec(select(Notice).where(col(Notice.lead_pk).in_(lead_pks)).order_by(col(Notice.id)))
    }
    return {
        lead.id: LeadMarks(
            removed=listing.id in gone, manifest_sha256=manifests.get(lead.id), notice_state=notices.get(lead.id)
        )
        for lead, listing in rows
        if lead.id is not None
    }


def with_marks(
    session: Session, rows: Iterable[tuple[Lead, Listing]], today: date, batch_size: int = 1000
) -> Iterator[tuple[Lead, Listing, LeadMarks]]:
    """Rows of any length with their marks, looked up a batch at a time (exports)."""
    iterator = iter(rows)
    while batch := list(islice(iterator, batch_size)):
        marks = lead_marks(session, batch, today)
        for lead, listing in batch:
            yield lead, listing, marks.get(lead.id or 0, LeadMarks())

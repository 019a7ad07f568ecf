"""What lists and exports show beside each lead, read for one page or batch of leads at a time: whether the
re-check found the listing removed, the newest evidence capture's manifest hash, and the newest notice's state.

Read through the columns of `leads.lead_view`, so the rows may be models or the view's rows, and `db` a session
or a connection: `leads list` marks its page without the ORM."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import select

from leads.lead_view import EVIDENCE, LISTING_CHECK, NOTICE
from leads.notice_state import notice_state

REMOVED = "removed"


@dataclass(frozen=True)
class LeadMarks:
    removed: bool = False
    manifest_sha256: str | None = None
    notice_state: str | None = None


def removed_listings(db: Any, listing_pks: Sequence[int]) -> set[int]:
    """The listings among `listing_pks` whose latest re-check found them removed."""
    if not listing_pks:
        return set()
    check = LISTING_CHECK.c
    rows = db.execute(
        select(check.listing_pk, check.outcome)
        .where(check.listing_pk.in_(list(listing_pks)))
        .order_by(check.checked_at, check.id)
    )
    latest = {listing_pk: outcome for listing_pk, outcome in rows}  # the last check of each listing wins
    return {listing_pk for listing_pk, outcome in latest.items() if outcome == REMOVED}


def lead_marks(db: Any, rows: Sequence[tuple[Any, Any]], today: date) -> dict[int, LeadMarks]:
    """The marks of each (lead, listing) in `rows` (a page or a batch), in three queries."""
    lead_pks = [lead.id for lead, _listing in rows if lead.id is not None]
    if not lead_pks:
        return {}
    gone = removed_listings(db, [listing.id for _lead, listing in rows if listing.id is not None])
    captures = db.execute(
        select(EVIDENCE.c.lead_pk, EVIDENCE.c.manifest_sha256)
        .where(EVIDENCE.c.lead_pk.in_(lead_pks))
        .order_by(EVIDENCE.c.version)
    )
    manifests = {lead_pk: digest for lead_pk, digest in captures}  # the newest capture wins
    notice = NOTICE.c
    notices = {
        row.lead_pk: notice_state(row, today)
        for row in db.execute(
            select(notice.lead_pk, notice.reply_due, notice.replied_at)
            .where(notice.lead_pk.in_(lead_pks))
            .order_by(notice.id)
        )
    }
    return {
        lead.id: LeadMarks(
            removed=listing.id in gone, manifest_sha256=manifests.get(lead.id), notice_state=notices.get(lead.id)
        )
        for lead, listing in rows
        if lead.id is not None
    }


def with_marks(
    db: Any, rows: Iterable[tuple[Any, Any]], today: date, batch_size: int = 1000
) -> Iterator[tuple[Any, Any, LeadMarks]]:
    """Rows of any length with their marks, looked up a batch at a time (exports)."""
    iterator = iter(rows)
    while batch := list(islice(iterator, batch_size)):
        marks = lead_marks(db, batch, today)
        for lead, listing in batch:
            yield lead, listing, marks.get(lead.id or 0, LeadMarks())

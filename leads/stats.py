"""Queue statistics for reporting upwards: leads by status, category, platform and campaign, deadlines, and
each officer's workload. One pass of GROUP BY queries, whatever the size of the store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, true, type_coerce
from sqlmodel import Session, col, select

from core.statuses import LeadStatus
from core.workdays import DUE_SOON_WORKING_DAYS, load_calendar, local_date
from leads.lead_query import LISTING_TABLE, LeadFilter, apply_filter
from leads.models import Lead, LeadTally, Listing, Notice, OfficerTally, utcnow
from leads.schedule_models import ListingCheck


@dataclass
class OfficerLoad:
    claimed: int = 0
    assigned: int = 0
    verified: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"claimed": self.claimed, "assigned": self.assigned, "verified": self.verified, "overdue": self.overdue}


@dataclass
class QueueStats:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_family: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    by_campaign: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0
    workload: dict[str, OfficerLoad] = field(default_factory=dict)
    notices: dict[str, int] = field(default_factory=dict)
    beyond_calendar: int = 0
    calendar_known_until: date | None = None
    today: date | None = None
    due_soon_days: int = 0  # the due-soon window in calendar days from `today` (working days converted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat() if self.today else None,
            "total": self.total,
            "by_status": self.by_status,
            "by_category": self.by_category,
            "by_family": self.by_family,
            "by_platform": self.by_platform,
            "by_campaign": self.by_campaign,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "due_soon_until": (self.today + timedelta(days=self.due_soon_days)).isoformat() if self.today else None,
            "workload": {name: load.as_dict() for name, load in sorted(self.workload.items())},
            "notices": self.notices,
            "beyond_calendar": self.beyond_calendar,
            "calendar_known_until": self.calendar_known_until.isoformat() if self.calendar_known_until else None,
        }


def _leads(statement: Any, lead_filter: LeadFilter, *, listing: bool = False) -> Any:
    """`statement` over the leads, joined with their listings only when a listing column is used: on a store
    of a million leads the join costs more than the count."""
    if listing or lead_filter.platform or lead_filter.seller:
        statement = statement.join(Listing, col(Lead.listing_id) == col(Listing.id))
    return apply_filter(statement, lead_filter)


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((key, n) for key, n in counts.items() if n), key=lambda item: (-item[1], item[0])))


def _grouped(session: Session, column: Any, lead_filter: LeadFilter) -> dict[str, int]:
    statement = select(column, func.count()).select_from(Lead)
    statement = _leads(statement, lead_filter, listing=column.table is LISTING_TABLE).group_by(column)
    counts = {("" if key is None else str(getattr(key, "value", key))): int(n) for key, n in session.exec(statement)}
    return _ranked(counts)


# OfficerTally's role of a lead's claimant (the other role is "assignee").
CLAIMANT = "claimant"

# The filters the tally can answer: those on its own columns.
_TALLIED = {"category", "platform", "campaign"}


def _tallied(session: Session, lead_filter: LeadFilter) -> dict[str, dict[str, int]] | None:
    """The breakdowns by status, category, family, platform and campaign read from `LeadTally` (a few
    thousand rows however many leads), or None when the filter uses a column the tally does not keep."""
    if set(lead_filter.model_dump(exclude_defaults=True)) - _TALLIED:
        return None
    # read as the lead's own column type, so the stored status comes back as a LeadStatus
    status = type_coerce(col(LeadTally.status), Lead.__table__.c.status.type)  # type: ignore[attr-defined]
    keys = (status, col(LeadTally.category), col(LeadTally.family), col(LeadTally.platform), col(LeadTally.campaign))
    # SQLModel's `select` is typed for at most four columns; at run time it takes any number
    statement = select(*keys, func.sum(col(LeadTally.n))).group_by(*keys)  # type: ignore[call-overload]
    f = lead_filter
    if f.category:
        statement = statement.where(
            (col(LeadTally.category) if "." in f.category else col(LeadTally.family)) == f.category
        )
    if f.platform:
        statement = statement.where(col(LeadTally.platform) == f.platform)
    if f.campaign:
        statement = statement.where(col(LeadTally.campaign) == f.campaign)
    names = ("by_status", "by_category", "by_family", "by_platform", "by_campaign")
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    for *row, n in session.exec(statement):
        row[0] = row[0].value
        for name, key in zip(names, row, strict=True):
            counts[name][key] = counts[name].get(key, 0) + int(n)
    return {name: _ranked(values) for name, values in counts.items()}


def _lead_matches(lead_pk: Any, lead_filter: LeadFilter) -> Any:
    """The row's lead (`lead_pk`) matches the filter, as a correlated EXISTS: the notices and re-checks are
    read first and each one's lead looked up, rather than every matching lead of a million searched for
    notices (SQLite, taking a category for a thousand leads, did that: 0.75 s of CPU at a million leads)."""
    if not lead_filter.model_dump(exclude_defaults=True):
        return true()
    lead = _leads(select(col(Lead.id)).select_from(Lead), lead_filter).where(col(Lead.id) == lead_pk)
    return lead.exists()


def notice_stats(session: Session, lead_filter: LeadFilter, today: date) -> dict[str, int]:
    """Notices about the matching leads: sent, answered, overdue (no reply past the reply-by date), and the
    leads whose listing a re-check found removed after a notice."""
    base = select(func.count()).select_from(Notice).where(_lead_matches(col(Notice.lead_pk), lead_filter))
    removed = (
        select(func.count(func.distinct(ListingCheck.lead_pk)))
        .select_from(ListingCheck)
        .where(ListingCheck.outcome == "removed", col(ListingCheck.after_notice).is_(True))
        .where(_lead_matches(col(ListingCheck.lead_pk), lead_filter))
    )
    return {
        "sent": int(session.exec(base).one()),
        "answered": int(session.exec(base.where(col(Notice.replied_at).is_not(None))).one()),
        "overdue": int(session.exec(base.where(col(Notice.replied_at).is_(None), col(Notice.reply_due) < today)).one()),
        "removed_after_notice": int(session.exec(removed).one()),
    }


def queue_stats(
    session: Session,
    lead_filter: LeadFilter | None = None,
    *,
    today: date | None = None,
    due_soon_days: int | None = None,
    known_until: date | None = None,
) -> QueueStats:
    """Counts over the leads that match `lead_filter` (all leads by default). Due soon: due within
    `due_soon_days` calendar days (`leads.deadlines.due_soon_days` converts the working days of the rule; by
    default the rule's own DUE_SOON_WORKING_DAYS). Open leads due after
    `known_until` (the holiday calendar's last known day) are counted as a warning: their due dates count
    weekends only."""
    f = lead_filter or LeadFilter()
    today = today or local_date(utcnow())
    if due_soon_days is None:  # the rule: due within DUE_SOON_WORKING_DAYS working days
        due_soon_days = (load_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS) - today).days
    stats = QueueStats(today=today, due_soon_days=due_soon_days, calendar_known_until=known_until)
    tallied = _tallied(session, f)
    if tallied is not None:
        for name, counts in tallied.items():
            setattr(stats, name, counts)
    else:
        stats.by_status = _grouped(session, col(Lead.status), f)
        stats.by_category = _grouped(session, col(Lead.category), f)
        stats.by_family = _grouped(session, col(Lead.family), f)
        stats.by_platform = _grouped(session, col(Listing.platform), f)
        stats.by_campaign = _grouped(session, col(Lead.campaign), f)
    stats.total = sum(stats.by_status.values())
    # Open leads by due date: a range count on the (status, due_date) index each, whatever the size of the store.
    soon_until = today + timedelta(days=due_soon_days)
    stats.overdue = _open_due(session, f, col(Lead.due_date) < today)
    stats.due_soon = _open_due(session, f, col(Lead.due_date).between(today, soon_until))
    if known_until is not None:
        stats.beyond_calendar = _open_due(session, f, col(Lead.due_date) > known_until)
    stats.notices = notice_stats(session, f, today)
    stats.workload = _workload(session, f, today)
    return stats


def _open_due(session: Session, lead_filter: LeadFilter, due: Any) -> int:
    """How many open leads match the filter and have a due date in the range `due`."""
    statement = _leads(select(func.count()).select_from(Lead), lead_filter).where(
        col(Lead.status).in_(LeadStatus.OPEN), due
    )
    return int(session.exec(statement).one())


def _add_load(
    workload: dict[str, OfficerLoad], officer: str, *, claimant: bool, status: Any, late: bool, n: int
) -> None:
    """Count `n` leads of `status` on `officer`'s desk: claimed (as the claimant of a claimed lead), verified,
    or else assigned; and overdue when `late`."""
    load = workload.setdefault(officer, OfficerLoad())
    if status == LeadStatus.CLAIMED and claimant:
        load.claimed += n
    elif status == LeadStatus.VERIFIED:
        load.verified += n
    else:
        load.assigned += n
    if late:
        load.overdue += n


def _workload(session: Session, lead_filter: LeadFilter, today: date) -> dict[str, OfficerLoad]:
    """Each officer's leads: read from `OfficerTally` (a few thousand rows) for all leads; with a filter the
    tally cannot answer, the leads on desks grouped in the database (one row per status, claimant, assignees
    and overdue-ness)."""
    workload: dict[str, OfficerLoad] = {}
    if not lead_filter.model_dump(exclude_defaults=True):
        status = type_coerce(col(OfficerTally.status), Lead.__table__.c.status.type)  # type: ignore[attr-defined]
        stored_open = [member.name for member in LeadStatus.OPEN]  # the tally holds the status as stored
        late = and_(col(OfficerTally.status).in_(stored_open), col(OfficerTally.due_date) < today)
        keys = (col(OfficerTally.officer), col(OfficerTally.role), status, late)
        tallied = (
            select(*keys, func.sum(col(OfficerTally.n)))  # type: ignore[call-overload]  # SQLModel: four columns
            .group_by(*keys)
            .having(func.sum(col(OfficerTally.n)) != 0)
        )
        for officer, role, lead_status, is_late, n in session.exec(tallied):
            _add_load(workload, officer, claimant=role == CLAIMANT, status=lead_status, late=bool(is_late), n=int(n))
        return workload
    overdue = and_(col(Lead.status).in_(LeadStatus.OPEN), col(Lead.due_date) < today)
    assigned = cast(col(Lead.assignees), String)
    statement = _leads(
        select(  # type: ignore[call-overload]  # SQLModel's select is typed for four columns
            col(Lead.status), col(Lead.claimed_by), assigned, overdue, func.count()
        ).select_from(Lead),
        lead_filter,
    ).where(
        col(Lead.status).in_(LeadStatus.ON_DESK),
        # only leads with an officer add to a workload: the indexes on the claimant and the assignees find them
        or_(col(Lead.claimed_by).is_not(None), func.json_array_length(col(Lead.assignees)) > 0),
    )
    for lead_status, claimed_by, assignees, late_, n in session.exec(
        statement.group_by(col(Lead.status), col(Lead.claimed_by), assigned, overdue)
    ):
        names = json.loads(assignees) if assignees else []
        for officer in dict.fromkeys([*([claimed_by] if claimed_by else []), *(names or [])]):
            _add_load(workload, officer, claimant=officer == claimed_by, status=lead_status, late=bool(late_), n=n)
    return workload

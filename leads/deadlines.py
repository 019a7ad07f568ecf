"""Verification deadlines (线索核查期限): which open leads are due within a few working days, which are overdue.

The deadline job marks each such lead once with an audit event (`due_soon` or `overdue`, not a change of
status) and the daily report lists them. The counts agree with `tradewatch stats`, which counts by the due
date: `due_soon_days(today)` turns "within N working days" into the calendar days `leads.stats` takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from core.statuses import LeadStatus
from core.workdays import DUE_SOON_WORKING_DAYS, WorkCalendar, load_calendar, local_date
from leads.audit import SYSTEM_ACTOR, append_event
from leads.db import run_write
from leads.models import AuditEvent, Lead, Listing, utcnow

DUE_SOON, OVERDUE = "due_soon", "overdue"


def due_soon_limit(today: date, calendar: WorkCalendar, working_days: int = DUE_SOON_WORKING_DAYS) -> date:
    """The last due date that counts as "due soon": `working_days` working days after today."""
    return calendar.add_working_days(today, working_days)


def due_soon_days(today: date, calendar: WorkCalendar, working_days: int = DUE_SOON_WORKING_DAYS) -> int:
    """The same window in calendar days, for `leads.stats.queue_stats(due_soon_days=...)`."""
    return (due_soon_limit(today, calendar, working_days) - today).days


@dataclass
class DeadlineItem:
    lead_id: int
    status: str
    due_date: date
    working_days_left: int
    category: str | None
    platform: str
    title: str
    claimed_by: str | None


@dataclass
class DeadlineReport:
    today: date
    due_soon: list[DeadlineItem] = field(default_factory=list)
    overdue: list[DeadlineItem] = field(default_factory=list)
    marked: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "due_soon": len(self.due_soon),
            "overdue": len(self.overdue),
            "marked": self.marked,
            "overdue_ids": [item.lead_id for item in self.overdue],
            "due_soon_ids": [item.lead_id for item in self.due_soon],
        }


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Working days from `start` to `end` (negative when `end` is earlier): 0 when due today."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count, day = 0, low
    while day < high:
        day = date.fromordinal(day.toordinal() + 1)
        if calendar.is_working_day(day):
            count += 1
    return sign * count


def find_deadlines(
    session: Session, *, today: date, calendar: WorkCalendar, working_days: int = DUE_SOON_WORKING_DAYS
) -> DeadlineReport:
    """Open leads (queued, claimed) overdue or due within `working_days` working days, soonest first."""
    limit = due_soon_limit(today, calendar, working_days)
    statement = (
        select(Lead, Listing)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .where(col(Lead.status).in_(LeadStatus.OPEN), col(Lead.due_date).is_not(None), col(Lead.due_date) <= limit)
        .order_by(col(Lead.due_date), col(Lead.priority).desc(), col(Lead.id))
    )
    report = DeadlineReport(today=today)
    for lead, listing in session.exec(statement):
        assert lead.id is not None and lead.due_date is not None
        item = DeadlineItem(
            lead_id=lead.id,
            status=str(getattr(lead.status, "value", lead.status)),
            due_date=lead.due_date,
            working_days_left=working_days_between(today, lead.due_date, calendar),
            category=lead.category,
            platform=listing.platform,
            title=listing.title,
            claimed_by=lead.claimed_by,
        )
        (report.overdue if lead.due_date < today else report.due_soon).append(item)
    return report


def _already_marked(session: Session, lead_id: int, action: str, due: date) -> bool:
    events = session.exec(select(AuditEvent.details).where(AuditEvent.lead_pk == lead_id, AuditEvent.action == action))
    return any((details or {}).get("due_date") == due.isoformat() for details in events)


def mark_deadlines(session: Session, report: DeadlineReport, *, now: datetime) -> int:
    """One audit event per lead and due date: `due_soon`, then `overdue` when it passes."""
    marked = 0
    for action, items in ((DUE_SOON, report.due_soon), (OVERDUE, report.overdue)):
        for item in items:
            if _already_marked(session, item.lead_id, action, item.due_date):
                continue
            if action == OVERDUE:
                reason = f"已超过核查期限 {item.due_date} / past its verification deadline {item.due_date}"
            else:
                reason = (
                    f"核查期限 {item.due_date}，剩余 {item.working_days_left} 个工作日 / due {item.due_date}, "
                    f"{item.working_days_left} working day(s) left"
                )
            append_event(
                session,
                lead_pk=item.lead_id,
                action=action,
                actor=SYSTEM_ACTOR,
                reason=reason,
                details={"due_date": item.due_date.isoformat(), "working_days_left": item.working_days_left},
                at=now,
            )
            marked += 1
    return marked


def check_deadlines(
    *,
    now: datetime | None = None,
    working_days: int = DUE_SOON_WORKING_DAYS,
    calendar: WorkCalendar | None = None,
    url: str | None = None,
) -> DeadlineReport:
    """The deadline job: find the leads due soon and overdue on the bureau's today, and mark them."""
    moment = now or utcnow()
    calendar = calendar or load_calendar()
    today = local_date(moment)

    def work(session: Session) -> DeadlineReport:
        report = find_deadlines(session, today=today, calendar=calendar, working_days=working_days)
        report.marked = mark_deadlines(session, report, now=moment)
        return report

    return run_write(work, url=url)

"""The queue as it stood at the end of a past day, rebuilt from the audit trail.

Every change of a lead's status is an audit event with its `to_status` (leads.queue, leads.store), and every
due date set is in its event's details (`due_date`: queued, requeued, extended). So the status of a lead at a
moment is its last such event before it, and its due date the last due date recorded before it. A past day's
report is therefore exact, whatever happened to the leads since; only fields the trail does not record
(category, family, platform, the finding campaign) are taken as they are now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.statuses import LeadStatus
from core.workdays import WorkCalendar
from leads.deadlines import DeadlineItem, DeadlineReport, due_soon_limit, working_days_between
from leads.models import AuditEvent, Lead, Listing, Notice
from leads.schedule_models import ListingCheck
from leads.stats import OfficerLoad, QueueStats

DUE_DATE_ACTIONS = ("enqueue", "hand_queue", "requeued", "extend")
DIMENSIONS = ("category", "family", "platform", "campaign")


@dataclass
class PastQueue:
    """What a past day's report shows of the queue: the stats, the status crosstabs, the deadline list."""

    stats: QueueStats
    by: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    deadlines: DeadlineReport | None = None


def statuses_at(end: datetime) -> Any:
    """A subquery of (lead_pk, status): each lead's status at `end`, leads created after it left out."""
    latest = (
        select(col(AuditEvent.lead_pk).label("lead_pk"), func.max(AuditEvent.seq).label("seq"))
        .where(
            col(AuditEvent.lead_pk).is_not(None),
            col(AuditEvent.to_status).is_not(None),
            col(AuditEvent.created_at) < end,
        )
        .group_by(col(AuditEvent.lead_pk))
        .subquery()
    )
    return (
        select(col(AuditEvent.lead_pk).label("lead_pk"), col(AuditEvent.to_status).label("status"))
        .join(latest, col(AuditEvent.seq) == latest.c.seq)
        .subquery()
    )


def _key(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _sorted(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _due_dates(session: Session, lead_pks: list[int], end: datetime) -> dict[int, date]:
    """Each lead's due date as last recorded before `end`."""
    due: dict[int, date] = {}
    for start in range(0, len(lead_pks), 5000):
        chunk = lead_pks[start : start + 5000]
        events = session.exec(
            select(AuditEvent.lead_pk, AuditEvent.details)
            .where(
                col(AuditEvent.lead_pk).in_(chunk),
                col(AuditEvent.action).in_(DUE_DATE_ACTIONS),
                col(AuditEvent.created_at) < end,
            )
            .order_by(col(AuditEvent.seq))
        )
        for lead_pk, details in events:
            value = (details or {}).get("due_date")
            if lead_pk is not None and value:
                due[lead_pk] = date.fromisoformat(str(value)[:10])
    return due


def _officers(session: Session, lead_pks: list[int], end: datetime) -> dict[int, tuple[str | None, list[str]]]:
    """Each lead's last claimant and its officers (claims, assignments, referral confirmations) before `end`."""
    officers: dict[int, tuple[str | None, list[str]]] = {}
    for start in range(0, len(lead_pks), 5000):
        chunk = lead_pks[start : start + 5000]
        events = session.exec(
            select(AuditEvent.lead_pk, AuditEvent.action, AuditEvent.actor, AuditEvent.details)
            .where(
                col(AuditEvent.lead_pk).in_(chunk),
                col(AuditEvent.action).in_(("claim", "assign", "confirm_referral")),
                col(AuditEvent.created_at) < end,
            )
            .order_by(col(AuditEvent.seq))
        )
        for lead_pk, action, actor, details in events:
            if lead_pk is None:
                continue
            claimed_by, names = officers.get(lead_pk, (None, []))
            added_by_action: dict[str, list[Any]] = {
                "claim": [actor],
                "assign": [(details or {}).get("assignee")],
                "confirm_referral": list((details or {}).get("officers") or []),
            }
            added = added_by_action[action]
            claimed_by = actor if action == "claim" else claimed_by
            officers[lead_pk] = (claimed_by, list(dict.fromkeys([*names, *(str(name) for name in added if name)])))
    return officers


def _notices_at(session: Session, day: date, end: datetime) -> dict[str, int]:
    sent = select(func.count()).select_from(Notice).where(col(Notice.lead_pk).is_not(None), col(Notice.sent_at) < end)
    removed = (
        select(func.count(func.distinct(ListingCheck.lead_pk)))
        .where(ListingCheck.outcome == "removed", col(ListingCheck.after_notice).is_(True))
        .where(col(ListingCheck.checked_at) < end)
    )
    unanswered = (col(Notice.replied_at).is_(None)) | (col(Notice.replied_at) >= end)
    return {
        "sent": int(session.exec(sent).one()),
        "answered": int(session.exec(sent.where(col(Notice.replied_at) < end)).one()),
        "overdue": int(session.exec(sent.where(unanswered, col(Notice.reply_due) < day)).one()),
        "removed_after_notice": int(session.exec(removed).one()),
    }


def past_queue(session: Session, day: date, end: datetime, *, calendar: WorkCalendar, working_days: int) -> PastQueue:
    """The queue at `end` (the end of the bureau's `day`): counts by status and the four dimensions, overdue
    and due-soon leads by their due date of then, notices, and each officer's workload."""
    limit = due_soon_limit(day, calendar, working_days)
    stats = QueueStats(today=day, due_soon_days=(limit - day).days, calendar_known_until=calendar.last_known_day)
    at = statuses_at(end)
    columns = {
        "category": col(Lead.category),
        "family": col(Lead.family),
        "platform": col(Listing.platform),
        "campaign": col(Lead.campaign),
    }
    grouped = session.exec(
        # SQLModel's `select` is typed for at most four fixed columns; at run time it takes any number
        select(at.c.status, *columns.values(), func.count())  # type: ignore[call-overload]
        .select_from(at)
        .join(Lead, col(Lead.id) == at.c.lead_pk)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .group_by(at.c.status, *columns.values())
    )
    totals: dict[str, dict[str, int]] = {name: {} for name in ("status", *DIMENSIONS)}
    by: dict[str, dict[str, dict[str, int]]] = {name: {} for name in DIMENSIONS}
    for status, *keys, count in grouped:
        totals["status"][_key(status)] = totals["status"].get(_key(status), 0) + int(count)
        for name, key in zip(DIMENSIONS, keys, strict=True):
            totals[name][_key(key)] = totals[name].get(_key(key), 0) + int(count)
            row = by[name].setdefault(_key(key), {})
            row[_key(status)] = row.get(_key(status), 0) + int(count)
    stats.by_status = _sorted(totals["status"])
    stats.total = sum(stats.by_status.values())
    stats.by_category, stats.by_family = _sorted(totals["category"]), _sorted(totals["family"])
    stats.by_platform, stats.by_campaign = _sorted(totals["platform"]), _sorted(totals["campaign"])

    on_desk = [status.value for status in LeadStatus.ON_DESK]
    desk = list(
        session.exec(
            select(at.c.status, Lead, Listing)
            .select_from(at)
            .join(Lead, col(Lead.id) == at.c.lead_pk)
            .join(Listing, col(Lead.listing_id) == col(Listing.id))
            .where(at.c.status.in_(on_desk))
        )
    )
    pks = [lead.id for _, lead, _ in desk if lead.id is not None]
    due = _due_dates(session, pks, end)
    officers = _officers(session, pks, end)
    deadlines = DeadlineReport(today=day)
    open_statuses = {status.value for status in LeadStatus.OPEN}
    for status, lead, listing in desk:
        assert lead.id is not None
        due_date = due.get(lead.id, lead.due_date)
        is_open = status in open_statuses
        overdue = is_open and due_date is not None and due_date < day
        last_claimant, assignees = officers.get(lead.id, (None, []))
        claimed_by = last_claimant if status == LeadStatus.CLAIMED.value else None
        if is_open and due_date is not None and due_date <= limit:
            item = DeadlineItem(
                lead_id=lead.id,
                status=status,
                due_date=due_date,
                working_days_left=working_days_between(day, due_date, calendar),
                category=lead.category,
                platform=listing.platform,
                title=listing.title,
                claimed_by=claimed_by,
            )
            (deadlines.overdue if overdue else deadlines.due_soon).append(item)
            if not overdue:
                stats.due_soon += 1
        if overdue:
            stats.overdue += 1
            for name, key in (
                ("category", lead.category),
                ("family", lead.family),
                ("platform", listing.platform),
                ("campaign", lead.campaign),
            ):
                row = by[name].setdefault(_key(key), {})
                row["overdue"] = row.get("overdue", 0) + 1
        if is_open and due_date is not None and stats.calendar_known_until and due_date > stats.calendar_known_until:
            stats.beyond_calendar += 1
        for officer in dict.fromkeys([*([claimed_by] if claimed_by else []), *assignees]):
            load = stats.workload.setdefault(officer, OfficerLoad())
            if status == LeadStatus.CLAIMED.value and officer == claimed_by:
                load.claimed += 1
            elif status == LeadStatus.VERIFIED.value:
                load.verified += 1
            else:
                load.assigned += 1
            load.overdue += int(overdue)
    for items in (deadlines.overdue, deadlines.due_soon):
        items.sort(key=lambda item: (item.due_date, item.lead_id))
    stats.notices = _notices_at(session, day, end)
    ordered = {
        name: dict(
            sorted(table.items(), key=lambda item: (-sum(v for k, v in item[1].items() if k != "overdue"), item[0]))
        )
        for name, table in by.items()
    }
    return PastQueue(stats=stats, by=ordered, deadlines=deadlines)

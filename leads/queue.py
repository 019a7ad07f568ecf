"""The verification queue and its state machine (DESIGN.md, "Lead lifecycle").

Every transition is a function here: it loads the lead with a row lock, checks the transition is allowed,
needs an officer identity (and a reason where the rules say so), and writes an audit event in the same
transaction. The caller commits. Two officers claiming one lead at once: the second waits for the first's
row lock (PostgreSQL) or write lock (SQLite), then finds the lead claimed and gets `ClaimConflict`.

    new --enqueue / hand_queue(reason)--> queued --claim--> claimed --verify--> verified
     \\--claim (the officer's team covers the category)--------------^
                                          |--dismiss(reason)--> dismissed --reopen(reason)--> queued
                                          \\--escalate(reason)--> escalated
    verified --refer (one officer asks)--> verified --confirm_referral (another officer)--> referred
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from core.errors import ClaimConflict, NotFound, OfficerRequired, TransitionError
from core.statuses import LeadStatus
from core.workdays import (
    EXTENSION_WORKING_DAYS,
    VERIFICATION_WORKING_DAYS,
    WorkCalendar,
    load_calendar,
    local_date,
)
from leads.audit import append_event
from leads.models import Lead, Listing, utcnow
from leads.store import lead_priority, reprioritise

STATUS_ZH = {
    LeadStatus.NEW: "新线索",
    LeadStatus.QUEUED: "待核查",
    LeadStatus.CLAIMED: "核查中",
    LeadStatus.VERIFIED: "已核实",
    LeadStatus.REFERRED: "已移送立案",
    LeadStatus.DISMISSED: "已排除",
    LeadStatus.ESCALATED: "已上报",
}
ACTION_ZH = {
    "enqueue": "入队",
    "hand_queue": "手动入队",
    "confirm_referral": "确认移送立案",
    "claim": "认领",
    "verify": "核实",
    "refer": "移送立案",
    "dismiss": "排除",
    "escalate": "上报",
    "reopen": "重新打开",
    "assign": "指派",
    "extend": "延期",
    "note": "备注",
}

# action -> (statuses it may start from, status it leads to; None = no change of status)
TRANSITIONS: dict[str, tuple[frozenset[LeadStatus], LeadStatus | None]] = {
    "enqueue": (frozenset({LeadStatus.NEW}), LeadStatus.QUEUED),
    "hand_queue": (frozenset({LeadStatus.NEW}), LeadStatus.QUEUED),
    "claim": (frozenset({LeadStatus.NEW, LeadStatus.QUEUED}), LeadStatus.CLAIMED),
    "verify": (frozenset({LeadStatus.CLAIMED}), LeadStatus.VERIFIED),
    "refer": (frozenset({LeadStatus.VERIFIED}), None),
    "confirm_referral": (frozenset({LeadStatus.VERIFIED}), LeadStatus.REFERRED),
    "dismiss": (frozenset({LeadStatus.CLAIMED}), LeadStatus.DISMISSED),
    "escalate": (frozenset({LeadStatus.CLAIMED}), LeadStatus.ESCALATED),
    "reopen": (frozenset({LeadStatus.DISMISSED}), LeadStatus.QUEUED),
    "assign": (frozenset(LeadStatus.ASSIGNABLE), None),
    "extend": (frozenset(LeadStatus.ASSIGNABLE), None),
    "note": (frozenset(LeadStatus), None),
}
REASON_REQUIRED = frozenset({"hand_queue", "dismiss", "escalate", "reopen", "extend"})
# Actions only an officer on the lead (the claimant or an assignee) may take.
ASSIGNEE_ONLY = frozenset({"verify", "refer", "dismiss", "escalate"})


def allowed_actions(status: LeadStatus) -> list[str]:
    """The actions the state machine allows from `status`."""
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def require_officer(officer: str | None) -> str:
    officer = (officer or "").strip()
    if not officer:
        raise OfficerRequired()
    return officer


LEAD_NOUN = ("线索", "lead")


def require_reason(action: str, reason: str | None, noun: tuple[str, str] = LEAD_NOUN) -> str | None:
    """The reason, stripped; TransitionError when the action needs one and none was given."""
    reason = (reason or "").strip() or None
    if action in REASON_REQUIRED and reason is None:
        raise TransitionError(
            f"{ACTION_ZH[action]}{noun[0]}需要填写理由（--reason） / a reason is required to {action} a {noun[1]} "
            "(--reason)"
        )
    return reason


def _lock_lead(session: Session, lead_id: int) -> Lead:
    statement = select(Lead).where(Lead.id == lead_id).with_for_update().execution_options(populate_existing=True)
    lead = session.exec(statement).first()
    if lead is None:
        raise NotFound(f"没有编号为 {lead_id} 的线索 / no lead with id {lead_id}")
    return lead


def check_transition(subject: Any, action: str, officer: str, noun: tuple[str, str] = LEAD_NOUN) -> None:
    """Raise unless the state machine lets `officer` take `action` on `subject` (a lead, or anything worked
    through the same states: it has `id`, `status`, `assignees` and `claimed_by`)."""
    sources, _ = TRANSITIONS[action]
    status = LeadStatus(subject.status)
    zh, en = noun
    if status in sources:
        if action in ASSIGNEE_ONLY and officer not in (subject.assignees or []):
            raise TransitionError(
                f"{officer} 不是{zh} {subject.id} 的承办人，不能{ACTION_ZH[action]} / "
                f"{officer} is not assigned to {en} {subject.id} and cannot {action} it (claim or be assigned first)"
            )
        return
    if action == "claim" and status == LeadStatus.CLAIMED:
        who = subject.claimed_by or "?"
        raise ClaimConflict(
            f"{zh} {subject.id} 已被 {who} 认领 / {en} {subject.id} was already claimed by {who}"
            + (" (you)" if who == officer else "")
        )
    allowed = ", ".join(sorted(source.value for source in sources))
    raise TransitionError(
        f"{zh} {subject.id} 当前为{STATUS_ZH[status]}，不能{ACTION_ZH[action]} / "
        f"{en} {subject.id} is {status.value}; {action} needs {allowed}"
    )


def _apply(
    session: Session,
    lead: Lead,
    action: str,
    *,
    officer: str,
    reason: str | None,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> Lead:
    _, target = TRANSITIONS[action]
    before = lead.status
    if target is not None:
        lead.status = target
    lead.updated_at = now
    session.add(lead)
    session.flush()
    append_event(
        session,
        lead_pk=lead.id,
        action=action,
        actor=officer,
        from_status=before.value,
        to_status=lead.status.value,
        reason=reason,
        details=details,
        at=now,
    )
    return lead


def _start(session: Session, lead_id: int, action: str, officer: str | None, reason: str | None) -> tuple:
    who = require_officer(officer)
    why = require_reason(action, reason)
    lead = _lock_lead(session, lead_id)
    check_transition(lead, action, who)
    return lead, who, why


def _set_due(lead: Lead, now: datetime, calendar: WorkCalendar | None) -> None:
    calendar = calendar or load_calendar()
    lead.queued_at = now
    lead.due_date = calendar.add_working_days(local_date(now), VERIFICATION_WORKING_DAYS)
    lead.extended = False
    lead.extension_reason = None


# --------------------------------------------------------------------------------------------- transitions


def enqueue(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str | None = None,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> Lead:
    """new -> queued, with a priority and a due date 15 working days ahead (the scheduler's feed job)."""
    return _into_queue(session, lead_id, "enqueue", officer=officer, reason=reason, now=now, calendar=calendar)


def hand_queue(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> Lead:
    """new -> queued by an officer, with a reason: a lead the feed left waiting that should not wait."""
    return _into_queue(session, lead_id, "hand_queue", officer=officer, reason=reason, now=now, calendar=calendar)


def _into_queue(
    session: Session,
    lead_id: int,
    action: str,
    *,
    officer: str,
    reason: str | None,
    now: datetime | None,
    calendar: WorkCalendar | None,
) -> Lead:
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, action, officer, reason)
    _open_for_work(session, lead, now, calendar)
    return _apply(session, lead, action, officer=who, reason=why, now=now, details={"due_date": lead.due_date})


def _open_for_work(session: Session, lead: Lead, now: datetime, calendar: WorkCalendar | None) -> None:
    """A lead leaving `new`: its due date starts now, and its priority is computed."""
    _set_due(lead, now, calendar)
    listing = session.get(Listing, lead.listing_id)
    assert listing is not None
    lead.priority = lead_priority(session, lead, listing, now=now)


def covers(categories: Sequence[str], category: str | None) -> bool:
    """Whether a team's categories (ids or families) cover `category`."""
    category = category or ""
    return any(category == wanted or category.startswith(f"{wanted}.") for wanted in categories)


def claim(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str | None = None,
    team_categories: Sequence[str] | None = None,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> Lead:
    """queued -> claimed by `officer`. Exactly one of two simultaneous claims wins; the other gets ClaimConflict.

    A `new` lead may be claimed too when the officer's teams (`team_categories`: the categories or families
    they cover) cover its category; its due date then starts now."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "claim", officer, reason)
    if lead.status == LeadStatus.NEW:
        if not covers(team_categories or (), lead.category):
            raise TransitionError(
                f"线索 {lead.id} 为新线索，只有负责类别 {lead.category or '-'} 的小组成员可以直接认领 / "
                f"lead {lead.id} is new; only a member of a team covering {lead.category or '-'} may claim it "
                f"(or queue it first)"
            )
        _open_for_work(session, lead, now, calendar)
    lead.claimed_by = who
    lead.assignees = list(dict.fromkeys([*(lead.assignees or []), who]))
    return _apply(session, lead, "claim", officer=who, reason=why, now=now)


def assign(
    session: Session, lead_id: int, *, officer: str, to: str, reason: str | None = None, now: datetime | None = None
) -> Lead:
    """Add officer `to` to the lead (a case is handled by at least two officers). No change of status."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "assign", officer, reason)
    assignee = require_officer(to)
    if assignee in (lead.assignees or []):
        raise TransitionError(f"{assignee} 已是线索 {lead.id} 的承办人 / {assignee} is already on lead {lead.id}")
    lead.assignees = [*(lead.assignees or []), assignee]
    return _apply(session, lead, "assign", officer=who, reason=why, now=now, details={"assignee": assignee})


def verify(
    session: Session, lead_id: int, *, officer: str, reason: str | None = None, now: datetime | None = None
) -> Lead:
    """claimed -> verified: the officer on the lead confirmed the listing is what it looks like."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "verify", officer, reason)
    return _apply(session, lead, "verify", officer=who, reason=why, now=now)


def refer(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str | None = None,
    to: str | None = None,
    now: datetime | None = None,
) -> Lead:
    """Ask for a verified lead's referral for case filing (立案). The lead stays verified until a second,
    different officer confirms (`confirm_referral`): one officer alone can never refer a case."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "refer", officer, reason)
    if lead.referral_requested_by:
        raise TransitionError(
            f"线索 {lead.id} 已由 {lead.referral_requested_by} 提请移送立案，等待另一名办案人员确认 / "
            f"lead {lead.id} was already put forward for referral by {lead.referral_requested_by}; "
            f"another officer must confirm it"
        )
    lead.referral_requested_by = who
    return _apply(session, lead, "refer", officer=who, reason=why, now=now, details={"to": to})


def confirm_referral(
    session: Session, lead_id: int, *, officer: str, reason: str | None = None, now: datetime | None = None
) -> Lead:
    """verified -> referred: a second officer, not the one who asked, confirms the referral."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "confirm_referral", officer, reason)
    asked = lead.referral_requested_by
    if not asked:
        raise TransitionError(
            f"线索 {lead.id} 尚未提请移送立案（先用 leads refer） / lead {lead.id} was not put forward for "
            f"referral (leads refer first)"
        )
    if asked == who:
        raise TransitionError(
            f"移送立案须由另一名办案人员确认，{who} 不能确认自己的提请 / referral of lead {lead.id} needs a second "
            f"officer: {who} cannot confirm their own request"
        )
    lead.assignees = list(dict.fromkeys([*(lead.assignees or []), asked, who]))
    details = {"officers": [asked, who]}
    return _apply(session, lead, "confirm_referral", officer=who, reason=why, now=now, details=details)


def dismiss(session: Session, lead_id: int, *, officer: str, reason: str, now: datetime | None = None) -> Lead:
    """claimed -> dismissed, with a reason. Remembers score and content so a re-sighting can re-queue it."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "dismiss", officer, reason)
    listing = session.get(Listing, lead.listing_id)
    lead.dismissed_score = lead.score
    lead.dismissed_content_hash = listing.content_hash if listing is not None else None
    return _apply(session, lead, "dismiss", officer=who, reason=why, now=now, details={"score": lead.score})


def escalate(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str,
    to: str | None = None,
    now: datetime | None = None,
) -> Lead:
    """claimed -> escalated (e.g. to the forestry and grassland / wildlife authority), with a reason."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "escalate", officer, reason)
    return _apply(session, lead, "escalate", officer=who, reason=why, now=now, details={"to": to})


def reopen(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> Lead:
    """dismissed -> queued, with a reason and a new due date."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "reopen", officer, reason)
    _set_due(lead, now, calendar)
    lead.claimed_by = None
    lead.referral_requested_by = None
    return _apply(session, lead, "reopen", officer=who, reason=why, now=now, details={"due_date": lead.due_date})


def extend(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    reason: str,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> Lead:
    """Extend the due date once by 15 working days, with a reason."""
    now = now or utcnow()
    lead, who, why = _start(session, lead_id, "extend", officer, reason)
    if lead.extended:
        raise TransitionError(
            f"线索 {lead.id} 的核查期限已延长过一次 / lead {lead.id} was already extended once (one extension only)"
        )
    calendar = calendar or load_calendar()
    before = lead.due_date
    start = before or (local_date(lead.queued_at) if lead.queued_at else local_date(now))
    lead.due_date = calendar.add_working_days(start, EXTENSION_WORKING_DAYS)
    lead.extended = True
    lead.extension_reason = why
    details = {"due_date_before": before, "due_date": lead.due_date}
    return _apply(session, lead, "extend", officer=who, reason=why, now=now, details=details)


def note(
    session: Session,
    lead_id: int,
    *,
    officer: str,
    text: str | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Lead:
    """Add a note to the lead's audit trail. No change of status."""
    now = now or utcnow()
    body = (text or reason or "").strip()
    if not body:
        raise TransitionError("备注内容不能为空 / a note needs text")
    lead, who, _ = _start(session, lead_id, "note", officer, None)
    return _apply(session, lead, "note", officer=who, reason=body, now=now)


def refresh_priorities(session: Session, *, now: datetime | None = None) -> int:
    """Recompute the priority of every open lead (age and the seller's other leads change over time)."""
    return reprioritise(session, now=now or utcnow())

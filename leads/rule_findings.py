"""Rule findings in the officers' workflow: the queue's state machine, audit trail and notices, for clauses.

A finding starts `queued`. Officers claim, verify or dismiss it (with a reason) and add notes through the same
transition table as leads (`leads.queue.TRANSITIONS`, `check_transition`); every change is an event of the
one audit chain, tied to the finding (`AuditEvent.rule_finding_pk`). A verified finding can get a
rectification notice (整改通知) or an interview notice (约谈) to the platform through the notice machinery
(`leads.notices`: the document from a template, kept as evidence, with a reply-by date); when the page's next
version is stored, `follow_up_notices` records whether the clause was removed, reworded or kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from core.config import get_settings
from core.errors import NotFound, TransitionError
from core.workdays import BUREAU_TZ, local_date
from leads.audit import append_event
from leads.models import AuditEvent, LeadStatus, Notice, utcnow
from leads.notice_document import RenderedNotice
from leads.notices import CHANNELS, PLATFORM, RECIPIENTS, record_notice, reply_due
from leads.queue import TRANSITIONS, check_transition, require_officer, require_reason
from leads.rules_diff import SIMILAR, similarity
from leads.rules_models import RectificationNotice, RuleFinding, RulesVersion

FINDING_ACTOR = "rules-watch"
FINDING_SUBJECT = "rule_finding"  # the subject kind of a finding's notices
FINDING_NOUN = ("条款问题", "finding")
FINDING_ACTIONS = ("claim", "verify", "dismiss", "reopen", "note")
NOTICE_KINDS = {"rectification": "整改通知", "interview": "约谈"}
GROUPS_ZH = {
    "exempt_liability": "免除或者减轻经营者责任",
    "add_obligation": "加重消费者责任",
    "exclude_rights": "排除或者限制消费者权利",
}
OUTCOMES_ZH = {
    "pending": "待复查",
    "clause_removed": "条款已删除",
    "clause_reworded": "条款已改写",
    "clause_kept": "条款仍在",
}


def _lock(session: Session, finding_id: int) -> RuleFinding:
    statement = (
        select(RuleFinding)
        .where(RuleFinding.id == finding_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    finding = session.exec(statement).first()
    if finding is None:
        raise NotFound(f"没有编号为 {finding_id} 的条款问题 / no finding with id {finding_id}")
    return finding


def _event(
    session: Session,
    finding: RuleFinding,
    action: str,
    actor: str,
    *,
    before: str | None,
    reason: str | None,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    append_event(
        session,
        lead_pk=None,
        rule_finding_pk=finding.id,
        action=action,
        actor=actor,
        from_status=before,
        to_status=finding.status,
        reason=reason,
        details=details,
        at=now,
    )


def transition(
    session: Session,
    finding_id: int,
    action: str,
    *,
    officer: str | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> RuleFinding:
    """Take one of FINDING_ACTIONS on a finding, as the lead queue would on a lead; the caller commits."""
    if action not in FINDING_ACTIONS:
        raise TransitionError(f"条款问题不支持操作 {action} / findings do not support {action}")
    now = now or utcnow()
    who = require_officer(officer)
    why = require_reason(action, reason, FINDING_NOUN)
    if action == "note" and not why:
        raise TransitionError("备注内容不能为空 / a note needs text")
    finding = _lock(session, finding_id)
    check_transition(finding, action, who, FINDING_NOUN)
    before = finding.status
    _, target = TRANSITIONS[action]
    if target is not None:
        finding.status = target.value
    if action == "claim":
        finding.claimed_by = who
        finding.assignees = list(dict.fromkeys([*(finding.assignees or []), who]))
    elif action == "reopen":
        finding.claimed_by = None
    finding.updated_at = now
    session.add(finding)
    session.flush()
    _event(session, finding, action, who, before=before, reason=why, now=now)
    return finding


@dataclass(frozen=True)
class FindingNotice:
    """What a finding's notice needs before it is rendered: the template, its context and the reply-by date."""

    finding_pk: int
    kind: str
    due: date
    context: dict[str, Any]


def _check_notice(finding: RuleFinding, kind: str, officer: str) -> None:
    if kind not in NOTICE_KINDS:
        raise TransitionError(f"未知通知类型 {kind} / unknown notice kind {kind} (rectification or interview)")
    if finding.status != LeadStatus.VERIFIED.value:
        raise TransitionError(
            f"条款问题 {finding.id} 须先核实才能发出{NOTICE_KINDS[kind]} / finding {finding.id} must be verified "
            f"before a notice (it is {finding.status})"
        )
    if officer not in (finding.assignees or []):
        raise TransitionError(
            f"{officer} 不是条款问题 {finding.id} 的承办人 / {officer} is not assigned to finding {finding.id}"
        )


def prepare_finding_notice(
    session: Session,
    finding_id: int,
    *,
    officer: str | None,
    kind: str,
    channel: str,
    reference: str | None = None,
    now: datetime | None = None,
) -> FindingNotice:
    """Check the finding may get a notice and gather what the document says: the page, its evidence, the
    clause (and its earlier wording), the legal basis and what the platform must do."""
    now = now or utcnow()
    who = require_officer(officer)
    finding = get_finding(session, finding_id)
    _check_notice(finding, kind, who)
    if channel not in CHANNELS:
        raise TransitionError(f"未知的送达方式 {channel} / unknown channel {channel} (email, letter or portal)")
    version = session.get(RulesVersion, finding.version_pk)
    assert version is not None
    demand = (
        "请贵平台自收到本通知之日起修改或者删除上述条款，并将整改情况书面回复我局。"
        if kind == "rectification"
        else "请贵平台负责人于回复期限内到我局接受约谈，说明上述条款的制定情况并提出整改方案。"
    )
    context = {
        "bureau": get_settings().bureau_name,
        "notice": {
            "title": "关于整改不公平格式条款的通知" if kind == "rectification" else "约谈通知书",
            "number": reference or f"TW-R-{local_date(now):%Y%m%d}-{finding.id}",
            "recipient": f"{finding.platform} {RECIPIENTS[PLATFORM]}",
            "channel": CHANNELS[channel],
            "date": f"{local_date(now):%Y年%m月%d日}",
            "reply_due": f"{reply_due(now):%Y年%m月%d日}",
            "reply_days": get_settings().notice_reply_working_days,
            "officer": who,
            "demand": demand,
        },
        "subject": {"id": finding.id},
        "page": {
            "platform": finding.platform,
            "name": finding.page,
            "version": version.version,
            "url": version.final_url,
            "captured_at": version.captured_at.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M"),
            "manifest_sha256": version.manifest_sha256,
        },
        "clause": {
            "number": finding.clause_number or f"#{finding.clause_index}",
            "group": GROUPS_ZH.get(finding.group, finding.group),
            "text": finding.clause_text,
            "previous": finding.previous_text or "",
        },
        "basis": list(finding.basis),
    }
    return FindingNotice(finding_pk=finding_id, kind=kind, due=reply_due(now), context=context)


def record_finding_notice(
    session: Session,
    prepared: FindingNotice,
    rendered: RenderedNotice,
    *,
    officer: str,
    channel: str,
    reference: str | None = None,
    now: datetime | None = None,
) -> RectificationNotice:
    """Record the rendered notice (the notice machinery: document in the evidence store, `Notice` row, audit
    event on the finding) and what the next version of the page is to be checked for."""
    now = now or utcnow()
    who = require_officer(officer)
    finding = _lock(session, prepared.finding_pk)
    _check_notice(finding, prepared.kind, who)
    notice = record_notice(
        session,
        subject_kind=FINDING_SUBJECT,
        subject_pk=prepared.finding_pk,
        lead_pk=None,
        recipient=PLATFORM,
        channel=channel,
        reference=reference,
        officer=who,
        rendered=rendered,
        due=prepared.due,
        now=now,
        rule_finding_pk=prepared.finding_pk,
    )
    follow_up = RectificationNotice(finding_pk=prepared.finding_pk, notice_pk=notice.id or 0, kind=prepared.kind)
    session.add(follow_up)
    session.flush()
    return follow_up


def _clause_key(session: Session, finding: RuleFinding) -> str:
    version = session.get(RulesVersion, finding.version_pk)
    for clause in version.clauses if version else []:
        if int(clause["index"]) == finding.clause_index:
            return str(clause["key"])
    return finding.clause_text


def _fate(key: str, clauses: list[dict[str, Any]]) -> tuple[str, dict[str, Any] | None]:
    """What became of a clause in a later version: kept word for word, reworded but still unfair, or removed."""
    for clause in clauses:
        if clause["key"] == key:
            return "clause_kept", clause
    similar = max(clauses, key=lambda clause: similarity(key, clause["key"]), default=None)
    if similar is not None and similarity(key, similar["key"]) >= SIMILAR and similar.get("unfair"):
        return "clause_reworded", similar
    return "clause_removed", None


def follow_up_notices(session: Session, version: RulesVersion, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """On a new version of a page: mark the page's earlier findings whose clause is gone, and record for each
    pending notice whether its clause was removed, reworded or kept."""
    now = now or utcnow()
    results = []
    findings = session.exec(
        select(RuleFinding).where(
            RuleFinding.platform == version.platform,
            RuleFinding.page == version.page,
            RuleFinding.version_pk != version.id,
        )
    )
    for finding in list(findings):
        fate, clause = _fate(_clause_key(session, finding), version.clauses)
        if fate == "clause_removed" and finding.removed_in_version_pk is None:
            finding.removed_in_version_pk = version.id
            session.add(finding)
        pending = session.exec(
            select(RectificationNotice).where(
                RectificationNotice.finding_pk == finding.id, RectificationNotice.outcome == "pending"
            )
        )
        for notice in list(pending):
            notice.outcome, notice.checked_version_pk, notice.checked_at = fate, version.id, now
            session.add(notice)
            details = {"notice": notice.notice_pk, "outcome": fate, "version": version.version}
            if clause is not None:
                details["clause"] = clause["text"]
            _event(
                session,
                finding,
                "follow_up",
                FINDING_ACTOR,
                before=finding.status,
                reason=None,
                now=now,
                details=details,
            )
            results.append({"finding": finding.id, **details})
    session.flush()
    return results


# ---------------------------------------------------------------------------------------------- reading


def list_findings(
    session: Session,
    *,
    status: str | None = None,
    platform: str | None = None,
    officer: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[RuleFinding]:
    """Findings, highest score first, then oldest first."""
    statement = select(RuleFinding)
    if status:
        statement = statement.where(RuleFinding.status == status)
    if platform:
        statement = statement.where(RuleFinding.platform == platform)
    if officer:
        statement = statement.where(RuleFinding.claimed_by == officer)
    statement = statement.order_by(col(RuleFinding.score).desc(), col(RuleFinding.id)).offset(offset).limit(limit)
    return list(session.exec(statement))


def get_finding(session: Session, finding_id: int) -> RuleFinding:
    finding = session.get(RuleFinding, finding_id)
    if finding is None:
        raise NotFound(f"没有编号为 {finding_id} 的条款问题 / no finding with id {finding_id}")
    return finding


def finding_events(session: Session, finding_id: int) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.rule_finding_pk == finding_id).order_by(col(AuditEvent.seq))
    return list(session.exec(statement))


def finding_notices(session: Session, finding_id: int) -> list[tuple[RectificationNotice, Notice]]:
    """The finding's notices, oldest first, each with what became of its clause."""
    statement = (
        select(RectificationNotice, Notice)
        .join(Notice, col(RectificationNotice.notice_pk) == col(Notice.id))
        .where(RectificationNotice.finding_pk == finding_id)
        .order_by(col(RectificationNotice.id))
    )
    return list(session.exec(statement))


def finding_context(session: Session, finding: RuleFinding, around: int = 2) -> list[dict[str, Any]]:
    """The clauses around the finding's clause in its version (the clause itself marked `focus`)."""
    version = session.get(RulesVersion, finding.version_pk)
    clauses = version.clauses if version else []
    return [
        {**clause, "focus": int(clause["index"]) == finding.clause_index}
        for clause in clauses
        if abs(int(clause["index"]) - finding.clause_index) <= around
    ]

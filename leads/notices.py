"""Notices to the platform (下架/协查) and to the wildlife authority (通报), and their replies.

A notice is about a subject: a lead here, another kind of record (a rules finding) through the same
`record_notice`. Recording one stores the document in the evidence store (content-addressed, checked by
`evidence verify`, carried in the case bundle), a `Notice` row with the reply-by date counted in working days,
and an audit event, in one transaction. The re-check then reports a listing removed after a notice.

For a lead, `prepare_lead_notice` reads what the document says (the listing's facts, the evidence manifests'
hashes, the legal facts the caller looked up in the watchlists) outside any write transaction, the document is
rendered (`leads.notice_document`), and `record_lead_notice` checks the lead again under its row lock and
records it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.config import get_settings
from core.errors import NotFound, TransitionError
from core.statuses import LeadStatus
from core.workdays import BUREAU_TZ, WorkCalendar, load_calendar, local_date
from leads.audit import append_event
from leads.evidence import evidence_root, lead_evidence, put_blob
from leads.models import Lead, Listing, Notice, utcnow
from leads.notice_document import RenderedNotice
from leads.queue import STATUS_ZH, require_officer

LEAD = "lead"
PLATFORM, WILDLIFE = "platform", "wildlife"
RECIPIENTS = {
    PLATFORM: "平台运营者",
    WILDLIFE: "林业和草原主管部门（野生动物保护主管部门）",
}
CHANNELS = {"email": "电子邮件", "letter": "纸质函件", "portal": "平台协查系统"}
TEMPLATES = {PLATFORM: "notice-platform", WILDLIFE: "notice-wildlife"}
# A notice goes out once the suspicion has been looked at: never for a new, queued or dismissed lead.
NOTICE_STATUSES = frozenset({LeadStatus.CLAIMED, LeadStatus.VERIFIED, LeadStatus.ESCALATED, LeadStatus.REFERRED})
NOTIFY_ACTION = "notify"
REPLY_ACTION = "notice_reply"


def reply_due(now: datetime, calendar: WorkCalendar | None = None) -> date:
    """The reply-by date: the configured number of working days after the day the notice is sent."""
    calendar = calendar or load_calendar()
    return calendar.add_working_days(local_date(now), get_settings().notice_reply_working_days)


def document_name(notice_id: int, suffix: str) -> str:
    """The file name of a notice document: made of the notice id only, never of scraped text."""
    return f"notice-{notice_id}.{suffix}"


# ------------------------------------------------------------------------------------------ recording


def record_notice(
    session: Session,
    *,
    subject_kind: str,
    subject_pk: int,
    lead_pk: int | None,
    recipient: str,
    channel: str,
    reference: str | None,
    officer: str,
    rendered: RenderedNotice,
    due: date,
    now: datetime,
    home: Path | None = None,
    rule_finding_pk: int | None = None,
) -> Notice:
    """Store the rendered document in the evidence store and record the notice and its audit event (tied to
    the lead, or to the rule finding the notice is about)."""
    if recipient not in RECIPIENTS:
        raise TransitionError(f"未知的通知对象 {recipient} / unknown recipient {recipient}")
    if channel not in CHANNELS:
        raise TransitionError(f"未知的送达方式 {channel} / unknown channel {channel}")
    root = evidence_root(home)
    docx_sha, docx_size = put_blob(root, rendered.docx)
    pdf_sha, pdf_size = put_blob(root, rendered.pdf) if rendered.pdf is not None else (None, None)
    notice = Notice(
        subject_kind=subject_kind,
        subject_pk=subject_pk,
        lead_pk=lead_pk,
        recipient=recipient,
        channel=channel,
        reference=reference,
        sent_by=officer,
        sent_at=now,
        reply_due=due,
        template=rendered.template,
        document_name="notice.docx",
        document_sha256=docx_sha,
        document_size=docx_size,
        pdf_sha256=pdf_sha,
        pdf_size=pdf_size,
    )
    session.add(notice)
    session.flush()
    assert notice.id is not None
    notice.document_name = document_name(notice.id, "docx")
    session.add(notice)
    details = {
        "notice": notice.id,
        "subject": f"{subject_kind}:{subject_pk}",
        "recipient": recipient,
        "channel": channel,
        "reference": reference,
        "reply_due": due,
        "document_sha256": docx_sha,
        "pdf_sha256": pdf_sha,
    }
    status = _status_of(session, lead_pk)
    append_event(
        session,
        lead_pk=lead_pk,
        rule_finding_pk=rule_finding_pk,
        action=NOTIFY_ACTION,
        actor=officer,
        from_status=status,
        to_status=status,
        reason=f"已通知{RECIPIENTS[recipient]} / notice sent to the {recipient}",
        details=details,
        at=now,
    )
    return notice


def _status_of(session: Session, lead_pk: int | None) -> str | None:
    lead = session.get(Lead, lead_pk) if lead_pk is not None else None
    return lead.status.value if lead is not None else None


def record_reply(
    session: Session,
    *,
    subject_kind: str,
    subject_pk: int,
    officer: str,
    text: str,
    notice_id: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """Record the reply to the subject's notice (`notice_id`, else its latest unanswered one)."""
    who = require_officer(officer)
    body = (text or "").strip()
    if not body:
        raise TransitionError("回复内容不能为空 / a reply needs text (--text)")
    now = now or utcnow()
    statement = (
        select(Notice)
        .where(Notice.subject_kind == subject_kind, Notice.subject_pk == subject_pk)
        .order_by(col(Notice.sent_at).desc(), col(Notice.id).desc())
        .with_for_update()
    )
    notices = list(session.exec(statement))
    label = f"{subject_kind} {subject_pk}"
    if notice_id is not None:
        chosen = next((notice for notice in notices if notice.id == notice_id), None)
        if chosen is None:
            raise NotFound(f"{label} 没有编号为 {notice_id} 的通知 / {label} has no notice {notice_id}")
    else:
        chosen = next((notice for notice in notices if notice.replied_at is None), None)
        if chosen is None:
            raise TransitionError(
                f"{label} 没有等待回复的通知（先用 leads notify） / {label} has no notice waiting for a reply "
                f"(send one with leads notify)"
            )
    if chosen.replied_at is not None:
        raise TransitionError(
            f"通知 {chosen.id} 已于 {chosen.replied_at:%Y-%m-%d} 记录回复 / notice {chosen.id} already has a reply "
            f"(recorded {chosen.replied_at:%Y-%m-%d})"
        )
    chosen.replied_at, chosen.replied_by, chosen.reply_text = now, who, body
    session.add(chosen)
    status = _status_of(session, chosen.lead_pk)
    append_event(
        session,
        lead_pk=chosen.lead_pk,
        action=REPLY_ACTION,
        actor=who,
        from_status=status,
        to_status=status,
        reason=body,
        details={"notice": chosen.id, "recipient": chosen.recipient, "late": local_date(now) > chosen.reply_due},
        at=now,
    )
    return chosen


# ------------------------------------------------------------------------------------------ lead notices


@dataclass(frozen=True)
class LeadNotice:
    """What a lead's notice needs before it is rendered: the template and its context."""

    lead_pk: int
    recipient: str
    template: str
    due: date
    context: dict[str, Any]


def check_lead_notice(lead: Lead, recipient: str, officer: str) -> None:
    """Refuse a notice the rules do not allow: wrong status, not on the lead, wildlife notice of other goods."""
    if recipient not in RECIPIENTS:
        raise TransitionError(f"未知的通知对象 {recipient} / unknown recipient {recipient} (platform or wildlife)")
    if lead.status not in NOTICE_STATUSES:
        allowed = ", ".join(sorted(status.value for status in NOTICE_STATUSES))
        raise TransitionError(
            f"线索 {lead.id} 当前为{STATUS_ZH[lead.status]}，不能发出通知 / lead {lead.id} is {lead.status.value}; "
            f"a notice needs {allowed}"
        )
    if officer not in (lead.assignees or []):
        raise TransitionError(
            f"{officer} 不是线索 {lead.id} 的承办人，不能发出通知 / {officer} is not assigned to lead {lead.id} and "
            f"cannot send its notice"
        )
    if recipient == WILDLIFE and lead.family != "wildlife":
        raise TransitionError(
            f"线索 {lead.id} 不涉及野生动物，不能通报野生动物主管部门 / lead {lead.id} is not a wildlife lead; "
            f"notify the platform instead"
        )


def _beijing(moment: datetime | None) -> str:
    return moment.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _price(listing: Listing) -> str:
    if listing.price is None:
        return "-"
    return f"{listing.currency or 'CNY'} {listing.price:,.2f}"


def prepare_lead_notice(
    session: Session,
    lead_id: int,
    *,
    recipient: str,
    channel: str,
    reference: str | None,
    officer: str,
    legal: Sequence[Mapping[str, str]] = (),
    species: Sequence[Mapping[str, str]] = (),
    category_names: Mapping[str, str] | None = None,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> LeadNotice:
    """Check the notice is allowed and gather the template's context: listing, evidence hashes, legal facts.

    `legal` holds one mapping per category (`category`, `law`, `protection`, `cites`), `species` the protected
    species with their class (`name`, `latin`, `protection`); the caller looks them up in the watchlists."""
    who = require_officer(officer)
    now = now or utcnow()
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"没有编号为 {lead_id} 的线索 / no lead with id {lead_id}")
    check_lead_notice(lead, recipient, who)
    if channel not in CHANNELS:
        raise TransitionError(f"未知的送达方式 {channel} / unknown channel {channel} (email, letter or portal)")
    listing = session.get(Listing, lead.listing_id)
    assert listing is not None
    due = reply_due(now, calendar)
    earlier = session.exec(select(func.count()).select_from(Notice).where(Notice.lead_pk == lead_id)).one()
    names = category_names or {}
    evidence = [
        {
            "version": capture.version,
            "captured_at": _beijing(capture.captured_at),
            "manifest_sha256": capture.manifest_sha256,
            "files": [{"name": file.name, "sha256": file.sha256} for file in files if file.kind != "manifest"],
        }
        for capture, files in lead_evidence(session, lead_id)
    ]
    addressee = f"{listing.platform} {RECIPIENTS[PLATFORM]}" if recipient == PLATFORM else RECIPIENTS[WILDLIFE]
    context = {
        "bureau": get_settings().bureau_name,
        "notice": {
            "number": reference or f"TW-{local_date(now):%Y%m%d}-{lead_id}-{int(earlier) + 1}",
            "recipient": addressee,
            "channel": CHANNELS[channel],
            "date": f"{local_date(now):%Y年%m月%d日}",
            "reply_due": f"{due:%Y年%m月%d日}",
            "reply_days": get_settings().notice_reply_working_days,
            "officer": who,
        },
        "subject": {
            "id": lead_id,
            "score": lead.score,
            "categories": "、".join(names.get(c, c) for c in (lead.categories or [lead.category or "-"])),
        },
        "listing": {
            "platform": listing.platform,
            "listing_id": listing.listing_id,
            "title": listing.title,
            "url": listing.url,
            "price": _price(listing),
            "seller": listing.seller or "-",
            "seller_id": listing.seller_id or "-",
            "location": listing.location or "-",
            "first_seen": _beijing(listing.first_seen),
            "last_seen": _beijing(listing.last_seen),
            "times_seen": listing.times_seen,
        },
        "evidence": evidence,
        "legal": [dict(item) for item in legal],
        "species": [dict(item) for item in species],
    }
    return LeadNotice(lead_pk=lead_id, recipient=recipient, template=TEMPLATES[recipient], due=due, context=context)


def record_lead_notice(
    session: Session,
    prepared: LeadNotice,
    rendered: RenderedNotice,
    *,
    channel: str,
    reference: str | None,
    officer: str,
    now: datetime | None = None,
    home: Path | None = None,
) -> Notice:
    """Record a lead's rendered notice, checking the lead again under its row lock."""
    who = require_officer(officer)
    lead = session.exec(
        select(Lead).where(Lead.id == prepared.lead_pk).with_for_update().execution_options(populate_existing=True)
    ).first()
    if lead is None:
        raise NotFound(f"没有编号为 {prepared.lead_pk} 的线索 / no lead with id {prepared.lead_pk}")
    check_lead_notice(lead, prepared.recipient, who)
    return record_notice(
        session,
        subject_kind=LEAD,
        subject_pk=prepared.lead_pk,
        lead_pk=prepared.lead_pk,
        recipient=prepared.recipient,
        channel=channel,
        reference=reference,
        officer=who,
        rendered=rendered,
        due=prepared.due,
        now=now or utcnow(),
        home=home,
    )


# ------------------------------------------------------------------------------------------ reading


def lead_notices(session: Session, lead_pk: int) -> list[Notice]:
    """The lead's notices, oldest first."""
    return list(session.exec(select(Notice).where(Notice.lead_pk == lead_pk).order_by(col(Notice.id))))


def first_notice_before(session: Session, lead_pk: int | None, moment: datetime) -> datetime | None:
    """When a notice about the lead was first sent, if before `moment`."""
    if lead_pk is None:
        return None
    statement = select(func.min(Notice.sent_at)).where(Notice.lead_pk == lead_pk, col(Notice.sent_at) <= moment)
    return session.exec(statement).one()

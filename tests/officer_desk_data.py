"""Leads for the officer-desk tests (CLI, triage screen, exports, stats), made through the library."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from core.workdays import WorkCalendar
from leads import queue
from leads.db import get_engine, run_write
from leads.models import AuditEvent, Lead
from leads.store import record_sighting

SEEN = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CALENDAR = WorkCalendar.of(holidays=[], workdays=[])
HOSTILE_TITLE = (
    "象牙\x1b]52;c;ZXZpbA==\x07手镯\x1b[2J\x9b31m[link=http://evil.example]点我[/link]\u202eRLO\u2066LRI\u2069"
)
# what none of HOSTILE_TITLE's controls, escapes and bidi marks may leave in what an officer sees
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def add_lead(
    listing_id: str,
    title: str,
    score: int = 80,
    category: str = "wildlife.ivory",
    *,
    description: str = "老货，懂的来，私聊看实物",
    seller: str = "古玩老张",
    seller_id: str = "s1024",
    platform: str = "demo",
    campaign: str | None = None,
    matched: str | None = "象牙",
    price: float | None = 8800.0,
    queued: bool = True,
) -> int:
    """Record a sighting that makes a lead and (by default) put it in the queue; returns the lead id."""
    hits = (
        []
        if matched is None
        else [
            {
                "term": matched,
                "category": category,
                "field": "title",
                "start": 0,
                "end": len(matched),
                "matched": matched,
                "rule": "term",
            }
        ]
    )

    def work(session: Any) -> int:
        sighting = record_sighting(
            session,
            listing={
                "platform": platform,
                "listing_id": listing_id,
                "url": f"http://127.0.0.1:8765/plain/item/{listing_id}",
                "title": title,
                "description": description,
                "price": price,
                "currency": "CNY",
                "seller": seller,
                "seller_id": seller_id,
                "location": "广东 广州",
            },
            score={
                "score": score,
                "is_lead": True,
                "family": category.split(".")[0],
                "category": category,
                "categories": [category],
                "hits": hits,
                "rules": [{"rule": "term", "term": matched or "?", "category": category, "points": score}],
            },
            campaign=campaign,
            seen_at=SEEN,
            calendar=CALENDAR,
        )
        assert sighting.lead_pk is not None
        if queued:
            queue.enqueue(session, sighting.lead_pk, officer="system", now=SEEN, calendar=CALENDAR)
        return sighting.lead_pk

    return run_write(work)


def act(action: str, lead_id: int, officer: str, **kwargs: Any) -> None:
    run_write(lambda session: getattr(queue, action)(session, lead_id, officer=officer, **kwargs))


def set_due(lead_id: int, due: date) -> None:
    from leads.models import Lead

    def work(session: Any) -> None:
        lead = session.get(Lead, lead_id)
        lead.due_date = due
        session.add(lead)

    run_write(work)


def send_notice(lead_id: int, officer: str, recipient: str = "platform", *, verify: bool = True) -> int:
    """Claim (and verify) the lead as `officer` where needed, then send a notice through the library; its id."""
    from core.statuses import LeadStatus
    from leads.models import Lead
    from leads.notice_document import render_notice
    from leads.notices import prepare_lead_notice, record_lead_notice

    def status() -> LeadStatus:
        return run_write(lambda session: session.get(Lead, lead_id).status)

    if status() == LeadStatus.QUEUED:
        act("claim", lead_id, officer)
    if verify and status() == LeadStatus.CLAIMED:
        act("verify", lead_id, officer, reason="平台页面截图与描述一致")
    prepared = run_write(
        lambda session: prepare_lead_notice(
            session, lead_id, recipient=recipient, channel="portal", reference=None, officer=officer
        )
    )
    rendered = render_notice(prepared.template, prepared.context)
    notice = run_write(
        lambda session: record_lead_notice(
            session, prepared, rendered, channel="portal", reference=None, officer=officer
        )
    )
    assert notice.id is not None
    return notice.id


def lead_of(lead_id: int) -> Lead:
    """The lead as stored now, read in a session of its own."""
    with Session(get_engine()) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead


def events_of(lead_id: int) -> list[AuditEvent]:
    """The lead's audit trail, oldest first."""
    with Session(get_engine()) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.lead_pk == lead_id).order_by(AuditEvent.seq)))

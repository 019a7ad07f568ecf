"""The state machine: every allowed and every refused transition, officers, reasons, deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product

import pytest
from sqlmodel import Session

from core.errors import ClaimConflict, InputFileError, OfficerRequired, TransitionError
from core.statuses import LeadStatus
from core.workdays import WorkCalendar, load_calendar
from leads import queue
from leads.audit import lead_history
from leads.db import get_engine
from leads.models import Lead
from tests.leadstore_support import CALENDAR, T0, listing, sight

A, B = "王建国", "李娜"
PATHS: dict[LeadStatus, list[str]] = {
    LeadStatus.NEW: [],
    LeadStatus.QUEUED: ["enqueue"],
    LeadStatus.CLAIMED: ["enqueue", "claim"],
    LeadStatus.VERIFIED: ["enqueue", "claim", "verify"],
    LeadStatus.REFERRED: ["enqueue", "claim", "verify", "refer", "confirm_referral"],
    LeadStatus.DISMISSED: ["enqueue", "claim", "dismiss"],
    LeadStatus.ESCALATED: ["enqueue", "claim", "escalate"],
}
ARGS = {
    "enqueue": {"calendar": CALENDAR},
    "hand_queue": {"reason": "群众举报，优先核查", "calendar": CALENDAR},
    "claim": {"team_categories": ["wildlife"], "calendar": CALENDAR},
    "assign": {"to": B},
    "verify": {"reason": "已截图核实，商品描述为象牙制品"},
    "refer": {"reason": "证据充分，移送立案"},
    "confirm_referral": {"reason": "复核同意移送"},
    "dismiss": {"reason": "仿制品，材质为树脂"},
    "escalate": {"reason": "涉及活体，移交林业部门", "to": "区林业局"},
    "reopen": {"reason": "卖家更换了描述", "calendar": CALENDAR},
    "extend": {"reason": "需调取平台交易记录", "calendar": CALENDAR},
    "note": {"text": "已联系平台协查"},
}


# Actions taken by a second officer (the one who confirms another's referral), and what must come first.
SECOND_OFFICER = frozenset({"confirm_referral"})
BEFORE = {"confirm_referral": "refer"}


def act(session: Session, action: str, lead_id: int, officer: str | None = None, **overrides: object) -> Lead:
    who = officer or (B if action in SECOND_OFFICER else A)
    return getattr(queue, action)(session, lead_id, officer=who, now=T0, **{**ARGS[action], **overrides})


def make_lead(url: str, n: int, status: LeadStatus) -> int:
    sighting = sight(url, listing_values=listing(f"9{n:03d}"))
    assert sighting.lead_pk is not None
    with Session(get_engine(url)) as session:
        for action in PATHS[status]:
            act(session, action, sighting.lead_pk)
        session.commit()
    return sighting.lead_pk


def test_every_allowed_and_refused_transition(store_url: str):
    cases = list(product(LeadStatus, queue.TRANSITIONS))
    for n, (status, action) in enumerate(cases):
        lead_id = make_lead(store_url, n, status)
        sources, target = queue.TRANSITIONS[action]
        with Session(get_engine(store_url)) as session:
            if status in sources and action in BEFORE:
                act(session, BEFORE[action], lead_id)
                session.commit()
            events_before = len(lead_history(session, lead_id))
            if status in sources:
                lead = act(session, action, lead_id)
                session.commit()
                assert lead.status == (target or status), (status, action)
                history = lead_history(session, lead_id)
                assert len(history) == events_before + 1
                assert (history[-1].action, history[-1].actor) == (action, B if action in SECOND_OFFICER else A)
                assert (history[-1].from_status, history[-1].to_status) == (status.value, lead.status.value)
            else:
                with pytest.raises(TransitionError) as refused:
                    act(session, action, lead_id)
                session.rollback()
                assert str(lead_id) in str(refused.value), (status, action)
                assert session.get(Lead, lead_id).status == status  # type: ignore[union-attr]
                assert len(lead_history(session, lead_id)) == events_before


def test_a_claimed_lead_cannot_be_claimed_again(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.CLAIMED)
    with Session(get_engine(store_url)) as session, pytest.raises(ClaimConflict, match=f"already claimed by {A}"):
        act(session, "claim", lead_id, officer=B)


@pytest.mark.parametrize("officer", ["", "   ", None])
def test_an_officer_identity_is_required(store_url: str, officer: str | None):
    lead_id = make_lead(store_url, 1, LeadStatus.QUEUED)
    with Session(get_engine(store_url)) as session, pytest.raises(OfficerRequired, match="TRADEWATCH_OFFICER"):
        queue.claim(session, lead_id, officer=officer)  # type: ignore[arg-type]


@pytest.mark.parametrize("action", sorted(queue.REASON_REQUIRED))
def test_a_reason_is_required_where_the_rules_say_so(store_url: str, action: str):
    status = {"dismiss": LeadStatus.CLAIMED, "escalate": LeadStatus.CLAIMED, "reopen": LeadStatus.DISMISSED}
    lead_id = make_lead(store_url, 1, status.get(action, LeadStatus.QUEUED))
    with Session(get_engine(store_url)) as session, pytest.raises(TransitionError, match="reason"):
        act(session, action, lead_id, reason="  ")


def test_referral_needs_a_second_officer_to_confirm(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.VERIFIED)
    with Session(get_engine(store_url)) as session:
        with pytest.raises(TransitionError, match="not put forward"):
            act(session, "confirm_referral", lead_id)
        act(session, "assign", lead_id, to=B)
        lead = act(session, "refer", lead_id)
        assert lead.status == LeadStatus.VERIFIED  # two officers on the lead, yet nothing is referred
        with pytest.raises(TransitionError, match="already put forward"):
            act(session, "refer", lead_id, officer=B)
        with pytest.raises(TransitionError, match="cannot confirm their own"):
            act(session, "confirm_referral", lead_id, officer=A)
        lead = act(session, "confirm_referral", lead_id, officer="张伟")
        session.commit()
        assert lead.status == LeadStatus.REFERRED
        assert lead_history(session, lead_id)[-1].details["officers"] == [A, "张伟"]


def test_a_new_lead_is_claimed_only_by_a_team_covering_its_category(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.NEW)
    with Session(get_engine(store_url)) as session:
        for categories in ([], ["prohibited"], ["wildlife.pangolin"]):
            with pytest.raises(TransitionError, match=r"only a member of a team covering wildlife\.ivory"):
                act(session, "claim", lead_id, team_categories=categories)
        lead = act(session, "claim", lead_id, team_categories=["wildlife.ivory"])
        session.commit()
        assert (lead.status, lead.claimed_by) == (LeadStatus.CLAIMED, A)
        assert lead.due_date == CALENDAR.add_working_days(date(2026, 3, 5), 15)


def test_queueing_by_hand_needs_a_new_lead_and_a_reason(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.NEW)
    with Session(get_engine(store_url)) as session:
        lead = act(session, "hand_queue", lead_id)
        session.commit()
        assert lead.status == LeadStatus.QUEUED and lead.due_date is not None
        assert lead_history(session, lead_id)[-1].reason == "群众举报，优先核查"
        with pytest.raises(TransitionError, match="queued"):
            act(session, "hand_queue", lead_id)


def test_only_an_officer_on_the_lead_may_verify_it(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.CLAIMED)
    with Session(get_engine(store_url)) as session, pytest.raises(TransitionError, match="not assigned"):
        act(session, "verify", lead_id, officer="张伟")


def test_a_refused_change_leaves_no_trace(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.QUEUED)
    with Session(get_engine(store_url)) as session:
        act(session, "claim", lead_id)
        session.rollback()
    with Session(get_engine(store_url)) as session:
        assert session.get(Lead, lead_id).status == LeadStatus.QUEUED  # type: ignore[union-attr]
        assert [event.action for event in lead_history(session, lead_id)] == ["created", "enqueue"]


def test_due_date_counts_working_days_across_a_weekend_and_a_holiday(store_url: str):
    lead_id = make_lead(store_url, 1, LeadStatus.QUEUED)  # queued Thursday 2026-03-05, Beijing time
    with Session(get_engine(store_url)) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        # Fri 6 (1); Mon 9 is a holiday; 10-13 (2-5); Sat 14 is a 调休 working day (6); 16-20 (7-11); 23-26 (12-15)
        assert lead.due_date == date(2026, 3, 26)
        lead = act(session, "extend", lead_id)
        assert lead.due_date == date(2026, 4, 16) and lead.extended
        with pytest.raises(TransitionError, match="already extended once"):
            act(session, "extend", lead_id)
        session.commit()


def test_the_due_date_uses_the_bureau_calendar_day():
    calendar = WorkCalendar.of()
    # 2026-03-05 17:30 UTC is already Friday 6 March in Beijing
    moment = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)
    from core.workdays import local_date

    assert local_date(moment) == date(2026, 3, 6)
    assert calendar.add_working_days(local_date(moment), 1) == date(2026, 3, 9)


def test_the_national_calendar_knows_the_2026_national_day_holiday(tw_home):
    calendar = load_calendar()
    assert not calendar.is_working_day(date(2026, 10, 5))
    assert calendar.is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert calendar.add_working_days(date(2026, 9, 30), 15) == date(2026, 10, 27)


def test_the_bureau_adds_local_rest_days_to_the_national_calendar(tw_home):
    tw_home.mkdir(parents=True, exist_ok=True)
    (tw_home / "holidays.yaml").write_text("holidays: [2026-03-06]\nworkdays: []\n", encoding="utf-8")
    calendar = load_calendar()
    assert calendar.add_working_days(date(2026, 3, 5), 1) == date(2026, 3, 9)
    assert not calendar.is_working_day(date(2026, 10, 5))  # the national holidays still hold


def test_a_year_beyond_the_calendar_is_flagged_not_guessed(tw_home):
    calendar = load_calendar()
    assert calendar.knows(date(2026, 12, 31)) and not calendar.knows(date(2027, 1, 1))
    assert calendar.last_known_day == date(2026, 12, 31)
    tw_home.mkdir(parents=True, exist_ok=True)
    (tw_home / "holidays.yaml").write_text("holidays: [2027-01-01]\nknown_years: [2027]\n", encoding="utf-8")
    extended = load_calendar()
    assert extended.knows(date(2027, 6, 1)) and not extended.is_working_day(date(2027, 1, 1))
    (tw_home / "holidays.yaml").write_text("known_years: [二〇二七]\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="known_years"):
        load_calendar()

"""The triage screen driven by Textual's pilot in an 80×24 terminal: move, claim, dismiss, escalate."""

from __future__ import annotations

import asyncio
import re

import pytest
from rich.console import Console
from sqlmodel import Session, select
from textual.widgets import DataTable, Input, OptionList

from cli.i18n import set_language
from cli.tui.app import ReasonScreen, TriageApp, parse_filter
from core.statuses import LeadStatus
from leads.db import get_engine
from tests.officer_desk_data import HOSTILE_TITLE, UNSAFE, add_lead, events_of, lead_of


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language(None)


def screen_text(app: TriageApp) -> str:
    """The characters of every cell on screen, as the terminal would receive them (without styles)."""
    lines = []
    for strip in app.screen._compositor.render_update(full=True).strips:  # type: ignore[attr-defined]
        lines.append("".join(segment.text for segment in strip))
    return "\n".join(lines)


def terminal_bytes(app: TriageApp) -> str:
    """What the driver writes for a full repaint, styles and cursor moves included."""
    update = app.screen._compositor.render_update(full=True)  # type: ignore[attr-defined]
    return update.render_segments(Console(color_system=None, force_terminal=True, width=80))


@pytest.fixture
def queue(tw_home) -> dict[str, int]:
    return {
        "pangolin": add_lead("200001", "穿山甲鳞片 中药材", 93, "wildlife.pangolin", matched="穿山甲", seller_id="s77"),
        "ivory": add_lead("200002", "老象牙手镯 包老保真", 80),
        "bird": add_lead("200003", "鹩哥活体 会说话", 66, "wildlife.live_bird", matched="鹩哥", seller_id="s5"),
    }


async def _test_move_claim_and_dismiss_with_a_reason(queue):
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one("#queue", DataTable)
        assert app.lead_ids == [queue["pangolin"], queue["ivory"], queue["bird"]]
        assert "穿山甲鳞片" in screen_text(app)
        await pilot.press("down")
        assert app.current_lead_id() == queue["ivory"]
        assert "老象牙手镯" in screen_text(app).split("\n", 3)[2]  # the detail pane's title line
        await pilot.press("c")
        await pilot.pause()
        assert lead_of(queue["ivory"]).status == LeadStatus.CLAIMED
        assert table.cursor_row == 1
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count >= 5
        await pilot.press("down", "enter")  # the second common reason
        await pilot.pause()
        assert not isinstance(app.screen, ReasonScreen)
    lead = lead_of(queue["ivory"])
    assert lead.status == LeadStatus.DISMISSED
    events = events_of(queue["ivory"])
    assert [(e.action, e.actor) for e in events[-2:]] == [("claim", "王芳"), ("dismiss", "王芳")]
    assert events[-1].reason == "Legally certified goods"


async def _test_dismiss_with_a_typed_reason_and_escalate(queue):
    app = TriageApp(officer="李明")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "d")
        await pilot.pause()
        app.screen.query_one("#reason-input", Input).focus()
        await pilot.press(*"fake", "enter")
        await pilot.pause()
        assert lead_of(queue["pangolin"]).status == LeadStatus.DISMISSED
        # the next lead is selected after a dismissal
        assert app.current_lead_id() == queue["ivory"]
        await pilot.press("c", "e")
        await pilot.pause()
        await pilot.press(*"police", "enter", *"live", "enter")
        await pilot.pause()
    assert events_of(queue["pangolin"])[-1].reason == "fake"
    escalated = events_of(queue["ivory"])[-1]
    assert (escalated.action, escalated.reason, escalated.details.get("to")) == ("escalate", "live", "police")


async def _test_refused_action_is_shown_not_raised(queue):
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")  # verify needs a claimed lead
        await pilot.pause()
        message = app.last_message
        assert "queued" in message
    assert lead_of(queue["pangolin"]).status == LeadStatus.QUEUED


async def _test_without_an_officer_actions_say_how_to_set_one(queue):
    app = TriageApp(officer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert "--officer" in app.last_message
    assert lead_of(queue["pangolin"]).status == LeadStatus.QUEUED


async def _test_filter_bar_narrows_the_queue(queue):
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"cat:wildlife.live_bird", "enter")
        await pilot.pause()
        assert app.lead_ids == [queue["bird"]]
        app.query_one("#filter", Input).value = ""
        await pilot.press("slash", *"bogus", "enter")
        await pilot.pause()
        assert "Unknown filter" in app.last_message


async def _test_hostile_text_is_shown_escaped_on_the_triage_screen(tw_home):
    add_lead("300001", HOSTILE_TITLE, 95, description="正文\x1b[31m\u202e[bold]假[/bold]\x9b")
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert not UNSAFE.search(text)
        assert "\\x1b" in text
        raw = terminal_bytes(app)
        for bad in ("\x1b]", "\x07", "\x9b", "\x1b[2J", "\u202e", "\u2066"):
            assert bad not in raw
        # what is left after removing the driver's own cursor moves and styles is printable text
        assert not UNSAFE.search(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw).replace("\r", ""))


def test_filter_words():
    parsed = parse_filter("status:queued,claimed cat:wildlife platform:demo min:70 mine", officer="王芳")
    assert [s.value for s in parsed.statuses] == ["queued", "claimed"]
    assert (parsed.category, parsed.platform, parsed.min_score, parsed.officer) == ("wildlife", "demo", 70, "王芳")
    with pytest.raises(ValueError):
        parse_filter("mine", officer=None)


def test_move_claim_and_dismiss_with_a_reason(queue):
    asyncio.run(_test_move_claim_and_dismiss_with_a_reason(queue))


def test_dismiss_with_a_typed_reason_and_escalate(queue):
    asyncio.run(_test_dismiss_with_a_typed_reason_and_escalate(queue))


def test_refused_action_is_shown_not_raised(queue):
    asyncio.run(_test_refused_action_is_shown_not_raised(queue))


def test_without_an_officer_actions_say_how_to_set_one(queue):
    asyncio.run(_test_without_an_officer_actions_say_how_to_set_one(queue))


def test_filter_bar_narrows_the_queue(queue):
    asyncio.run(_test_filter_bar_narrows_the_queue(queue))


def test_hostile_text_is_shown_escaped_on_the_triage_screen(tw_home):
    asyncio.run(_test_hostile_text_is_shown_escaped_on_the_triage_screen(tw_home))


# --- a key for every action, and where the cursor goes -------------------------------------------------


async def _press_on(app: TriageApp, pilot, lead_id: int, *keys: str) -> None:
    """Put the cursor on `lead_id`, then press `keys` (typed text included)."""
    app.query_one("#queue", DataTable).move_cursor(row=app.lead_ids.index(lead_id))
    await pilot.pause()
    await pilot.press(*keys)
    await pilot.pause()


async def _test_keys_for_queue_assign_note_and_extend(tw_home):
    new = add_lead("210001", "穿山甲鳞片 整片", 90, "wildlife.pangolin", matched="穿山甲", queued=False)
    other = add_lead("210002", "象牙手镯", 70, queued=False)
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await _press_on(app, pilot, new, "w", *"举报", "enter")
        assert lead_of(new).status == LeadStatus.QUEUED
        assert events_of(new)[-1].reason == "举报"
        assert app.current_lead_id() == new  # the cursor stays on the acted lead
        await _press_on(app, pilot, new, "a", *"李明", "enter")
        assert lead_of(new).assignees == ["李明"]
        await _press_on(app, pilot, new, "t", *"已联系平台", "enter")
        assert (events_of(new)[-1].action, events_of(new)[-1].reason) == ("note", "已联系平台")
        due = lead_of(new).due_date
        await _press_on(app, pilot, new, "x", *"等待平台数据", "enter")
        extended = lead_of(new)
        assert extended.extended and extended.due_date is not None and due is not None and extended.due_date > due
        assert app.current_lead_id() == new and "recorded" in app.last_message
        await _press_on(app, pilot, other, "escape")  # nothing asked, nothing done
        assert lead_of(other).status == LeadStatus.NEW


async def _test_keys_for_refer_confirm_reopen_and_notify(tw_home):
    from leads.models import Notice
    from tests.officer_desk_data import act

    lead_id = add_lead("210011", "鹩哥活体 会说话", 88, "wildlife.live_bird", matched="鹩哥")
    dismissed = add_lead("210012", "树脂象牙 仿品", 62)
    act("claim", lead_id, "王芳")
    act("verify", lead_id, "王芳", reason="实物为活体鹩哥")
    act("claim", dismissed, "王芳")
    act("dismiss", dismissed, "王芳", reason="树脂仿制品")
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await _press_on(app, pilot, lead_id, "m")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("down", "enter")  # the wildlife authority
        await pilot.pause()
        await _press_on(app, pilot, lead_id, "f", *"证据充分", "enter")
        assert lead_of(lead_id).referral_requested_by == "王芳"
        await _press_on(app, pilot, lead_id, "k")
        assert "second officer" in app.last_message  # the same officer cannot confirm
        await _press_on(app, pilot, dismissed, "o", *"卖家重新上架", "enter")
        assert lead_of(dismissed).status == LeadStatus.QUEUED
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
    assert (notice.lead_pk, notice.recipient, notice.sent_by) == (lead_id, "wildlife", "王芳")
    second = TriageApp(officer="李明")
    async with second.run_test(size=(80, 24)) as pilot:
        await _press_on(second, pilot, lead_id, "k")
    assert lead_of(lead_id).status == LeadStatus.REFERRED


async def _test_a_lead_leaving_the_filter_moves_the_cursor_with_a_message(queue):
    app = TriageApp(officer="王芳")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"status:queued", "enter")
        await pilot.pause()
        await _press_on(app, pilot, queue["ivory"], "c")
        assert queue["ivory"] not in app.lead_ids
        assert app.current_lead_id() == queue["bird"]
        assert f"now on lead {queue['bird']}" in app.last_message


def test_keys_for_queue_assign_note_and_extend(tw_home):
    asyncio.run(_test_keys_for_queue_assign_note_and_extend(tw_home))


def test_keys_for_refer_confirm_reopen_and_notify(tw_home):
    asyncio.run(_test_keys_for_refer_confirm_reopen_and_notify(tw_home))


def test_a_lead_leaving_the_filter_moves_the_cursor_with_a_message(queue):
    asyncio.run(_test_a_lead_leaving_the_filter_moves_the_cursor_with_a_message(queue))

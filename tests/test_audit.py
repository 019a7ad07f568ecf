"""The audit trail: hash-chained, shown by `leads history`, and any direct edit is found by `audit verify`."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from cli.app import app
from leads.audit import lead_history, verify_chain
from leads.db import get_engine
from leads.queue import claim, dismiss, enqueue
from tests.leadstore_support import CALENDAR, T0, listing, sight

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English


def worked_lead(url: str) -> int:
    lead_pk = sight(url, listing_values=listing("100231")).lead_pk
    sight(url, listing_values=listing("100232", title="穿山甲鳞片 正品"))
    assert lead_pk is not None
    with Session(get_engine(url)) as session:
        enqueue(session, lead_pk, officer="scheduler", now=T0, calendar=CALENDAR)
        claim(session, lead_pk, officer="王建国", now=T0)
        dismiss(session, lead_pk, officer="王建国", reason="图片为树脂仿品，非象牙", now=T0)
        session.commit()
    return lead_pk


def run_sql(url: str, statement: str) -> None:
    with get_engine(url).begin() as connection:
        connection.execute(text(statement))


def test_history_shows_who_did_what_and_why(store_url: str):
    lead_pk = worked_lead(store_url)
    result = runner.invoke(app, ["leads", "history", str(lead_pk)], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    for expected in (
        "created",
        "enqueue",
        "claim",
        "dismiss",
        "王建国",
        "图片为树脂仿品，非象牙",
        "Claimed → Dismissed",  # status names as officers read them
    ):
        assert expected in result.output
    assert runner.invoke(app, ["leads", "history", "999"]).exit_code == 4


def test_an_untouched_chain_verifies(store_url: str):
    worked_lead(store_url)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "5 events checked" in result.output and "intact" in result.output


def test_editing_one_event_in_the_database_is_reported_with_event_and_lead(store_url: str):
    lead_pk = worked_lead(store_url)
    run_sql(store_url, "UPDATE auditevent SET reason = '无问题' WHERE action = 'dismiss'")
    with Session(get_engine(store_url)) as session:
        dismiss_event = lead_history(session, lead_pk)[-1]
        _, problems = verify_chain(session)
    assert [(p.seq, p.lead_pk) for p in problems] == [(dismiss_event.seq, lead_pk)]
    assert "edited" in problems[0].problem
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"#{dismiss_event.seq}" in result.output and f"lead {lead_pk}" in result.output


def test_a_deleted_event_is_reported(store_url: str):
    worked_lead(store_url)
    run_sql(store_url, "DELETE FROM auditevent WHERE action = 'claim'")
    with Session(get_engine(store_url)) as session:
        _, problems = verify_chain(session)
    assert problems and all("dismiss" not in p.problem for p in problems)
    assert any("sequence gap" in p.problem for p in problems)
    assert any("previous-hash" in p.problem for p in problems)


def test_deleting_the_newest_event_is_reported(store_url: str):
    worked_lead(store_url)
    run_sql(store_url, "DELETE FROM auditevent WHERE action = 'dismiss'")
    with Session(get_engine(store_url)) as session:
        _, problems = verify_chain(session)
    assert len(problems) == 1 and "chain head" in problems[0].problem


def test_reordered_events_are_reported(store_url: str):
    lead_pk = worked_lead(store_url)
    with Session(get_engine(store_url)) as session:
        claim_event, dismiss_event = lead_history(session, lead_pk)[-2:]
    # swap the sequence numbers of two events (through a free number, the column is unique)
    run_sql(store_url, f"UPDATE auditevent SET seq = -1 WHERE id = {claim_event.id}")
    run_sql(store_url, f"UPDATE auditevent SET seq = {claim_event.seq} WHERE id = {dismiss_event.id}")
    run_sql(store_url, f"UPDATE auditevent SET seq = {dismiss_event.seq} WHERE id = {claim_event.id}")
    with Session(get_engine(store_url)) as session:
        _, problems = verify_chain(session)
    assert {p.seq for p in problems} >= {claim_event.seq, dismiss_event.seq}
    assert any("order" in p.problem or "previous-hash" in p.problem for p in problems)

"""The audit trail: hash-chained, shown by `leads history`, and any direct edit is found by `audit verify`."""

from __future__ import annotations

import json
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import ProgrammingError
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.app import app
from core.errors import ConfigurationError
from leads.audit import GENESIS_HASH, append_event, event_hash, lead_history, verify_chain
from leads.db import dispose_engines, get_engine
from leads.models import AuditEvent, AuditHead
from leads.queue import claim, dismiss, enqueue, reopen
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
    """`statement` as someone who owns the database: on PostgreSQL the append-only triggers are switched off
    around it first (the table owner can; the application's own writes never do)."""
    with get_engine(url).begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE auditevent DISABLE TRIGGER USER"))
        connection.execute(text(statement))
        if postgres:
            connection.execute(text("ALTER TABLE auditevent ENABLE TRIGGER USER"))


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


def test_events_of_one_transaction_chain_on_across_a_savepoint_rolled_back(store_url: str):
    lead_pk = worked_lead(store_url)
    with Session(get_engine(store_url)) as session:
        head_before = session.get(AuditHead, 1)
        assert head_before is not None and head_before.seq == 5
        assert append_event(session, lead_pk=lead_pk, action="note", actor="王建国", reason="电话核实卖家身份") == 6
        with pytest.raises(RuntimeError), session.begin_nested():
            append_event(session, lead_pk=lead_pk, action="note", actor="王建国", reason="此条随保存点撤销")
            raise RuntimeError("savepoint rolled back")
        assert append_event(session, lead_pk=lead_pk, action="note", actor="李娜", reason="复核完毕") == 7
        assert session.get(AuditHead, 1).seq == 7  # the head read earlier in this session is not left stale
        session.commit()
    with Session(get_engine(store_url)) as session:
        count, problems = verify_chain(session)
        reasons = [event.reason for event in lead_history(session, lead_pk)][-2:]
    assert (count, problems) == (7, [])
    assert reasons == ["电话核实卖家身份", "复核完毕"]


def test_the_head_row_is_the_last_committed_event_whatever_the_savepoints_did(store_url: str):
    """The head row is written when a transaction or savepoint commits, not per event: a savepoint released
    keeps its events and their head, one rolled back takes away its own and leaves the enclosing ones."""
    lead_pk = worked_lead(store_url)  # five events
    engine = get_engine(store_url)

    def note(session: Session, reason: str) -> int:
        return append_event(session, lead_pk=lead_pk, action="note", actor="王建国", reason=reason)

    with Session(engine) as session:
        assert note(session, "第一条") == 6
        with session.begin_nested():
            assert note(session, "第二条") == 7
            with session.begin_nested():
                assert note(session, "第三条") == 8
        with pytest.raises(RuntimeError), session.begin_nested():
            assert note(session, "撤销的一条") == 9
            assert session.get(AuditHead, 1).seq == 9  # type: ignore[union-attr]  # read inside the savepoint
            raise RuntimeError("savepoint rolled back")
        assert note(session, "第四条") == 9
        assert session.get(AuditHead, 1).seq == 9  # type: ignore[union-attr]
        session.commit()
    with Session(engine) as session, pytest.raises(RuntimeError), session.begin():
        note(session, "整个事务撤销")
        raise RuntimeError("transaction rolled back")
    with Session(engine) as session:
        count, problems = verify_chain(session)
        head = session.get(AuditHead, 1)
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
        reasons = [event.reason for event in lead_history(session, lead_pk)][-4:]
    assert (count, problems) == (9, [])
    assert head is not None and last is not None and (head.seq, head.hash) == (last.seq, last.hash)
    assert reasons == ["第一条", "第二条", "第三条", "第四条"]


def test_a_transaction_of_many_events_writes_the_head_row_once(store_url: str):
    lead_pk = worked_lead(store_url)
    engine = get_engine(store_url)
    head_updates: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE AUDITHEAD"):
            head_updates.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as session:
            for number in range(20):
                append_event(session, lead_pk=lead_pk, action="note", actor="王建国", reason=f"第 {number} 条")
            session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with Session(engine) as session:
        assert verify_chain(session) == (25, [])
    assert len(head_updates) == 1


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


def rewrite_history(url: str, seq: int, reason: str) -> None:
    """What an attacker with write access to the database does: edit one event, recompute every later hash with
    the public algorithm, and rewrite the head so that the chain and the head agree again."""
    engine = get_engine(url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE auditevent DISABLE TRIGGER USER"))
        with Session(bind=connection) as session:
            events = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))))
            previous = GENESIS_HASH
            for event in events:
                if event.seq == seq:
                    event.reason = reason
                event.prev_hash = previous
                event.hash = event_hash(event)
                previous = event.hash
                session.add(event)
            head = session.get(AuditHead, 1)
            assert head is not None
            head.seq, head.hash = events[-1].seq, previous
            session.add(head)
            session.flush()
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE auditevent ENABLE TRIGGER USER"))


def test_an_attacker_with_database_access_cannot_rewrite_history(store_url: str):
    lead_pk = worked_lead(store_url)
    with Session(get_engine(store_url)) as session:
        dismiss_event = lead_history(session, lead_pk)[-1]
    rewrite_history(store_url, dismiss_event.seq - 1, "领导交办，无需核查")  # the claim before the dismissal
    with Session(get_engine(store_url)) as session:
        _, problems = verify_chain(session)
    assert problems and problems[0].seq == dismiss_event.seq - 1
    assert all("hash mismatch" not in p.problem and "previous-hash" not in p.problem for p in problems)
    assert "signature wrong" in problems[0].problem
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"First event that disagrees: #{dismiss_event.seq - 1}" in result.stderr


def test_on_postgresql_the_edit_itself_is_refused(postgres_url: str, tw_home, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    worked_lead(postgres_url)
    for statement in (
        "UPDATE auditevent SET reason = '无问题' WHERE action = 'dismiss'",
        "DELETE FROM auditevent WHERE action = 'claim'",
        "TRUNCATE auditevent",
    ):
        with pytest.raises(ProgrammingError, match="append-only"), get_engine(postgres_url).begin() as connection:
            connection.execute(text(statement))
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_the_key_lives_outside_the_database_readable_by_its_owner_only(store_url: str, tw_home: Path):
    worked_lead(store_url)
    (key_file,) = (tw_home / "keys").glob("audit-*.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = json.loads(key_file.read_text(encoding="utf-8"))["secret"]
    with Session(get_engine(store_url)) as session:
        events = list(session.exec(select(AuditEvent)))
    assert events and all(event.key_id == 1 and event.mac for event in events)
    assert all(secret not in json.dumps(event.model_dump(mode="json")) for event in events)


def test_a_machine_without_the_key_refuses_to_append(store_url: str, tw_home: Path):
    lead_pk = worked_lead(store_url)
    shutil.move(tw_home / "keys", tw_home.parent / "keys-elsewhere")
    with Session(get_engine(store_url)) as session, pytest.raises(ConfigurationError, match="audit key 1 is missing"):
        reopen(session, lead_pk, officer="王建国", reason="卖家重新上架", now=T0)
    assert not (tw_home / "keys").exists() or not list((tw_home / "keys").glob("*.key"))


def test_rotate_key_is_recorded_and_both_keys_keep_checking(store_url: str, tw_home: Path):
    lead_pk = worked_lead(store_url)
    result = runner.invoke(app, ["audit", "rotate-key", "--officer", "王芳"])
    assert result.exit_code == 0, result.output
    assert "key 1 replaced by key 2" in result.output
    with Session(get_engine(store_url)) as session:
        reopen(session, lead_pk, officer="王建国", reason="卖家重新上架", now=T0)
        session.commit()
        events = list(session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))))
    rotation = next(event for event in events if event.action == "key_rotated")
    assert (rotation.actor, rotation.details, rotation.key_id) == ("王芳", {"from_key": 1, "to_key": 2}, 1)
    assert events[-1].key_id == 2
    assert sorted(path.name for path in (tw_home / "keys").glob("*.key")) == ["audit-1.key", "audit-2.key"]
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    rewrite_history(store_url, 2, "改写")  # an event signed with the old key
    with Session(get_engine(store_url)) as session:
        _, problems = verify_chain(session)
    assert problems[0].seq == 2


def test_anchors_catch_a_store_rolled_back_to_an_earlier_copy(tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", url)
    lead_pk = sight(url, listing_values=listing("100231")).lead_pk
    assert lead_pk is not None
    dispose_engines()
    shutil.copy(tw_home / "tradewatch.db", tw_home.parent / "copy.db")  # a copy taken before the officer's work
    with Session(get_engine(url)) as session:
        enqueue(session, lead_pk, officer="scheduler", now=T0, calendar=CALENDAR)
        claim(session, lead_pk, officer="王建国", now=T0)
        session.commit()
        head_seq = session.get(AuditHead, 1).seq  # type: ignore[union-attr]
    result = runner.invoke(app, ["audit", "anchor"])
    assert result.exit_code == 0, result.output
    assert f"seq={head_seq} " in result.stdout
    assert (tw_home / "audit-anchors.txt").read_text(encoding="utf-8").count("\n") == 1
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    dispose_engines()
    shutil.copy(tw_home.parent / "copy.db", tw_home / "tradewatch.db")  # validly signed, but older than the anchor
    with Session(get_engine(url)) as session:
        _, problems = verify_chain(session)
    assert [p.seq for p in problems] == [head_seq] and "disagrees with the anchor" in problems[0].problem
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and f"First event that disagrees: #{head_seq}" in result.stderr


def test_an_edited_anchor_line_is_reported(store_url: str, tw_home: Path):
    worked_lead(store_url)
    assert runner.invoke(app, ["audit", "anchor"]).exit_code == 0
    path = tw_home / "audit-anchors.txt"
    line = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"seq=\d+", "seq=2", line), encoding="utf-8")
    with Session(get_engine(store_url)) as session:
        _, problems = verify_chain(session)
    assert len(problems) == 1 and "anchor line 1 altered" in problems[0].problem


def test_the_daily_report_anchors_and_prints_the_head(store_url: str, tw_home: Path):
    from leads.reports import write_daily_report

    worked_lead(store_url)
    with Session(get_engine(store_url)) as session:
        head = session.get(AuditHead, 1)
        assert head is not None
    page = write_daily_report(out=tw_home / "daily.html").read_text(encoding="utf-8")
    (anchor,) = (tw_home / "audit-anchors.txt").read_text(encoding="utf-8").splitlines()
    assert f"seq={head.seq} hash={head.hash}" in anchor and anchor in page

"""Deadlines: leads due within three working days and overdue ones are marked once, listed, and counted as
`tradewatch stats` counts them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from core.workdays import BUREAU_TZ, WorkCalendar
from leads.db import get_engine, run_write
from leads.deadlines import check_deadlines, due_soon_days, working_days_between
from leads.models import AuditEvent, Lead
from leads.queue import claim
from leads.stats import queue_stats
from tests.test_feed import make_leads

# 2025-03-14 is a Friday; the next working days are Mon 17, Tue 18, Wed 19.
TODAY = date(2025, 3, 14)
NOW = datetime(2025, 3, 14, 8, 0, tzinfo=BUREAU_TZ)
CALENDAR = WorkCalendar.of()


def set_due(lead_id: int, due: date, status: str = "queued") -> None:
    def work(session: Session) -> None:
        lead = session.get(Lead, lead_id)
        lead.status, lead.due_date = status, due
        session.add(lead)

    run_write(work)


def test_due_soon_and_overdue_are_found_marked_once_and_counted(tw_home: Path):
    ids = list(make_leads().values())
    set_due(ids[0], date(2025, 3, 10))  # overdue
    set_due(ids[1], date(2025, 3, 14))  # due today
    set_due(ids[2], date(2025, 3, 19))  # third working day: due soon
    set_due(ids[3], date(2025, 3, 20))  # fourth working day: not yet
    set_due(ids[4], date(2025, 3, 1), status="verified")  # finished work has no running deadline
    run_write(lambda session: claim(session, ids[1], officer="李敏"))

    report = check_deadlines(now=NOW, calendar=CALENDAR)
    assert [item.lead_id for item in report.overdue] == [ids[0]]
    assert [item.lead_id for item in report.due_soon] == [ids[1], ids[2]]
    assert [item.working_days_left for item in report.due_soon] == [0, 3]
    assert report.overdue[0].working_days_left == -4
    assert report.due_soon[0].claimed_by == "李敏"
    assert report.marked == 3
    assert check_deadlines(now=NOW + timedelta(hours=1), calendar=CALENDAR).marked == 0  # once per lead and date

    with Session(get_engine()) as session:
        actions = {
            (e.lead_pk, e.action) for e in session.exec(select(AuditEvent)) if e.action in ("due_soon", "overdue")
        }
        stats = queue_stats(session, today=TODAY, due_soon_days=due_soon_days(TODAY, CALENDAR))
    assert actions == {(ids[0], "overdue"), (ids[1], "due_soon"), (ids[2], "due_soon")}
    assert (stats.overdue, stats.due_soon) == (1, 2)


def test_working_days_skip_weekends_and_holidays():
    calendar = WorkCalendar.of(holidays=[date(2025, 4, 4)], workdays=[date(2025, 4, 27)])
    assert working_days_between(date(2025, 4, 3), date(2025, 4, 7), calendar) == 1
    assert due_soon_days(date(2025, 3, 14), CALENDAR) == 5  # Fri + 3 working days = Wed


def test_stats_lists_overdue_leads_like_the_deadline_job(tw_home: Path):
    ids = list(make_leads().values())
    set_due(ids[0], date(2020, 1, 6))
    set_due(ids[1], date(2020, 1, 7))
    report = check_deadlines(calendar=CALENDAR)
    result = CliRunner().invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overdue"] == len(report.overdue) == 2

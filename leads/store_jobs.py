"""The scheduled jobs that only touch the lead store: feeding the verification queue, the deadline check and the
daily report. Each takes the job, the timetable and the moment, and returns the details recorded for its run
(the scheduler's table of job kinds calls them; crawl jobs live with the crawl runners)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.workdays import local_date
from leads.deadlines import check_deadlines
from leads.feed import FeedSettings, feed_queue
from leads.reports import write_daily_report
from leads.timetable import JobSpec, Timetable


def feed_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """new -> queued, best first, up to each team's capacity."""
    assert timetable.feed is not None
    return feed_queue(FeedSettings.from_job(timetable.feed), now=now).summary()


def deadlines_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """Record the leads that are overdue or due soon."""
    assert timetable.deadlines is not None
    return check_deadlines(now=now, working_days=timetable.deadlines.due_soon_working_days).summary()


def daily_report_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """Write the day's report into TRADEWATCH_HOME/reports."""
    return {"report": str(write_daily_report(local_date(now)))}

"""A controllable clock for the real APScheduler, and small helpers the scheduler tests share.

`ManualScheduler` is APScheduler's own `BaseScheduler` with the timer taken out: a test moves the clock
(`clock.set(...)`) and calls `tick()`, which runs APScheduler's `_process_jobs` — due-job lookup in the
SQLAlchemy job store, misfire grace, coalescing, max instances — exactly as the blocking scheduler does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler
from sqlmodel import Session, col, select

import scheduler as scheduler_module
from leads.db import get_engine
from leads.schedule_models import JobRun
from leads.timetable import TIMEZONE, Timetable

SHANGHAI = TIMEZONE


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.moment = start

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    def now(self, tz: Any = None) -> datetime:
        return self.moment.astimezone(tz) if tz is not None else self.moment.astimezone(UTC).replace(tzinfo=None)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """One clock for APScheduler (scheduler and executor) and for tradewatch's scheduler module."""
    fake = FakeClock(local(2025, 3, 10, 12, 0))

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return fake.now(tz)

    import apscheduler.executors.base
    import apscheduler.schedulers.base

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)
    monkeypatch.setattr(scheduler_module, "now", lambda: fake.now(UTC))
    return fake


class ManualScheduler(BaseScheduler):
    """APScheduler driven by the test: no timer thread, jobs processed on `tick()`."""

    def wakeup(self) -> None:  # the test decides when jobs are processed
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait=False)

    def tick(self) -> None:
        self._process_jobs()


@pytest.fixture
def manual_schedulers() -> Iterator[list[ManualScheduler]]:
    started: list[ManualScheduler] = []
    yield started
    for sched in started:
        if sched.running:
            sched.shutdown()


def start_scheduler(timetable: Timetable, started: list[ManualScheduler]) -> ManualScheduler:
    sched = scheduler_module.configure(ManualScheduler(), timetable, executor=DebugExecutor())
    sched.start()
    started.append(sched)
    return sched


def write_timetable(home: Path, data: dict[str, Any], name: str = "schedule.yaml") -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def runs_of(job_id: str) -> list[JobRun]:
    with Session(get_engine()) as session:
        return list(session.exec(select(JobRun).where(JobRun.job_id == job_id).order_by(col(JobRun.slot))))


def drive(sched: ManualScheduler, clock: FakeClock, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    """Move the clock forward in steps, letting the scheduler process its jobs at each."""
    while clock.moment < until:
        clock.set(min(clock.moment + step, until))
        sched.tick()

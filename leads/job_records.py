"""Records of scheduled jobs in the lead store: which job ran for which scheduled time (`JobRun`, a slot runs at
most once whatever happens to the processes), and the next run times APScheduler keeps in its job table."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from leads.db import get_engine, run_write
from leads.models import utcnow
from leads.runs import (
    INTERRUPTED,  # a crawl of the job was stopped (Ctrl-C, SIGTERM, its process killed)
    why_abandoned,
)
from leads.schedule_models import JobRun
from leads.timetable import TIMEZONE, Timetable, all_specs

JOBSTORE_TABLE = "apscheduler_jobs"

# How a job's run ended (`JobRun.outcome`): a job that crawls follows its crawl runs (`scheduler.job_outcome`).
RUNNING = "running"
OK = "ok"
FAILED = "failed"  # the job raised or its crawl failed, or none of its platforms was read
PARTIAL = "partial"  # some of its platforms were read, others failed, were blocked or unreachable
SKIPPED = "skipped"  # its slot had run already (never recorded: the slot's own record says how it went)
JOB_OUTCOMES = (RUNNING, OK, FAILED, PARTIAL, INTERRUPTED)


def last_fire_time(trigger: Any, moment: datetime) -> datetime:
    """The trigger's latest scheduled time at or before `moment` (the slot a run at `moment` belongs to)."""
    moment = moment.astimezone(TIMEZONE)
    for window in (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=40)):
        fire = trigger.get_next_fire_time(None, moment - window)
        latest = None
        while fire is not None and fire <= moment:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest.astimezone(UTC)
    return moment.replace(second=0, microsecond=0).astimezone(UTC)


def claim_slot(job_id: str, slot: datetime, *, started: datetime, engine: Engine | None = None) -> int | None:
    """Record that `job_id` runs for `slot`; None when that slot already ran (or is running) elsewhere."""

    def work(session: Session) -> int | None:
        existing = session.exec(select(JobRun).where(JobRun.job_id == job_id, JobRun.slot == slot)).first()
        if existing is not None:
            return None
        # While it runs, the record names its process, so that one left `running` by a scheduler that died
        # reads as interrupted (`mark_interrupted_job_runs`); how it ended replaces these details.
        run = JobRun(
            job_id=job_id, slot=slot, started_at=started, details={"host": socket.gethostname(), "pid": os.getpid()}
        )
        session.add(run)
        session.flush()
        return run.id

    try:
        return run_write(work, engine=engine or get_engine(), attempts=3)
    except IntegrityError:
        return None


def finish_slot(
    run_id: int, *, finished: datetime, outcome: str, details: dict[str, Any], error: str | None = None
) -> None:
    """Record how the run `run_id` ended; `details` are kept as JSON."""

    def work(session: Session) -> None:
        run = session.get(JobRun, run_id)
        if run is None:
            return
        run.finished_at = finished
        run.outcome = outcome
        run.details = json.loads(json.dumps(details, ensure_ascii=False, default=str))
        run.error = error
        session.add(run)

    run_write(work)


def mark_interrupted_job_runs(session: Session, *, now: datetime | None = None) -> list[int]:
    """Job runs left `running` by a scheduler that is gone (killed, power cut) are marked `interrupted`, as
    `leads.runs.mark_interrupted_runs` marks crawl runs: this machine's whose process has ended, and those whose
    process cannot be checked from here left running since an earlier day. Returns their ids."""
    now = now or utcnow()
    marked = []
    for run in session.exec(select(JobRun).where(JobRun.outcome == RUNNING)):
        assert run.id is not None
        details = run.details or {}
        pid = details.get("pid")
        reason = why_abandoned(details.get("host"), pid if isinstance(pid, int) else None, run.started_at, now=now)
        if reason is None:
            continue
        run.finished_at, run.outcome, run.error = now, INTERRUPTED, reason
        session.add(run)
        marked.append(run.id)
    return marked


def job_runs(session: Session, *, job_id: str | None = None, limit: int = 50) -> list[JobRun]:
    statement = select(JobRun).order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc()).limit(limit)
    if job_id:
        statement = statement.where(JobRun.job_id == job_id)
    return list(session.exec(statement))


@dataclass
class PlannedJob:
    id: str
    title: str
    when: str
    next_run: datetime | None
    last_run: JobRun | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def planned_jobs(timetable: Timetable, *, moment: datetime) -> list[PlannedJob]:
    """Every job with its next run time: as stored by the scheduler when it has run, else from the trigger."""
    moment = moment.astimezone(TIMEZONE)
    stored = stored_next_runs()
    run_write(mark_interrupted_job_runs)  # a last run left `running` by a scheduler that is gone reads interrupted
    out = []
    with Session(get_engine()) as session:
        for spec in all_specs(timetable):
            next_run = stored.get(spec.id) or spec.trigger.get_next_fire_time(None, moment)
            last = job_runs(session, job_id=spec.id, limit=1)
            out.append(
                PlannedJob(
                    id=spec.id,
                    title=spec.title,
                    when=spec.description,
                    next_run=next_run.astimezone(TIMEZONE) if next_run else None,
                    last_run=last[0] if last else None,
                )
            )
    return out


def stored_next_runs() -> dict[str, datetime]:
    """Next run times held in the job store (empty before a scheduler ever ran)."""
    from sqlalchemy import inspect, text

    engine = get_engine()
    with engine.connect() as connection:
        if not inspect(connection).has_table(JOBSTORE_TABLE):
            return {}
        rows = connection.execute(text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}"))
        return {row[0]: datetime.fromtimestamp(row[1], UTC) for row in rows if row[1] is not None}

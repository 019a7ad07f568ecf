"""The bureau's scheduler: APScheduler 3.x wiring and the table of job kinds. The work lives in the library.

- The timetable (`leads.timetable`, `TRADEWATCH_HOME/schedule.yaml`) is validated before anything runs, its
  platforms against the installed profiles and its watchlist with the scorer's loader; campaigns with a cron
  come from the lead store (`tradewatch campaign create ... --cron`).
- `run_forever()` starts a `BlockingScheduler` in the bureau's timezone whose jobs live in a SQLAlchemy job
  store in the lead database. Jobs coalesce, run one instance at a time, and have a misfire grace long enough
  that a nightly sweep missed while the machine was off runs once when it is back.
- Jobs kept in the store are not re-added at start (re-adding would forget a missed run); a job is replaced
  only when its timetable entry changed.
- Every job records itself under its scheduled time (`leads.job_records`): a slot runs at most once, whatever
  happens to the processes. Only one scheduler drives a store (`leads.scheduler_lock`).
- `JOB_KINDS` maps each kind of job to its body: store-only jobs in `leads.store_jobs`, jobs that crawl in
  `runners.scheduled` (every crawl a child process; a child that dies is a failed crawl run, and the
  scheduler goes on).
- SIGTERM or Ctrl-C stops the scheduler and the jobs it is running: their crawl children are asked to stop
  (`runners.child.stop_children`: their crawls record their runs as interrupted), the jobs are recorded
  `interrupted`, and `run_forever` returns their ids once every job has ended, for one line and exit 130.

The job bodies take the moment as an argument and the module clock is `now()`, so tests drive the real
APScheduler with a controlled clock.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from core.config import get_settings
from core.errors import TradewatchError, first_line
from core.stop_signals import stop_signals
from crawler.profiles import check_platforms
from crawler.run_health import DEGRADED, OK
from leads import job_records, store_jobs
from leads import timetable as timetables
from leads.db import get_engine, run_write
from leads.runs import INTERRUPTED, mark_interrupted_runs
from leads.scheduler_lock import SchedulerLock
from leads.timetable import TIMEZONE, JobSpec, Timetable, all_specs, find_spec
from pipelines.model import lifecycle
from pipelines.scoring.watchlist import watchlist_search_terms
from runners import scheduled
from runners.child import hurry_children, stop_children

CAMPAIGN_REFRESH_SECONDS = 300
INTERRUPTED_EXIT = 130  # as `tradewatch sweep`: the shell's code for a command ended by Ctrl-C

# The jobs `execute` is running, and those a stop of the scheduler interrupted.
_jobs_changed = threading.Condition()
_running_jobs: set[str] = set()
_interrupted_jobs: list[str] = []

JobBody = Callable[[JobSpec, Timetable, datetime], dict[str, Any]]
# Each kind of job and what it runs: (the job, the timetable, the moment) -> the details recorded for the run.
JOB_KINDS: dict[str, JobBody] = {
    "nightly-sweep": scheduled.nightly_sweep_job,
    "campaign": scheduled.campaign_sweep_job,
    "rechecks": scheduled.rechecks_job,
    "rules-sweep": scheduled.rules_sweep_job,
    "feed": store_jobs.feed_job,
    "deadlines": store_jobs.deadlines_job,
    "daily-report": store_jobs.daily_report_job,
    "retrain": lifecycle.retrain_job,
}


def now() -> datetime:
    """The scheduler's clock (aware UTC). Tests replace it together with APScheduler's."""
    return datetime.now(UTC)


def load_timetable(path: Path | None = None) -> Timetable:
    """The timetable, with its platforms and watchlist checked (see `leads.timetable.load_timetable`)."""
    return timetables.load_timetable(path, check_platforms=check_platforms, search_terms=watchlist_search_terms)


def execute(job_id: str, timetable_path: str | None = None, signature: str = "", **_: Any) -> dict[str, Any]:
    """What APScheduler runs: the job `job_id` for its current slot, once. Never raises (the scheduler goes on)."""
    started = now()
    try:
        timetable = load_timetable(Path(timetable_path) if timetable_path else None)
        spec = find_spec(job_id, timetable)
    except TradewatchError as error:
        logger.error("job {} cannot run: {}", job_id, error)
        return {"outcome": job_records.FAILED, "error": first_line(error)}
    slot = job_records.last_fire_time(spec.trigger, started)
    run_id = job_records.claim_slot(job_id, slot, started=started)
    if run_id is None:
        logger.info("job {} already ran for {}; skipped", job_id, slot.astimezone(TIMEZONE))
        return {"outcome": job_records.SKIPPED, "slot": slot}
    logger.info("job {} starts (scheduled for {})", job_id, slot.astimezone(TIMEZONE).isoformat())
    with _jobs_changed:
        _running_jobs.add(job_id)
    try:
        details = run_job(spec, timetable, now=started)
    except KeyboardInterrupt as error:  # the scheduler is stopping: it stopped the job's crawls, which say so
        return _interrupted(job_id, run_id, error)
    except Exception as error:  # every failure is recorded; the scheduler carries on with the next job
        logger.exception("job {} failed: {}", job_id, error)
        failed = first_line(error)
        job_records.finish_slot(run_id, finished=now(), outcome=job_records.FAILED, details={}, error=failed)
        return {"outcome": job_records.FAILED, "error": failed}
    finally:
        with _jobs_changed:
            _running_jobs.discard(job_id)
            _jobs_changed.notify_all()
    outcome = job_outcome(details)
    job_records.finish_slot(run_id, finished=now(), outcome=outcome, details=details, error=details.get("error"))
    logger.info("job {} finished: {} {}", job_id, outcome, _summary(details))
    return {"outcome": outcome, **details}


def _interrupted(job_id: str, run_id: int, error: KeyboardInterrupt) -> dict[str, Any]:
    """Record a job its scheduler's stop interrupted (a distributed sweep names the sweep it left open)."""
    sweep_id = getattr(error, "sweep_id", None)
    details = {"sweep_id": sweep_id} if isinstance(sweep_id, str) else {}
    logger.warning("job {} interrupted: the scheduler is stopping {}", job_id, _summary(details))
    job_records.finish_slot(
        run_id, finished=now(), outcome=job_records.INTERRUPTED, details=details, error="scheduler stopped"
    )
    with _jobs_changed:
        _interrupted_jobs.append(job_id)
    return {"outcome": job_records.INTERRUPTED, **details}


# Run outcomes of platforms that were read: a degraded run read listings, with gaps its own record names.
READ = (OK, DEGRADED)


def job_outcome(details: dict[str, Any]) -> str:
    """How a job's run ended, from what it returned: `failed` when it says so; for a job that crawled, as its
    crawl runs ended (`outcomes`, platform -> run outcome): `interrupted` when any run was, `failed` when no
    platform was read, `partial` when some were not, else `ok`."""
    if details.get("failed"):
        return job_records.FAILED
    outcomes = list((details.get("outcomes") or {}).values())
    if INTERRUPTED in outcomes:
        return job_records.INTERRUPTED
    unread = [outcome for outcome in outcomes if outcome not in READ]
    if unread:
        return job_records.FAILED if len(unread) == len(outcomes) else job_records.PARTIAL
    return job_records.OK


def _summary(details: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in details.items() if not isinstance(v, list | dict)}, ensure_ascii=False, default=str
    )


def run_job(spec: JobSpec, timetable: Timetable, *, now: datetime) -> dict[str, Any]:
    """Run one job's work now (no slot bookkeeping): `tradewatch schedule run-job` and `execute` use it."""
    body = JOB_KINDS.get(spec.kind)
    if body is None:
        raise TradewatchError(f"unknown job kind {spec.kind!r}")
    return body(spec, timetable, now)


def planned_jobs(timetable: Timetable) -> list[job_records.PlannedJob]:
    """Every job with its next run time and its last run (`tradewatch schedule list`)."""
    return job_records.planned_jobs(timetable, moment=now())


# ------------------------------------------------------------------------------------------- the scheduler


def configure(
    scheduler: Any, timetable: Timetable, *, url: str | None = None, workers: int = 4, executor: Any = None
) -> Any:
    """Give a scheduler the store's job store, the executor (threads: each crawl is a child process anyway),
    the job defaults and, once it starts, the timetable's and the campaigns' jobs."""
    from apscheduler.events import EVENT_SCHEDULER_START
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    url = url or get_settings().resolved_database_url
    scheduler.configure(
        jobstores={
            "default": SQLAlchemyJobStore(engine=get_engine(url), tablename=job_records.JOBSTORE_TABLE),
            "memory": MemoryJobStore(),
        },
        executors={"default": executor or ThreadPoolExecutor(workers)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(timetable.misfire_grace_hours * 3600),
        },
        timezone=TIMEZONE,
    )
    timetable_path = timetable.source

    def on_start(_event: object) -> None:
        sync_jobs(scheduler, timetable, timetable_path)
        scheduler.add_job(
            sync_jobs,
            "interval",
            seconds=CAMPAIGN_REFRESH_SECONDS,
            args=[scheduler, timetable, timetable_path],
            id="refresh-campaigns",
            jobstore="memory",
            replace_existing=True,
            misfire_grace_time=None,
        )

    scheduler.add_listener(on_start, EVENT_SCHEDULER_START)
    return scheduler


def sync_jobs(scheduler: Any, timetable: Timetable, timetable_path: str | None) -> dict[str, list[str]]:
    """Make the stored jobs match the timetable and the open campaigns.

    A stored job whose entry did not change is left as it is, so a run missed while no scheduler ran is
    still due; a changed one is replaced (its next run computed from now); a job no longer wanted is removed.
    """
    specs = {spec.id: spec for spec in all_specs(timetable)}
    changes: dict[str, list[str]] = {"added": [], "replaced": [], "removed": [], "kept": []}
    stored = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
    for job_id in stored:
        if job_id not in specs:
            scheduler.remove_job(job_id, jobstore="default")
            changes["removed"].append(job_id)
    for job_id, spec in specs.items():
        job = stored.get(job_id)
        kwargs = spec.kwargs(timetable_path)
        if job is not None and job.kwargs == kwargs:
            changes["kept"].append(job_id)
            continue
        scheduler.add_job(
            "scheduler:execute",
            trigger=spec.trigger,
            kwargs=kwargs,
            id=job_id,
            name=spec.title,
            jobstore="default",
            replace_existing=True,
        )
        changes["replaced" if job is not None else "added"].append(job_id)
    if any(changes[key] for key in ("added", "replaced", "removed")):
        logger.info("jobs synchronised: {}", {k: v for k, v in changes.items() if v and k != "kept"})
    return changes


@contextmanager
def _signals_stop(scheduler: Any) -> Iterator[None]:
    """SIGTERM, Ctrl-C and SIGHUP (its terminal closed; not under `nohup`: `core.stop_signals`) stop the
    scheduler; one more while its jobs stop kills their children at once."""

    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        if received:
            logger.warning("signal {} received again: killing the running jobs' crawls", signum)
            hurry_children()
            return
        received.append(signum)
        logger.info("signal {} received, stopping the scheduler", signum)
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in stop_signals()}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_running_jobs() -> list[str]:
    """Once the scheduler has stopped: stop the jobs still running (their crawl children asked to stop, then
    killed after `runners.child.STOP_SECONDS`), wait until each has recorded how it ended, and return the ids
    of those interrupted. A crawl killed when it did not close in time has its runs recorded interrupted as its
    job's thread closes it (`runners.child.ChildCrawl.close`); one left open all the same (that record failed) is
    marked here, not left `running` until someone looks."""
    with _jobs_changed:
        running = sorted(_running_jobs)
    if running:
        logger.warning("stopping the running jobs: {}", ", ".join(running))
        stopped = stop_children()
        logger.info("{} crawl process(es) stopped; waiting for the jobs to record how they ended", stopped)
    with _jobs_changed:
        _jobs_changed.wait_for(lambda: not _running_jobs)
        interrupted = sorted(set(_interrupted_jobs))
    if running:
        left = run_write(mark_interrupted_runs)
        if left:
            logger.warning("runs left open by the stopped crawls, recorded as interrupted: {}", left)
    return interrupted


def run_forever(timetable: Timetable, *, on_ready: Callable[[Any], None] | None = None) -> list[str]:
    """Take the store's scheduler lock and run the timetable until SIGTERM or Ctrl-C. Returns the ids of the
    jobs the stop interrupted (their runs recorded as interrupted), once every job has ended."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    url = get_settings().resolved_database_url
    get_engine(url)  # migrate the store before anything else touches it
    with SchedulerLock(url):
        scheduler = configure(BlockingScheduler(), timetable, url=url)
        if on_ready is not None:
            on_ready(scheduler)
        logger.info("scheduler started (pid {}, store {}, timetable {})", os.getpid(), _safe_url(url), timetable.source)
        with _signals_stop(scheduler):
            scheduler.start()
            interrupted = stop_running_jobs()
        if interrupted:
            logger.warning("scheduler stopped; jobs interrupted: {}", ", ".join(interrupted))
        else:
            logger.info("scheduler stopped")
    return interrupted


def _safe_url(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m scheduler [TIMETABLE]` (see `__main__`): the same as `tradewatch schedule run`."""
    import sys

    from core.logging_setup import setup_logging

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        timetable = load_timetable(Path(args[0]) if args else None)
        log_path = setup_logging("scheduler", console=True)
        logger.info("log file {}", log_path)
        interrupted = run_forever(timetable)
    except TradewatchError as error:
        sys.stderr.write(f"Error: {error}\n")
        return error.exit_code
    if interrupted:
        jobs = ", ".join(interrupted)
        sys.stderr.write(f"Error: 定时任务已停止，以下任务已中断 / scheduler stopped, jobs interrupted: {jobs}\n")
        return INTERRUPTED_EXIT
    return 0

"""Crawl runs: every sweep of a platform is recorded with its counts, stats and outcome."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.workdays import local_date
from leads.db import get_engine, run_write
from leads.models import CrawlRun, utcnow

INTERRUPTED = "interrupted"
# Finish reasons this module records, in English (the command line shows them in the officer's language).
PROCESS_ENDED = "process ended without finishing"
PROCESS_FAILED = "process failed: {error}"
LEFT_UNFINISHED = "left unfinished since an earlier day by a process that cannot be checked from this machine"
FORCED_STOP = "stopped by force before it closed (a second stop, or no close within the wait)"
FINISH_REASONS = (PROCESS_ENDED, PROCESS_FAILED, LEFT_UNFINISHED, FORCED_STOP)


def start_run(
    session: Session, *, platform: str, keywords: Sequence[str], campaign: str | None, sweep_id: str | None = None
) -> int:
    """Record a run as started by this process on this machine, for the sweep `sweep_id`."""
    run = CrawlRun(
        platform=platform,
        keywords=list(keywords),
        campaign=campaign,
        host=socket.gethostname(),
        pid=os.getpid(),
        sweep_id=sweep_id,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    finish_reason: str,
    outcome: str,
    counts: dict[str, int],
    stats: dict[str, Any],
) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    run.finished_at = utcnow()
    run.finish_reason = finish_reason
    run.outcome = outcome
    for name, value in counts.items():
        setattr(run, name, value)
    run.stats = stats
    session.add(run)
    return run


def get_run(session: Session, run_id: int) -> CrawlRun | None:
    return session.get(CrawlRun, run_id)


def list_runs(session: Session, *, limit: int = 20) -> list[CrawlRun]:
    return list(session.exec(select(CrawlRun).order_by(col(CrawlRun.id).desc()).limit(limit)))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def why_abandoned(host: str | None, pid: int | None, started: datetime, *, now: datetime) -> str | None:
    """Why a record its process left open (a crawl run, a scheduled job's run) no longer runs: PROCESS_ENDED
    when the process, on this machine, has ended; LEFT_UNFINISHED when it cannot be checked from here (another
    machine's, or none recorded) and the record dates from before the bureau's current day. None when it may
    still run."""
    if host == socket.gethostname() and pid is not None:
        return None if pid == os.getpid() or _process_alive(pid) else PROCESS_ENDED
    return LEFT_UNFINISHED if local_date(started) < local_date(now) else None


def mark_interrupted_runs(session: Session, *, now: datetime | None = None) -> list[int]:
    """Runs whose process is gone without finishing (killed, power cut) are marked `interrupted`, so nobody
    mistakes them for still running: this machine's whose process has ended, and those whose process cannot
    be checked from here left unfinished since an earlier day (`why_abandoned`); a run its process finishes
    after all is recorded again as it ended."""
    now = now or utcnow()
    marked = []
    for run in session.exec(select(CrawlRun).where(col(CrawlRun.finished_at).is_(None))):
        assert run.id is not None
        reason = why_abandoned(run.host, run.pid, run.started_at, now=now)
        if reason is None:
            continue
        run.finished_at = now
        run.outcome = INTERRUPTED
        run.finish_reason = reason
        session.add(run)
        marked.append(run.id)
    return marked


def mark_stopped_by_force(session: Session, *, pid: int, now: datetime | None = None) -> list[int]:
    """The runs left open by a crawl process of this machine stopped by force (a second stop signal, or no close
    within its parent's wait) are marked `interrupted` (FORCED_STOP) at once, not when someone next looks: by its
    parent once it has killed it, or by itself once its crawls have stopped. Returns their ids."""
    now = now or utcnow()
    marked = []
    left = select(CrawlRun).where(
        col(CrawlRun.finished_at).is_(None), CrawlRun.host == socket.gethostname(), CrawlRun.pid == pid
    )
    for run in session.exec(left):
        assert run.id is not None
        run.finished_at, run.outcome, run.finish_reason = now, INTERRUPTED, FORCED_STOP
        session.add(run)
        marked.append(run.id)
    return marked


def record_failed_sweep(
    *,
    platforms: list[str],
    keywords: list[str],
    campaign: str | None,
    sweep_id: str,
    started: datetime,
    error: str,
) -> list[int]:
    """Record the sweep `sweep_id` whose child failed: the runs it left unfinished are marked failed, and a failed
    run is added for each platform it recorded no run for. A sweep's runs are those recorded with its id, never
    those of another sweep of the same platforms running at the same time; one that finished stays as it ended, so
    that no platform reads both completed and failed. Returns the ids of the sweep's runs, those that finished
    included."""
    reason = PROCESS_FAILED.format(error=error)[:500]
    finished = utcnow()

    def work(session: Session) -> list[int]:
        ids = []
        recorded = session.exec(select(CrawlRun).where(CrawlRun.sweep_id == sweep_id).order_by(col(CrawlRun.id)))
        seen = set()
        for run in recorded:
            if run.finished_at is None:
                run.finished_at, run.outcome, run.finish_reason = finished, "failed", reason
                session.add(run)
            seen.add(run.platform)
            ids.append(run.id)
        for platform in platforms:
            if platform in seen:
                continue
            run = CrawlRun(
                platform=platform,
                keywords=keywords,
                campaign=campaign,
                started_at=started,
                finished_at=finished,
                outcome="failed",
                finish_reason=reason,
                errors=1,
                sweep_id=sweep_id,
            )
            session.add(run)
            session.flush()
            ids.append(run.id)
        return [run_id for run_id in ids if run_id is not None]

    return run_write(work)


def run_outcomes(run_ids: Sequence[int]) -> dict[str, str | None]:
    """The outcome of each of these runs, by platform."""
    with Session(get_engine()) as session:
        runs = [session.get(CrawlRun, run_id) for run_id in run_ids]
    return {run.platform: run.outcome for run in runs if run is not None}

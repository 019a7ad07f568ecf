"""Crawl runs: every sweep of a platform is recorded with its counts, stats and outcome."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from leads.db import get_engine, run_write
from leads.models import CrawlRun, utcnow

INTERRUPTED = "interrupted"
# Finish reasons this module records, in English (the command line shows them in the officer's language).
PROCESS_ENDED = "process ended without finishing"
PROCESS_FAILED = "process failed: {error}"
FINISH_REASONS = (PROCESS_ENDED, PROCESS_FAILED)


def start_run(session: Session, *, platform: str, keywords: Sequence[str], campaign: str | None) -> int:
    """Record a run as started by this process on this machine."""
    run = CrawlRun(
        platform=platform,
        keywords=list(keywords),
        campaign=campaign,
        host=socket.gethostname(),
        pid=os.getpid(),
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


def mark_interrupted_runs(session: Session, *, now: datetime | None = None) -> list[int]:
    """Runs started on this machine whose process is gone without finishing (killed, power cut) are marked
    `interrupted`, so nobody mistakes them for still running. Runs of other machines are left alone."""
    host = socket.gethostname()
    open_runs = session.exec(
        select(CrawlRun).where(
            col(CrawlRun.finished_at).is_(None), CrawlRun.host == host, col(CrawlRun.pid).is_not(None)
        )
    )
    marked = []
    for run in open_runs:
        assert run.pid is not None and run.id is not None
        if run.pid == os.getpid() or _process_alive(run.pid):
            continue
        run.finished_at = now or utcnow()
        run.outcome = INTERRUPTED
        run.finish_reason = PROCESS_ENDED
        session.add(run)
        marked.append(run.id)
    return marked


def record_failed_sweep(
    *,
    platforms: list[str],
    keywords: list[str],
    campaign: str | None,
    after_id: int,
    started: datetime,
    error: str,
) -> list[int]:
    """Mark the runs a dead sweep child left unfinished as failed, and add a failed run for each platform
    the child never recorded. Returns the run ids."""
    reason = PROCESS_FAILED.format(error=error)[:500]
    finished = utcnow()

    def work(session: Session) -> list[int]:
        ids = []
        left = session.exec(
            select(CrawlRun).where(
                col(CrawlRun.id) > after_id,
                col(CrawlRun.platform).in_(platforms),
                col(CrawlRun.finished_at).is_(None),
                CrawlRun.campaign == campaign,
            )
        )
        seen = set()
        for run in left:
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
            )
            session.add(run)
            session.flush()
            ids.append(run.id)
        return [run_id for run_id in ids if run_id is not None]

    return run_write(work)


def latest_run_id() -> int:
    """The id of the newest crawl run (0 for none): runs recorded after it belong to a sweep started now."""
    with Session(get_engine()) as session:
        return session.exec(select(CrawlRun.id).order_by(col(CrawlRun.id).desc()).limit(1)).first() or 0


def run_outcomes(run_ids: Sequence[int]) -> dict[str, str | None]:
    """The outcome of each of these runs, by platform."""
    with Session(get_engine()) as session:
        runs = [session.get(CrawlRun, run_id) for run_id in run_ids]
    return {run.platform: run.outcome for run in runs if run is not None}

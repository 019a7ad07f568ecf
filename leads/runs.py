"""Crawl runs: every sweep of a platform is recorded with its counts, stats and outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from leads.models import CrawlRun, utcnow


def start_run(session: Session, *, platform: str, keywords: Sequence[str], campaign: str | None) -> int:
    run = CrawlRun(platform=platform, keywords=list(keywords), campaign=campaign)
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

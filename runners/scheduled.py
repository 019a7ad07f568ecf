"""The scheduled jobs that crawl: the nightly sweep, a campaign's sweep, the re-checks of queued listings and the
rules sweep.

Each takes the job, the timetable and the moment, and returns the details recorded for its run (the
scheduler's table of job kinds calls them). Every crawl runs in a child process; a child that dies is
recorded as failed crawl runs and the job returns `failed` instead of raising, so the scheduler goes on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from loguru import logger
from sqlmodel import Session

from core.errors import TradewatchError, first_line
from leads.campaigns import get_campaign
from leads.db import get_engine
from leads.runs import run_outcomes
from leads.timetable import JobSpec, Timetable
from pipelines.scoring.watchlist import watchlist_search_terms
from runners import recheck, rules, sweep
from runners.sweep_request import SweepRequest, new_sweep_id
from spiders.sweep_params import SweepParams


def nightly_sweep_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """The timetable's sweep: its keywords and its watchlist's search terms, on its platforms."""
    entry = timetable.nightly_sweep
    assert entry is not None
    keywords = list(entry.keywords)
    if entry.watchlist:
        near = Path(timetable.source) if timetable.source else None
        keywords += watchlist_search_terms(entry.watchlist, entry.categories, near)
    return sweep_job(
        platforms=entry.platforms,
        keywords=list(dict.fromkeys(keywords)),
        campaign=None,
        max_pages=entry.max_pages,
        base_url=timetable.base_url,
        timeout=entry.timeout_minutes * 60,
        feeds=entry.feeds,
        all_feeds=entry.all_feeds,
        budget=entry.budget,
    )


def campaign_sweep_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """A campaign's sweep, as the campaign stands now in the store."""
    with Session(get_engine()) as session:
        campaign = get_campaign(session, spec.campaign or "")
    return sweep_job(
        platforms=list(campaign.platforms),
        keywords=list(campaign.keywords),
        campaign=campaign.name,
        max_pages=campaign.max_pages,
        base_url=timetable.base_url,
        timeout=None,
        feeds=list(campaign.feeds or []),
    )


def rechecks_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """Revisit the listings of open leads not checked for a while."""
    entry = timetable.rechecks
    assert entry is not None
    return recheck.run_rechecks(
        limit=entry.limit,
        min_age=timedelta(hours=entry.min_age_hours),
        base_url=timetable.base_url,
        now=now,
        timeout=entry.timeout_minutes * 60,
    )


def sweep_job(
    *,
    platforms: list[str],
    keywords: list[str],
    campaign: str | None,
    max_pages: int | None,
    base_url: str | None,
    timeout: float | None,
    feeds: list[str] | None = None,
    all_feeds: bool = False,
    budget: int | None = None,
) -> dict[str, Any]:
    """One sweep in a child process (`tradewatch campaign run` too). A child that fails is recorded as failed
    crawl runs by `run_sweep`, as every sweep is; the job answers `failed` with their ids and never raises for it."""
    request = SweepRequest(
        platforms=platforms,
        params=SweepParams(
            keywords=keywords,
            campaign=campaign,
            max_pages=max_pages,
            feeds=feeds or [],
            all_feeds=all_feeds,
            budget=budget,
        ),
        base_url=base_url,
        sweep_id=new_sweep_id(),
    )
    try:
        result = sweep.run_sweep(request, timeout=timeout)
    except TradewatchError as error:
        logger.error("sweep failed: {}", error)
        message = first_line(error)  # what the job's record keeps, as its runs' do; the whole text is in the log
        return {"failed": True, "error": message, "run_ids": sweep.failed_runs(error), "sweep_id": request.sweep_id}
    return {
        "run_ids": result.run_ids,
        "outcomes": run_outcomes(result.run_ids),
        "log": str(result.log_file),
        "sweep_id": request.sweep_id,
    }


def rules_sweep_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """The weekly sweep of the platforms' rules pages."""
    entry = timetable.rules_sweep
    assert entry is not None
    return rules.rules_sweep_job(entry.platforms, base_url=timetable.base_url, timeout=entry.timeout_minutes * 60)

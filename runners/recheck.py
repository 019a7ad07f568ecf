"""Running re-checks: revisit the listings of queued and claimed leads in a child process (`runners.child`).

`run_rechecks()` is the re-check job: it picks the targets in the store (`leads.recheck.select_targets`) and
runs `python -m runners.recheck REQUEST_FILE`, a crawl of `spiders.recheck.RecheckSpider` through the
normalise, score and re-check pipelines (`pipelines.recheck` records each visit); the answer is the counts by
outcome.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field
from sqlmodel import Session

from core.config import get_settings
from leads.recheck import RecheckTarget, select_targets
from runners.child import ChildTimedOut, child_main, run_child
from runners.process_exit import leave

WHAT = ("复查", "re-check")
STORE_PIPELINE = "pipelines.store.StoreListingPipeline"
RECHECK_PIPELINE = "pipelines.recheck.RecordRecheckPipeline"


class RecheckRequest(BaseModel):
    targets: list[RecheckTarget] = Field(default_factory=list)
    base_url: str | None = None
    database_url: str
    lead_threshold: int
    log_file: Path | None = None


def rebase_url(url: str, base_url: str | None) -> str:
    """The listing URL on another host (the demo marketplace on a test port)."""
    if not base_url:
        return url
    base, parts = urlsplit(base_url), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def crawl_here(request: RecheckRequest) -> dict[str, int]:
    """Run the re-checks in this process (the child). Returns the counts by outcome."""
    from runners.crawl_settings import import_http_handler

    import_http_handler()
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.profiles import load_profile
    from pipelines.recheck import STATS_PREFIX
    from spiders.recheck import REMOVED_STATUSES, RecheckSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    names = sorted({target.platform for target in request.targets})
    profiles = {name: load_profile(name) for name in names}
    if request.base_url:
        profiles = {name: profile.with_base_url(request.base_url) for name, profile in profiles.items()}
    settings = get_project_settings().copy()
    # A sweep's pipelines, with the re-check's record in the store's place.
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    pipelines[RECHECK_PIPELINE] = pipelines.pop(STORE_PIPELINE)
    settings.setdict(
        {
            "ITEM_PIPELINES": pipelines,
            "EXTENSIONS": {name: None for name in settings.getdict("EXTENSIONS") if "run_record" in name},
            "TRADEWATCH_DATABASE_URL": request.database_url,
            "TRADEWATCH_LEAD_THRESHOLD": request.lead_threshold,
            "ROBOTSTXT_OBEY": all(profile.politeness.obey_robots for profile in profiles.values()),
            "DOWNLOAD_DELAY": max((profile.politeness.download_delay for profile in profiles.values()), default=0),
            "HTTPERROR_ALLOWED_CODES": list(REMOVED_STATUSES),
        }
    )
    if any(profile.render.mode == "js" for profile in profiles.values()):
        from crawler.browser import playwright_settings

        private = [host for profile in profiles.values() for host in profile.allow_private_hosts]
        settings.setdict(playwright_settings(private))
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RecheckSpider)
    targets = [target.model_dump() for target in request.targets]
    process.crawl(crawler, targets=targets, profiles=profiles)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    return {
        name.removeprefix(STATS_PREFIX): int(value) for name, value in stats.items() if name.startswith(STATS_PREFIX)
    }


def run_rechecks(
    *,
    limit: int = 200,
    min_age: timedelta = timedelta(0),
    base_url: str | None = None,
    now: datetime | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """The re-check job: pick the listings, crawl them in a child process, return the counts by outcome."""
    from core.logging_setup import run_log_path
    from leads.db import get_engine

    settings = get_settings()
    with Session(get_engine()) as session:
        targets = select_targets(session, limit=limit, min_age=min_age, now=now)
    if not targets:
        return {"checked": 0}
    log_file = run_log_path("recheck")
    request = RecheckRequest(
        targets=[RecheckTarget(**dict(target, url=rebase_url(target["url"], base_url))) for target in targets],
        base_url=base_url,
        database_url=settings.resolved_database_url,
        lead_threshold=settings.lead_threshold,
        log_file=log_file,
    )
    try:
        counts = run_child("runners.recheck", request, what=WHAT, log_file=log_file, timeout=timeout)
    except ChildTimedOut:
        return {"failed": True, "error": f"re-check timed out after {timeout} s", "log": str(log_file)}
    return {"checked": sum(counts.values()), **counts, "log": str(log_file)}


if __name__ == "__main__":
    leave(child_main("recheck", RecheckRequest, crawl_here))

"""Running sweeps: each crawl in a child process of its own, because Twisted's reactor cannot restart.

`run_sweep()` is what the CLI and the scheduler call; the child runs `python -m crawler.sweep REQUEST_JSON`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, field_validator

from core.config import get_settings
from core.errors import TradewatchError
from crawler.profiles import Profile, load_profile, load_profile_file
from crawler.sweep_params import SweepParams

if TYPE_CHECKING:
    from scrapy.settings import Settings

RESULT_PREFIX = "TRADEWATCH-SWEEP-RESULT "
FAILURE_PREFIX = "TRADEWATCH-SWEEP-FAILURE "  # an infrastructure failure of the child: its kind and parameters


class SweepRequest(BaseModel):
    """One sweep of one or more platforms with the same keywords."""

    platforms: list[str] = Field(default_factory=list, description="Names of installed profiles.")
    profile_files: list[Path] = Field(default_factory=list, description="Profiles given as files.")
    params: SweepParams
    base_url: str | None = Field(default=None, description="Point the profiles at another host.")
    log_file: Path | None = None
    distributed: bool | None = Field(
        default=None, description="Share the sweep through Redis (default: when TRADEWATCH_REDIS_URL is set)."
    )
    local_workers: int = Field(default=1, ge=0, description="Distributed sweeps: workers to start on this machine.")

    @field_validator("platforms")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def load_profiles(self) -> list[Profile]:
        """Every profile, validated, before any request is sent."""
        profiles = [load_profile(name) for name in self.platforms]
        profiles += [load_profile_file(path) for path in self.profile_files]
        if not profiles:
            raise TradewatchError("没有指定平台 / no platform given (use --platform or --profile)")
        if self.base_url:
            profiles = [profile.with_base_url(self.base_url) for profile in profiles]
        return profiles


class SweepResult(BaseModel):
    run_ids: list[int]
    log_file: Path
    sweep_id: str | None = None


def crawl_settings(profile: Profile, log_file: Path | None) -> dict[str, object]:
    """Per-platform Scrapy settings layered over crawler/settings.py."""
    settings = get_settings()
    values: dict[str, object] = {
        "ROBOTSTXT_OBEY": profile.politeness.obey_robots,
        "DOWNLOAD_DELAY": profile.politeness.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": profile.politeness.concurrency_per_domain,
        "TRADEWATCH_DATABASE_URL": settings.resolved_database_url,
        "TRADEWATCH_LEAD_THRESHOLD": settings.lead_threshold,
    }
    if profile.render.mode == "js":
        from crawler.browser import MAX_PAGES, playwright_settings

        values.update(playwright_settings(profile.allow_private_hosts))
        # The browser is the bottleneck: never queue more downloads than it has pages.
        values["CONCURRENT_REQUESTS"] = MAX_PAGES
        values["CONCURRENT_REQUESTS_PER_DOMAIN"] = min(profile.politeness.concurrency_per_domain, MAX_PAGES)
    if log_file:
        values.update({"LOG_FILE": str(log_file), "LOG_FILE_APPEND": True})
    return values


def start_store_writers(base: Settings, crawls: int) -> None:
    """Start the store writer of each platform crawl now, before Scrapy builds the crawls, where the writer
    backend has something to start (a writer process), so that its start-up overlaps Scrapy's instead of the
    first pages (the caller stops unused ones with `leads.writer.stop_unused_writers`)."""
    from leads.writer import store_writer

    settings = get_settings()
    backend = store_writer(base["TRADEWATCH_STORE_WRITER"])
    for _ in range(crawls):
        backend.start_early(settings.resolved_database_url, settings.resolved_home)


def crawl_here(request: SweepRequest) -> list[int]:
    """Run the sweep in this process (the child). Returns the crawl run ids."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from leads.writer import stop_unused_writers
    from spiders.listing import ListingSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    profiles = request.load_profiles()
    base = get_project_settings()
    start_store_writers(base, len(profiles))
    process_settings = base.copy()
    process_settings.setdict(crawl_settings(profiles[0], request.log_file))
    # Logging goes through loguru (core.logging_setup), set up by the child before the crawl starts.
    process_settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    process = CrawlerProcess(process_settings)
    crawlers: list[Crawler] = []
    for profile in profiles:
        settings = base.copy()
        settings.setdict(crawl_settings(profile, request.log_file))
        crawler = Crawler(ListingSpider, settings, init_reactor=not crawlers)
        crawlers.append(crawler)
        process.crawl(
            crawler,
            platform=profile,
            keywords=request.params.keywords,
            campaign=request.params.campaign,
            max_pages=request.params.max_pages,
            since=request.params.since,
        )
    try:
        process.start()
    finally:
        stop_unused_writers()
    return [int(crawler.stats.get_value("tradewatch/run_id")) for crawler in crawlers if crawler.stats]


def default_log_file() -> Path:
    logs = get_settings().resolved_home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"sweep-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"


def run_sweep(request: SweepRequest, *, timeout: float | None = None) -> SweepResult:
    """Validate the request here, then crawl in a child process and return its run ids."""
    from leads.db import get_engine

    request.load_profiles()  # refuse bad profiles before any process or request starts
    get_engine(get_settings().resolved_database_url)  # and a store that cannot be opened
    if request.log_file is None:
        request = request.model_copy(update={"log_file": default_log_file()})
    assert request.log_file is not None
    redis_url = get_settings().redis_url
    if request.distributed or (request.distributed is None and redis_url):
        if not redis_url:
            raise TradewatchError("分布式抓取需要 Redis / a distributed sweep needs TRADEWATCH_REDIS_URL")
        from crawler.distributed import run_distributed_sweep

        run_ids, sweep_id = run_distributed_sweep(
            request, redis_url=redis_url, local_workers=request.local_workers, timeout=timeout
        )
        return SweepResult(run_ids=run_ids, log_file=request.log_file, sweep_id=sweep_id)
    command = [sys.executable, "-m", "crawler.sweep", request.model_dump_json()]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise TradewatchError(f"抓取超时 / sweep timed out after {timeout} s; log: {request.log_file}") from error
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return SweepResult(run_ids=json.loads(line[len(RESULT_PREFIX) :]), log_file=request.log_file)
        if line.startswith(FAILURE_PREFIX):
            raise child_failure(json.loads(line[len(FAILURE_PREFIX) :]))
    last_error = (completed.stderr.strip().splitlines() or ["no output"])[-1]
    raise TradewatchError(
        f"抓取进程失败 / sweep process failed (exit {completed.returncode}): {last_error}; log: {request.log_file}"
    )


def child_failure(report: dict[str, Any]) -> TradewatchError:
    """The infrastructure error a child process reported (`FAILURE_PREFIX`), to be raised in the parent."""
    from core import errors

    kind = getattr(errors, str(report.get("kind")), None)
    if isinstance(kind, type) and issubclass(kind, errors.InfrastructureError):
        return kind(**report.get("params", {}))
    return TradewatchError(str(report))


def _child_main(argv: list[str]) -> int:
    from loguru import logger

    from core.failures import infrastructure_error
    from core.logging_setup import setup_logging

    request = SweepRequest.model_validate_json(argv[1])
    setup_logging("sweep", path=request.log_file)
    try:
        run_ids = crawl_here(request)
    except Exception as error:
        known = infrastructure_error(error)
        if known is None and not isinstance(error, TradewatchError):
            raise
        logger.opt(exception=error).error("sweep failed: {}", error)
        if known is None:
            sys.stderr.write(f"{error}\n")
            return 2
        sys.stdout.write(FAILURE_PREFIX + json.dumps({"kind": type(known).__name__, "params": known.params}) + "\n")
        return known.exit_code
    sys.stdout.write(RESULT_PREFIX + json.dumps(run_ids) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv))

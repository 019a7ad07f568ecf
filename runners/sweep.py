"""Running sweeps: each crawl in a child process of its own (`runners.child`).

`run_sweep()` is what the CLI and the scheduler call: it validates the request here, then runs
`python -m runners.sweep_child REQUEST_FILE`, whose answer is the crawl run ids; or, with Redis, a distributed sweep
(`runners.distributed.coordinator`). The `tradewatch sweep` command, a process that exits after its one sweep,
crawls in itself (`here=True`). A sweep that fails once started (its child crashed, timed out or was killed) is
recorded there, whoever started it: its unfinished runs failed, a failed run for each platform it never reached.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config import get_settings
from core.errors import TradewatchError, first_line
from runners.child import record_stopped_by_force, run_child, work_here
from runners.crawl_settings import (
    crawler_process,
    import_http_handler,
    platform_settings,
    start_store_writers,
    warn_of_model_rules,
)
from runners.sweep_request import SweepRequest, SweepResult, new_sweep_id

if TYPE_CHECKING:
    from crawler.profiles import Profile
    from spiders.sweep_params import SweepParams

WHAT = ("抓取", "sweep")

log = logging.getLogger(__name__)


class SweepDidNotStart(TradewatchError):
    """A platform's crawl failed as its spider opened, before its run was recorded (a component that could not
    start, and said so otherwise than with CloseSpider): one line naming the platforms and the error; the
    traceback is in the sweep's log."""

    msgid = "the sweep of {platforms} failed as it started, before its run was recorded: {error}; log: {log}"

    def __init__(self, *, platforms: str, error: str, log: str) -> None:
        self.params = {"platforms": platforms, "error": error, "log": log}
        super().__init__(self.msgid.format(**self.params))


def crawl_here(request: SweepRequest) -> list[int]:
    """Run the sweep in this process (the child). Returns the crawl run ids. The cycle collector is off while
    the crawls are built, until the first spider opens (`crawler.gc_tuning`)."""
    from crawler.gc_tuning import pause_collector, resume_collector

    warn_of_model_rules()
    paused = pause_collector()
    try:
        return _crawl_here(request)
    finally:
        resume_collector(paused)


def _crawl_here(request: SweepRequest) -> list[int]:
    import_http_handler()
    from scrapy.crawler import Crawler
    from scrapy.utils.project import get_project_settings

    from leads.writer import stop_unused_writers
    from pipelines.images.download import ImageBudget, image_pool
    from spiders.listing import ListingSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    profiles = request.load_profiles()
    renders_js = any(profile.render.mode == "js" for profile in profiles)
    if renders_js:
        from crawler.browser_driver import start_driver_early, stop_unused_driver
    base = get_project_settings()
    budget = ImageBudget(get_settings().sweep_image_budget)  # one for the sweep, whatever its platforms
    with_photos = [profile for profile in profiles if profile.shows_photos] if budget.left else []
    # One OCR pool for the sweep. A sweep that reads the text of its photos forks the workers now, while the
    # process runs one thread and before Scrapy builds the crawls, and they load the recogniser (importing numpy,
    # ONNX Runtime, OpenCV and RapidOCR) as the sweep requests its first photo, while it downloads: a sweep that
    # meets no photo pays a fork, not the recogniser. One that only hashes its photos starts them when it
    # requests its first photo, and one whose platforms show none never does.
    reads_text = request.params.ocr and any(profile.ocr for profile in with_photos)
    pool = image_pool(warm=reads_text)
    try:
        start_store_writers(base, profiles)  # first: a writer forks only while this process has one thread
        if renders_js:  # Playwright's driver starts while the crawls are built, not once their engine starts
            start_driver_early(base["TWISTED_REACTOR"], base["ASYNCIO_EVENT_LOOP"])
        if reads_text:
            pool.start(fork=True, load=False)  # after the writer, also forked, and before any thread or the reactor
        process = crawler_process(base, profiles, request.log_file)
        crawlers: list[Crawler] = []
        failures: dict[str, BaseException] = {}  # by platform: the crawls that failed, with their error
        for profile in profiles:
            settings = platform_settings(base, profile, request.log_file)
            settings.set("TRADEWATCH_SWEEP_ID", request.sweep_id)  # on the crawl's run (crawler.run_record)
            settings.set("TRADEWATCH_IMAGE_BUDGET", budget)
            settings.set("TRADEWATCH_IMAGE_POOL", pool)
            crawler = Crawler(ListingSpider, settings, init_reactor=not crawlers)
            crawlers.append(crawler)
            keywords, known = sweep_memory(profile, request.params)
            crawl = process.crawl(
                crawler,
                platform=profile,
                keywords=keywords,
                campaign=request.params.campaign,
                max_pages=request.params.max_pages,
                since=request.params.since,
                ocr=request.params.ocr,
                feeds=request.params.feeds,
                all_feeds=request.params.all_feeds,
                budget=request.params.budget,
                known=known,
            )
            crawl.addErrback(_crawl_failed, profile.name, failures)
        process.start()
        if process.forced:  # a second stop signal: the spiders were not closed, their runs not finished
            record_stopped_by_force(os.getpid())
    finally:
        stop_unused_writers()
        pool.close()
        if renders_js:
            stop_unused_driver()
    run_ids = {
        profile.name: crawler.stats.get_value("tradewatch/run_id") if crawler.stats else None
        for profile, crawler in zip(profiles, crawlers, strict=True)
    }
    not_started = [platform for platform, run_id in run_ids.items() if run_id is None]
    if not_started:
        _not_started(not_started, failures, stopped=process.stop_signal is not None, log_file=request.log_file)
    return [int(run_id) for run_id in run_ids.values() if run_id is not None]


def _crawl_failed(failure: Any, platform: str, failures: dict[str, BaseException]) -> None:
    """A crawl that failed (its spider's opening, before or after its run was recorded): its traceback to the log,
    its error kept for `_not_started`."""
    from loguru import logger

    failures[platform] = failure.value
    logger.error("the crawl of {} failed:\n{}", platform, failure.getTraceback())


def _not_started(
    platforms: list[str], failures: dict[str, BaseException], *, stopped: bool, log_file: Path | None
) -> None:
    """Raise for the crawls of `platforms`, which recorded no run: the error of one that failed as it opened, as
    it is when the store, the disk or a setting failed it (`core.failures`) or as SweepDidNotStart; or
    KeyboardInterrupt for a sweep stopped before they opened."""
    from core.failures import infrastructure_error

    failed = [failures[platform] for platform in platforms if platform in failures]
    if not failed and stopped:
        raise KeyboardInterrupt
    if failed and (isinstance(failed[0], TradewatchError) or infrastructure_error(failed[0]) is not None):
        raise failed[0]
    # Without an error, the run's record failed as the spider opened (a handler's error, logged by Scrapy).
    error = first_line(f"{type(failed[0]).__name__}: {failed[0]}") if failed else "未记录运行 / no run was recorded"
    raise SweepDidNotStart(platforms=", ".join(platforms), error=error, log=str(log_file))


def sweep_memory(profile: Profile, params: SweepParams) -> tuple[list[str], dict[str, tuple[str | None, str | None]]]:
    """What the store knows for this platform's sweep: its keywords (with the variants its search needs)
    ordered by past yield, and the listings stored already when a newest-first feed is swept."""
    from sqlmodel import Session

    from leads.db import get_engine
    from leads.sweep_memory import by_yield, stored_listings, term_yields
    from spiders.search_variants import with_variants

    keywords = with_variants(profile, params)
    feeds = profile.feeds if params.all_feeds else [profile.feed(name) for name in params.feeds]
    with Session(get_engine()) as session:
        ordered = by_yield(keywords, term_yields(session, profile.name)) if keywords else []
        known = stored_listings(session, profile.name) if any(feed.newest_first for feed in feeds) else {}
    return ordered, known


def default_log_file() -> Path:
    logs = get_settings().resolved_home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"sweep-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"


def run_sweep(request: SweepRequest, *, timeout: float | None = None, here: bool = False) -> SweepResult:
    """Validate the request here, then crawl in a child process and return its run ids.

    `here`: a local sweep crawls in this process instead, for a caller that runs nothing else in it before or
    after (Twisted's reactor starts once per process); no timeout applies then. What it builds from here on (the
    profiles, the store's models, the watchlists' check, the crawl) lives as long as the process: the cycle
    collector is off from here, as in `crawl_here`, until the first spider opens (`crawler.gc_tuning`).
    """
    redis_url = get_settings().redis_url
    distributed = request.distributed or (request.distributed is None and bool(redis_url))
    if not here or distributed:
        return _run_sweep(request, timeout, here=here, distributed=distributed, redis_url=redis_url)
    from crawler.gc_tuning import pause_collector, resume_collector

    paused = pause_collector()
    try:
        return _run_sweep(request, timeout, here=here, distributed=distributed, redis_url=redis_url)
    finally:
        resume_collector(paused)


def _run_sweep(
    request: SweepRequest, timeout: float | None, *, here: bool, distributed: bool, redis_url: str | None
) -> SweepResult:
    from leads.db import get_engine
    from leads.models import utcnow
    from pipelines.scoring import Scorer

    profiles = request.load_profiles()  # refuse bad profiles before any process or request starts
    Scorer.check()  # and broken watchlists (the crawl loads its scorer only once its first requests are out)
    get_engine(get_settings().resolved_database_url)  # and a store that cannot be opened
    if request.log_file is None:
        request = request.model_copy(update={"log_file": default_log_file()})
    if request.sweep_id is None:  # made here, before the child starts: the sweep's runs are found by it
        request = request.model_copy(update={"sweep_id": new_sweep_id()})
    if distributed:
        if not redis_url:
            raise TradewatchError("分布式抓取需要 Redis / a distributed sweep needs TRADEWATCH_REDIS_URL")
        if request.params.sweeps_feeds or request.params.budget:
            # Workers share keyword searches only: a feed's incremental stop and a per-platform budget need one crawl.
            raise TradewatchError(
                "订阅源和请求预算只能在本机抓取 / feeds and request budgets are swept on one machine: use --local"
            )
    started = utcnow()  # the sweep starts: refused before here, it records no run; failed from here, it does
    try:
        return _sweep(request, timeout, here=here, distributed=distributed, redis_url=redis_url)
    except Exception as error:  # not KeyboardInterrupt: an interrupted sweep's runs are recorded interrupted
        _record_failed(request, [profile.name for profile in profiles], started, error)
        raise


def _sweep(
    request: SweepRequest, timeout: float | None, *, here: bool, distributed: bool, redis_url: str | None
) -> SweepResult:
    assert request.log_file is not None
    if distributed:
        assert redis_url is not None
        from runners.distributed.coordinator import run_distributed_sweep

        run_ids, sweep_id = run_distributed_sweep(
            request, redis_url=redis_url, local_workers=request.local_workers, timeout=timeout
        )
        return SweepResult(run_ids=run_ids, log_file=request.log_file, sweep_id=sweep_id)
    if here:
        run_ids = work_here("sweep", request, crawl_here, what=WHAT)
    else:
        run_ids = run_child("runners.sweep_child", request, what=WHAT, log_file=request.log_file, timeout=timeout)
    return SweepResult(run_ids=run_ids, log_file=request.log_file)


def _record_failed(request: SweepRequest, platforms: list[str], started: datetime, error: BaseException) -> None:
    """Record the sweep that failed once started (`leads.runs.record_failed_sweep`), whoever started it: the
    runs it left unfinished failed, with the line that says why, and a failed run for each platform it recorded
    none for. Runs that ended stay as they are: those its crawls finished, and those a distributed coordinator
    finished itself (failed as it seeded, or judged at its timeout). The ids of the sweep's runs go on the error
    (`failed_runs`). Never raises: the failure is what the caller reports; runs the store cannot take now are
    marked interrupted once their process is found gone."""
    from leads.runs import record_failed_sweep

    assert request.sweep_id is not None
    try:
        run_ids = record_failed_sweep(
            platforms=platforms,
            keywords=list(request.params.keywords),
            campaign=request.params.campaign,
            sweep_id=request.sweep_id,
            started=started,
            error=first_line(error),  # what the runs' records keep; the whole text is in the sweep's log
        )
    except Exception as failure:  # the store lost as well
        log.warning("the runs of failed sweep %s could not be recorded: %s", request.sweep_id, first_line(failure))
        run_ids = []
    error.sweep_run_ids = run_ids  # type: ignore[attr-defined]


def failed_runs(error: BaseException) -> list[int]:
    """The ids of the runs of a sweep that failed, as `run_sweep` recorded them (none for a sweep that failed
    before it started: a bad profile, a broken watchlist)."""
    return list(getattr(error, "sweep_run_ids", []))

"""Distributed sweeps: a worker crawls a sweep from the shared queue until the sweep is done.

Each sweep is worked on in a child process (`python -m runners.distributed.worker REQUEST_FILE`, through
`runners.child`), whose answer says whether there was anything to do; `work_on_open_sweeps` is the loop of
`tradewatch worker`, joining one open sweep after another.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from scrapy import Spider
from scrapy.settings import Settings

from core.config import get_settings
from core.errors import TradewatchError
from crawler.distributed.keys import connect, heartbeat_key, new_worker_id, sweep_key
from crawler.distributed.sweeps import load_spec, open_sweeps, register_worker, sweep_state
from runners.child import ChildCrawl, child_main
from runners.process_exit import leave

log = logging.getLogger(__name__)


def worker_settings(
    base: Settings, *, redis_url: str, sweep_id: str, platform: str, platforms: list[str], worker_id: str,
    run_id: int | None, download_delay: float, lease_seconds: float,
) -> dict[str, Any]:  # fmt: skip
    """Scrapy settings that make a crawl a worker of a distributed sweep, layered over the platform's (`base`),
    whose components they extend."""
    middlewares = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.distributed.components.LeaseGuardMiddleware"] = 530  # before a slot is reserved
    middlewares["crawler.distributed.components.SharedRateLimitMiddleware"] = 540
    spider_middlewares = dict(base.getdict("SPIDER_MIDDLEWARES"))
    spider_middlewares["crawler.distributed.components.LeaseTagMiddleware"] = 900
    pipelines = dict(base.getdict("ITEM_PIPELINES"))
    pipelines["crawler.distributed.components.LeaseGuardPipeline"] = 290  # just before the store (300)
    extensions = dict(base.getdict("EXTENSIONS"))
    extensions["crawler.run_record.RunRecorder"] = None
    extensions["crawler.distributed.components.SweepWorkerExtension"] = 100
    return {
        "SCHEDULER": "crawler.distributed.scheduler.ReliableScheduler",
        "TRADEWATCH_REDIS_URL": redis_url,
        "TRADEWATCH_SWEEP_ID": sweep_id,
        "TRADEWATCH_SWEEP_PLATFORM": platform,
        "TRADEWATCH_SWEEP_PLATFORMS": platforms,
        "TRADEWATCH_WORKER_ID": worker_id,
        "TRADEWATCH_RUN_ID": run_id or 0,
        "TRADEWATCH_LEASE_SECONDS": lease_seconds,
        "TRADEWATCH_SHARED_DOWNLOAD_DELAY": download_delay,
        "DOWNLOAD_DELAY": 0,  # the shared limiter spaces requests across workers instead
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "SPIDER_MIDDLEWARES": spider_middlewares,
        "ITEM_PIPELINES": pipelines,
        # a worker away past its lease may still have in its store's batch the listings of a page another worker
        # took over: the store records each listing of the run once (a unique key decides which worker's)
        "TRADEWATCH_STORE_ONCE_PER_RUN": True,
        "EXTENSIONS": extensions,
    }


def crawl_sweep(
    redis_url: str, sweep_id: str, *, lease_seconds: float | None = None, worker_id: str | None = None
) -> bool:
    """Work on the sweep in this process until it is done (as `worker_id`, when its starter named it). Returns
    False when there was nothing to do."""
    from runners.crawl_settings import (
        crawler_process,
        import_http_handler,
        platform_settings,
        start_store_writers,
        warn_of_model_rules,
    )

    import_http_handler()
    from scrapy.utils.project import get_project_settings

    from leads.writer import stop_unused_writers

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    server = connect(redis_url)
    spec = load_spec(server, sweep_id)
    if spec is None or sweep_state(server, sweep_id) != "open":
        return False
    warn_of_model_rules()
    profiles = spec.load_profiles()
    worker_id = worker_id or new_worker_id()
    lease = lease_seconds or get_settings().lease_seconds
    if not register_worker(server, sweep_id, worker_id, lease):  # finished or dropped meanwhile
        return False
    base = get_project_settings()
    start_store_writers(base, profiles)
    process = crawler_process(base, profiles, None)
    from scrapy.crawler import Crawler as ScrapyCrawler

    from spiders.listing import ListingSpider

    first = True
    for profile in profiles:
        settings = platform_settings(base, profile, None)
        settings.setdict(
            worker_settings(
                settings, redis_url=redis_url, sweep_id=sweep_id, platform=profile.name, platforms=spec.platforms,
                worker_id=worker_id, run_id=spec.run_ids.get(profile.name),
                download_delay=profile.politeness.download_delay, lease_seconds=lease,
            ),
            # above the process's own settings, which Scrapy merges into each crawler at equal priority
            priority="cmdline",
        )  # fmt: skip
        crawler = ScrapyCrawler(queued_spider_class(ListingSpider), settings, init_reactor=first)
        first = False
        process.crawl(crawler, platform=profile, **spec.params)
    try:
        process.start()
    finally:
        stop_unused_writers()
    # Off the sweep first, then the heartbeat: a reap between the two would take this worker for a lost one.
    server.srem(sweep_key(sweep_id, "workers"), worker_id)
    server.delete(heartbeat_key(worker_id))
    return True


@functools.cache
def queued_spider_class(spider_cls: type[Spider]) -> type[Spider]:
    """The spider class with no start requests of its own: a worker takes them from the shared queue, where
    the coordinator seeded them."""

    async def start(self: Spider) -> Any:
        return
        yield  # an async generator that yields nothing

    return type(spider_cls.__name__, (spider_cls,), {"start": start, "__module__": spider_cls.__module__})


# The child's own name in messages that add 进程 (process) after it: 分布式抓取工作进程失败, not 工作进程进程
WHAT = ("分布式抓取工作", "sweep worker")


class WorkerRequest(BaseModel):
    """What a worker process is asked to do: work on one sweep, logging to `log_file`, as `worker_id` when its
    starter names it (a coordinator, to tell whether its own workers joined)."""

    sweep_id: str
    log_file: Path | None = None
    worker_id: str | None = None


def start_worker(sweep_id: str, log_file: Path | None = None, *, worker_id: str | None = None) -> ChildCrawl:
    """A worker of the sweep in a child process of its own; its result is whether the sweep was open."""
    request = WorkerRequest(sweep_id=sweep_id, log_file=log_file, worker_id=worker_id)
    return ChildCrawl("runners.distributed.worker", request, what=WHAT)


def work_on_sweep(sweep_id: str, log_file: Path | None = None) -> bool:
    """Work on the sweep in a child process until it is done. False when it is unknown or done already."""
    return bool(start_worker(sweep_id, log_file).result()["worked"])


def work_on_open_sweeps(
    redis_url: str, *, exit_when_idle: bool, poll: float, joining: Callable[[str], None], log_file: Path | None = None
) -> int:
    """Join every open sweep, one after another (each once), waiting `poll` seconds between looks when none is
    open; `joining` is told of each. With `exit_when_idle`, return the number worked on when none is open."""
    server = connect(redis_url)
    worked: set[str] = set()
    while True:
        pending = [sweep_id for sweep_id in open_sweeps(server) if sweep_id not in worked]
        if not pending:
            if exit_when_idle:
                return len(worked)
            time.sleep(poll)
            continue
        sweep_id = pending[0]
        joining(sweep_id)
        try:
            work_on_sweep(sweep_id, log_file)
        except TradewatchError as error:  # one failed sweep does not stop the worker
            log.error("worker on sweep %s failed: %s", sweep_id, error)
        worked.add(sweep_id)


def _work(request: WorkerRequest) -> dict[str, bool]:
    """The child: crawl the sweep here."""
    redis_url = get_settings().redis_url
    if not redis_url:
        raise TradewatchError("工作进程需要 Redis / a worker needs TRADEWATCH_REDIS_URL")
    return {"worked": crawl_sweep(redis_url, request.sweep_id, worker_id=request.worker_id)}


if __name__ == "__main__":
    leave(child_main("worker", WorkerRequest, _work))

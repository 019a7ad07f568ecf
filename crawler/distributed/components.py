"""Distributed sweeps: the Scrapy components a worker's settings name (its extension and the shared rate limit)."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from crawler.distributed.keys import (
    HEARTBEAT_SECONDS,
    KEEP_SECONDS,
    PENALISE_SCRIPT,
    PREFIX,
    RESERVE_SCRIPT,
    connect,
    sweep_key,
)
from crawler.distributed.scheduler import ReliableScheduler
from crawler.distributed.sweeps import is_done, leave_platform, reap, register_worker, sweep_state

log = logging.getLogger(__name__)


class SweepWorkerExtension:
    """Keeps the worker's heartbeat, requeues dead workers' requests, and keeps the spider open until the
    whole sweep is done (not just this worker's share)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.sweep_id = settings["TRADEWATCH_SWEEP_ID"]
        self.platforms = settings.getlist("TRADEWATCH_SWEEP_PLATFORMS")
        self.platform = settings["TRADEWATCH_SWEEP_PLATFORM"]
        self.lease_seconds = settings.getfloat("TRADEWATCH_LEASE_SECONDS")
        self.server = connect(settings["TRADEWATCH_REDIS_URL"])
        self.loop: Any = None
        self._last_reap = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SweepWorkerExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def scheduler(self) -> ReliableScheduler | None:
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None) if engine is not None else None
        return scheduler if isinstance(scheduler, ReliableScheduler) else None

    @property
    def worker_id(self) -> str:
        return str(self.crawler.settings["TRADEWATCH_WORKER_ID"])

    def spider_opened(self, spider: Spider) -> None:
        from twisted.internet import task

        run_id = self.crawler.settings.getint("TRADEWATCH_RUN_ID", 0)
        if run_id and self.crawler.stats is not None:
            self.crawler.stats.set_value("tradewatch/run_id", run_id)
            self.crawler.stats.set_value("tradewatch/sweep_id", self.sweep_id)
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(HEARTBEAT_SECONDS / 4, now=True)

    def beat(self) -> None:
        now = time.monotonic()
        try:
            # Re-joining with every beat: a worker that missed its lease (a stalled machine) was taken off the
            # sweep by a reap, and the sweep must see what it pops from now on.
            register_worker(self.server, self.sweep_id, self.worker_id, self.lease_seconds)
            if now - self._last_reap > HEARTBEAT_SECONDS:
                self._last_reap = now
                reap(self.server, self.sweep_id, self.platforms)
        except Exception as error:  # a Redis hiccup must not stop the loop; the lease TTL covers short ones
            log.warning("heartbeat failed: %s", error)
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.poke()

    def spider_idle(self, spider: Spider) -> None:
        if sweep_state(self.server, self.sweep_id) == "done" or is_done(self.server, self.sweep_id, self.platforms):
            return
        raise DontCloseSpider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.flush_stats()
        leave_platform(self.server, self.sweep_id, self.platform, self.worker_id, reason)
        self.server.rpush(sweep_key(self.sweep_id, "finish_reasons"), reason)
        self.server.expire(sweep_key(self.sweep_id, "finish_reasons"), KEEP_SECONDS)


class SharedRateLimitMiddleware:
    """Spaces the requests to each domain by the profile's `download_delay` across every worker of every
    machine (GCRA on Redis's clock), waiting without blocking the reactor. A 429 or 503 with `Retry-After`
    holds the domain back for all workers. Stats: `tradewatch/politeness/waited_ms`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.interval_ms = int(crawler.settings.getfloat("TRADEWATCH_SHARED_DOWNLOAD_DELAY", 0.0) * 1000)
        self.server = connect(crawler.settings["TRADEWATCH_REDIS_URL"])
        self._reserve = self.server.register_script(RESERVE_SCRIPT)
        self._penalise = self.server.register_script(PENALISE_SCRIPT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRateLimitMiddleware:
        return cls(crawler)

    @staticmethod
    def rate_key(request: Request) -> str:
        return f"{PREFIX}:rate:{urlsplit(request.url).hostname or '-'}"

    async def process_request(self, request: Request) -> None:
        if self.interval_ms <= 0:
            return
        wait_ms = int(self._reserve(keys=[self.rate_key(request)], args=[self.interval_ms]))
        if wait_ms > 0:
            from scrapy.utils.asyncio import sleep

            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("tradewatch/politeness/waited_ms", wait_ms)
            await sleep(wait_ms / 1000)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            from crawler.middlewares.retry import retry_after_seconds

            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait:
                self._penalise(keys=[self.rate_key(request)], args=[int(min(wait, 60) * 1000)])
        return response

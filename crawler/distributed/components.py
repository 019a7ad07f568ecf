"""Distributed sweeps: the Scrapy components a worker's settings name (its extension and the shared rate limit)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DropItem, IgnoreRequest
from scrapy.http import Response

from crawler.closing import close_crawl
from crawler.distributed.keys import (
    HEARTBEAT_SECONDS,
    HUNG_AFTER_SECONDS,
    KEEP_SECONDS,
    LEASE_ID,
    PENALISE_SCRIPT,
    PREFIX,
    RESERVE_SCRIPT,
    connect,
    sweep_key,
)
from crawler.distributed.scheduler import ReliableScheduler
from crawler.distributed.sweeps import is_done, is_open, leave_platform, reap, register_worker, sweep_state
from crawler.items import ListingItem

log = logging.getLogger(__name__)

SWEEP_GONE = "sweep_gone"  # finish reason of a worker's crawl whose sweep was finished or dropped while it was away
LEASE_LOST_STAT = "tradewatch/sweep/lease_lost"  # pages a worker had in hand after others took them over


class Heartbeat:
    """Keeps a worker's lease from a daemon thread of its own, on a Redis connection of its own, so that a
    reactor blocked for longer than the lease (a slow parse, a long callback) does not get the live worker
    taken for lost and its requests fetched twice.

    It beats only while the crawl lives: the process (a killed worker's thread dies with it, and its lease runs
    out as before), the thread that runs the reactor, the reactor itself, and the reactor's turning, which the
    reactor reports with `turned()`: a reactor that has not turned for `hung_after` seconds is taken for hung
    and left to lose its lease, so that its requests go to other workers; if it turns again, the beats resume
    and the worker joins the sweep again. `stop()` ends the beats for good.

    A sweep that is no longer open when a beat comes (finished, or its keys dropped by its coordinator, while
    this worker was away: a network pause, a stalled machine) is not joined again: the beats end and `gone` is
    set, for the crawl to stop."""

    def __init__(
        self,
        redis_url: str,
        sweep_id: str,
        worker_id: str,
        lease_seconds: float,
        *,
        reactor_running: Callable[[], bool],
        hung_after: float = HUNG_AFTER_SECONDS,
        every: float = HEARTBEAT_SECONDS / 4,
    ) -> None:
        self.server = connect(redis_url)
        self.sweep_id = sweep_id
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self.reactor_running = reactor_running
        self.hung_after = hung_after
        self.every = every
        self.reactor_thread = threading.current_thread()
        self._turned = time.monotonic()
        self._stopped = threading.Event()
        self.gone = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {worker_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def turned(self) -> None:
        """Called on each turn of the reactor's loop: the crawl still moves."""
        self._turned = time.monotonic()

    def alive(self) -> bool:
        return (
            not self._stopped.is_set()
            and self.reactor_thread.is_alive()
            and self.reactor_running()
            and time.monotonic() - self._turned < self.hung_after
        )

    def stop(self) -> None:
        """No beat after this returns (unless one is stuck on Redis for longer than the wait)."""
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopped.is_set():
            if not self.reactor_thread.is_alive():
                return
            if self.alive():
                try:
                    # Re-joining with every beat: a worker that missed its lease (a stalled machine, a hung
                    # reactor) was taken off the sweep by a reap, and the sweep must see what it pops from now on.
                    if not register_worker(self.server, self.sweep_id, self.worker_id, self.lease_seconds):
                        self.gone.set()
                        return
                except Exception as error:  # a Redis hiccup must not stop the beats; the lease covers short ones
                    log.warning("heartbeat failed: %s", error)
            self._stopped.wait(self.every)


class SweepWorkerExtension:
    """Keeps the worker's heartbeat (`Heartbeat`), requeues dead workers' requests, and keeps the spider open
    until the whole sweep is done (not just this worker's share)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.sweep_id = settings["TRADEWATCH_SWEEP_ID"]
        self.platforms = settings.getlist("TRADEWATCH_SWEEP_PLATFORMS")
        self.platform = settings["TRADEWATCH_SWEEP_PLATFORM"]
        self.lease_seconds = settings.getfloat("TRADEWATCH_LEASE_SECONDS")
        self.redis_url = settings["TRADEWATCH_REDIS_URL"]
        self.server = connect(self.redis_url)
        self.loop: Any = None
        self.heartbeat: Heartbeat | None = None
        self._last_reap = 0.0
        self.gone = False  # the sweep was finished or dropped while this worker was away: it writes nothing more
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SweepWorkerExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.stop_beating, signal=signals.engine_stopped)
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
        from twisted.internet import reactor, task

        run_id = self.crawler.settings.getint("TRADEWATCH_RUN_ID", 0)
        if run_id and self.crawler.stats is not None:
            self.crawler.stats.set_value("tradewatch/run_id", run_id)
            self.crawler.stats.set_value("tradewatch/sweep_id", self.sweep_id)
        self.heartbeat = Heartbeat(
            self.redis_url,
            self.sweep_id,
            self.worker_id,
            self.lease_seconds,
            reactor_running=lambda: bool(getattr(reactor, "running", False)),
        )
        self.heartbeat.start()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(HEARTBEAT_SECONDS / 4, now=True)

    def tick(self) -> None:
        """A turn of the reactor: tell the heartbeat the crawl moves, reap dead workers now and then, and have
        the engine look at the shared queue."""
        if self.heartbeat is not None:
            self.heartbeat.turned()
            if self.heartbeat.gone.is_set():
                self.leave_gone_sweep()
                return
        now = time.monotonic()
        if now - self._last_reap > HEARTBEAT_SECONDS:
            self._last_reap = now
            try:
                reap(self.server, self.sweep_id, self.platforms)
            except Exception as error:  # a Redis hiccup must not stop the loop; the next turn reaps
                log.warning("reaping lost workers failed: %s", error)
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.poke()

    def stop_beating(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def spider_idle(self, spider: Spider) -> None:
        if not self.gone and not is_open(self.server, self.sweep_id):
            self.leave_gone_sweep()
        if self.gone:  # it closes as `SWEEP_GONE`, not as finished
            raise DontCloseSpider
        if sweep_state(self.server, self.sweep_id) == "done" or is_done(self.server, self.sweep_id, self.platforms):
            return
        raise DontCloseSpider

    def leave_gone_sweep(self) -> None:
        """The sweep was finished, or dropped by its coordinator, while this worker was away (a network pause or
        a stalled machine past its lease): what it held went back to the queue for other workers, or was dropped
        with it. Stop, writing nothing more to the sweep (`ReliableScheduler.gone`); the pages still in hand are
        neither parsed nor stored (`LeaseGuardMiddleware`), so nothing is recorded twice."""
        if self.gone:
            return
        self.gone = True
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.gone = True
        log.warning(
            "sweep %s was finished or dropped while worker %s was away: it stops, and leaves what it held to the "
            "workers that took it over",
            self.sweep_id,
            self.worker_id,
        )
        self._closing = close_crawl(self.crawler, SWEEP_GONE)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.stop_beating()
        if self.gone:  # the sweep's keys are gone: writing to them would only bring them back
            return
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.flush_stats()
        leave_platform(self.server, self.sweep_id, self.platform, self.worker_id, reason)
        self.server.rpush(sweep_key(self.sweep_id, "finish_reasons"), reason)
        self.server.expire(sweep_key(self.sweep_id, "finish_reasons"), KEEP_SECONDS)


class LeaseLost(IgnoreRequest):
    """A request taken from the shared queue that this worker no longer holds: it was away past its lease, and
    another worker reads the page (or the sweep dropped it)."""


class _LeaseGuard:
    """Whether this worker still holds the lease of a request it took from the shared queue."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server = connect(settings["TRADEWATCH_REDIS_URL"])
        self.processing_key = sweep_key(
            settings["TRADEWATCH_SWEEP_ID"],
            settings["TRADEWATCH_SWEEP_PLATFORM"],
            "processing",
            settings["TRADEWATCH_WORKER_ID"],
        )

    def lost(self, lease: str | None) -> bool:
        """The lease was taken from this worker (counted); never for what holds no lease (robots.txt)."""
        if lease is None or self.server.hexists(self.processing_key, lease):
            return False
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(LEASE_LOST_STAT)
        return True


class LeaseGuardMiddleware(_LeaseGuard):
    """Lets a request taken from the shared queue be fetched, and its page be parsed, only while this worker still
    holds its lease (one look at Redis each way). A worker that was away past its lease (a network pause, a stalled
    machine) had what it held requeued for the other workers, or dropped with its sweep: the pages it still had in
    hand are neither fetched again nor parsed (`LeaseLost`, counted as `tradewatch/sweep/lease_lost`). Its page's
    listings carry the lease on to `LeaseGuardPipeline` (`item.extra[LEASE_ID]`, set by `LeaseTagMiddleware`)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if self.lost(request.meta.get(LEASE_ID)):
            raise LeaseLost(f"{request.url}: no longer held by this worker")

    def process_response(self, request: Request, response: Response) -> Response:
        self.process_request(request)
        return response


class LeaseTagMiddleware:
    """Spider middleware: each listing read from a page taken from the shared queue carries that page's lease
    (`item.extra[LEASE_ID]`), for `LeaseGuardPipeline` to look at just before the listing is stored."""

    @staticmethod
    def _tag(response: Response, out: Any) -> Any:
        lease = response.meta.get(LEASE_ID) if response.request is not None else None
        if lease is not None and isinstance(out, ListingItem):
            out.extra[LEASE_ID] = lease
        return out

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Any) -> Iterator[Any]:
        for out in result:
            yield self._tag(response, out)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any
    ) -> AsyncIterator[Any]:
        async for out in result:
            yield self._tag(response, out)


class LeaseGuardPipeline(_LeaseGuard):
    """Item pipeline, just before the store: a listing whose page's lease this worker lost while the listing went
    through the pipelines (its photos, its scoring) is dropped, not stored: the worker that took the page over
    stores it. A lease lost while the listing waits in the store's batch (`TRADEWATCH_STORE_MAX_WAIT_MS` at most)
    is the store's to settle: the run records each listing once, whichever worker commits first."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseGuardPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingItem) and self.lost(item.extra.get(LEASE_ID)):
            raise DropItem(f"{item.url}: its page is no longer held by this worker")
        return item


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

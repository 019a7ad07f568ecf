"""Distributed sweeps: the scrapy-redis scheduler on the reliable queue, acknowledging requests when done."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.distributed.keys import LEASE_ID, STATS_SCRIPT, SWEEPS_KEY, connect, new_worker_id, sweep_key
from crawler.distributed.queue import ReliableQueue
from crawler.distributed.sweeps import register_worker
from crawler.run_health import TEXT_STATS

if TYPE_CHECKING:
    from redis import Redis


class ReliableScheduler(RedisScheduler):
    """scrapy-redis's scheduler on a `ReliableQueue`, acknowledging requests when Scrapy is done with them.

    "Done" is when the engine takes the request off its in-progress set, which it does after the downloader
    output was handled: the response's callback output consumed, its items through every item pipeline, its
    requests scheduled; or the failure's errback run. Scrapy has no signal for that moment, so `open()` wraps
    the engine slot's `remove_request` (the one Scrapy internal this module relies on; checked at open).
    Stats deltas go to Redis with each acknowledgement, in the same transaction.
    """

    def __init__(self, server: Redis, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(server, persist=True, **kwargs)
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.sweep_id: str = settings["TRADEWATCH_SWEEP_ID"]
        self.platform: str = settings["TRADEWATCH_SWEEP_PLATFORM"]
        self.worker_id: str = settings.get("TRADEWATCH_WORKER_ID") or new_worker_id()
        self.lease_seconds = settings.getfloat("TRADEWATCH_LEASE_SECONDS")
        self.base_key = sweep_key(self.sweep_id, self.platform)
        self._reported: dict[str, float] = {}
        self._reported_texts: dict[str, str] = {}
        self._pending_cache: tuple[float, bool] = (0.0, False)
        self._add_stats = server.register_script(STATS_SCRIPT)
        # The sweep was finished or dropped while this worker was away (set by its extension, or when it cannot
        # join): nothing more is written to it, which would only bring its keys back.
        self.gone = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReliableScheduler:
        server = connect(crawler.settings["TRADEWATCH_REDIS_URL"])
        dupefilter = RFPDupeFilter(
            server,
            key=sweep_key(
                crawler.settings["TRADEWATCH_SWEEP_ID"], crawler.settings["TRADEWATCH_SWEEP_PLATFORM"], "dupefilter"
            ),
        )
        return cls(server, crawler, dupefilter=dupefilter)

    # -- lifecycle ----------------------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = ReliableQueue(self.server, spider, self.base_key, self.worker_id)
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is None or not callable(getattr(slot, "remove_request", None)):
            raise RuntimeError("this Scrapy version's engine has no request slot to acknowledge requests from")
        finished = slot.remove_request

        def remove_request(request: Request) -> None:
            finished(request)
            lease = request.meta.get(LEASE_ID)
            if lease is not None:
                self.acknowledge(lease)

        slot.remove_request = remove_request
        self._slot = slot
        self.gone = not register_worker(self.server, self.sweep_id, self.worker_id, self.lease_seconds)

    def close(self, reason: str) -> None:
        self.flush_stats()

    def poke(self) -> None:
        """Ask the engine to look at the queue now (it otherwise polls every few seconds when idle)."""
        slot = getattr(self, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    # -- requests -----------------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        # The dupe filter's fingerprint and the push go to Redis in one script: recorded apart, a worker killed
        # between them would leave the request seen by every worker and queued by none. Nothing is pushed into a
        # sweep no longer open, nor for a request this worker no longer holds (it was away past its lease).
        if self.gone:
            return False
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        lease = request.meta.get(LEASE_ID)
        if lease is None:
            pushed = self.queue.push_unseen(request, fingerprint, self.df.key, sweep_id=self.sweep_id)
        else:  # a successor of a popped request (redirect, retry): queue it and acknowledge the original in one step
            pipe = self.server.pipeline(transaction=True)
            self.queue.push_unseen(request, fingerprint, self.df.key, pipe=pipe, sweep_id=self.sweep_id, lease=lease)
            self._stats_into(pipe)
            pushed = int(pipe.execute()[0])
        if pushed <= 0:
            if pushed == 0:
                self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        now = time.monotonic()
        checked, pending = self._pending_cache
        if now - checked > 0.05:
            pending = len(self.queue) > 0
            self._pending_cache = (now, pending)
        return pending

    def acknowledge(self, lease: str) -> None:
        if self.gone:
            return
        pipe = self.server.pipeline(transaction=True)
        self.queue.ack(lease, pipe=pipe)
        self._stats_into(pipe)
        pipe.execute()

    # -- stats --------------------------------------------------------------------------------------------

    def _stats_into(self, pipe: Any) -> None:
        """Add what the stats gained since the last report to the platform's run in Redis, in `pipe` (nothing is
        written once the sweep is no longer open: its keys would only come back)."""
        if self.stats is None:
            return
        args: list[Any] = [self.sweep_id]
        for name, value in self.stats.get_stats().items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if name.startswith(("tradewatch/coverage/", "tradewatch/run_id", "elapsed_time")) or "memusage" in name:
                continue
            delta = value - self._reported.get(name, 0)
            if delta:
                args.extend(("i", name, int(delta)) if isinstance(value, int) else ("f", name, delta))
                self._reported[name] = value
        for name in TEXT_STATS:  # what went wrong, in words: the last worker to say it is kept
            text = self.stats.get_value(name)
            if isinstance(text, str) and text != self._reported_texts.get(name):
                args.extend(("t", name, text))
                self._reported_texts[name] = text
        if len(args) > 1:
            keys = [SWEEPS_KEY, f"{self.base_key}:stats", f"{self.base_key}:texts"]
            self._add_stats(keys=keys, args=args, client=pipe)

    def flush_stats(self) -> None:
        if self.gone:
            return
        pipe = self.server.pipeline(transaction=True)
        self._stats_into(pipe)
        pipe.execute()

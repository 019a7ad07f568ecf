"""Distributed sweeps: one shared crawl frontier on Redis (scrapy-redis), any number of crawl machines.

Everything that knows about Redis and scrapy-redis lives in this module, so the frontier can be swapped.

How a sweep runs with `TRADEWATCH_REDIS_URL` set:

1. The coordinator (`tradewatch sweep`) records one crawl run per platform, writes the sweep's spec (profiles,
   keywords, run ids) to Redis and *seeds* it: the search requests of every keyword go into the sweep's
   request queue, their fingerprints into its dupe filter. It then works on the sweep itself (unless told not
   to) and waits until the sweep is done.
2. `tradewatch worker` processes on any machine join open sweeps. Their Scrapy engines take requests from
   the shared queue (`ReliableScheduler`, a scrapy-redis scheduler) and put the requests their callbacks
   make back into it; the scrapy-redis dupe filter makes sure a page is asked for once across all workers.
3. The queue is reliable. Popping a request moves it, in one Lua script, from the queue to the worker's
   *processing* hash. The request is acknowledged (removed from that hash) only after Scrapy has finished
   with it: its response went through the callback, every item it yielded went through the item pipelines
   (so its listings and leads are stored), and the requests it made are in the queue; or it failed for good.
   A redirect or retry puts its successor in the queue and acknowledges the original in one transaction.
   Each worker keeps a heartbeat key with a TTL (`TRADEWATCH_LEASE_SECONDS`); any worker (and the
   coordinator) moves the processing hash of a worker whose heartbeat has expired back to the queue, so
   the requests of a worker killed mid-sweep are taken up by the others. Requeued requests skip the dupe
   filter.
4. The sweep is *done* when its queue is empty and no worker holds a request (read in one MULTI). Idle
   workers keep their spider open (`spider_idle` + `DontCloseSpider`) until then, and close.
5. Politeness is shared: the profile's `download_delay` is enforced per domain across all workers by a GCRA
   reservation in Redis (`SharedRateLimitMiddleware`), on Redis's clock; a 429 or 503 pushes the domain's
   next slot back for every worker. Each worker's own `DOWNLOAD_DELAY` is 0 in distributed sweeps.
6. Each worker adds its stats to the platform's run in Redis (a hash of counters, updated with every
   acknowledgement and at close); when the sweep is done, the coordinator judges the run on the summed
   stats and finishes it in the lead store. One run per platform, whatever the number of workers.

Requests are stored as JSON (never pickle: whoever can write to the Redis server must not be able to run
code on the workers), with bytes, header maps and Playwright page methods tagged.

Key layout (prefix `tradewatch:sweep:<id>`): `:spec`, `:state` (open|done), `:workers` (set), `:seeded`;
per platform `:<platform>:requests` (sorted set), `:<platform>:seq`, `:<platform>:dupefilter` (set),
`:<platform>:processing:<worker>` (hash), `:<platform>:stats` (hash). `tradewatch:worker:<id>` is a heartbeat,
`tradewatch:rate:<domain>` a domain's next free slot (ms on Redis's clock), `tradewatch:sweeps` the open sweeps.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
import secrets
import socket
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy_redis.connection import get_redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler

if TYPE_CHECKING:
    from redis import Redis

    from crawler.profiles import Profile
    from crawler.sweep import SweepRequest

log = logging.getLogger(__name__)

PREFIX = "tradewatch"
SWEEPS_KEY = f"{PREFIX}:sweeps"
LEASE_ID = "tradewatch_lease"  # request.meta key of the popped request's lease
DEFAULT_LEASE_SECONDS = 15.0
HEARTBEAT_SECONDS = 1.0
KEEP_SECONDS = 7 * 86_400  # spec and state of a finished sweep are kept this long
REQUEUED_SCORE = -1e15  # requeued requests go to the front of the queue
_SEQ_SPAN = 1e12

# ---------------------------------------------------------------------------------------------- Redis


def connect(url: str) -> Redis:
    """A Redis client for `url` (bytes in, bytes out), checked with a PING."""
    server = get_redis(url=url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)
    server.ping()
    return server


def sweep_key(sweep_id: str, *parts: str) -> str:
    return ":".join((PREFIX, "sweep", sweep_id, *parts))


def heartbeat_key(worker_id: str) -> str:
    return f"{PREFIX}:worker:{worker_id}"


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


# Pop the first request of the queue into the worker's processing hash; refuse when the worker is not alive.
_POP = """
if redis.call('EXISTS', KEYS[3]) == 0 then return false end
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
local member = found[1]
if not member then return false end
redis.call('ZREM', KEYS[1], member)
local lease = string.match(member, '^([^|]+)|')
redis.call('HSET', KEYS[2], lease, member)
return member
"""

# Push a request with a sequence number (its lease id); newer requests of the same priority go first.
_PUSH = """
local seq = redis.call('INCR', KEYS[2])
local member = string.format('%012d', seq) .. '|' .. ARGV[2]
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) * 1e12 - seq, member)
return seq
"""

# Move every request a dead worker held back to the queue (skipped while its heartbeat lives).
_REAP = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local held = redis.call('HVALS', KEYS[1])
for _, member in ipairs(held) do redis.call('ZADD', KEYS[2], ARGV[1], member) end
redis.call('DEL', KEYS[1])
return #held
"""

# GCRA reservation: the caller may send at (returned ms from now); the domain's next slot moves by interval.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.floor(tat + interval - now) + 60000)
return tat - now
"""

# Push the domain's next slot to at least now + ARGV[1] ms (the site asked us to wait).
_PENALISE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < until_ then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 60000) end
return until_ - now
"""


# ------------------------------------------------------------------------------------------ serialiser


class JsonRequestSerializer:
    """`Request.to_dict()` as JSON: bytes, maps with bytes keys and Playwright page methods are tagged.

    Meta values that are neither are dropped with a warning (they are per-process objects, such as an open
    browser page, that a request must not carry to another machine).
    """

    @classmethod
    def _encode(cls, value: Any, path: str = "") -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, bytes):
            return {"$b": base64.b64encode(value).decode("ascii")}
        if isinstance(value, list | tuple):
            return [cls._encode(item, path) for item in value]
        if isinstance(value, dict):
            if all(isinstance(key, str) for key in value):
                out = {}
                for key, item in value.items():
                    encoded = cls._encode(item, f"{path}.{key}")
                    if encoded is not _DROP:
                        out[key] = encoded
                return {"$d": out} if any(key.startswith("$") for key in out) else out
            return {"$map": [[cls._encode(key, path), cls._encode(item, path)] for key, item in value.items()]}
        if isinstance(value, datetime):
            return {"$dt": value.isoformat()}
        if type(value).__name__ == "PageMethod":
            return {"$pm": [value.method, cls._encode(list(value.args)), cls._encode(value.kwargs)]}
        log.warning("not sending %s (%s) to other workers", path or "a value", type(value).__name__)
        return _DROP

    @classmethod
    def _decode(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [cls._decode(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (tag, inner), *_ = value.items()
            if tag == "$b":
                return base64.b64decode(inner)
            if tag == "$map":
                return {cls._decode(key): cls._decode(item) for key, item in inner}
            if tag == "$dt":
                return datetime.fromisoformat(inner)
            if tag == "$d":
                return {key: cls._decode(item) for key, item in inner.items()}
            if tag == "$pm":
                from scrapy_playwright.page import PageMethod

                method, args, kwargs = inner
                return PageMethod(method, *cls._decode(args), **cls._decode(kwargs))
        return {key: cls._decode(item) for key, item in value.items()}

    @classmethod
    def dumps(cls, obj: dict[str, Any]) -> str:
        return json.dumps(cls._encode(obj), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, data: bytes | str) -> dict[str, Any]:
        return cls._decode(json.loads(data))


_DROP = object()


# ----------------------------------------------------------------------------------------------- queue


class ReliableQueue(RedisQueueBase):
    """A scrapy-redis queue whose pop hands the request to one worker until that worker acknowledges it.

    Members of the sorted set are `<lease id>|<request JSON>`; popping moves the member to the worker's
    processing hash (field: lease id) and puts the lease id in `request.meta[LEASE_ID]`.
    """

    def __init__(self, server: Redis, spider: Spider, key: str, worker_id: str) -> None:
        super().__init__(server, spider, key, serializer=JsonRequestSerializer)
        self.worker_id = worker_id
        self.seq_key = f"{self.key}:seq"
        self._pop = server.register_script(_POP)
        self._push = server.register_script(_PUSH)

    @property
    def queue_key(self) -> str:
        return f"{self.key}:requests"

    def processing_key(self, worker_id: str | None = None) -> str:
        return f"{self.key}:processing:{worker_id or self.worker_id}"

    def encode(self, request: Request) -> str:
        meta = {name: value for name, value in request.meta.items() if name != LEASE_ID}
        return self._encode_request(request.replace(meta=meta))

    def __len__(self) -> int:
        return int(self.server.zcard(self.queue_key))

    def push(self, request: Request) -> None:
        self.push_many([request])

    def push_many(self, requests: Iterable[Request], *, pipe: Any = None) -> None:
        target = pipe if pipe is not None else self.server.pipeline(transaction=False)
        for request in requests:
            self._push(
                keys=[self.queue_key, self.seq_key], args=[-request.priority, self.encode(request)], client=target
            )
        if pipe is None:
            target.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        member = self._pop(keys=[self.queue_key, self.processing_key(), heartbeat_key(self.worker_id)])
        if not member:
            return None
        text = member.decode() if isinstance(member, bytes) else member
        lease, _, data = text.partition("|")
        request = self._decode_request(data)
        request.meta[LEASE_ID] = lease
        return request

    def ack(self, lease: str, *, pipe: Any = None) -> None:
        (pipe if pipe is not None else self.server).hdel(self.processing_key(), lease)

    def in_flight(self) -> int:
        return int(self.server.hlen(self.processing_key()))

    def clear(self) -> None:
        self.server.delete(self.queue_key, self.seq_key)


# ------------------------------------------------------------------------------------------- scheduler


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
        self.lease_seconds = settings.getfloat("TRADEWATCH_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
        self.base_key = sweep_key(self.sweep_id, self.platform)
        self._reported: dict[str, float] = {}
        self._pending_cache: tuple[float, bool] = (0.0, False)

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
        register_worker(self.server, self.sweep_id, self.worker_id, self.lease_seconds)

    def close(self, reason: str) -> None:
        self.flush_stats()

    def poke(self) -> None:
        """Ask the engine to look at the queue now (it otherwise polls every few seconds when idle)."""
        slot = getattr(self, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    # -- requests -----------------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.get(LEASE_ID)
        if lease is None:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
            if self.stats:
                self.stats.inc_value("scheduler/enqueued/redis")
            return True
        # A successor of a popped request (redirect, retry): queue it and acknowledge the original at once.
        fresh = not request.dont_filter and self.df.request_seen(request)
        pipe = self.server.pipeline(transaction=True)
        if not fresh:
            self.queue.push_many([request], pipe=pipe)
        self.queue.ack(lease, pipe=pipe)
        self._stats_into(pipe)
        pipe.execute()
        if fresh:
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
        pipe = self.server.pipeline(transaction=True)
        self.queue.ack(lease, pipe=pipe)
        self._stats_into(pipe)
        pipe.execute()

    # -- stats --------------------------------------------------------------------------------------------

    def _stats_into(self, pipe: Any) -> None:
        if self.stats is None:
            return
        key = f"{self.base_key}:stats"
        for name, value in self.stats.get_stats().items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if name.startswith(("tradewatch/coverage/", "tradewatch/run_id", "elapsed_time")) or "memusage" in name:
                continue
            delta = value - self._reported.get(name, 0)
            if delta:
                if isinstance(value, int):
                    pipe.hincrby(key, name, int(delta))
                else:
                    pipe.hincrbyfloat(key, name, delta)
                self._reported[name] = value

    def flush_stats(self) -> None:
        pipe = self.server.pipeline(transaction=True)
        self._stats_into(pipe)
        pipe.execute()


# --------------------------------------------------------------------------------- workers and sweeps


def register_worker(server: Redis, sweep_id: str, worker_id: str, lease_seconds: float) -> None:
    pipe = server.pipeline(transaction=True)
    pipe.set(heartbeat_key(worker_id), str(time.time()), px=int(lease_seconds * 1000))
    pipe.sadd(sweep_key(sweep_id, "workers"), worker_id)
    pipe.execute()


def reap(server: Redis, sweep_id: str, platforms: Iterable[str]) -> int:
    """Requeue what workers whose heartbeat expired were holding; returns how many requests went back."""
    script = server.register_script(_REAP)
    moved = 0
    platforms = list(platforms)
    for raw in server.smembers(sweep_key(sweep_id, "workers")):
        worker_id = raw.decode() if isinstance(raw, bytes) else raw
        alive = False
        for platform in platforms:
            base = sweep_key(sweep_id, platform)
            keys = [f"{base}:processing:{worker_id}", f"{base}:requests", heartbeat_key(worker_id)]
            result = int(script(keys=keys, args=[REQUEUED_SCORE]))
            if result < 0:
                alive = True
                break
            if result:
                log.warning(
                    "worker %s is gone: %d request(s) of %s went back to the queue", worker_id, result, platform
                )
            moved += result
        if not alive:
            server.srem(sweep_key(sweep_id, "workers"), worker_id)
    return moved


def is_done(server: Redis, sweep_id: str, platforms: Iterable[str]) -> bool:
    """Seeded, nothing queued and nothing held by any worker: read in one transaction."""
    platforms = list(platforms)
    workers = [w.decode() if isinstance(w, bytes) else w for w in server.smembers(sweep_key(sweep_id, "workers"))]
    pipe = server.pipeline(transaction=True)
    pipe.exists(sweep_key(sweep_id, "seeded"))
    pipe.smembers(sweep_key(sweep_id, "workers"))
    for platform in platforms:
        base = sweep_key(sweep_id, platform)
        pipe.zcard(f"{base}:requests")
        for worker_id in workers:
            pipe.hlen(f"{base}:processing:{worker_id}")
    seeded, members, *counts = pipe.execute()
    known = {w.decode() if isinstance(w, bytes) else w for w in members}
    if not known <= set(workers):  # a worker joined while we looked: look again later
        return False
    return bool(seeded) and not any(counts)


class SweepSpec(BaseModel):
    """What every worker needs to crawl a sweep: the profiles themselves (other machines may not have the
    files), the parameters, and the crawl run of each platform."""

    sweep_id: str
    profiles: list[dict[str, Any]]
    params: dict[str, Any]
    run_ids: dict[str, int] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def load_profiles(self) -> list[Profile]:
        from crawler.profiles import Profile

        return [Profile.model_validate(data) for data in self.profiles]

    @property
    def platforms(self) -> list[str]:
        return [str(data["name"]) for data in self.profiles]


def new_sweep_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def load_spec(server: Redis, sweep_id: str) -> SweepSpec | None:
    raw = server.get(sweep_key(sweep_id, "spec"))
    return SweepSpec.model_validate_json(raw) if raw else None


def sweep_state(server: Redis, sweep_id: str) -> str | None:
    raw = server.get(sweep_key(sweep_id, "state"))
    return raw.decode() if isinstance(raw, bytes) else raw


def open_sweeps(server: Redis) -> list[str]:
    """Open sweeps, oldest first."""
    members: list[Any] = list(server.zrange(SWEEPS_KEY, 0, -1))
    return [raw.decode() if isinstance(raw, bytes) else str(raw) for raw in members]


def _spider_for(profile: Profile, params: dict[str, Any]) -> Spider:
    from spiders.listing import ListingSpider

    return ListingSpider(platform=profile, **params)


def seed(server: Redis, spec: SweepSpec) -> int:
    """Write the spec and put every start request of every platform in the queue. Returns how many."""
    import asyncio

    pipe = server.pipeline(transaction=True)
    pipe.set(sweep_key(spec.sweep_id, "spec"), spec.model_dump_json())
    pipe.set(sweep_key(spec.sweep_id, "state"), "open")
    total = 0
    for profile in spec.load_profiles():
        spider = _spider_for(profile, spec.params)

        async def starts(current: Spider = spider) -> list[Request]:
            return [request async for request in current.start()]

        requests = asyncio.run(starts())
        base = sweep_key(spec.sweep_id, profile.name)
        queue = ReliableQueue(server, spider, base, worker_id="coordinator")
        dupefilter = RFPDupeFilter(server, key=f"{base}:dupefilter")
        fresh = [request for request in requests if not dupefilter.request_seen(request)]
        queue.push_many(fresh, pipe=pipe)
        total += len(fresh)
    pipe.set(sweep_key(spec.sweep_id, "seeded"), "1")
    pipe.zadd(SWEEPS_KEY, {spec.sweep_id: time.time()})
    pipe.execute()
    return total


def sweep_stats(server: Redis, sweep_id: str, platform: str) -> dict[str, int | float]:
    raw = server.hgetall(sweep_key(sweep_id, platform, "stats"))
    out: dict[str, int | float] = {}
    for key, value in raw.items():
        name = key.decode() if isinstance(key, bytes) else key
        text = value.decode() if isinstance(value, bytes) else value
        out[name] = int(text) if text.lstrip("-").isdigit() else float(text)
    return out


def close_sweep(server: Redis, spec: SweepSpec) -> None:
    """Mark the sweep done and drop its queues, dupe filters and counters; spec and state are kept a while."""
    pipe = server.pipeline(transaction=True)
    pipe.set(sweep_key(spec.sweep_id, "state"), "done", ex=KEEP_SECONDS)
    pipe.expire(sweep_key(spec.sweep_id, "spec"), KEEP_SECONDS)
    pipe.zrem(SWEEPS_KEY, spec.sweep_id)
    for platform in spec.platforms:
        base = sweep_key(spec.sweep_id, platform)
        pipe.delete(f"{base}:requests", f"{base}:seq", f"{base}:dupefilter", f"{base}:stats")
    pipe.delete(sweep_key(spec.sweep_id, "seeded"), sweep_key(spec.sweep_id, "workers"))
    pipe.execute()


# ------------------------------------------------------------------------------------- Scrapy components


class SweepWorkerExtension:
    """Keeps the worker's heartbeat, requeues dead workers' requests, and keeps the spider open until the
    whole sweep is done (not just this worker's share)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.sweep_id = settings["TRADEWATCH_SWEEP_ID"]
        self.platforms = settings.getlist("TRADEWATCH_SWEEP_PLATFORMS")
        self.lease_seconds = settings.getfloat("TRADEWATCH_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
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
            self.server.set(heartbeat_key(self.worker_id), str(time.time()), px=int(self.lease_seconds * 1000))
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
        self._reserve = self.server.register_script(_RESERVE)
        self._penalise = self.server.register_script(_PENALISE)

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


def worker_settings(
    *, redis_url: str, sweep_id: str, platform: str, platforms: list[str], worker_id: str, run_id: int | None,
    download_delay: float, lease_seconds: float,
) -> dict[str, Any]:  # fmt: skip
    """Scrapy settings that make a crawl a worker of a distributed sweep (layered over the per-platform ones)."""
    from scrapy.utils.project import get_project_settings

    base = get_project_settings()
    middlewares = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.distributed.SharedRateLimitMiddleware"] = 540
    extensions = dict(base.getdict("EXTENSIONS"))
    extensions["crawler.run_record.RunRecorder"] = None
    extensions["crawler.distributed.SweepWorkerExtension"] = 100
    return {
        "SCHEDULER": "crawler.distributed.ReliableScheduler",
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
        "EXTENSIONS": extensions,
    }


def crawl_sweep(redis_url: str, sweep_id: str, *, lease_seconds: float | None = None) -> bool:
    """Work on the sweep in this process until it is done. Returns False when there was nothing to do."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.sweep import crawl_settings, start_store_writers
    from leads.writer import stop_unused_writers

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    server = connect(redis_url)
    spec = load_spec(server, sweep_id)
    if spec is None or sweep_state(server, sweep_id) != "open":
        return False
    profiles = spec.load_profiles()
    worker_id = new_worker_id()
    lease = lease_seconds or float(os.environ.get("TRADEWATCH_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    register_worker(server, sweep_id, worker_id, lease)
    base = get_project_settings()
    start_store_writers(base, len(profiles))
    process_settings = base.copy()
    process_settings.setdict(crawl_settings(profiles[0], None))
    process_settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    process = CrawlerProcess(process_settings)
    from scrapy.crawler import Crawler as ScrapyCrawler

    from spiders.listing import ListingSpider

    first = True
    for profile in profiles:
        settings = base.copy()
        settings.setdict(crawl_settings(profile, None))
        settings.setdict(
            worker_settings(
                redis_url=redis_url, sweep_id=sweep_id, platform=profile.name, platforms=spec.platforms,
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
    server.delete(heartbeat_key(worker_id))
    server.srem(sweep_key(sweep_id, "workers"), worker_id)
    return True


@functools.cache
def queued_spider_class(spider_cls: type[Spider]) -> type[Spider]:
    """The spider class with no start requests of its own: a worker takes them from the shared queue, where
    the coordinator seeded them."""

    async def start(self: Spider) -> Any:
        return
        yield  # an async generator that yields nothing

    return type(spider_cls.__name__, (spider_cls,), {"start": start, "__module__": spider_cls.__module__})


# ------------------------------------------------------------------------------------- the coordinator


def start_sweep(server: Redis, request: SweepRequest, *, database_url: str | None = None) -> SweepSpec:
    """Record one crawl run per platform, write the spec and seed the queue. Returns the spec."""
    from sqlmodel import Session

    from leads.db import get_engine
    from leads.runs import start_run

    profiles = request.load_profiles()
    params = request.params.model_dump(mode="json", include={"keywords", "campaign", "max_pages", "since"})
    run_ids: dict[str, int] = {}
    with Session(get_engine(database_url)) as session:
        for profile in profiles:
            run_ids[profile.name] = start_run(
                session, platform=profile.name, keywords=request.params.keywords, campaign=request.params.campaign
            )
        session.commit()
    spec = SweepSpec(
        sweep_id=new_sweep_id(),
        profiles=[profile.model_dump(mode="json") for profile in profiles],
        params=params,
        run_ids=run_ids,
    )
    seed(server, spec)
    return spec


def wait_until_done(
    server: Redis, spec: SweepSpec, *, timeout: float | None = None, poll: float = 0.5, drop_queued: bool = False
) -> bool:
    """Wait until the sweep is done and every worker has left it (requeueing for dead workers meanwhile).
    With `drop_queued`, whatever is queued is dropped at every look, so only the pages workers hold finish."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        reap(server, spec.sweep_id, spec.platforms)
        if drop_queued:
            server.delete(*(f"{sweep_key(spec.sweep_id, platform)}:requests" for platform in spec.platforms))
        if is_done(server, spec.sweep_id, spec.platforms):
            server.set(sweep_key(spec.sweep_id, "state"), "done", ex=KEEP_SECONDS)
            # Idle workers now close; wait (briefly) for their final stats.
            settle = time.monotonic() + 30
            while server.scard(sweep_key(spec.sweep_id, "workers")) and time.monotonic() < settle:
                reap(server, spec.sweep_id, spec.platforms)
                time.sleep(0.2)
            return True
        time.sleep(poll)
    return False


def finish_sweep(server: Redis, spec: SweepSpec, *, database_url: str | None = None, reason: str | None = None) -> bool:
    """Judge each platform's run on the summed stats of every worker and finish it in the lead store.

    Only one caller finishes a sweep (a claim on Redis): its coordinator, or whoever took it over after the
    coordinator was lost. Returns False when someone else had finished it already."""
    from sqlmodel import Session

    from crawler.run_health import assess, counts
    from leads.db import get_engine
    from leads.runs import finish_run

    claim = sweep_key(spec.sweep_id, "finisher")
    if not server.set(claim, f"{socket.gethostname()}:{os.getpid()}", nx=True, ex=KEEP_SECONDS):
        return False
    finished = [
        r.decode() if isinstance(r, bytes) else r
        for r in server.lrange(sweep_key(spec.sweep_id, "finish_reasons"), 0, -1)
    ]
    reasons = set(finished)
    if reason is None:
        reason = next(iter(reasons - {"finished"}), "finished")
    profiles = {profile.name: profile for profile in spec.load_profiles()}
    with Session(get_engine(database_url)) as session:
        for platform, run_id in spec.run_ids.items():
            stats: dict[str, Any] = dict(sweep_stats(server, spec.sweep_id, platform))
            profile = profiles[platform]
            health = assess(stats, reason, min_coverage=profile.health.min_coverage, fields=profile.health.fields)
            stats.update(
                {
                    "tradewatch/outcome": health.outcome,
                    "tradewatch/health/reasons": health.reasons,
                    "tradewatch/sweep_id": spec.sweep_id,
                    "tradewatch/workers": len(finished),
                    **{f"tradewatch/coverage/{name}": share for name, share in health.coverage.items()},
                }
            )
            finish_run(session, run_id, finish_reason=reason, outcome=health.outcome, counts=counts(stats), stats=stats)
        session.commit()
    server.delete(sweep_key(spec.sweep_id, "finish_reasons"))
    close_sweep(server, spec)
    return True


ABANDONED = "abandoned"


def take_over_sweep(
    server: Redis, sweep_id: str, *, abandon: bool = False, timeout: float | None = None,
    database_url: str | None = None,
) -> SweepSpec:  # fmt: skip
    """Finish an open sweep whose coordinator is gone (its machine died, or its `tradewatch sweep` was killed),
    as the coordinator would have: wait until the workers have worked off its queue, then judge and finish its
    runs. With `abandon`, drop what is still queued now instead: the workers finish the pages they hold and
    leave, and the runs are finished as `abandoned` on what was crawled. Raises TradewatchError for a sweep
    that is unknown or not open, or still not done after `timeout` seconds (it then stays open)."""
    from core.errors import TradewatchError

    spec = load_spec(server, sweep_id)
    if spec is None or sweep_state(server, sweep_id) != "open":
        raise TradewatchError(f"没有进行中的分布式抓取 {sweep_id} / no open sweep {sweep_id}")
    if abandon:
        if not wait_until_done(server, spec, timeout=timeout, drop_queued=True):
            raise TradewatchError(f"抓取 {sweep_id} 的工作进程未退出 / the workers of sweep {sweep_id} did not leave")
        finish_sweep(server, spec, database_url=database_url, reason=ABANDONED)
        return spec
    if not wait_until_done(server, spec, timeout=timeout):
        raise TradewatchError(f"抓取 {sweep_id} 仍未完成 / sweep {sweep_id} is not done after {timeout} s")
    finish_sweep(server, spec, database_url=database_url)
    return spec


def worker_command(sweep_id: str) -> list[str]:
    return [sys.executable, "-m", "crawler.distributed", sweep_id]


def _child_main(argv: list[str]) -> int:
    from core.config import get_settings
    from core.logging_setup import setup_logging

    settings = get_settings()
    if not settings.redis_url:
        sys.stderr.write("TRADEWATCH_REDIS_URL is not set\n")
        return 2
    log_file = os.environ.get("TRADEWATCH_WORKER_LOG")
    path = setup_logging("worker", path=Path(log_file) if log_file else None)
    sys.stderr.write(f"log: {path}\n")
    return 0 if crawl_sweep(settings.redis_url, argv[1]) else 1


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv))


def run_distributed_sweep(
    request: SweepRequest, *, redis_url: str, local_workers: int = 1, timeout: float | None = None
) -> tuple[list[int], str]:
    """Seed the sweep, start `local_workers` workers here, wait until every worker's share is done, finish
    the runs. Returns (run ids, sweep id). Workers on other machines join with `tradewatch worker`."""
    import subprocess

    from core.errors import TradewatchError

    server = connect(redis_url)
    spec = start_sweep(server, request)
    log.info("sweep %s seeded for %s", spec.sweep_id, ", ".join(spec.platforms))
    env = dict(os.environ)
    errors: Any = subprocess.DEVNULL
    if request.log_file is not None:
        env["TRADEWATCH_WORKER_LOG"] = str(request.log_file)
        errors = open(request.log_file, "a", encoding="utf-8")  # noqa: SIM115  (closed below)
    workers = [
        subprocess.Popen(worker_command(spec.sweep_id), env=env, stdout=subprocess.DEVNULL, stderr=errors)
        for _ in range(local_workers)
    ]
    try:
        done = wait_until_done(server, spec, timeout=timeout)
    finally:
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if errors is not subprocess.DEVNULL:
            errors.close()
    if not done:
        finish_sweep(server, spec, reason="timeout")
        raise TradewatchError(f"抓取超时 / sweep {spec.sweep_id} timed out after {timeout} s")
    finish_sweep(server, spec)
    return list(spec.run_ids.values()), spec.sweep_id

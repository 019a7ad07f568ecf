"""Distributed sweeps: the coordinator seeds a sweep, waits until its workers are done, and finishes its runs."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy_redis.dupefilter import RFPDupeFilter

from core.config import get_settings
from core.errors import TradewatchError, first_line
from core.job_control import running_clock
from core.stop_signals import stop_signals
from crawler.distributed.keys import KEEP_SECONDS, SWEEPS_KEY, connect, new_worker_id, sweep_key
from crawler.distributed.queue import ReliableQueue
from crawler.distributed.sweeps import (
    SweepSpec,
    close_sweep,
    count_lost_unless_joined,
    drop_orphaned,
    drop_unread,
    given_up,
    is_done,
    left_reasons,
    load_spec,
    reap,
    sweep_state,
    sweep_stats,
    workers_lost,
)
from runners.child import ChildCrawl, close_all, sigterm_interrupts, stopping_children
from runners.distributed.worker import start_worker
from runners.sweep_request import new_sweep_id

if TYPE_CHECKING:
    from redis import Redis

    from crawler.profiles import Profile
    from runners.sweep_request import SweepRequest

log = logging.getLogger(__name__)


def _spider_for(profile: Profile, params: dict[str, Any]) -> Spider:
    from spiders.listing import ListingSpider

    return ListingSpider(platform=profile, **params)


def seed(server: Redis, spec: SweepSpec) -> int:
    """Write the spec and put every start request of every platform in the queue. Returns how many."""
    import asyncio

    # One transaction: the start requests' fingerprints, their pushes and the "seeded" mark land together or not
    # at all, so a coordinator stopped halfway leaves no request marked seen that no worker will fetch.
    pipe = server.pipeline(transaction=True)
    pipe.set(sweep_key(spec.sweep_id, "spec"), spec.model_dump_json())
    pipe.set(sweep_key(spec.sweep_id, "state"), "open")
    pushes = 0
    for profile in spec.load_profiles():
        spider = _spider_for(profile, spec.params)

        async def starts(current: Spider = spider) -> list[Request]:
            return [request async for request in current.start()]

        requests = asyncio.run(starts())
        base = sweep_key(spec.sweep_id, profile.name)
        queue = ReliableQueue(server, spider, base, worker_id="coordinator")
        dupefilter = RFPDupeFilter(server, key=f"{base}:dupefilter")
        for request in requests:
            fingerprint = "" if request.dont_filter else dupefilter.request_fingerprint(request)
            queue.push_unseen(request, fingerprint, dupefilter.key, pipe=pipe)
            pushes += 1
    pipe.set(sweep_key(spec.sweep_id, "seeded"), "1")
    pipe.zadd(SWEEPS_KEY, {spec.sweep_id: time.time()})
    results = pipe.execute()
    # The pushes' answers follow the spec and state writes; 1 where pushed, 0 where a duplicate start request.
    return sum(int(answer) for answer in results[2 : 2 + pushes])


def start_sweep(server: Redis, request: SweepRequest, *, database_url: str | None = None) -> SweepSpec:
    """Record one crawl run per platform, write the spec and seed the queue. Returns the spec. Stopped (Ctrl-C,
    SIGTERM) or failed while it seeds, it records those runs at once as interrupted or failed before it raises,
    rather than leaving them `running` until their process is found gone. The listing claims of the runs finished
    more than `run_listing_retention_days` ago go as the runs are recorded (the claims grow with every distributed
    sweep, and only these make them)."""
    from sqlmodel import Session

    from leads.db import get_engine
    from leads.models import utcnow
    from leads.runs import start_run
    from leads.store import prune_run_listings

    profiles = request.load_profiles()
    params = request.params.model_dump(mode="json", include={"keywords", "campaign", "max_pages", "since", "ocr"})
    sweep_id = request.sweep_id or new_sweep_id()  # `run_sweep` made it, for the store's runs and Redis alike
    run_ids: dict[str, int] = {}
    with Session(get_engine(database_url)) as session:
        for profile in profiles:
            run_ids[profile.name] = start_run(
                session,
                platform=profile.name,
                keywords=request.params.keywords,
                campaign=request.params.campaign,
                sweep_id=sweep_id,
            )
        retention = timedelta(days=get_settings().run_listing_retention_days)
        pruned = prune_run_listings(session, finished_before=utcnow() - retention)
        session.commit()
    if pruned:
        log.info("listing claims of runs finished over %s ago deleted: %d", retention, pruned)
    spec = SweepSpec(
        sweep_id=sweep_id,
        profiles=[profile.model_dump(mode="json") for profile in profiles],
        params=params,
        run_ids=run_ids,
    )
    try:
        seed(server, spec)
    except BaseException as error:
        with _stop_signals_held():  # a second signal must not leave them `running` halfway through
            _record_unseeded(run_ids, error, database_url=database_url)
        raise
    return spec


def _record_unseeded(run_ids: dict[str, int], error: BaseException, *, database_url: str | None) -> None:
    """Finish the runs of a sweep stopped (`interrupted`, finish reason `shutdown`) or failed while it was
    seeded: no worker read anything for them. Never raises (what stopped the seeding is what the caller
    reports); runs it cannot record are marked when their process is found gone."""
    from sqlmodel import Session

    from crawler.run_health import FAILED, SHUTDOWN
    from leads.db import get_engine
    from leads.runs import INTERRUPTED, PROCESS_FAILED, finish_run

    stopped = isinstance(error, KeyboardInterrupt)
    reason = SHUTDOWN if stopped else PROCESS_FAILED.format(error=first_line(error))[:500]
    try:
        with Session(get_engine(database_url)) as session:
            for run_id in run_ids.values():
                outcome = INTERRUPTED if stopped else FAILED
                finish_run(session, run_id, finish_reason=reason, outcome=outcome, counts={}, stats={})
            session.commit()
    except Exception as failure:  # the store lost as well
        log.warning("the runs of a sweep stopped while seeded could not be recorded: %s", first_line(failure))


# A sweep whose workers were all lost (killed: their heartbeats expired) is given up after this many leases with
# no worker in it, the time another machine's idle worker needs to join (`tradewatch worker` looks every 2 s).
LOST_AFTER_LEASES = 2


def lost_after() -> float:
    """Seconds with no worker in a sweep whose workers were lost before it is given up (`wait_until_done`)."""
    return LOST_AFTER_LEASES * get_settings().lease_seconds


class LocalWorkers:
    """The workers a coordinator starts on its own machine, each under a worker id it gives it, so that it tells
    one whose process ended before it joined the sweep (a crash on its way up: a broken install, the OOM killer)
    from one still on its way: the first is counted as lost at once (`count_unjoined`), as a worker that joined
    is when its lease runs out, and the sweep is given up as for lost workers if none takes its place."""

    def __init__(self, server: Redis, spec: SweepSpec, count: int, log_file: Path | None = None) -> None:
        self.server = server
        self.spec = spec
        self.children: dict[str, ChildCrawl] = {}
        self.ended: dict[str, str | None] = {}  # worker id -> why it ended unjoined (None: it had joined)
        for _ in range(count):
            worker_id = new_worker_id()
            self.children[worker_id] = start_worker(spec.sweep_id, log_file, worker_id=worker_id)

    def running(self) -> bool:
        """A local worker's process lives: stalled at worst, not lost."""
        return any(child.process.poll() is None for child in self.children.values())

    def count_unjoined(self) -> None:
        """Count each worker whose process ended before it joined the sweep as lost, saying why in one line and in
        the runs' stats (`WORKER_FAILED_STAT`), so a sweep no worker will read is given up, not waited for."""
        from crawler.run_health import WORKER_FAILED_STAT

        for worker_id, child in self.children.items():
            if worker_id in self.ended or child.process.poll() is None:
                continue
            if not count_lost_unless_joined(self.server, self.spec.sweep_id, worker_id):
                self.ended[worker_id] = None  # it joined: its own end, or its lease, says how it went
                continue
            try:
                child.result(timeout=0)
                why = f"exit {child.process.returncode}"
            except TradewatchError as error:
                why = first_line(error)
            self.ended[worker_id] = why
            log.error("a local worker of sweep %s ended before it joined, counted as lost: %s", self.spec.sweep_id, why)
            pipe = self.server.pipeline(transaction=True)
            for platform in self.spec.platforms:
                pipe.hset(sweep_key(self.spec.sweep_id, platform, "texts"), WORKER_FAILED_STAT, why)
            pipe.execute()

    def wait(self, timeout: float) -> None:
        """Wait for the workers not reported on yet; a failed one is a warning (the sweep's state in Redis says
        what was done, not the worker)."""
        for worker_id, child in self.children.items():
            if self.ended.get(worker_id) is not None:  # its failure was read and reported
                continue
            try:
                child.result(timeout=timeout)
            except TradewatchError as error:
                log.warning("a local worker of sweep %s: %s", self.spec.sweep_id, error)


def wait_until_done(
    server: Redis, spec: SweepSpec, *, timeout: float | None = None, poll: float = 0.5, drop_queued: bool = False,
    lost_after: float | None = None, local: LocalWorkers | None = None,
) -> bool:  # fmt: skip
    """Wait until the sweep is done and every worker has left it (requeueing for dead workers meanwhile, and
    dropping, counted, the queue of a platform every worker gave up on: see `drop_unread`).
    With `drop_queued`, whatever is queued is dropped at every look, so only the pages workers hold finish.
    With `lost_after`, a sweep whose workers were lost and that no worker has joined for `lost_after` seconds
    is given up: what is queued is dropped, counted, and its platforms' runs will say so (`drop_orphaned`);
    not while a worker of this machine (`local`) is still running: one whose heartbeat expired while its
    process lives is stalled (a long page, a loaded machine), not lost, and joins again with its next beat. A
    local worker whose process ended before it joined is counted as lost at the next look.
    Raises KeyboardInterrupt once this process stops its children (`runners.child.stop_children`)."""
    deadline = None if timeout is None else running_clock() + timeout  # time stopped by Ctrl-Z left out
    alone_since: float | None = None
    while deadline is None or running_clock() < deadline:
        if stopping_children():  # the process is stopping (the scheduler's jobs have no signal of their own)
            raise KeyboardInterrupt
        reap(server, spec.sweep_id, spec.platforms)
        drop_unread(server, spec.sweep_id, spec.platforms)
        if drop_queued:
            server.delete(*(f"{sweep_key(spec.sweep_id, platform)}:requests" for platform in spec.platforms))
        if local is not None:
            local.count_unjoined()
        if lost_after is not None:
            lost = workers_lost(server, spec.sweep_id) and not (local is not None and local.running())
            alone_since = (alone_since or time.monotonic()) if lost else None
            if alone_since is not None and time.monotonic() - alone_since >= lost_after:
                drop_orphaned(server, spec.sweep_id, spec.platforms)
                alone_since = None
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
    claim = sweep_key(spec.sweep_id, "finisher")
    if not server.set(claim, f"{socket.gethostname()}:{os.getpid()}", nx=True, ex=KEEP_SECONDS):
        return False
    record_runs(server, spec, database_url=database_url, reason=reason)
    server.delete(sweep_key(spec.sweep_id, "finish_reasons"))
    close_sweep(server, spec)
    return True


def record_runs(server: Redis, spec: SweepSpec, *, database_url: str | None = None, reason: str | None = None) -> None:
    """Judge each platform's run on the summed stats of every worker so far and record it in the lead store
    (`reason`, when given, is every run's finish reason). The sweep itself is left as it is."""
    from sqlmodel import Session

    from crawler.run_health import NORMAL_FINISH, REASONS_STAT, assess, counts
    from leads.db import get_engine
    from leads.runs import finish_run

    finished = [
        r.decode() if isinstance(r, bytes) else r
        for r in server.lrange(sweep_key(spec.sweep_id, "finish_reasons"), 0, -1)
    ]
    profiles = {profile.name: profile for profile in spec.load_profiles()}
    with Session(get_engine(database_url)) as session:
        for platform, run_id in spec.run_ids.items():
            stats: dict[str, Any] = dict(sweep_stats(server, spec.sweep_id, platform))
            # Why the platform's workers left it; a sweep's older workers told only why any of them left.
            left = list(left_reasons(server, spec.sweep_id, platform).values()) or finished
            stopped = next((why for why in left if why != NORMAL_FINISH), NORMAL_FINISH)
            platform_reason = reason or given_up(left) or stopped
            profile = profiles[platform]
            health = assess(
                stats, platform_reason, min_coverage=profile.health.min_coverage, fields=profile.health.fields
            )
            stats.update(
                {
                    "tradewatch/outcome": health.outcome,
                    REASONS_STAT: health.reasons,
                    "tradewatch/sweep_id": spec.sweep_id,
                    "tradewatch/workers": len(finished),
                    **{f"tradewatch/coverage/{name}": share for name, share in health.coverage.items()},
                }
            )
            finish_run(
                session,
                run_id,
                finish_reason=platform_reason,
                outcome=health.outcome,
                counts=counts(stats),
                stats=stats,
            )
        session.commit()


def take_over_sweep(
    server: Redis, sweep_id: str, *, abandon: bool = False, timeout: float | None = None,
    database_url: str | None = None,
) -> SweepSpec:  # fmt: skip
    """Finish an open sweep whose coordinator is gone (its machine died, or its `tradewatch sweep` was killed),
    as the coordinator would have: wait until the workers have worked off its queue (or, its workers all lost,
    give up its platforms as the coordinator does), then judge and finish its runs. With `abandon`, drop what
    is still queued now instead: the workers finish the pages they hold and leave, and the runs are finished
    as `abandoned` (judged interrupted) on what was crawled. Raises TradewatchError for a sweep that is unknown
    or not open, or still not done after `timeout` seconds (it then stays open)."""
    from crawler.run_health import ABANDONED

    spec = load_spec(server, sweep_id)
    if spec is None or sweep_state(server, sweep_id) != "open":
        raise TradewatchError(f"没有进行中的分布式抓取 {sweep_id} / no open sweep {sweep_id}")
    if abandon:
        if not wait_until_done(server, spec, timeout=timeout, drop_queued=True):
            raise TradewatchError(f"抓取 {sweep_id} 的工作进程未退出 / the workers of sweep {sweep_id} did not leave")
        finish_sweep(server, spec, database_url=database_url, reason=ABANDONED)
        return spec
    if not wait_until_done(server, spec, timeout=timeout, lost_after=lost_after()):
        raise TradewatchError(f"抓取 {sweep_id} 仍未完成 / sweep {sweep_id} is not done after {timeout} s")
    finish_sweep(server, spec, database_url=database_url)
    return spec


class SweepLeftOpen(KeyboardInterrupt):
    """The coordinator was interrupted (Ctrl-C, SIGTERM): its workers were stopped and its runs recorded as
    interrupted with what was read; the sweep stays open in Redis for workers elsewhere and for `tradewatch
    worker --finish`, which records the runs again when the sweep is done."""

    def __init__(self, sweep_id: str) -> None:
        super().__init__(sweep_id)
        self.sweep_id = sweep_id


@contextmanager
def _stop_signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP are ignored meanwhile (main thread only): the coordinator is ending already,
    and a signal more must not leave its runs `running` halfway through recording them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in stop_signals()}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _record_interrupted(server: Redis, spec: SweepSpec) -> None:
    """Record the runs of an interrupted sweep as interrupted, with what its workers read (finish reason
    `shutdown`), so that none is left `running`; never raises (the interruption is what the caller reports)."""
    from crawler.run_health import SHUTDOWN

    try:
        record_runs(server, spec, reason=SHUTDOWN)
    except Exception as error:  # Redis or the store lost as well: the runs are marked when their process is gone
        log.warning("the runs of interrupted sweep %s could not be recorded: %s", spec.sweep_id, first_line(error))


def run_distributed_sweep(
    request: SweepRequest, *, redis_url: str, local_workers: int = 1, timeout: float | None = None
) -> tuple[list[int], str]:
    """Seed the sweep, start `local_workers` workers here, wait until every worker's share is done, finish
    the runs. Returns (run ids, sweep id). Workers on other machines join with `tradewatch worker`."""
    server = connect(redis_url)
    with sigterm_interrupts():
        spec = start_sweep(server, request)
        local: LocalWorkers | None = None
        try:
            log.info("sweep %s seeded for %s", spec.sweep_id, ", ".join(spec.platforms))
            local = LocalWorkers(server, spec, local_workers, request.log_file)
            done = wait_until_done(server, spec, timeout=timeout, lost_after=lost_after(), local=local)
            local.wait(timeout=60)
        except BaseException as error:
            # The coordinator cannot go on (Redis lost, interrupted): stop its workers now, together. What they
            # committed stays; `tradewatch worker --finish` finishes the sweep from any machine later. A second
            # Ctrl-C or SIGTERM while they close kills them at once, and the runs are recorded all the same.
            try:
                close_all(list(local.children.values()) if local is not None else [])
            finally:
                if isinstance(error, KeyboardInterrupt):
                    with _stop_signals_held():
                        _record_interrupted(server, spec)
                    raise SweepLeftOpen(spec.sweep_id) from error
            raise
    if not done:
        finish_sweep(server, spec, reason="timeout")
        raise TradewatchError(f"抓取超时 / sweep {spec.sweep_id} timed out after {timeout} s")
    finish_sweep(server, spec)
    return list(spec.run_ids.values()), spec.sweep_id

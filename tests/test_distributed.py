"""Distributed sweeps on the machine's Redis and PostgreSQL: shared frontier, exactly-once fetching, workers
that die mid-sweep, shared politeness, and the request serialiser."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml
from scrapy import FormRequest, Request
from scrapy.utils.request import request_from_dict
from sqlmodel import Session, func, select

from crawler.demo_market.catalogue import build_catalogue
from crawler.distributed import keys, serializer, sweeps
from crawler.distributed.components import SharedRateLimitMiddleware
from crawler.distributed.queue import ReliableQueue
from crawler.run_health import SWEEP_ABANDONED
from leads.db import dispose_engines, get_engine
from leads.models import AuditEvent, CrawlRun, Lead, Listing
from runners.distributed import coordinator
from runners.distributed.worker import start_worker
from runners.sweep import SweepRequest, run_sweep
from runners.sweep_request import new_sweep_id
from spiders.listing import ListingSpider
from spiders.sweep_params import SweepParams
from tests.redis_support import forget_sweep, forget_sweeps_of
from tests.test_sweep_interrupt import alive, start_command

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

KEYWORDS = ["象牙", "穿山甲"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def redis_server(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("TRADEWATCH_REDIS_URL", redis_url)
    server = keys.connect(redis_url)
    yield server
    for key in server.scan_iter(f"{keys.PREFIX}:rate:*"):
        server.delete(key)


def opened(server: Any) -> str:
    """A new sweep's id, among the open sweeps: a worker joins only an open sweep."""
    sweep_id = new_sweep_id()
    server.zadd(keys.SWEEPS_KEY, {sweep_id: time.time()})
    return sweep_id


def expected_ids(keywords: list[str]) -> set[str]:
    catalogue = build_catalogue()
    return {listing.listing_id for keyword in keywords for listing in catalogue.search(keyword)}


def market_hits(base_url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{base_url}/admin/stats", timeout=10) as response:
        return json.loads(response.read())["hits"]


def item_hits(base_url: str) -> dict[str, int]:
    return {path: count for path, count in market_hits(base_url).items() if path.startswith("/plain/item/")}


def stored(url: str | None = None) -> dict[str, Any]:
    """Listing ids, and per lead (listing id) its score and category, in the store at `url`."""
    with Session(get_engine(url)) as session:
        listings = list(session.exec(select(Listing.listing_id)))
        leads = {
            listing_id: (score, category)
            for listing_id, score, category in session.exec(
                select(Listing.listing_id, Lead.score, Lead.category).join(Lead, Lead.listing_id == Listing.id)  # type: ignore[arg-type]
            )
        }
        created = session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "created")).one()
        runs = list(session.exec(select(CrawlRun)))
    return {"listings": listings, "leads": leads, "created_events": created, "runs": runs}


def slow_profile(tmp_path: Path, concurrency: int) -> Path:
    data = yaml.safe_load((ROOT / "crawler" / "platforms" / "demo.yaml").read_text(encoding="utf-8"))
    data["politeness"]["concurrency_per_domain"] = concurrency
    path = tmp_path / "demo-slow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------ unit


def test_requests_survive_the_json_serialiser_with_their_callbacks():
    spider = ListingSpider(platform="demo", keywords="象牙")
    plain = spider._request("http://127.0.0.1:1/plain/item/7", spider.parse_item, {"partial": {"title": "象牙"}})
    plain.headers[b"X-Raw"] = b"\xff\x00"
    form = FormRequest("http://127.0.0.1:1/s", formdata={"q": "穿山甲"}, callback=spider.parse_results)
    js_spider = ListingSpider(platform="demo-js", keywords="象牙")
    js = js_spider._request("http://127.0.0.1:1/js/item/7", js_spider.parse_item, {}, item_page=True)
    for request, owner in ((plain, spider), (form, spider), (js, js_spider)):
        data = serializer.JsonRequestSerializer.dumps(request.to_dict(spider=owner))
        assert b"\x80" not in data.encode()  # JSON text, never a pickle
        back = request_from_dict(serializer.JsonRequestSerializer.loads(data), spider=owner)
        assert (back.url, back.method, back.body, type(back)) == (
            request.url,
            request.method,
            request.body,
            type(request),
        )
        assert back.callback == request.callback and back.errback == request.errback
        assert back.headers == request.headers
        assert set(back.meta) == set(request.meta)
    method = request_from_dict(
        serializer.JsonRequestSerializer.loads(serializer.JsonRequestSerializer.dumps(js.to_dict(spider=js_spider))),
        spider=js_spider,
    ).meta["playwright_page_methods"][0]
    original = js.meta["playwright_page_methods"][0]
    assert (method.method, method.args, method.kwargs) == ("wait_for_selector", original.args, original.kwargs)


def test_popped_requests_are_held_until_acknowledged_and_requeued_when_the_worker_dies(redis_server):
    spider = ListingSpider(platform="demo", keywords="象牙")
    sweep_id = opened(redis_server)
    base = keys.sweep_key(sweep_id, "demo")
    alive, dead = "w-alive", "w-dead"
    sweeps.register_worker(redis_server, sweep_id, alive, lease_seconds=30)
    sweeps.register_worker(redis_server, sweep_id, dead, lease_seconds=30)
    redis_server.set(keys.sweep_key(sweep_id, "seeded"), "1")
    queues = {w: ReliableQueue(redis_server, spider, base, worker_id=w) for w in (alive, dead)}
    urls = [f"http://127.0.0.1:1/plain/item/{n}" for n in range(4)]
    queues[alive].push_many([Request(url, callback=spider.parse_item) for url in urls])
    try:
        first = queues[alive].pop()
        held = [queues[dead].pop(), queues[dead].pop()]
        assert first is not None and all(held)
        assert first.url == urls[-1]  # newest first (depth first, like Scrapy's default)
        assert len(queues[alive]) == 1 and queues[dead].in_flight() == 2
        assert not sweeps.is_done(redis_server, sweep_id, ["demo"])
        queues[alive].ack(first.meta[keys.LEASE_ID])
        # The dead worker's heartbeat lapses (expired at once rather than waited for: a loaded machine could let a
        # short lease lapse before the worker's own pops).
        redis_server.pexpire(keys.heartbeat_key(dead), 1)
        time.sleep(0.05)
        assert queues[dead].pop() is None  # a worker whose heartbeat expired gets nothing more
        assert sweeps.reap(redis_server, sweep_id, ["demo"]) == 2
        assert queues[dead].in_flight() == 0
        again = [queues[alive].pop() for _ in range(3)]
        assert {request.url for request in again if request} == set(urls[:3])
        assert again[0] is not None and again[0].url in {held[0].url, held[1].url}  # requeued ones go first
        for request in again:
            assert request is not None
            queues[alive].ack(request.meta[keys.LEASE_ID])
        assert sweeps.is_done(redis_server, sweep_id, ["demo"])
    finally:
        forget_sweep(redis_server, sweep_id)


def test_a_request_is_marked_seen_and_queued_in_one_step(redis_server, monkeypatch):
    """A worker killed between recording a request in the dupe filter and pushing it would leave it seen by every
    worker and queued by none: the scheduler does both in one Redis script, never with a separate check."""
    from scrapy_redis.dupefilter import RFPDupeFilter

    from crawler.distributed.scheduler import ReliableScheduler

    spider = ListingSpider(platform="demo", keywords="象牙")
    sweep_id = opened(redis_server)
    base = keys.sweep_key(sweep_id, "demo")
    sweeps.register_worker(redis_server, sweep_id, "w-one", lease_seconds=30)
    queue = ReliableQueue(redis_server, spider, base, worker_id="w-one")
    dupefilter = RFPDupeFilter(redis_server, key=keys.sweep_key(sweep_id, "demo", "dupefilter"))

    def separate_check(request: Request) -> bool:
        raise AssertionError("the dupe filter was asked apart from the push")

    monkeypatch.setattr(dupefilter, "request_seen", separate_check)
    scheduler = object.__new__(ReliableScheduler)
    scheduler.server, scheduler.queue, scheduler.df, scheduler.stats, scheduler.spider = (
        redis_server,
        queue,
        dupefilter,
        None,
        spider,
    )
    scheduler._reported, scheduler.gone, scheduler.sweep_id = {}, False, sweep_id
    item = Request("http://127.0.0.1:1/plain/item/7", callback=spider.parse_item)
    try:
        assert scheduler.enqueue_request(item) is True
        assert redis_server.sismember(dupefilter.key, dupefilter.request_fingerprint(item))
        assert len(queue) == 1
        assert scheduler.enqueue_request(item.replace()) is False  # seen: not queued twice
        assert len(queue) == 1
        assert scheduler.enqueue_request(item.replace(dont_filter=True)) is True  # skips the filter
        assert len(queue) == 2
        popped = queue.pop()
        assert popped is not None
        # a redirect of a popped request: queued and the original acknowledged in the same transaction
        redirect = Request("http://127.0.0.1:1/plain/item/8", meta={keys.LEASE_ID: popped.meta[keys.LEASE_ID]})
        assert scheduler.enqueue_request(redirect) is True
        assert queue.in_flight() == 0 and len(queue) == 2
        again = Request("http://127.0.0.1:1/plain/item/8", meta={keys.LEASE_ID: queue.pop().meta[keys.LEASE_ID]})
        assert scheduler.enqueue_request(again) is False  # seen: acknowledged, not queued
        assert queue.in_flight() == 0 and len(queue) == 1
    finally:
        forget_sweep(redis_server, sweep_id)


def test_the_coordinator_seeds_a_sweep_in_one_transaction(redis_server, monkeypatch):
    """Seeding records the start requests' fingerprints, pushes them and marks the sweep seeded together: a
    coordinator stopped before its transaction is sent leaves nothing marked seen, and seeding again (a retry)
    queues no start request twice."""
    from crawler.profiles import load_profile

    profile = load_profile("demo").with_base_url("http://127.0.0.1:1")
    spec = sweeps.SweepSpec(
        sweep_id=new_sweep_id(), profiles=[profile.model_dump(mode="json")], params={"keywords": KEYWORDS}
    )
    base = keys.sweep_key(spec.sweep_id, "demo")
    try:
        real_pipeline = redis_server.pipeline

        def stopped_pipeline(*args: Any, **kwargs: Any) -> Any:
            pipe = real_pipeline(*args, **kwargs)
            pipe.execute = lambda *a, **k: (_ for _ in ()).throw(ConnectionError("coordinator stopped"))
            return pipe

        monkeypatch.setattr(redis_server, "pipeline", stopped_pipeline)
        with pytest.raises(ConnectionError):
            coordinator.seed(redis_server, spec)
        monkeypatch.undo()
        assert not redis_server.keys(keys.sweep_key(spec.sweep_id, "*"))  # nothing half-seeded

        assert coordinator.seed(redis_server, spec) == 2  # one search page per keyword
        spider = ListingSpider(platform=profile, keywords=KEYWORDS)
        queue = ReliableQueue(redis_server, spider, base, worker_id="w-one")
        assert len(queue) == 2
        assert redis_server.scard(f"{base}:dupefilter") == 2
        assert redis_server.get(keys.sweep_key(spec.sweep_id, "seeded")) is not None
        assert coordinator.seed(redis_server, spec) == 0  # seeded again: nothing queued twice
        assert len(queue) == 2
    finally:
        forget_sweep(redis_server, spec.sweep_id)


def test_the_shared_rate_limit_spaces_requests_across_workers(redis_server):
    """Two workers reserving slots for one domain get slots `download_delay` apart, in total, not each."""
    from scrapy.utils.test import get_crawler

    settings = {"TRADEWATCH_REDIS_URL": os.environ["TRADEWATCH_REDIS_URL"], "TRADEWATCH_SHARED_DOWNLOAD_DELAY": 0.1}
    workers = [SharedRateLimitMiddleware(get_crawler(settings_dict=settings)) for _ in range(2)]
    request = Request("http://127.0.0.1:1/plain/search?q=x")
    redis_server.delete(workers[0].rate_key(request))
    # Each reservation answers "wait N ms from now"; the slot it grants lies between (call start + N) and
    # (call end + N). On a busy machine a call may take a while, so a gap is checked against both bounds: one
    # limiter for both workers puts its slots 100 ms apart (a limiter per worker would give gaps near 0 or 200).
    slots = []
    for n in range(10):
        started = time.monotonic() * 1000
        wait = int(workers[n % 2]._reserve(keys=[workers[0].rate_key(request)], args=[100]))
        slots.append((started + wait, time.monotonic() * 1000 + wait))
        if n == 0:
            assert wait <= 5
    for (early_lo, early_hi), (late_lo, late_hi) in itertools.pairwise(slots):
        assert late_lo - early_hi <= 110 and late_hi - early_lo >= 90, slots


# -------------------------------------------------------------------------------------------- end to end


def test_two_workers_share_a_sweep_fetch_every_page_once_and_store_the_same_leads(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch
):
    single_market = demo_market_factory()
    single = run_sweep(
        SweepRequest(
            platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url=single_market, distributed=False
        ),
        timeout=120,
    )
    assert len(single.run_ids) == 1
    baseline = stored()
    dispose_engines()

    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    shared_market = demo_market_factory()
    result = run_sweep(
        SweepRequest(
            platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url=shared_market, local_workers=2
        ),
        timeout=120,
    )
    assert result.sweep_id is not None
    after = stored(postgres_url)

    hits = item_hits(shared_market)
    assert set(hits) == {f"/plain/item/{listing_id}" for listing_id in expected_ids(KEYWORDS)}
    assert set(hits.values()) == {1}, {path: n for path, n in hits.items() if n != 1}
    searches = {path: n for path, n in market_hits(shared_market).items() if path.startswith("/plain/search")}
    assert set(searches.values()) == {1}
    assert sorted(after["listings"]) == sorted(baseline["listings"]) == sorted(expected_ids(KEYWORDS))
    assert after["leads"] == baseline["leads"] and after["leads"]
    assert after["created_events"] == len(after["leads"])
    (run,) = after["runs"]
    assert run.id in result.run_ids
    assert run.outcome == "ok" and run.finish_reason == "finished"
    assert run.listings == len(expected_ids(KEYWORDS)) and run.leads_new == len(after["leads"])
    assert run.stats["tradewatch/workers"] == 2
    assert run.pages == baseline["runs"][0].pages
    assert sweeps.sweep_state(redis_server, result.sweep_id) == "done"
    assert not redis_server.exists(keys.sweep_key(result.sweep_id, "demo", "dupefilter"))


def test_a_worker_killed_mid_sweep_loses_nothing(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch, tmp_path
):
    keywords = ["象牙", "穿山甲", "手机", "沙发"]
    single = SweepRequest(platforms=["demo"], params=SweepParams(keywords=keywords), base_url=demo_market_factory())
    run_sweep(single.model_copy(update={"distributed": False}), timeout=120)
    baseline = stored()
    dispose_engines()
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    market = demo_market_factory(slow_ms=150)
    request = SweepRequest(
        profile_files=[slow_profile(tmp_path, concurrency=2)], params=SweepParams(keywords=keywords), base_url=market
    )
    spec = coordinator.start_sweep(redis_server, request)
    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "2")
    workers = [start_worker(spec.sweep_id, tmp_path / "workers.log") for _ in range(2)]
    try:
        deadline = time.monotonic() + 180  # two worker processes start up first: slow on a loaded machine
        while sum(item_hits(market).values()) < 40:
            assert time.monotonic() < deadline, "the sweep did not get going"
            assert workers[0].process.poll() is None
            time.sleep(0.05)
        workers[0].process.send_signal(signal.SIGKILL)
        killed_at = sum(item_hits(market).values())
        assert coordinator.wait_until_done(redis_server, spec, timeout=60)
        assert workers[1].result(timeout=30) == {"worked": True}
    finally:
        for worker in workers:
            worker.close()
    coordinator.finish_sweep(redis_server, spec)
    expected = expected_ids(keywords)
    assert killed_at < len(expected)  # it really died mid-sweep
    hits = item_hits(market)
    assert set(hits) == {f"/plain/item/{listing_id}" for listing_id in expected}  # every page fetched
    after = stored(postgres_url)
    assert sorted(after["listings"]) == sorted(expected)  # every listing stored once
    assert after["created_events"] == len(after["leads"])  # every lead created once
    assert after["leads"] == baseline["leads"]  # the same leads as one process sweeping alone
    (run,) = after["runs"]
    assert run.finish_reason == "finished" and run.listings >= len(expected)


def test_a_sweep_whose_coordinator_is_gone_is_finished_from_another_machine(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch, tmp_path
):
    """The coordinator seeded the sweep and died: workers still crawl it, and `worker --finish` records it."""
    from typer.testing import CliRunner

    from cli.app import app

    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    market = demo_market_factory()
    spec = coordinator.start_sweep(
        redis_server, SweepRequest(platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url=market)
    )
    assert spec.sweep_id in sweeps.open_sweeps(redis_server)  # nobody will finish it but us
    worker = start_worker(spec.sweep_id, tmp_path / "worker.log")
    try:
        result = CliRunner(env={"TRADEWATCH_LANG": "en"}).invoke(
            app, ["worker", "--finish", spec.sweep_id, "--timeout", "120"]
        )
        assert worker.result(timeout=60) == {"worked": True}
    finally:
        worker.close()
    assert result.exit_code == 0, result.output
    run_id = spec.run_ids["demo"]
    assert f"run {run_id} (demo): ok" in result.output
    after = stored(postgres_url)
    (run,) = after["runs"]
    assert run.finish_reason == "finished" and run.outcome == "ok"
    assert sorted(after["listings"]) == sorted(expected_ids(KEYWORDS))
    assert spec.sweep_id not in sweeps.open_sweeps(redis_server)
    assert not coordinator.finish_sweep(redis_server, spec)  # finished once: a late coordinator does nothing

    again = CliRunner(env={"TRADEWATCH_LANG": "en"}).invoke(app, ["worker", "--finish", spec.sweep_id])
    assert again.exit_code != 0 and spec.sweep_id in again.output


@pytest.mark.parametrize(
    ("why", "code", "shown"),
    [
        (sweeps.STOPPED, 130, "已中断；被 Ctrl-C 或停止信号中止；已读取的 0 个页面和 0 条商品已保存"),
        ("browser_unavailable", 3, "失败；浏览器未能启动："),
    ],
)  # fmt: skip
def test_finishing_a_sweep_tells_the_officer_why_in_their_language_and_exits_as_a_sweep_does(
    tw_home, redis_server, why, code, shown
):
    """`worker --finish` shows each run as `tradewatch sweep` and `tradewatch runs` do: the outcome in the
    officer's language and why, not the outcome's key; and it exits as `tradewatch sweep` does for such runs
    (130 interrupted, 3 failed), with one line, where it exited 0 whatever the runs were."""
    from typer.testing import CliRunner

    from cli.app import app

    spec = coordinator.start_sweep(
        redis_server,
        SweepRequest(platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url="http://127.0.0.1:1"),
    )
    base = keys.sweep_key(spec.sweep_id, "demo")
    redis_server.delete(f"{base}:requests")  # worked off by a worker then stopped by its operator, or given up
    sweeps.leave_platform(redis_server, spec.sweep_id, "demo", "w-left", why)
    try:
        result = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(
            app, ["worker", "--finish", spec.sweep_id, "--timeout", "30"]
        )
    finally:
        forget_sweep(redis_server, spec.sweep_id)
    assert result.exit_code == code, result.output
    (run,) = stored()["runs"]
    shown_output = " ".join(result.output.split())  # as wrapped on the terminal
    assert f"抓取运行 {run.id}（demo）：{shown}" in shown_output
    assert run.outcome not in result.output
    told = "错误：抓取被中断：demo（" if code == 130 else "错误：抓取未正常完成：demo（"
    assert shown_output.count("错误：") == 1 and told in shown_output


@pytest.mark.timeout(60)
def test_finishing_a_sweep_whose_workers_were_all_lost_gives_it_up_as_its_coordinator_would(
    tw_home, redis_server, monkeypatch
):
    """The coordinator and its only worker killed together: `worker --finish` does not wait for a queue nobody
    reads (before, it waited until its --timeout and left the sweep open); two leases after the reap it drops
    the queue, counted, and records the run as failed for its lost workers."""
    from typer.testing import CliRunner

    from cli.app import app
    from crawler.run_health import NEVER_READ_STAT, WORKERS_LOST

    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "1")
    spec = coordinator.start_sweep(
        redis_server,
        SweepRequest(platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url="http://127.0.0.1:1"),
    )
    base = keys.sweep_key(spec.sweep_id, "demo")
    queued = redis_server.zcard(f"{base}:requests")
    sweeps.register_worker(redis_server, spec.sweep_id, "w-killed", lease_seconds=1)
    held = ReliableQueue(redis_server, ListingSpider(platform="demo", keywords="象牙"), base, worker_id="w-killed")
    assert held.pop() is not None
    redis_server.delete(keys.heartbeat_key("w-killed"))  # SIGKILLed: its lease runs out
    try:
        began = time.monotonic()
        result = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(
            app, ["worker", "--finish", spec.sweep_id, "--timeout", "30"]
        )
        took = time.monotonic() - began
    finally:
        forget_sweep(redis_server, spec.sweep_id)
    assert result.exit_code == 3, result.output
    assert took < 10, took  # two leases of 1 s and a look or two
    (run,) = stored()["runs"]
    assert (run.outcome, run.finish_reason) == ("failed", WORKERS_LOST)
    assert run.stats[NEVER_READ_STAT] == queued  # the one it held went back to the queue first
    assert "抓取的工作进程全部丢失" in " ".join(result.output.split())


@contextmanager
def distributed_sweep_process(market: str, server: Any) -> Iterator[tuple[subprocess.Popen[str], list[psutil.Process]]]:
    """`tradewatch sweep --distributed --workers 2` in Chinese in a process of its own, once its workers read
    item pages: the process and its workers (with their store writers). Whatever is left of them is killed,
    and the sweep dropped from Redis."""
    keywords = "象牙,穿山甲,手机,沙发"
    args = ["sweep", "-p", "demo", "-k", keywords, "--base-url", market, "--distributed", "--workers", "2"]
    sweep = start_command(args)
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120  # two worker processes start up first: slow on a loaded machine
        while sum(item_hits(market).values()) < 5:
            assert time.monotonic() < deadline and sweep.poll() is None, "the sweep did not get going"
            time.sleep(0.1)
        workers = psutil.Process(sweep.pid).children(recursive=True)
        assert len(workers) >= 2
        yield sweep, workers
    finally:
        for process in [worker for worker in workers if alive(worker.pid)]:
            process.kill()
        if sweep.poll() is None:
            sweep.kill()
        forget_sweeps_of(server, market)  # this market's sweep, finished or left open


def test_a_coordinator_stopped_by_sigterm_ends_as_with_ctrl_c(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch
):
    """`kill` of a distributed `tradewatch sweep`: its workers are stopped, its run recorded as interrupted with
    what was read, one line names the sweep left open, and it exits as an interrupted sweep does."""
    from cli.sweep import INTERRUPTED_EXIT

    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    with distributed_sweep_process(demo_market_factory(slow_ms=300), redis_server) as (sweep, workers):
        sweep.send_signal(signal.SIGTERM)
        out, err = sweep.communicate(timeout=40)
        assert sweep.returncode == INTERRUPTED_EXIT, err
        assert [worker for worker in workers if alive(worker.pid)] == []  # every worker stopped with it
        (run,) = stored(postgres_url)["runs"]
        assert (run.outcome, run.finish_reason) == ("interrupted", "shutdown") and run.finished_at is not None
        assert run.pages > 0 and run.stats["tradewatch/health/reasons"] == [
            f"stopped by Ctrl-C or a stop signal; the {run.pages} page(s) and {run.listings} listing(s) read are kept"
        ]
        sweep_id = run.stats["tradewatch/sweep_id"]
        told = [line for line in err.splitlines() if line.startswith("错误：")]
        assert told == [
            f"错误：抓取 {sweep_id} 被中断：它仍为其他机器上的工作进程保持开放；"
            f"tradewatch worker --finish {sweep_id} 可记录其运行结果"
        ], err
        assert "Traceback" not in out + err
        assert sweep_id in sweeps.open_sweeps(redis_server)  # left open for `worker --finish`


@pytest.mark.timeout(240)  # before, the coordinator waited for its killed workers forever
def test_a_sweep_whose_workers_are_all_killed_fails_with_why_within_a_bounded_time(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch
):
    """Every worker SIGKILLed mid-sweep: once their leases expire and no worker joins for two more, the
    coordinator drops what is queued, counted, and fails the platform saying why, in one line."""
    from crawler.run_health import NEVER_READ_STAT, NO_WORKER_LEFT, WORKERS_LOST

    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "2")
    with distributed_sweep_process(demo_market_factory(slow_ms=300), redis_server) as (sweep, workers):
        for worker in workers:
            worker.kill()
        killed = time.monotonic()
        out, err = sweep.communicate(timeout=120)
        took = time.monotonic() - killed
        assert sweep.returncode == 3, err
        assert took < 30, took  # a lease for the reap, two with no worker, the final look: about 6 s
        (run,) = stored(postgres_url)["runs"]
        never_read = run.stats[NEVER_READ_STAT]
        assert never_read > 0
        assert (run.outcome, run.finish_reason) == ("failed", WORKERS_LOST)
        assert run.stats["tradewatch/health/reasons"] == [NO_WORKER_LEFT.format(count=never_read)]
        told = [line for line in err.splitlines() if line.startswith("错误：")]
        assert told == [
            "错误：抓取未正常完成：demo（失败；抓取的工作进程全部丢失（被强制终止或所在机器停止），"
            f"且没有其他工作进程接替；{never_read} 个请求未被读取）"
        ], err
        assert "Traceback" not in out + err
        assert sweeps.sweep_state(redis_server, run.stats["tradewatch/sweep_id"]) == "done"


@pytest.mark.timeout(240)
def test_a_sweep_whose_workers_stall_past_their_leases_waits_for_them_and_ends_well(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch
):
    """Both local workers stalled (SIGSTOP: a machine under load 12, a long GC pause) for three times the time
    after which lost workers are given up: their leases expire and they are reaped, but their processes live,
    so the coordinator waits for them; they beat again, join again, and the sweep ends as read in full (before,
    its queue was dropped as that of lost workers and its run failed, exit 3)."""
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "1")
    with distributed_sweep_process(demo_market_factory(slow_ms=300), redis_server) as (sweep, workers):
        for worker in workers:
            worker.suspend()
        try:
            time.sleep(3 * coordinator.LOST_AFTER_LEASES * 1 + 1)
        finally:
            for worker in workers:
                if alive(worker.pid):
                    worker.resume()
        _out, err = sweep.communicate(timeout=180)
        assert sweep.returncode == 0, err
        (run,) = stored(postgres_url)["runs"]
        assert (run.outcome, run.finish_reason) == ("ok", "finished")
        assert not (run.stats or {}).get("tradewatch/sweep/never_read")


def test_abandoning_a_sweep_drops_its_queue_and_records_its_runs(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch
):
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    spec = coordinator.start_sweep(
        redis_server,
        SweepRequest(platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url=demo_market_factory()),
    )
    queue = f"{keys.sweep_key(spec.sweep_id, 'demo')}:requests"
    assert redis_server.zcard(queue) == len(KEYWORDS)  # seeded, and no worker ever came

    coordinator.take_over_sweep(redis_server, spec.sweep_id, abandon=True, timeout=30)

    assert not redis_server.exists(queue)
    assert spec.sweep_id not in sweeps.open_sweeps(redis_server)
    (run,) = stored(postgres_url)["runs"]
    assert run.finish_reason == "abandoned" and run.finished_at is not None
    # no worker read anything: the run says it was abandoned, not that the site did not answer
    assert (run.outcome, run.pages, run.listings) == ("interrupted", 0, 0)
    assert run.stats["tradewatch/health/reasons"] == [SWEEP_ABANDONED.format(pages=0, listings=0)]


def test_a_distributed_run_whose_browser_did_not_start_says_why(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch
):
    """The coordinator judges the run on the workers' summed stats: the launch error, a text, is kept with the
    counts, so the run says why the browser did not start and not "see the log"."""
    from typer.testing import CliRunner

    from cli.app import app
    from crawler.distributed.scheduler import ReliableScheduler
    from crawler.run_health import BROWSER_UNAVAILABLE, LAUNCH_ERROR_STAT, LAUNCH_FAILED_STAT
    from tests.crawl_support import project_crawler

    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    spec = coordinator.start_sweep(
        redis_server,
        SweepRequest(platforms=["demo"], params=SweepParams(keywords=KEYWORDS), base_url=demo_market_factory()),
    )
    error = "BrowserType.launch: Executable doesn't exist at /opt/chromium/chrome"
    for worker, (failed, text) in enumerate([(2, error), (1, None)]):  # the second worker's stats have no text
        crawler = project_crawler(
            TRADEWATCH_SWEEP_ID=spec.sweep_id, TRADEWATCH_SWEEP_PLATFORM="demo", TRADEWATCH_WORKER_ID=f"w{worker}"
        )
        crawler.stats.set_value(LAUNCH_FAILED_STAT, failed)
        if text:
            crawler.stats.set_value(LAUNCH_ERROR_STAT, text)
        scheduler = ReliableScheduler(redis_server, crawler)
        scheduler.flush_stats()
        scheduler.flush_stats()  # a second flush adds nothing
        redis_server.rpush(keys.sweep_key(spec.sweep_id, "finish_reasons"), BROWSER_UNAVAILABLE)

    assert coordinator.finish_sweep(redis_server, spec)

    (run,) = stored(postgres_url)["runs"]
    assert (run.finish_reason, run.outcome) == (BROWSER_UNAVAILABLE, "failed")
    assert run.stats[LAUNCH_FAILED_STAT] == 3 and run.stats[LAUNCH_ERROR_STAT] == error
    assert run.stats["tradewatch/health/reasons"] == [f"the browser did not start: {error}"]
    assert not redis_server.exists(f"{keys.sweep_key(spec.sweep_id, 'demo')}:texts")  # closed with the sweep
    shown = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(app, ["runs", "show", str(run.id)])
    assert shown.exit_code == 0, shown.output
    assert f"原因：浏览器未能启动：{error}" in " ".join(shown.output.split())  # as wrapped on the terminal


def test_a_platform_is_given_up_only_when_every_worker_still_in_the_sweep_has_left_it(redis_server):
    """One worker whose browser did not start hands back what it held and leaves; its queue is dropped, and
    counted in the run's stats, only once no worker in the sweep is still on the platform: another machine's
    worker may have a browser. A worker that finished, or was stopped by its operator (it may be started again),
    gave nothing up."""
    from crawler.run_health import BROWSER_UNAVAILABLE, NEVER_READ_STAT

    spider = ListingSpider(platform="demo-js", keywords="象牙")
    sweep_id = opened(redis_server)
    base = keys.sweep_key(sweep_id, "demo-js")
    for worker in ("w-nobrowser", "w-browser"):
        sweeps.register_worker(redis_server, sweep_id, worker, lease_seconds=30)
    redis_server.set(keys.sweep_key(sweep_id, "seeded"), "1")
    queue = ReliableQueue(redis_server, spider, base, worker_id="w-nobrowser")
    queue.push_many([Request(f"http://127.0.0.1:1/js/item/{n}", callback=spider.parse_item) for n in range(3)])
    try:
        assert queue.pop() is not None and queue.in_flight() == 1
        sweeps.leave_platform(redis_server, sweep_id, "demo-js", "w-nobrowser", BROWSER_UNAVAILABLE)
        assert queue.in_flight() == 0 and len(queue) == 3  # handed back, not held by a worker that left
        assert sweeps.drop_unread(redis_server, sweep_id, ["demo-js"]) == {}  # w-browser may still read them
        assert len(queue) == 3

        assert sweeps.given_up(["finished", "shutdown"]) is None
        redis_server.srem(keys.sweep_key(sweep_id, "workers"), "w-browser")  # its process ended
        assert sweeps.drop_unread(redis_server, sweep_id, ["demo-js"]) == {"demo-js": 3}
        assert len(queue) == 0 and sweeps.is_done(redis_server, sweep_id, ["demo-js"])
        assert sweeps.sweep_stats(redis_server, sweep_id, "demo-js")[NEVER_READ_STAT] == 3
    finally:
        forget_sweep(redis_server, sweep_id)


def test_a_sweep_is_orphaned_only_when_its_workers_were_lost_and_none_is_left(redis_server):
    """A worker that ends leaves the sweep itself and is not lost; one whose heartbeat expired is taken off it as
    lost, and its requests go back to the queue. Only then, with no worker left, is the queue dropped, counted,
    and the platform marked as left for its lost workers; a worker that joins again stops that."""
    from crawler.run_health import NEVER_READ_STAT, WORKERS_LOST

    spider = ListingSpider(platform="demo", keywords="象牙")
    sweep_id = opened(redis_server)
    base = keys.sweep_key(sweep_id, "demo")
    redis_server.set(keys.sweep_key(sweep_id, "seeded"), "1")
    try:
        for worker in ("w-ended", "w-killed"):
            sweeps.register_worker(redis_server, sweep_id, worker, lease_seconds=30)
        queue = ReliableQueue(redis_server, spider, base, worker_id="w-killed")
        queue.push_many([Request(f"http://127.0.0.1:1/plain/item/{n}", callback=spider.parse_item) for n in range(3)])
        assert queue.pop() is not None
        redis_server.srem(keys.sweep_key(sweep_id, "workers"), "w-ended")  # it ended: off the sweep, then its beat
        redis_server.delete(keys.heartbeat_key("w-ended"))
        assert not sweeps.workers_lost(redis_server, sweep_id)  # w-killed still beats

        redis_server.delete(keys.heartbeat_key("w-killed"))  # its lease expired
        assert sweeps.reap(redis_server, sweep_id, ["demo"]) == 1 and len(queue) == 3
        assert sweeps.workers_lost(redis_server, sweep_id)
        sweeps.register_worker(redis_server, sweep_id, "w-late", lease_seconds=30)
        assert not sweeps.workers_lost(redis_server, sweep_id)
        assert sweeps.drop_orphaned(redis_server, sweep_id, ["demo"]) is None and len(queue) == 3

        redis_server.srem(keys.sweep_key(sweep_id, "workers"), "w-late")
        assert sweeps.drop_orphaned(redis_server, sweep_id, ["demo"]) == {"demo": 3}
        assert len(queue) == 0 and sweeps.is_done(redis_server, sweep_id, ["demo"])
        assert sweeps.sweep_stats(redis_server, sweep_id, "demo")[NEVER_READ_STAT] == 3
        assert sweeps.given_up(sweeps.left_reasons(redis_server, sweep_id, "demo").values()) == WORKERS_LOST
    finally:
        forget_sweep(redis_server, sweep_id)
        redis_server.delete(*(keys.heartbeat_key(worker) for worker in ("w-ended", "w-killed", "w-late")))


@pytest.mark.browser
@pytest.mark.timeout(150)  # without its workers' finish, the coordinator waited for the queue forever
def test_a_distributed_js_sweep_whose_workers_browser_does_not_start_fails_with_one_line(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch, tmp_path
):
    from typer.testing import CliRunner

    from cli.app import app
    from crawler.run_health import BROWSER_UNAVAILABLE, LAUNCH_ERROR_STAT, NEVER_READ_STAT

    missing = tmp_path / "chromium"  # a configured Chromium that is not there, on the worker's machine
    monkeypatch.setenv("TRADEWATCH_CHROMIUM_PATH", str(missing))
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    # more search pages than the worker takes at once (its concurrency), so some are still queued when it gives up
    keywords = ["象牙", "穿山甲", "犀角", "虎骨", "熊胆", "玳瑁", "羚羊角", "海马干", "鹦鹉", "砗磲", "盔犀鸟", "麝香"]
    market = demo_market_factory()
    done = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(
        app, ["sweep", "-p", "demo-js", "-k", ",".join(keywords), "--base-url", market, "--distributed"]
    )

    assert done.exit_code == 3, done.output
    told = [line for line in done.output.splitlines() if "浏览器未能启动" in line]
    assert len(told) == 1 and "失败" in told[0] and "executable doesn't exist" in told[0], done.output
    (run,) = stored(postgres_url)["runs"]
    assert (run.outcome, run.finish_reason) == ("failed", BROWSER_UNAVAILABLE)
    stats = run.stats or {}
    assert str(missing) in stats[LAUNCH_ERROR_STAT]
    # Every seeded search page either failed (no browser to read it) or is counted as never read: none is lost.
    assert stats[NEVER_READ_STAT] > 0
    assert stats["tradewatch/responses/failed"] + stats[NEVER_READ_STAT] == len(keywords), stats
    assert not [path for path in market_hits(market) if path != "/robots.txt"]  # no page was read
    sweep_id = stats["tradewatch/sweep_id"]
    assert sweeps.sweep_state(redis_server, sweep_id) == "done"
    assert not redis_server.exists(f"{keys.sweep_key(sweep_id, 'demo-js')}:requests")
    shown = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(app, ["runs", "show", str(run.id)])
    assert shown.exit_code == 0, shown.output
    assert any(
        "从未读取的请求" in line and line.split()[-2] == str(stats[NEVER_READ_STAT])
        for line in shown.output.splitlines()
    )


def test_a_stalled_worker_that_beats_again_is_not_lost_when_its_operator_stops_it(redis_server):
    """A worker whose machine stalled past its lease is reaped as lost; its next beat joins it again. Stopped by
    its operator afterwards, it leaves the sweep as any stopped worker does: the sweep waits for another and
    its queue is not dropped as that of lost workers."""
    spider = ListingSpider(platform="demo", keywords="象牙")
    sweep_id = opened(redis_server)
    base = keys.sweep_key(sweep_id, "demo")
    redis_server.set(keys.sweep_key(sweep_id, "seeded"), "1")
    try:
        sweeps.register_worker(redis_server, sweep_id, "w-stalled", lease_seconds=30)
        queue = ReliableQueue(redis_server, spider, base, worker_id="w-stalled")
        queue.push_many([Request(f"http://127.0.0.1:1/plain/item/{n}", callback=spider.parse_item) for n in range(2)])
        redis_server.delete(keys.heartbeat_key("w-stalled"))  # a GC pause or a loaded machine past the lease
        sweeps.reap(redis_server, sweep_id, ["demo"])
        assert sweeps.workers_lost(redis_server, sweep_id)
        sweeps.register_worker(redis_server, sweep_id, "w-stalled", lease_seconds=30)  # its next beat
        redis_server.srem(keys.sweep_key(sweep_id, "workers"), "w-stalled")  # Ctrl-C: it leaves the sweep
        redis_server.delete(keys.heartbeat_key("w-stalled"))
        assert not sweeps.workers_lost(redis_server, sweep_id)
        assert len(queue) == 2  # kept for the next worker
    finally:
        forget_sweep(redis_server, sweep_id)
        redis_server.delete(keys.heartbeat_key("w-stalled"))


# A worker's extension on a real reactor in a process of its own, holding one request of the sweep, whose reactor
# is then kept busy on its own thread (a slow parse) for `argv[2]` seconds: it prints `blocked` and `moved` around it.
BLOCKED_WORKER = """
import sys, time
from types import SimpleNamespace
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import reactor
from scrapy import Spider
from scrapy.utils.test import get_crawler
from crawler.distributed.components import SweepWorkerExtension
from crawler.distributed.keys import connect
from crawler.distributed.queue import ReliableQueue
from spiders.listing import ListingSpider

sweep_id, block, url = sys.argv[1], float(sys.argv[2]), sys.argv[3]
settings = {
    "TWISTED_REACTOR_ENABLED": True, "TRADEWATCH_REDIS_URL": url, "TRADEWATCH_SWEEP_ID": sweep_id,
    "TRADEWATCH_SWEEP_PLATFORM": "demo", "TRADEWATCH_SWEEP_PLATFORMS": ["demo"],
    "TRADEWATCH_WORKER_ID": "w-" + sweep_id, "TRADEWATCH_LEASE_SECONDS": 2,
}
crawler = get_crawler(Spider, settings)
crawler.engine = SimpleNamespace(scheduler=None)  # an engine that schedules nothing
extension = SweepWorkerExtension.from_crawler(crawler)

def parse():
    spider = ListingSpider(platform="demo", keywords="象牙")
    queue = ReliableQueue(connect(url), spider, f"tradewatch:sweep:{sweep_id}:demo", worker_id="w-" + sweep_id)
    assert queue.pop() is not None
    print("blocked", flush=True)
    end = time.monotonic() + block
    while time.monotonic() < end:
        sum(range(1000))
    print("moved", flush=True)

reactor.callWhenRunning(extension.spider_opened, Spider("demo"))
reactor.callLater(0.5, parse)
reactor.run()
"""


@pytest.mark.timeout(60)
def test_a_worker_whose_reactor_is_blocked_past_its_lease_is_not_lost_and_one_killed_is(redis_server, redis_url):
    """The heartbeat beats from a thread of its own: a worker whose reactor is busy on one page for three leases
    keeps its lease and what it holds (before, its beats stopped with its reactor: it was reaped as lost while
    alive, and its request fetched again by another worker). Killed, it is lost within two leases as before."""
    lease = 2.0
    sweep_id = opened(redis_server)
    worker_id = f"w-{sweep_id}"
    base = keys.sweep_key(sweep_id, "demo")
    spider = ListingSpider(platform="demo", keywords="象牙")
    ReliableQueue(redis_server, spider, base, worker_id="seed").push_many(
        [Request("http://127.0.0.1:1/plain/item/7", callback=spider.parse_item)]
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", BLOCKED_WORKER, sweep_id, str(3 * lease), redis_url],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline() == "blocked\n"
        moved = False
        while not moved:  # as every other worker does, reap lost workers while this one's reactor is busy
            assert worker.poll() is None
            sweeps.reap(redis_server, sweep_id, ["demo"])
            assert not sweeps.workers_lost(redis_server, sweep_id), "taken for lost while its reactor was busy"
            moved = select_ready(worker.stdout, 0.2) and worker.stdout.readline() == "moved\n"
        assert redis_server.hlen(f"{base}:processing:{worker_id}") == 1  # what it holds stays its own
        assert redis_server.zcard(f"{base}:requests") == 0

        worker.kill()
        worker.wait(timeout=10)
        killed = time.monotonic()
        while not sweeps.workers_lost(redis_server, sweep_id):
            assert time.monotonic() - killed < 2 * lease, "a killed worker was not taken for lost"
            sweeps.reap(redis_server, sweep_id, ["demo"])
            time.sleep(0.1)
        assert redis_server.zcard(f"{base}:requests") == 1  # its request went back to the queue
    finally:
        if worker.poll() is None:
            worker.kill()
        forget_sweep(redis_server, sweep_id)
        redis_server.delete(keys.heartbeat_key(worker_id))


def select_ready(stream: Any, timeout: float) -> bool:
    import select

    return bool(select.select([stream], [], [], timeout)[0])


def test_a_heartbeat_stops_with_its_crawl_and_when_its_reactor_hangs(redis_server, redis_url):
    """Beats only while the crawl lives: not once its reactor stopped running or has not turned for
    `hung_after` (a hung crawl gives its requests up), again once it turns; never after `stop()`."""
    from crawler.distributed.components import Heartbeat

    sweep_id = opened(redis_server)
    worker_id = f"w-{sweep_id}"
    beat = keys.heartbeat_key(worker_id)
    running = [True]
    heartbeat = Heartbeat(
        redis_url, sweep_id, worker_id, 0.5, reactor_running=lambda: running[0], hung_after=1.5, every=0.05
    )

    def alive_after(seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if turning[0]:
                heartbeat.turned()
            time.sleep(0.05)
        return bool(redis_server.exists(beat))

    turning = [True]
    try:
        heartbeat.start()
        assert alive_after(1.0)
        turning[0] = False  # the reactor hangs: beats go on for `hung_after`, then the lease runs out
        assert alive_after(1.0)
        assert not alive_after(2.5)
        turning[0] = True  # it turns again: the worker beats, and is in the sweep again
        assert alive_after(0.5)
        assert worker_id.encode() in redis_server.smembers(keys.sweep_key(sweep_id, "workers"))
        running[0] = False  # the reactor stopped
        assert not alive_after(2.0)
        running[0] = True
        assert alive_after(0.5)
        heartbeat.stop()
        assert not alive_after(1.0)
        assert not heartbeat._thread.is_alive()
    finally:
        heartbeat.stop()
        forget_sweep(redis_server, sweep_id)
        redis_server.delete(beat)


def test_a_heartbeat_of_a_sweep_finished_meanwhile_joins_nothing_and_says_it_is_gone(redis_server, redis_url):
    """A worker back after its sweep was finished (or its keys dropped by its coordinator) does not join it again:
    its beat brings none of the sweep's keys back, the beats end, and `gone` tells the crawl to stop."""
    from crawler.distributed.components import Heartbeat

    sweep_id = opened(redis_server)
    worker_id = f"w-{sweep_id}"
    heartbeat = Heartbeat(redis_url, sweep_id, worker_id, 0.5, reactor_running=lambda: True, every=0.05)
    try:
        heartbeat.start()
        time.sleep(0.3)
        assert redis_server.sismember(keys.sweep_key(sweep_id, "workers"), worker_id)
        assert not heartbeat.gone.is_set()
        forget_sweep(redis_server, sweep_id)  # its coordinator finished it (or dropped its keys) meanwhile
        assert heartbeat.gone.wait(2.0)
        heartbeat._thread.join(timeout=2.0)
        assert not heartbeat._thread.is_alive()
        assert redis_server.keys(keys.sweep_key(sweep_id, "*")) == []
        assert not sweeps.register_worker(redis_server, sweep_id, worker_id, lease_seconds=30)
        assert redis_server.keys(keys.sweep_key(sweep_id, "*")) == []
    finally:
        heartbeat.stop()
        forget_sweep(redis_server, sweep_id)
        redis_server.delete(keys.heartbeat_key(worker_id))


def listings_seen(url: str) -> dict[str, int]:
    """How many times the store saw each listing, by listing id."""
    with Session(get_engine(url)) as session:
        return dict(session.exec(select(Listing.listing_id, Listing.times_seen)).all())  # type: ignore[arg-type]


@pytest.mark.timeout(300)
def test_a_worker_away_past_its_lease_whose_sweep_ended_meanwhile_stops_and_records_nothing_twice(
    demo_market_factory, tw_home, postgres_url, redis_server, monkeypatch, tmp_path
):
    """A worker paused (a network pause, a stalled machine) while it holds pages: its lease runs out, the other
    worker reads what it held, and the sweep is finished and closed. Back, it does not join the closed sweep
    again: it stops, stores none of the pages it had in hand (each listing seen once, each lead created once),
    brings none of the sweep's keys back into Redis, and leaves the finished run as it was recorded (before, it
    parsed and stored them a second time and wrote its stats and finish reason into the closed sweep)."""
    keywords = ["象牙", "穿山甲", "手机", "沙发"]
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "1")
    market = demo_market_factory(slow_ms=400)
    request = SweepRequest(
        profile_files=[slow_profile(tmp_path, concurrency=2)], params=SweepParams(keywords=keywords), base_url=market
    )
    spec = coordinator.start_sweep(redis_server, request)
    away_id = f"w-away-{spec.sweep_id}"
    held = f"{keys.sweep_key(spec.sweep_id, spec.platforms[0])}:processing:{away_id}"
    away = start_worker(spec.sweep_id, tmp_path / "away.log", worker_id=away_id)
    other = start_worker(spec.sweep_id, tmp_path / "other.log")
    try:
        paused = psutil.Process(away.process.pid)
        deadline = time.monotonic() + 180  # two worker processes start up first: slow on a loaded machine
        while True:  # paused while it holds item pages (their requests sent, their responses not read yet)
            assert time.monotonic() < deadline, "the worker never held a page"
            assert away.process.poll() is None and other.process.poll() is None
            if sum(item_hits(market).values()) >= 3 and redis_server.hlen(held):
                paused.suspend()
                if redis_server.hlen(held):
                    break
                paused.resume()
            time.sleep(0.05)
        assert coordinator.wait_until_done(redis_server, spec, timeout=120)
        assert coordinator.finish_sweep(redis_server, spec)
        recorded = stored(postgres_url)["runs"][0]
        assert redis_server.hlen(held) == 0  # what it held went back to the queue, and the other worker read it
        assert other.result(timeout=60) == {"worked": True}

        paused.resume()
        assert away.result(timeout=60) == {"worked": True}
    finally:
        for worker in (away, other):
            if worker.process.poll() is None:
                psutil.Process(worker.process.pid).resume()
            worker.close()
    expected = expected_ids(keywords)
    after = stored(postgres_url)
    assert sorted(after["listings"]) == sorted(expected)
    assert set(listings_seen(postgres_url).values()) == {1}  # no listing stored a second time
    assert after["created_events"] == len(after["leads"])
    (run,) = after["runs"]
    assert (run.finished_at, run.stats, run.outcome) == (recorded.finished_at, recorded.stats, "ok")
    left = {key.decode() for key in redis_server.keys(keys.sweep_key(spec.sweep_id, "*"))}
    assert left <= {keys.sweep_key(spec.sweep_id, name) for name in ("spec", "state", "finisher")}, left
    told = [line for line in (tmp_path / "away.log").read_text(encoding="utf-8").splitlines() if "was away" in line]
    assert len(told) == 1 and spec.sweep_id in told[0], told


@pytest.mark.timeout(120)  # before, the coordinator waited for a worker that never came, for ever
def test_a_local_worker_that_crashes_before_it_joins_is_counted_lost_and_the_run_says_so(
    tw_home, redis_server, monkeypatch
):
    """The coordinator's only worker dies on its way up (the OOM killer, a broken install), before it joined the
    sweep: no lease of it ever runs out, so nothing counted it lost and the coordinator waited for ever. Now the
    coordinator sees its process end unjoined at its next look, says so in one line, and gives the sweep up as
    for lost workers: the run failed, saying why, with what was queued counted as never read."""
    from typer.testing import CliRunner

    from cli.app import app
    from crawler.run_health import NEVER_READ_STAT, NO_WORKER_JOINED, WORKER_FAILED_STAT, WORKERS_LOST
    from runners.distributed import worker as worker_module

    def crashing_worker(*args: Any, **kwargs: Any) -> Any:
        child = worker_module.start_worker(*args, **kwargs)
        child.process.kill()  # before its interpreter is even up: long before it joins
        return child

    monkeypatch.setattr(coordinator, "start_worker", crashing_worker)
    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "1")
    began = time.monotonic()
    result = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(
        app,
        ["sweep", "-p", "demo", "-k", ",".join(KEYWORDS), "--base-url", "http://127.0.0.1:1", "--distributed"],
    )
    took = time.monotonic() - began
    (run,) = stored()["runs"]
    sweep_id = run.stats["tradewatch/sweep_id"]
    try:
        assert result.exit_code == 3, result.output
        assert took < 30, took  # the look after its end, two leases of 1 s with no worker, and the final look
        crashed = run.stats[WORKER_FAILED_STAT]
        assert "exit -9" in crashed
        assert (run.outcome, run.finish_reason) == ("failed", WORKERS_LOST)
        assert run.stats[NEVER_READ_STAT] == len(KEYWORDS)
        assert run.stats["tradewatch/health/reasons"] == [NO_WORKER_JOINED.format(error=crashed, count=len(KEYWORDS))]
        shown = " ".join(result.output.split())  # as wrapped on the terminal
        assert shown.count("错误：") == 1 and "一个工作进程在加入抓取前即已结束" in shown, result.output
        assert sweeps.sweep_state(redis_server, sweep_id) == "done"
    finally:
        forget_sweep(redis_server, sweep_id)

"""A distributed run records each listing once, whichever of its workers commits it: the store's unique key
decides, on SQLite and on PostgreSQL, not a look at Redis before the write."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem
from sqlmodel import Session, func, select

from core.config import get_settings
from crawler.distributed import keys, sweeps
from crawler.distributed.components import LeaseGuardPipeline
from crawler.distributed.queue import ReliableQueue
from crawler.items import ListingItem
from leads.db import get_engine, run_write
from leads.models import AuditEvent, Listing, ListingSnapshot, RunListing, utcnow
from leads.runs import finish_run, start_run
from leads.store import claim_run_listings, record_sighting
from leads.writer import ONCE_PER_RUN, RecordedAlready, Stored, write_batch
from pipelines.store import StoreListingPipeline
from runners.sweep_request import new_sweep_id
from spiders.listing import ListingSpider
from tests.crawl_support import project_crawler
from tests.leadstore_support import T0, listing, score
from tests.redis_support import forget_sweep

LISTING_ID = "100231"


def new_run(url: str, platform: str = "demo") -> int:
    return run_write(lambda session: start_run(session, platform=platform, keywords=["象牙"], campaign=None), url=url)


def seen(url: str) -> dict[str, int]:
    """How the store saw the listing: times seen, snapshots, leads created, runs that claimed it."""
    with Session(get_engine(url)) as session:
        times = session.exec(select(Listing.times_seen).where(Listing.listing_id == LISTING_ID)).one()
        return {
            "times_seen": times,
            "snapshots": session.exec(select(func.count()).select_from(ListingSnapshot)).one(),
            "created": session.exec(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "created")
            ).one(),
            "claims": session.exec(select(func.count()).select_from(RunListing)).one(),
        }


def entry(run_id: int, minutes: int = 0, *, once: bool = True, title: str | None = None) -> tuple[dict[str, Any], None]:
    args: dict[str, Any] = {
        "listing": listing(LISTING_ID, **({"title": title} if title else {})),
        "score": score(),
        "campaign": None,
        "seen_at": T0 + timedelta(minutes=minutes),
        "run_id": run_id,
    }
    if once:
        args[ONCE_PER_RUN] = True
    return args, None


def worker(url: str, redis_url: str, sweep_id: str, worker_id: str, run_id: int, *, once: bool) -> tuple[Any, ...]:
    """A worker's last two item pipelines (the lease guard, the store) as a distributed sweep builds them."""
    crawler = project_crawler(
        TRADEWATCH_DATABASE_URL=url,
        TRADEWATCH_REDIS_URL=redis_url,
        TRADEWATCH_SWEEP_ID=sweep_id,
        TRADEWATCH_SWEEP_PLATFORM="demo",
        TRADEWATCH_WORKER_ID=worker_id,
        TRADEWATCH_STORE_ONCE_PER_RUN=once,
        TRADEWATCH_STORE_WRITER="thread",
        TRADEWATCH_STORE_BATCH=1 if worker_id == "other" else 200,
        TRADEWATCH_STORE_FLUSH_MS=60_000,
        TRADEWATCH_STORE_MAX_WAIT_MS=60_000,
    )
    crawler.stats.open_spider()
    crawler.stats.set_value("tradewatch/run_id", run_id)
    store = StoreListingPipeline.from_crawler(crawler)
    store.open_spider()
    return crawler, LeaseGuardPipeline.from_crawler(crawler), store


def item_page(lease: str, minutes: int) -> ListingItem:
    values = listing(LISTING_ID)
    item = ListingItem(
        platform="demo",
        listing_id=LISTING_ID,
        url=values["url"],
        title=values["title"],
        description=values["description"],
        price=values["price"],
        currency=values["currency"],
        seller=values["seller"],
        seller_id=values["seller_id"],
        fetched_at=T0 + timedelta(minutes=minutes),
    )
    item.score = score()
    item.extra[keys.LEASE_ID] = lease
    return item


@pytest.mark.redis
@pytest.mark.parametrize("once", [True, False], ids=["once_per_run", "before"])
def test_a_page_taken_over_while_its_listing_waits_in_the_store_batch_is_recorded_once(
    store_url: str, redis_url: str, once: bool
):
    """Worker `away` holds an item page, its listing passes the lease guard and waits in its store's batch; its
    lease runs out there (a stalled machine), the page goes back to the queue, and worker `other` takes it (the
    same lease), reads it again and stores the listing. When `away`'s batch commits, the run had recorded the
    listing: it is dropped, not seen a second time (before: seen twice, its price history and the run's
    counts with it)."""
    server = keys.connect(redis_url)
    sweep_id = new_sweep_id()
    server.zadd(keys.SWEEPS_KEY, {sweep_id: 0})
    run_id = new_run(store_url)
    try:
        for worker_id in ("away", "other"):
            assert sweeps.register_worker(server, sweep_id, worker_id, lease_seconds=30)
        spider = ListingSpider(platform="demo", keywords="象牙")
        base = keys.sweep_key(sweep_id, "demo")
        queues = {name: ReliableQueue(server, spider, base, worker_id=name) for name in ("away", "other")}
        queues["away"].push(Request(listing(LISTING_ID)["url"], callback=spider.parse_item))
        popped = queues["away"].pop()
        assert popped is not None
        lease = popped.meta[keys.LEASE_ID]
        away_crawler, away_guard, away_store = worker(store_url, redis_url, sweep_id, "away", run_id, once=once)
        other_crawler, other_guard, other_store = worker(store_url, redis_url, sweep_id, "other", run_id, once=once)

        async def crawl() -> Any:
            waiting = asyncio.ensure_future(away_store.process_item(away_guard.process_item(item_page(lease, 0))))
            await asyncio.sleep(0.05)
            assert not waiting.done()  # in the batch, not committed
            server.delete(keys.heartbeat_key("away"))  # its lease runs out
            assert sweeps.reap(server, sweep_id, ["demo"]) == 1
            taken = queues["other"].pop()
            assert taken is not None and taken.meta[keys.LEASE_ID] == lease
            await other_store.process_item(other_guard.process_item(item_page(lease, 1)))
            await away_store.close_spider()
            await other_store.close_spider()
            return await asyncio.gather(waiting, return_exceptions=True)

        (away_result,) = asyncio.run(crawl())
    finally:
        forget_sweep(server, sweep_id)
        for worker_id in ("away", "other"):
            server.delete(keys.heartbeat_key(worker_id))
    away_stats, other_stats = away_crawler.stats, other_crawler.stats
    assert other_stats.get_value("tradewatch/listings/new") == 1
    assert other_stats.get_value("tradewatch/leads/new") == 1
    if not once:
        assert isinstance(away_result, ListingItem)
        assert seen(store_url) == {"times_seen": 2, "snapshots": 1, "created": 1, "claims": 0}
        return
    assert isinstance(away_result, DropItem) and "recorded it already" in str(away_result)
    assert away_stats.get_value("tradewatch/listings/duplicate") == 1
    assert away_stats.get_value("tradewatch/listings/seen_again") is None
    assert away_stats.get_value("tradewatch/leads/updated") is None
    assert seen(store_url) == {"times_seen": 1, "snapshots": 1, "created": 1, "claims": 1}


def test_a_claim_not_yet_committed_is_waited_for_and_the_listing_recorded_once(store_url: str):
    """Two workers' transactions claim one listing of their run at once: the second waits for the first (PostgreSQL's
    unique index, SQLite's write lock) and, the first committed, writes nothing."""
    engine = get_engine(store_url)
    run_id = new_run(store_url)
    first = Session(engine)
    try:
        assert claim_run_listings(first, [(run_id, LISTING_ID)]) == {(run_id, LISTING_ID)}
        record_sighting(first, listing=listing(LISTING_ID), score=score(), seen_at=T0, run_id=run_id)
        outcome: dict[str, Any] = {}
        second = threading.Thread(
            target=lambda: outcome.update(written=write_batch([entry(run_id, 1)], engine=engine, home=None))
        )
        second.start()
        second.join(0.5)
        assert second.is_alive()  # waiting for the first transaction, not reading around it
        first.commit()
    finally:
        first.close()
    second.join(30)
    assert outcome["written"] == [RecordedAlready(run_id, LISTING_ID)]
    assert seen(store_url) == {"times_seen": 1, "snapshots": 1, "created": 1, "claims": 1}


@pytest.mark.parametrize("path", ["batch", "one_by_one"])
def test_each_run_records_a_listing_once_and_a_single_process_crawl_as_before(
    store_url: str, path: str, monkeypatch: pytest.MonkeyPatch
):
    """In one batch, or listing by listing after a batch failed: a run's second entry of a listing is recorded
    already; another run records it again; an entry of a single-process crawl (no claim) is recorded as before."""
    if path == "one_by_one":
        import leads.writer

        def failing(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("the batch fails")

        monkeypatch.setattr(leads.writer, "prefetch_sightings", failing)
    first, second = new_run(store_url), new_run(store_url)
    written = write_batch(
        [
            entry(first, 0),
            entry(first, 1, title="老象牙手镯 包老保真 可小刀"),
            entry(second, 2),
            entry(first, 3, once=False),
        ],
        engine=get_engine(store_url),
        home=None,
    )
    assert [type(outcome) for outcome in written] == [Stored, RecordedAlready, Stored, Stored]
    assert written[1] == RecordedAlready(first, LISTING_ID)
    assert seen(store_url) == {"times_seen": 3, "snapshots": 1, "created": 1, "claims": 2}


def test_a_distributed_sweep_deletes_the_listing_claims_of_runs_finished_past_their_retention(
    store_url: str, redis_url: str
):
    """As a distributed sweep starts, the claims of a run finished 40 days ago go (kept 30 days by default: its
    workers record nothing more); those of a run finished yesterday and of a run still crawling stay."""
    from runners.distributed import coordinator
    from runners.sweep_request import SweepRequest
    from spiders.sweep_params import SweepParams

    assert get_settings().run_listing_retention_days == 30
    old, recent, crawling = new_run(store_url), new_run(store_url), new_run(store_url)
    listings = (LISTING_ID, "100232")

    def work(session: Session) -> None:
        for run_id, days in ((old, 40), (recent, 1)):
            run = finish_run(session, run_id, finish_reason="finished", outcome="ok", counts={}, stats={})
            run.finished_at = utcnow() - timedelta(days=days)
        claim_run_listings(session, [(run, listing_id) for run in (old, recent, crawling) for listing_id in listings])

    run_write(work, url=store_url)
    server = keys.connect(redis_url)
    request = SweepRequest(platforms=["demo"], params=SweepParams(keywords=["象牙"]))
    spec = coordinator.start_sweep(server, request, database_url=store_url)
    forget_sweep(server, spec.sweep_id)
    with Session(get_engine(store_url)) as session:
        claims = sorted(session.exec(select(RunListing.run_id, RunListing.listing_id)).all())
    assert claims == sorted((run, listing_id) for run in (recent, crawling) for listing_id in listings)

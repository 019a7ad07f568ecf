"""The store pipeline writes in batches off the reactor thread, and keeps the lead store's semantics."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from sqlmodel import Session, func, select

from crawler.items import ListingItem
from leads.db import get_engine, run_write
from leads.models import AuditEvent, Lead, Listing, ListingSnapshot
from pipelines.normalise_item import NormaliseListingPipeline
from pipelines.score import ScoreListingPipeline, crawl_scorer
from pipelines.store import StoreListingPipeline
from tests.crawl_support import project_crawler


def item(number: int, *, title: str | None = None, price: str = "¥100") -> ListingItem:
    return ListingItem(
        platform="demo",
        listing_id=str(100000 + number),
        url=f"http://127.0.0.1:8765/plain/item/{100000 + number}",
        title=title or (f"象牙手镯 老料 {number}" if number % 3 == 0 else f"儿童自行车 {number}"),
        description="闲置转让",
        price=price,
        seller=f"卖家{number % 7}",
        seller_id=f"s{number % 7}",
        fetched_at=datetime(2024, 6, 1, 2, 0, tzinfo=UTC),
    )


def pipelines(url: str, **settings: Any) -> tuple[list[Any], Any]:
    """The sweep's pipelines on the project's settings: the store writes through its writer process."""
    crawler = project_crawler(TRADEWATCH_DATABASE_URL=url, **settings)
    crawler.stats.open_spider()
    built = [
        cls.from_crawler(crawler) for cls in (NormaliseListingPipeline, ScoreListingPipeline, StoreListingPipeline)
    ]
    built[2].open_spider()
    crawl_scorer(crawler)  # loaded while the crawl opens, before its first item (items here come at set times)
    return built, crawler


async def through(built: list[Any], listing: ListingItem) -> ListingItem:
    result: Any = listing
    for pipeline in built:
        result = pipeline.process_item(result)
        if asyncio.iscoroutine(result):
            result = await result
    return result


def counts(url: str) -> dict[str, int]:
    with Session(get_engine(url)) as session:
        return {
            name: session.exec(select(func.count()).select_from(model)).one()
            for name, model in (("listings", Listing), ("leads", Lead), ("snapshots", ListingSnapshot))
        } | {
            "created": session.exec(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "created")
            ).one()
        }


def test_concurrent_items_are_stored_in_few_transactions_with_their_lead_ids(store_url: str):
    built, crawler = pipelines(store_url, TRADEWATCH_STORE_BATCH=25, TRADEWATCH_STORE_FLUSH_MS=20)

    async def crawl() -> list[ListingItem]:
        done = await asyncio.gather(*(through(built, item(n)) for n in range(120)))
        await built[2].close_spider()
        return list(done)

    stored = asyncio.run(crawl())
    assert counts(store_url) == {"listings": 120, "leads": 40, "snapshots": 120, "created": 40}
    assert all("listing_pk" in listing.extra for listing in stored)
    assert {(int(listing.listing_id) - 100000) % 3 == 0 for listing in stored if "lead_pk" in listing.extra} == {True}
    assert len([listing for listing in stored if "lead_pk" in listing.extra]) == 40
    assert crawler.stats.get_value("tradewatch/store/batches") <= 6  # 120 items, batches of 25
    assert crawler.stats.get_value("tradewatch/listings/new") == 120
    assert crawler.stats.get_value("tradewatch/leads/new") == 40


def _busy_with_first_batch(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], threading.Event]:
    """The sizes of the batches the (thread) writer is given, in order, and the event that lets it finish the
    first one: it stays busy with that batch until the event is set."""
    import leads.writer as writer_module

    real = writer_module.write_batch
    sizes: list[int] = []
    release = threading.Event()

    def slow_first(batch: list[Any], **kwargs: Any) -> list[Any]:
        sizes.append(len(batch))
        if len(sizes) == 1:
            release.wait(10)
        return real(batch, **kwargs)

    monkeypatch.setattr(writer_module, "write_batch", slow_first)
    return sizes, release


def test_items_that_come_while_the_writer_is_busy_go_in_one_batch_when_it_is_free(
    store_url: str, monkeypatch: pytest.MonkeyPatch
):
    built, crawler = pipelines(
        store_url, TRADEWATCH_STORE_WRITER="thread", TRADEWATCH_STORE_BATCH=25, TRADEWATCH_STORE_FLUSH_MS=10
    )
    sizes, release = _busy_with_first_batch(monkeypatch)  # until every later item has come

    async def crawl() -> None:
        first = asyncio.ensure_future(through(built, item(0)))
        while not sizes:  # the writer has taken the first item alone, however late its flush timer fired
            await asyncio.sleep(0.005)
        later = []
        for number in range(1, 9):  # each well after the flush delay of the one before
            await asyncio.sleep(0.03)
            later.append(asyncio.ensure_future(through(built, item(number))))
        await asyncio.sleep(0.03)
        release.set()
        await asyncio.gather(first, *later)
        await built[2].close_spider()

    asyncio.run(crawl())
    assert sizes == [1, 8]  # not eight batches of one queued behind the first
    assert crawler.stats.get_value("tradewatch/store/batches") == 2
    assert counts(store_url)["listings"] == 9


def _batch_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the batches the (thread) writer is given, in order."""
    import leads.writer as writer_module

    real = writer_module.write_batch
    sizes: list[int] = []

    def counted(batch: list[Any], **kwargs: Any) -> list[Any]:
        sizes.append(len(batch))
        return real(batch, **kwargs)

    monkeypatch.setattr(writer_module, "write_batch", counted)
    return sizes


def timed_pipelines(store_url: str, *, flush_ms: int, max_wait_ms: int) -> tuple[list[Any], Any]:
    return pipelines(
        store_url,
        TRADEWATCH_STORE_WRITER="thread",
        TRADEWATCH_STORE_BATCH=100,
        TRADEWATCH_STORE_FLUSH_MS=flush_ms,
        TRADEWATCH_STORE_MAX_WAIT_MS=max_wait_ms,
    )


def test_a_steady_stream_of_items_goes_in_one_batch_stored_soon_after_the_last(
    store_url: str, monkeypatch: pytest.MonkeyPatch
):
    """Items that keep coming (each well within the flush delay of the one before) are one transaction, not one
    per flush delay; it is committed once they stop, before the spider closes."""
    sizes = _batch_sizes(monkeypatch)
    built, crawler = timed_pipelines(store_url, flush_ms=400, max_wait_ms=60_000)

    async def crawl() -> list[int]:
        stream = []
        for number in range(12):
            stream.append(asyncio.ensure_future(through(built, item(number))))
            await asyncio.sleep(0.04)  # 0.48 s in all: more than the flush delay
        await asyncio.gather(*stream)  # committed without the spider closing
        committed = list(sizes)
        await built[2].close_spider()
        return committed

    assert asyncio.run(crawl()) == [12]
    assert counts(store_url)["listings"] == 12
    assert crawler.stats.get_value("tradewatch/store/batches") == 1


def test_a_writer_that_becomes_free_gets_the_growing_batch_only_once_it_is_due(
    store_url: str, monkeypatch: pytest.MonkeyPatch
):
    """Items that came while the writer was busy are not sent the moment it is free while more keep coming (a
    handful per transaction, and each costs the writer a few milliseconds whatever its size): they go with the
    ones after them, once no item came for the flush delay."""
    import leads.writer as writer_module

    built, _ = timed_pipelines(store_url, flush_ms=800, max_wait_ms=60_000)
    real = writer_module.write_batch
    sizes: list[int] = []
    written, release = threading.Event(), threading.Event()

    def busy_after_the_first(batch: list[Any], **kwargs: Any) -> list[Any]:
        """Writes the first batch, then stays busy until released: however long that write took, the items
        that come meanwhile are fresh when the writer becomes free."""
        sizes.append(len(batch))
        result = real(batch, **kwargs)
        if len(sizes) == 1:
            written.set()
            release.wait(30)
        return result

    monkeypatch.setattr(writer_module, "write_batch", busy_after_the_first)

    async def crawl() -> None:
        first = asyncio.ensure_future(through(built, item(0)))
        while not written.is_set():  # the first batch went after the flush delay, and is written
            await asyncio.sleep(0.01)
        stream = []
        for number in range(1, 5):
            stream.append(asyncio.ensure_future(through(built, item(number))))
            await asyncio.sleep(0.05)
        release.set()
        await first  # the writer is free again, with four items waiting and more to come
        for number in range(5, 9):
            stream.append(asyncio.ensure_future(through(built, item(number))))
            await asyncio.sleep(0.05)
        await asyncio.gather(*stream)
        await built[2].close_spider()

    asyncio.run(crawl())
    assert sizes == [1, 8]  # not [1, 4, 4]
    assert counts(store_url)["listings"] == 9


def test_a_batch_waits_at_most_its_maximum_for_more_items(store_url: str, monkeypatch: pytest.MonkeyPatch):
    """However steadily items come, a batch is sent once its first item waited TRADEWATCH_STORE_MAX_WAIT_MS."""
    sizes = _batch_sizes(monkeypatch)
    built, _ = timed_pipelines(store_url, flush_ms=60_000, max_wait_ms=100)

    async def crawl() -> None:
        first = asyncio.ensure_future(through(built, item(0)))
        await asyncio.wait_for(first, timeout=30)  # stored long before the flush delay of a minute
        await through(built, item(1))
        await built[2].close_spider()

    asyncio.run(crawl())
    assert sizes == [1, 1]
    assert counts(store_url)["listings"] == 2


def test_a_listing_seen_twice_in_one_batch_is_one_listing_with_history(store_url: str):
    built, crawler = pipelines(store_url, TRADEWATCH_STORE_BATCH=10, TRADEWATCH_STORE_FLUSH_MS=50)

    async def crawl() -> None:
        await asyncio.gather(through(built, item(3, price="¥100")), through(built, item(3, price="¥90")))
        await built[2].close_spider()

    asyncio.run(crawl())
    assert counts(store_url) == {"listings": 1, "leads": 1, "snapshots": 2, "created": 1}
    assert crawler.stats.get_value("tradewatch/leads/updated") == 1
    with Session(get_engine(store_url)) as session:
        assert session.exec(select(Listing)).one().times_seen == 2


def test_a_batchs_listings_are_recorded_as_plain_rows_and_their_changes_written_at_its_end(store_url: str):
    """A batch's listings, new or stored, are recorded without an object the session tracks (nothing of them to
    flush), a listing seen a second time in the batch too; what its sightings changed is written once its last
    is recorded (`store_changes`), with the new snapshot."""
    from leads.db import run_write
    from leads.store import prefetch_sightings, record_sighting, store_changes
    from tests.leadstore_support import T0, later, listing, score

    first = [{"listing": listing(str(number)), "score": score(), "seen_at": T0} for number in (1, 2, 3)]
    again = {"listing": listing("2", title="老象牙手镯 降价"), "score": score(), "seen_at": later(1)}

    def write(session: Session) -> tuple[list[str], str]:
        known = prefetch_sightings(session, [*first, again])
        for args in first:
            assert record_sighting(session, **args, known=known).listing_created
        sighting = record_sighting(session, **again, known=known)
        assert not sighting.listing_created and sighting.snapshot_created
        tracked = sorted(obj.listing_id for obj in session.identity_map.values() if isinstance(obj, Listing))
        before_the_end = session.connection().execute(select(Listing.title).where(Listing.listing_id == "2"))
        store_changes(session, known)
        return tracked, before_the_end.scalar_one()

    assert run_write(write, url=store_url) == ([], "老象牙手镯 包老保真")
    with Session(get_engine(store_url)) as session:
        stored = {row.listing_id: row for row in session.exec(select(Listing))}
        snapshots = session.exec(select(ListingSnapshot).order_by(ListingSnapshot.id)).all()
    assert sorted(stored) == ["1", "2", "3"]
    assert stored["2"].title == "老象牙手镯 降价" and stored["2"].times_seen == 2
    assert stored["2"].last_seen == later(1) and stored["2"].first_seen == T0
    assert [stored[key].times_seen for key in ("1", "3")] == [1, 1]
    assert [(row.listing_pk, row.title, row.seen_at) for row in snapshots[3:]] == [
        (stored["2"].id, "老象牙手镯 降价", later(1))
    ]


def test_one_bad_listing_costs_only_itself(store_url: str, monkeypatch: pytest.MonkeyPatch):
    # The thread writer, so that the failure planted below is in the process that writes.
    built, crawler = pipelines(
        store_url, TRADEWATCH_STORE_WRITER="thread", TRADEWATCH_STORE_BATCH=10, TRADEWATCH_STORE_FLUSH_MS=50
    )
    import leads.writer as writer_module

    real = writer_module.record_sighting

    def picky(session: Session, **kwargs: Any) -> Any:
        if kwargs["listing"]["listing_id"] == "100004":
            raise ValueError("cannot store this one")
        return real(session, **kwargs)

    monkeypatch.setattr(writer_module, "record_sighting", picky)

    async def crawl() -> list[Any]:
        results = await asyncio.gather(*(through(built, item(n)) for n in range(10)), return_exceptions=True)
        await built[2].close_spider()
        return results

    results = asyncio.run(crawl())
    failed = [result for result in results if isinstance(result, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], DropItem)
    assert counts(store_url)["listings"] == 9
    assert crawler.stats.get_value("tradewatch/store/failed") == 1


def test_closing_the_spider_flushes_a_batch_that_is_not_full(store_url: str):
    built, _ = pipelines(store_url, TRADEWATCH_STORE_BATCH=1000, TRADEWATCH_STORE_FLUSH_MS=60_000)

    async def crawl() -> None:
        pending = [asyncio.ensure_future(through(built, item(n))) for n in range(5)]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in pending)  # waiting for a full batch or the timer
        await built[2].close_spider()
        await asyncio.gather(*pending)

    asyncio.run(crawl())
    assert counts(store_url)["listings"] == 5


class _Engine:
    """Stands in for Scrapy's engine: records why the pipeline asked to close the spider."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def close_spider_async(self, *, reason: str) -> None:
        self.reasons.append(reason)


def test_a_writer_process_that_dies_fails_its_items_and_closes_the_spider(store_url: str):
    built, crawler = pipelines(store_url, TRADEWATCH_STORE_BATCH=5)
    store = built[2]
    crawler.engine = _Engine()
    writer = store._writer
    assert writer is not None and writer.process.is_alive()

    async def crawl() -> list[Any]:
        first = await asyncio.gather(*(through(built, item(n)) for n in range(5)))
        assert all("listing_pk" in listing.extra for listing in first)  # the writer stored a whole batch
        writer.process.kill()
        writer.process.join()
        later = await asyncio.gather(*(through(built, item(n)) for n in range(5, 12)), return_exceptions=True)
        await asyncio.wait_for(store.close_spider(), timeout=30)  # closing does not hang on the dead writer
        await asyncio.sleep(0)  # let the requested close run
        return later

    later = asyncio.run(crawl())
    assert all(isinstance(result, DropItem) for result in later)
    assert "writer process" in str(later[0])
    assert counts(store_url)["listings"] == 5  # what was committed before the death stays; nothing half-written
    assert crawler.stats.get_value("tradewatch/store/writer_died") == 1
    assert crawler.stats.get_value("tradewatch/store/failed") == 7
    assert crawler.engine.reasons == ["store_writer_died"]


def test_a_writer_started_early_is_handed_to_the_store_that_matches_it(store_url: str, tmp_path):
    from leads.writer import ProcessWriter, stop_unused_writers

    ProcessWriter.start_early(store_url, tmp_path)
    ProcessWriter.start_early(store_url, tmp_path / "other home")
    early = list(ProcessWriter._started_early)
    try:
        taken = ProcessWriter.open(store_url, tmp_path)
        assert taken is early[0]  # no second interpreter started for it
        assert ProcessWriter._started_early == [early[1]]
        fresh = ProcessWriter.open(store_url, tmp_path / "a third home")
        assert fresh not in early  # another store gets a writer of its own
        for writer in (taken, fresh):
            writer.stop()
            assert writer.process.exitcode == 0
    finally:
        stop_unused_writers()
    assert ProcessWriter._started_early == []
    assert not early[1].process.is_alive()


def test_a_js_crawl_writes_in_its_own_thread_and_starts_no_writer_process(store_url: str, tw_home, monkeypatch):
    from scrapy.utils.project import get_project_settings

    from crawler.profiles import load_profile
    from leads.writer import ProcessWriter, stop_unused_writers
    from runners.crawl_settings import crawl_settings, start_store_writers

    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", store_url)
    base = get_project_settings()
    js, static = load_profile("demo-js"), load_profile("demo")
    assert crawl_settings(js, None)["TRADEWATCH_STORE_WRITER"] == "thread"
    assert "TRADEWATCH_STORE_WRITER" not in crawl_settings(static, None)  # the project's process writer
    try:
        start_store_writers(base, [js])
        assert ProcessWriter._started_early == []  # no interpreter (nor resource tracker) beside the browser
        start_store_writers(base, [static, js])
        assert len(ProcessWriter._started_early) == 1  # the static crawl's writer only
    finally:
        stop_unused_writers()


def _batch_entries() -> list[Any]:
    """Two listings as the store pipeline hands them to its writer: a lead with its page capture, and a plain one."""
    from pipelines.store import capture_values
    from tests.crawl_support import page_capture

    listings = [item(n) for n in (3, 4)]
    scores = [{"score": 90, "is_lead": True, "category": "wildlife.ivory"}, {}]
    return [
        (
            {
                "listing": listing.listing_fields() | {"price": 100.0, "currency": "CNY"},
                "score": score,
                "campaign": None,
                "seen_at": listing.fetched_at,
            },
            capture_values(page_capture()),
        )
        for listing, score in zip(listings, scores, strict=True)
    ]


@pytest.mark.parametrize("name", ["process", "thread"])
def test_both_writers_store_the_same_batch_with_its_evidence(store_url: str, tw_home, name: str):
    from leads.writer import store_writer

    writer = store_writer(name).open(store_url, tw_home)
    try:
        outcomes = writer.write(_batch_entries())
    finally:
        writer.stop()
    assert [outcome.evidence for outcome in outcomes] == ["captured", None]  # evidence only for the lead
    assert outcomes[0].sighting.lead_created and outcomes[1].sighting.lead_pk is None
    assert counts(store_url) == {"listings": 2, "leads": 1, "snapshots": 2, "created": 1}


SOLD = "<html><body>象牙手镯 已售</body></html>"


def lead_seen(number: int, body: str = "<html><body>象牙手镯 老料</body></html>") -> Any:
    """A lead's sighting and its page capture, as the store pipeline hands them to the writer."""
    from pipelines.store import capture_values
    from tests.crawl_support import page_capture

    listing = item(number)
    args = {
        "listing": listing.listing_fields() | {"price": 100.0, "currency": "CNY"},
        "score": {"score": 90, "is_lead": True, "category": "wildlife.ivory"},
        "campaign": None,
        "seen_at": listing.fetched_at,
    }
    return args, capture_values(page_capture(body=f"{body}{number}".encode()))


def test_a_batchs_evidence_rows_are_those_of_its_captures_stored_one_at_a_time(tw_home: Path):
    """A batch inserts its new leads' evidence file rows together, yet its evidence comes out row for row (ids
    included) as capturing one listing at a time leaves it: a lead seen again in the batch with its page
    unchanged adds no version, one whose page changed adds one."""
    from dataclasses import asdict

    from sqlmodel import col

    from leads.models import Evidence, EvidenceFile
    from leads.writer import write_batch

    entries = [lead_seen(3), lead_seen(6), lead_seen(3), lead_seen(9), lead_seen(6, body=SOLD)]
    batched, one_by_one = f"sqlite:///{tw_home / 'batched.db'}", f"sqlite:///{tw_home / 'one_by_one.db'}"
    outcomes = write_batch(entries, engine=get_engine(batched), home=tw_home)
    singly = [write_batch([entry], engine=get_engine(one_by_one), home=tw_home)[0] for entry in entries]
    assert [getattr(outcome, "evidence", outcome) for outcome in outcomes] == [
        "captured",
        "captured",
        "unchanged",
        "captured",
        "captured",
    ]
    assert [asdict(outcome) for outcome in outcomes] == [asdict(outcome) for outcome in singly]  # type: ignore[arg-type]

    def stored(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Each version, and each file with the body's digest (a WARC's record ids, and so the digests of the
        files that name it, are new in every capture)."""
        with Session(get_engine(url)) as session:
            versions = session.exec(
                select(Evidence.id, Evidence.lead_pk, Evidence.version).order_by(col(Evidence.id))
            ).all()
            files = session.exec(
                select(EvidenceFile.id, EvidenceFile.evidence_pk, EvidenceFile.name, EvidenceFile.sha256).order_by(
                    col(EvidenceFile.id)
                )
            ).all()
        return [tuple(row) for row in versions], [
            (pk, evidence_pk, name, sha if name.startswith("response-body") else None)
            for pk, evidence_pk, name, sha in files
        ]

    assert stored(batched) == stored(one_by_one)
    versions, files = stored(batched)
    assert [version for _, _, version in versions] == [1, 1, 1, 2]
    assert [evidence_pk for _, evidence_pk, _, _ in files] == [pk for pk in (1, 2, 3, 4) for _ in range(5)]


def test_a_batch_compares_the_pages_of_its_stored_leads_with_their_newest_captures_in_one_query(
    store_url: str, tw_home: Path
):
    """Leads stored before a batch: whether each page changed is told by one read of their newest captures for
    the whole batch, with no savepoint for an unchanged page, and the versions come out as one listing at a
    time stores them (a lead seen twice in the batch is compared with the capture the batch stored for it)."""
    from sqlalchemy import event

    from leads.writer import write_batch

    engine = get_engine(store_url)
    first = write_batch([lead_seen(number) for number in (3, 6, 9, 12)], engine=engine, home=tw_home)
    assert [outcome.evidence for outcome in first] == ["captured"] * 4  # type: ignore[union-attr]
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        unchanged = write_batch([lead_seen(number) for number in (3, 6, 9, 12)], engine=engine, home=tw_home)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert [outcome.evidence for outcome in unchanged] == ["unchanged"] * 4  # type: ignore[union-attr]
    evidence_reads = [text for text in statements if text.lstrip().upper().startswith("SELECT") and "evidence" in text]
    assert len(evidence_reads) == 1, evidence_reads
    assert not [text for text in statements if "SAVEPOINT" in text.upper()]

    again = [lead_seen(3), lead_seen(6, body=SOLD), lead_seen(6, body=SOLD), lead_seen(9, body=SOLD), lead_seen(9)]
    outcomes = write_batch(again, engine=engine, home=tw_home)
    assert [(o.evidence, o.evidence_version) for o in outcomes] == [  # type: ignore[union-attr]
        ("unchanged", None),
        ("captured", 2),
        ("unchanged", None),
        ("captured", 2),
        ("captured", 3),
    ]


def test_evidence_that_cannot_be_written_costs_neither_the_lead_nor_the_batch(
    store_url: str, tw_home, monkeypatch: pytest.MonkeyPatch
):
    """A full disk while a new lead's capture is written, and again while a known lead's changed page is: each
    lead and listing is stored with the rest of its batch, and neither leaves an evidence row."""
    import leads.evidence as evidence_module
    from leads.models import Evidence
    from leads.writer import ThreadWriter

    def disk_full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    writer = ThreadWriter.open(store_url, tw_home)
    lead, plain = _batch_entries()
    known = writer.write([lead])[0]  # a lead with its first capture
    monkeypatch.setattr(evidence_module, "_write_temporary", disk_full)  # a file synced as it is written
    monkeypatch.setattr(evidence_module, "_write_new", disk_full)  # a file of the batch's, synced with the rest
    listing = lead[0]["listing"] | {"listing_id": "100009", "url": "http://127.0.0.1:8765/plain/item/100009"}
    new_lead = ({**lead[0], "listing": listing}, lead[1])
    assert lead[1] is not None
    sold = (lead[0], {**lead[1], "body": lead[1]["body"] + "<!-- 已售 -->".encode()})  # a new version is due
    outcomes = writer.write([new_lead, sold, plain])
    assert [outcome.evidence for outcome in outcomes] == ["failed", "failed", None]
    assert outcomes[0].sighting.lead_created and "No space left" in (outcomes[0].error or "")
    assert outcomes[1].sighting.lead_pk == known.sighting.lead_pk and not outcomes[1].sighting.lead_created
    with Session(get_engine(store_url)) as session:
        assert [row.lead_pk for row in session.exec(select(Evidence))] == [known.sighting.lead_pk]
    assert counts(store_url) == {"listings": 3, "leads": 2, "snapshots": 3, "created": 2}


# A crawl process as it starts its writer: one thread, an engine with a pooled connection already open.
_FORKED_WRITER = """
import pickle, sys
from pathlib import Path
from sqlmodel import Session, func, select
from leads.db import get_engine
from leads.models import Listing
from leads.writer import ProcessWriter

url, home, entries = sys.argv[1], Path(sys.argv[2]), pickle.loads(Path(sys.argv[3]).read_bytes())
engine = get_engine(url)
with Session(engine) as session:
    session.exec(select(func.count()).select_from(Listing)).one()
pooled = engine.pool.checkedin()
ProcessWriter.start_early(url, home)
inherited = engine.pool.checkedin()  # open connections the writer would have inherited
writer = ProcessWriter.open(url, home)
outcomes = writer.write(entries)
writer.stop()
with Session(engine) as session:  # the crawl process's own connections still work
    listings = session.exec(select(func.count()).select_from(Listing)).one()
print(writer.start_method, writer.process.exitcode, [outcome.evidence for outcome in outcomes], listings)
print(pooled, inherited)
"""


def test_a_writer_started_before_any_other_thread_is_forked_and_stores_like_a_spawned_one(
    store_url: str, tw_home, tmp_path
):
    import pickle
    import subprocess
    import sys

    get_engine(store_url)  # the store exists, as the sweep's parent makes sure
    batch = tmp_path / "batch.pickle"
    batch.write_bytes(pickle.dumps(_batch_entries()))
    done = subprocess.run(
        [sys.executable, "-c", _FORKED_WRITER, store_url, str(tw_home), str(batch)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["fork", "0", "['captured',", "None]", "2", "1", "0"]
    assert counts(store_url) == {"listings": 2, "leads": 1, "snapshots": 2, "created": 1}


# A crawl process that forks its writer while its cycle collector is off (as while it builds its crawls).
_WRITER_COLLECTOR = """
import gc, pickle, sys
from pathlib import Path
import leads.writer as writer_module

def write_batch(batch, **kwargs):
    Path(sys.argv[4]).write_text(f"{gc.isenabled()} {gc.get_freeze_count() > 0}")
    return original(batch, **kwargs)

original, writer_module.write_batch = writer_module.write_batch, write_batch
url, home, entries = sys.argv[1], Path(sys.argv[2]), pickle.loads(Path(sys.argv[3]).read_bytes())
gc.disable()
writer = writer_module.ProcessWriter.open(url, home)
writer.write(entries)
writer.stop()
print(writer.start_method, writer.process.exitcode)
"""


def test_a_forked_writer_collects_cycles_of_its_own_whatever_the_crawl_process_had(store_url: str, tw_home, tmp_path):
    """A long sweep's writer would otherwise grow without bound: forked while the crawl process has its collector
    off, it must switch it on for what it allocates (what it inherited stays frozen)."""
    import pickle
    import subprocess
    import sys

    get_engine(store_url)
    batch, seen = tmp_path / "batch.pickle", tmp_path / "collector"
    batch.write_bytes(pickle.dumps(_batch_entries()))
    done = subprocess.run(
        [sys.executable, "-c", _WRITER_COLLECTOR, store_url, str(tw_home), str(batch), str(seen)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["fork", "0"]
    assert seen.read_text() == "True True"


def test_a_writer_started_beside_other_threads_is_spawned(store_url: str, tw_home):
    import threading

    from leads.writer import ProcessWriter

    hold = threading.Event()
    other = threading.Thread(target=hold.wait)
    other.start()
    try:
        writer = ProcessWriter.open(store_url, tw_home)
        try:
            assert writer.start_method == "spawn"
            assert [outcome.evidence for outcome in writer.write(_batch_entries())] == ["captured", None]
        finally:
            writer.stop()
    finally:
        hold.set()
        other.join()


def test_an_unknown_writer_is_one_clear_error():
    from core.errors import TradewatchError

    with pytest.raises(TradewatchError, match="unknown store writer 'disk'"):
        StoreListingPipeline.from_crawler(project_crawler(TRADEWATCH_STORE_WRITER="disk"))


def test_a_batchs_evidence_is_synced_together_and_linked_before_its_rows_commit(
    store_url: str, tw_home, monkeypatch: pytest.MonkeyPatch
):
    """Two new leads' captures in one batch: their files are synced in two calls for the whole batch (contents,
    then links), no file is under its address before its content was synced, and both syncs come before the
    batch's evidence rows are committed."""
    import leads.evidence as evidence_module
    from leads.evidence import blob_path, evidence_root
    from leads.models import EvidenceFile
    from leads.writer import ThreadWriter

    root = evidence_root(tw_home)
    events: list[tuple[str, int, int]] = []  # (what, paths given, files under their address)

    def recording_sync(paths: Any, *, anchor: Any) -> None:
        linked = sum(1 for path in root.glob("sha256/??/*") if path.is_file() and not path.name.startswith("."))
        events.append(("sync", len(list(paths)), linked))

    commit = Session.commit

    def recording_commit(self: Session) -> None:
        events.append(("commit", 0, 0))
        commit(self)

    monkeypatch.setattr(Session, "commit", recording_commit)
    monkeypatch.setattr(evidence_module, "sync_together", recording_sync)
    writer = ThreadWriter.open(store_url, tw_home)
    lead, plain = _batch_entries()
    assert lead[1] is not None
    listing = lead[0]["listing"] | {"listing_id": "100009", "url": "http://127.0.0.1:8765/plain/item/100009"}
    other = ({**lead[0], "listing": listing}, {**lead[1], "body": lead[1]["body"] + "<!-- 另一件 -->".encode()})
    outcomes = writer.write([lead, other, plain])

    assert [outcome.evidence for outcome in outcomes] == ["captured", "captured", None]
    with Session(get_engine(store_url)) as session:
        digests = set(session.exec(select(EvidenceFile.sha256)))
    assert [what for what, _, _ in events] == ["sync", "sync", "commit"], events  # synced before the commit
    (_, contents, linked_then), (_, _, linked_after) = events[:2]
    assert contents == len(digests)  # each distinct file once, whatever the number of captures
    assert linked_then == 0  # nothing under its address before its content is synced
    assert linked_after == len(digests)
    assert all(blob_path(root, digest).exists() for digest in digests)
    assert not list(root.glob("sha256/??/.*.tmp"))  # no temporary file left


def test_a_batch_that_fails_leaves_no_temporary_evidence_file(store_url: str, tw_home, monkeypatch: pytest.MonkeyPatch):
    """The file system fails as the batch's evidence is synced: the batch is stored listing by listing, each
    capture synced on its own, and nothing of the failed attempt is left in the evidence folders."""
    import leads.evidence as evidence_module
    from leads.evidence import blob_path, evidence_root
    from leads.models import EvidenceFile
    from leads.writer import ThreadWriter

    def failing_sync(paths: Any, *, anchor: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(evidence_module, "sync_together", failing_sync)
    writer = ThreadWriter.open(store_url, tw_home)
    outcomes = writer.write(_batch_entries())

    assert [outcome.evidence for outcome in outcomes] == ["captured", None]
    root = evidence_root(tw_home)
    with Session(get_engine(store_url)) as session:
        digests = list(session.exec(select(EvidenceFile.sha256)))
    assert digests and all(blob_path(root, digest).exists() for digest in digests)
    assert not list(root.glob("sha256/??/.*.tmp"))
    assert counts(store_url) == {"listings": 2, "leads": 1, "snapshots": 2, "created": 1}


def test_a_batch_leaves_sellers_and_listings_as_listing_by_listing_recording_does(tw_home: Path):
    """A batch reads its sellers and stored listings as plain rows and writes those that changed at its end:
    sellers (name, first and last sight), listings (a field seen empty keeps its value, a listing seen before its
    first sight or at another seller) and their snapshots come out as recording the same sightings one by one
    leaves them."""
    from leads.models import Seller
    from leads.store import record_sighting
    from leads.writer import write_batch
    from tests.leadstore_support import later, listing, score

    def seen(number: int, seller: str, seller_id: str, hours: float, **changes: Any) -> dict[str, Any]:
        values = listing(str(number), seller=seller, seller_id=seller_id, **changes)
        return {"listing": values, "score": score(20, is_lead=False), "seen_at": later(hours)}

    batches = [
        [seen(1, "古玩老张", "s1", 0), seen(2, "小李", "s2", 1)],
        [seen(3, "张记古玩", "s1", 3), seen(1, "张记古玩", "s1", 2, title="老象牙手镯 降价"), seen(5, "王五", "s3", 2)],
        [seen(7, "小李 二手", "s2", 0.5), seen(2, "王五", "s3", 4), seen(1, "张记古玩", "s1", 5)],
        [seen(3, "张记古玩", "s1", -1, description="", price=9800.0), seen(7, "王五", "s3", 6, description="")],
    ]
    batched, one_by_one = f"sqlite:///{tw_home / 'batched.db'}", f"sqlite:///{tw_home / 'one_by_one.db'}"
    for batch in batches:
        outcomes = write_batch([(args, None) for args in batch], engine=get_engine(batched), home=tw_home)
        assert not [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        for args in batch:
            run_write(lambda session, args=args: record_sighting(session, **args, home=tw_home), url=one_by_one)

    def stored(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
        with Session(get_engine(url)) as session:
            sellers = session.exec(select(Seller).order_by(Seller.seller_key)).all()
            listings = session.exec(select(Listing).order_by(Listing.listing_id)).all()
            return (
                [(row.seller_key, row.name, row.first_seen, row.last_seen) for row in sellers],
                [
                    (
                        row.listing_id,
                        row.title,
                        row.description,
                        row.price,
                        row.seller,
                        row.seller_pk,
                        row.times_seen,
                        row.first_seen,
                        row.last_seen,
                        row.content_hash,
                    )
                    for row in listings
                ],
                [
                    (row.listing_pk, row.seen_at, row.title, row.price, row.seller, row.content_hash)
                    for row in session.exec(
                        select(ListingSnapshot).order_by(ListingSnapshot.listing_pk, ListingSnapshot.id)
                    )
                ],
            )

    assert stored(batched) == stored(one_by_one)
    sellers, listings, snapshots = stored(batched)
    assert sellers == [
        ("s1", "张记古玩", later(0), later(5)),
        ("s2", "小李 二手", later(1), later(1)),
        ("s3", "王五", later(2), later(6)),
    ]
    assert [(row[0], row[1], row[6], row[8]) for row in listings[:2]] == [
        ("1", "老象牙手镯 包老保真", 3, later(5)),
        ("2", "老象牙手镯 包老保真", 2, later(4)),
    ]
    assert [(row[0], row[2], row[3], row[6], row[7]) for row in (listings[2], listings[4])] == [
        ("3", "祖传老货，懂的来，私聊看实物", 9800.0, 2, later(-1)),  # seen empty: the description stays
        ("7", "祖传老货，懂的来，私聊看实物", 12800.0, 2, later(0.5)),
    ]
    # five listings; the first changed twice (title and seller, title back), the second once, the last two once
    assert len(snapshots) == 10


def test_a_batch_leaves_its_sellers_leads_ranked_as_counting_them_in_the_store_does(store_url: str, tw_home: Path):
    """A batch re-ranks the leads of each seller who gained a further lead with the counts it kept as it created
    them: the priorities are those that counting every seller's leads in the store gives."""
    from leads.store import reprioritise
    from leads.writer import write_batch
    from tests.leadstore_support import later, listing, score

    def seen(number: int, seller_id: str, hours: float, value: int = 85, **changes: Any) -> dict[str, Any]:
        values = listing(str(number), seller=f"卖家{seller_id}", seller_id=seller_id, **changes)
        return {"listing": values, "score": score(value, is_lead=value >= 50), "seen_at": later(hours)}

    batches = [
        [seen(1, "s1", 0), seen(2, "s2", 0), seen(3, "s3", 0, value=20)],
        [seen(4, "s1", 30), seen(5, "s1", 30, value=70), seen(3, "s3", 30), seen(6, "s3", 30)],
        [seen(10, "s1", 60), seen(7, "s2", 60), seen(8, "s2", 60), seen(9, "s4", 60, value=20)],
    ]
    engine = get_engine(store_url)
    for number, batch in enumerate(batches):
        outcomes = write_batch([(args, None) for args in batch], engine=engine, home=tw_home)
        assert not [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        with Session(engine) as session:
            stored = dict(session.exec(select(Lead.id, Lead.priority)).all())
            sellers = {args["listing"]["seller_id"] for args in batch}
            pks = session.exec(
                select(Listing.seller_pk).join(Lead, Lead.listing_id == Listing.id).distinct()  # type: ignore[arg-type]
            ).all()
            reprioritise(session, seller_pks=[pk for pk in pks if pk is not None], now=batch[0]["seen_at"])
            session.flush()
            recounted = dict(session.exec(select(Lead.id, Lead.priority)).all())
            session.rollback()
        # the leads of this batch's sellers rank as a recount ranks them at the batch's time
        touched = {
            lead_pk
            for lead_pk, seller_id in _seller_of_each_lead(engine).items()
            if seller_id in sellers and _leads_per_seller(engine)[seller_id] > 1
        }
        assert bool(touched) == (number > 0)  # from the second batch on, sellers gain further leads
        assert {pk: stored[pk] for pk in touched} == {pk: recounted[pk] for pk in touched}


def _seller_of_each_lead(engine: Any) -> dict[int, str]:
    from leads.models import Seller

    with Session(engine) as session:
        rows = session.exec(
            select(Lead.id, Seller.seller_key)
            .join(Listing, Lead.listing_id == Listing.id)  # type: ignore[arg-type]
            .join(Seller, Listing.seller_pk == Seller.id)  # type: ignore[arg-type]
        ).all()
    return {lead_pk: key for lead_pk, key in rows if lead_pk is not None}


def _leads_per_seller(engine: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in _seller_of_each_lead(engine).values():
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_a_forked_writer_inherits_the_models_configured(store_url: str, tmp_path):
    """The crawl process configures the store's models before it forks its writer, which then has nothing to
    configure (a fresh interpreter, as a crawl child is: the mappers of this test process are long configured)."""
    code = f"""
import threading
from leads.models import Lead
from leads.writer import ProcessWriter
assert threading.active_count() == 1 and not Lead.__mapper__.configured
writer = ProcessWriter({store_url!r}, None)
assert writer.start_method == "fork", writer.start_method
print(Lead.__mapper__.configured)
writer.stop()
"""
    done = _fresh_interpreter(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"]


def _fresh_interpreter(code: str, home):
    """Run ``code`` in a new interpreter with its own tradewatch home: what a crawl child imports and configures
    is only seen in a process that has not already done so, as this test process has."""
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "TRADEWATCH_HOME": str(home)}
    )


def test_a_forked_writer_inherits_the_stores_database_driver_imported(tmp_path):
    """The writer's engine needs the store's dialect and database driver: the crawl process imports them before
    it forks its writer (it makes its own engine of the store anyway), so the writer starts without importing."""
    found, store_url = tmp_path / "found", f"sqlite:///{tmp_path / 'store.db'}"
    code = f"""
import sys
import leads.writer
from leads.writer import ProcessWriter
assert "sqlalchemy.dialects.sqlite" not in sys.modules
writer_main = leads.writer._writer_main

def probe(*args):
    with open({str(found)!r}, "w") as file:
        file.write(str("sqlalchemy.dialects.sqlite" in sys.modules and "sqlite3" in sys.modules))
    writer_main(*args)

leads.writer._writer_main = probe
writer = ProcessWriter({store_url!r}, None)
assert writer.start_method == "fork", writer.start_method
writer.stop()
"""
    done = _fresh_interpreter(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert found.read_text() == "True"

"""Store pipeline: upsert the listing (dedupe on platform + listing id, keep history), create or update its lead,
and keep the page a lead was read from as evidence.

Items are written in batches, off the reactor thread: `process_item` puts the item in the current batch and
awaits it, so items keep flowing concurrently while one writer stores a whole batch in one transaction. With
TRADEWATCH_STORE_PROCESS (set in crawler.settings) the writer is a process of its own, started when the spider
opens and stopped, after its last batch, when it closes; batches go to it as plain values (the listing's fields,
score, campaign and times, and the page capture as a dict), and what each write did comes back. A writer process
that dies fails every pending and later item and closes the spider (`store_writer_died`); it is in the crawl's
process group, so killing the crawl kills it too and leaves only committed batches. Otherwise the writer is a
thread. The writer stores a batch in one transaction: the batch's sellers, listings and leads are read in a few
queries (`leads.store.prefetch_sightings`), then `leads.store.record_sighting` records each listing in order,
and a listing that is (or already was) a lead gets its page capture stored as a new evidence version in the same
transaction, so a lead and its evidence commit together (the evidence files are written, fsynced and linked
before the commit; an unchanged page adds no new version). A batch is flushed when it holds
TRADEWATCH_STORE_BATCH items or TRADEWATCH_STORE_FLUSH_MS after its first item, and when the spider closes. The
transaction is retried as a whole on lock, serialisation and unique-key races, so several crawl processes can
write one store at once; if it fails otherwise, its listings are written one by one so that one bad listing
costs only itself. An evidence capture that cannot be stored (an evidence or file system error) is rolled back
on its own, counted and logged; it never costs the listing. An item's process_item returns only after its batch
is committed, so the lead and its evidence are stored before a distributed sweep acknowledges the request. The
lead's id is left on the item (`item.extra["lead_pk"]`), and the evidence version stored, if any, as
`item.extra["evidence_version"]`. TRADEWATCH_STORE_EVIDENCE = False leaves evidence to
`pipelines.evidence.CaptureEvidencePipeline`.

Stats: `tradewatch/listings/new|seen_again|changed`, `tradewatch/leads/new|updated|requeued`,
`tradewatch/store/batches`, `tradewatch/store/failed`, `tradewatch/store/writer_died`,
`tradewatch/evidence/captured|unchanged|no_capture|failed|screenshots`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlmodel import Session

from crawler.items import ListingItem, PageCapture
from leads.config import get_settings
from leads.db import get_engine, run_write
from leads.errors import TradewatchError
from leads.evidence import same_as_latest_capture, store_capture
from leads.store import KnownRows, Sighting, prefetch_sightings, record_sighting

log = logging.getLogger(__name__)

DEFAULT_BATCH = 100
DEFAULT_FLUSH_MS = 50
EVIDENCE_DONE = "evidence"  # item.extra key: the store pipeline handled the item's evidence (captured|unchanged|...)


@dataclass(frozen=True)
class Stored:
    """What writing one item did: the sighting, and what became of its page capture."""

    sighting: Sighting
    evidence: str | None = None  # captured | unchanged | no_capture | failed; None when the listing is no lead
    evidence_version: int | None = None
    error: str | None = None


Outcome = Stored | BaseException
Entry = tuple[dict[str, Any], Mapping[str, Any] | None]  # record_sighting's arguments, and the page capture


class WriteFailed(Exception):
    """A listing the writer process could not store (the original error, as text)."""


class StoreWriterDied(RuntimeError):
    """The writer process is gone: nothing more can be stored in this crawl."""


def capture_values(capture: PageCapture | None) -> dict[str, Any] | None:
    """The page capture as plain values (the fields of PageCapture), as `leads.evidence.store_capture` takes it."""
    if capture is None:
        return None
    return {field.name: getattr(capture, field.name) for field in dataclasses.fields(capture)}


class StoreListingPipeline:
    """Writes every listing to the lead store; listings that scored as leads get a lead."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")
        self.batch_size = max(1, crawler.settings.getint("TRADEWATCH_STORE_BATCH", DEFAULT_BATCH))
        self.flush_seconds = crawler.settings.getfloat("TRADEWATCH_STORE_FLUSH_MS", DEFAULT_FLUSH_MS) / 1000
        self.evidence = crawler.settings.getbool("TRADEWATCH_STORE_EVIDENCE", True)
        home = crawler.settings.get("TRADEWATCH_HOME")
        self.home = Path(home).expanduser().resolve() if home else None
        self._batch: list[tuple[dict[str, Any], asyncio.Future[Outcome]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Future[Any]] = set()
        self._executor: ThreadPoolExecutor | None = None
        self.use_process = crawler.settings.getbool("TRADEWATCH_STORE_PROCESS", False)
        self._writer: WriterProcess | None = None
        self._writer_failed = False
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreListingPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.engine = get_engine(self.database_url)
        self.home = self.home or get_settings().resolved_home
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tradewatch-store")
        if self.use_process:
            url = self.engine.url.render_as_string(hide_password=False)
            self._writer = WriterProcess(url, self.home, evidence=self.evidence)

    async def close_spider(self) -> None:
        self._flush()
        while self._writing:
            await asyncio.gather(*self._writing, return_exceptions=True)
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self._writer is not None:
            self._writer.stop()

    # -- batching -----------------------------------------------------------------------------------------

    def _sighting_args(self, item: ListingItem) -> dict[str, Any]:
        run_id = self.stats.get_value("tradewatch/run_id") if self.stats is not None else None
        return {
            "listing": item.listing_fields(),
            "score": item.score or {},
            "campaign": item.campaign,
            "seen_at": item.fetched_at,
            "run_id": run_id,
        }

    def _capture(self, item: ListingItem) -> dict[str, Any] | None:
        return capture_values(item.capture) if self.evidence else None

    def process_item(self, item: ListingItem) -> ListingItem | Coroutine[Any, Any, ListingItem]:
        """In a crawl (an event loop runs): a coroutine that resolves when the item's batch is committed.
        Without an event loop (scripts, unit tests): the item is written now, in its own transaction."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._process_now(item)
        return self._process_batched(item)

    def _process_now(self, item: ListingItem) -> ListingItem:
        outcome = self._write([(self._sighting_args(item), self._capture(item))])[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return self._finish(item, outcome)

    async def _process_batched(self, item: ListingItem) -> ListingItem:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Outcome] = loop.create_future()
        self._batch.append(((self._sighting_args(item), self._capture(item)), done))
        if len(self._batch) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.flush_seconds, self._flush)
        return self._finish(item, await done)

    def _finish(self, item: ListingItem, outcome: Outcome) -> ListingItem:
        if isinstance(outcome, BaseException):
            self.stats.inc_value("tradewatch/store/failed")
            raise DropItem(f"listing {item.platform}/{item.listing_id} not stored: {outcome}") from outcome
        self._record(item, outcome)
        return item

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        loop = asyncio.get_running_loop()
        write = self._writer.write if self._writer is not None else self._write
        writing = loop.run_in_executor(self._executor, write, [entry for entry, _ in batch])
        self._writing.add(writing)

        def finished(future: asyncio.Future[list[Outcome]]) -> None:
            self._writing.discard(future)
            error = future.exception()
            if isinstance(error, StoreWriterDied):
                self._writer_died(error)
            results: list[Outcome] = [error] * len(batch) if error else future.result()
            for (_, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)

        writing.add_done_callback(finished)
        self.stats.inc_value("tradewatch/store/batches")

    def _writer_died(self, error: StoreWriterDied) -> None:
        if self._writer_failed:
            return
        self._writer_failed = True
        log.critical("%s: closing the spider", error)
        self.stats.set_value("tradewatch/store/writer_died", 1)
        engine = getattr(self.crawler, "engine", None)
        if engine is not None:
            self._closing = asyncio.ensure_future(engine.close_spider_async(reason="store_writer_died"))

    def _write(self, batch: list[Entry]) -> list[Outcome]:
        return write_batch(batch, engine=self.engine, home=self.home, evidence=self.evidence)

    # -- stats --------------------------------------------------------------------------------------------

    def _record(self, item: ListingItem, stored: Stored) -> None:
        sighting = stored.sighting
        item.extra["listing_pk"] = sighting.listing_pk
        if sighting.lead_pk is not None:
            item.extra["lead_pk"] = sighting.lead_pk
        self.stats.inc_value(
            "tradewatch/listings/new" if sighting.listing_created else "tradewatch/listings/seen_again"
        )
        if sighting.snapshot_created:
            self.stats.inc_value("tradewatch/listings/changed")
        if sighting.lead_created:
            self.stats.inc_value("tradewatch/leads/new")
        elif sighting.lead_updated:
            self.stats.inc_value("tradewatch/leads/updated")
        if sighting.lead_requeued:
            self.stats.inc_value("tradewatch/leads/requeued")
        if stored.evidence is None:
            return
        item.extra[EVIDENCE_DONE] = stored.evidence
        self.stats.inc_value(f"tradewatch/evidence/{stored.evidence}")
        if stored.evidence == "failed":
            log.error("evidence for lead %s not stored: %s", sighting.lead_pk, stored.error)
        elif stored.evidence == "captured":
            item.extra["evidence_version"] = stored.evidence_version
            if item.capture is not None and item.capture.screenshot:
                self.stats.inc_value("tradewatch/evidence/screenshots")


# -- writing ----------------------------------------------------------------------------------------------


def write_batch(batch: list[Entry], *, engine: Any, home: Path | None, evidence: bool) -> list[Outcome]:
    """In the writer: the batch in one transaction, or listing by listing if that fails."""

    def write_all(session: Session) -> list[Outcome]:
        known = prefetch_sightings(session, [args for args, _ in batch])
        return [_store(session, args, capture, known, home=home, evidence=evidence) for args, capture in batch]

    try:
        return run_write(write_all, engine=engine)
    except Exception as error:
        if len(batch) == 1:
            return [error]
        log.warning("batch of %d listings failed (%s); storing them one by one", len(batch), error)
    results: list[Outcome] = []
    for entry in batch:
        args = entry[0]

        def write_one(session: Session, entry: Entry = entry) -> Stored:
            return _store(session, *entry, None, home=home, evidence=evidence)

        try:
            results.append(run_write(write_one, engine=engine))
        except Exception as error:
            log.error("listing %s/%s not stored: %s", args["listing"]["platform"], args["listing"]["listing_id"], error)
            results.append(error)
    return results


def _store(
    session: Session,
    args: dict[str, Any],
    capture: Mapping[str, Any] | None,
    known: KnownRows | None,
    *,
    home: Path | None,
    evidence: bool,
) -> Stored:
    """One listing, and the evidence of its lead, in the batch's transaction."""
    sighting = record_sighting(session, **args, known=known)
    if not evidence or sighting.lead_pk is None:
        return Stored(sighting)
    if capture is None:
        return Stored(sighting, "no_capture")
    lead_pk = sighting.lead_pk
    try:
        with session.begin_nested():  # a capture that fails is rolled back alone; the listing stays
            if not sighting.lead_created and same_as_latest_capture(
                session, lead_pk=lead_pk, body=capture["body"], status=capture["status"]
            ):
                return Stored(sighting, "unchanged")
            captured = store_capture(session, lead_pk=lead_pk, capture=capture, home=home)
    except (TradewatchError, OSError) as error:
        return Stored(sighting, "failed", error=str(error))
    return Stored(sighting, "captured", evidence_version=captured.version)


# -- the writer process -----------------------------------------------------------------------------------

_POLL_SECONDS = 1.0


class WriterProcess:
    """`write_batch` in a process of its own ('spawn' context). `write` is called from one thread at a time: it
    sends a batch, waits for its outcomes, and raises StoreWriterDied if the process is gone."""

    def __init__(self, database_url: str, home: Path | None, *, evidence: bool) -> None:
        context = multiprocessing.get_context("spawn")
        child_requests, self._requests = context.Pipe(duplex=False)  # (receiving end, sending end)
        self._results, child_results = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_writer_main,
            args=(database_url, str(home) if home else None, evidence, child_requests, child_results, os.getpid()),
            name="tradewatch-store",
            daemon=True,
        )
        self.process.start()
        child_requests.close()  # the child's ends: a dead child then shows as EOF / a broken pipe here
        child_results.close()

    def write(self, batch: list[Entry]) -> list[Outcome]:
        try:
            self._requests.send(batch)
            while not self._results.poll(_POLL_SECONDS):
                if not self.process.is_alive():
                    raise StoreWriterDied(f"the store's writer process exited ({self.process.exitcode})")
            outcomes: list[Outcome] = self._results.recv()
        except (OSError, EOFError) as error:
            raise StoreWriterDied(f"the store's writer process is gone ({error})") from error
        return outcomes

    def stop(self, timeout: float = 60) -> None:
        """Ask the process to finish (every batch sent was answered already) and wait for it."""
        with contextlib.suppress(OSError):
            self._requests.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            log.error("the store's writer process did not stop; terminating it")
            self.process.terminate()
            self.process.join()
        self._requests.close()
        self._results.close()


def _writer_main(
    database_url: str, home: str | None, evidence: bool, requests: Any, results: Any, crawl_pid: int
) -> None:
    """The writer process: batches in, outcomes out, until told to stop or the crawl process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the crawl decides when to stop; it flushes first
    _die_with_parent(crawl_pid)
    engine = get_engine(database_url, migrate=False)
    root = Path(home) if home else None
    while True:
        try:
            batch = requests.recv()
        except EOFError:
            return
        if batch is None:
            return
        outcomes = write_batch(batch, engine=engine, home=root, evidence=evidence)
        results.send([_portable(outcome) for outcome in outcomes])


def _die_with_parent(crawl_pid: int) -> None:
    """On Linux, the writer is killed with the crawl process (as a writer thread would be): a crawl killed
    mid-batch leaves that batch uncommitted instead of finished by an orphan."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != crawl_pid:  # the crawl died before that took effect
        os._exit(1)


def _portable(outcome: Outcome) -> Outcome:
    """An outcome that can cross the pipe: errors become WriteFailed with their text."""
    if isinstance(outcome, BaseException):
        return WriteFailed(f"{type(outcome).__name__}: {outcome}")
    return outcome

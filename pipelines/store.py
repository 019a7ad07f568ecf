"""Store pipeline: upsert the listing (dedupe on platform + listing id, keep history), create or update its lead,
and keep the page a lead was read from as evidence.

The pipeline decides and batches; a store writer (`leads.writer.StoreWriter`) writes. `process_item` puts the
item in the current batch and awaits it, so items keep flowing concurrently while the writer stores a whole
batch in one transaction (`leads.writer.write_batch`: listings, leads and the evidence of each lead together),
off the reactor thread. A batch is flushed when it holds TRADEWATCH_STORE_BATCH items, when no item came for
TRADEWATCH_STORE_FLUSH_MS, at the latest TRADEWATCH_STORE_MAX_WAIT_MS after its first item, and when the spider
closes: a steady stream of items goes in few, large transactions (each costs the writer a few milliseconds whatever
its size), and the last items of a crawl are stored soon after they came. While the writer is still busy with the
previous batch, the next one grows (up to TRADEWATCH_STORE_BATCH) and is sent once the writer is free and the batch
is due by those rules, so a busy writer gets fewer, larger transactions instead of a queue of small ones (sent the
moment the writer was free, a sweep's batches were a handful of items each). An item's process_item returns only
after its batch is committed, so the lead and its evidence are stored before a distributed sweep acknowledges the
request. The lead's id is left on the item (`item.extra["lead_pk"]`), and the evidence version stored, if any, as
`item.extra["evidence_version"]`.

A distributed run records each listing once, whichever of its workers read it (TRADEWATCH_STORE_ONCE_PER_RUN, set
for a sweep's workers): a worker away past its lease may still have in its batch the listings of a page another
worker took over and stored. The writer claims each listing for the run in the batch's transaction and writes no
listing another worker recorded already; its item is dropped (`tradewatch/listings/duplicate`).

TRADEWATCH_STORE_WRITER names the writer (`leads.writer.STORE_WRITERS`): `process`, what crawls run, is a process
of its own, opened when the spider opens and stopped, after its last batch, when it closes; batches go to it as
plain values. A writer process that dies fails every pending and later item and closes the spider
(`store_writer_died`); it is in the crawl's process group, so killing the crawl kills it too and leaves only
committed batches. `thread` writes in a thread of the crawl process.

Stats: `tradewatch/listings/new|seen_again|changed|duplicate`, `tradewatch/leads/new|updated|requeued`,
`tradewatch/store/batches`, `tradewatch/store/failed`, `tradewatch/store/writer_died`, `tradewatch/store/unavailable`
(the store's connection failed: the spider closes with `store_unavailable` and its run is recorded as failed),
`tradewatch/evidence/captured|unchanged|no_capture|failed|screenshots`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.config import get_settings
from core.failures import is_store_unavailable
from crawler.closing import close_crawl
from crawler.items import ListingItem, PageCapture
from crawler.run_health import STORE_UNAVAILABLE
from leads.writer import (
    ONCE_PER_RUN,
    Entry,
    Outcome,
    RecordedAlready,
    Stored,
    StoreWriter,
    StoreWriterDied,
    store_writer,
)

log = logging.getLogger(__name__)

EVIDENCE_DONE = "evidence"  # item.extra key: what became of the item's page capture (captured|unchanged|...)


_CAPTURE_FIELDS = tuple(field.name for field in dataclasses.fields(PageCapture))


def capture_values(capture: PageCapture | None) -> dict[str, Any] | None:
    """The page capture as plain values (the fields of PageCapture), as `leads.evidence.store_capture` takes it."""
    if capture is None:
        return None
    return {name: getattr(capture, name) for name in _CAPTURE_FIELDS}


_PHOTO_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
)


def photo_media_type(data: bytes) -> str:
    """The media type of a stored photo, from its first bytes (only checked raster photos are stored)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((media for magic, media in _PHOTO_TYPES if data.startswith(magic)), "application/octet-stream")


class StoreListingPipeline:
    """Writes every listing to the lead store; listings that scored as leads get a lead."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")
        self.batch_size = max(1, crawler.settings.getint("TRADEWATCH_STORE_BATCH"))
        self.flush_seconds = crawler.settings.getfloat("TRADEWATCH_STORE_FLUSH_MS") / 1000
        self.max_wait_seconds = crawler.settings.getfloat("TRADEWATCH_STORE_MAX_WAIT_MS") / 1000
        self.backend = store_writer(crawler.settings["TRADEWATCH_STORE_WRITER"])
        self.once_per_run = crawler.settings.getbool("TRADEWATCH_STORE_ONCE_PER_RUN")
        home = crawler.settings.get("TRADEWATCH_HOME")
        self.home = Path(home).expanduser().resolve() if home else None
        self._batch: list[tuple[Entry, asyncio.Future[Outcome]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._first_at = self._last_at = 0.0  # when the current batch's first and latest items came (loop time)
        self._writing: set[asyncio.Future[Any]] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._writer: StoreWriter | None = None
        self._stopping = False
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreListingPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        settings = get_settings()
        self.home = self.home or settings.resolved_home
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tradewatch-store")
        self._writer = self.backend.open(self.database_url or settings.resolved_database_url, self.home)

    async def close_spider(self) -> None:
        self._flush(now=True)
        while self._writing:
            await asyncio.gather(*self._writing, return_exceptions=True)
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self._writer is not None:
            self._writer.stop()

    def _evidence(self, item: ListingItem) -> dict[str, Any] | None:
        """The page capture, with the photos whose text produced a hit (kept as evidence beside the page)."""
        values = capture_values(item.capture)
        if values is None or not item.image_text or self.home is None:
            return values
        photos = {hit["image"]: hit.get("image_url") for hit in (item.score or {}).get("hits", []) if hit.get("image")}
        kept = []
        for path, url in photos.items():
            try:
                data = (self.home / path).read_bytes()
            except OSError:
                self.stats.inc_value("tradewatch/evidence/photo_missing")
                continue
            kept.append({"url": url, "path": path, "body": data, "content_type": photo_media_type(data)})
        return {**values, "photos": kept} if kept else values

    # -- batching -----------------------------------------------------------------------------------------

    def _sighting_args(self, item: ListingItem) -> dict[str, Any]:
        run_id = self.stats.get_value("tradewatch/run_id") if self.stats is not None else None
        args = {
            "listing": item.listing_fields(),
            "score": item.score or {},
            "campaign": item.campaign,
            "seen_at": item.fetched_at,
            "run_id": run_id,
        }
        if self.once_per_run:
            args[ONCE_PER_RUN] = True
        return args

    def process_item(self, item: ListingItem) -> ListingItem | Coroutine[Any, Any, ListingItem]:
        """In a crawl (an event loop runs): a coroutine that resolves when the item's batch is committed.
        Without an event loop (scripts, unit tests): the item is written now, in its own transaction."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._process_now(item)
        return self._process_batched(item)

    def _process_now(self, item: ListingItem) -> ListingItem:
        outcome = self._opened().write([(self._sighting_args(item), self._evidence(item))])[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return self._finish(item, outcome)

    async def _process_batched(self, item: ListingItem) -> ListingItem:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Outcome] = loop.create_future()
        self._batch.append(((self._sighting_args(item), self._evidence(item)), done))
        self._last_at = loop.time()
        if len(self._batch) == 1:
            self._first_at = self._last_at
        if len(self._batch) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(min(self.flush_seconds, self.max_wait_seconds), self._due)
        return self._finish(item, await done)

    def _due(self) -> None:
        """The batch's timer: flush once no item came for flush_seconds or the first waited max_wait_seconds;
        otherwise wait for whichever comes first (one timer per batch, not one per item)."""
        self._timer = None
        self._send_when_due()

    def _send_when_due(self) -> None:
        """Flush the batch if it is due, else set the timer for when it will be. A writer that has just become
        free gets the batch that grew meanwhile only when it is due too: sent at once, it would be a handful of
        items, and each transaction costs the writer a few milliseconds whatever its size."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop = asyncio.get_running_loop()
        due = min(self._last_at + self.flush_seconds, self._first_at + self.max_wait_seconds)
        if not self._batch or loop.time() >= due:
            self._flush()
        else:
            self._timer = loop.call_at(due, self._due)

    def _finish(self, item: ListingItem, outcome: Outcome) -> ListingItem:
        if isinstance(outcome, BaseException):
            self.stats.inc_value("tradewatch/store/failed")
            if getattr(outcome, "store_unavailable", False) or is_store_unavailable(outcome):
                self._store_lost(outcome)
            raise DropItem(f"listing {item.platform}/{item.listing_id} not stored: {outcome}") from outcome
        if isinstance(outcome, RecordedAlready):
            self.stats.inc_value("tradewatch/listings/duplicate")
            raise DropItem(
                f"listing {item.platform}/{item.listing_id} not stored: run {outcome.run_id} recorded it already "
                "(another worker of the sweep read it)"
            )
        self._record(item, outcome)
        return item

    def _flush(self, *, now: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writing and not now and len(self._batch) < self.batch_size:
            return  # the writer is busy: this batch grows until it is free (`finished` sends it then)
        batch, self._batch = self._batch, []
        if not batch:
            return
        loop = asyncio.get_running_loop()
        writing = loop.run_in_executor(self._executor, self._opened().write, [entry for entry, _ in batch])
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
            if self._batch and not self._writing:
                self._send_when_due()

        writing.add_done_callback(finished)
        self.stats.inc_value("tradewatch/store/batches")

    def _writer_died(self, error: StoreWriterDied) -> None:
        self._stop_crawl("store_writer_died", "tradewatch/store/writer_died", error)

    def _store_lost(self, error: BaseException) -> None:
        """The lead store went away: stop fetching (nothing more could be kept); committed batches stay."""
        self._stop_crawl(STORE_UNAVAILABLE, "tradewatch/store/unavailable", error)

    def _stop_crawl(self, reason: str, stat: str, error: BaseException) -> None:
        """Close the spider once, for the first store failure that makes going on pointless."""
        if self._stopping:
            return
        self._stopping = True
        log.critical("%s (%s): closing the spider", reason, error)
        self.stats.set_value(stat, 1)
        self._closing = close_crawl(self.crawler, reason)

    def _opened(self) -> StoreWriter:
        if self._writer is None:
            raise RuntimeError("the store pipeline writes only between open_spider and close_spider")
        return self._writer

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

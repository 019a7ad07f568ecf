"""Store pipeline: upsert the listing (dedupe on platform + listing id, keep history) and create or update its lead.

Items are written in batches, off the reactor thread: `process_item` puts the item in the current batch and
awaits it, so items keep flowing concurrently while one writer thread stores a whole batch in one
transaction (`leads.store.record_sighting` for each listing, in order). A batch is flushed when it holds
TRADEWATCH_STORE_BATCH items or TRADEWATCH_STORE_FLUSH_MS after its first item, and when the spider closes.
The transaction is retried as a whole on lock, serialisation and unique-key races, so several crawl processes
can write one store at once; if it fails otherwise, its listings are written one by one so that one bad
listing costs only itself. An item's process_item returns only after its batch is committed, so the lead is
stored before the next pipeline (evidence) runs and before a distributed sweep acknowledges the request.
The lead's id is left on the item (`item.extra["lead_pk"]`) for the evidence pipeline.

Stats: `tradewatch/listings/new|seen_again|changed`, `tradewatch/leads/new|updated|requeued`,
`tradewatch/store/batches`, `tradewatch/store/failed`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlmodel import Session

from crawler.items import ListingItem
from leads.db import get_engine, run_write
from leads.store import Sighting, record_sighting

log = logging.getLogger(__name__)

DEFAULT_BATCH = 100
DEFAULT_FLUSH_MS = 50


class StoreListingPipeline:
    """Writes every listing to the lead store; listings that scored as leads get a lead."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")
        self.batch_size = max(1, crawler.settings.getint("TRADEWATCH_STORE_BATCH", DEFAULT_BATCH))
        self.flush_seconds = crawler.settings.getfloat("TRADEWATCH_STORE_FLUSH_MS", DEFAULT_FLUSH_MS) / 1000
        self._batch: list[tuple[dict[str, Any], asyncio.Future[Sighting | BaseException]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Future[Any]] = set()
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreListingPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.engine = get_engine(self.database_url)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tradewatch-store")

    async def close_spider(self) -> None:
        self._flush()
        while self._writing:
            await asyncio.gather(*self._writing, return_exceptions=True)
        if self._executor is not None:
            self._executor.shutdown(wait=True)

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

    def process_item(self, item: ListingItem) -> ListingItem | Coroutine[Any, Any, ListingItem]:
        """In a crawl (an event loop runs): a coroutine that resolves when the item's batch is committed.
        Without an event loop (scripts, unit tests): the item is written now, in its own transaction."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._process_now(item)
        return self._process_batched(item)

    def _process_now(self, item: ListingItem) -> ListingItem:
        outcome = self._write([self._sighting_args(item)])[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return self._finish(item, outcome)

    async def _process_batched(self, item: ListingItem) -> ListingItem:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Sighting | BaseException] = loop.create_future()
        self._batch.append((self._sighting_args(item), done))
        if len(self._batch) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.flush_seconds, self._flush)
        return self._finish(item, await done)

    def _finish(self, item: ListingItem, outcome: Sighting | BaseException) -> ListingItem:
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
        writing = loop.run_in_executor(self._executor, self._write, [args for args, _ in batch])
        self._writing.add(writing)

        def finished(future: asyncio.Future[list[Sighting | BaseException]]) -> None:
            self._writing.discard(future)
            error = future.exception()
            results: list[Sighting | BaseException] = [error] * len(batch) if error else future.result()
            for (_, done), result in zip(batch, results, strict=True):
                if not done.done():
                    done.set_result(result)

        writing.add_done_callback(finished)
        self.stats.inc_value("tradewatch/store/batches")

    def _write(self, batch: list[dict[str, Any]]) -> list[Sighting | BaseException]:
        """In the writer thread: the batch in one transaction, or listing by listing if that fails."""

        def write_all(session: Session) -> list[Sighting | BaseException]:
            return [record_sighting(session, **args) for args in batch]

        try:
            return run_write(write_all, engine=self.engine)
        except Exception as error:
            if len(batch) == 1:
                return [error]
            log.warning("batch of %d listings failed (%s); storing them one by one", len(batch), error)
        results: list[Sighting | BaseException] = []
        for args in batch:

            def write_one(session: Session, args: dict[str, Any] = args) -> Sighting:
                return record_sighting(session, **args)

            try:
                results.append(run_write(write_one, engine=self.engine))
            except Exception as error:
                log.error(
                    "listing %s/%s not stored: %s", args["listing"]["platform"], args["listing"]["listing_id"], error
                )
                results.append(error)
        return results

    # -- stats --------------------------------------------------------------------------------------------

    def _record(self, item: ListingItem, sighting: Sighting) -> None:
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

"""Store pipeline: upsert the listing (dedupe on platform + listing id, keep history) and create or update its lead.

Each item is one short transaction, retried on lock and unique-key races, so several crawl processes can
write one store at once. The lead's id is left on the item (`item.extra["lead_pk"]`) for the evidence pipeline.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from sqlmodel import Session

from crawler.items import ListingItem
from leads.db import get_engine, run_write
from leads.store import Sighting, record_sighting


class StoreListingPipeline:
    """Writes every listing to the lead store; listings that scored as leads get a lead."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreListingPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.engine = get_engine(self.database_url)

    def process_item(self, item: ListingItem) -> ListingItem:
        score = item.score or {}
        run_id = self.stats.get_value("tradewatch/run_id") if self.stats is not None else None

        def write(session: Session) -> Sighting:
            return record_sighting(
                session,
                listing=item.listing_fields(),
                score=score,
                campaign=item.campaign,
                seen_at=item.fetched_at,
                run_id=run_id,
            )

        sighting = run_write(write, engine=self.engine)
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
        return item

"""Last pipeline: upsert the listing (dedupe on platform + listing id) and create or update its lead."""

from __future__ import annotations

from scrapy.crawler import Crawler
from sqlmodel import Session

from crawler.items import ListingItem
from leads.db import get_engine
from leads.store import record_sighting


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
        with Session(self.engine, expire_on_commit=False) as session:
            sighting = record_sighting(
                session,
                listing=item.listing_fields(),
                score=score,
                campaign=item.campaign,
                seen_at=item.fetched_at,
            )
            session.commit()
        self.stats.inc_value(
            "tradewatch/listings/new" if sighting.listing_created else "tradewatch/listings/seen_again"
        )
        if sighting.lead_created:
            self.stats.inc_value("tradewatch/leads/new")
        elif sighting.lead_updated:
            self.stats.inc_value("tradewatch/leads/updated")
        return item

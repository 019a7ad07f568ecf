"""Second pipeline: score each listing against the watchlists and keep the explanation on the item."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import ListingItem
from pipelines.scoring import Scorer


class ScoreListingPipeline:
    """Adds `item.score` (the scorer's result as a dict). Every listing is kept: the store decides leads."""

    def __init__(self, crawler: Crawler, scorer: Scorer) -> None:
        self.stats = crawler.stats
        self.scorer = scorer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScoreListingPipeline:
        threshold = crawler.settings.getint("TRADEWATCH_LEAD_THRESHOLD", 60)
        return cls(crawler, Scorer.load(threshold=threshold))

    def process_item(self, item: ListingItem) -> ListingItem:
        result = self.scorer.score({"title": item.title, "description": item.description, "price": item.price})
        item.score = result.to_dict()
        self.stats.inc_value("tradewatch/items/scored")
        if result.hits:
            self.stats.inc_value("tradewatch/items/hits")
        if result.is_lead:
            self.stats.inc_value("tradewatch/items/leads")
        return item

"""Re-check pipeline: record what each re-check visit found in the lead store (`leads.recheck`).

It runs in the re-check crawl (`runners.recheck`) after the normalise and score pipelines, in place of the
store pipeline: a listing read again (a `ListingItem` with its target in `extra[RECHECK_TARGET]`) is recorded
as online or changed, with its new score and, when changed, its page as new evidence; a `RecheckVisit` as
removed or error. Stats: `tradewatch/recheck/online|changed|removed|error`.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import RECHECK_TARGET, ListingItem, RecheckVisit
from leads.recheck import RecheckTarget, record_error, record_online, record_removed
from pipelines.store import capture_values

STATS_PREFIX = "tradewatch/recheck/"


class RecordRecheckPipeline:
    """Writes one listing check per visit."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordRecheckPipeline:
        return cls(crawler)

    def process_item(self, item: ListingItem | RecheckVisit) -> ListingItem | RecheckVisit:
        url = self.database_url
        if isinstance(item, RecheckVisit):
            target = RecheckTarget.model_validate(item.target)
            if item.outcome == "removed":
                record_removed(target, http_status=item.http_status, at=item.checked_at, url=url)
            else:
                record_error(target, error=item.error or "", http_status=item.http_status, at=item.checked_at, url=url)
            outcome = item.outcome
        else:
            outcome = record_online(
                RecheckTarget.model_validate(item.extra[RECHECK_TARGET]),
                listing=item.listing_fields(),
                score=item.score or {},
                capture=capture_values(item.capture),
                at=item.fetched_at,
                url=url,
            )
        self.stats.inc_value(STATS_PREFIX + outcome)
        return item

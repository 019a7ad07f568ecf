"""Evidence pipeline: keep the page a lead was read from (body, screenshot, headers, WARC, manifest).

The store pipeline captures evidence itself, in the transaction that stores the lead (see pipelines/store.py),
so a crawl does not enable this pipeline. It serves items stored without that (TRADEWATCH_STORE_EVIDENCE =
False, or a lead id set by other means): it runs after the store pipeline, which leaves the lead's id on the
item (`item.extra["lead_pk"]`), in a transaction of its own. Items whose evidence the store already handled,
items without a lead and items without a page capture pass through untouched. A capture that cannot be
stored is counted and logged; it never drops the item.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from scrapy.crawler import Crawler
from sqlmodel import Session

from core.config import get_settings
from core.errors import TradewatchError
from crawler.items import ListingItem
from leads.db import get_engine, run_write
from leads.evidence import same_as_latest_capture, store_capture
from leads.models import Evidence
from pipelines.store import EVIDENCE_DONE

log = logging.getLogger(__name__)


class CaptureEvidencePipeline:
    """Stores `item.capture` as a new evidence version of the item's lead, unless the page is unchanged."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")
        home = crawler.settings.get("TRADEWATCH_HOME")
        self.home = Path(home).expanduser().resolve() if home else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureEvidencePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.engine = get_engine(self.database_url)
        self.home = self.home or get_settings().resolved_home

    def process_item(self, item: ListingItem) -> ListingItem:
        if EVIDENCE_DONE in item.extra:
            return item
        lead_pk = item.extra.get("lead_pk")
        if item.capture is None or lead_pk is None:
            if lead_pk is not None:
                self.stats.inc_value("tradewatch/evidence/no_capture")
            return item
        capture = dataclasses.asdict(item.capture)

        def write(session: Session) -> Evidence | None:
            if same_as_latest_capture(session, lead_pk=lead_pk, body=capture["body"], status=capture["status"]):
                return None
            return store_capture(session, lead_pk=lead_pk, capture=capture, home=self.home)

        try:
            evidence = run_write(write, engine=self.engine)
        except (TradewatchError, OSError) as error:
            self.stats.inc_value("tradewatch/evidence/failed")
            log.error("evidence for lead %s not stored: %s", lead_pk, error)
            return item
        if evidence is None:
            self.stats.inc_value("tradewatch/evidence/unchanged")
            return item
        item.extra["evidence_version"] = evidence.version
        self.stats.inc_value("tradewatch/evidence/captured")
        if item.capture.screenshot:
            self.stats.inc_value("tradewatch/evidence/screenshots")
        return item

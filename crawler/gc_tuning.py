"""Scrapy extension that keeps Python's garbage collector off the long-lived objects a crawl is built on.

A crawl process holds a few hundred thousand objects that live as long as it does: the compiled watchlists,
the platform profiles, the ORM's metadata, Scrapy's and Twisted's own machinery. Every full collection walks
all of them again, and a crawl makes enough short-lived cycles (Deferreds, failures, tasks) to trigger one
every few hundred pages: measured on the demo sweep, a fifth of the crawl's time went to rescanning them.
When the spider opens, everything built so far is moved to the permanent generation (`gc.freeze`, once per
process) and the youngest generation is collected less often, so collections only look at what the crawl
itself allocates. Objects frozen are never collected: that is only what was built before the first page.

Setting: TRADEWATCH_GC_THRESHOLD (allocations between collections of the youngest generation; 0 leaves
Python's default).
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

_frozen = False


class GarbageCollectorTuning:
    """Freezes the objects built before the crawl and sets the youngest generation's threshold."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GarbageCollectorTuning:
        extension = cls(crawler.settings.getint("TRADEWATCH_GC_THRESHOLD"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        global _frozen
        if _frozen:
            return
        _frozen = True
        gc.freeze()
        if self.threshold > 0:
            _, middle, oldest = gc.get_threshold()
            gc.set_threshold(self.threshold, middle, oldest)
        log.debug("garbage collector: %d objects frozen, thresholds %s", gc.get_freeze_count(), gc.get_threshold())

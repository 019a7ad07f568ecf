"""Scrapy's log messages of a crawl, with its per-page and per-item DEBUG lines built only when they are logged.

Scrapy sets its own loggers to DEBUG and leaves the filtering to the handlers, so its "Crawled (200)" and
"Scraped from" lines were formatted into a log record for every page and every item, then dropped by a handler
at the crawl's level: a few per cent of a static crawl's CPU. A formatter that returns None skips the message
(Scrapy's documented way); the crawl's LOG_LEVEL at DEBUG keeps them.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.logformatter import LogFormatter, LogFormatterResult


class CrawlLogFormatter(LogFormatter):
    """Scrapy's LogFormatter; `crawled` and `scraped` give nothing unless the crawl logs at DEBUG."""

    def __init__(self, *, debug: bool) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlLogFormatter:
        level = crawler.settings.get("LOG_LEVEL")
        number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(debug=isinstance(number, int) and number <= logging.DEBUG)

    def crawled(self, *args: Any, **kwargs: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return super().crawled(*args, **kwargs) if self.debug else None

    def scraped(self, *args: Any, **kwargs: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return super().scraped(*args, **kwargs) if self.debug else None

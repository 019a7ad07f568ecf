"""Scrapy settings for a crawl stopped while its spider opens: the project's settings, and an extension whose
`spider_opened` handler holds the opening (the run already recorded as started, the engine not started yet) until
the crawl is asked to stop. A crawl process started with `SCRAPY_SETTINGS_MODULE=tests.held_opening` logs
`HELD_LINE` once it is held there: a stop signal sent then reaches it in that moment, every time. With
`HELD_OPENING_FAILS` (`SCRAPY_SETTINGS_MODULE=tests.held_opening_fails`) the opening then fails instead, as a
component that cannot start fails it (`CloseSpider`); with `HELD_OPENING_FOREVER`
(`SCRAPY_SETTINGS_MODULE=tests.held_opening_forever`) it is held whatever the stop, as a component stuck in its
start-up holds it: the crawl never closes, and only a kill ends it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.exceptions import CloseSpider

from crawler.settings import *  # noqa: F403  (the project's settings, every one)
from crawler.settings import EXTENSIONS as _PROJECT_EXTENSIONS

HELD_LINE = "the spider's opening is held until the crawl is asked to stop"
OPENING_FAILED = "the opening failed"
EXTENSIONS = {**_PROJECT_EXTENSIONS, "tests.held_opening.HoldOpening": 1000}  # after the run recorder's
HELD_OPENING_FAILS = False
HELD_OPENING_FOREVER = False

logger = logging.getLogger(__name__)


class HoldOpening:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.fails = crawler.settings.getbool("HELD_OPENING_FAILS")
        self.forever = crawler.settings.getbool("HELD_OPENING_FOREVER")

    @classmethod
    def from_crawler(cls, crawler: Any) -> HoldOpening:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    async def spider_opened(self, spider: Spider) -> None:
        logger.info(HELD_LINE)
        while self.crawler.crawling or self.forever:  # Scrapy's stop of a crawl sets it false first
            await asyncio.sleep(0.05)
        if self.fails:
            raise CloseSpider(OPENING_FAILED)

"""Scrapy settings for a crawl whose opening fails before its run is recorded: a pipeline that cannot start raises
as the spider opens (not `CloseSpider`), before the `spider_opened` handlers, the run recorder's among them, run.
A crawl process started with `SCRAPY_SETTINGS_MODULE=tests.opening_fails_early` fails so every time.
"""

from __future__ import annotations

from crawler.settings import *  # noqa: F403  (the project's settings, every one)
from crawler.settings import ITEM_PIPELINES as _PROJECT_PIPELINES

NO_PROXY = "代理池为空：TRADEWATCH_PROXY_POOL 未列出任何代理"
ITEM_PIPELINES = {**_PROJECT_PIPELINES, "tests.opening_fails_early.ProxyPool": 50}


class ProxyPool:
    def open_spider(self) -> None:
        raise ValueError(NO_PROXY)

    def process_item(self, item: object) -> object:
        return item

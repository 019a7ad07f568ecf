"""Scrapy settings for a sweep of several platforms whose crawl of one, `FAILS`, fails as its spider opens, before
its run is recorded (as tests/opening_fails_early.py fails every crawl), while the others crawl to their end."""

from __future__ import annotations

from typing import Any

from tests.opening_fails_early import *  # noqa: F403  (its settings, every one)
from tests.opening_fails_early import _PROJECT_PIPELINES, NO_PROXY

FAILS = "demo-gbk"
ITEM_PIPELINES = {**_PROJECT_PIPELINES, "tests.opening_fails_for_one.ProxyPool": 50}


class ProxyPool:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProxyPool:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.crawler.spider.profile.name == FAILS:
            raise ValueError(NO_PROXY)

    def process_item(self, item: object) -> object:
        return item

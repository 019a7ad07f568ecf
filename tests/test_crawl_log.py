"""Scrapy's per-page and per-item DEBUG lines of a crawl: formatted only when the crawl logs at DEBUG."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import load_object

from crawler.log_formatter import CrawlLogFormatter
from tests.crawl_support import project_crawler

URL = "http://127.0.0.1:8765/plain/item/100231"


def _page() -> tuple[Request, HtmlResponse]:
    request = Request(URL)
    return request, HtmlResponse(URL, body="<h1>老象牙手镯</h1>".encode(), encoding="utf-8", request=request)


def test_a_crawl_at_info_builds_no_line_for_each_page_or_item() -> None:
    crawler = project_crawler()
    assert load_object(crawler.settings["LOG_FORMATTER"]) is CrawlLogFormatter
    formatter = CrawlLogFormatter.from_crawler(crawler)
    spider = Spider("listing")
    spider.crawler = crawler
    request, response = _page()
    assert formatter.crawled(request, response, spider) is None
    assert formatter.scraped({"title": "老象牙手镯"}, response, spider) is None
    dropped = formatter.dropped({"title": "老象牙手镯"}, DropItem("没有标题"), response, spider)
    assert dropped is not None and dropped["level"] >= logging.INFO  # what is worth reading still is


def test_a_crawl_at_debug_keeps_scrapys_lines() -> None:
    formatter = CrawlLogFormatter.from_crawler(project_crawler(LOG_LEVEL="DEBUG"))
    request, response = _page()
    spider = Spider("listing")
    crawled = formatter.crawled(request, response, spider)
    scraped = formatter.scraped({"title": "老象牙手镯"}, response, spider)
    assert crawled is not None and crawled["level"] == logging.DEBUG and crawled["args"]["status"] == 200
    assert scraped is not None and scraped["args"]["item"] == {"title": "老象牙手镯"}
    assert CrawlLogFormatter.from_crawler(project_crawler(LOG_LEVEL=logging.DEBUG)).debug

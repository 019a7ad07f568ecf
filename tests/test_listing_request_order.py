"""Item pages go before the next result page, so a long sweep's scheduler holds about a page of item requests per
search, not a backlog that grows with every result page read."""

from __future__ import annotations

import urllib.request

import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from spiders.listing import ListingSpider


def _results_page(request: scrapy.Request) -> HtmlResponse:
    with urllib.request.urlopen(request.url, timeout=30) as fetched:  # the local demo marketplace
        body = fetched.read()
    return HtmlResponse(request.url, body=body, encoding="utf-8", request=request)


def test_a_result_pages_items_are_fetched_before_the_next_result_page(demo_market: str):
    crawler = get_crawler(ListingSpider)
    spider = ListingSpider.from_crawler(crawler, platform="demo", keywords="包邮", base_url=demo_market)
    first = spider.search_request("包邮", 1)
    requests = [out for out in spider.parse_results(_results_page(first)) if isinstance(out, scrapy.Request)]
    items = [r for r in requests if r.callback == spider.parse_item]
    following = [r for r in requests if r.callback == spider.parse_results]
    assert len(items) >= 10 and len(following) == 1
    # Scrapy's scheduler takes the highest priority first (and, among equals, the request yielded last: the next
    # result page, yielded after the page's items)
    assert min(r.priority for r in items) > following[0].priority
    assert following[0].priority == first.priority

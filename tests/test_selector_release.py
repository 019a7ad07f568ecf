"""A parsed page is freed as soon as Scrapy lets go of it, not at the cycle collector's next middle-generation run."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.conf import build_component_list
from scrapy.utils.project import get_project_settings

from crawler.profiles import load_profile
from crawler.selector_release import SelectorRelease
from runners.crawl_settings import platform_settings

PAGE = "<html><body><h1 class='title'>象牙手镯 老料 包邮</h1><span class='price'>¥1,280</span></body></html>"


@pytest.fixture
def no_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    yield
    gc.enable() if enabled else gc.disable()


def parse(response: HtmlResponse) -> Iterator[dict[str, Any]]:
    yield {"title": response.css(".title::text").get(), "price": response.css(".price::text").get()}


def page() -> HtmlResponse:
    return HtmlResponse("https://market.example/item/1", body=PAGE.encode(), encoding="utf-8")


def test_a_platform_crawl_installs_the_middleware():
    settings = platform_settings(get_project_settings(), load_profile("demo"), None)
    middlewares = build_component_list(settings.get_component_priority_dict_with_base("SPIDER_MIDDLEWARES"))
    assert "crawler.selector_release.SelectorRelease" in middlewares


def test_a_page_parsed_through_its_selector_is_a_cycle_without_the_middleware(no_collector: None):
    response = page()
    items = list(parse(response))
    gone = weakref.ref(response)
    del response
    assert items[0]["title"] == "象牙手镯 老料 包邮"
    assert gone() is not None  # held by its own cached selector until the collector runs
    gc.collect()
    assert gone() is None


def test_the_page_is_freed_by_reference_counting_once_its_callback_is_done(no_collector: None):
    response = page()
    items = list(SelectorRelease().process_spider_output(response, parse(response), None))
    gone = weakref.ref(response)
    del response
    assert items == [{"title": "象牙手镯 老料 包邮", "price": "¥1,280"}]
    assert gone() is None


def test_an_asynchronous_callback_output_releases_the_page_too(no_collector: None):
    async def parse_async(response: HtmlResponse) -> AsyncIterator[dict[str, Any]]:
        for item in parse(response):
            yield item

    async def consume(response: HtmlResponse) -> list[dict[str, Any]]:
        output = SelectorRelease().process_spider_output_async(response, parse_async(response), None)
        return [item async for item in output]

    response = page()
    items = asyncio.run(consume(response))
    gone = weakref.ref(response)
    del response
    assert items[0]["price"] == "¥1,280"
    assert gone() is None


def test_the_page_can_still_be_read_after_its_callback(no_collector: None):
    response = page()
    list(SelectorRelease().process_spider_output(response, parse(response), None))
    assert response.css(".price::text").get() == "¥1,280"  # parsed again on demand

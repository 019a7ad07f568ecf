"""A crawl stopped from code that cannot wait for the closing (a browser that does not start, a scorer that did
not load, a lead store lost): a closing that fails is told in the log with its traceback, not lost as an
exception nobody retrieves while the crawl goes on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from crawler.browser_launches import LAUNCH_ATTEMPTS, LaunchRecord
from crawler.run_health import BROWSER_UNAVAILABLE, SCORER_FAILED, STORE_UNAVAILABLE
from pipelines.score import ScoreListingPipeline
from pipelines.store import StoreListingPipeline
from tests.crawl_support import project_crawler


class FailingEngine:
    """An engine whose closing fails: asked before its spider opened, or one of its closing steps raised."""

    async def close_spider_async(self, *, reason: str) -> None:
        raise RuntimeError("Engine slot not assigned\n  (Scrapy's context)")


def browser_not_started(crawler: Any) -> Any:
    record = LaunchRecord(crawler)
    for _ in range(LAUNCH_ATTEMPTS):
        record.failed(RuntimeError("BrowserType.launch: Timeout 30000ms exceeded."))
    return record


def scorer_not_loaded(crawler: Any) -> Any:
    pipeline = ScoreListingPipeline(crawler)
    pipeline._stop_crawl(RuntimeError("watchlists/wildlife.yaml:12: 未知类别 / unknown category"))
    return pipeline


def store_lost(crawler: Any) -> Any:
    pipeline = StoreListingPipeline(crawler)
    pipeline._store_lost(ConnectionError("连接被拒绝 connection refused"))
    return pipeline


@pytest.mark.parametrize(
    ("stop", "reason"),
    [(browser_not_started, BROWSER_UNAVAILABLE), (scorer_not_loaded, SCORER_FAILED), (store_lost, STORE_UNAVAILABLE)],
    ids=["browser", "scorer", "store"],
)
def test_a_closing_that_fails_is_told_with_its_traceback(
    stop: Callable[[Any], Any], reason: str, caplog: pytest.LogCaptureFixture
):
    crawler = project_crawler()
    crawler.engine = FailingEngine()  # type: ignore[assignment]
    crawler.crawling = True

    async def stop_and_settle() -> Any:
        stopped = stop(crawler)
        for _ in range(3):  # the closing task runs, fails, and its callbacks run
            await asyncio.sleep(0)
        return stopped

    with caplog.at_level(logging.ERROR, logger="crawler.closing"):
        stopped = asyncio.run(stop_and_settle())
    (told,) = [record for record in caplog.records if record.name == "crawler.closing"]
    assert told.getMessage() == f"the spider could not be closed ({reason}): Engine slot not assigned"
    assert told.exc_info is not None and "Scrapy's context" in str(told.exc_info[1])
    assert stopped._closing is not None and stopped._closing.done()  # kept by its caller until it ended

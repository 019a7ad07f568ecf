"""The crawl process: Ctrl-C or SIGTERM closes every crawl, also one whose engine is still starting.

Scrapy's graceful stop stops a crawler only once its engine runs. While a handler of `engine_started` is still
at work (scrapy-playwright launching the browser, which can hang for its whole launch timeout) the engine is
not running yet, so the stop does nothing, the reactor stops and the spider is never closed: no
`spider_closed`, the run stays unfinished in the store, and the browser's driver and the Chromium it was
starting outlive the sweep. Here the engine of such a crawl is stopped too, which closes its spider with the
finish reason `shutdown` (recorded as interrupted, crawler/run_health.py) and its download handlers.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred, DeferredList


class StoppingCrawlerProcess(CrawlerProcess):
    def stop(self) -> Deferred[Any]:
        return DeferredList([deferred_from_coro(stop_crawler(crawler)) for crawler in self.crawlers])


async def stop_crawler(crawler: Crawler) -> None:
    """`Crawler.stop_async`, which also stops an engine that opened its spider and is still starting."""
    engine = crawler.engine
    starting = engine is not None and not engine.running and getattr(engine, "_starting", False)
    if crawler.crawling and starting and engine.spider is not None:
        crawler.crawling = False
        await engine.stop_async()  # sets the engine stopping: its start returns once the handlers are done
        return
    await crawler.stop_async()

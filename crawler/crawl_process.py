"""The crawl process: Ctrl-C or SIGTERM closes every crawl, also one whose spider is opening or whose engine is
still starting.

Scrapy's graceful stop stops a crawler only once its engine runs. Two moments come before that. While the spider
opens (its components and the `spider_opened` handlers at work, the run already recorded as started) the stop
finds no engine to stop, the reactor stops, and the run stays `running` until someone looks: such a crawl is
stopped as soon as its opening is done, as its engine starts. While a handler of `engine_started` is still at
work (scrapy-playwright launching the browser, which can hang for its whole launch timeout) the engine is not
running yet either, so the stop would do nothing, no `spider_closed` would come, and the browser's driver and the
Chromium it was starting would outlive the sweep: the engine of such a crawl is stopped too. Either way its spider
closes with the finish reason `shutdown` (recorded as interrupted, crawler/run_health.py) and its download
handlers close.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList


class StoppingCrawlerProcess(CrawlerProcess):
    def stop(self) -> Deferred[Any]:
        return DeferredList([deferred_from_coro(stop_crawler(crawler)) for crawler in self.crawlers])


async def stop_crawler(crawler: Crawler) -> None:
    """`Crawler.stop_async`, which also stops a crawl whose spider is opening or whose engine is still starting;
    done once the crawl is stopped."""
    engine: ExecutionEngine | None = getattr(crawler, "_engine", None)  # `crawler.engine` raises until it is set
    if not crawler.crawling or engine is None or engine.spider is None or engine.running:
        await crawler.stop_async()
        return
    crawler.crawling = False
    if getattr(engine, "_starting", False):
        await engine.stop_async()  # sets the engine stopping: its start returns once the handlers are done
    else:
        await _stop_once_open(crawler, engine)


async def _stop_once_open(crawler: Crawler, engine: ExecutionEngine) -> None:
    """Stop a crawl whose spider is opening when its engine starts, once the opening is done (closing a spider
    half open would close components still opening); or nothing, when the opening failed and closed the spider
    itself."""
    stopped: Deferred[None] = Deferred()
    starting = False

    def done() -> None:
        if not stopped.called:
            stopped.callback(None)

    async def started() -> None:
        nonlocal starting
        starting = True
        try:
            await engine.stop_async()
        finally:
            done()

    def closed() -> None:
        if not starting:  # closed by the opening itself, not by the stop above
            done()

    crawler.signals.connect(started, signal=signals.engine_started)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    try:
        await maybe_deferred_to_future(stopped)
    finally:
        crawler.signals.disconnect(started, signal=signals.engine_started)
        crawler.signals.disconnect(closed, signal=signals.spider_closed)

"""The crawl process: Ctrl-C, SIGTERM or SIGHUP closes every crawl, also one whose spider is opening or whose
engine is still starting.

SIGHUP (the terminal of `tradewatch sweep` closed) stops the crawls as Scrapy's handlers of SIGINT and SIGTERM do,
gracefully the first time and at once the second, instead of ending the process with its runs `running`; not in a
process started with it ignored (`nohup`, `core.stop_signals`).

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

import signal
from typing import Any

from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList

from core.stop_signals import stop_signals


class StoppingCrawlerProcess(CrawlerProcess):
    # Set by the first stop signal: the crawls were asked to stop (a crawl that never opened was stopped, not lost).
    stop_signal: int | None = None
    forced = False  # by the second: the reactor stopped without closing the spiders, their runs left open
    _hangup: signal.Signals | None = None  # SIGHUP, where it stops the crawls

    def stop(self) -> Deferred[Any]:
        return DeferredList([deferred_from_coro(stop_crawler(crawler)) for crawler in self.crawlers])

    def start(self, stop_after_crawl: bool = True, install_signal_handlers: bool = True) -> None:
        hangup = getattr(signal, "SIGHUP", None)
        if install_signal_handlers and hangup in stop_signals():  # read now, before any handler of it is set
            self._hangup = hangup
            self._on_hangup(self._signal_shutdown)  # the stop it asks for waits for the reactor to run
        super().start(stop_after_crawl, install_signal_handlers)

    def _on_hangup(self, handler: Any) -> None:
        if self._hangup is not None:
            signal.signal(self._hangup, handler)

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.stop_signal = signum
        super()._signal_shutdown(signum, frame)
        self._on_hangup(self._signal_kill)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        self.forced = True
        super()._signal_kill(signum, frame)
        self._on_hangup(signal.SIG_IGN)


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

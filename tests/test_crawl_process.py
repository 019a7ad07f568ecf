"""crawler/crawl_process.py replaces how Scrapy's CrawlerProcess stops its crawlers and relies on private parts
of the engine: the installed Scrapy is checked to still have them and to use the replaced stop, since a
release that renamed one would bypass the replacement silently (a sweep interrupted while its spider opens or its
browser starts left unfinished, its browser orphaned: tests/test_sweep_interrupt.py shows it end to end)."""

from __future__ import annotations

import inspect

from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerProcess

from crawler.crawl_process import StoppingCrawlerProcess


def test_the_scrapy_internals_the_stopping_process_relies_on_are_the_installed_scrapy_s():
    # a signal's graceful stop reaches the crawlers through CrawlerProcess._stop_dfd -> self.stop()
    assert "self.stop()" in inspect.getsource(CrawlerProcess._stop_dfd)
    assert "stop" in vars(StoppingCrawlerProcess)
    # the engine marks its start with _starting before engine_started's handlers run, and returns without
    # running once it was stopped meanwhile (else the stopped engine would start and wait forever)
    start = inspect.getsource(ExecutionEngine.start_async)
    assert start.index("self._starting = True") < start.index("signal=signals.engine_started")
    assert "if self._stopping:" in start
    stop = inspect.getsource(ExecutionEngine.stop_async)
    assert 'self.close_spider_async(reason="shutdown")' in stop
    # a crawl stopped while its spider opens is stopped as its engine starts: the opening names the engine's
    # spider before its components and the spider_opened handlers run, and the crawl starts the engine once the
    # opening is done
    opening = inspect.getsource(ExecutionEngine.open_spider_async)
    assert opening.index("self.spider = ") < opening.index("signals.spider_opened")
    crawl = inspect.getsource(Crawler.crawl)
    assert crawl.index("self.engine.open_spider_async()") < crawl.index("self.engine.start_async()")
    # what stop_crawler reads and sets, and the stop it replaces
    assert "self._engine: ExecutionEngine | None = None" in inspect.getsource(Crawler.__init__)
    assert "self.crawling = False" in inspect.getsource(Crawler.stop_async)
    assert "if self.engine.running:" in inspect.getsource(Crawler.stop_async)

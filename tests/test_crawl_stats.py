"""The stats collector of tradewatch's crawls: Scrapy's in-memory one, with plain attribute reads."""

from __future__ import annotations

import warnings

from scrapy.statscollectors import MemoryStatsCollector

from crawler.crawl_stats import CrawlStats
from tests.crawl_support import project_crawler


def test_a_crawl_counts_in_the_collector_without_scrapys_per_read_wrappers():
    crawler = project_crawler()
    stats = crawler.stats
    assert isinstance(stats, CrawlStats)
    # Scrapy's own collector hands out a wrapper function on every read; this one the method itself
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value
    assert stats.get_value.__func__ is MemoryStatsCollector.get_value


def test_it_counts_as_scrapys_collector_does_and_keeps_the_closed_spiders_stats():
    crawler = project_crawler()
    crawler.spider = type("Spider", (), {"name": "listing"})()
    stats = crawler.stats
    stats.open_spider()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("tradewatch/pages/item")
        stats.inc_value("tradewatch/pages/item", 2)
        stats.inc_value("tradewatch/field/price/present", spider=crawler.spider)  # still accepted, not warned
    stats.max_value("tradewatch/store/largest_batch", 40)
    stats.max_value("tradewatch/store/largest_batch", 12)
    stats.min_value("tradewatch/pages/smallest", 3)
    stats.min_value("tradewatch/pages/smallest", 5)
    stats.set_value("tradewatch/run_id", 7)
    expected = {
        "tradewatch/pages/item": 3,
        "tradewatch/field/price/present": 1,
        "tradewatch/store/largest_batch": 40,
        "tradewatch/pages/smallest": 3,
        "tradewatch/run_id": 7,
    }
    assert stats.get_stats() == expected
    stats.close_spider(reason="finished")
    assert stats.spider_stats["listing"] == expected

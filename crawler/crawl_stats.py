"""The stats collector of tradewatch's crawls: Scrapy's in-memory one, read without its deprecation shim.

Since Scrapy 2.13 every attribute read on a stats collector goes through `StatsCollector.__getattribute__`, which
builds a name, looks for a cached wrapper and calls its methods through a check for a deprecated `spider` argument.
A crawl reads its stats a few hundred thousand times (Scrapy's own counters, tradewatch's coverage and page counts,
each `inc_value` reading `_stats` again), and the shim cost more CPU than the counting itself. tradewatch passes no
`spider` argument, and the methods still accept one, so attributes are read the ordinary way.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class CrawlStats(MemoryStatsCollector):
    """MemoryStatsCollector with plain attribute access (its methods and behaviour unchanged)."""

    __getattribute__ = object.__getattribute__

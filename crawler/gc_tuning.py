"""Scrapy extension that keeps Python's garbage collector off the long-lived objects a crawl is built on.

A crawl process holds a few hundred thousand objects that live as long as it does: the compiled watchlists,
the platform profiles, the ORM's metadata, Scrapy's and Twisted's own machinery. Every full collection walks
all of them again, and a crawl makes enough short-lived cycles (Deferreds, failures, tasks) to trigger one
every few hundred pages: measured on the demo sweep, a fifth of the crawl's time went to rescanning them.
When the spider opens, everything built so far is moved to the permanent generation (`gc.freeze`, once per
process) and the youngest generation is collected less often, so collections only look at what the crawl
itself allocates. Objects frozen are never collected: that is only what was built before the first page.

While a crawl process builds its crawls (Scrapy's components, the browser's driver, the handler's imports) the
collector can be switched off (`pause_collector`): what is built then lives on too, and its passes over it cost
about 0.02 CPU s of the start-up. This module imports no part of Scrapy until a crawl builds its extension, so
that the pause comes before Scrapy's and Twisted's imports (a full collection and a hundred young ones, about
0.04 CPU s, while they ran with the collector on). The first spider to open switches it on again, with all of
that frozen.

The crawl's scorer and model are loaded in a thread of their own once the spider is open (pipelines.score), and
they are as long-lived: some 140,000 objects, which the young collections walked again and again while they
were unpickled and which the full collections would walk for the rest of the crawl. The collector is off while
a scorer loads (`lasting_build`), and the first scorer of the process is frozen once loaded. That freeze also
takes what the crawl holds at that moment (its first pages in flight): objects frozen are still freed when no
longer referenced; only those in a reference cycle stay, once, for the process's life.

Setting: TRADEWATCH_GC_THRESHOLD (allocations between collections of the youngest generation; 0 leaves
Python's default).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Scrapy is imported once the collector is paused: its import makes some 100,000 objects
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

_frozen = False
_paused = False
_lasting_frozen = False
_builds = 0  # lasting builds under way
_builds_switched_off = False  # whether the first of them switched the collector off
_builds_lock = threading.Lock()


def pause_collector() -> bool:
    """Switch the cycle collector off until the first spider opens (or `resume_collector`). Returns whether
    this call switched it off: False where it was off already, which is then left to whoever switched it off."""
    global _paused
    if not gc.isenabled():
        return False
    gc.disable()
    _paused = True
    return True


def resume_collector(paused: bool) -> None:
    """Switch the collector on again after `pause_collector` returned `paused`, if no spider did (one that
    failed to open, an interrupted start-up)."""
    global _paused
    if paused and _paused:
        _paused = False
        gc.enable()


@contextmanager
def lasting_build() -> Iterator[None]:
    """Build what lives as long as the process (a crawl's scorer) with the collector off; freeze it once built,
    the first time in the process. Builds may overlap (one per crawl, each in its thread): the collector is off
    from the first one's start to the last one's end, then left as it was found (off if someone else switched
    it off)."""
    global _builds, _builds_switched_off, _lasting_frozen
    with _builds_lock:
        if _builds == 0:
            _builds_switched_off = gc.isenabled()
            gc.disable()
        _builds += 1
    built = False
    try:
        yield
        built = True
    finally:
        with _builds_lock:
            _builds -= 1
            if built and not _lasting_frozen:
                _lasting_frozen = True
                gc.freeze()
            if _builds == 0 and _builds_switched_off:
                gc.enable()


class GarbageCollectorTuning:
    """Freezes the objects built before the crawl and sets the youngest generation's threshold."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GarbageCollectorTuning:
        from scrapy import signals

        extension = cls(crawler.settings.getint("TRADEWATCH_GC_THRESHOLD"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        global _frozen, _paused
        if _frozen:
            return
        _frozen = True
        gc.freeze()
        if _paused:
            _paused = False
            gc.enable()
        if self.threshold > 0:
            _, middle, oldest = gc.get_threshold()
            gc.set_threshold(self.threshold, middle, oldest)
        if log.isEnabledFor(logging.DEBUG):  # counting the frozen objects walks them all: about 0.01 CPU s
            log.debug("garbage collector: %d objects frozen, thresholds %s", gc.get_freeze_count(), gc.get_threshold())

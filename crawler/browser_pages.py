"""Browser pages kept open across requests: a JS sweep navigates an idle page again instead of opening a new
one and closing it for every request (scrapy-playwright's default), which costs Chromium a renderer frame and
the crawl several round trips to the browser per page.

`PagePool` bounds the pages of a crawl: each is lent to one request at a time (and to its callback when the
request keeps its page, `playwright_include_page`, as item pages do for a lead's screenshot), or is idle. A
page whose download failed is closed rather than reused; the pages still open at the crawl's end close with
its browser context. `release_page(page)` gives a kept page back from a spider callback; it is the one call a
spider makes instead of `page.close()`. `release_page(page, close=True)` closes it instead: a renderer that took
a full-page screenshot keeps its memory (peak PSS of a demo-js sweep about 880 MB against 810 MB).

Stats: `tradewatch/js/pages_reused` (downloads that navigated an idle page), `tradewatch/js/pages_closed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable
from typing import Any

Listener = tuple[str, Callable[..., Any]]

REUSED_STAT = "tradewatch/js/pages_reused"
CLOSED_STAT = "tradewatch/js/pages_closed"

_pools: weakref.WeakKeyDictionary[Any, PagePool] = weakref.WeakKeyDictionary()  # lent page -> its pool


class PagePool:
    """At most `size` pages, each lent or idle; a request waits for a free one as it would for a new page."""

    def __init__(self, size: int, count: Callable[[str], None]) -> None:
        self._slots = asyncio.Semaphore(size)
        self._idle: list[Any] = []
        self._lent: dict[Any, list[Listener]] = {}  # page -> the request's own listeners, removed on release
        self._count = count

    async def acquire(self) -> Any | None:
        """Wait for a free slot; returns an idle page to navigate again, or None where a new one is opened."""
        await self._slots.acquire()
        while self._idle:
            page = self._idle.pop()
            if not page.is_closed():
                self._count(REUSED_STAT)
                return page
        return None

    def renew(self, page: Any) -> bool:
        """Whether `page` is lent already: a retry of a request that kept its page (its response retried
        before any callback saw it) goes on with the same page and slot, its listeners to be attached anew."""
        listeners = self._lent.get(page)
        if listeners is None:
            return False
        for event, listener in listeners:
            page.remove_listener(event, listener)
        listeners.clear()
        return True

    def lend(self, page: Any | None, listeners: list[Listener], *, replacing: Any | None = None) -> None:
        """The request holding a slot holds `page` (None: it got none, and the slot is free again), in place of
        the page `replacing` when a renewed page had closed and a new one was opened for it."""
        if replacing is not None and replacing is not page:
            self._lent.pop(replacing, None)
            _pools.pop(replacing, None)
        if page is None:
            self._slots.release()
            return
        self._lent[page] = listeners
        _pools[page] = self

    async def release(self, page: Any, *, failed: bool = False) -> None:
        """Give `page` back for the next request, or close it if its download `failed` (or it crashed).
        Releasing a page twice, or one this pool never lent, does nothing."""
        listeners = self._lent.pop(page, None)
        if listeners is None:
            return
        _pools.pop(page, None)
        for event, listener in listeners:
            page.remove_listener(event, listener)
        if failed or page.is_closed():
            await self._close(page)
        else:
            self._idle.append(page)
        self._slots.release()

    def forget(self) -> None:
        """Forget every page, idle or still lent (a callback the crawl's end cut short), as their browser
        context is about to close them all."""
        for page in self._lent:
            _pools.pop(page, None)
        self._idle.clear()
        self._lent.clear()

    async def _close(self, page: Any) -> None:
        if page.is_closed():
            return
        with contextlib.suppress(Exception):  # a browser already gone has closed its pages
            await page.close()
        self._count(CLOSED_STAT)


async def release_page(page: Any, *, close: bool = False) -> None:
    """A spider callback is done with the page its request kept: back to its pool (closed there if `close`),
    or closed if no pool lent it."""
    pool = _pools.get(page)
    if pool is not None:
        await pool.release(page, failed=close)
    elif not page.is_closed():
        await page.close()

"""The page pool of JS sweeps: bounded, an idle page navigated again, a failed one closed, each given back once."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from crawler.browser_pages import CLOSED_STAT, REUSED_STAT, PagePool, release_page


class FakePage:
    """The part of a Playwright page the pool uses."""

    def __init__(self) -> None:
        self.closed = False
        self.listeners: list[tuple[str, Any]] = []

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True

    def on(self, event: str, listener: Any) -> None:
        self.listeners.append((event, listener))

    def remove_listener(self, event: str, listener: Any) -> None:
        self.listeners.remove((event, listener))


def test_a_released_page_is_navigated_again_and_its_request_listeners_go_with_the_request():
    async def scenario() -> tuple[FakePage, Any, Counter]:
        stats: Counter = Counter()
        pool = PagePool(2, lambda key: stats.update([key]))
        assert await pool.acquire() is None  # nothing idle yet: the request opens a page
        page = FakePage()
        listener = object()
        page.on("response", listener)
        pool.lend(page, [("response", listener)])
        await pool.release(page)
        return page, await pool.acquire(), stats

    page, reused, stats = asyncio.run(scenario())
    assert reused is page
    assert page.listeners == []
    assert stats == Counter({REUSED_STAT: 1})


def test_the_pool_never_lends_more_pages_than_its_size_and_a_waiting_request_gets_the_first_one_back():
    async def scenario() -> tuple[list[Any], bool, Any]:
        pool = PagePool(2, lambda key: None)
        pages = [FakePage(), FakePage()]
        for page in pages:
            assert await pool.acquire() is None
            pool.lend(page, [])
        waiting = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.01)
        blocked = not waiting.done()
        await release_page(pages[1])  # as a spider callback gives back the page its request kept
        return pages, blocked, await asyncio.wait_for(waiting, 1.0)

    pages, blocked, third = asyncio.run(scenario())
    assert blocked
    assert third is pages[1]


def test_a_failed_page_is_closed_not_reused_and_a_second_release_changes_nothing():
    async def scenario() -> tuple[FakePage, Any, Counter]:
        stats: Counter = Counter()
        pool = PagePool(1, lambda key: stats.update([key]))
        await pool.acquire()
        page = FakePage()
        pool.lend(page, [])
        await pool.release(page, failed=True)
        await pool.release(page)  # the errback's release after the handler's: no second slot freed
        await release_page(page)
        after = await pool.acquire()
        second = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.01)
        assert not second.done()  # one slot only, held by `after`'s request
        second.cancel()
        return page, after, stats

    page, after, stats = asyncio.run(scenario())
    assert page.closed
    assert after is None  # a new page is opened in its place
    assert stats == Counter({CLOSED_STAT: 1})


def test_a_request_that_got_no_page_frees_its_slot():
    async def scenario() -> bool:
        pool = PagePool(1, lambda key: None)
        await pool.acquire()
        pool.lend(None, [])  # the page could not be opened
        return await asyncio.wait_for(pool.acquire(), 1.0) is None

    assert asyncio.run(scenario())


def test_a_page_no_pool_lent_is_closed_by_release_page():
    page = FakePage()
    asyncio.run(release_page(page))
    assert page.closed


def test_a_retried_request_that_kept_its_page_goes_on_with_it_and_its_slot():
    async def scenario() -> tuple[bool, FakePage, bool]:
        pool = PagePool(1, lambda key: None)
        await pool.acquire()
        page = FakePage()
        listener = object()
        page.on("response", listener)
        pool.lend(page, [("response", listener)])  # kept for a callback that never came: the response was retried
        renewed = pool.renew(page)
        page.on("response", listener)  # attached again by the retry's download
        pool.lend(page, [("response", listener)], replacing=page)
        await release_page(page)
        free = await asyncio.wait_for(pool.acquire(), 1.0) is page
        return renewed, page, free

    renewed, page, free = asyncio.run(scenario())
    assert renewed
    assert page.listeners == []
    assert free

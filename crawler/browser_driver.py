"""Playwright's driver started while the crawl is still being built, instead of once its engine has started.

scrapy-playwright starts the driver (a Node.js process that loads Playwright's scripts: 0.3-1 s, most of it in
Node) when the engine starts, after Scrapy has built the crawl and opened the spider, and only then launches
Chromium; the crawl waits for both. `start_driver_early` installs the crawl's reactor at once and spawns the
driver on its event loop, so Node loads while Scrapy builds the crawl; `EarlyDriverProvider`, the crawl's
browser provider (`PLAYWRIGHT_BROWSER_PROVIDER`), then takes that driver instead of starting one. A driver no
crawl took (the crawl failed before its engine started) is stopped by `stop_unused_driver`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from playwright.async_api import Playwright, PlaywrightContextManager
from scrapy_playwright.provider import PlaywrightBrowserProvider

from crawler.browser import driver_environment

logger = logging.getLogger(__name__)

# Event-loop steps run at once: enough for the driver's process to be spawned (about five), the rest of its
# start-up (Node loading the scripts, the handshake) goes on while the crawl runs.
SPAWN_STEPS = 20
STOP_TIMEOUT = 10.0  # seconds an unused driver has to finish starting before it is stopped


@dataclass
class _Started:
    loop: asyncio.AbstractEventLoop
    manager: PlaywrightContextManager
    playwright: asyncio.Task[Playwright]


_started: _Started | None = None


def start_driver_early(reactor: str, event_loop: str | None) -> None:
    """Install the crawl's Twisted reactor (`TWISTED_REACTOR`, `ASYNCIO_EVENT_LOOP`: Scrapy installs the same
    later and finds it there) and spawn Playwright's driver on its event loop. Call it once no process is forked
    any more (the driver's spawn starts asyncio's child watcher thread)."""
    global _started
    from scrapy.utils.reactor import install_reactor

    if _started is not None:
        return
    install_reactor(reactor, event_loop)
    loop = asyncio.get_event_loop()
    manager = PlaywrightContextManager()
    with driver_environment():
        playwright = loop.create_task(manager.start())
        loop.run_until_complete(_steps(SPAWN_STEPS))
    _started = _Started(loop, manager, playwright)


async def _steps(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


def _take() -> _Started | None:
    """The driver started early on the running loop, for the first crawl that asks."""
    global _started
    started = _started
    if started is None or started.loop is not asyncio.get_running_loop():
        return None
    _started = None
    return started


def stop_unused_driver() -> None:
    """Stop a driver started early that no crawl took, once the crawl's event loop has stopped."""
    global _started
    started, _started = _started, None
    if started is None or started.loop.is_closed() or started.loop.is_running():
        return
    started.loop.run_until_complete(_stop(started))


async def _stop(started: _Started) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.shield(started.playwright), STOP_TIMEOUT)
    with contextlib.suppress(Exception):
        await started.manager.__aexit__()


class EarlyDriverProvider(PlaywrightBrowserProvider):
    """scrapy-playwright's provider, with the driver `start_driver_early` started where there is one."""

    async def start(self) -> None:
        started = _take()
        if started is None:
            with driver_environment():
                await super().start()
            return
        self.playwright_context_manager = started.manager
        waited = not started.playwright.done()
        self.playwright = await started.playwright
        logger.info("Playwright driver started early (%s)", "waited for" if waited else "ready")
        self.browser_type = getattr(self.playwright, self.config.browser_type_name)

"""Playwright's driver, and the crawl's browser, started while the crawl process still imports and builds its
crawl, instead of once the crawl's engine has started (the crawl would wait for Node to load Playwright's
scripts, 0.3-1 s, then for Chromium to start, 0.5-1 s).

`start_driver_early` installs the crawl's reactor at once and spawns the driver on its event loop. With the
crawl's launch options (`launch_early`), the browser is launched as soon as the driver is up: a thread runs the
event loop meanwhile, until `take_loop_back`, which the crawl process calls before Scrapy builds its crawls
(they schedule work on that loop). The crawl's browser provider (`crawler.browser_driver.EarlyDriverProvider`)
takes the driver (`take_started`), and the browser where it launches with the same options; the crawl's download
handler adopts the proxy socket the browser was launched behind (`take_early_listener`). A driver no crawl took
(the crawl failed before its engine started) is stopped, with its browser, by `stop_unused_driver`.

This module imports Playwright and Scrapy's reactor helpers only, not scrapy-playwright's handler, so that a
sweep starts the driver before most of its imports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, Playwright, PlaywrightContextManager

from crawler.browser import behind_proxy, driver_environment, launch_options, listening_socket

logger = logging.getLogger(__name__)

# Event-loop steps run at once: enough for the driver's process to be spawned (about five), the rest of its
# start-up (Node loading the scripts, the handshake) goes on while the crawl process works.
SPAWN_STEPS = 20
STOP_TIMEOUT = 10.0  # seconds an unused driver has to finish starting before it is stopped
BROWSER_TYPE = "chromium"  # scrapy-playwright's default `PLAYWRIGHT_BROWSER_TYPE`, which tradewatch keeps


@dataclass
class EarlyLaunch:
    """A crawl's browser, launched with the driver: `given` are the launch options as the crawl's settings give
    them, `options` those its provider launches with (the resolving proxy's port named), `listener` the proxy's
    socket, listening already, for the crawl's download handler to adopt."""

    browser_type: str
    given: dict[str, Any]
    options: dict[str, Any]
    listener: socket.socket
    adopted: bool = False


@dataclass
class EarlyStart:
    loop: asyncio.AbstractEventLoop
    manager: PlaywrightContextManager
    playwright: asyncio.Task[Playwright]
    launch: EarlyLaunch | None = None
    browser: asyncio.Task[Browser] | None = None
    thread: threading.Thread | None = None
    release: asyncio.Future[None] | None = field(default=None, repr=False)


_started: EarlyStart | None = None


def launch_early(reactor: str, event_loop: str | None, allowed_hosts: Iterable[str] = ()) -> None:
    """Start the driver (`start_driver_early`) and launch the browser of a crawl whose profile allows
    `allowed_hosts` (`crawler.browser.playwright_settings`), behind a proxy socket that listens already."""
    if _started is not None:
        return
    given = launch_options(allowed_hosts)
    listener = listening_socket()
    options = behind_proxy(given, int(listener.getsockname()[1]))
    try:
        start_driver_early(reactor, event_loop, EarlyLaunch(BROWSER_TYPE, given, options, listener))
    except BaseException:
        listener.close()
        raise


def start_driver_early(reactor: str, event_loop: str | None, launch: EarlyLaunch | None = None) -> None:
    """Install the crawl's Twisted reactor (`TWISTED_REACTOR`, `ASYNCIO_EVENT_LOOP`: Scrapy installs the same
    later and finds it there) and spawn Playwright's driver on its event loop; with `launch`, launch the browser
    as soon as the driver is up, the loop run by a thread of its own until `take_loop_back`. Call it once no
    process is forked any more (the driver's spawn starts asyncio's child watcher thread)."""
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
    started = EarlyStart(loop, manager, playwright, launch)
    if launch is not None:
        started.browser = loop.create_task(_launch(playwright, launch))
        started.browser.add_done_callback(_retrieved)
        started.release = loop.create_future()
        started.thread = threading.Thread(target=_run_aside, args=(started,), name="browser-launch", daemon=True)
        started.thread.start()
    _started = started


async def _steps(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def _launch(playwright: asyncio.Task[Playwright], launch: EarlyLaunch) -> Browser:
    browser_type = getattr(await playwright, launch.browser_type)
    return await browser_type.launch(**launch.options)  # type: ignore[no-any-return]


def _retrieved(task: asyncio.Task[Browser]) -> None:
    """A launch that failed is launched again by the crawl; its error is not left unretrieved."""
    if not task.cancelled() and task.exception() is not None:
        logger.debug("early browser launch failed", exc_info=task.exception())


def _run_aside(started: EarlyStart) -> None:
    """Run the loop in this thread until the browser is launched or the crawl's thread takes the loop back."""
    assert started.browser is not None and started.release is not None
    either: list[asyncio.Future[Any]] = [started.browser, started.release]
    waiting = asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    try:
        started.loop.run_until_complete(waiting)
    except Exception:  # the loop is the crawl's again; the launch goes on there or fails where it is awaited
        logger.debug("early browser launch thread ended", exc_info=True)


def _set_released(release: asyncio.Future[None]) -> None:
    if not release.done():
        release.set_result(None)


def take_loop_back() -> None:
    """The crawl's thread takes its event loop back, before anything schedules work on it (Scrapy's crawls as they
    are built): the thread that ran it while the browser launched ends. A launch not done yet goes on once the
    crawl runs the loop."""
    started = _started
    if started is None or started.thread is None:
        return
    assert started.release is not None
    started.loop.call_soon_threadsafe(_set_released, started.release)
    started.thread.join()
    started.thread = None


def take_early_listener(given: dict[str, Any]) -> socket.socket | None:
    """The proxy socket the early browser was launched behind, for the download handler of the crawl whose
    settings give the same launch options (once); None for any other."""
    launch = _started.launch if _started is not None else None
    if launch is None or launch.adopted or launch.given != given:
        return None
    launch.adopted = True
    return launch.listener


def take_started() -> EarlyStart | None:
    """The driver (and browser) started early on the running loop, for the first crawl that asks."""
    global _started
    started = _started
    if started is None or started.loop is not asyncio.get_running_loop():
        return None
    _started = None
    return started


def stop_unused_driver() -> None:
    """Stop a driver started early that no crawl took, and the browser it launched, once the crawl's event loop
    has stopped."""
    global _started
    take_loop_back()
    started, _started = _started, None
    if started is None:
        return
    if started.launch is not None and not started.launch.adopted:
        started.launch.listener.close()
    if started.loop.is_closed() or started.loop.is_running():
        return
    started.loop.run_until_complete(_stop(started))


async def _stop(started: EarlyStart) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.shield(started.playwright), STOP_TIMEOUT)
    if started.browser is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(started.browser), STOP_TIMEOUT)
    with contextlib.suppress(Exception):
        await started.manager.__aexit__()  # the driver closes the browsers it launched

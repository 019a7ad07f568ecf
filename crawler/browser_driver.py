"""Playwright's driver started while the crawl is still being built, instead of once its engine has started.

scrapy-playwright starts the driver (a Node.js process that loads Playwright's scripts: 0.3-1 s, most of it in
Node) when the engine starts, after Scrapy has built the crawl and opened the spider, and only then launches
Chromium; the crawl waits for both. `start_driver_early` installs the crawl's reactor at once and spawns the
driver on its event loop, so Node loads while Scrapy builds the crawl; `EarlyDriverProvider`, the crawl's
browser provider (`PLAYWRIGHT_BROWSER_PROVIDER`), then takes that driver instead of starting one. A driver no
crawl took (the crawl failed before its engine started) is stopped by `stop_unused_driver`.

A crawl closed while its browser is still launching (Ctrl-C while Chromium starts, or hangs) ends that launch
first (`close`): Playwright's driver would otherwise wait for it, up to the launch timeout, before it exits.

The provider also ends the browser at the crawl's close (`end_browser`): once its contexts are closed, the browser's
process group is killed and its profile folder removed, instead of Playwright's graceful close, in which
Chromium takes 0.2-0.4 s to shut down a profile that is thrown away after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from tempfile import gettempdir

from playwright.async_api import Browser, Playwright, PlaywrightContextManager
from scrapy_playwright.provider import PlaywrightBrowserProvider

from crawler.browser import driver_environment

logger = logging.getLogger(__name__)

# Event-loop steps run at once: enough for the driver's process to be spawned (about five), the rest of its
# start-up (Node loading the scripts, the handshake) goes on while the crawl runs.
SPAWN_STEPS = 20
STOP_TIMEOUT = 10.0  # seconds an unused driver has to finish starting before it is stopped
END_TIMEOUT = 5.0  # seconds Playwright has to see a killed browser gone before it is closed the graceful way
USER_DATA_DIR = "--user-data-dir="  # Chromium's argument naming its profile folder
PLAYWRIGHT_PROFILE = "playwright_chromiumdev_profile-"  # how Playwright names the temporary profile it makes


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

    async def launch_browser(self) -> Browser:
        self._launching = getattr(self, "_launching", 0) + 1
        try:
            browser = await super().launch_browser()
        finally:
            self._launching -= 1
        local = not (self.config.cdp_url or self.config.connect_url)
        self._process: asyncio.Future[BrowserProcess | None] | None = (
            asyncio.ensure_future(browser_process(browser)) if local else None
        )
        return browser

    async def close(self) -> None:
        if getattr(self, "_launching", 0):
            end_launching_browsers()
        await super().close()

    async def end_browser(self, browser: Browser) -> None:
        """End a browser this provider launched at once, its contexts closed: SIGKILL to its process group (its
        renderers, zygotes and helpers die with it, none outlives the crawl), then its profile folder removed,
        as Playwright's driver does after a close of its own. A browser whose process was not found, or that
        does not lead a process group of its own, is left to Playwright's graceful close."""
        process = getattr(self, "_process", None)
        if process is None or not browser.is_connected():
            return
        found = await process
        if found is None or found.pid == os.getpgrp():
            return
        try:
            if os.getpgid(found.pid) != found.pid:
                return
            gone = asyncio.Event()
            browser.once("disconnected", lambda _browser: gone.set())
            os.killpg(found.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(gone.wait(), END_TIMEOUT)
        if found.profile:
            shutil.rmtree(found.profile, ignore_errors=True)


def end_launching_browsers() -> None:
    """SIGKILL to the process group of every process the Playwright drivers of this process started: called only
    when the crawl closes with a launch still under way, when the browser those processes are is not the crawl's
    yet. The launch then fails at once, and the driver, with nothing left to wait for, exits."""
    import psutil

    for driver in psutil.Process().children():
        try:
            if "run-driver" not in driver.cmdline():
                continue
            started = driver.children()
        except psutil.Error:
            continue
        for process in started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if os.getpgid(process.pid) == process.pid:  # Playwright starts Chromium leading a group of its own
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    os.kill(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class BrowserProcess:
    pid: int
    profile: Path | None  # the temporary profile folder Playwright made for this browser


async def browser_process(browser: Browser) -> BrowserProcess | None:
    """The browser's own process (Chromium's `SystemInfo.getProcessInfo`) and its profile folder, or None."""
    try:
        session = await browser.new_browser_cdp_session()
        info = await session.send("SystemInfo.getProcessInfo")
        await session.detach()
        pid = next(int(process["id"]) for process in info["processInfo"] if process["type"] == "browser")
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            args = handle.read().decode("utf-8", "replace").split("\0")
    except Exception:  # another browser, another system: the graceful close then
        logger.debug("browser process not found", exc_info=True)
        return None
    folders = [Path(arg.removeprefix(USER_DATA_DIR)) for arg in args if arg.startswith(USER_DATA_DIR)]
    temporary = [f for f in folders if f.name.startswith(PLAYWRIGHT_PROFILE) and f.parent == Path(gettempdir())]
    return BrowserProcess(pid, temporary[0] if temporary else None)

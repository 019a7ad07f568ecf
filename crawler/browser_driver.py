"""The crawl's browser provider: Playwright's driver, and the browser, taken from an early start where there was one.

scrapy-playwright starts the driver (a Node.js process that loads Playwright's scripts: 0.3-1 s, most of it in
Node) when the engine starts, after Scrapy has built the crawl and opened the spider, and only then launches
Chromium; the crawl waits for both. `crawler.browser_early` starts both while the crawl process is still
importing and building the crawl; `EarlyDriverProvider`, the crawl's browser provider (`PLAYWRIGHT_BROWSER_PROVIDER`),
then takes that driver instead of starting one, and that browser where its crawl launches with the same options.

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

from playwright.async_api import Browser
from scrapy_playwright.provider import PlaywrightBrowserProvider

from crawler.browser import driver_environment
from crawler.browser_early import EarlyStart, take_started

logger = logging.getLogger(__name__)

END_TIMEOUT = 5.0  # seconds Playwright has to see a killed browser gone before it is closed the graceful way
USER_DATA_DIR = "--user-data-dir="  # Chromium's argument naming its profile folder
PLAYWRIGHT_PROFILE = "playwright_chromiumdev_profile-"  # how Playwright names the temporary profile it makes


class EarlyDriverProvider(PlaywrightBrowserProvider):
    """scrapy-playwright's provider, with the driver `start_driver_early` started where there is one."""

    async def start(self) -> None:
        self._early: EarlyStart | None = None
        started = take_started()
        if started is None:
            with driver_environment():
                await super().start()
            return
        self.playwright_context_manager = started.manager
        waited = not started.playwright.done()
        self.playwright = await started.playwright
        logger.info("Playwright driver started early (%s)", "waited for" if waited else "ready")
        self.browser_type = getattr(self.playwright, self.config.browser_type_name)
        self._early = started if started.browser is not None else None

    async def launch_browser(self) -> Browser:
        browser = await self._early_browser()
        if browser is None:
            browser = await super().launch_browser()
        local = not (self.config.cdp_url or self.config.connect_url)
        self._process: asyncio.Future[BrowserProcess | None] | None = (
            asyncio.ensure_future(browser_process(browser)) if local else None
        )
        return browser

    async def _early_browser(self) -> Browser | None:
        """The browser launched with the driver, where this crawl launches with the same options (only for its
        first launch: a browser launched again after a disconnection is launched here); else None, and an early
        browser of other options is closed."""
        started, self._early = getattr(self, "_early", None), None
        if started is None or started.browser is None or started.launch is None:
            return None
        same = (started.launch.browser_type, started.launch.options) == (
            self.config.browser_type_name,
            self.config.launch_options,
        )
        if not same:
            if not started.launch.adopted:  # no crawl's proxy listens on it
                started.launch.listener.close()
            self._closing_early = asyncio.ensure_future(_close_early(started.browser))
            return None
        waited = not started.browser.done()
        try:
            browser = await started.browser
        except Exception:
            logger.warning("the browser launched early failed; launching it again", exc_info=True)
            return None
        logger.info("Browser %s launched early (%s)", started.launch.browser_type, "waited for" if waited else "ready")
        return browser

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


async def _close_early(browser: asyncio.Task[Browser]) -> None:
    with contextlib.suppress(Exception):
        await (await browser).close()


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

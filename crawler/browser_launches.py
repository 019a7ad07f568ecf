"""The browser's launches in a crawl: counted, told in plain words, and the crawl stopped when none succeeds.

scrapy-playwright launches Chromium when the engine starts (for the configured contexts) and again whenever a
download finds no browser (the start-up launch failed, or the browser disconnected). A start-up launch that
fails (a timeout under load, a crash, a missing executable) would show only as Scrapy's "Error caught on signal
handler" while the crawl goes on. Here every failed launch is counted (`LAUNCH_FAILED_STAT`) with a WARNING
saying that the crawl goes on, a launch after failed ones is counted as a recovery (`LAUNCH_RECOVERED_STAT`),
and after `LAUNCH_ATTEMPTS` failed launches in a row the crawl is stopped (`BROWSER_UNAVAILABLE`): without a
browser no JS page can be read, and the run is recorded as failed with the launch's error, not as a site that
did not answer (crawler/run_health.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.crawler import Crawler

from core.errors import error_text, first_line
from crawler.closing import close_crawl
from crawler.run_health import BROWSER_UNAVAILABLE, LAUNCH_ERROR_STAT, LAUNCH_FAILED_STAT, LAUNCH_RECOVERED_STAT

logger = logging.getLogger(__name__)

# Failed launches in a row before the crawl is stopped: the start-up launch and one more by the first download.
# Each failed launch fails the download that made it (a timed-out one after 30 s), so more would cost pages.
LAUNCH_ATTEMPTS = 2


class BrowserUnavailable(RuntimeError):
    """The browser did not start after `LAUNCH_ATTEMPTS` launches: a download fails at once, without a launch."""


class LaunchRecord:
    """The launches of one crawl's browser. `failed` and `launched` are called under the handler's launch lock."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.failed_in_a_row = 0
        self.given_up = False
        self.last_error: BaseException | None = None
        self._closing: asyncio.Future[Any] | None = None

    def check(self) -> None:
        if self.given_up and self.last_error is not None:
            raise BrowserUnavailable(f"the browser did not start: {first_line(self.last_error)}")

    def failed(self, error: BaseException) -> None:
        """A launch failed: counted, told, and after `LAUNCH_ATTEMPTS` in a row the crawl is stopped. A launch
        ended because the crawl is stopping (Ctrl-C, SIGTERM: crawler/browser_driver.py kills it) is not the
        browser's failure: told as such, not counted."""
        if not getattr(self.crawler, "crawling", True):
            logger.info("the browser's launch was ended because the crawl is stopping (%s)", first_line(error))
            return
        self.failed_in_a_row += 1
        self.last_error = error
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(LAUNCH_FAILED_STAT)
            stats.set_value(LAUNCH_ERROR_STAT, first_line(error))
        if self.failed_in_a_row < LAUNCH_ATTEMPTS:
            logger.warning(
                "the browser did not start (attempt %d of %d: %s): the crawl goes on, its next JS page starts it again",
                self.failed_in_a_row,
                LAUNCH_ATTEMPTS,
                first_line(error),
            )
            return
        self.given_up = True
        logger.error(
            "the browser did not start (attempt %d of %d: %s): no JS page can be read, the crawl is stopped",
            self.failed_in_a_row,
            LAUNCH_ATTEMPTS,
            first_line(error),
        )
        if error_text(error).strip() != first_line(error):
            logger.info("the browser's last launch error in full: %s", error)  # Playwright's call log, the browser's
        self._closing = close_crawl(self.crawler, BROWSER_UNAVAILABLE)

    def launched(self) -> None:
        """A launch succeeded: a recovery when failed ones came before it."""
        if not self.failed_in_a_row:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(LAUNCH_RECOVERED_STAT)
        logger.warning(
            "the browser started at attempt %d, after %d failed launch(es): the crawl recovered and goes on",
            self.failed_in_a_row + 1,
            self.failed_in_a_row,
        )
        self.failed_in_a_row = 0

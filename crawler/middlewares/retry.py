"""Retries that respect the site: wait out `Retry-After` on 429 and 503, back off, slow the domain down."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

THROTTLE_CODES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: `Retry-After` as delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, plus: on 429 and 503 the retry waits `Retry-After` (or an exponential
    backoff), bounded by TRADEWATCH_RETRY_MAX_WAIT, without blocking other requests, and the domain's download
    slot delay is raised so the whole crawl slows down (AutoThrottle eases it back as answers come).

    Stats: `tradewatch/retries/count`, `tradewatch/retries/<status>`, `tradewatch/retries/gave_up`,
    `tradewatch/retries/waited_ms`.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("TRADEWATCH_RETRY_MAX_WAIT")
        self.base_wait = settings.getfloat("TRADEWATCH_RETRY_BASE_WAIT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    def wait_for(self, request: Request, response: Response) -> float:
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            asked = self.base_wait * 2 ** request.meta.get("retry_times", 0)
        return min(max(asked, 0.0), self.max_wait)

    def _slow_down(self, request: Request, wait: float) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, self.max_wait))

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"tradewatch/retries/{response.status}")
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            stats.inc_value("tradewatch/retries/gave_up")
            return response
        stats.inc_value("tradewatch/retries/count")
        if response.status in THROTTLE_CODES:
            wait = self.wait_for(request, response)
            self._slow_down(request, wait)
            if wait > 0:
                stats.inc_value("tradewatch/retries/waited_ms", round(wait * 1000))
                await sleep(wait)  # this request waits; others go on
        return retry

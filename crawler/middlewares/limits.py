"""Hostile and broken responses, counted: what Scrapy's limits refuse shows up in the run's stats.

Scrapy enforces the limits (DOWNLOAD_MAXSIZE on the wire and while decompressing, DOWNLOAD_TIMEOUT,
DOWNLOAD_FAIL_ON_DATALOSS, REDIRECT_MAX_TIMES); these middlewares make every refusal visible in the run's stats
so `tradewatch runs show` says why pages were lost:

- `tradewatch/responses/too_large`: body over the size cap, announced or received;
- `tradewatch/responses/decompression_bomb`: a compressed body that expanded past the cap;
- `tradewatch/responses/timeout`: no answer within the download timeout (a server that never answers);
- `tradewatch/responses/data_loss`: the connection closed before the announced body was complete;
- `tradewatch/responses/refused`: connection refused or name not resolvable;
- `tradewatch/responses/redirect_loop`: more redirects than REDIRECT_MAX_TIMES;
- `tradewatch/responses/failed`: any other download failure.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import defer
from twisted.internet import error as twisted_error
from twisted.web.client import ResponseFailed

PREFIX = "tradewatch/responses/"
_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadCancelledError, defer.CancelledError), "too_large"),
    ((DownloadTimeoutError, twisted_error.TimeoutError, defer.TimeoutError, TimeoutError), "timeout"),
    ((ResponseDataLossError, ResponseFailed, twisted_error.ConnectionLost), "data_loss"),
    (
        (
            DownloadConnectionRefusedError,
            CannotResolveHostError,
            twisted_error.ConnectionRefusedError,
            twisted_error.DNSLookupError,
        ),
        "refused",
    ),
)


def failure_kind(exception: BaseException) -> str:
    """The stats name of a download failure."""
    for types, kind in _KINDS:
        if isinstance(exception, types):
            return kind
    return "failed"


def _count(crawler: Crawler | None, kind: str, stats: Any = None) -> None:
    stats = stats if stats is not None else (crawler.stats if crawler is not None else None)
    if stats is not None:
        stats.inc_value(PREFIX + kind)


class DownloadFailureStatsMiddleware:
    """Counts every download failure by kind (registered above the retry middleware, so every attempt counts)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadFailureStatsMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        _count(self.crawler, failure_kind(exception))
        return None


class CountingHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression with its size cap; a body that expands past DOWNLOAD_MAXSIZE is counted."""

    def process_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().process_response(request, response, *args, **kwargs)
        except IgnoreRequest:
            _count(None, "decompression_bomb", self.stats)
            raise


class _CountRedirectLoops:
    crawler: Crawler

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        try:
            return super()._redirect(redirected, request, reason)  # type: ignore[misc]
        except IgnoreRequest:
            _count(self.crawler, "redirect_loop")
            raise


class CountingRedirectMiddleware(_CountRedirectLoops, RedirectMiddleware):
    """Scrapy's redirects; giving up after REDIRECT_MAX_TIMES is counted."""


class CountingMetaRefreshMiddleware(_CountRedirectLoops, MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects; giving up after REDIRECT_MAX_TIMES is counted."""

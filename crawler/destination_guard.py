"""Downloader middleware that refuses requests (and redirects) to forbidden destinations."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.destinations import DestinationPolicy, ForbiddenDestination
from leads.config import get_settings

logger = logging.getLogger(__name__)


def policy_for(crawler: Crawler, spider: Spider | None = None) -> DestinationPolicy:
    """Allowed private hosts come from configuration: TRADEWATCH_ALLOWED_HOSTS and the platform's profile."""
    hosts = list(get_settings().allowed_hosts)
    hosts += crawler.settings.getlist("TRADEWATCH_ALLOWED_HOSTS")
    profile = getattr(spider, "profile", None)
    hosts += list(getattr(profile, "allow_private_hosts", []) or [])
    return DestinationPolicy.with_allowed(hosts)


class DestinationGuardMiddleware:
    """Runs before every download, so redirects (which are new requests) are checked as well."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy: DestinationPolicy | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DestinationGuardMiddleware:
        return cls(crawler)

    def _policy(self) -> DestinationPolicy:
        if self.policy is None:
            self.policy = policy_for(self.crawler, self.crawler.spider)
        return self.policy

    async def process_request(self, request: Request) -> Any:
        policy = self._policy()
        try:
            host, name = policy.check_syntax(request.url)
            if name is not None and name not in policy._resolved:
                loop = asyncio.get_running_loop()
                try:
                    infos = await loop.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
                except OSError:
                    infos = []
                policy._resolved[name] = tuple(str(info[4][0]) for info in infos)
            if name is not None:
                policy.check_addresses(host, policy._resolved[name])
        except ForbiddenDestination as reason:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("tradewatch/requests/forbidden_destination")
            logger.warning("refused request to %s: %s", request.url, reason)
            raise IgnoreRequest(f"forbidden destination: {reason}") from None
        return None

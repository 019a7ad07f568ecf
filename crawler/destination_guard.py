"""Where requests may go, enforced on both download paths (see crawler/destinations.py for the policy).

- `DestinationGuardMiddleware` (a downloader middleware, registered before Offsite, robots.txt and retries)
  checks every Scrapy request before it is downloaded: first requests, followed links, redirects (which are
  new requests), retries and robots.txt fetches alike. Stat: `tradewatch/requests/forbidden_destination`.
- `BrowserRequestGuard` is scrapy-playwright's `PLAYWRIGHT_ABORT_REQUEST` predicate: Chromium follows
  redirects, runs scripts and resolves names itself, so every request the browser makes (navigations,
  redirects, fetch/XHR, frames, scripts) is checked again there. Stat: `tradewatch/browser/forbidden_destination`.
- `guard_web_sockets` is the page init callback that does the same for WebSocket connections, which the
  browser opens outside request routing.
- Redirect hops inside a navigation never reach Playwright's routing, and Chromium resolves names itself: its
  connections all go through the resolving proxy of crawler/browser_proxy.py, which checks and connects to the
  same address (`destination_addresses`).

Allowed private hosts come from configuration only: TRADEWATCH_ALLOWED_HOSTS, the Scrapy setting of the same
name, and the platform profile's `allow_private_hosts`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from core.config import get_settings
from crawler.destinations import DestinationPolicy, ForbiddenDestination, literal_ip

logger = logging.getLogger(__name__)

FORBIDDEN_STAT = "tradewatch/requests/forbidden_destination"
BROWSER_FORBIDDEN_STAT = "tradewatch/browser/forbidden_destination"
ALLOWED_HOSTS_META = "tradewatch_allowed_hosts"
WEB_SOCKET_GUARD = "crawler.destination_guard.guard_web_sockets"


def _profile_hosts(spider: Spider | None) -> list[str]:
    profiles: list[Any] = []
    if getattr(spider, "profile", None) is not None:
        profiles.append(spider.profile)  # type: ignore[union-attr]
    profiles += list((getattr(spider, "profiles", None) or {}).values())  # re-checks cover several platforms
    return [host for profile in profiles for host in (getattr(profile, "allow_private_hosts", None) or [])]


def policy_for(crawler: Crawler, spider: Spider | None = None) -> DestinationPolicy:
    """Allowed private hosts come from configuration: TRADEWATCH_ALLOWED_HOSTS and the platform's profile."""
    hosts = list(get_settings().allowed_hosts)
    hosts += crawler.settings.getlist("TRADEWATCH_ALLOWED_HOSTS")
    hosts += _profile_hosts(spider)
    return DestinationPolicy.with_allowed(hosts)


Resolver = Callable[[str], Awaitable[tuple[str, ...]]]


async def resolve_host(name: str) -> tuple[str, ...]:
    """The addresses DNS gives for `name` (empty when it does not resolve), looked up in the event loop's
    resolver thread so the reactor never blocks. The default of `TRADEWATCH_DNS_RESOLVER`."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def resolver_for(settings: BaseSettings | None) -> Resolver:
    """The crawl's resolver: `TRADEWATCH_DNS_RESOLVER` (an import path), else `resolve_host`."""
    path = settings.get("TRADEWATCH_DNS_RESOLVER") if settings is not None else None
    return cast(Resolver, load_object(path)) if path else resolve_host


async def check_destination(policy: DestinationPolicy, url: str, resolve: Resolver = resolve_host) -> None:
    """`policy.check(url)` without blocking the event loop, names resolved by `resolve` (cached per policy)."""
    host, name = policy.check_syntax(url)
    if name is None:
        return
    if name not in policy._resolved:
        policy._resolved[name] = tuple(await resolve(name))
    policy.check_addresses(host, policy._resolved[name])


async def destination_addresses(policy: DestinationPolicy, url: str, resolve: Resolver) -> tuple[str, ...]:
    """The addresses a connection for `url` may use: resolved now (never from a cache, so a second DNS answer
    cannot differ from the one checked) and every one checked. Empty when the name does not resolve."""
    host, name = policy.check_syntax(url)
    literal = literal_ip(host)
    if literal is not None:
        return (literal,)
    addresses = tuple(await resolve(host))
    if name is not None:
        policy.check_addresses(host, addresses)
    return addresses


class DestinationGuardMiddleware:
    """Runs before every download, so redirects (which are new requests) are checked as well."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy: DestinationPolicy | None = None
        self.resolve = resolver_for(crawler.settings)
        browser_guard = crawler.settings.get("PLAYWRIGHT_ABORT_REQUEST")
        if isinstance(browser_guard, BrowserRequestGuard):
            browser_guard.bind(crawler)

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
            await check_destination(policy, request.url, self.resolve)
        except ForbiddenDestination as reason:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(FORBIDDEN_STAT)
            logger.warning("refused request to %s: %s", request.url, reason)
            raise IgnoreRequest(f"forbidden destination: {reason}") from None
        if request.meta.get("playwright") and "playwright_page_init_callback" not in request.meta:
            # plain strings only: requests may be serialised to a shared frontier
            request.meta["playwright_page_init_callback"] = WEB_SOCKET_GUARD
            request.meta[ALLOWED_HOSTS_META] = sorted(policy.allowed_hosts)
        return None


class BrowserRequestGuard:
    """`PLAYWRIGHT_ABORT_REQUEST` predicate: True (abort) for blocked resource types and forbidden destinations.

    One instance per crawl (crawler/browser.py `playwright_settings()` makes a new one each time); the
    destination guard middleware binds it to its crawler so it knows the platform's allowed hosts and can
    count. Unbound, it allows only the hosts of TRADEWATCH_ALLOWED_HOSTS.
    """

    def __init__(self, blocked_resource_types: Iterable[str] = ()) -> None:
        self.blocked_resource_types = frozenset(blocked_resource_types)
        self.crawler: Crawler | None = None
        self._policy: DestinationPolicy | None = None
        self.resolve: Resolver = resolve_host

    def bind(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._policy = None
        self.resolve = resolver_for(crawler.settings)

    def policy(self) -> DestinationPolicy:
        if self._policy is None:
            if self.crawler is None:
                self._policy = DestinationPolicy.with_allowed(get_settings().allowed_hosts)
            else:
                self._policy = policy_for(self.crawler, self.crawler.spider)
        return self._policy

    async def __call__(self, request: Any) -> bool:
        if request.resource_type in self.blocked_resource_types:
            return True
        try:
            await check_destination(self.policy(), request.url, self.resolve)
        except ForbiddenDestination as reason:
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value(BROWSER_FORBIDDEN_STAT)
            logger.warning("browser request refused: %s %s: %s", request.resource_type, request.url, reason)
            return True
        return False

    def __deepcopy__(self, memo: dict[int, Any]) -> BrowserRequestGuard:
        # Scrapy copies settings per crawler: each copy is a fresh, unbound guard.
        return BrowserRequestGuard(self.blocked_resource_types)


def _as_http(url: str) -> str:
    for ws, http in (("ws://", "http://"), ("wss://", "https://")):
        if url[: len(ws)].lower() == ws:
            return http + url[len(ws) :]
    return url


async def guard_web_sockets(page: Any, request: Request) -> None:
    """Page init callback: WebSocket connections to forbidden destinations are closed before they connect."""
    policy = DestinationPolicy.with_allowed(request.meta.get(ALLOWED_HOSTS_META) or [])

    async def handler(socket_route: Any) -> None:
        try:
            await check_destination(policy, _as_http(socket_route.url))
        except ForbiddenDestination as reason:
            logger.warning("browser WebSocket refused: %s: %s", socket_route.url, reason)
            await socket_route.close(code=1008, reason="forbidden destination")
            return
        socket_route.connect_to_server()

    await page.route_web_socket(lambda _url: True, handler)

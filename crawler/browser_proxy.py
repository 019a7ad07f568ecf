"""Chromium reaches the network only through a local proxy that resolves, checks and connects itself.

Chromium follows a navigation's redirects without asking Playwright's routing, and resolves names on its own,
so a checked name could still lead it to a private address: a redirect hop to a public-looking name that DNS
resolves to the bureau's network, or a name that answers once with a public address and then with a private
one (DNS rebinding). Here the browser is launched with `--proxy-server` pointing at `ResolvingProxy` on
127.0.0.1 (Playwright proxies loopback too), so every HTTP request, every `CONNECT` tunnel (HTTPS, WebSockets)
and every redirect hop arrives as a host name at the proxy. The proxy resolves the name once with the crawl's
resolver (`TRADEWATCH_DNS_RESOLVER`), checks every address against the destination policy and connects to
exactly an address it checked; a refused destination gets its connection closed, which the browser reports as
a failed request. WebRTC is kept to proxied TCP, so it cannot reach addresses around the proxy either.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route
from playwright.async_api import Request as BrowserRequest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Headers, HtmlResponse, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy_playwright._utils import (
    _attach_page_event_handlers,
    _encode_body,
    _get_page_content,
    _is_safe_close_error,
    _maybe_await,
    _maybe_execute_page_init_callback,
    _set_redirect_meta,
)
from scrapy_playwright.handler import DEFAULT_CONTEXT_NAME, BrowserContextWrapper, ScrapyPlaywrightDownloadHandler

from crawler.browser_driver import EarlyDriverProvider
from crawler.browser_launches import LaunchRecord
from crawler.browser_pages import PagePool
from crawler.destination_guard import BROWSER_FORBIDDEN_STAT, destination_addresses, policy_for, resolver_for
from crawler.destinations import DestinationPolicy, ForbiddenDestination

logger = logging.getLogger(__name__)

HEAD_LIMIT = 64 * 1024  # bytes of a request line and headers the proxy reads before giving up on a request
CONNECT_TIMEOUT = 30.0  # seconds to reach a checked address (as DOWNLOAD_TIMEOUT bounds the whole download)
HOP_BY_HOP = frozenset({"proxy-connection", "proxy-authorization", "connection", "keep-alive"})
WEBRTC_POLICY = "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"
RESOLVER_RULES = "--host-resolver-rules="
PROXY_HOST = "127.0.0.1"

Destination = Callable[[str], Awaitable[tuple[str, ...]]]


class ResolvingProxy:
    """A forward HTTP proxy on 127.0.0.1 for one browser. `destination(url)` returns the checked addresses of
    the URL's host (empty when it does not resolve) or raises ForbiddenDestination; `refused` is told why.

    One upstream connection per request: a browser's connection to a proxy may carry requests for several
    hosts, so after each response both sides are closed and the next request is checked anew. Every
    connection's task is kept until it ends, and `close` cancels and awaits those still open (a browser's idle
    keep-alive or tunnel), so none is left pending when the event loop stops.
    """

    def __init__(self, destination: Destination, refused: Callable[[str, str], None]) -> None:
        self.destination = destination
        self.refused = refused
        self.socket: socket.socket | None = None
        self.server: asyncio.Server | None = None
        self.connections: set[asyncio.Task[None]] = set()

    def bind(self) -> int:
        """Listen now (connections wait in the backlog until `start`), so the browser's launch options can
        name the port before the event loop runs. Returns the port."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((PROXY_HOST, 0))
        listener.listen(128)
        listener.setblocking(False)
        self.socket = listener
        return int(listener.getsockname()[1])

    async def start(self) -> None:
        if self.server is None:
            if self.socket is None:
                self.bind()
            self.server = await asyncio.start_server(self._accept, sock=self.socket, limit=HEAD_LIMIT)

    async def close(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.close()
        elif self.socket is not None:
            self.socket.close()
        self.socket = None
        open_connections = list(self.connections)
        for task in open_connections:
            task.cancel()
        if open_connections:
            await asyncio.wait(open_connections, timeout=1.0)
        if server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            await self._serve(reader, writer)
        finally:
            self.connections.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: asyncio.StreamWriter | None = None
        head = b""
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT)
            method, target, version, headers = _parse_head(head)
            tunnel = method == "CONNECT"
            url = f"https://{target}/" if tunnel else target
            parts = urlsplit(url)
            if not parts.hostname or (not tunnel and parts.scheme.lower() != "http"):
                raise ForbiddenDestination(f"proxy request for {target!r} is not a plain http URL or a tunnel")
            port = parts.port or (443 if tunnel else 80)
            upstream_reader, upstream = await self._connect(url, port)
            if upstream is None:
                return
            if tunnel:
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            else:
                upstream.write(_origin_head(method, parts, version, headers))
            sending = asyncio.ensure_future(_pipe(reader, upstream))
            try:
                await _pipe(upstream_reader, writer)  # the exchange ends when the server's side does
            finally:
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError, OSError):
                    await sending  # ended before its connection's task is, never left pending
        except ForbiddenDestination as reason:
            self.refused(_target_of(head), str(reason))
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # not a request the proxy can serve: the browser sees a failed request
        except OSError as error:
            logger.debug("browser proxy: %s", error)
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    async def _connect(self, url: str, port: int) -> tuple[Any, asyncio.StreamWriter | None]:
        """Connect to the first checked address that answers: the address checked is the address used."""
        for address in await self.destination(url):
            try:
                return await asyncio.wait_for(asyncio.open_connection(address, port), CONNECT_TIMEOUT)
            except (TimeoutError, OSError):
                continue
        return None, None


def _parse_head(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ")
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return method.upper(), target, version, headers


def _target_of(head: bytes) -> str:
    first = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    return first[1] if len(first) > 1 else "(unreadable request)"


def _origin_head(method: str, parts: Any, version: str, headers: list[tuple[str, str]]) -> bytes:
    """The request as the origin server expects it: a path, no proxy headers, and one request per connection
    (WebSocket upgrades keep their own `Connection` header)."""
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    upgrade = any(name.lower() == "upgrade" for name, _ in headers)
    kept = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
    if upgrade:
        kept += [(name, value) for name, value in headers if name.lower() == "connection"]
    else:
        kept.append(("Connection", "close"))
    lines = [f"{method} {path} {version}", *(f"{name}: {value}" for name, value in kept), "", ""]
    return "\r\n".join(lines).encode("latin-1")


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
        if sink.can_write_eof():
            sink.write_eof()
    except OSError:
        sink.close()


def _reaching_proxy(arg: str) -> str:
    """Chromium's resolver rules (crawler/browser.py) refuse loopback; the proxy's own address is let through."""
    if arg.startswith(RESOLVER_RULES):
        return f"{RESOLVER_RULES}EXCLUDE {PROXY_HOST}, {arg[len(RESOLVER_RULES) :]}"
    return arg


def rendered_response_class(headers: Headers, url: str, body: bytes) -> type[TextResponse]:
    """The class of a rendered page's response. Its body is the DOM as HTML whatever type the server sent (a PDF
    or an image the browser shows in a page), so it is never a bare Response, which would refuse the encoding."""
    response_class = responsetypes.from_args(headers=headers, url=url, body=body)
    return response_class if issubclass(response_class, TextResponse) else HtmlResponse


@dataclass
class _Download:
    """The Scrapy request a page is downloading: its own navigation, the first, is sent as the request says."""

    request: Request
    navigated: bool = False

    def is_navigation(self, browser_request: BrowserRequest) -> bool:
        return (
            not self.navigated
            and browser_request.is_navigation_request()
            and browser_request.url.rstrip("/") == self.request.url.rstrip("/")
        )


class GuardedPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler with Chromium launched behind this crawl's `ResolvingProxy`, and its
    pages reused across requests (crawler/browser_pages.py) instead of opened and closed for each.

    One per crawl for every scheme: Scrapy builds a download handler per scheme, and scrapy-playwright launches
    a browser per handler when contexts are configured at start-up, so registering http and https would keep
    a second, idle Chromium (about 100 MB) and proxy for the whole sweep. Scrapy closes the handler once per
    scheme; only the first call closes it.

    Reuse goes through scrapy-playwright's own `playwright_page` meta key: every download is given an idle page
    (or a new one) and keeps it (`playwright_include_page`) so that the pool, not the library, decides what
    becomes of it; a request that asked to keep its page gets it in its callback, which hands it back with
    `release_page`.

    A download makes fewer round trips to the browser than scrapy-playwright's: a page's route and its init
    callback (the WebSocket guard) are set once when the page is opened, the route then serving whichever
    request the page downloads, instead of being removed and added again for every request; the route sends a
    sub-resource on unchanged (the context carries Scrapy's user agent) rather than reading its headers first;
    the response's headers are read once, for the navigation only (not for every sub-resource), and neither the
    TLS details nor the server's address are asked for (the resolving proxy already checked the address).
    """

    _per_crawler: ClassVar[weakref.WeakKeyDictionary[Crawler, GuardedPlaywrightDownloadHandler]] = (
        weakref.WeakKeyDictionary()
    )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardedPlaywrightDownloadHandler:
        handler = cls._per_crawler.get(crawler)
        if handler is None:
            handler = cls._per_crawler[crawler] = cls(crawler)
        return handler

    async def close(self) -> None:
        if getattr(self, "_closing", False):
            return
        self._closing = True
        await super().close()

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.resolve = resolver_for(crawler.settings)
        self._policy: DestinationPolicy | None = None
        self.proxy = ResolvingProxy(self._destination, self._refused)
        self.pages = PagePool(self.config.max_pages_per_context, self._count)
        self.launches = LaunchRecord(crawler)
        self._downloads: weakref.WeakKeyDictionary[Page, _Download] = weakref.WeakKeyDictionary()
        for context in self.config.startup_context_kwargs.values():  # sub-resources go with Scrapy's user agent too
            context.setdefault("user_agent", crawler.settings.get("USER_AGENT"))
        port = self.proxy.bind()
        launch = self.config.launch_options
        # "<-loopback>": loopback addresses go through the proxy too (Chromium would connect to them directly)
        launch["proxy"] = {"server": f"http://{PROXY_HOST}:{port}", "bypass": "<-loopback>"}
        launch["args"] = [*(_reaching_proxy(arg) for arg in launch.get("args", [])), WEBRTC_POLICY]

    async def _destination(self, url: str) -> tuple[str, ...]:
        if self._policy is None:
            self._policy = policy_for(self.crawler, self.crawler.spider)
        return await destination_addresses(self._policy, url, self.resolve)

    def _refused(self, target: str, reason: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(BROWSER_FORBIDDEN_STAT)
        logger.warning("browser connection refused: %s: %s", target, reason)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    async def _launch(self) -> None:
        """The engine-started launch. A failed browser launch is counted and told by `_maybe_launch_browser`
        (the crawl goes on, its first JS page launches again), not left to Scrapy's "Error caught on signal
        handler" with its traceback."""
        await self.proxy.start()
        try:
            await super()._launch()
        except Exception as error:
            if error is not self.launches.last_error:
                raise
            logger.debug("the start-up browser launch failed", exc_info=True)

    async def _maybe_launch_browser(self) -> None:
        """scrapy-playwright's launch under its lock, with every launch counted (crawler/browser_launches.py):
        once the browser did not start `LAUNCH_ATTEMPTS` times in a row, a download fails at once instead of
        launching again."""
        async with self.browser_launch_lock:
            if hasattr(self, "browser"):
                return
            self.launches.check()
            try:
                browser = await self.browser_provider.launch_browser()
            except Exception as error:
                self.launches.failed(error)
                raise
            self.launches.launched()
            self.browser = browser
            self.stats.inc_value("playwright/browser_count")
            self.browser.on("disconnected", self._browser_disconnected_callback)

    async def _close(self) -> None:
        try:
            self.pages.forget()
            if isinstance(getattr(self, "browser_provider", None), EarlyDriverProvider) and hasattr(self, "browser"):
                await self.browser_provider.end_browser(self.browser)  # its contexts and pages with it
            await super()._close()  # closes what is left: contexts, the browser (gracefully), the driver
        finally:
            await self.proxy.close()

    async def _create_browser_context(
        self, name: str, context_kwargs: dict[str, Any] | None, spider: Spider | None = None
    ) -> BrowserContextWrapper:
        """A context of a configured name (`PLAYWRIGHT_CONTEXTS`) is always created as configured. Its start-up
        creation may not happen (a failed engine-started launch is counted and the crawl goes on), and a
        closed context or a disconnected browser loses it; the first page that finds none then creates it, with
        the request's `playwright_context_kwargs` in scrapy-playwright: no user agent (Chromium's
        `HeadlessChrome` one on the page's own requests), service workers and downloads allowed."""
        configured = self.config.startup_context_kwargs.get(name)
        kwargs = configured if configured is not None else context_kwargs
        return await super()._create_browser_context(name=name, context_kwargs=kwargs, spider=spider)

    async def _create_page(self, request: Request, spider: Spider) -> Page:
        """A new page, put in the request's meta at once so that a failure after it still finds it."""
        page = await super()._create_page(request, spider)
        request.meta["playwright_page"] = page
        return page

    async def _download_request_with_retry(self, request: Request, spider: Spider) -> Response:
        page = request.meta.get("playwright_page")
        if isinstance(page, Page) and not page.is_closed():
            created = False
        else:
            page, created = await self._create_page(request=request, spider=spider), True
        context_name = request.meta.setdefault("playwright_context", DEFAULT_CONTEXT_NAME)
        _attach_page_event_handlers(page=page, request=request, spider=spider, context_name=context_name)
        self._downloads[page] = _Download(request)
        if created:
            await page.route("**", functools.partial(self._route, weakref.ref(page)))
            await _maybe_execute_page_init_callback(
                page=page, request=request, context_name=context_name, spider=spider
            )
        return await self._download_with_page(request, page, spider)

    async def _route(self, page: weakref.ref[Page], route: Route, browser_request: BrowserRequest) -> None:
        """Every request of a page: aborted if blocked (resource type or destination), else continued as the
        browser made it, except the navigation of the Scrapy request itself, which goes with the request's
        method, body and headers (scrapy-playwright's default; no round trip to read the browser's headers)."""
        if self.abort_request is not None and await _maybe_await(self.abort_request(browser_request)):
            await route.abort()
            self.stats.inc_value("playwright/request_count/aborted")
            return
        overrides: dict[str, Any] = {}
        download = self._downloads.get(live) if (live := page()) is not None else None
        if download is not None and download.is_navigation(browser_request):
            download.navigated = True
            request = download.request
            headers = request.headers.to_unicode_dict()
            headers.setdefault("user-agent", browser_request.headers.get("user-agent"))
            if referer := browser_request.headers.get("referer"):
                headers.setdefault("referer", referer)
            request.headers.clear()
            # the request that reaches the callback has the headers sent (Scrapy types to_unicode_dict() with
            # str or bytes keys and update() with one kind)
            request.headers.update(headers)  # type: ignore[arg-type]
            overrides["headers"] = dict(headers)
            if request.method.upper() != browser_request.method.upper():
                overrides["method"] = request.method
            if request.body:
                overrides["post_data"] = request.body.decode(request.encoding)
        try:
            await route.continue_(**overrides)
        except PlaywrightError as error:
            if not _is_safe_close_error(error):
                raise
            logger.debug("browser request not continued, its page closed: %s", browser_request.url)

    async def _download_with_page(self, request: Request, page: Page, spider: Spider) -> Response:
        """Navigate, apply the request's page methods, and build the response from the rendered DOM. Every
        download keeps its page (the pool decides what becomes of it); a download the browser starts fails."""
        request.meta["playwright_page"] = page
        started = time.time()
        goto = dict(request.meta.get("playwright_page_goto_kwargs") or {})
        goto.pop("url", None)
        response = await page.goto(url=request.url, **goto)
        headers = Headers()
        if response is not None:
            await _set_redirect_meta(request=request, response=response)
            headers = Headers(await response.all_headers())
            headers.pop("Content-Encoding", None)
        await self._apply_page_methods(page, request, spider)
        text = await _get_page_content(
            page=page,
            spider=spider,
            context_name=request.meta["playwright_context"],
            scrapy_request_url=request.url,
            scrapy_request_method=request.method,
        )
        request.meta["download_latency"] = time.time() - started
        body, encoding = _encode_body(headers=headers, text=text)
        return rendered_response_class(headers, page.url, body)(
            url=page.url,
            status=response.status if response is not None else 200,
            headers=headers,
            body=body,
            request=request,
            flags=["playwright"],
            encoding=encoding,
        )

    async def _apply_page_methods(self, page: Page, request: Request, spider: Spider) -> None:
        """Page methods as scrapy-playwright applies them, except that `wait_for_selector` waits through a
        locator: the same condition (by default attached and visible), without an element handle for the
        browser to adopt, describe, preview and release afterwards."""
        methods = request.meta.get("playwright_page_methods") or ()
        if isinstance(methods, dict):
            methods = list(methods.values())
        if not all(getattr(method, "method", None) == "wait_for_selector" for method in methods):
            await super()._apply_page_methods(page, request, spider)
            return
        for method in methods:
            options = dict(method.kwargs)
            selector = options.pop("selector", None) or method.args[0]
            options.pop("strict", None)
            await page.locator(selector).first.wait_for(**options)
            await page.wait_for_load_state(timeout=self.config.navigation_timeout_ms)

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        keep = bool(request.meta.get("playwright_include_page"))
        held = request.meta.get("playwright_page")
        if held is None or not self.pages.renew(held):
            held = None
            page = await self.pages.acquire()
            if page is not None:
                request.meta["playwright_page"] = page
            else:
                request.meta.pop("playwright_page", None)
        request.meta["playwright_include_page"] = True
        failed, kept = True, False
        try:
            response = await super()._download_request(request, spider)
            failed = False
            # only a page whose response reaches its callback is kept: an error status goes to the errback or is
            # retried, and a retried response would keep its page (and a slot) waiting in the scheduler
            kept = keep and 200 <= response.status < 300
            return response
        finally:
            if not keep:
                del request.meta["playwright_include_page"]
            page = request.meta.get("playwright_page")
            self.pages.lend(page, self._listeners(request), replacing=held)
            if page is not None and not kept:
                del request.meta["playwright_page"]  # an errback finds no page to close: it is given back here
                await self.pages.release(page, failed=failed)

    def _listeners(self, request: Request) -> list[tuple[str, Any]]:
        """The request's own page event handlers (`playwright_page_event_handlers`), as they were attached."""
        spider = self.crawler.spider
        listeners = []
        for event, handler in (request.meta.get("playwright_page_event_handlers") or {}).items():
            listener = getattr(spider, handler, None) if isinstance(handler, str) else handler
            if listener is not None:
                listeners.append((event, listener))
        return listeners

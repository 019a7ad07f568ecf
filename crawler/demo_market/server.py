"""The aiohttp application of the demo marketplace.

One server, three site variants by path prefix, same catalogue::

    /                              home page linking to the variants
    /robots.txt                    everything allowed except /admin/
    /<v>/  /<v>/search?q=&page=    search results, 20 per page (v = plain | js | gbk)
    /<v>/item/<id>                 item page (404 when unknown or removed)
    /<v>/seller/<seller_id>        seller page with the seller's listings
    /<v>/category/<slug>?page=     a market category's listings, newest first (v = plain | gbk)
    /<v>/newest?page=              every listing, newest first (v = plain | gbk)
    /sitemap.xml, /sitemap-<n>.xml sitemap index and its URL sets of the plain site's item pages
    /api/search?q=&page=           JSON used by the js variant
    /api/item/<id>                 JSON used by the js variant
    /static/img/<id>.svg           listing picture
    /plain/rules/<page>  /js/rules/<page>  /api/rules/<page>
                                   rules pages (agreement, privacy) in the version set by the control below
    POST /admin/listing/<id>/remove | restore | price?value=123.45, POST /admin/reset
    POST /admin/rules/version?value=1|2|3   which version of the rules pages is served
    GET /admin/stats               how many times each path (with query) was requested, for tests and benchmarks

Pages are built from string templates and cached per app; the catalogue is frozen, and changes made through
/admin/ live in a per-app overlay (`MarketState`), so every app starts from the same catalogue.

Run it with ``tradewatch demo-market serve``, or in a background thread with `background_market`.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from urllib.parse import parse_qs

from aiohttp import web

from crawler.demo_market.catalogue import MARKET_CATEGORIES, Catalogue, DemoListing, build_catalogue
from crawler.demo_market.options import MarketOptions
from crawler.demo_market.pages import (
    PAGE_SIZE,
    ROBOTS_TXT,
    SITEMAP_SIZE,
    VARIANTS,
    Markup,
    Variant,
    content_type,
    dumps,
    encode_page,
    home_page,
    js_shell,
    layout_page,
    listing_detail,
    listing_summary,
    listing_svg,
    not_found_body,
    sitemap_index,
    sitemap_urls,
    wall_body,
    wall_title,
)
from crawler.demo_market.rules_pages import RULES_SCRIPT, RULES_VERSIONS, TITLES, rules_body, rules_json

_CACHE_LIMIT = 8192
_JSON = "application/json; charset=utf-8"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class MarketState:
    """What admin requests changed, and the pages rendered so far. Belongs to one app."""

    def __init__(self, catalogue: Catalogue, options: MarketOptions) -> None:
        self.catalogue = catalogue
        self.options = options
        self.removed: set[str] = set()
        self.prices: dict[str, Decimal] = {}
        self.rules_version = 1
        self.markup = {v: Markup(v, options.layout) for v in VARIANTS}
        self._pages: dict[tuple[str, ...], bytes] = {}
        self._cards: dict[tuple[str, str], str] = {}
        self._visible: dict[str, tuple[DemoListing, ...]] = {}
        self.hits: Counter[str] = Counter()

    def changed(self) -> None:
        """Forget every rendered page after an admin change."""
        self._pages.clear()
        self._cards.clear()
        self._visible.clear()

    def price(self, listing: DemoListing) -> Decimal:
        return self.prices.get(listing.listing_id, listing.price)

    def visible(self, keyword: str) -> tuple[DemoListing, ...]:
        found = self._visible.get(keyword)
        if found is None:
            found = self.catalogue.search(keyword)
            if self.removed:
                found = tuple(li for li in found if li.listing_id not in self.removed)
            if len(self._visible) >= _CACHE_LIMIT:
                self._visible.clear()
            self._visible[keyword] = found
        return found

    def card(self, variant: Variant, listing: DemoListing) -> str:
        key = (variant, listing.listing_id)
        card = self._cards.get(key)
        if card is None:
            card = self._cards[key] = self.markup[variant].card(listing, self.price(listing))
        return card

    def page(self, key: tuple[str, ...], render: Callable[[], bytes]) -> bytes:
        body = self._pages.get(key)
        if body is None:
            if len(self._pages) >= _CACHE_LIMIT:
                self._pages.clear()
            body = self._pages[key] = render()
        return body


STATE_KEY = web.AppKey("demo_market_state", MarketState)


def _state(request: web.Request) -> MarketState:
    return request.app[STATE_KEY]


def _html(body: bytes, variant: Variant, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, headers={"Content-Type": content_type(variant)})


def _json(data: object, status: int = 200) -> web.Response:
    return web.Response(body=dumps(data), status=status, headers={"Content-Type": _JSON})


def _variant(request: web.Request) -> Variant:
    return cast(Variant, request.match_info["variant"])


def _params(request: web.Request, variant: Variant) -> tuple[str, int]:
    """Keyword and page number. The gbk site's query string is percent-encoded GBK (UTF-8 as fallback)."""
    if variant == "gbk":
        raw = request.rel_url.raw_query_string
        try:
            values = parse_qs(raw, encoding="gbk", errors="strict")
        except UnicodeDecodeError:
            values = parse_qs(raw, encoding="utf-8", errors="replace")
        keyword = values.get("q", [""])[0]
        page_text = values.get("page", ["1"])[0]
    else:
        keyword = request.query.get("q", "")
        page_text = request.query.get("page", "1")
    try:
        page = max(1, int(page_text))
    except ValueError:
        page = 1
    return keyword, page


def _walled(state: MarketState, variant: Variant) -> web.Response | None:
    wall = state.options.wall
    if wall is None:
        return None
    body = state.page(
        ("wall", variant), lambda: encode_page(layout_page(variant, wall_title(wall), wall_body(wall)), variant)
    )
    return _html(body, variant)


# --------------------------------------------------------------------------------------------------------------
# Handlers
# --------------------------------------------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    return web.Response(text=home_page(), content_type="text/html", charset="utf-8")


async def robots(request: web.Request) -> web.Response:
    return web.Response(text=ROBOTS_TXT, content_type="text/plain", charset="utf-8")


async def image(request: web.Request) -> web.Response:
    state = _state(request)
    listing_id = request.match_info["listing_id"]
    if listing_id not in state.catalogue.by_id:
        raise web.HTTPNotFound()
    body = state.page(("img", listing_id), lambda: listing_svg(listing_id))
    return web.Response(body=body, headers={"Content-Type": "image/svg+xml", "Cache-Control": "max-age=86400"})


async def photo(request: web.Request) -> web.Response:
    from crawler.demo_market.photos import served_photo

    try:
        body, content_type = served_photo(request.match_info["name"])
    except KeyError:
        raise web.HTTPNotFound() from None
    return web.Response(body=body, headers={"Content-Type": content_type, "Cache-Control": "max-age=86400"})


async def search(request: web.Request) -> web.Response:
    state, variant = _state(request), _variant(request)
    walled = _walled(state, variant)
    if walled is not None:
        return walled
    if variant == "js":
        return _html(state.page(("shell", "search"), lambda: js_shell(state.options.layout, "search").encode()), "js")
    keyword, page = _params(request, variant)

    def render() -> bytes:
        found = state.visible(keyword)
        start = (page - 1) * PAGE_SIZE
        cards = [state.card(variant, li) for li in found[start : start + PAGE_SIZE]]
        has_next = start + PAGE_SIZE < len(found)
        body = state.markup[variant].search_body(keyword, page, len(found), cards, has_next)
        title = f"{keyword} - 搜索结果" if keyword else "最新发布"
        return encode_page(layout_page(variant, title, body, keyword=keyword), variant)

    return _html(state.page(("search", variant, keyword, str(page)), render), variant)


def _browse(request: web.Request, what: str, found: tuple[DemoListing, ...], title: str, path: str) -> web.Response:
    """A page of listings without a search: a category or the newest listings, newest first."""
    state, variant = _state(request), _variant(request)
    walled = _walled(state, variant)
    if walled is not None:
        return walled
    if variant == "js":
        raise web.HTTPNotFound()
    _, page = _params(request, variant)
    visible = tuple(li for li in found if li.listing_id not in state.removed) if state.removed else found

    def render() -> bytes:
        start = (page - 1) * PAGE_SIZE
        cards = [state.card(variant, li) for li in visible[start : start + PAGE_SIZE]]
        has_next = start + PAGE_SIZE < len(visible)
        link = lambda number: f"/{variant}/{path}?page={number}"  # noqa: E731
        body = state.markup[variant].search_body("", page, len(visible), cards, has_next, link=link)
        return encode_page(layout_page(variant, title, body), variant)

    return _html(state.page((what, variant, path, str(page)), render), variant)


async def category(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    if slug not in MARKET_CATEGORIES:
        raise web.HTTPNotFound()
    found = _state(request).catalogue.in_category(slug)
    return _browse(request, "category", found, MARKET_CATEGORIES[slug], f"category/{slug}")


async def newest(request: web.Request) -> web.Response:
    return _browse(request, "newest", _state(request).catalogue.listings, "最新发布", "newest")


def _site(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def sitemap(request: web.Request) -> web.Response:
    parts = -(-len(_state(request).catalogue) // SITEMAP_SIZE)
    return web.Response(body=sitemap_index(_site(request), parts), content_type="application/xml")


async def sitemap_part(request: web.Request) -> web.Response:
    state = _state(request)
    number = int(request.match_info["number"])
    listings = [li for li in state.catalogue.listings if li.listing_id not in state.removed]
    chunk = listings[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]
    if number < 1 or not chunk:
        raise web.HTTPNotFound()
    return web.Response(body=sitemap_urls(_site(request), chunk), content_type="application/xml")


def _lookup(state: MarketState, listing_id: str) -> tuple[DemoListing | None, bool]:
    """The listing, and whether it was removed (a removed listing is returned as None)."""
    if listing_id in state.removed:
        return None, True
    return state.catalogue.by_id.get(listing_id), False


async def item(request: web.Request) -> web.Response:
    state, variant = _state(request), _variant(request)
    walled = _walled(state, variant)
    if walled is not None:
        return walled
    listing_id = request.match_info["listing_id"]
    listing, removed = _lookup(state, listing_id)
    if listing is None:
        title = "宝贝已下架" if removed else "宝贝不存在"
        body = state.page(
            ("missing", variant, str(removed)),
            lambda: encode_page(layout_page(variant, title, not_found_body(removed)), variant),
        )
        return _html(body, variant, status=404)
    if variant == "js":
        return _html(state.page(("shell", "item"), lambda: js_shell(state.options.layout, "item").encode()), "js")
    found = listing

    def render() -> bytes:
        body = state.markup[variant].item_body(found, state.price(found))
        return encode_page(layout_page(variant, found.title, body), variant)

    return _html(state.page(("item", variant, listing_id), render), variant)


async def seller(request: web.Request) -> web.Response:
    state, variant = _state(request), _variant(request)
    walled = _walled(state, variant)
    if walled is not None:
        return walled
    seller_id = request.match_info["seller_id"]
    account = state.catalogue.sellers.get(seller_id)
    if account is None:
        body = '<div class="not-found"><h1>用户不存在</h1><p>您访问的页面不存在</p></div>'
        return _html(encode_page(layout_page(variant, "用户不存在", body), variant), variant, status=404)
    found = account

    def render() -> bytes:
        listings = [li for li in state.catalogue.by_seller(seller_id) if li.listing_id not in state.removed]
        cards = [state.card(variant, li) for li in listings]
        body = state.markup[variant].seller_body(found, cards)
        return encode_page(layout_page(variant, found.name, body), variant)

    return _html(state.page(("seller", variant, seller_id), render), variant)


async def api_search(request: web.Request) -> web.Response:
    state = _state(request)
    if state.options.wall is not None:
        return _json({"wall": state.options.wall})
    keyword, page = _params(request, "js")

    def render() -> bytes:
        found = state.visible(keyword)
        start = (page - 1) * PAGE_SIZE
        chunk = found[start : start + PAGE_SIZE]
        pages = (len(found) + PAGE_SIZE - 1) // PAGE_SIZE
        has_next = start + PAGE_SIZE < len(found)
        return dumps(
            {
                "query": keyword,
                "page": page,
                "page_size": PAGE_SIZE,
                "total": len(found),
                "pages": pages,
                "next_page": page + 1 if has_next else None,
                "items": [listing_summary(li, state.price(li)) for li in chunk],
            }
        )

    body = state.page(("api-search", keyword, str(page)), render)
    return web.Response(body=body, headers={"Content-Type": _JSON})


async def api_item(request: web.Request) -> web.Response:
    state = _state(request)
    if state.options.wall is not None:
        return _json({"wall": state.options.wall})
    listing, removed = _lookup(state, request.match_info["listing_id"])
    if listing is None:
        return _json({"error": "removed" if removed else "not_found", "removed": removed}, status=404)
    return _json(listing_detail(listing, state.price(listing)))


def _admin_listing(request: web.Request) -> tuple[MarketState, str]:
    state = _state(request)
    listing_id = request.match_info["listing_id"]
    if listing_id not in state.catalogue.by_id:
        raise web.HTTPNotFound(
            text=dumps({"error": "not_found", "id": listing_id}).decode(), content_type="application/json"
        )
    return state, listing_id


async def admin_remove(request: web.Request) -> web.Response:
    state, listing_id = _admin_listing(request)
    state.removed.add(listing_id)
    state.changed()
    return _json({"id": listing_id, "removed": True})


async def admin_restore(request: web.Request) -> web.Response:
    state, listing_id = _admin_listing(request)
    state.removed.discard(listing_id)
    state.changed()
    return _json({"id": listing_id, "removed": False})


async def admin_price(request: web.Request) -> web.Response:
    state, listing_id = _admin_listing(request)
    try:
        value = Decimal(request.query.get("value", ""))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        return _json({"error": "value must be a positive number, e.g. ?value=123.45"}, status=400)
    state.prices[listing_id] = value.quantize(Decimal("0.01"))
    state.changed()
    return _json({"id": listing_id, "price": f"{state.prices[listing_id]:.2f}"})


def _rules_page(request: web.Request) -> str:
    page = request.match_info["page"]
    if page not in TITLES:
        raise web.HTTPNotFound()
    return page


async def rules(request: web.Request) -> web.Response:
    state, variant, page = _state(request), _variant(request), _rules_page(request)
    if variant == "js":
        return _html(
            layout_page("js", TITLES[page], '<div class="loading">加载中…</div>', script=RULES_SCRIPT).encode(), "js"
        )
    body = layout_page(variant, TITLES[page], rules_body(page, state.rules_version))  # type: ignore[arg-type]
    return _html(encode_page(body, variant), variant)


async def api_rules(request: web.Request) -> web.Response:
    state, page = _state(request), _rules_page(request)
    return web.Response(body=rules_json(page, state.rules_version), headers={"Content-Type": _JSON})  # type: ignore[arg-type]


async def admin_rules_version(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        version = int(request.query.get("value", ""))
    except ValueError:
        version = 0
    if version not in RULES_VERSIONS:
        return _json({"error": f"value must be one of {list(RULES_VERSIONS)}"}, status=400)
    state.rules_version = version
    return _json({"rules_version": version})


async def admin_stats(request: web.Request) -> web.Response:
    hits = _state(request).hits
    return _json({"total": sum(hits.values()), "hits": dict(hits)})


@web.middleware
async def count_hits(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/admin/"):
        request.app[STATE_KEY].hits[request.path_qs] += 1
    return await handler(request)


async def admin_reset(request: web.Request) -> web.Response:
    state = _state(request)
    state.removed.clear()
    state.prices.clear()
    state.rules_version = 1
    state.changed()
    return _json({"reset": True})


# --------------------------------------------------------------------------------------------------------------
# Misbehaviour
# --------------------------------------------------------------------------------------------------------------


class _TokenBucket:
    """Per-client token bucket: `rate` tokens a second, bursts up to `rate` (at least one) requests."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self.buckets[client] = (tokens - 1.0 if allowed else tokens, now)
        return allowed


def _misbehaviour(options: MarketOptions) -> Callable[..., Awaitable[web.StreamResponse]]:
    bucket = _TokenBucket(options.rate_limit) if options.rate_limit else None
    errors = random.Random(options.seed)

    @web.middleware
    async def misbehave(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/admin/"):
            return await handler(request)
        if options.slow_ms:
            await asyncio.sleep(options.slow_ms / 1000)
        if bucket is not None and not bucket.allow(request.remote or "-"):
            return web.Response(
                status=429, text="请求过于频繁，请稍后再试 / Too many requests", headers={"Retry-After": "1"}
            )
        if options.error_rate and errors.random() < options.error_rate:
            status = errors.choice((500, 503))
            return web.Response(status=status, text="服务器繁忙，请稍后再试 / Server busy")
        return await handler(request)

    return misbehave


# --------------------------------------------------------------------------------------------------------------
# Application and running it
# --------------------------------------------------------------------------------------------------------------


def create_app(options: MarketOptions | None = None) -> web.Application:
    """A fresh demo marketplace app. Each app has its own admin overlay, caches and misbehaviour state."""
    options = options or MarketOptions()
    middlewares: list[Any] = [count_hits]
    if options.rate_limit or options.error_rate or options.slow_ms:
        middlewares.append(_misbehaviour(options))
    app = web.Application(middlewares=middlewares)
    app[STATE_KEY] = MarketState(build_catalogue(options.seed), options)
    variant = "{variant:plain|js|gbk}"
    app.router.add_get("/", home)
    app.router.add_get("/robots.txt", robots)
    app.router.add_get(r"/static/img/{listing_id:[0-9A-Za-z_-]+}.svg", image)
    app.router.add_get(r"/static/photo/{name:[0-9a-z-]+\.(?:jpg|png|svg)}", photo)
    app.router.add_get(f"/{variant}/", search)
    app.router.add_get(f"/{variant}/search", search)
    app.router.add_get(f"/{variant}/item/{{listing_id}}", item)
    app.router.add_get(f"/{variant}/seller/{{seller_id}}", seller)
    app.router.add_get(f"/{variant}/category/{{slug}}", category)
    app.router.add_get(f"/{variant}/newest", newest)
    app.router.add_get("/sitemap.xml", sitemap)
    app.router.add_get(r"/sitemap-{number:\d+}.xml", sitemap_part)
    app.router.add_get("/api/search", api_search)
    app.router.add_get("/api/item/{listing_id}", api_item)
    app.router.add_get(f"/{variant}/rules/{{page}}", rules)
    app.router.add_get("/api/rules/{page}", api_rules)
    app.router.add_post("/admin/rules/version", admin_rules_version)
    app.router.add_post("/admin/listing/{listing_id}/remove", admin_remove)
    app.router.add_post("/admin/listing/{listing_id}/restore", admin_restore)
    app.router.add_post("/admin/listing/{listing_id}/price", admin_price)
    app.router.add_post("/admin/reset", admin_reset)
    app.router.add_get("/admin/stats", admin_stats)
    return app


async def start_market(
    options: MarketOptions | None = None, host: str = "127.0.0.1", port: int = 0
) -> tuple[web.AppRunner, str]:
    """Start the site on `host`:`port` (0 picks a free port). Returns the runner and the base URL.

    Raises OSError when the port cannot be bound. Call ``await runner.cleanup()`` to stop.
    """
    runner = web.AppRunner(create_app(options), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound: Any = runner.addresses[0]
    url_host = f"[{host}]" if ":" in host else host
    return runner, f"http://{url_host}:{bound[1]}"


@contextmanager
def background_market(options: MarketOptions | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run the site in a background thread with its own event loop; yields the base URL.

    Waits for the port to be bound before yielding and stops the site on exit::

        with background_market(MarketOptions(layout="v2")) as base_url:
            urllib.request.urlopen(f"{base_url}/plain/search?q=%E8%B1%A1%E7%89%99")
    """
    ready = threading.Event()
    started: dict[str, Any] = {}
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            started["runner"], started["url"] = loop.run_until_complete(start_market(options, host, port))
        except BaseException as error:  # reported to the caller's thread below
            started["error"] = error
            ready.set()
            loop.close()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(started["runner"].cleanup())
        loop.close()

    thread = threading.Thread(target=run, name="demo-market", daemon=True)
    thread.start()
    if not ready.wait(60):
        raise RuntimeError("the demo marketplace did not start within 60 seconds")
    if "error" in started:
        thread.join()
        raise started["error"]
    try:
        yield started["url"]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()

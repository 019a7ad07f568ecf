"""The generic listing spider: searches a platform for keywords and yields one ListingItem per listing.

Everything about a site lives in its platform profile (crawler/profiles.py): how to search, where the
listings and their fields are, how to page, whether item pages are visited, whether the site needs a browser,
what its block pages say. A new platform is a YAML file, not a subclass. Run it with
`tradewatch sweep --platform NAME --keywords 象牙,穿山甲`, `tradewatch sweep --profile my-shop.yaml ...`, or
with Scrapy itself: `scrapy crawl listing -a platform=demo -a keywords=象牙,穿山甲`.

Feeds (`-a feeds=newest,category-wenwan` or `-a all_feeds=1`) walk the profile's category pages, newest
listings and sitemaps besides the searches: every listing found is scored. A feed sorted newest first stops
paging at a page whose listings are all in `known` (listing id -> stored title and price, given by the runner)
and unchanged. `budget` bounds the requests one sweep sends to the platform.

Subclass only when a site needs code no profile can express; override `search_request()` or
`listing_from()` and keep the rest.

Stats it keeps (besides Scrapy's): `tradewatch/pages/search|item|blocked|unparsed|empty|undecodable|sitemap`,
`tradewatch/feeds/pages|unchanged|stopped`, `tradewatch/budget/limit|skipped`, `tradewatch/terms` (searches per term),
`tradewatch/results/seen|incomplete|duplicate`, `tradewatch/results/rejected/<reason>/<field>` (reason: missing,
field_error, duplicate), `tradewatch/items/yielded|too_old`, `tradewatch/field/<name>/present|missing|error`,
`tradewatch/errors/request|dns|http_<status>`, `tradewatch/js/screenshots` (the browser's pages are counted by
crawler/browser_pages.py: `tradewatch/js/pages_reused|pages_closed`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.metadata
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeGuard
from urllib.parse import quote

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError

from crawler.browser import SERVER_RESPONSE_WAIT, ServerResponse, read_server_response
from crawler.browser_pages import release_page
from crawler.encoding import content_type_text
from crawler.extract import DUPLICATE, absolute, has_next_page, parse_item, parse_results
from crawler.items import ListingItem, PageCapture
from crawler.middlewares.encoding import UNDECODABLE
from crawler.profiles import FeedSpec, ListingFields, Profile, spider_profile
from crawler.stored_values import parse_posted, read_values
from spiders.sweep_params import SweepParams

_LISTING_FIELDS = set(ListingFields.model_fields) - {"listing_id", "extra"}  # the rest go to `extra`
# An item page is fetched before any result page waiting beside it. Otherwise the next result page, yielded last
# and so taken first, is fetched as soon as its predecessor is read, and item requests pile up in the scheduler
# faster than they are fetched: over a long sweep the crawl process held thousands of them, growing with the sweep.
ITEM_PAGE_PRIORITY = 1


class ListingSpider(scrapy.Spider):
    """Profile-driven search spider. Arguments: platform (name or Profile), keywords or watchlist, campaign,
    max_pages, since, base_url (point the profile at another host)."""

    name = "listing"

    def __init__(
        self,
        platform: str | Profile | None = None,
        keywords: str | list[str] | None = None,
        campaign: str | None = None,
        max_pages: int | str | None = None,
        base_url: str | None = None,
        watchlist: str | list[str] | None = None,
        since: str | datetime | None = None,
        ocr: bool | str = True,
        feeds: str | list[str] | None = None,
        all_feeds: bool | str = False,
        budget: int | str | None = None,
        known: Mapping[str, tuple[str | None, str | None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.profile = profile = spider_profile(platform, base_url)
        # field -> its coverage stats (`tradewatch/field/<name>/present|missing`), counted for every listing
        self._coverage_keys = {
            name: (f"tradewatch/field/{name}/present", f"tradewatch/field/{name}/missing")
            for name in profile.all_fields()
        }
        self.params = SweepParams.model_validate(
            {
                "keywords": keywords,
                "watchlist": watchlist,
                "campaign": campaign,
                "max_pages": max_pages,
                "since": since,
                "feeds": feeds,
                "all_feeds": all_feeds in (True, "1", "true", "yes"),
                "budget": budget,
                "ocr": ocr not in (False, "false", "0", "off"),
            }
        )
        self.feeds = profile.feeds if self.params.all_feeds else [profile.feed(name) for name in self.params.feeds]
        self._feed_profiles = {feed.name: profile.for_feed(feed) for feed in self.feeds}
        self.known = dict(known or {})
        self.budget = self.params.budget or profile.budget
        self._spent = 0
        self.allowed_domains = profile.domains
        self._seen: set[str] = set()
        self._versions: dict[str, str] | None = None
        self._server_responses: dict[str, asyncio.Future[ServerResponse]] = {}

    @property
    def max_pages(self) -> int:
        return self.params.max_pages or self.profile.pagination.max_pages

    def _max_pages(self, page_profile: Profile) -> int:
        """Pages read per keyword, or per feed (a feed's own pagination may allow more than a search's)."""
        if page_profile is self.profile:
            return self.max_pages
        return page_profile.pagination.max_pages

    @property
    def reads_images(self) -> bool:
        """Whether the text of listing photos is read in this sweep (photos are hashed either way)."""
        return self.params.ocr and self.profile.ocr

    @property
    def shows_photos(self) -> bool:
        """Whether this platform's pages name listing photos, which the OCR pool then hashes and reads."""
        return self.profile.shows_photos

    @property
    def is_js(self) -> bool:
        return self.profile.render.mode == "js"

    def count(self, key: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tradewatch/{key}", value)

    # -- requests ---------------------------------------------------------------------------------------

    def _spend(self) -> bool:
        """Whether one more request fits the sweep's budget (counted); past it, the request is counted as skipped."""
        if self.budget is not None:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("tradewatch/budget/limit", self.budget)
            if self._spent >= self.budget:
                self.count("budget/skipped")
                return False
        self._spent += 1
        return True

    def search_request(self, keyword: str, page_number: int) -> scrapy.Request:
        """The request for result page `page_number` (1-based) of `keyword`."""
        search, paging = self.profile.search, self.profile.pagination
        page_value = paging.first_page + (page_number - 1) * paging.page_step
        meta = {"keyword": keyword, "page_number": page_number}
        if search.url:
            encoded = quote(keyword.encode(search.keyword_encoding, errors="strict"))
            url = search.url.format(base_url=self.profile.base_url, keyword=encoded, page=page_value)
            return self._request(url, self.parse_results, meta)
        form = search.form
        assert form is not None
        data = {**form.fields, form.keyword_field: keyword}
        if form.page_field:
            data[form.page_field] = str(page_value)
        action = form.action.format(base_url=self.profile.base_url)
        request = scrapy.FormRequest(
            action, method=form.method, formdata=data, encoding=search.keyword_encoding, callback=self.parse_results
        )
        return request.replace(meta={**meta, **self._render_meta(item_page=False)}, errback=self.on_error)

    def _render_meta(self, *, item_page: bool) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if self.profile.encoding:
            meta["encoding_override"] = self.profile.encoding
        if not self.is_js:
            return meta
        from scrapy_playwright.page import PageMethod

        render = self.profile.render
        meta.update(
            {
                "playwright": True,
                "playwright_context": "tradewatch",
                "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
                "playwright_page_event_handlers": {"response": "_remember_server_response"},  # by name: meta is pickled
            }
        )
        if render.wait_for:
            meta["playwright_page_methods"] = [
                PageMethod("wait_for_selector", render.wait_for, timeout=render.wait_timeout_ms)
            ]
        if item_page:
            meta["playwright_include_page"] = True  # kept for a screenshot if the listing is a lead, then released
        return meta

    def _request(self, url: str, callback: Any, meta: dict[str, Any], *, item_page: bool = False) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta={**meta, **self._render_meta(item_page=item_page)},
            priority=ITEM_PAGE_PRIORITY if item_page else 0,
        )

    # -- the server's own response of a rendered page ---------------------------------------------------------

    def _remember_server_response(self, response: Any) -> None:
        """Browser event: start reading the body and headers of a page's own (navigation) response as received.

        Evidence of a rendered page keeps these beside the rendered DOM; they are read while the page is open.
        """
        request = response.request
        if not request.is_navigation_request() or request.frame.parent_frame is not None:
            return
        if 300 <= response.status < 400:
            return
        self._server_responses[response.url] = asyncio.ensure_future(read_server_response(response))

    def _take_server_response(self, url: str) -> ServerResponse | None:
        """The remembered server response of `url` if it has been read, else None (forgotten either way)."""
        task = self._server_responses.pop(url, None)
        if task is None or not task.done() or task.cancelled() or task.exception() is not None:
            if task is not None and not task.done():
                task.cancel()
            return None
        return task.result()

    async def _await_server_response(self, url: str) -> ServerResponse | None:
        """The remembered server response of `url`, waited for while the page is still open."""
        task = self._server_responses.get(url)
        if task is not None:
            await asyncio.wait([task], timeout=SERVER_RESPONSE_WAIT)
        return self._take_server_response(url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for feed in self.feeds:
            if self._spend():
                yield self.feed_request(feed)
        for keyword in self.params.keywords:
            if not self._spend():
                break
            self._count_term(keyword)
            yield self.search_request(keyword, 1)

    def feed_request(self, feed: FeedSpec) -> scrapy.Request:
        """The first request of a feed: its first page, or its sitemap."""
        paging = self._feed_profiles[feed.name].pagination
        url = feed.page_url(self.profile.base_url, paging.first_page)
        if feed.kind == "sitemap":
            return self._sitemap_request(url, feed)
        return self._request(url, self.parse_results, {"feed": feed.name, "page_number": 1})

    def _count_term(self, keyword: str) -> None:
        """One more search of `keyword` (`tradewatch/terms`: term -> searches), for its yield per search.

        A distributed sweep's coordinator asks an unbound spider for its start requests only: nothing to count.
        """
        if getattr(self, "crawler", None) is None:
            return
        assert self.crawler.stats is not None
        terms = dict(self.crawler.stats.get_value("tradewatch/terms") or {})
        terms[keyword] = terms.get(keyword, 0) + 1
        self.crawler.stats.set_value("tradewatch/terms", terms)

    # -- sitemaps ---------------------------------------------------------------------------------------

    def _sitemap_request(self, url: str, feed: FeedSpec) -> scrapy.Request:
        """A request of one of a feed's sitemaps, with only what `parse_sitemap` reads: the meta of the sitemap
        index that lists it holds what the downloader set for that page (its slot, depth, retries, redirects)."""
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, meta={"feed": feed.name})

    def parse_sitemap(self, response: Response, **_: Any) -> Iterator[scrapy.Request]:
        """A sitemap feed through Scrapy's sitemap support: an index is followed, a URL set's item pages
        (the feed's `item_pattern`) are visited; a newest-first feed skips listings already stored."""
        from scrapy.spiders import SitemapSpider
        from scrapy.utils.sitemap import Sitemap

        feed = self.profile.feed(response.meta["feed"])
        body = SitemapSpider._get_sitemap_body(self, response)  # type: ignore[arg-type]  # gunzips, limits size
        if body is None:
            self.count("pages/unparsed")
            self.logger.warning("not a sitemap at %s", response.url)
            return
        self.count("pages/sitemap")
        sitemap = Sitemap(body)
        locations = [entry["loc"] for entry in sitemap if entry.get("loc")]
        if sitemap.type == "sitemapindex":
            for url in locations:
                if self._spend():
                    yield self._sitemap_request(url, feed)
            return
        assert feed.item_pattern is not None
        pattern = re.compile(feed.item_pattern)
        for url in locations:
            match = pattern.search(url)
            if match is None:
                continue
            ident = match.group(1)
            if ident in self._seen or (feed.newest_first and ident in self.known):
                self.count("feeds/unchanged" if ident in self.known else "results/duplicate")
                continue
            self._seen.add(ident)
            self.count("results/seen")
            partial = {"listing_id": ident, "url": url, "feed": feed.name, "search_url": response.url}
            if self._spend():
                yield self._request(url, self.parse_item, {"partial": partial}, item_page=True)

    async def on_error(self, failure: Any) -> None:
        self._take_server_response(failure.request.url)  # a failed page's response is never needed
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await release_page(page)
        from crawler.distributed.components import LeaseLost

        if failure.check(LeaseLost):  # another worker of a distributed sweep reads it: no failure of the site
            return
        self.count("errors/request")
        if failure.check(HttpError):
            self.count(f"errors/http_{failure.value.response.status}")
        elif failure.check(DNSLookupError) or "ERR_NAME_NOT_RESOLVED" in failure.getErrorMessage():
            self.count("errors/dns")
        self.logger.warning("request failed: %s (%s)", failure.request.url, failure.getErrorMessage())

    def _readable(self, response: Response) -> TypeGuard[TextResponse]:
        """Whether a page has text to parse: an undecodable page was counted by the encoding middleware; a
        picture, PDF or download where a web page was expected is counted here, never parsed."""
        if not isinstance(response, TextResponse):
            self.count("pages/not_text")
            content_type = content_type_text(response.headers.get(b"Content-Type"))
            self.logger.warning("not a web page at %s (%s)", response.url, content_type or "no content type")
            return False
        return UNDECODABLE not in response.flags

    # -- result pages -----------------------------------------------------------------------------------

    def parse_results(self, response: Response, **_: Any) -> Iterator[Any]:
        server = self._take_server_response(response.url) if self.is_js else None  # taken always: nothing kept
        if not self._readable(response):
            return
        feed_name = response.meta.get("feed")
        page_profile = self._feed_profiles[feed_name] if feed_name else self.profile
        self.count("pages/search")  # a result page, of a search or a feed
        if feed_name:
            self.count("feeds/pages")
        results = parse_results(page_profile, response.selector, response.url, rendered=self.is_js)
        if results.blocked:
            self._blocked(response, results.blocked)
        self.count("results/seen", results.nodes)
        for (reason, name), rejected in results.rejects().items():
            self.count(f"results/rejected/{reason}/{name}", rejected)
            if reason != DUPLICATE:
                self.count("results/incomplete", rejected)
        self._count_field_errors(results.field_errors)
        if results.unparsed:
            self.count("pages/unparsed")
            self.logger.warning("no listings parsed at %s: has the layout changed?", response.url)
        elif results.no_results:
            self.count("pages/empty")
        keyword = response.meta.get("keyword")
        page_number = response.meta["page_number"]
        incremental = feed_name is not None and self.profile.feed(feed_name).newest_first
        capture: PageCapture | None = None
        unchanged = 0
        for fields in results.listings:
            if incremental and self._unchanged(fields):
                unchanged += 1
                self.count("feeds/unchanged")
                continue
            if fields["listing_id"] in self._seen:
                self.count("results/duplicate")
                continue
            self._seen.add(fields["listing_id"])
            base = {**fields, "keyword": keyword, "search_url": response.url}
            if feed_name:
                base["feed"] = feed_name
            if self.profile.follows_items:
                if self._spend():
                    yield self._request(fields["url"], self.parse_item, {"partial": base}, item_page=True)
            else:
                capture = capture or self.capture(response, server=server)
                item = self.listing_from(base, capture)
                if item is not None:
                    yield item
        if page_number >= self._max_pages(page_profile):
            return
        if incremental and results.listings and unchanged == len(results.listings):
            self.count("feeds/stopped")  # newest first: everything further on is stored already
            return
        meta = {"keyword": keyword, "feed": feed_name, "page_number": page_number + 1}
        if results.next_url:
            if self._spend():
                yield self._request(results.next_url, self.parse_results, meta)
        elif page_profile.pagination.page_param and has_next_page(page_profile, response.selector, results):
            if not self._spend():
                return
            if feed_name:
                url = self.profile.feed(feed_name).page_url(
                    self.profile.base_url, self._page_value(page_profile, page_number + 1)
                )
                yield self._request(url, self.parse_results, meta)
            elif keyword is not None:
                yield self.search_request(keyword, page_number + 1)

    @staticmethod
    def _page_value(page_profile: Profile, page_number: int) -> int:
        paging = page_profile.pagination
        return paging.first_page + (page_number - 1) * paging.page_step

    def _unchanged(self, fields: Mapping[str, Any]) -> bool:
        """Whether a feed's listing is stored already with the same title and price (as far as the page shows)."""
        stored = self.known.get(str(fields["listing_id"]))
        if stored is None:
            return False
        title, price = stored
        if fields.get("title") and title is not None and fields["title"] != title:
            return False
        if fields.get("price") and price is not None:
            values = read_values(dict(fields), default_currency=self.profile.currency, timezone=self.profile.timezone)
            return values.price is not None and Decimal(str(values.price)) == Decimal(price)
        return True

    def _count_field_errors(self, errors: Mapping[str, int]) -> None:
        """Count selectors that failed at run time (`tradewatch/field/<name>/error`); the listing goes on."""
        for name, failed in errors.items():
            self.count(f"field/{name}/error", failed)

    def _blocked(self, response: Response, marker: str) -> None:
        self.count("pages/blocked")
        self.logger.error("block page at %s (%s): stopping this platform's sweep", response.url, marker)
        raise CloseSpider("blocked")

    # -- item pages -------------------------------------------------------------------------------------

    async def parse_item(self, response: Response, **_: Any) -> AsyncIterator[ListingItem]:
        page = response.meta.get("playwright_page")
        screenshot = None
        try:
            if not self._readable(response):
                return
            self.count("pages/item")
            item_page = parse_item(self.profile, response.selector, response.url, rendered=self.is_js)
            if item_page.blocked:
                self._blocked(response, item_page.blocked)
            self._count_field_errors(dict.fromkeys(item_page.errors, 1))
            merged = {**response.meta["partial"], **item_page.fields, "url": response.url}
            if page is not None and self._is_lead(merged):
                screenshot = await page.screenshot(full_page=True, type="png")
                self.count("js/screenshots")
            server = await self._await_server_response(response.url) if page is not None else None
            capture = self.capture(response, screenshot=screenshot, server=server)
            if page is not None:
                capture.tool_versions = await self._tool_versions(page)
            item = self.listing_from(merged, capture)
            if item is not None:
                yield item
        finally:
            self._take_server_response(response.url)  # forgotten whether it was used or not
            if page is not None:
                await release_page(page, close=screenshot is not None)  # a screenshot's memory stays with its renderer

    def _is_lead(self, fields: dict[str, Any]) -> bool:
        """Whether the page's listing will be a lead, decided as the score pipeline will decide it (campaign
        terms and the model in use included), so that every lead of a rendered page has its screenshot."""
        from pipelines.score import would_be_lead

        listing = {key: fields.get(key) or "" for key in ("title", "description")}
        listing["price"] = fields.get("price")
        return would_be_lead(self.crawler, listing)

    async def _tool_versions(self, page: Any) -> dict[str, str]:
        if self._versions is None:
            self._versions = {
                "scrapy": scrapy.__version__,
                "playwright": importlib.metadata.version("playwright"),
                "chromium": page.context.browser.version if page.context.browser else "unknown",
            }
        return dict(self._versions)

    # -- items ------------------------------------------------------------------------------------------

    def capture(
        self, response: Response, *, screenshot: bytes | None = None, server: ServerResponse | None = None
    ) -> PageCapture:
        """The page as fetched, for the evidence store: for a rendered page the server's own response (body and
        headers as received) when the browser gave it, with the rendered DOM beside it."""
        capture = PageCapture.of(
            response,
            renderer="playwright" if self.is_js else "scrapy",
            tool_versions={"scrapy": scrapy.__version__},
            screenshot=screenshot,
        )
        if server is None:
            return capture
        return dataclasses.replace(
            capture, status=server.status, headers=server.headers, body=server.body, rendered=response.body
        )

    @staticmethod
    def _image_urls(value: str, page_url: str) -> list[str]:
        """The photo addresses of an `images` value (matches joined by whitespace), absolute, each once."""
        return list(dict.fromkeys(absolute(page_url, part) for part in str(value).split() if part))

    def listing_from(self, fields: dict[str, Any], capture: PageCapture | None) -> ListingItem | None:
        """The ListingItem for extracted fields; None (counted) when it is incomplete or older than `since`."""
        fields = dict(fields)
        listing_id = fields.pop("listing_id", None)
        if not listing_id or not fields.get("title"):
            self.count("results/incomplete")
            return None
        since = self.params.since
        if since is not None:
            posted = parse_posted(fields.get("posted_at"), self.profile.timezone)
            if posted is not None and posted < since:
                self.count("items/too_old")
                return None
        assert self.crawler.stats is not None
        for name, (present, missing) in self._coverage_keys.items():
            self.crawler.stats.inc_value(present if fields.get(name) not in (None, "") else missing)
        self.count("items/yielded")
        keyword, search_url = fields.pop("keyword", None), fields.pop("search_url", None)
        known = {key: value for key, value in fields.items() if key in _LISTING_FIELDS}
        if "images" in known:
            known["images"] = self._image_urls(known["images"], str(fields.get("url") or ""))
        extra = {key: value for key, value in fields.items() if key not in _LISTING_FIELDS}
        return ListingItem(
            default_currency=self.profile.currency,
            timezone=self.profile.timezone,
            platform=self.profile.name,
            listing_id=str(listing_id),
            campaign=self.params.campaign,
            keyword=keyword,
            search_url=search_url,
            fetched_at=datetime.now(UTC),
            capture=capture,
            extra=extra,
            **known,
        )

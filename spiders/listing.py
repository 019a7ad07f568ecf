"""The generic listing spider: searches a platform for keywords and yields one ListingItem per listing.

Usage: everything about a site lives in its platform profile (crawler/profiles.py). Run it with
`tradewatch sweep --platform NAME --keywords 象牙,穿山甲`, or with Scrapy itself:
`scrapy crawl listing -a platform=demo -a keywords=象牙,穿山甲`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from crawler.extract import extract_field, extract_fields, select
from crawler.items import ListingItem
from crawler.profiles import Profile, load_profile
from crawler.sweep_params import SweepParams


class ListingSpider(scrapy.Spider):
    name = "listing"

    def __init__(
        self,
        platform: str | Profile | None = None,
        keywords: str | list[str] | None = None,
        campaign: str | None = None,
        max_pages: int | str | None = None,
        base_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        profile = platform if isinstance(platform, Profile) else load_profile(platform or "demo")
        if base_url:
            profile = profile.with_base_url(base_url)
        self.profile = profile
        self.params = SweepParams.model_validate({"keywords": keywords, "campaign": campaign, "max_pages": max_pages})
        self.allowed_domains = profile.domains

    @property
    def max_pages(self) -> int:
        return self.params.max_pages or self.profile.search.max_pages

    # -- requests ---------------------------------------------------------------------------------------

    def search_url(self, keyword: str, page: int) -> str:
        search = self.profile.search
        encoded = quote(keyword.encode(search.keyword_encoding, errors="strict"))
        return search.url.format(base_url=self.profile.base_url, keyword=encoded, page=page)

    def _request(self, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        render = self.profile.render
        if render.mode == "js":
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            if render.wait_for:
                meta["playwright_page_methods"] = [PageMethod("wait_for_selector", render.wait_for)]
        return scrapy.Request(url, callback=callback, meta=meta, errback=self.on_error)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        first = self.profile.search.first_page
        for keyword in self.params.keywords:
            yield self._request(self.search_url(keyword, first), self.parse_results, keyword=keyword, page_number=1)

    def on_error(self, failure: Any) -> None:
        self.crawler.stats.inc_value("tradewatch/errors/request")
        self.logger.warning("request failed: %s", failure.getErrorMessage())

    # -- parsing ----------------------------------------------------------------------------------------

    def _decoded(self, response: Response) -> Response:
        if self.profile.encoding and hasattr(response, "text"):
            return response.replace(encoding=self.profile.encoding)
        return response

    def is_block_page(self, response: Response) -> bool:
        text = getattr(response, "text", "")
        return any(marker in text for marker in self.profile.block_markers)

    def parse_results(self, response: Response, **_: Any) -> Iterator[Any]:
        response = self._decoded(response)
        stats = self.crawler.stats
        stats.inc_value("tradewatch/pages/search")
        if self.is_block_page(response):
            stats.inc_value("tradewatch/pages/blocked")
            self.logger.warning("block page at %s", response.url)
            return
        keyword = response.meta["keyword"]
        page_number = response.meta["page_number"]
        nodes = select(response, self.profile.results.item)
        if not nodes:
            no_results = any(marker in response.text for marker in self.profile.no_results_markers)
            stats.inc_value("tradewatch/pages/empty" if no_results else "tradewatch/pages/unparsed")
        for node in nodes:
            stats.inc_value("tradewatch/results/seen")
            fields = extract_fields(node, self.profile.results.fields)
            if "url" not in fields:
                stats.inc_value("tradewatch/results/no_url")
                continue
            fields["url"] = response.urljoin(fields["url"])
            base = {"keyword": keyword, "search_url": response.url, **fields}
            item_page = self.profile.item_page
            if item_page and item_page.follow:
                yield self._request(fields["url"], self.parse_item, partial=base)
            else:
                yield from self._make_item(base)
        next_spec = self.profile.results.next_page
        if nodes and next_spec and page_number < self.max_pages:
            next_url = extract_field(response, next_spec)
            if next_url:
                yield self._request(
                    response.urljoin(next_url), self.parse_results, keyword=keyword, page_number=page_number + 1
                )

    def parse_item(self, response: Response, **_: Any) -> Iterator[ListingItem]:
        response = self._decoded(response)
        stats = self.crawler.stats
        stats.inc_value("tradewatch/pages/item")
        if self.is_block_page(response):
            stats.inc_value("tradewatch/pages/blocked")
            return
        fields = dict(response.meta["partial"])
        assert self.profile.item_page is not None
        fields.update(extract_fields(response, self.profile.item_page.fields))
        fields["url"] = response.url
        yield from self._make_item(fields)

    def _make_item(self, fields: dict[str, Any]) -> Iterator[ListingItem]:
        listing_id = fields.pop("listing_id", None)
        if not listing_id and self.profile.listing_id:
            from parsel import Selector

            listing_id = extract_field(Selector(text=f"<u>{fields['url']}</u>"), self.profile.listing_id)
        if not listing_id or not fields.get("title"):
            self.crawler.stats.inc_value("tradewatch/results/incomplete")
            return
        known = set(ListingItem.__dataclass_fields__)
        extra = {key: value for key, value in fields.items() if key not in known}
        yield ListingItem(
            platform=self.profile.name,
            listing_id=str(listing_id),
            campaign=self.params.campaign,
            fetched_at=datetime.now(UTC),
            extra=extra,
            **{key: value for key, value in fields.items() if key in known},
        )

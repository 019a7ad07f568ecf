"""The re-check spider: fetch the item pages of queued and claimed leads again and say what became of them.

Each page is read with its platform profile's item-page selectors (`crawler.extract`). A page that is still
there is yielded as a `ListingItem` (its target in `extra[RECHECK_TARGET]`), which the pipelines normalise and
score like a sweep's items; `pipelines.recheck` then records it as online or changed. A listing that is gone,
or a page that cannot be read, is yielded as a `RecheckVisit`. The spider never touches the store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from crawler.encoding import content_type_text
from crawler.extract import block_reason, extract_fields
from crawler.items import RECHECK_TARGET, ListingItem, PageCapture, RecheckVisit
from crawler.profiles import ListingFields, Profile

REMOVED_STATUSES = (404, 410)
# Text of the pages marketplaces show for a listing taken down (checked when the page is not a 404).
REMOVAL_MARKERS = ("宝贝已下架", "商品已下架", "该商品已下架", "商品已删除", "宝贝不存在", "商品不存在", "此商品已下架")


class RecheckSpider(scrapy.Spider):
    """Visits each target's item page once. Arguments: targets (dicts of `leads.recheck.RecheckTarget`'s
    fields) and profiles (platform name -> Profile)."""

    name = "recheck"
    handle_httpstatus_list: ClassVar[list[int]] = list(REMOVED_STATUSES)

    def __init__(self, targets: list[dict[str, Any]], profiles: dict[str, Profile], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets = targets
        self.profiles = profiles

    def _request(self, target: dict[str, Any]) -> scrapy.Request:
        meta: dict[str, Any] = {"target": target, "handle_httpstatus_list": list(REMOVED_STATUSES)}
        profile = self.profiles[target["platform"]]
        if profile.render.mode == "js":
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            if profile.render.wait_for:
                meta["playwright_page_methods"] = [PageMethod("wait_for_selector", profile.render.wait_for)]
        return scrapy.Request(
            target["url"], callback=self.parse_page, errback=self.on_error, meta=meta, dont_filter=True
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for target in self.targets:
            yield self._request(target)

    def parse_page(self, response: Response) -> Iterator[ListingItem | RecheckVisit]:
        target = response.meta["target"]
        profile = self.profiles[target["platform"]]
        if profile.encoding and hasattr(response, "text"):
            response = response.replace(encoding=profile.encoding)
        text = getattr(response, "text", "")
        if response.status in REMOVED_STATUSES or any(marker in text for marker in REMOVAL_MARKERS):
            yield RecheckVisit(target, "removed", datetime.now(UTC), http_status=response.status)
            return
        if not isinstance(response, TextResponse):  # a picture or a download where the listing was
            content_type = content_type_text(response.headers.get(b"Content-Type"))
            yield self._error(target, f"not a web page ({content_type or 'no content type'})", response.status)
            return
        selector = scrapy.Selector(response)
        blocked = block_reason(profile, selector, rendered=bool(response.meta.get("playwright")))
        if blocked:
            yield self._error(target, f"blocked: {blocked}", response.status)
            return
        fields = extract_fields(selector, profile.item_page.fields) if profile.item_page else {}
        if not fields.get("title"):
            yield self._error(target, "item page not understood (no title found)", response.status)
            return
        renderer = "playwright" if response.meta.get("playwright") else "scrapy"
        capture = PageCapture.of(
            response, renderer=renderer, tool_versions={"scrapy": scrapy.__version__, "tradewatch-recheck": "1"}
        )
        yield self._listing(target, profile, fields, capture)

    @staticmethod
    def _listing(target: dict[str, Any], profile: Profile, fields: dict[str, str], capture: PageCapture) -> ListingItem:
        known = set(ListingFields.model_fields) - {"listing_id", "url", "extra"}
        values: dict[str, Any] = {key: value for key, value in fields.items() if key in known}
        if values.get("image_url"):
            values["image_url"] = urljoin(target["url"], values["image_url"])
        return ListingItem(
            default_currency=profile.currency,
            timezone=profile.timezone,
            platform=target["platform"],
            listing_id=target["listing_id"],
            url=target["url"],
            fetched_at=capture.fetched_at,
            capture=capture,
            extra={RECHECK_TARGET: target},
            **values,
        )

    @staticmethod
    def _error(target: dict[str, Any], message: str, status: int | None) -> RecheckVisit:
        return RecheckVisit(target, "error", datetime.now(UTC), http_status=status, error=message)

    def on_error(self, failure: Any) -> Iterator[RecheckVisit]:
        request = getattr(failure, "request", None)
        target = request.meta.get("target") if request is not None else None
        if target is not None:
            yield self._error(target, failure.getErrorMessage()[:300], None)

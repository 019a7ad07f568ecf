"""The crawl side of re-checks: fetch the item pages of queued and claimed leads again, in a child process.

`python -m crawler.recheck REQUEST_JSON` runs `RecheckSpider` over the targets; each page is read with its
platform profile's item-page selectors (`crawler.extract`), normalised and re-scored like a sweep's items,
and handed to the store side (`leads.recheck`): still online, changed (new snapshot, re-scored) or removed.
The parent (`leads.recheck.run_rechecks`) reads the counts from the last line of standard output.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import urljoin

import scrapy
from pydantic import BaseModel, Field
from scrapy.http import Response

from crawler.items import ListingItem, PageCapture
from crawler.profiles import Profile, load_profile

RESULT_PREFIX = "TRADEWATCH-RECHECK-RESULT "
REMOVED_STATUSES = (404, 410)
# Text of the pages marketplaces show for a listing taken down (checked when the page is not a 404).
REMOVAL_MARKERS = ("宝贝已下架", "商品已下架", "该商品已下架", "商品已删除", "宝贝不存在", "商品不存在", "此商品已下架")


class RecheckTarget(BaseModel):
    lead_pk: int | None
    listing_pk: int
    platform: str
    listing_id: str
    url: str


class RecheckRequest(BaseModel):
    targets: list[RecheckTarget] = Field(default_factory=list)
    base_url: str | None = None
    database_url: str | None = None
    lead_threshold: int  # the configured one (core.config), passed by the caller
    log_file: Path | None = None


def _headers(headers: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, values in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        out[name] = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values]
    return out


def capture_of(response: Response, requested_url: str, renderer: str = "scrapy") -> PageCapture:
    import scrapy as scrapy_module

    return PageCapture(
        requested_url=requested_url,
        final_url=response.url,
        status=response.status,
        headers=_headers(response.headers),
        body=response.body,
        fetched_at=datetime.now(UTC),
        redirect_urls=list(response.meta.get("redirect_urls", [])),
        encoding=getattr(response, "encoding", None),
        request_headers=_headers(response.request.headers) if response.request is not None else {},
        renderer=renderer,
        tool_versions={"scrapy": scrapy_module.__version__, "tradewatch-recheck": "1"},
    )


class RecheckSpider(scrapy.Spider):
    """Visits each target's item page once and records what became of the listing."""

    name = "recheck"
    handle_httpstatus_list: ClassVar[list[int]] = list(REMOVED_STATUSES)

    def __init__(self, request: RecheckRequest, profiles: dict[str, Profile], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.request = request
        self.profiles = profiles
        self.counts: Counter[str] = Counter()
        self._scorer: Any = None
        self._combine: Any = None

    @property
    def scorer(self) -> Any:
        if self._scorer is None:
            from pipelines.scoring import Scorer

            self._scorer = Scorer.load(threshold=self.request.lead_threshold)
        return self._scorer

    @property
    def combine(self) -> Any:
        """Adds the bureau's model's opinion to a score (nothing without a model in use)."""
        if self._combine is None:
            from pipelines.model.registry import current_combiner

            self._combine = current_combiner()
        return self._combine

    def _request(self, target: RecheckTarget) -> scrapy.Request:
        meta: dict[str, Any] = {"target": target.model_dump(), "handle_httpstatus_list": list(REMOVED_STATUSES)}
        profile = self.profiles[target.platform]
        if profile.render.mode == "js":
            from scrapy_playwright.page import PageMethod

            meta["playwright"] = True
            if profile.render.wait_for:
                meta["playwright_page_methods"] = [PageMethod("wait_for_selector", profile.render.wait_for)]
        return scrapy.Request(target.url, callback=self.parse_page, errback=self.on_error, meta=meta, dont_filter=True)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for target in self.request.targets:
            yield self._request(target)

    def parse_page(self, response: Response) -> Iterator[Any]:
        from crawler.extract import block_reason, extract_fields
        from leads.recheck import record_online, record_removed

        target = RecheckTarget.model_validate(response.meta["target"])
        profile = self.profiles[target.platform]
        if profile.encoding and hasattr(response, "text"):
            response = response.replace(encoding=profile.encoding)
        text = getattr(response, "text", "")
        url = self.database_url
        if response.status in REMOVED_STATUSES or any(marker in text for marker in REMOVAL_MARKERS):
            record_removed(target, http_status=response.status, at=datetime.now(UTC), url=url)
            self.counts["removed"] += 1
            return
        selector = scrapy.Selector(response)  # type: ignore[arg-type]
        blocked = block_reason(profile, selector, text)
        if blocked:
            self._error(target, f"blocked: {blocked}", response.status)
            return
        fields = extract_fields(selector, profile.item_page.fields) if profile.item_page else {}
        if not fields.get("title"):
            self._error(target, "item page not understood (no title found)", response.status)
            return
        item = self._normalised(target, profile, fields)
        listing = {"title": item.title, "description": item.description, "price": item.price}
        score = self.combine(self.scorer.score(listing).to_dict(), listing, threshold=self.scorer.threshold)
        capture = capture_of(response, target.url, "playwright" if response.meta.get("playwright") else "scrapy")
        outcome = record_online(
            target, listing=item.listing_fields(), score=score, capture=capture, at=item.fetched_at, url=url
        )
        self.counts[outcome] += 1
        yield from ()

    def _normalised(self, target: RecheckTarget, profile: Profile, fields: dict[str, str]) -> ListingItem:
        from pipelines.normalise import NormaliseListingPipeline

        known = set(ListingItem.__dataclass_fields__)
        values: dict[str, Any] = {
            key: value for key, value in fields.items() if key in known and key not in ("platform", "url")
        }
        values.pop("listing_id", None)
        if values.get("image_url"):
            values["image_url"] = urljoin(target.url, values["image_url"])
        item = ListingItem(
            platform=target.platform,
            listing_id=target.listing_id,
            url=target.url,
            currency=profile.currency,
            fetched_at=datetime.now(UTC),
            **values,
        )
        normaliser = NormaliseListingPipeline(SimpleNamespace(stats=self.crawler.stats))  # type: ignore[arg-type]
        return normaliser.process_item(item)

    @property
    def database_url(self) -> str | None:
        return self.request.database_url

    def _error(self, target: RecheckTarget, message: str, status: int | None) -> None:
        from leads.recheck import record_error

        record_error(target, error=message, http_status=status, at=datetime.now(UTC), url=self.database_url)
        self.counts["error"] += 1

    def on_error(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        target_data = request.meta.get("target") if request is not None else None
        if target_data is None:
            return
        self._error(RecheckTarget.model_validate(target_data), failure.getErrorMessage()[:300], None)


def crawl_here(request: RecheckRequest) -> dict[str, int]:
    """Run the re-checks in this process (the child). Returns the counts by outcome."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    names = sorted({target.platform for target in request.targets})
    profiles = {name: load_profile(name) for name in names}
    if request.base_url:
        profiles = {name: profile.with_base_url(request.base_url) for name, profile in profiles.items()}
    settings = get_project_settings().copy()
    settings.setdict(
        {
            "ITEM_PIPELINES": {name: None for name in settings.getdict("ITEM_PIPELINES")},
            "EXTENSIONS": {name: None for name in settings.getdict("EXTENSIONS") if "run_record" in name},
            "TRADEWATCH_DATABASE_URL": request.database_url,
            "ROBOTSTXT_OBEY": all(profile.politeness.obey_robots for profile in profiles.values()),
            "DOWNLOAD_DELAY": max((profile.politeness.download_delay for profile in profiles.values()), default=0),
            "HTTPERROR_ALLOWED_CODES": list(REMOVED_STATUSES),
        }
    )
    if any(profile.render.mode == "js" for profile in profiles.values()):
        from crawler.browser import playwright_settings

        private = [host for profile in profiles.values() for host in profile.allow_private_hosts]
        settings.setdict(playwright_settings(private))
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RecheckSpider)
    process.crawl(crawler, request=request, profiles=profiles)
    process.start()
    spider = crawler.spider
    return dict(spider.counts) if isinstance(spider, RecheckSpider) else {}


def _child_main(argv: list[str]) -> int:
    from core.errors import TradewatchError
    from core.logging_setup import setup_logging

    request = RecheckRequest.model_validate_json(Path(argv[1]).read_text(encoding="utf-8"))
    setup_logging("recheck", path=request.log_file)
    try:
        counts = crawl_here(request)
    except TradewatchError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    sys.stdout.write(RESULT_PREFIX + json.dumps(counts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv))

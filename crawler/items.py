"""The one item every spider yields: a marketplace listing as scraped, before scoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class PageCapture:
    """The page a listing was read from, as fetched: what the evidence store keeps for a lead."""

    requested_url: str
    final_url: str
    status: int
    headers: dict[str, list[str]]
    body: bytes
    fetched_at: datetime
    redirect_urls: list[str] = field(default_factory=list)
    encoding: str | None = None
    request_headers: dict[str, list[str]] = field(default_factory=dict)
    screenshot: bytes | None = None  # PNG, for pages rendered in the browser
    rendered: bytes | None = None  # the DOM the browser rendered (UTF-8 HTML); `body` is then the server's response
    renderer: str = "scrapy"  # "scrapy" or "playwright"
    tool_versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, response: Any, *, renderer: str, tool_versions: dict[str, str], screenshot: bytes | None = None
    ) -> PageCapture:
        """The Scrapy response as fetched, now: the URL first asked for (before redirects), headers both ways."""
        redirects = list(response.meta.get("redirect_urls", []))
        request = response.request
        return cls(
            requested_url=redirects[0] if redirects else request.url if request is not None else response.url,
            final_url=response.url,
            status=response.status,
            headers=_header_map(response.headers),
            body=response.body,
            fetched_at=datetime.now(UTC),
            redirect_urls=redirects,
            encoding=getattr(response, "encoding", None),
            request_headers=_header_map(request.headers) if request is not None else {},
            screenshot=screenshot,
            renderer=renderer,
            tool_versions=tool_versions,
        )


def _header_map(headers: Any) -> dict[str, list[str]]:
    """Header name -> values as text. Scrapy's Headers is a dict of lists already: read as one, not through its
    `items()`, which normalises every name and value again (five times the cost, for every page)."""

    def text(raw: bytes | str) -> str:
        if isinstance(raw, str):
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    pairs = dict.items(headers) if isinstance(headers, dict) else headers.items()
    return {text(name): [text(value) for value in values] for name, values in pairs}


@dataclass
class ListingItem:
    """One listing seen on one platform. Pipelines normalise it, score it and store it."""

    platform: str
    listing_id: str
    url: str
    title: str
    description: str = ""
    price: Any = None  # raw text from the page until normalised to float
    currency: str | None = None
    seller: str | None = None
    seller_id: str | None = None
    location: str | None = None
    posted_at: Any = None  # raw text until normalised to an aware UTC datetime
    image_url: str | None = None
    images: list[str] = field(default_factory=list)  # the listing's photos: absolute addresses, in page order
    image_text: str = ""  # the text read in the photos (OCR), one line per line found, set by the image pipeline
    # the photos as downloaded and read: url, path (under the home), sha256, phash, lines (list of str), problem
    image_readings: list[dict[str, Any]] = field(default_factory=list)
    price_raw: str | None = None  # set by normalising: the page's text when no price could be read from it
    posted_raw: str | None = None  # likewise for the posted time
    default_currency: str | None = None  # the profile's `currency:`, for prices that show no sign
    timezone: str | None = None  # the profile's `timezone:`, for times shown without an offset
    keyword: str | None = None
    campaign: str | None = None
    search_url: str | None = None
    fetched_at: datetime | None = None
    score: dict[str, Any] | None = None  # ScoreResult.to_dict(), set by the score pipeline
    capture: PageCapture | None = None  # the item page (or result page) as fetched, for evidence
    extra: dict[str, Any] = field(default_factory=dict)

    def listing_fields(self) -> dict[str, Any]:
        """The fields the lead store keeps for a listing."""
        return {
            "platform": self.platform,
            "listing_id": self.listing_id,
            "url": self.url,
            "title": self.title,
            "description": self.description,
            "price": self.price,
            "currency": self.currency,
            "seller": self.seller,
            "seller_id": self.seller_id,
            "location": self.location,
            "posted_at": self.posted_at,
            "image_url": self.image_url,
            "price_raw": self.price_raw,
            "posted_raw": self.posted_raw,
            "image_text": self.image_text,
            "images": self.image_readings,
        }


@dataclass
class RecheckVisit:
    """A re-check visit that found no listing to read: the listing was removed, or the page could not be read
    (blocked, unreachable, not understood). `target` is the listing re-checked (`leads.recheck.RecheckTarget`'s
    fields). A page that could be read is yielded as a ListingItem instead, with its target in
    `extra[RECHECK_TARGET]`."""

    target: dict[str, Any]
    outcome: str  # "removed" | "error"
    checked_at: datetime
    http_status: int | None = None
    error: str | None = None


RECHECK_TARGET = "recheck_target"  # ListingItem.extra key: the re-check target the listing was read for


@dataclass
class RulesPageItem:
    """One fetch of a platform's rules page: its main text and the page as fetched, or what went wrong.

    `problem` is None for a page read, else `unreachable` (no answer), `http_<status>`, `blocked` (a block
    page), `not_text` (a file, not a page) or `empty` (the main-text selector matched nothing). A page with a
    problem is never stored.
    """

    platform: str
    page: str
    url: str
    text: str = ""
    capture: PageCapture | None = None
    problem: str | None = None
    detail: str | None = None

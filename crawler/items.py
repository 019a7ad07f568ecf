"""The one item every spider yields: a marketplace listing as scraped, before scoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    renderer: str = "scrapy"  # "scrapy" or "playwright"
    tool_versions: dict[str, str] = field(default_factory=dict)


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
        }

"""First pipeline: turn scraped strings into clean, typed listing fields."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ListingItem

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_PRICE = re.compile(r"(\d[\d,]*(?:\.\d+)?)")
_CURRENCIES = {"¥": "CNY", "￥": "CNY", "元": "CNY", "$": "USD", "NT$": "TWD"}
# Hostile pages can make any field huge; the store keeps at most this many characters (longer text is cut and
# counted as `tradewatch/field/<name>/truncated`). A listing id or URL too long to be real drops the listing.
MAX_CHARS = {"title": 1_000, "description": 100_000, "seller": 200, "seller_id": 200, "location": 200}
MAX_ID_CHARS = 256
MAX_URL_CHARS = 8_192


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Collapse runs of spaces, trim, and keep newlines only where the field may have paragraphs.

    NUL characters are removed: PostgreSQL text cannot hold them, and no marketplace text needs them.
    """
    text = unicodedata.normalize("NFC", str(value or "").replace("\x00", ""))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return ("\n" if multiline else " ").join(line for line in lines if line)


def parse_price(value: Any) -> tuple[float | None, str | None]:
    """'¥1,234.00' -> (1234.0, 'CNY'); text without a number gives (None, None)."""
    if value is None:
        return None, None
    if isinstance(value, int | float):
        return float(value), None
    text = str(value)
    match = _PRICE.search(text)
    if not match:
        return None, None
    try:
        amount = float(Decimal(match.group(1).replace(",", "")))
    except InvalidOperation:
        return None, None
    currency = next((code for sign, code in _CURRENCIES.items() if sign in text), None)
    return amount, currency


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 timestamp as an aware UTC datetime; naive times are taken as UTC."""
    if value is None or isinstance(value, datetime):
        return value.astimezone(UTC) if isinstance(value, datetime) and value.tzinfo else value
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class NormaliseListingPipeline:
    """Validates that a listing has an id, URL and title, and normalises text, price and time."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormaliseListingPipeline:
        return cls(crawler)

    def _capped(self, name: str, value: str) -> str:
        limit = MAX_CHARS[name]
        if len(value) <= limit:
            return value
        self.stats.inc_value(f"tradewatch/field/{name}/truncated")
        return value[:limit]

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem):  # a re-check visit that read no listing
            return item
        item.title = self._capped("title", clean_text(item.title))
        item.description = self._capped("description", clean_text(item.description, multiline=True))
        item.listing_id = str(item.listing_id or "").replace("\x00", "").strip()
        item.url = str(item.url or "").replace("\x00", "")
        if not item.title or not item.listing_id or not item.url:
            self.stats.inc_value("tradewatch/items/dropped_incomplete")
            raise DropItem("listing without title, id or URL")
        if len(item.listing_id) > MAX_ID_CHARS or len(item.url) > MAX_URL_CHARS:
            self.stats.inc_value("tradewatch/items/dropped_oversized")
            raise DropItem("listing id or URL too long")
        for name in ("seller", "seller_id", "location"):
            value = self._capped(name, clean_text(getattr(item, name)))
            setattr(item, name, value or None)
        if item.image_url is not None:
            image_url = str(item.image_url).replace("\x00", "")
            item.image_url = image_url if 0 < len(image_url) <= MAX_URL_CHARS else None
        if item.currency is not None and len(str(item.currency)) > 8:
            item.currency = None
        price, currency = parse_price(item.price)
        item.price = price
        item.currency = item.currency or currency or ("CNY" if price is not None else None)
        raw_posted = item.posted_at
        item.posted_at = parse_time(raw_posted)
        for name in ("price", "seller", "location", "posted_at", "description"):
            if getattr(item, name) in (None, ""):
                self.stats.inc_value(f"tradewatch/field/{name}/missing")
        self.stats.inc_value("tradewatch/items/normalised")
        return item

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


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Collapse runs of spaces, trim, and keep newlines only where the field may have paragraphs."""
    text = unicodedata.normalize("NFC", str(value or ""))
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

    def process_item(self, item: ListingItem) -> ListingItem:
        item.title = clean_text(item.title)
        item.description = clean_text(item.description, multiline=True)
        if not item.title or not item.listing_id or not item.url:
            self.stats.inc_value("tradewatch/items/dropped_incomplete")
            raise DropItem("listing without title, id or URL")
        for name in ("seller", "seller_id", "location"):
            value = clean_text(getattr(item, name))
            setattr(item, name, value or None)
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

"""First pipeline: turn scraped strings into clean, typed listing fields."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.workdays import BUREAU_TIMEZONE
from crawler.items import ListingItem
from crawler.stored_values import read_values

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
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
    # the runs collapsed in the whole text at once: none of their characters ends a line, so each line is as
    # it would be collapsed alone
    lines = (line.strip() for line in _SPACES.sub(" ", text).splitlines())
    return ("\n" if multiline else " ").join(line for line in lines if line)


class NormaliseListingPipeline:
    """Validates that a listing has an id, URL and title, and normalises text, price and time.

    Price and posted time are read by `crawler.stored_values` (as `platforms check` shows them); text that
    cannot be read is kept in `price_raw` / `posted_raw` and counted as `tradewatch/field/<name>/unparsed`.
    """

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
        values = read_values(
            {"price": item.price, "currency": item.currency, "posted_at": item.posted_at},
            default_currency=item.default_currency,
            timezone=item.timezone or BUREAU_TIMEZONE,
            now=item.fetched_at,
        )
        item.price, item.currency, item.posted_at = values.price, values.currency, values.posted_at
        item.price_raw, item.posted_raw = values.price_raw, values.posted_raw
        for name in values.unparsed:
            self.stats.inc_value(f"tradewatch/field/{name}/unparsed")
        if item.price is not None and item.currency is None:
            self.stats.inc_value("tradewatch/field/currency/unknown")
        for name in ("price", "seller", "location", "posted_at", "description"):
            if getattr(item, name) in (None, ""):
                self.stats.inc_value(f"tradewatch/field/{name}/missing")
        self.stats.inc_value("tradewatch/items/normalised")
        return item

"""One saved page through a profile, as a sweep would see it: for `tradewatch platforms check` and profile tests.

It decodes the page as the crawler does, extracts with the spider's functions, reads prices and times as the
normalise pipeline does (`stored`), counts what a sweep would reject and why, and judges the page with the
profile's `health` thresholds by the same rules as a finished run.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from parsel import Selector

from crawler.extract import (
    Rejection,
    coverage,
    has_next_page,
    listing_id,
    parse_item,
    parse_results,
)
from crawler.profiles import Profile
from crawler.run_health import NORMAL_FINISH, Health, assess
from crawler.stored_values import read_values


@dataclass
class PageCheck:
    """What a profile makes of one page."""

    kind: str  # results | item
    encoding: str
    listings: list[dict[str, str]]  # kept listings, the strings as extracted
    stored: list[dict[str, Any]]  # for each kept listing, what the store would keep of it
    coverage: dict[str, tuple[int, int]]  # over every listing the item selector matched
    health: Health
    rejected: list[Rejection] = field(default_factory=list)
    field_errors: dict[str, int] = field(default_factory=dict)
    error_details: dict[str, str] = field(default_factory=dict)
    unparsed: dict[str, int] = field(default_factory=dict)
    blocked: str | None = None
    no_results: bool = False  # the profile recognises the page as a search that found nothing
    next_url: str | None = None

    @property
    def matched(self) -> int:
        """Listings the item selector matched: those kept and those rejected (duplicates included)."""
        return len(self.listings) + len(self.rejected)

    def rejects(self) -> dict[str, int]:
        """`reason: field` -> listings rejected so."""
        counts = Counter(f"{rejection.reason}: {rejection.field}" for rejection in self.rejected)
        return dict(counts.most_common())


def stored_listing(profile: Profile, fields: dict[str, str], now: datetime) -> dict[str, Any]:
    """The values the store would keep for a listing's price, currency, time and links."""
    values = read_values(fields, default_currency=profile.currency, timezone=profile.timezone, now=now)
    stored: dict[str, Any] = {
        "listing_id": fields.get("listing_id"),
        "url": fields.get("url"),
        "image_url": fields.get("image_url"),
        "price": values.price,
        "currency": values.currency,
        "posted_at": values.posted_at.isoformat().replace("+00:00", "Z") if values.posted_at else None,
    }
    if values.price_raw:
        stored["price_raw"] = values.price_raw
    if values.posted_raw:
        stored["posted_raw"] = values.posted_raw
    return stored


def _judge(profile: Profile, listings: list[dict[str, str]], result: PageCheck, names: list[str]) -> Health:
    """The outcome a sweep of pages like this one would get, by the profile's health thresholds."""
    stats: dict[str, int] = {
        "downloader/response_count": 1,
        "tradewatch/pages/search" if result.kind == "results" else "tradewatch/pages/item": 1,
        "tradewatch/results/seen": result.matched,
        "tradewatch/items/yielded": len(listings),
        "tradewatch/pages/blocked": 1 if result.blocked else 0,
        "tradewatch/pages/unparsed": 1 if not listings and not result.blocked else 0,
    }
    for name in names:
        stats[f"tradewatch/field/{name}/present"] = sum(1 for row in listings if row.get(name))
    for rejection in result.rejected:
        key = f"tradewatch/results/rejected/{rejection.reason}/{rejection.field}"
        stats[key] = stats.get(key, 0) + 1
    watched = [name for name in profile.health.fields if name in names]
    return assess(stats, NORMAL_FINISH, min_coverage=profile.health.min_coverage, fields=watched)


def check_page(
    profile: Profile,
    body: bytes,
    url: str,
    kind: str = "auto",
    content_type: str | None = None,
    now: datetime | None = None,
) -> PageCheck:
    """Decode a saved page as the crawler would and run the profile over it. Raises UndecodableError."""
    from crawler.encoding import decode_html

    now = now or datetime.now(UTC)
    decoded = decode_html(body, content_type=content_type, override=profile.encoding)
    page = Selector(text=decoded.text, base_url=url)
    results = parse_results(profile, page, url) if kind in ("auto", "results") else None
    if results is not None and (kind == "results" or results.rows or not profile.item_page):
        names = ["listing_id", *[name for name in profile.results.fields.selectors() if name != "listing_id"]]
        next_url = results.next_url
        if profile.pagination.page_param and has_next_page(profile, page, results):
            next_url = next_url or "(next page by page parameter)"
        check = PageCheck(
            kind="results",
            encoding=decoded.encoding,
            listings=results.listings,
            stored=[stored_listing(profile, listing, now) for listing in results.listings],
            coverage=coverage(results.rows, names),
            health=Health("ok"),
            rejected=results.rejected,
            field_errors=dict(results.field_errors),
            error_details=results.error_details,
            blocked=results.blocked,
            no_results=results.no_results,
            next_url=next_url,
        )
    else:
        item = parse_item(profile, page, url)
        listings: list[dict[str, str]] = []
        if item.fields:
            item.fields.setdefault("url", url)
            ident = listing_id(profile, item.fields)
            if ident:
                item.fields["listing_id"] = ident
            listings.append(item.fields)
        names = ["listing_id", "url", *(profile.item_page.fields.selectors() if profile.item_page else {})]
        check = PageCheck(
            kind="item",
            encoding=decoded.encoding,
            listings=listings,
            stored=[stored_listing(profile, listing, now) for listing in listings],
            coverage=coverage(listings, dict.fromkeys(names)),
            health=Health("ok"),
            field_errors=dict.fromkeys(item.errors, 1),
            error_details=item.errors,
            blocked=item.blocked,
        )
    raw_of = {"price": "price_raw", "posted_at": "posted_raw"}
    check.unparsed = dict(Counter(name for stored in check.stored for name, raw in raw_of.items() if stored.get(raw)))
    check.health = _judge(profile, check.listings, check, list(dict.fromkeys(names)))
    return check


# Phrases marketplaces use on a search page that found nothing (simplified, traditional, English).
EMPTY_PHRASES = re.compile(
    r"没有找到|沒有找到|未找到|找不到|没找到|沒找到|没有搜到|没有相关|沒有相關|无相关|無相關|查無|查无|暂无|暫無|"
    r"无结果|無結果|no results|nothing found|did not match|0 results|no matches|no items found",
    re.IGNORECASE,
)
_MARKER_MAX = 40


@dataclass
class NoResultsProposal:
    """What a profile could use to recognise a search that found nothing: marker texts and CSS selectors."""

    markers: list[str] = field(default_factory=list)
    selectors: list[str] = field(default_factory=list)


def _own_selector(node: Selector) -> str | None:
    """`tag.class` or `tag#id` of an element, when it has either (a selector independent of the keyword)."""
    tag = node.root.tag if isinstance(node.root.tag, str) else None
    if tag is None or tag in ("body", "html"):
        return None
    classes = (node.attrib.get("class") or "").split()
    if classes:
        return f"{tag}.{classes[0]}"
    ident = node.attrib.get("id")
    return f"{tag}#{ident}" if ident and re.fullmatch(r"[A-Za-z][\w-]*", ident) else None


def _marker(text: str, keyword: str | None) -> str:
    """The part of a notice that does not depend on the keyword searched for (the longer side of it)."""
    if keyword and keyword in text:
        before, _, after = text.partition(keyword)
        text = max(before, after, key=len)
    return text.strip(" \t\"'“”‘’「」『』:：,，.。!！")


def propose_no_results(
    body: bytes, url: str, *, keyword: str | None = None, content_type: str | None = None, encoding: str | None = None
) -> NoResultsProposal:
    """From a saved search page for a nonsense keyword, the markers and selectors that say "nothing found".

    The innermost elements whose short text holds a known "nothing found" phrase are proposed: their text
    (without the keyword) as a marker, their tag and class as a selector.
    """
    from crawler.encoding import decode_html

    decoded = decode_html(body, content_type=content_type, override=encoding)
    page = Selector(text=decoded.text, base_url=url)
    proposal = NoResultsProposal()
    for node in page.xpath("//body//*[not(self::script or self::style)]"):
        text = " ".join("".join(node.xpath(".//text()").getall()).split())
        if not text or len(text) > _MARKER_MAX * 2 or not EMPTY_PHRASES.search(text):
            continue
        inner = [
            child
            for child in node.xpath("./*")
            if EMPTY_PHRASES.search(" ".join("".join(child.xpath(".//text()").getall()).split()))
        ]
        if inner:
            continue  # an element inside says it more precisely
        marker = _marker(text, keyword)
        if 2 <= len(marker) <= _MARKER_MAX and marker not in proposal.markers:
            proposal.markers.append(marker)
        selector = _own_selector(node)
        if selector and selector not in proposal.selectors:
            proposal.selectors.append(selector)
    return proposal

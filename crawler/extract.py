"""Apply a profile to one page: the listings on a result page, the fields of an item page, block detection.

The spider and `tradewatch platforms check` both use these functions, so a profile checked against a saved
page behaves exactly as it will in a sweep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urljoin

import jmespath
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

from crawler.profiles import FieldSelector, JsonItems, Profile

Node = Selector | SelectorList | Mapping[str, Any]
_SPACES = re.compile(r"\s+")


# -- one field ----------------------------------------------------------------------------------------------


def select(node: Selector | SelectorList, spec: FieldSelector) -> SelectorList:
    if spec.css:
        return node.css(spec.css)
    if spec.xpath:
        return node.xpath(spec.xpath)
    return SelectorList([node]) if isinstance(node, Selector) else node


# Namespaces parsel gives every selector (EXSLT regular expressions and sets); a query gets those it names.
_EXSLT = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
_WHOLE_TEXT = etree.XPath(".//text()", smart_strings=False)


@lru_cache(maxsize=1024)
def _compiled(css: str | None, xpath: str | None) -> etree.XPath | None:
    """A field's query compiled once (CSS translated as parsel does for HTML); None when lxml refuses it."""
    query = css2xpath(css) if css else xpath
    if not query:
        return None
    namespaces = {prefix: uri for prefix, uri in _EXSLT.items() if f"{prefix}:" in query}
    try:
        return etree.XPath(query, namespaces=namespaces, smart_strings=False)
    except (etree.XPathError, ValueError):
        return None


def _fast_strings(node: Node, spec: FieldSelector) -> list[str] | None:
    """`_strings(select(node, spec), spec.attr)` evaluated on lxml directly, without a parsel Selector per match.

    None when the fast path does not apply (not an HTML element selector, extra namespaces, a query that yields
    a number or boolean); the caller then goes through parsel.
    """
    if not isinstance(node, Selector) or node.type != "html" or not (spec.css or spec.xpath):
        return None
    root = node.root
    if not hasattr(root, "xpath") or not set(node.namespaces) <= _EXSLT.keys():
        return None
    compiled = _compiled(spec.css, spec.xpath)
    if compiled is None:
        return None
    try:
        found = compiled(root)
    except etree.XPathError:
        return None
    if not isinstance(found, list):
        return None
    attr = spec.attr
    out: list[str] = []
    for value in found:
        if isinstance(value, str):
            if not attr:
                out.append(value)
        elif hasattr(value, "attrib"):
            if attr:
                text = value.get(attr)
                if text is not None:
                    out.append(text)
            else:
                out.append("".join(_WHOLE_TEXT(value)))
        else:
            return None
    return out


def _strings(found: SelectorList, attr: str | None) -> list[str]:
    """Text of each match: attribute values, text nodes as they are, elements as their whole text."""
    out: list[str] = []
    for sel in found:
        if attr:
            value = sel.attrib.get(attr) if hasattr(sel.root, "attrib") else None
            if value is not None:
                out.append(value)
        elif isinstance(sel.root, str):
            out.append(sel.root)
        elif hasattr(sel.root, "attrib"):
            out.append("".join(sel.xpath(".//text()").getall()))
        else:
            out.append(str(sel.get()))
    return out


def _whitespace(text: str, mode: str) -> str:
    if mode == "keep":
        return text
    if mode == "lines":
        lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    return _SPACES.sub(" ", text).strip()


def _as_text(value: Any, join: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return join.join(_as_text(part, join) for part in value if part is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _regex(text: str, pattern: str | None) -> str:
    if not pattern or not text:
        return text
    match = re.search(pattern, text)
    if not match:
        return ""
    return (match.group(1) or "") if match.groups() else match.group(0)


def _apply(node: Node, spec: FieldSelector) -> str | None:
    if isinstance(node, Mapping):  # a listing held as JSON: the path, then the text steps
        text = _regex(_as_text(jmespath.search(spec.json_path or "@", node), spec.join), spec.regex)
    else:
        strings = _fast_strings(node, spec)
        if strings is None:
            strings = _strings(select(node, spec), spec.attr)
        parts = [part for part in strings if part.strip()]
        if spec.first:
            parts = parts[:1]
        text = _regex(spec.join.join(parts), spec.regex)
        if spec.json_path and text:
            try:
                text = _as_text(jmespath.search(spec.json_path, json.loads(text)), spec.join)
            except ValueError:
                text = ""
    if spec.unquote and text:
        text = unquote(text)
    text = _whitespace(text, spec.whitespace)
    return text or None


def extract_field(node: Node, spec: FieldSelector) -> str | None:
    """The field's value after every step; the fallbacks in turn when nothing is found; None when absent."""
    value = _apply(node, spec)
    for alternative in spec.fallback:
        if value is not None:
            break
        value = extract_field(node, alternative)
    return value


def extract_fields(node: Node, fields: Mapping[str, FieldSelector]) -> dict[str, str]:
    """All fields that have a value; missing fields are left out so coverage can be counted."""
    values = {name: extract_field(node, spec) for name, spec in fields.items()}
    return {name: value for name, value in values.items() if value is not None}


# -- listings held as JSON -------------------------------------------------------------------------------------


def json_listings(page: Selector, spec: JsonItems) -> list[dict[str, Any]]:
    """The listing objects of a page that keeps its data as JSON in scripts."""
    texts = page.css(spec.source).getall()
    if spec.unwrap:
        pieces: list[str] = []
        for text in texts:
            for match in re.finditer(spec.unwrap, text):
                try:
                    piece = json.loads(match.group(1))
                except ValueError:
                    continue
                if isinstance(piece, str):
                    pieces.append(piece)
        texts = ["".join(pieces)]
    if spec.path:
        for text in texts:
            try:
                found = jmespath.search(spec.path, json.loads(text))
            except ValueError:
                continue
            if isinstance(found, list):
                return [entry for entry in found if isinstance(entry, dict)]
        return []
    decoder = json.JSONDecoder()
    start = re.compile(r"\{\s*" + re.escape(json.dumps(spec.key)) + r"\s*:")
    listings: list[dict[str, Any]] = []
    for text in texts:
        position = 0
        while hit := start.search(text, position):
            try:
                value, end = decoder.raw_decode(text, hit.start())
            except ValueError:
                position = hit.end()
                continue
            listings.append(value)
            position = end
    return listings


# -- pages ---------------------------------------------------------------------------------------------------


def block_reason(profile: Profile, page: Selector, text: str) -> str | None:
    """The block marker the page shows, if any."""
    for marker in profile.block_markers:
        if marker in text:
            return marker
    for css in profile.block_selectors:
        if page.css(css):
            return css
    return None


def listing_id(profile: Profile, fields: Mapping[str, Any]) -> str | None:
    """The listing's id: a field of it, or the profile's pattern over its URL."""
    spec = profile.id_spec
    if spec.field and fields.get(spec.field):
        return str(fields[spec.field])
    if spec.url_pattern and fields.get("url"):
        match = re.search(spec.url_pattern, str(fields["url"]))
        if match:
            return match.group(1)
    return None


@dataclass
class ResultsPage:
    """What one result page holds, as the profile sees it."""

    listings: list[dict[str, str]] = field(default_factory=list)
    nodes: int = 0  # elements (or JSON objects) the item selector matched
    incomplete: int = 0  # matched but without a URL, title or id
    duplicates: int = 0
    blocked: str | None = None
    no_results: bool = False
    next_url: str | None = None

    @property
    def unparsed(self) -> bool:
        """A page that answered but where the profile found no listing and no 'nothing found' notice."""
        return not self.listings and not self.no_results and not self.blocked


def parse_results(profile: Profile, page: Selector, text: str, url: str) -> ResultsPage:
    """Every listing on a result page (url made absolute, listing_id set), and the next page's link."""
    result = ResultsPage()
    nodes: Iterable[Node]
    if profile.results.json_items:
        nodes = json_listings(page, profile.results.json_items)
    else:
        assert profile.results.item is not None
        nodes = select(page, profile.results.item)
    seen: set[str] = set()
    for node in nodes:
        result.nodes += 1
        fields = extract_fields(node, profile.results.fields)
        if "url" in fields:
            fields["url"] = urljoin(url, fields["url"])
        ident = listing_id(profile, fields)
        title_needed = not profile.follows_items
        if not ident or "url" not in fields or (title_needed and not fields.get("title")):
            result.incomplete += 1
            continue
        if ident in seen:
            result.duplicates += 1
            continue
        seen.add(ident)
        fields["listing_id"] = ident
        result.listings.append(fields)
    if not result.listings:
        result.blocked = block_reason(profile, page, text)
        result.no_results = any(marker in text for marker in profile.no_results_markers)
    next_spec = profile.pagination.next_link
    if result.listings and next_spec:
        next_url = extract_field(page, next_spec)
        result.next_url = urljoin(url, next_url) if next_url else None
    return result


def has_next_page(profile: Profile, page: Selector, results: ResultsPage) -> bool:
    """For page-parameter pagination: whether another page is worth asking for."""
    if not results.listings:
        return False
    spec = profile.pagination.has_next
    return spec is None or extract_field(page, spec) is not None


def parse_item(profile: Profile, page: Selector, text: str) -> tuple[dict[str, str], str | None]:
    """Fields of an item page, and the block marker when the page is a block page instead."""
    fields = extract_fields(page, profile.item_page.fields) if profile.item_page else {}
    blocked = None if fields.get("title") else block_reason(profile, page, text)
    return fields, blocked


def coverage(listings: Iterable[Mapping[str, Any]], names: Iterable[str]) -> dict[str, tuple[int, int]]:
    """For each field: (listings that have it, listings)."""
    rows = list(listings)
    return {name: (sum(1 for row in rows if row.get(name) not in (None, "")), len(rows)) for name in names}


# -- one saved page --------------------------------------------------------------------------------------------


@dataclass
class PageCheck:
    """What a profile makes of one page: for `tradewatch platforms check` and the profile tests."""

    kind: str  # results | item
    encoding: str
    listings: list[dict[str, str]]
    coverage: dict[str, tuple[int, int]]
    blocked: str | None = None
    next_url: str | None = None
    incomplete: int = 0
    duplicates: int = 0


def check_page(
    profile: Profile, body: bytes, url: str, kind: str = "auto", content_type: str | None = None
) -> PageCheck:
    """Decode a saved page as the crawler would and run the profile over it. Raises UndecodableError."""
    from crawler.encoding import decode_html

    decoded = decode_html(body, content_type=content_type, override=profile.encoding)
    page = Selector(text=decoded.text, base_url=url)
    results = parse_results(profile, page, decoded.text, url) if kind in ("auto", "results") else None
    if results is not None and (kind == "results" or results.listings or not profile.item_page):
        names = ["listing_id", *[name for name in profile.results.fields if name != "listing_id"]]
        next_url = results.next_url
        if profile.pagination.page_param and has_next_page(profile, page, results):
            next_url = next_url or "(next page by page parameter)"
        return PageCheck(
            kind="results",
            encoding=decoded.encoding,
            listings=results.listings,
            coverage=coverage(results.listings, names),
            blocked=results.blocked,
            next_url=next_url,
            incomplete=results.incomplete,
            duplicates=results.duplicates,
        )
    fields, blocked = parse_item(profile, page, decoded.text)
    listings: list[dict[str, str]] = []
    if fields:
        fields.setdefault("url", url)
        ident = listing_id(profile, fields)
        if ident:
            fields["listing_id"] = ident
        listings.append(fields)
    names = ["listing_id", "url", *(profile.item_page.fields if profile.item_page else {})]
    return PageCheck(
        kind="item",
        encoding=decoded.encoding,
        listings=listings,
        coverage=coverage(listings, dict.fromkeys(names)),
        blocked=blocked,
    )


def parse_posted(value: Any) -> datetime | None:
    """A posted time as an aware UTC datetime: ISO 8601 (also `-0500` offsets) or a Unix timestamp; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromtimestamp(float(text), UTC) if text.isdigit() else datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)

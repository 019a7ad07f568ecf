"""Apply a profile to one page: the listings on a result page, the fields of an item page, block detection.

The spider and `tradewatch platforms check` both use these functions, so a profile checked against a saved
page behaves exactly as it will in a sweep.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import jmespath
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

from crawler.css_scope import split_scope
from crawler.profiles import URL_FIELDS, FieldSelector, JsonItems, ListingFields, Profile

Node = Selector | SelectorList | Mapping[str, Any]
log = logging.getLogger(__name__)


# -- links ---------------------------------------------------------------------------------------------------

# A link that is a plain path from the site's root (`/plain/item/690787`, `/static/img/1.svg?v=2`): segments of
# unreserved characters, none of them `.` or `..` or empty, and at most a query of the same characters. Joined
# to a page's address it is the page's scheme and host followed by the link, as `urljoin` makes it.
_ROOT_PATH = re.compile(r"(?:/(?!\.\.?(?:[/?]|$))[A-Za-z0-9._~%+-]+)+/?(?:\?[A-Za-z0-9._~%+=&-]+)?")


# The `scheme://host` of an http(s) address that `urlsplit` reads as written: a lower-case scheme at its very start,
# and a host (port, user) of plain ASCII characters without brackets, ended by the path, query, fragment or the end.
_PLAIN_SITE = re.compile(r"https?://[A-Za-z0-9.:@%_~!$&'()*+,;=-]*(?=[/?#]|\Z)")


@lru_cache(maxsize=64)
def _site(page_url: str) -> str | None:
    """`scheme://host` of an http(s) page address, as `urljoin` reads them; None for any other. An item page's
    address is new to the cache every time: the commonest ones are read with one regular expression."""
    plain = _PLAIN_SITE.match(page_url)
    if plain is not None:
        return plain.group()
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def absolute(page_url: str, link: str) -> str:
    """`urljoin(page_url, link)`, without parsing both addresses again for the commonest links (a plain path)."""
    if link[:1] == "/" and _ROOT_PATH.fullmatch(link):
        site = _site(page_url)
        if site is not None:
            return site + link
    return urljoin(page_url, link)


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
        # EXSLT's regular expressions only where the query names their prefix: lxml registers them for every
        # evaluation otherwise, though a query that does not name the prefix cannot call them.
        return etree.XPath(query, namespaces=namespaces, smart_strings=False, regexp="re" in namespaces)
    except (etree.XPathError, ValueError):
        return None


# The elements a shared scope found in one node (`Scopes`: scope XPath -> them, None until first asked for), or
# _UNSCOPED when the scope's query could not be run and each field's whole query is run instead.
Scopes = dict[str, "list[Any] | None"]
_UNSCOPED: list[Any] = []


def _scope_elements(root: Any, scope: str) -> list[Any]:
    compiled = _compiled(None, scope)
    if compiled is None:
        return _UNSCOPED
    try:
        found = compiled(root)
    except etree.XPathError:
        return _UNSCOPED
    return found if isinstance(found, list) else _UNSCOPED


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a field's query needs on lxml, worked out once per selector (it runs on every listing of every page):
    the whole query compiled (None: parsel runs it), and for a CSS query whose scope can be shared
    (crawler.css_scope) that scope's XPath and the rest of the query compiled (None where lxml refuses it)."""

    compiled: etree.XPath | None
    scope: str | None
    rest: etree.XPath | None


# FieldSelector id -> (the selector, kept so that its id stays its own; its plan). A crawl has a few dozen; a
# process that reloads profiles again and again starts afresh past _MAX_PLANS.
_PLANS: dict[int, tuple[FieldSelector, _Plan]] = {}
_MAX_PLANS = 4096


def _plan(spec: FieldSelector) -> _Plan:
    """The selector's plan, kept by its identity: looked up by its strings, it cost three cached look-ups a field."""
    known = _PLANS.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    split = split_scope(spec.css) if spec.css else None
    plan = _Plan(
        _compiled(spec.css, spec.xpath),
        split[0] if split is not None else None,
        _compiled(None, split[1]) if split is not None else None,
    )
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[id(spec)] = (spec, plan)
    return plan


def _fast_root(node: Node) -> Any | None:
    """The lxml element a node's fields are queried on directly (`_fast_strings`); None when the fast path does
    not apply to the node (not an HTML element selector, extra namespaces): its fields then go through parsel."""
    if not isinstance(node, Selector) or node.type != "html":
        return None
    root = node.root
    if not hasattr(root, "xpath") or not node.namespaces.keys() <= _EXSLT.keys():
        return None
    return root


def _fast_strings(node: Node, spec: FieldSelector, scopes: Scopes | None = None, root: Any = None) -> list[str] | None:
    """`_strings(select(node, spec), spec.attr)` evaluated on lxml directly, without a parsel Selector per match;
    within the field's scope when `scopes` shares it (found once for every field of the node that starts with it).
    `root`: the node's `_fast_root`, when the caller has it already.

    None when the fast path does not apply (not an HTML element selector, extra namespaces, a query that yields
    a number or boolean); the caller then goes through parsel.
    """
    if root is None:
        root = _fast_root(node)
        if root is None:
            return None
    plan = _plan(spec)
    compiled = plan.compiled
    if compiled is None:
        return None
    context = root
    if scopes and plan.scope is not None and plan.scope in scopes:
        # the field's scope found once for the node: looked in when it found one element, nothing found when
        # it found none (nor would the whole query), the whole query run from the node otherwise
        within = scopes[plan.scope]
        if within is None:
            within = scopes[plan.scope] = _scope_elements(root, plan.scope)
        if within is not _UNSCOPED and len(within) <= 1:
            if not within:
                return []
            if plan.rest is not None:
                context, compiled = within[0], plan.rest
    try:
        found = compiled(context)
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
    """Runs of whitespace as one space, the ends trimmed (`lines`: within each line, empty lines left out).
    `str.split()` cuts at exactly the characters `\\s` matches in a text pattern (both ask Unicode's space
    property), so `" ".join(text.split())` is `re.sub(r"\\s+", " ", text).strip()` without the regex engine."""
    if mode == "keep":
        return text
    if mode == "lines":
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def _as_text(value: Any, join: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return join.join(_as_text(part, join) for part in value if part is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class FieldError(Exception):
    """A selector step failed at run time on this listing (a JMESPath type error, a regex that gave up)."""


def _regex(text: str, pattern: str | None) -> str:
    if not pattern or not text:
        return text
    try:
        match = re.search(pattern, text)
    except (re.error, RecursionError) as error:
        raise FieldError(f"regex {pattern!r}: {error}") from error
    if not match:
        return ""
    return (match.group(1) or "") if match.groups() else match.group(0)


def _json_path(path: str, data: Any) -> Any:
    try:
        return jmespath.search(path, data)
    except jmespath.exceptions.JMESPathError as error:
        raise FieldError(f"JSON path {path!r}: {error}") from error


def _apply(node: Node, spec: FieldSelector, single: bool, scopes: Scopes | None, root: Any = None) -> str | None:
    first = spec.first or (single and "join" not in spec.model_fields_set)
    # a listing held as JSON: the path, then the text steps (Selectors first: an ABC check costs more)
    if not isinstance(node, Selector | SelectorList) and isinstance(node, Mapping):
        found = _json_path(spec.json_path or "@", node)
        if first and isinstance(found, list):
            found = next((part for part in found if part not in (None, "")), None)
        text = _regex(_as_text(found, spec.join), spec.regex)
    else:
        strings = _fast_strings(node, spec, scopes, root) if root is not False else None
        if strings is None:
            strings = _strings(select(node, spec), spec.attr)
        parts = [part for part in strings if part.strip()]
        if first:
            parts = parts[:1]
        text = _regex(spec.join.join(parts), spec.regex)
        if spec.json_path and text:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
            text = _as_text(_json_path(spec.json_path, data), spec.join) if data is not None else ""
    if spec.unquote and text:
        text = unquote(text)
    text = _whitespace(text, spec.whitespace)
    return text or None


def extract_field(
    node: Node, spec: FieldSelector, *, single: bool = False, scopes: Scopes | None = None, root: Any = None
) -> str | None:
    """The field's value after every step; the fallbacks in turn when nothing is found; None when absent.

    `single`: the field holds one address (`url`, `image_url`, the next page's link), so only the first match is
    kept unless the selector gives `join` itself. `scopes`: the node's shared scopes, `root`: its `_fast_root`
    (False when it has none), both from `extract_row`. Raises FieldError when a step fails at run time.
    """
    value = _apply(node, spec, single, scopes, root)
    for alternative in spec.fallback:
        if value is not None:
            break
        value = extract_field(node, alternative, single=single, scopes=scopes, root=root)
    return value


@dataclass
class Row:
    """The fields one listing (or item page) gave, and the fields whose selector failed on it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def extract_row(node: Node, fields: ListingFields) -> Row:
    """All fields that have a value (missing fields are left out so coverage can be counted), and field errors."""
    row = Row()
    scopes: Scopes | None = dict.fromkeys(fields.shared_scopes) if fields.shared_scopes else None
    root = _fast_root(node)
    if root is None:
        root = False  # known to have none: not looked for again by each field
    for name, spec in fields.selector_items:
        try:
            value = extract_field(node, spec, single=name in URL_FIELDS, scopes=scopes, root=root)
        except FieldError as error:
            row.errors[name] = str(error)
            continue
        if value is not None:
            row.values[name] = value
    return row


def extract_fields(node: Node, fields: ListingFields) -> dict[str, str]:
    """All fields that have a value; a field whose selector fails on this node is left out like a missing one."""
    return extract_row(node, fields).values


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
            except (ValueError, jmespath.exceptions.JMESPathError):
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

# Text a reader sees: never the page's own scripts, styles or templates (a JS page's script holds the words of
# every page it can draw, its block page's included). What <noscript> says is seen only without a browser.
_VISIBLE = "//text()[not(ancestor::script or ancestor::style or ancestor::template{extra})]"
_VISIBLE_STATIC = etree.XPath(_VISIBLE.format(extra=""), smart_strings=False)
_VISIBLE_RENDERED = etree.XPath(_VISIBLE.format(extra=" or ancestor::noscript"), smart_strings=False)


def visible_text(page: Selector, *, rendered: bool = False) -> str:
    """The page's text as a reader sees it, without script, style and template bodies.

    `rendered`: the page is a browser's DOM (scripts ran), so <noscript> text is not shown either.
    """
    root = page.root
    if not hasattr(root, "xpath"):
        return ""
    return " ".join((_VISIBLE_RENDERED if rendered else _VISIBLE_STATIC)(root))


def block_reason(profile: Profile, page: Selector, *, rendered: bool = False) -> str | None:
    """The block marker the page shows to a reader (never one inside a script), if any."""
    if profile.block_markers:
        text = visible_text(page, rendered=rendered)
        for marker in profile.block_markers:
            if marker in text:
                return marker
    for css in profile.block_selectors:
        if page.css(css):
            return css
    return None


def shows_no_results(profile: Profile, page: Selector, *, rendered: bool = False) -> bool:
    """Whether the page says, by a marker in its visible text or a selector, that the search found nothing."""
    if any(page.css(css) for css in profile.no_results_selectors):
        return True
    if not profile.no_results_markers:
        return False
    text = visible_text(page, rendered=rendered)
    return any(marker in text for marker in profile.no_results_markers)


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


# Why a matched listing is not kept; the spider counts each as `tradewatch/results/rejected/<reason>`.
MISSING, FIELD_ERROR, DUPLICATE = "missing", "field_error", "duplicate"


@dataclass
class Rejection:
    """A listing the item selector matched but the profile could not keep, and the field that failed."""

    reason: str  # missing | field_error | duplicate
    field: str
    fields: dict[str, str]
    detail: str = ""


@dataclass
class ResultsPage:
    """What one result page holds, as the profile sees it."""

    listings: list[dict[str, str]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)  # every matched listing's fields, kept or not
    rejected: list[Rejection] = field(default_factory=list)
    field_errors: Counter[str] = field(default_factory=Counter)  # field -> listings its selector failed on
    error_details: dict[str, str] = field(default_factory=dict)  # field -> the first failure, for the profile's author
    blocked: str | None = None
    no_results: bool = False
    next_url: str | None = None

    @property
    def nodes(self) -> int:
        """Elements (or JSON objects) the item selector matched."""
        return len(self.rows)

    def rejects(self) -> Counter[tuple[str, str]]:
        """(reason, field) -> listings rejected for it."""
        return Counter((rejection.reason, rejection.field) for rejection in self.rejected)

    @property
    def unparsed(self) -> bool:
        """A page that answered but where the profile found no listing and no 'nothing found' notice."""
        return not self.listings and not self.no_results and not self.blocked


def _missing(profile: Profile, fields: Mapping[str, str], ident: str | None) -> str | None:
    """The first field a listing needs but lacks: url, title (unless item pages give it), the id."""
    if "url" not in fields:
        return "url"
    if not profile.follows_items and not fields.get("title"):
        return "title"
    if not ident:
        return profile.id_spec.field or "listing_id"
    return None


def parse_results(profile: Profile, page: Selector, url: str, *, rendered: bool = False) -> ResultsPage:
    """Every listing on a result page (url made absolute, listing_id set), the rejected ones, the next page."""
    result = ResultsPage()
    nodes: Iterable[Node]
    if profile.results.json_items:
        nodes = json_listings(page, profile.results.json_items)
    else:
        assert profile.results.item is not None
        nodes = select(page, profile.results.item)
    seen: set[str] = set()
    for node in nodes:
        row = extract_row(node, profile.results.fields)
        fields = row.values
        result.rows.append(fields)
        result.field_errors.update(row.errors.keys())
        for name, detail in row.errors.items():
            result.error_details.setdefault(name, detail)
        if "url" in fields:
            fields["url"] = absolute(url, fields["url"])
        if "image_url" in fields:
            fields["image_url"] = absolute(url, fields["image_url"])
        ident = listing_id(profile, fields)
        lacking = _missing(profile, fields, ident)
        if lacking:
            failed = lacking in row.errors
            reason, detail = (FIELD_ERROR, row.errors[lacking]) if failed else (MISSING, "")
            result.rejected.append(Rejection(reason, lacking, dict(fields), detail))
            continue
        assert ident is not None
        if ident in seen:
            result.rejected.append(Rejection(DUPLICATE, "listing_id", dict(fields)))
            continue
        seen.add(ident)
        fields["listing_id"] = ident
        result.listings.append(fields)
    if not result.listings:
        result.blocked = block_reason(profile, page, rendered=rendered)
        result.no_results = shows_no_results(profile, page, rendered=rendered)
    next_spec = profile.pagination.next_link
    if result.listings and next_spec:
        try:
            next_url = extract_field(page, next_spec, single=True)
        except FieldError as error:
            result.field_errors["next_link"] += 1
            log.warning("next page link: %s", error)
            next_url = None
        result.next_url = urljoin(url, next_url) if next_url else None
    return result


def has_next_page(profile: Profile, page: Selector, results: ResultsPage) -> bool:
    """For page-parameter pagination: whether another page is worth asking for."""
    if not results.listings:
        return False
    spec = profile.pagination.has_next
    try:
        return spec is None or extract_field(page, spec) is not None
    except FieldError:
        return False


@dataclass
class ItemPage:
    """The fields of an item page, the fields whose selector failed, and the block marker of a block page."""

    fields: dict[str, str]
    errors: dict[str, str]
    blocked: str | None


def parse_item(profile: Profile, page: Selector, url: str, *, rendered: bool = False) -> ItemPage:
    """Fields of an item page (links made absolute), and the block marker when the page is a block page instead."""
    row = extract_row(page, profile.item_page.fields) if profile.item_page else Row()
    for name in URL_FIELDS & row.values.keys():
        row.values[name] = absolute(url, row.values[name])
    blocked = None if row.values.get("title") else block_reason(profile, page, rendered=rendered)
    return ItemPage(row.values, row.errors, blocked)


def coverage(listings: Iterable[Mapping[str, Any]], names: Iterable[str]) -> dict[str, tuple[int, int]]:
    """For each field: (listings that have it, listings)."""
    rows = list(listings)
    return {name: (sum(1 for row in rows if row.get(name) not in (None, "")), len(rows)) for name in names}

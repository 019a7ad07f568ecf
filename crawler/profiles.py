"""Platform profiles: everything the generic listing spider needs to know about one marketplace.

A bureau adds a platform by writing a YAML file, never Python. Profiles ship in `crawler/platforms/`, and are
also read from `TRADEWATCH_HOME/platforms/` or a file given with `--profile`. Every profile is validated
before any request is sent; an error names the file, the field and what is wrong.

The shape of a profile (see `crawler/platforms/demo.yaml` for a complete one)::

    name: shop                      # lower-case id used on the command line and in the lead store
    display_name: "某某商城 / Some shop"
    base_url: https://www.shop.example
    allowed_domains: [shop.example]
    encoding: gbk                   # optional: override what the pages declare
    search:
      url: "{base_url}/search?q={keyword}&page={page}"    # or `form:` with action, method, keyword field
      keyword_encoding: utf-8
    results:
      item: {css: "li.listing"}     # one element per listing (or `json_items:` for listings held as JSON)
      fields:                       # per-field selectors, relative to the item
        title: {css: "a.title::text"}
        url: {css: "a.title::attr(href)"}
        price: {css: "span.price ::text", join: "", regex: "([\\d.,]+)"}
    pagination: {next_link: {css: "a.next::attr(href)"}, max_pages: 5}
    listing_id: {url_pattern: "/item/(\\d+)"}            # or {field: listing_id}
    item_page: {follow: true, fields: {description: {css: "div.desc ::text", join: "\\n", whitespace: lines}}}
    render: {mode: js, wait_for: "li.listing, .no-results"}
    politeness: {download_delay: 1.0, concurrency_per_domain: 2, obey_robots: true}
    block_markers: ["安全验证", "请不要禁用JS"]
    allow_private_hosts: []         # loopback/private hosts this platform may reach (the demo: 127.0.0.1)
    health: {min_coverage: 0.9, fields: [title, url, price]}
    feeds:                          # listings reached without the search box: categories, newest, sitemaps
      - {name: newest, url: "{base_url}/newest?page={page}", newest_first: true}
      - {name: all-items, url: "{base_url}/sitemap.xml", kind: sitemap, item_pattern: "/item/(\\d+)"}
    rules_pages:                    # agreements and rules watched by `tradewatch rules sweep`
      - {name: 用户协议, url: "{base_url}/rules/agreement", main: {css: "article.agreement"}}
"""

from __future__ import annotations

import difflib
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jmespath
import yaml
from lxml import etree
from parsel.csstranslator import HTMLTranslator
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.config import get_settings
from core.errors import InputFileError, TradewatchError, describe_validation_error
from core.workdays import BUREAU_TIMEZONE
from crawler import css_scope
from crawler.stored_values import iso_currency_codes

PACKAGED_PROFILES = Path(__file__).with_name("platforms")
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,47}$"
_CSS = HTMLTranslator()


def check_css(css: str) -> str:
    """The selector if it parses (parsel's `::text` and `::attr(x)` included), else ValueError."""
    try:
        _CSS.css_to_xpath(css)
    except Exception as error:  # cssselect raises several parse error types
        raise ValueError(f"bad CSS selector {css!r}: {error}") from error
    return css


def check_xpath(xpath: str) -> str:
    try:
        etree.XPath(xpath)
    except etree.XPathSyntaxError as error:
        raise ValueError(f"bad XPath {xpath!r}: {error}") from error
    return xpath


def check_url_template(value: str) -> str:
    """The template if, with {base_url} and {page} filled in, it is an http(s) URL; else ValueError."""
    resolved = value.replace("{base_url}", "http://base.example").replace("{page}", "1")
    if urlsplit(resolved).scheme not in ("http", "https") or not urlsplit(resolved).hostname:
        raise ValueError("url must be an http(s) URL or start with {base_url}")
    return value


def check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"bad regex {pattern!r}: {error}") from error
    return pattern


class _Strict(BaseModel):
    """Every profile model refuses keys it does not define, naming the closest known key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = [name for name, info in cls.model_fields.items() if not info.exclude]
            for key in data:
                if isinstance(key, str) and key not in cls.model_fields:
                    raise ValueError(unknown_key_message(key, known))
        return data


def unknown_key_message(key: str, known: list[str]) -> str:
    """`unknown field 'locaton' (did you mean 'location'?; known: ...)`."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?; " if close else ""
    return f"unknown field {key!r} ({hint}known: {', '.join(known)})"


class FieldSelector(_Strict):
    """Where one field is on a page, and the small steps that turn what is found into its value.

    Steps, in this order: select (css or xpath; an element gives its text) -> attribute -> first -> join -> regex ->
    JSON path (parse the text as JSON and take a value) -> whitespace -> url-unquote. When nothing is found the
    `fallback` selectors are tried in turn. On listings held as JSON only `json_path` is used, relative to the listing.
    """

    css: str | None = Field(default=None, description="CSS selector (parsel: `::text`, `::attr(name)`).")
    xpath: str | None = Field(default=None, description="XPath selector.")
    attr: str | None = Field(default=None, description="Take this attribute of each selected element.")
    first: bool = Field(default=False, description="Keep only the first match.")
    join: str = Field(default=" ", description="How several matched strings are joined.")
    regex: str | None = Field(default=None, description="Keep the first group (or the whole match) of this regex.")
    json_path: str | None = Field(
        default=None, description="JMESPath into the JSON text found (or into a JSON listing)."
    )
    whitespace: Literal["collapse", "lines", "keep"] = Field(
        default="collapse", description="collapse: one line; lines: keep line breaks, trim each; keep: as found."
    )
    unquote: bool = Field(default=False, description="Percent-decode the value (names kept URL-encoded in pages).")
    fallback: list[FieldSelector] = Field(default_factory=list, description="Tried in order when nothing is found.")

    @field_validator("css")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        return check_css(value) if value is not None else None

    @field_validator("xpath")
    @classmethod
    def _xpath(cls, value: str | None) -> str | None:
        return check_xpath(value) if value is not None else None

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return check_regex(value) if value is not None else None

    @field_validator("json_path")
    @classmethod
    def _json(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                jmespath.compile(value)
            except jmespath.exceptions.JMESPathError as error:
                raise ValueError(f"bad JSON path {value!r}: {error}") from error
        return value

    @model_validator(mode="after")
    def _one_selector(self) -> FieldSelector:
        if self.css and self.xpath:
            raise ValueError("give css or xpath, not both")
        if not (self.css or self.xpath or self.json_path):
            raise ValueError("give a css or xpath selector (or a json_path)")
        return self


_FIELD = "Selector of the listing's "


class ListingFields(_Strict):
    """The listing fields the store understands, each a selector. Others go under `extra` and are kept as they are.

    `url` and `image_url` keep the first match unless `join` is given; a price keeps its currency sign or code
    (`currency:` of the profile is used when it shows none); a posted time may be absolute, relative (`3天前`),
    Chinese or Russian, or Unix seconds or milliseconds, read in the profile's `timezone`.
    """

    listing_id: FieldSelector | None = Field(default=None, description=_FIELD + "id on the platform.")
    title: FieldSelector | None = Field(default=None, description=_FIELD + "title.")
    url: FieldSelector | None = Field(default=None, description=_FIELD + "link (made absolute).")
    price: FieldSelector | None = Field(default=None, description=_FIELD + "price, with its sign or code.")
    currency: FieldSelector | None = Field(
        default=None, description=_FIELD + "currency, when the page shows it apart from the price."
    )
    seller: FieldSelector | None = Field(default=None, description=_FIELD + "seller (shop) name.")
    seller_id: FieldSelector | None = Field(default=None, description=_FIELD + "seller id on the platform.")
    location: FieldSelector | None = Field(default=None, description=_FIELD + "location (city, province).")
    posted_at: FieldSelector | None = Field(default=None, description=_FIELD + "time it was posted.")
    description: FieldSelector | None = Field(default=None, description=_FIELD + "description text.")
    image_url: FieldSelector | None = Field(default=None, description=_FIELD + "main picture (made absolute).")
    images: FieldSelector | None = Field(
        default=None,
        description="Selector of the listing's photos, every match (addresses made absolute): downloaded, hashed "
        "and read for text (OCR) unless the profile says `ocr: off`.",
    )
    extra: dict[str, FieldSelector] = Field(
        default_factory=dict, description="Other fields, kept with the listing under these names (not scored)."
    )

    @model_validator(mode="after")
    def _extra_names(self) -> ListingFields:
        clash = sorted(set(self.extra) & (set(type(self).model_fields) - {"extra"}))
        if clash:
            raise ValueError(f"extra: {', '.join(clash)} is a listing field; give it outside extra")
        return self

    def selectors(self) -> dict[str, FieldSelector]:
        """Every field with a selector, by name: the understood ones in order, then the extra ones."""
        return dict(self.selector_items)

    @cached_property
    def selector_items(self) -> tuple[tuple[str, FieldSelector], ...]:
        """`selectors()` as pairs, worked out once: extraction reads them for every listing of every page."""
        known = {name: getattr(self, name) for name in type(self).model_fields if name != "extra"}
        return tuple({**{name: spec for name, spec in known.items() if spec is not None}, **self.extra}.items())

    @cached_property
    def shared_scopes(self) -> frozenset[str]:
        """The CSS scopes (as XPath: `div.item` of `div.item h1.title::text`) that two or more of these selectors
        start with: extraction finds each once per page or listing and looks for those fields within it."""
        return css_scope.shared_scopes([spec.css for _, spec in self.selector_items if spec.css])


URL_FIELDS = frozenset({"url", "image_url"})  # one address each: the first match unless `join` is given


class JsonItems(_Strict):
    """Listings held as JSON inside the page (framework state in scripts) rather than as markup."""

    source: str = Field(default="script::text", description="CSS selecting the texts that hold the JSON.")
    unwrap: str | None = Field(
        default=None,
        description="Regex whose group 1 is a quoted JavaScript string holding JSON text (Next.js flight data); "
        "the decoded strings are joined before the listings are looked for.",
    )
    key: str | None = Field(default=None, description="Every JSON object whose first key is this is a listing.")
    path: str | None = Field(default=None, description="Or: JMESPath to the listing array in one JSON document.")

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return check_css(value)

    @field_validator("unwrap")
    @classmethod
    def _unwrap(cls, value: str | None) -> str | None:
        if value is not None and re.compile(check_regex(value)).groups < 1:
            raise ValueError("unwrap regex needs a group holding the quoted string")
        return value

    @model_validator(mode="after")
    def _key_or_path(self) -> JsonItems:
        if bool(self.key) == bool(self.path):
            raise ValueError("give exactly one of key or path")
        if self.path:
            FieldSelector(json_path=self.path)
        return self


class SearchForm(_Strict):
    """A search that is a form submission rather than a URL template."""

    action: str = Field(description="Form URL; may use {base_url}.")
    method: Literal["GET", "POST"] = Field(default="GET", description="HTTP method of the form.")
    keyword_field: str = Field(description="Name of the form field that takes the keyword.")
    page_field: str | None = Field(default=None, description="Name of the form field that takes the page number.")
    fields: dict[str, str] = Field(default_factory=dict, description="Other form fields sent as they are.")


class SearchSpec(_Strict):
    """How a keyword search is asked for: a URL template or a form."""

    url: str | None = Field(default=None, description="Template with {base_url}, {keyword} and {page}.")
    form: SearchForm | None = Field(default=None, description="Or: a form to submit.")
    keyword_encoding: str = Field(default="utf-8", description="Encoding of the keyword in the query.")
    variants: list[Literal["traditional", "pinyin", "code_words"]] = Field(
        default_factory=list,
        description="Variants of each watchlist term this search does not fold and so must be typed separately: "
        "traditional forms, pinyin, the watchlists' code words.",
    )

    @field_validator("url")
    @classmethod
    def _has_keyword(cls, value: str | None) -> str | None:
        if value is not None and "{keyword}" not in value:
            raise ValueError("search url must contain {keyword}")
        return value

    @field_validator("keyword_encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError as error:
            raise ValueError(f"unknown encoding {value!r}") from error
        return value

    @model_validator(mode="after")
    def _url_or_form(self) -> SearchSpec:
        if bool(self.url) == bool(self.form):
            raise ValueError("give a search url template (or a search form), exactly one")
        return self


class ResultsSpec(_Strict):
    """A result page: what one listing is (an element or a JSON object) and where its fields are."""

    item: FieldSelector | None = Field(default=None, description="Selects one element per listing on a result page.")
    json_items: JsonItems | None = Field(default=None, description="Or: listings held as JSON in the page.")
    fields: ListingFields = Field(description="Where each field is, relative to one listing.")

    @model_validator(mode="after")
    def _item_source(self) -> ResultsSpec:
        if bool(self.item) == bool(self.json_items):
            raise ValueError("give exactly one of item (a selector) or json_items")
        if self.fields.url is None:
            raise ValueError("fields must include url (the listing's link)")
        return self


class PaginationSpec(_Strict):
    """Further result pages: a next link, or the search template's {page} (a page number or an offset)."""

    next_link: FieldSelector | None = Field(default=None, description="Selector of the next page's link.")
    page_param: bool = Field(default=False, description="Build next pages from the search template's {page}.")
    has_next: FieldSelector | None = Field(default=None, description="With page_param: go on only while it matches.")
    first_page: int = Field(default=1, ge=0, description="{page} of the first result page (0 for offsets).")
    page_step: int = Field(default=1, ge=1, description="{page} grows by this (offset parameters such as s=44).")
    max_pages: int = Field(default=5, ge=1, le=1000, description="Result pages read per keyword at most.")

    @model_validator(mode="after")
    def _one_way(self) -> PaginationSpec:
        if self.next_link and self.page_param:
            raise ValueError("give next_link or page_param, not both")
        return self


class FeedSpec(_Strict):
    """Listings reached without the search box: a category page, a "newest listings" page, a seller's shop, or
    a sitemap. Every listing a feed holds is scored; its item pages are followed as for a search."""

    name: str = Field(pattern=NAME_PATTERN, description="Name used with `tradewatch sweep --feed NAME`.")
    url: str = Field(description="First page; may use {base_url} and {page} (numbered as pagination says).")
    kind: Literal["pages", "sitemap"] = Field(
        default="pages", description="pages: result pages like a search's; sitemap: an XML sitemap (or index)."
    )
    newest_first: bool = Field(
        default=False,
        description="The feed lists the newest listings first: paging stops at a page whose listings are all "
        "stored already and unchanged (a sitemap skips stored listings).",
    )
    results: ResultsSpec | None = Field(default=None, description="Default: the profile's results.")
    pagination: PaginationSpec | None = Field(default=None, description="Default: the profile's pagination.")
    item_pattern: str | None = Field(
        default=None, description="Sitemaps: regex over the URLs listed; those matching are item pages, group 1 the id."
    )

    @field_validator("item_pattern")
    @classmethod
    def _group(cls, value: str | None) -> str | None:
        if value is not None and re.compile(check_regex(value)).groups < 1:
            raise ValueError("item_pattern needs a group around the listing id, e.g. /item/(\\d+)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url_template(value)

    @model_validator(mode="after")
    def _sitemap_items(self) -> FeedSpec:
        if self.kind == "sitemap" and not self.item_pattern:
            raise ValueError("a sitemap feed needs item_pattern (which of its URLs are item pages)")
        return self

    def page_url(self, base_url: str, page: int) -> str:
        return self.url.replace("{base_url}", base_url).replace("{page}", str(page))


class ItemPageSpec(_Strict):
    """Each listing's own page, read after the result page; its fields win over the result page's."""

    follow: bool = Field(default=True, description="Visit each listing's page.")
    fields: ListingFields = Field(default_factory=ListingFields, description="Fields read on the item page.")


class ListingIdSpec(_Strict):
    """How a listing is recognised across sweeps: a field of the listing or a pattern over its URL."""

    field: str | None = Field(default=None, description="Name of the field that holds the id.")
    url_pattern: str | None = Field(default=None, description="Regex over the listing URL; group 1 is the id.")

    @field_validator("url_pattern")
    @classmethod
    def _group(cls, value: str | None) -> str | None:
        if value is not None and re.compile(check_regex(value)).groups < 1:
            raise ValueError("url_pattern needs a group around the id, e.g. /item/(\\d+)")
        return value

    @model_validator(mode="after")
    def _one(self) -> ListingIdSpec:
        if not (self.field or self.url_pattern):
            raise ValueError("give field or url_pattern")
        return self


_DEFAULT_ID_SPEC = ListingIdSpec(field="listing_id")


class RenderSpec(_Strict):
    """Whether pages are read as served or rendered in Chromium, and what to wait for."""

    mode: Literal["static", "js"] = Field(
        default="static", description="static: the HTML as served; js: rendered in Chromium first."
    )
    wait_for: str | None = Field(default=None, description="CSS selector to wait for before reading the page.")
    wait_timeout_ms: int = Field(default=15_000, ge=100, le=120_000, description="How long to wait for wait_for.")

    @field_validator("wait_for")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        return check_css(value) if value is not None else None


class Politeness(_Strict):
    """How gently the marketplace is crawled."""

    download_delay: float = Field(default=0.0, ge=0, description="Seconds between requests to the site.")
    concurrency_per_domain: int = Field(default=8, ge=1, le=64, description="Requests to the site at once.")
    obey_robots: bool = Field(default=True, description="Follow the site's robots.txt.")


class HealthSpec(_Strict):
    """What a healthy run of this platform looks like."""

    min_coverage: float = Field(default=0.8, ge=0, le=1, description="Least share of listings with each field.")
    fields: list[str] = Field(default_factory=lambda: ["title", "url", "price"], description="Fields watched.")


class RulesPageSpec(_Strict):
    """One page of the platform's rules to watch (`tradewatch rules sweep`): an agreement, rules, a policy."""

    name: str = Field(min_length=1, max_length=64, description="What the page is: 用户协议, 平台规则, 隐私政策 ...")
    url: str = Field(description="The page; may use {base_url}.")
    main: FieldSelector = Field(description="Selects the element(s) holding the page's main text.")
    render: Literal["static", "js"] | None = Field(default=None, description="Default: the profile's render mode.")

    @field_validator("name")
    @classmethod
    def _printable(cls, value: str) -> str:
        if not value.isprintable() or value != value.strip() or "/" in value:
            raise ValueError("a page name is printable text without slashes or surrounding spaces")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url_template(value)

    def resolved_url(self, base_url: str) -> str:
        return self.url.replace("{base_url}", base_url)


class Profile(_Strict):
    """One marketplace."""

    name: str = Field(pattern=NAME_PATTERN, description="Lower-case id used on the command line and in the store.")
    display_name: str = Field(description="Name shown to officers, Chinese and English (`某某商城 / Some shop`).")
    base_url: str = Field(description="The marketplace's address (http or https); {base_url} in templates.")
    allowed_domains: list[str] = Field(
        default_factory=list, description="Hosts the crawl may follow links to (default: the base_url's host)."
    )
    encoding: str | None = Field(default=None, description="Override the page encoding.")
    currency: str | None = Field(
        default=None,
        description="ISO 4217 code (EUR, RUB, TWD) of prices shown without a sign or code, and of signs several "
        "currencies share ($, kr); without it such a price is stored without a currency.",
    )
    timezone: str = Field(
        default=BUREAU_TIMEZONE,
        description="IANA time zone of times the pages show without an offset (Europe/Moscow); stored as UTC.",
    )
    search: SearchSpec = Field(description="How to ask the marketplace for a keyword.")
    results: ResultsSpec = Field(description="Where the listings and their fields are on a result page.")
    pagination: PaginationSpec = Field(default_factory=PaginationSpec, description="How to reach further pages.")
    item_page: ItemPageSpec | None = Field(default=None, description="Read each listing's own page too.")
    listing_id: ListingIdSpec | None = Field(default=None, description="Default: the field listing_id.")
    render: RenderSpec = Field(default_factory=RenderSpec, description="Static HTML or rendered in Chromium.")
    politeness: Politeness = Field(default_factory=Politeness, description="How gently the site is crawled.")
    block_markers: list[str] = Field(default_factory=list, description="Text that only a block page contains.")
    block_selectors: list[str] = Field(default_factory=list, description="CSS that only matches on a block page.")
    no_results_markers: list[str] = Field(
        default_factory=list, description="Text of the page that says a search found nothing (not a broken layout)."
    )
    no_results_selectors: list[str] = Field(
        default_factory=list, description="CSS that only matches on a page saying a search found nothing."
    )
    health: HealthSpec = Field(default_factory=HealthSpec, description="What a healthy run looks like.")
    allow_private_hosts: list[str] = Field(
        default_factory=list,
        description="Loopback or private hosts (names or addresses) this platform may reach; every other private, "
        "loopback, link-local or metadata address is refused (crawler/destinations.py).",
    )
    rules_pages: list[RulesPageSpec] = Field(
        default_factory=list, description="Agreements, rules and policies watched for changes and unfair clauses."
    )
    ocr: bool = Field(
        default=True,
        description="Read the text in listing photos (`images:` selectors); `off` still downloads and hashes them.",
    )
    feeds: list[FeedSpec] = Field(
        default_factory=list, description="Category pages, newest listings, shops or sitemaps swept besides search."
    )
    budget: int | None = Field(
        default=None, ge=1, description="Requests one sweep may send to this platform at most (`--budget` overrides)."
    )
    source: str | None = Field(default=None, exclude=True)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname:
            raise ValueError("base_url must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            SearchSpec._known_encoding(value)
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str | None) -> str | None:
        if value is not None and value not in iso_currency_codes():
            raise ValueError(f"{value!r} is not an ISO 4217 currency code (CNY, EUR, RUB, USD, ...)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r} (IANA names such as {BUREAU_TIMEZONE})") from error
        return value

    @field_validator("block_selectors", "no_results_selectors")
    @classmethod
    def _block_css(cls, value: list[str]) -> list[str]:
        return [check_css(css) for css in value]

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        item_fields = set(self.item_page.fields.selectors()) if self.follows_items and self.item_page else set()
        if "title" not in self.results.fields.selectors() and "title" not in item_fields:
            raise ValueError("results.fields (or item_page.fields) must include title")
        id_spec = self.listing_id or ListingIdSpec(field="listing_id")
        if id_spec.field and id_spec.field not in self.results.fields.selectors():
            raise ValueError(
                f"listing_id: no field {id_spec.field!r} in results.fields; "
                "add it or give listing_id: {url_pattern: ...}"
            )
        pages_in_url = bool(self.search.url and "{page}" in self.search.url)
        pages_in_form = bool(self.search.form and self.search.form.page_field)
        if self.pagination.page_param and not (pages_in_url or pages_in_form):
            raise ValueError("pagination.page_param needs {page} in search.url or a form page_field")
        if self.render.mode == "js" and self.search.form and self.search.form.method == "POST":
            raise ValueError("render: js cannot submit a POST search form; use a search url")
        names = [page.name for page in self.rules_pages]
        if len(names) != len(set(names)):
            raise ValueError("rules_pages: every page needs a name of its own")
        feeds = [feed.name for feed in self.feeds]
        if len(feeds) != len(set(feeds)):
            raise ValueError("feeds: every feed needs a name of its own")
        for feed in self.feeds:
            paging = feed.pagination or self.pagination
            if paging.page_param and "{page}" not in feed.url:
                raise ValueError(f"feeds: {feed.name}: page_param pagination needs {{page}} in its url")
        return self

    def feed(self, name: str) -> FeedSpec:
        """The feed called `name`; ValueError naming the known ones if there is none."""
        for feed in self.feeds:
            if feed.name == name:
                return feed
        known = ", ".join(feed.name for feed in self.feeds) or "none"
        raise ValueError(f"platform {self.name} has no feed {name!r} (known: {known})")

    def for_feed(self, feed: FeedSpec) -> Profile:
        """This profile reading a feed's pages: the feed's results and pagination where it gives them."""
        return self.model_copy(
            update={"results": feed.results or self.results, "pagination": feed.pagination or self.pagination}
        )

    def with_base_url(self, base_url: str) -> Profile:
        """The same profile pointed at another host (the demo marketplace on a test port).

        `allow_private_hosts` is kept as it is: pointing a profile at a private host does not allow that host.
        """
        host = urlsplit(base_url).hostname or ""
        return self.model_copy(update={"base_url": base_url.rstrip("/"), "allowed_domains": [host]})

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains or [urlsplit(self.base_url).hostname or ""]

    @property
    def id_spec(self) -> ListingIdSpec:
        return self.listing_id or _DEFAULT_ID_SPEC

    @property
    def follows_items(self) -> bool:
        return bool(self.item_page and self.item_page.follow)

    @property
    def shows_photos(self) -> bool:
        """Whether any of its pages names listing photos (`images:`): a sweep of it needs the OCR pool."""
        fields = [self.results.fields, *(feed.results.fields for feed in self.feeds if feed.results)]
        if self.follows_items and self.item_page:
            fields.append(self.item_page.fields)
        return any(spec.images is not None for spec in fields)

    def all_fields(self) -> list[str]:
        """Every field the profile extracts, result page first, without the id field."""
        names = list(self.results.fields.selectors())
        if self.follows_items and self.item_page:
            names += [name for name in self.item_page.fields.selectors() if name not in names]
        return [name for name in names if name != self.id_spec.field]


def validate_profile_data(data: Any, path: Path | str) -> Profile:
    """Validate a profile already read from YAML; errors name the file, the field and the reason."""
    if not isinstance(data, dict):
        raise InputFileError(path, "a profile must be a mapping of fields")
    try:
        return Profile.model_validate({**data, "source": str(path)})
    except ValidationError as error:
        raise InputFileError(path, describe_validation_error(error, whole="(profile)")) from error


# libyaml's parser under the safe loader's constructors, where PyYAML was built with it: a profile read in about
# 0.8 ms instead of 8 (the demo's), by every crawl process and by the command that starts it.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_profile_file(path: Path) -> Profile:
    """Read and validate one profile file."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as error:
        raise InputFileError(path, f"cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputFileError(path, "not UTF-8 text") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputFileError(path, "not valid YAML", mark.line + 1 if mark else None) from error
    return validate_profile_data(data, path)


def profile_dirs() -> list[Path]:
    """Where profiles are looked up, the bureau's own folder first so it can override a shipped one."""
    return [get_settings().resolved_home / "platforms", PACKAGED_PROFILES]


def available_profiles() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in reversed(profile_dirs()):
        if folder.is_dir():
            for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
                if re.match(NAME_PATTERN, path.stem):
                    found[path.stem] = path
    return dict(sorted(found.items()))


def spider_profile(platform: str | Profile | None, base_url: str | None = None) -> Profile:
    """The profile a spider was given (a Profile, or an installed profile's name; default demo), pointed at
    `base_url` when one is given."""
    profile = platform if isinstance(platform, Profile) else load_profile(platform or "demo")
    return profile.with_base_url(base_url) if base_url else profile


def load_profile(name: str) -> Profile:
    """The profile called `name`, from the bureau's folder or the shipped ones."""
    profiles = available_profiles()
    if name not in profiles:
        known = ", ".join(profiles) or "none"
        raise TradewatchError(f"未知平台 / unknown platform {name!r} (known: {known})")
    return load_profile_file(profiles[name])


def check_platforms(names: list[str]) -> list[str]:
    """The names without repeats, if each is an installed and valid platform profile; else ValueError (an
    unknown name) or TradewatchError (a profile that does not load)."""
    known = available_profiles()
    for name in names:
        if name not in known:
            raise ValueError(f"unknown platform {name!r} (known: {', '.join(known) or 'none'})")
        load_profile(name)
    return list(dict.fromkeys(names))

"""The rules-page spider: fetches the agreements, rules and policies a platform profile lists under
`rules_pages` and yields one RulesPageItem per page, with the page's main text and the page as fetched.

A page that does not load, answers with an error, shows a block page, or whose `main` selector matches nothing
is yielded with its `problem` set, so the sweep can report it; the pipelines store nothing for it. Pages of a
profile with `render: js` (or a page with its own `render: js`) are rendered in Chromium and read once the
main text is there. Run it with `tradewatch rules sweep --platform NAME`.

Stats: `tradewatch/rules/pages|read|problems`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.encoding import content_type_text
from crawler.extract import block_reason, select
from crawler.items import PageCapture, RulesPageItem
from crawler.profiles import Profile, RulesPageSpec, spider_profile

# Elements that end a line of the page's text: paragraphs, list items, headings, table rows, breaks.
_BLOCKS = frozenset(
    {"p", "li", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "br", "blockquote"}
)


def main_text(response: TextResponse, page: RulesPageSpec) -> str:
    """The text of the elements `page.main` selects, one line per paragraph-like element."""
    lines: list[str] = []
    for found in select(response.selector, page.main):
        root = found.root
        if not isinstance(root, etree._Element):
            lines.append(str(root))
            continue
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
                element.tail = "\n" + (element.tail or "")
                element.text = "\n" + (element.text or "")
        lines.append(root.xpath("string()"))
    return "\n".join(line.strip() for line in "\n".join(lines).splitlines() if line.strip())


class RulesSpider(scrapy.Spider):
    """Arguments: platform (name or Profile), pages (names to fetch; default all), base_url."""

    name = "rules"
    # typed as Scrapy declares it (it reads it from the class); a constant, never changed
    custom_settings: dict[str, Any] | None = {  # noqa: RUF012
        "ITEM_PIPELINES": {"pipelines.rules_page.StoreRulesPagePipeline": 100},
        "EXTENSIONS": {"crawler.run_record.RunRecorder": None},
        "RETRY_TIMES": 1,
    }

    def __init__(
        self,
        platform: str | Profile | None = None,
        pages: list[str] | None = None,
        base_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.profile = profile = spider_profile(platform, base_url)
        wanted = set(pages or [])
        self.pages = [page for page in profile.rules_pages if not wanted or page.name in wanted]
        self.allowed_domains = profile.domains

    def count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tradewatch/rules/{key}")

    def _meta(self, page: RulesPageSpec) -> dict[str, Any]:
        meta: dict[str, Any] = {"rules_page": page.name}
        if self.profile.encoding:
            meta["encoding_override"] = self.profile.encoding
        if not self._is_js(page):
            return meta
        from scrapy_playwright.page import PageMethod

        meta.update({"playwright": True, "playwright_context": "tradewatch"})
        meta["playwright_page_goto_kwargs"] = {"wait_until": "domcontentloaded"}
        if page.main.css and "::" not in page.main.css:
            timeout = self.profile.render.wait_timeout_ms
            meta["playwright_page_methods"] = [PageMethod("wait_for_selector", page.main.css, timeout=timeout)]
        return meta

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for page in self.pages:
            self.count("pages")
            url = page.resolved_url(self.profile.base_url)
            yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error, meta=self._meta(page))

    def _page(self, name: str) -> RulesPageSpec:
        return next(page for page in self.pages if page.name == name)

    def parse_page(self, response: Response, **_: Any) -> Iterator[RulesPageItem]:
        page = self._page(response.meta["rules_page"])
        item = RulesPageItem(platform=self.profile.name, page=page.name, url=page.resolved_url(self.profile.base_url))
        if not isinstance(response, TextResponse):  # a PDF or an image where the page was: no text to read
            item.problem, item.detail = "not_text", content_type_text(response.headers.get(b"Content-Type")) or "?"
        elif blocked := block_reason(self.profile, response.selector, rendered=self._is_js(page)):
            item.problem, item.detail = "blocked", blocked
        else:
            item.text = main_text(response, page)
            if not item.text:
                item.problem, item.detail = "empty", page.main.css or page.main.xpath
        if item.problem:
            self.count("problems")
        else:
            self.count("read")
            renderer = "playwright" if self._is_js(page) else "scrapy"
            item.capture = PageCapture.of(response, renderer=renderer, tool_versions={"scrapy": scrapy.__version__})
        yield item

    def on_error(self, failure: Any) -> Iterator[RulesPageItem]:
        request = failure.request
        page = self._page(request.meta["rules_page"])
        item = RulesPageItem(platform=self.profile.name, page=page.name, url=page.resolved_url(self.profile.base_url))
        if failure.check(HttpError):
            item.problem = f"http_{failure.value.response.status}"
        else:
            item.problem, item.detail = "unreachable", failure.getErrorMessage()
        self.count("problems")
        self.logger.warning("rules page %s failed: %s (%s)", request.url, item.problem, item.detail)
        yield item

    def _is_js(self, page: RulesPageSpec) -> bool:
        return (page.render or self.profile.render.mode) == "js"

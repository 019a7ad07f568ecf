"""Give every text response the encoding its bytes really have (see crawler.encoding)."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from crawler.encoding import UndecodableError, decode_html, header_charset, normalise_name

UNDECODABLE = "undecodable"


class PageEncodingMiddleware:
    """Re-decides the encoding of text responses; an undecodable page is flagged and counted, never guessed.

    A request may carry `meta["encoding_override"]` (the profile's `encoding`). The body bytes are kept as
    they came, for evidence; only the codec used to read them changes.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageEncodingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type")
        try:
            override = request.meta.get("encoding_override")
            decoded = decode_html(response.body, content_type=content_type, override=override)
        except UndecodableError as error:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("tradewatch/pages/undecodable")
            if self.crawler.spider is not None:
                self.crawler.spider.logger.warning("undecodable page %s: %s", response.url, error)
            return response.replace(flags=[*response.flags, UNDECODABLE])
        if decoded.how not in ("utf-8", "ascii", "bom", "declared"):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"tradewatch/pages/encoding_{decoded.how}")
        if decoded.encoding == "utf-8" and normalise_name(header_charset(content_type)) == "utf-8":
            # The common case: Scrapy reads the page as the UTF-8 its header declares, as decided here.
            return settled(response, decoded.text)
        return response.replace(encoding=decoded.encoding)


def settled(response: TextResponse, text: str) -> TextResponse:
    """A UTF-8 page whose header says so, with the encoding and text it would read given to it: what
    `response.replace(encoding="utf-8")` would make, without a copy. Scrapy otherwise works its encoding out
    again (BOM, header) at every read of `encoding` or `text` (four a page) and decodes the body a second
    time; the bytes are strict UTF-8 without a BOM, so its lenient decoding gives this same text."""
    response._encoding = "utf-8"
    response._cached_ubody = text
    return response

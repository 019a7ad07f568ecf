"""Encodings as marketplaces send them: stored text is always correct Unicode or the page is reported."""

from __future__ import annotations

import codecs

import pytest
import scrapy.http.response.text
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import encoding
from crawler.encoding import UndecodableError, decode_html
from crawler.middlewares.encoding import UNDECODABLE, PageEncodingMiddleware

TEXT = "<html><head>{meta}</head><body><h1>祖传老象牙手镯 包浆自然 𠮷</h1><p>穿山甲鳞片 ￥260</p></body></html>"


def page(meta: str = "") -> str:
    return TEXT.format(meta=meta)


def test_declared_gbk_that_needs_gb18030_is_widened():
    body = page('<meta charset="gbk">').encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gbk")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.how) == ("gb18030", "widened")
    assert "祖传老象牙手镯 包浆自然 𠮷" in decoded.text


def test_a_declared_charset_the_bytes_contradict_is_overruled():
    decoded = decode_html(page('<meta charset="gbk">').encode("utf-8"), content_type="text/html; charset=GBK")
    assert decoded.encoding == "utf-8"
    assert decoded.declared == "GBK"
    assert "穿山甲鳞片" in decoded.text


def test_a_page_without_a_header_charset_is_declared_by_its_meta():
    decoded = decode_html(page('<meta charset="gbk">').encode("utf-8"), content_type="text/html")
    assert (decoded.encoding, decoded.declared) == ("utf-8", "gbk")


def test_a_utf8_page_its_server_declares_is_read_without_searching_its_head(monkeypatch: pytest.MonkeyPatch):
    def searched(body: bytes) -> str | None:
        raise AssertionError("the page's head was searched for a charset")

    body = page('<meta charset="utf-8">').encode("utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(encoding, "meta_charset", searched)
        decoded = decode_html(body, content_type="text/html; charset=utf-8")
    assert (decoded.encoding, decoded.declared, decoded.how) == ("utf-8", "utf-8", "utf-8")
    assert decoded.text == body.decode("utf-8")


def test_utf16_with_a_bom_under_a_utf8_meta():
    decoded = decode_html(codecs.BOM_UTF16_LE + page('<meta charset="UTF-8">').encode("utf-16-le"))
    assert decoded.how == "bom"
    assert "祖传老象牙手镯" in decoded.text


def test_no_declaration_at_all_is_detected():
    decoded = decode_html(page().replace(" 𠮷", "").encode("gbk") * 3)
    assert decoded.encoding == "gb18030"
    assert "穿山甲鳞片" in decoded.text


def test_mixed_bytes_are_undecodable_not_mojibake():
    body = page('<meta charset="gbk">').encode("gbk", errors="ignore") + "穿山甲鳞片".encode() * 20
    with pytest.raises(UndecodableError):
        decode_html(body)


def test_the_middleware_sets_the_encoding_and_flags_undecodable_pages():
    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    middleware = PageEncodingMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1/gbk/item/1")
    good = HtmlResponse(request.url, body=page('<meta charset="gbk">').encode("gb18030"), request=request,
                        headers={"Content-Type": "text/html; charset=GBK"})  # fmt: skip
    fixed = middleware.process_response(request, good)
    assert fixed.encoding == "gb18030"
    assert "𠮷" in fixed.text
    assert fixed.body == good.body
    bad = HtmlResponse(request.url, body=page().encode("gbk", "ignore") + "穿山甲".encode() * 30, request=request,
                       headers={"Content-Type": "text/html; charset=GBK"})  # fmt: skip
    flagged = middleware.process_response(request, bad)
    assert UNDECODABLE in flagged.flags
    assert crawler.stats.get_value("tradewatch/pages/undecodable") == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "big5"])
def test_a_page_declared_cjk_is_never_read_as_cp1252(charset: str):
    # small, and its only non-ASCII bytes are invalid in the declared charset and its superset
    body = f'<html><head><meta charset="{charset}"></head><body>\xff\xff\xff\xfe\x80\x80</body></html>'
    body_bytes = body.encode("latin-1")
    assert body_bytes.decode("cp1252", errors="strict")  # the mojibake reading exists
    with pytest.raises(UndecodableError):
        decode_html(body_bytes)
    with pytest.raises(UndecodableError):
        decode_html(body_bytes.replace(charset.encode(), b"x"), content_type=f"text/html; charset={charset}")


@pytest.mark.parametrize("charset", ["UTF-8", "utf8", '"utf-8"'])
@pytest.mark.parametrize("text", ["<html><body><p>山核桃 手串</p></body></html>", "<html><body>plain</body></html>"])
def test_a_utf8_page_reads_as_scrapy_reads_it(charset: str, text: str, monkeypatch: pytest.MonkeyPatch):
    def decoded_again(*_args: object) -> None:
        raise AssertionError("the page's body was decoded again")

    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    middleware = PageEncodingMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1/plain/item/7")

    def fetched() -> HtmlResponse:
        headers = {"Content-Type": f"text/html; charset={charset}"}
        return HtmlResponse(request.url, body=text.encode(), request=request, headers=headers)

    read = middleware.process_response(request, fetched())
    assert isinstance(read, HtmlResponse)
    with monkeypatch.context() as patch:  # the page is not decoded again: its text and encoding were given to it
        patch.setattr(scrapy.http.response.text, "html_to_unicode", decoded_again)
        assert (read.encoding, read.text) == ("utf-8", text)
    as_scrapy_reads_it = fetched()
    assert (read.encoding, read.text) == (as_scrapy_reads_it.encoding, as_scrapy_reads_it.text) == ("utf-8", text)
    assert read.selector.css("body ::text").getall() == as_scrapy_reads_it.selector.css("body ::text").getall()
    assert read.replace(url="http://127.0.0.1/plain/item/8").text == text


def test_a_crawl_decodes_a_utf8_page_once_whatever_middleware_reads_it(monkeypatch: pytest.MonkeyPatch):
    """The encoding is decided before any downloader middleware of a crawl reads a response's text (the meta
    refresh check does): Scrapy would otherwise work it out and decode the body on its own first."""
    import asyncio
    import inspect

    from scrapy.core.downloader.middleware import DownloaderMiddlewareManager

    from crawler import settings

    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    crawler = get_crawler(settings_dict=values)
    crawler.stats.open_spider()  # type: ignore[union-attr]
    chain = DownloaderMiddlewareManager.from_crawler(crawler).methods["process_response"]
    request = Request("http://127.0.0.1/plain/item/7")
    text = '<html><head><meta name="keywords" content="手串"></head><body>山核桃</body></html>'
    fetched = HtmlResponse(request.url, body=text.encode(), request=request,
                           headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip

    def decoded_by_scrapy(*_args: object) -> None:
        raise AssertionError("Scrapy decoded the page's body itself")

    async def through_the_chain() -> object:
        response: object = fetched
        for process_response in chain:
            response = process_response(request=request, response=response)
            if inspect.isawaitable(response):
                response = await response
        return response

    monkeypatch.setattr(scrapy.http.response.text, "html_to_unicode", decoded_by_scrapy)
    read = asyncio.run(through_the_chain())
    assert isinstance(read, HtmlResponse)
    assert (read.encoding, read.text) == ("utf-8", text)

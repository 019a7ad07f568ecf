"""A page capture keeps the response's and the request's headers as text, every value of every name."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request

from crawler.items import PageCapture

URL = "http://127.0.0.1:8765/plain/item/100231"


def test_capture_keeps_every_header_value_as_text() -> None:
    request = Request(URL, headers={"Accept-Language": "zh-CN", "Referer": "http://127.0.0.1:8765/plain/search"})
    seller = "老李".encode("gbk")  # not UTF-8: kept byte for byte as Latin-1
    response = HtmlResponse(
        URL,
        body="<h1>象牙手镯</h1>".encode(),
        encoding="utf-8",
        request=request,
        headers={"Set-Cookie": ["a=1", "b=2"], "X-Seller": seller, "content-type": "text/html; charset=utf-8"},
    )
    capture = PageCapture.of(response, renderer="scrapy", tool_versions={"scrapy": "2.13"})
    assert capture.headers == {
        "Set-Cookie": ["a=1", "b=2"],
        "X-Seller": [seller.decode("latin-1")],
        "Content-Type": ["text/html; charset=utf-8"],
    }
    assert capture.request_headers == {
        "Accept-Language": ["zh-CN"],
        "Referer": ["http://127.0.0.1:8765/plain/search"],
    }
    redirected = Request(URL, meta={"redirect_urls": [URL + "?from=search"]})
    moved = HtmlResponse(URL, body=b"<p></p>", headers={"Server": "demo"}, request=redirected)
    plain = PageCapture.of(moved, renderer="scrapy", tool_versions={})
    assert plain.headers == {"Server": ["demo"]} and plain.requested_url == URL + "?from=search"

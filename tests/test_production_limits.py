"""The limits of a real crawl, read where a crawl reads them: Scrapy's settings with `crawler/settings.py` over
them, and the constants of the destination guard and the decoder. Each test fails when its limit is removed or
loosened past what the bureau accepts (the slow, end-to-end counterparts are in tests/test_hostile_pages.py)."""

from __future__ import annotations

import gzip
import random

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.test import get_crawler

from crawler.destination_guard import DestinationGuardMiddleware, resolve_host, resolver_for
from crawler.destinations import DestinationPolicy, ForbiddenDestination
from crawler.encoding import UndecodableError, decode_html, meta_charset
from tests.hardening_support import production_settings

PRODUCTION = production_settings()
MAX_SIZE = PRODUCTION.getint("DOWNLOAD_MAXSIZE")
MIB = 1024 * 1024
PROJECT = SETTINGS_PRIORITIES["project"]


def _production_crawler() -> Crawler:
    project = {name: PRODUCTION[name] for name in PRODUCTION if PRODUCTION.getpriority(name) == PROJECT}
    del project["TWISTED_REACTOR"]  # the test's reactor, whichever is installed
    crawler = get_crawler(Spider, project)
    crawler.spider = Spider("limits")
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return crawler


def _downloader_middlewares(crawler: Crawler) -> list[object]:
    return list(DownloaderMiddlewareManager.from_crawler(crawler).middlewares)


def test_every_response_is_capped_by_the_project_at_most_64_mib():
    # Scrapy's own default is 1 GiB per response, on the wire and while decompressing
    assert PRODUCTION.getpriority("DOWNLOAD_MAXSIZE") == PROJECT
    assert 0 < MAX_SIZE <= 64 * MIB


def test_a_compressed_body_that_expands_past_the_production_cap_is_refused_and_counted():
    crawler = _production_crawler()
    compression = [mw for mw in _downloader_middlewares(crawler) if isinstance(mw, HttpCompressionMiddleware)]
    assert len(compression) == 1  # decompression is on, once, through the counting middleware
    bomb = gzip.compress(b"\0" * (MAX_SIZE + MIB), 1)
    request = Request("http://market.example/item/1")
    response = Response(request.url, body=bomb, headers={"Content-Encoding": "gzip"}, request=request)
    with pytest.raises(IgnoreRequest):
        compression[0].process_response(request, response)
    assert crawler.stats.get_value("tradewatch/responses/decompression_bomb") == 1  # type: ignore[union-attr]
    small = gzip.compress("<p>象牙手镯 ¥3800</p>".encode(), 1)
    unpacked = compression[0].process_response(request, response.replace(body=small))
    assert unpacked.body == "<p>象牙手镯 ¥3800</p>".encode()


def test_the_destination_guard_runs_before_every_other_downloader_middleware():
    middlewares = _downloader_middlewares(_production_crawler())
    assert isinstance(middlewares[0], DestinationGuardMiddleware)
    assert sum(isinstance(middleware, DestinationGuardMiddleware) for middleware in middlewares) == 1


def test_the_production_guard_resolves_names_through_dns():
    assert resolver_for(PRODUCTION) is resolve_host


# The first and last address of every network the crawler must never reach (loopback, private, shared,
# link-local and metadata, benchmarking, multicast, reserved, unspecified, unique-local, IPv6 link-local).
FORBIDDEN_RANGES = [
    ("0.0.0.0", "0.255.255.255"),  # 0.0.0.0/8
    ("10.0.0.0", "10.255.255.255"),  # 10.0.0.0/8
    ("100.64.0.0", "100.127.255.255"),  # 100.64.0.0/10
    ("127.0.0.0", "127.255.255.255"),  # 127.0.0.0/8
    ("169.254.0.0", "169.254.255.255"),  # 169.254.0.0/16
    ("172.16.0.0", "172.31.255.255"),  # 172.16.0.0/12
    ("192.0.0.0", "192.0.0.255"),  # 192.0.0.0/24
    ("192.168.0.0", "192.168.255.255"),  # 192.168.0.0/16
    ("198.18.0.0", "198.19.255.255"),  # 198.18.0.0/15
    ("224.0.0.0", "239.255.255.255"),  # 224.0.0.0/4
    ("240.0.0.0", "255.255.255.255"),  # 240.0.0.0/4
    ("::", "::"),  # ::/128
    ("::1", "::1"),  # ::1/128
    ("fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),  # fc00::/7
    ("fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),  # fe80::/10
    ("ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),  # ff00::/8
]


@pytest.mark.parametrize("address", [address for edges in FORBIDDEN_RANGES for address in edges])
def test_both_ends_of_every_forbidden_network_are_refused(address: str):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(ForbiddenDestination):
        DestinationPolicy().check(f"http://{host}:8080/admin")
    with pytest.raises(ForbiddenDestination):  # the same address behind a name
        DestinationPolicy().check_addresses("intranet.example", ["93.184.216.34", address])


@pytest.mark.parametrize("address", ["9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "172.15.255.255",
                                     "172.32.0.0", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0",
                                     "223.255.255.255", "2001:db8::1"])  # fmt: skip
def test_the_addresses_next_to_the_forbidden_networks_are_public(address: str):
    host = f"[{address}]" if ":" in address else address
    DestinationPolicy().check(f"http://{host}/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://market.example/", "gopher://market.example/",
                                 "ws://market.example/", "data:text/html,x", "javascript:alert(1)"])  # fmt: skip
def test_only_http_and_https_are_allowed(url: str):
    with pytest.raises(ForbiddenDestination):
        DestinationPolicy().check(url)


def _page(text: str) -> bytes:
    return f'<html><head><meta charset="gbk"></head><body><p>{text}</p></body></html>'.encode("gbk")


def test_detection_believes_only_nearly_clean_text():
    clean = "穿山甲鳞片 象牙手镯 犀牛角 出售 ".encode("gbk") * 5
    assert decode_html(clean).encoding == "gb18030"
    # the same text with bytes of noise after it: charset-normalizer rates it between 0.3 and 0.7 chaos
    rng = random.Random(7)
    noise = bytes(rng.choice(range(0xA0, 0x100)) for _ in range(60))
    with pytest.raises(UndecodableError):
        decode_html(clean + noise)


def test_four_utf8_characters_pasted_into_a_gbk_page_make_it_undecodable():
    body = _page("穿山甲鳞片 出售 ").replace(b"</p>", "象牙手镯".encode() + b"</p>")
    assert "象牙手镯" not in body.decode("gb18030")  # read as GBK it is mojibake
    with pytest.raises(UndecodableError):
        decode_html(body)


def test_a_meta_charset_is_looked_for_in_the_first_mebibyte_of_a_page_without_a_head_end():
    script = b"<html><head><script>" + b"var a=1;" * (MIB // 8) + b"</script>"
    assert meta_charset(b"<html><head><script></script>" + b'<meta charset="gbk">') == "gbk"
    assert meta_charset(script + b'<meta charset="gbk"><body>') is None
    assert meta_charset(script + b'<meta charset="gbk"></head><body>') == "gbk"

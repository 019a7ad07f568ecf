"""Scrapy components built on tradewatch's own settings, so that tests run what a crawl runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.items import PageCapture


def project_crawler(**overrides: Any) -> Crawler:
    """A crawler on crawler/settings.py (not only Scrapy's defaults, as `get_crawler` alone gives), with
    `overrides` on top: components read the defaults production reads, the store its process writer."""
    from crawler import settings

    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    return get_crawler(settings_dict={**values, **overrides})


PAGE = "<html><head><meta charset='utf-8'><title>老象牙手镯</title></head><body>包老保真 ¥12800</body></html>"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x1f\x15\xc4\x89tradewatch"


def page_capture(**overrides: object) -> PageCapture:
    values: dict[str, object] = {
        "requested_url": "http://127.0.0.1:8765/plain/item/100231?from=search",
        "final_url": "http://127.0.0.1:8765/plain/item/100231",
        "status": 200,
        "headers": {"Content-Type": ["text/html; charset=utf-8"], "Content-Encoding": ["gzip"], "Server": ["demo"]},
        "body": PAGE.encode(),
        "fetched_at": datetime(2026, 3, 5, 2, 0, 7, tzinfo=UTC),
        "redirect_urls": ["http://127.0.0.1:8765/plain/item/100231?from=search"],
        "encoding": "utf-8",
        "request_headers": {"User-Agent": ["tradewatch/0.1"], "Accept-Language": ["zh-CN"]},
        "screenshot": None,
        "renderer": "scrapy",
        "tool_versions": {"scrapy": "2.13.4"},
    }
    values.update(overrides)
    return PageCapture(**values)  # type: ignore[arg-type]

"""Politeness: 429s with Retry-After slow the crawl down and it still completes; Retry-After parsing."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.demo_market.catalogue import build_catalogue
from crawler.middlewares.retry import PoliteRetryMiddleware, retry_after_seconds
from leads.db import get_engine
from leads.models import CrawlRun, Listing

runner = CliRunner()


def test_retry_after_is_read_as_seconds_or_http_date():
    assert retry_after_seconds(b"3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:05 GMT", now=1445412480.0) == 5.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_the_wait_is_bounded_and_backs_off_without_retry_after():
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict={"TRADEWATCH_RETRY_MAX_WAIT": 10, "TRADEWATCH_RETRY_BASE_WAIT": 0.5})
    middleware = PoliteRetryMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1/plain/search?q=x", meta={"retry_times": 2})
    assert middleware.wait_for(request, Response(request.url, status=503)) == 2.0
    assert middleware.wait_for(request, Response(request.url, status=429, headers={"Retry-After": "3600"})) == 10


def test_a_rate_limited_site_is_crawled_completely_and_slower(demo_market_factory, tw_home: Path):
    base_url = demo_market_factory(rate_limit=4)
    result = runner.invoke(
        app, ["sweep", "--platform", "demo", "--keywords", "穿山甲", "--max-pages", "1", "--base-url", base_url]
    )
    assert result.exit_code == 0, result.output
    expected = {listing.listing_id for listing in build_catalogue().search("穿山甲")[:20]}
    with Session(get_engine()) as session:
        stored = set(session.exec(select(Listing.listing_id)))
        run = session.exec(select(CrawlRun)).one()
    assert stored == expected
    assert run.outcome == "ok"
    assert run.stats["tradewatch/retries/429"] >= 1
    assert run.stats.get("tradewatch/retries/gave_up", 0) == 0
    assert run.stats["tradewatch/retries/waited_ms"] >= 1000


def test_settings_are_polite_by_default():
    from tests.crawl_support import project_crawler

    values = project_crawler().settings
    assert values.getbool("ROBOTSTXT_OBEY")
    assert not values.getbool("TELNETCONSOLE_ENABLED")
    assert values.getbool("AUTOTHROTTLE_ENABLED")
    assert values.getint("DOWNLOAD_MAXSIZE") > 0 and values.getint("DOWNLOAD_TIMEOUT") > 0
    assert {429, 503} <= {int(code) for code in values.getlist("RETRY_HTTP_CODES")}

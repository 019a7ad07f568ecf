"""Reaching beyond the search box: category and newest-first feeds, sitemaps, a request budget, terms by past
yield and search variants, against the demo marketplace on a free port."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.demo_market.catalogue import MARKET_CATEGORIES, UNSEARCHABLE, build_catalogue
from crawler.profiles import PACKAGED_PROFILES, load_profile, load_profile_file
from leads.db import get_engine
from leads.models import CrawlRun, Lead, Listing
from leads.sweep_memory import TermYield, by_yield
from pipelines.scoring import Scorer
from spiders.listing import ListingSpider
from spiders.search_variants import with_variants
from spiders.sweep_params import SweepParams

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
CATEGORY_FEEDS = [f"category-{slug}" for slug in MARKET_CATEGORIES]
UNSEARCHABLE_IDS = {li.listing_id for li in build_catalogue().listings if li.title in {row[0] for row in UNSEARCHABLE}}


HEDINGHONG = next(li.listing_id for li in build_catalogue().listings if li.title.startswith("鶴頂紅"))


def sweep(*args: str):
    return runner.invoke(app, ["sweep", "--platform", "demo", *args])


def runs() -> list[CrawlRun]:
    with Session(get_engine()) as session:
        return list(session.exec(select(CrawlRun).order_by(CrawlRun.id)))  # type: ignore[arg-type]


def stored_leads() -> set[str]:
    with Session(get_engine()) as session:
        query = select(Listing.listing_id).join(Lead, Lead.listing_id == Listing.id)  # type: ignore[arg-type]
        return set(session.exec(query))


def catalogue_leads() -> set[str]:
    return {listing.listing_id for listing in build_catalogue().listings if listing.category}


def keyword_sweep_leads() -> set[str]:
    """What a keyword sweep with the shipped watchlists can flag: the listings the site's own search returns for
    every search term (as many pages as the demo profile reads), scored by the same scorer."""
    catalogue, scorer = build_catalogue(), Scorer.load()
    reach = 20 * load_profile("demo").pagination.max_pages
    found = {listing for term in scorer.search_terms() for listing in catalogue.search(term)[:reach]}
    return {
        listing.listing_id
        for listing in found
        if scorer.score(
            {"title": listing.title, "description": listing.description, "price": float(listing.price)}
        ).is_lead
    }


def precision(flagged: set[str], truth: set[str]) -> float:
    return len(flagged & truth) / len(flagged)


@pytest.mark.timeout(1500)  # two sweeps of the whole demo catalogue (2,500 pages), on a shared machine
def test_category_feeds_find_the_catalogues_leads_and_a_second_sweep_costs_little(demo_market: str, tw_home: Path):
    feeds = [arg for name in CATEGORY_FEEDS for arg in ("--feed", name)]
    first = sweep(*feeds, "--base-url", demo_market)
    assert first.exit_code == 0, first.output
    truth, leads, by_keyword = catalogue_leads(), stored_leads(), keyword_sweep_leads()
    assert len(truth) == 311  # the demo catalogue: plainly named, disguised, unsearchable and photo offences
    assert len(leads & truth) >= 0.95 * len(truth)
    assert leads >= UNSEARCHABLE_IDS  # what no search term returns, the category pages show
    assert not UNSEARCHABLE_IDS & by_keyword
    assert len(by_keyword & truth) < len(leads & truth)
    assert precision(leads, truth) >= precision(by_keyword, truth)
    (run,) = runs()
    assert run.outcome == "ok"
    assert run.listings == len(build_catalogue())  # every listing of every category scored, not only hits

    second = sweep(*feeds, "--base-url", demo_market)
    assert second.exit_code == 0, second.output
    later = runs()[-1]
    assert later.outcome == "ok"
    assert later.pages < 0.10 * run.pages
    assert later.stats["tradewatch/feeds/stopped"] == len(CATEGORY_FEEDS)
    assert stored_leads() == leads


def test_a_sitemap_feed_is_swept_through_scrapys_sitemap_support(demo_market: str, tw_home: Path):
    result = sweep("--feed", "sitemap", "--budget", "12", "--base-url", demo_market)
    assert result.exit_code == 0, result.output
    (run,) = runs()
    assert run.outcome == "ok"
    assert run.stats["tradewatch/pages/sitemap"] == 6  # the index, then its five URL sets
    assert run.stats["tradewatch/pages/item"] == 6  # the rest of the budget: item pages the sitemaps list
    with Session(get_engine()) as session:
        stored = set(session.exec(select(Listing.listing_id)))
    assert len(stored) == 6 and stored <= set(build_catalogue().by_id)


def test_a_sitemap_index_passes_on_only_the_feed_not_what_the_downloader_set_for_it():
    """The index's request meta holds its download slot, depth, retries, redirects and proxy: a sitemap it lists
    is requested afresh, as the feed's first sitemap is, so it gets its own slot and its own retries."""
    crawler = get_crawler(ListingSpider)
    spider = ListingSpider.from_crawler(crawler, platform="demo", feeds="sitemap", base_url="http://market.test")
    feed = spider.feeds[0]
    index = spider.feed_request(feed)
    downloaded = {"download_slot": "market.test", "depth": 1, "retry_times": 2, "redirect_times": 1,
                  "redirect_urls": [index.url], "download_latency": 0.4, "proxy": "http://10.0.0.9:3128"}  # fmt: skip
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://cdn.market.test/sitemap-1.xml</loc></sitemap>"
        b"<sitemap><loc>http://cdn.market.test/sitemap-2.xml</loc></sitemap></sitemapindex>"
    )
    request = index.replace(meta={**index.meta, **downloaded})
    children = list(spider.parse_sitemap(XmlResponse(index.url, body=body, request=request)))
    assert [child.url for child in children] == [
        "http://cdn.market.test/sitemap-1.xml",
        "http://cdn.market.test/sitemap-2.xml",
    ]
    assert all(child.meta == index.meta == {"feed": "sitemap"} for child in children)
    assert all(child.callback == spider.parse_sitemap and child.errback == spider.on_error for child in children)


def test_a_budget_stops_the_sweep_and_says_so(demo_market: str, tw_home: Path):
    result = sweep("--watchlist", "all", "--budget", "50", "--base-url", demo_market)
    assert result.exit_code == 0, result.output
    assert "stopped at the budget of 50 requests" in " ".join(result.output.split())
    (run,) = runs()
    assert run.outcome == "ok"
    assert run.pages == 50
    assert run.stats["tradewatch/budget/limit"] == 50
    assert run.stats["tradewatch/budget/skipped"] > 0
    shown = json.loads(runner.invoke(app, ["runs", "show", str(run.id), "--json"]).stdout)
    assert shown["details"]["budget"] == 50 and shown["details"]["budget_skipped"] > 0


def test_terms_are_searched_highest_past_yield_first(demo_market: str, tw_home: Path):
    first = sweep("--keywords", "iPhone,象牙手镯", "--max-pages", "1", "--base-url", demo_market)
    assert first.exit_code == 0, first.output
    recorded = runs()[0].stats
    assert recorded["tradewatch/terms"] == {"iPhone": 1, "象牙手镯": 1}
    assert recorded["tradewatch/term_leads"]["象牙手镯"] > 0 and "iPhone" not in recorded["tradewatch/term_leads"]
    # With room for one search only, the term that found leads goes first, though it is given second.
    second = sweep("--keywords", "iPhone,象牙手镯", "--budget", "1", "--base-url", demo_market)
    assert second.exit_code == 0, second.output
    assert runs()[-1].stats["tradewatch/terms"] == {"象牙手镯": 1}
    shown = runner.invoke(app, ["watchlist", "terms", "--stats", "demo", "--json"])
    rows = {row["term"]: row for row in json.loads(shown.stdout)["terms"]}
    assert (
        rows["象牙手镯"]["searches"] == 2 and rows["象牙手镯"]["leads"] == recorded["tradewatch/term_leads"]["象牙手镯"]
    )
    assert rows["iPhone"]["leads_per_search"] == 0
    order = [row["term"] for row in json.loads(shown.stdout)["terms"]]
    assert order.index("象牙手镯") < order.index("象牙") < order.index("iPhone")  # untried between the two


def test_yield_order_puts_untried_terms_between_finders_and_the_fruitless():
    yields = {"甲": TermYield("甲", 4, 2, 2), "乙": TermYield("乙", 4, 0, 2), "丁": TermYield("丁", 2, 3, 1)}
    assert by_yield(["乙", "丙", "甲", "丁"], yields) == ["丁", "甲", "丙", "乙"]


def _demo_with(tmp_path: Path, **search: object) -> Path:
    data = yaml.safe_load((PACKAGED_PROFILES / "demo.yaml").read_text(encoding="utf-8"))
    data["search"].update(search)
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_search_variants_are_generated_from_the_watchlists(tmp_path: Path):
    profile = load_profile_file(_demo_with(tmp_path, variants=["traditional", "pinyin", "code_words"]))
    terms = with_variants(profile, SweepParams(keywords=["鹤顶红", "象牙"]))
    assert terms[:2] == ["鹤顶红", "象牙"]
    assert "鶴頂紅" in terms and "hedinghong" in terms and "xiangya" in terms
    assert {"白料", "白货"} <= set(terms)  # the ivory term's code words
    assert with_variants(load_profile("demo"), SweepParams(keywords=["鹤顶红"])) == ["鹤顶红"]


def test_a_traditional_variant_finds_what_the_simplified_search_cannot(demo_market: str, tw_home: Path, tmp_path):
    without = runner.invoke(app, ["sweep", "--platform", "demo", "--keywords", "鹤顶红", "--base-url", demo_market])
    assert without.exit_code == 0, without.output
    assert HEDINGHONG not in stored_leads()
    profile = _demo_with(tmp_path, variants=["traditional"])
    result = runner.invoke(app, ["sweep", "--profile", str(profile), "--keywords", "鹤顶红", "--base-url", demo_market])
    assert result.exit_code == 0, result.output
    assert HEDINGHONG in stored_leads()  # 鶴頂紅 雕件, typed as the platform shows it
    assert runs()[-1].stats["tradewatch/terms"] == {"鹤顶红": 1, "鶴頂紅": 1}


def test_an_unknown_feed_is_one_clear_line(tw_home: Path):
    result = sweep("--feed", "category-weapons")
    assert result.exit_code == 2
    assert "has no feed category-weapons" in result.output
    assert "Traceback" not in result.output


def test_a_nightly_sweep_entry_names_feeds(monkeypatch, tw_home: Path):
    from datetime import UTC, datetime

    from leads.timetable import parse_timetable
    from runners import scheduled, sweep
    from runners.sweep_request import SweepRequest, SweepResult

    asked: list[SweepRequest] = []

    def run_sweep(request: SweepRequest, *, timeout: float | None = None) -> SweepResult:
        asked.append(request)
        return SweepResult(run_ids=[], log_file=tw_home / "sweep.log")

    monkeypatch.setattr(sweep, "run_sweep", run_sweep)
    entry = {"time": "02:00", "platforms": ["demo"], "feeds": ["newest"], "budget": 400}
    timetable = parse_timetable({"nightly_sweep": entry}, "schedule.yaml")
    scheduled.nightly_sweep_job(None, timetable, datetime(2026, 3, 5, 18, tzinfo=UTC))  # type: ignore[arg-type]
    (request,) = asked
    assert request.params.feeds == ["newest"] and request.params.keywords == []
    assert request.params.budget == 400


def test_a_campaign_names_feeds_its_sweeps_walk(monkeypatch, tw_home: Path):
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from runners import scheduled, sweep
    from runners.sweep_request import SweepRequest, SweepResult

    create = ["campaign", "create", "2026清风行动", "--keywords", "象牙", "--platforms", "demo"]
    created = runner.invoke(app, [*create, "--feed", "newest", "--feed", "category-collectibles", "--json"])
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout)["feeds"] == ["newest", "category-collectibles"]
    asked: list[SweepRequest] = []

    def run_sweep(request: SweepRequest, *, timeout: float | None = None) -> SweepResult:
        asked.append(request)
        return SweepResult(run_ids=[], log_file=tw_home / "sweep.log")

    monkeypatch.setattr(sweep, "run_sweep", run_sweep)
    spec, timetable = SimpleNamespace(campaign="2026清风行动"), SimpleNamespace(base_url=None)
    scheduled.campaign_sweep_job(spec, timetable, datetime(2026, 3, 5, 13, tzinfo=UTC))  # type: ignore[arg-type]
    (request,) = asked
    assert request.params.feeds == ["newest", "category-collectibles"]
    assert request.params.keywords == ["象牙"] and request.params.campaign == "2026清风行动"


def test_feeds_are_not_shared_through_redis_but_refused_in_one_line(tw_home: Path, monkeypatch):
    monkeypatch.setenv("TRADEWATCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    result = sweep("--feed", "newest", "--distributed")
    assert result.exit_code != 0
    assert "feeds and request budgets are swept on one machine: use --local" in result.output
    assert "Traceback" not in result.output
    assert runs() == []

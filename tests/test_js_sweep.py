"""The JavaScript path judged like the static one: markers in scripts are not block pages, layouts are broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.extract import parse_results
from crawler.profiles import load_profile
from leads.db import get_engine
from leads.models import CrawlRun, Listing

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
NONSENSE_FIRST = "不存在的东西xyz,象牙"


def runs() -> dict[str, CrawlRun]:
    with Session(get_engine()) as session:
        return {run.platform: run for run in session.exec(select(CrawlRun))}


def stored_ids(platform: str) -> set[str]:
    with Session(get_engine()) as session:
        return set(session.exec(select(Listing.listing_id).where(Listing.platform == platform)))


def sweep(platform: str, keywords: str, base_url: str):
    return runner.invoke(app, ["sweep", "--platform", platform, "--keywords", keywords, "--base-url", base_url])


def test_a_block_marker_inside_a_script_is_not_a_block_page():
    profile = load_profile("demo")
    page = """<html><body><main id="app"><p class="empty">没有找到相关宝贝</p></main>
    <script>function wall(kind) { return kind === "captcha" ? "安全验证" : "请登录后查看"; }</script>
    <style>.captcha::after { content: "安全验证"; }</style></body></html>"""
    results = parse_results(profile, Selector(text=page), "http://127.0.0.1:8765/plain/search?q=x")
    assert results.blocked is None
    assert results.no_results is True
    shown = page.replace('<p class="empty">没有找到相关宝贝</p>', "<h1>安全验证</h1>")
    assert parse_results(profile, Selector(text=shown), "http://127.0.0.1:8765/plain/search?q=x").blocked == "安全验证"


def test_noscript_text_counts_on_the_static_path_only():
    profile = load_profile("demo")
    page = "<html><body><noscript>安全验证</noscript></body></html>"
    assert parse_results(profile, Selector(text=page), "http://x/", rendered=False).blocked == "安全验证"
    assert parse_results(profile, Selector(text=page), "http://x/", rendered=True).blocked is None


@pytest.mark.browser
def test_a_js_sweep_with_a_nonsense_keyword_first_is_ok_and_stores_what_the_static_one_does(
    demo_market: str, tw_home: Path
):
    static = sweep("demo", NONSENSE_FIRST, demo_market)
    assert static.exit_code == 0, static.output
    rendered = sweep("demo-js", NONSENSE_FIRST, demo_market)
    assert rendered.exit_code == 0, rendered.output
    outcomes = runs()
    assert outcomes["demo-js"].outcome == outcomes["demo"].outcome == "ok"
    assert outcomes["demo-js"].stats["tradewatch/pages/empty"] == 1
    assert len(stored_ids("demo")) == 50
    assert stored_ids("demo-js") == stored_ids("demo")


@pytest.mark.browser
@pytest.mark.parametrize(("platform", "market", "outcome"), [
    ("demo", {"layout": "v2"}, "broken"),
    ("demo-js", {"layout": "v2"}, "broken"),
    ("demo", {"wall": "captcha"}, "blocked"),
    ("demo-js", {"wall": "captcha"}, "blocked"),
])  # fmt: skip
def test_a_changed_layout_is_broken_and_a_block_page_blocked_on_both_paths(
    demo_market_factory, tw_home: Path, platform: str, market: dict, outcome: str
):
    result = sweep(platform, "象牙", demo_market_factory(**market))
    assert result.exit_code == 3, result.output
    run = runs()[platform]
    assert run.outcome == outcome
    assert (run.stats.get("tradewatch/pages/blocked", 0) > 0) == (outcome == "blocked")
    assert run.listings == 0

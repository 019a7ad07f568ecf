"""Searches that find nothing: recognised by a profile's markers or selectors, counted as `no_results`, and
proposed from a saved page by `platforms check` and `platforms new`."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.page_check import check_page, propose_no_results
from crawler.profiles import PACKAGED_PROFILES, load_profile, load_profile_file
from leads.db import get_engine
from leads.models import CrawlRun

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
NONSENSE = ["qzxv硼砂鲸", "zzkq穿梭", "xqwv蓝莓", "wqzv铜锣", "kzqx折扇", "vqxz青瓷"]


def empty_page(base_url: str, keyword: str = "qzxv硼砂鲸") -> bytes:
    url = f"{base_url}/plain/search?q={urllib.request.quote(keyword)}"
    with urllib.request.urlopen(url) as response:
        return response.read()


def profile_without_markers(tmp_path: Path, **extra: object) -> Path:
    data = yaml.safe_load((PACKAGED_PROFILES / "demo.yaml").read_text(encoding="utf-8"))
    data.pop("no_results_markers")
    data.pop("no_results_selectors")
    data.update(extra)
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_marker_and_selector_are_proposed_from_a_search_for_a_nonsense_keyword(demo_market: str):
    proposal = propose_no_results(empty_page(demo_market), demo_market + "/", keyword="qzxv硼砂鲸")
    assert proposal.markers == ["没有找到相关宝贝"]
    assert proposal.selectors == ["p.empty"]


def test_a_page_with_listings_proposes_nothing(demo_market: str):
    with urllib.request.urlopen(f"{demo_market}/plain/search?q={urllib.request.quote('手镯')}") as response:
        proposal = propose_no_results(response.read(), demo_market + "/")
    assert proposal.markers == [] and proposal.selectors == []


def test_a_selector_alone_recognises_the_empty_page(demo_market: str, tmp_path: Path):
    body = empty_page(demo_market)
    without = load_profile_file(profile_without_markers(tmp_path))
    assert not check_page(without, body, demo_market + "/plain/search", "results").no_results
    with_selector = load_profile_file(profile_without_markers(tmp_path, no_results_selectors=["p.empty"]))
    assert check_page(with_selector, body, demo_market + "/plain/search", "results").no_results


def test_platforms_check_proposes_the_marker_and_accepts_a_recognised_page(demo_market: str, tmp_path: Path):
    page = tmp_path / "empty.html"
    page.write_bytes(empty_page(demo_market))
    unmarked = ["platforms", "check", "--profile", str(profile_without_markers(tmp_path)), "--file", str(page)]
    unknown = runner.invoke(app, [*unmarked, "--kind", "results", "--keyword", "qzxv硼砂鲸"])
    assert unknown.exit_code == 1, unknown.output
    assert 'no_results_markers: ["没有找到相关宝贝"]' in unknown.output
    assert 'no_results_selectors: ["p.empty"]' in unknown.output
    known = runner.invoke(app, ["platforms", "check", "demo", "--file", str(page), "--kind", "results"])
    assert known.exit_code == 0, known.output
    assert "recognises this page as a search with no results" in known.output
    as_json = runner.invoke(app, [*unmarked, "--kind", "results", "--json"])
    assert json.loads(as_json.stdout)["proposed"]["no_results_markers"] == ["没有找到相关宝贝"]


def test_platforms_new_fills_the_markers_from_an_empty_page(demo_market: str, tmp_path: Path):
    search, empty = tmp_path / "search.html", tmp_path / "empty.html"
    with urllib.request.urlopen(f"{demo_market}/plain/search?q={urllib.request.quote('手镯')}") as response:
        search.write_bytes(response.read())
    empty.write_bytes(empty_page(demo_market))
    result = runner.invoke(
        app,
        [
            "platforms",
            "new",
            "xianzhi",
            "--file",
            str(search),
            "--empty-page",
            str(empty),
            "--keyword",
            "qzxv硼砂鲸",
            "--out",
            str(tmp_path / "profiles"),
        ],
    )
    assert result.exit_code == 0, result.output
    profile = load_profile_file(tmp_path / "profiles" / "xianzhi.yaml")
    assert profile.no_results_markers == ["没有找到相关宝贝"]
    assert profile.no_results_selectors == ["p.empty"]


def _run(run_id: int | None = None) -> CrawlRun:
    with Session(get_engine()) as session:
        runs = list(session.exec(select(CrawlRun).order_by(CrawlRun.id)))  # type: ignore[arg-type]
    return runs[-1]


def test_a_mostly_empty_keyword_sweep_is_ok_and_counts_its_empty_searches(demo_market: str, tw_home: Path):
    keywords = ",".join(["象牙手镯", *NONSENSE])
    result = runner.invoke(app, ["sweep", "--platform", "demo", "--keywords", keywords, "--base-url", demo_market])
    assert result.exit_code == 0, result.output
    run = _run()
    assert run.outcome == "ok"
    assert run.listings > 0
    shown = runner.invoke(app, ["runs", "show", str(run.id), "--json"])
    assert json.loads(shown.stdout)["details"]["no_results"] == len(NONSENSE)
    text = runner.invoke(app, ["runs", "show", str(run.id)])
    assert "Searches with no results (no_results)" in text.output


def test_a_changed_layout_is_still_broken_when_most_searches_are_empty(demo_market_factory, tw_home: Path):
    base_url = demo_market_factory(layout="v2")
    keywords = ",".join(["象牙手镯", *NONSENSE])
    result = runner.invoke(app, ["sweep", "--platform", "demo", "--keywords", keywords, "--base-url", base_url])
    assert result.exit_code == 3, result.output
    assert _run().outcome == "broken"


def test_the_shipped_demo_profile_says_what_its_empty_page_looks_like():
    assert load_profile("demo").no_results_selectors == ["p.empty"]

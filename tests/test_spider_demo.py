"""The generic spider against the demo marketplace misbehaving: changed layout, captcha, a profile from a file."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.demo_market.catalogue import build_catalogue
from crawler.profiles import PACKAGED_PROFILES
from leads.db import get_engine
from leads.models import CrawlRun, Listing

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English


def runs() -> list[CrawlRun]:
    with Session(get_engine()) as session:
        return list(session.exec(select(CrawlRun).order_by(CrawlRun.id)))  # type: ignore[arg-type]


def test_a_changed_layout_gives_a_broken_run_and_a_non_zero_exit(demo_market_factory, tw_home: Path):
    base_url = demo_market_factory(layout="v2")
    result = runner.invoke(app, ["sweep", "--platform", "demo", "--keywords", "象牙", "--base-url", base_url])
    assert result.exit_code == 3, result.output
    assert "broken" in result.output.splitlines()[-1]
    [run] = runs()
    assert run.outcome == "broken"
    assert run.stats["tradewatch/pages/unparsed"] >= 1
    assert run.listings == 0


def test_a_captcha_wall_gives_a_blocked_run_that_stops_the_sweep(demo_market_factory, tw_home: Path):
    base_url = demo_market_factory(wall="captcha")
    keywords = "象牙,穿山甲,犀牛角,虎骨,熊胆"
    result = runner.invoke(app, ["sweep", "--platform", "demo", "--keywords", keywords, "--base-url", base_url])
    assert result.exit_code == 3, result.output
    assert "blocked" in result.output.splitlines()[-1]
    [run] = runs()
    assert run.outcome == "blocked"
    assert run.finish_reason == "blocked"
    assert run.stats["tradewatch/pages/blocked"] >= 1
    # it stopped instead of asking every keyword's pages of a site that blocks it
    assert run.stats["tradewatch/pages/search"] < 5 * 2


def test_a_profile_file_outside_the_package_is_swept_without_code(demo_market, tw_home: Path, tmp_path: Path):
    data = yaml.safe_load((PACKAGED_PROFILES / "demo.yaml").read_text(encoding="utf-8"))
    data.update({"name": "xianzhi-shop", "display_name": "闲置小铺 / Xianzhi shop", "base_url": demo_market})
    data["allowed_domains"] = ["127.0.0.1"]
    data["item_page"] = {"follow": False}
    data["results"]["fields"].pop("listing_id")
    data["listing_id"] = {"url_pattern": r"/item/(\d+)"}
    profile = tmp_path / "xianzhi-shop.yaml"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = runner.invoke(app, ["sweep", "--profile", str(profile), "--keywords", "穿山甲", "--max-pages", "1"])
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        rows = session.exec(select(Listing).where(Listing.platform == "xianzhi-shop"))
        stored = {row.listing_id: row for row in rows}
    expected = build_catalogue().search("穿山甲")[:20]
    assert set(stored) == {listing.listing_id for listing in expected}
    assert {row.title for row in stored.values()} == {listing.title for listing in expected}
    [run] = runs()
    assert run.outcome == "ok"
    assert run.stats["tradewatch/field/price/present"] == len(expected)
    assert run.stats["tradewatch/coverage/price"] == 1.0


def test_a_malformed_profile_is_refused_before_any_request(tw_home: Path, tmp_path: Path):
    profile = tmp_path / "bad.yaml"
    profile.write_text("name: bad\ndisplay_name: 坏\nbase_url: http://127.0.0.1:9\nresults: {}\n", encoding="utf-8")
    result = runner.invoke(app, ["sweep", "--profile", str(profile), "--keywords", "象牙"])
    assert result.exit_code == 2
    assert f"{profile}: search: Field required" in result.output
    assert runs() == []

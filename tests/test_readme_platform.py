"""The README's "Adding a platform" example, pasted as written, works against the demo marketplace."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from leads.db import get_engine
from leads.models import CrawlRun, Listing

README = Path(__file__).resolve().parents[1] / "README.md"
runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English


def readme_profile() -> str:
    section = README.read_text(encoding="utf-8").split("## Adding a platform", 1)[1]
    block = re.search(r"```yaml\n(# ~/tradewatch/platforms/xianzhi\.yaml\n.*?)```", section, re.S)
    assert block, "the README's example profile is missing"
    return block.group(1)


def test_the_readme_example_checks_and_sweeps_ok_against_the_demo_marketplace(demo_market, tw_home, tmp_path):
    folder = tw_home / "platforms"
    folder.mkdir(parents=True)
    (folder / "xianzhi.yaml").write_text(readme_profile(), encoding="utf-8")  # pasted as written
    search_url = f"{demo_market}/plain/search?q=%E8%B1%A1%E7%89%99"
    saved = tmp_path / "saved-search.html"
    saved.write_bytes(urllib.request.urlopen(search_url, timeout=10).read())

    check = runner.invoke(app, ["platforms", "check", "xianzhi", "--file", str(saved), "--url", search_url, "--json"])
    assert check.exit_code == 0, check.output
    out = json.loads(check.stdout)
    assert out["health"]["outcome"] == "ok" and out["rejected"] == {}
    assert all(listing["stored"]["currency"] == "CNY" and listing["stored"]["price"] > 0 for listing in out["listings"])
    assert all(listing["shop_link"].startswith("/") for listing in out["listings"])

    swept = runner.invoke(
        app, ["sweep", "--platform", "xianzhi", "--keywords", "象牙,穿山甲", "--base-url", demo_market]
    )
    assert swept.exit_code == 0, swept.output
    with Session(get_engine()) as session:
        [run] = session.exec(select(CrawlRun)).all()
        listings = session.exec(select(Listing).where(Listing.platform == "xianzhi")).all()
    assert run.outcome == "ok"
    assert listings and all(listing.posted_at is not None and listing.description for listing in listings)
    assert all(listing.currency == "CNY" and listing.price_raw is None for listing in listings)


def test_the_readme_example_shows_a_feed_search_variants_and_an_empty_results_marker(demo_market, tw_home):
    folder = tw_home / "platforms"
    folder.mkdir(parents=True)
    (folder / "xianzhi.yaml").write_text(readme_profile(), encoding="utf-8")
    from crawler.profiles import load_profile

    profile = load_profile("xianzhi")
    assert profile.search.variants == ["traditional", "code_words"]
    assert profile.no_results_markers and profile.no_results_selectors
    assert {feed.name for feed in profile.feeds} == {"newest", "collectibles", "sitemap"}
    swept = runner.invoke(
        app, ["sweep", "--platform", "xianzhi", "--feed", "newest", "--budget", "25", "--base-url", demo_market]
    )
    assert swept.exit_code == 0, swept.output
    with Session(get_engine()) as session:
        [run] = session.exec(select(CrawlRun)).all()
    assert run.outcome == "ok"
    assert run.stats["tradewatch/feeds/pages"] == 2 and run.stats["tradewatch/pages/item"] == 23

"""A campaign's keywords are scored in that campaign's sweeps, with the category a clear rule gives them."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.app import app
from crawler.items import ListingItem
from leads.db import get_engine
from leads.models import Lead, Listing
from pipelines.score import ScoreListingPipeline
from pipelines.scoring import Scorer
from pipelines.scoring.campaign_terms import campaign_terms
from scheduler import load_timetable
from spiders.listing import ListingSpider
from tests.scheduler_support import clock, drive, local, manual_schedulers, runs_of, start_scheduler, write_timetable

FIXTURES = (clock, manual_schedulers)  # used by name below

NAME = "2025清风行动"
# a code word for ivory that no watchlist has, and a listing only that word gives away
CODE_WORD = "糖霜料"
LISTING = {"title": "糖霜料手串 老料 108颗", "description": "老糖霜料手串，包浆厚，私聊看实物", "price": 3600.0}


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        # a new keyword takes the category the watchlists give the campaign's other keywords
        (["象牙", "猛犸牙", CODE_WORD], ({"wildlife.ivory": [CODE_WORD]}, [])),
        # most of them decide; on a tie the earliest
        (["穿山甲鳞片", "象牙", "牙雕", CODE_WORD], ({"wildlife.ivory": [CODE_WORD]}, [])),
        (["穿山甲", "象牙", CODE_WORD], ({"wildlife.pangolin": [CODE_WORD]}, [])),
        # keywords the watchlists know need nothing more
        (["象牙", "穿山甲"], ({}, [])),
        # with no known keyword there is no category: the keyword is searched for, not scored
        ([CODE_WORD, "老料"], ({}, [CODE_WORD, "老料"])),
    ],
)
def test_the_category_of_a_campaign_keyword(scorer: Scorer, keywords: list[str], expected: tuple) -> None:
    assert campaign_terms(keywords, scorer) == expected


def _score_in_sweep(keywords: list[str], campaign: str | None) -> dict:
    crawler = get_crawler(ListingSpider, settings_dict={"TRADEWATCH_LEAD_THRESHOLD": 60})
    crawler.spider = ListingSpider(platform="demo", keywords=keywords, campaign=campaign)
    pipeline = ScoreListingPipeline.from_crawler(crawler)
    pipeline.open_spider()
    item = ListingItem(platform="demo", listing_id="808", url="http://127.0.0.1:8765/plain/item/808", **LISTING)
    return pipeline.process_item(item).score


def test_a_campaign_sweep_scores_a_listing_only_its_keyword_catches(tw_home: Path) -> None:
    keywords = ["象牙", CODE_WORD]
    outside = _score_in_sweep(keywords, None)
    assert outside["is_lead"] is False and not outside["hits"]  # the same words, but no campaign

    scored = _score_in_sweep(keywords, NAME)
    assert scored["is_lead"] is True
    assert scored["category"] == "wildlife.ivory"
    assert {(hit["term"], hit["category"]) for hit in scored["hits"]} == {(CODE_WORD, "wildlife.ivory")}


def test_a_bureau_watchlist_term_needs_no_campaign_category(tw_home: Path) -> None:
    folder = tw_home / "watchlists"
    folder.mkdir(parents=True, exist_ok=True)
    entry = "{term: 糖霜料, weight: 70, kind: code_word}"
    text = f"version: 1\ncategories:\n  - id: wildlife.ivory\n    terms:\n      - {entry}\n"
    (folder / "bureau.yaml").write_text(text, encoding="utf-8")
    assert campaign_terms([CODE_WORD], Scorer.load(threshold=60)) == ({}, [])
    scored = _score_in_sweep([CODE_WORD], NAME)  # a campaign of only that word: scored as the bureau says
    assert scored["is_lead"] is True and scored["category"] == "wildlife.ivory"


def test_a_campaign_swept_by_the_scheduler_scores_its_own_keyword(
    tw_home: Path, demo_market: str, clock, manual_schedulers
) -> None:
    """老物件 is in no watchlist: the campaign's sweep scores it as ivory, the category of its other keyword."""
    assert campaign_terms(["象牙", "老物件"], Scorer.load(threshold=60)) == ({"wildlife.ivory": ["老物件"]}, [])
    clock.set(local(2025, 3, 10, 12, 0))
    created = CliRunner(env={"TRADEWATCH_LANG": "en"}).invoke(
        app,
        ["campaign", "create", NAME, "--keywords", "象牙,老物件", "--platforms", "demo", "--from", "2025-03-01",
         "--to", "2025-05-31", "--cron", "0 21 * * *", "--max-pages", "1"],
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    timetable = load_timetable(write_timetable(tw_home, {"base_url": demo_market, "feed": {"time": "07:30"}}))
    sched = start_scheduler(timetable, manual_schedulers)
    drive(sched, clock, local(2025, 3, 10, 21, 30))
    (run,) = runs_of(f"campaign:{NAME}")
    assert run.outcome == "ok", run.error
    with Session(get_engine()) as session:
        found = session.exec(
            select(Lead)
            .join(Listing, col(Lead.listing_id) == col(Listing.id))
            .where(Listing.title == "老物件手镯 家中旧藏")
        ).all()
    (lead,) = found
    assert lead.campaign == NAME and lead.category == "wildlife.ivory"
    assert any(
        (hit["term"], hit["category"], hit["field"]) == ("老物件", "wildlife.ivory", "title") for hit in lead.hits
    )

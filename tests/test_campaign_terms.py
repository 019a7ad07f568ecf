"""A campaign's keywords are scored in that campaign's sweeps, with the category a clear rule gives them."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler.items import ListingItem
from pipelines.score import ScoreListingPipeline
from pipelines.scoring import Scorer
from pipelines.scoring.campaign_terms import campaign_terms
from spiders.listing import ListingSpider

NAME = "2025清风行动"
# a code word for ivory that no watchlist has, and a listing only that word gives away
CODE_WORD = "糖霜料"
LISTING = {"title": "糖霜料手串 老料 108颗", "description": "老糖霜料手串，包浆厚，私聊看实物", "price": 3600.0}


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load(threshold=60)


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

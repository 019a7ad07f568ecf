"""The sweep pipelines as units, built the way Scrapy builds them (get_crawler + from_crawler)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlmodel import Session, func, select

from crawler.items import ListingItem
from leads.db import get_engine
from leads.models import Lead, Listing
from pipelines.normalise_item import NormaliseListingPipeline
from pipelines.score import ScoreListingPipeline
from pipelines.store import StoreListingPipeline
from tests.crawl_support import project_crawler


def make_item(**overrides: object) -> ListingItem:
    fields: dict[str, object] = {
        "platform": "demo",
        "listing_id": "100231",
        "url": "http://127.0.0.1:8765/plain/item/100231",
        "title": "  老象牙手镯　包老保真  ",
        "description": "祖传老货\n\n  懂的来  私聊",
        "price": "¥12,800.00",
        "seller": " 古玩老张 ",
        "seller_id": "s1024",
        "location": "广州",
        "posted_at": "2024-05-01T08:30:00+00:00",
        "fetched_at": datetime(2024, 6, 1, 2, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return ListingItem(**fields)  # type: ignore[arg-type]


def build(pipeline_cls, **settings):
    crawler = get_crawler(settings_dict=settings)
    return pipeline_cls.from_crawler(crawler), crawler


def test_normalise_cleans_text_and_types():
    pipeline, crawler = build(NormaliseListingPipeline)
    item = pipeline.process_item(make_item())
    assert item.title == "老象牙手镯 包老保真"
    assert item.description == "祖传老货\n懂的来 私聊"
    assert item.seller == "古玩老张"
    assert (item.price, item.currency) == (12800.0, "CNY")
    assert item.posted_at == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert crawler.stats.get_value("tradewatch/items/normalised") == 1


def test_normalise_drops_a_listing_without_title_and_counts_it():
    pipeline, crawler = build(NormaliseListingPipeline)
    with pytest.raises(DropItem):
        pipeline.process_item(make_item(title="   "))
    assert crawler.stats.get_value("tradewatch/items/dropped_incomplete") == 1


def test_score_pipeline_marks_a_plain_ivory_listing_as_a_lead():
    pipeline, crawler = build(ScoreListingPipeline)
    item = pipeline.process_item(make_item(title="象牙手镯 老货"))
    assert item.score is not None
    assert item.score["is_lead"] is True
    assert item.score["category"] == "wildlife.ivory"
    assert any(hit["term"] for hit in item.score["hits"])
    assert crawler.stats.get_value("tradewatch/items/leads") == 1


def test_score_pipeline_keeps_an_ordinary_listing_without_a_lead():
    pipeline, crawler = build(ScoreListingPipeline)
    item = pipeline.process_item(make_item(title="九成新 iPhone 13 128G 蓝色", description="自用手机，无拆修"))
    assert item.score is not None and item.score["is_lead"] is False
    assert crawler.stats.get_value("tradewatch/items/leads") is None


def test_one_scorer_per_crawl_shared_by_the_pipeline_and_the_spider(monkeypatch: pytest.MonkeyPatch):
    from pipelines.score import crawl_scorer
    from pipelines.scoring import Scorer

    built: list[Scorer] = []
    load = Scorer.load

    def counted(*args: object, **kwargs: object) -> Scorer:
        built.append(load(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(Scorer, "load", counted)
    pipeline, crawler = build(ScoreListingPipeline)
    assert crawl_scorer(crawler) is pipeline.scorer  # what the spider asks for before screenshotting a page
    assert len(built) == 1
    other = project_crawler(TRADEWATCH_LEAD_THRESHOLD=90)
    assert crawl_scorer(other) is not pipeline.scorer and crawl_scorer(other).threshold == 90
    assert len(built) == 2


def _counts(url: str) -> tuple[int, int]:
    with Session(get_engine(url)) as session:
        listings = session.exec(select(func.count()).select_from(Listing)).one()
        leads = session.exec(select(func.count()).select_from(Lead)).one()
    return listings, leads


def test_store_dedupes_listings_and_updates_the_lead(tw_home: Path):
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    normalise, _ = build(NormaliseListingPipeline)
    scorer, _ = build(ScoreListingPipeline)
    crawler = project_crawler(TRADEWATCH_DATABASE_URL=url)
    store = StoreListingPipeline.from_crawler(crawler)
    store.open_spider()

    def sweep(item: ListingItem) -> None:
        store.process_item(scorer.process_item(normalise.process_item(item)))

    try:
        sweep(make_item(title="象牙手镯", price="¥12,800"))
        sweep(make_item(title="象牙手镯", price="¥9,800"))
        sweep(make_item(listing_id="100232", title="儿童自行车 16寸", description="闲置，孩子长大了"))
    finally:
        asyncio.run(store.close_spider())
    assert _counts(url) == (2, 1)
    assert crawler.stats.get_value("tradewatch/leads/new") == 1
    assert crawler.stats.get_value("tradewatch/leads/updated") == 1
    assert crawler.stats.get_value("tradewatch/listings/new") == 2
    with Session(get_engine(url)) as session:
        listing = session.exec(select(Listing).where(Listing.listing_id == "100231")).one()
    assert listing.times_seen == 2
    assert listing.price == 9800.0
    assert listing.posted_at == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)

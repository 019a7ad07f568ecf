"""Sweeps that read listing photos: leads whose words are only in the photo, found with OCR and not without;
hostile photos counted and skipped while the sweep goes on.

OCR is CPU-heavy on a shared machine: one worker, the demo's photo listings only (one search keyword).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.demo_market.photos import PHOTO_KEYWORD, PHOTO_LISTINGS
from leads.db import get_engine
from leads.models import CrawlRun, Lead, Listing

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
IMAGE_ONLY = {spec.listing_id for spec in PHOTO_LISTINGS if spec.category}
LOOK_ALIKES = {spec.listing_id for spec in PHOTO_LISTINGS if not spec.category}


def sweep_photos(base_url: str, *extra: str) -> tuple[set[str], set[str], dict]:
    """(listing ids stored, listing ids that are leads, the run's stats) of a sweep of the photo listings."""
    result = runner.invoke(
        app, ["sweep", "--platform", "demo", "--keywords", PHOTO_KEYWORD, "--base-url", base_url, *extra]
    )
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        stored = set(session.exec(select(Listing.listing_id)))
        leads = set(session.exec(select(Listing.listing_id).join(Lead, Lead.listing_id == Listing.id)))
        stats = session.exec(select(CrawlRun.stats)).one()
    return stored, leads, stats


@pytest.fixture
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWATCH_OCR_WORKERS", "1")


def test_image_only_leads_need_ocr_and_hostile_photos_are_skipped(
    demo_market: str, tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_worker: None
) -> None:
    stored, leads, stats = sweep_photos(demo_market)
    assert stored == IMAGE_ONLY | LOOK_ALIKES  # the listing with hostile photos is stored like any other
    assert leads == IMAGE_ONLY
    # 50 megapixels and the decompression bomb: too large; the SVG: not an image; the truncated JPEG: broken
    assert stats["tradewatch/images/skipped/too_large"] == 2
    assert stats["tradewatch/images/skipped/not_an_image"] == 1
    assert stats["tradewatch/images/skipped/broken"] == 1
    # the photo two sellers share is stored and read once
    distinct = {name for spec in PHOTO_LISTINGS for name in spec.photos if not name.startswith("hostile-")}
    assert stats["tradewatch/images/stored"] == len(distinct) + 1  # + the truncated JPEG, refused when decoded
    assert len(list((tw_home / "images").glob("??/*"))) == len(distinct) + 1

    monkeypatch.setenv("TRADEWATCH_HOME", str(tmp_path / "without-ocr"))
    stored, leads, stats = sweep_photos(demo_market, "--no-ocr")
    assert stored == IMAGE_ONLY | LOOK_ALIKES
    assert leads == set()
    assert "tradewatch/images/ocr" not in stats and stats["tradewatch/images/read"] >= len(distinct)

"""Sweeps that read listing photos: leads whose words are only in the photo, found with OCR and not without;
hostile photos counted and skipped while the sweep goes on.

OCR is CPU-heavy on a shared machine: one worker, the demo's photo listings only (one search keyword).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from cli.app import app
from crawler.demo_market.photos import PHOTO_KEYWORD, PHOTO_LISTINGS
from leads.db import get_engine
from leads.evidence import blob_path, evidence_root, lead_evidence
from leads.models import CrawlRun, Lead, Listing

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
IMAGE_ONLY = {spec.listing_id for spec in PHOTO_LISTINGS if spec.category}
LOOK_ALIKES = {spec.listing_id for spec in PHOTO_LISTINGS if not spec.category}


def sweep_photos(base_url: str, *extra: str, platforms: tuple[str, ...] = ("demo",)) -> tuple[set, set, dict]:
    """((platform, listing id) stored, those that are leads, the stats of each platform's run) of a sweep of the
    photo listings."""
    chosen = [arg for platform in platforms for arg in ("--platform", platform)]
    result = runner.invoke(app, ["sweep", *chosen, "--keywords", PHOTO_KEYWORD, "--base-url", base_url, *extra])
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        stored = set(session.exec(select(Listing.platform, Listing.listing_id)))
        leads = set(
            session.exec(select(Listing.platform, Listing.listing_id).join(Lead, Lead.listing_id == Listing.id))
        )
        stats = {run.platform: run.stats for run in session.exec(select(CrawlRun))}
    return stored, leads, stats


def lead_of(platform: str, listing_id: str) -> int:
    with Session(get_engine()) as session:
        statement = select(Lead.id).join(Listing, Lead.listing_id == Listing.id)
        return session.exec(statement.where(Listing.platform == platform, Listing.listing_id == listing_id)).one()


@pytest.fixture
def one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWATCH_OCR_WORKERS", "1")


@pytest.mark.timeout(900)  # three sweeps reading photos on one OCR worker; a shared machine makes them slow
def test_image_only_leads_need_ocr_reused_photos_are_linked_and_hostile_photos_skipped(
    demo_market: str, tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_worker: None
) -> None:
    platforms = ("demo", "demo-gbk")
    stored, leads, stats = sweep_photos(demo_market, platforms=platforms)
    assert stored == {(platform, i) for platform in platforms for i in IMAGE_ONLY | LOOK_ALIKES}
    assert leads == {(platform, i) for platform in platforms for i in IMAGE_ONLY}
    for platform in platforms:
        # 50 megapixels and the decompression bomb: too large; the SVG: not an image; the cut JPEG: broken
        assert stats[platform]["tradewatch/images/skipped/too_large"] == 2
        assert stats[platform]["tradewatch/images/skipped/not_an_image"] == 1
        assert stats[platform]["tradewatch/images/skipped/broken"] == 1
    # every photo is stored once by its content, whichever listing, seller or platform shows it
    distinct = {name for spec in PHOTO_LISTINGS for name in spec.photos if not name.startswith("hostile-")}
    assert len(list((tw_home / "images").glob("??/*"))) == len(distinct) + 1  # + the cut JPEG, refused on decoding

    shown = runner.invoke(app, ["leads", "show", str(lead_of("demo", "099004"))], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    output = shown.output
    assert "Text in photos" in output and "鹤顶红" in output and "images/" in output
    assert "Same photo elsewhere" in output
    # the other seller's listing on this platform and both listings on the other platform use the same photo
    for platform, listing_id in (("demo", "099005"), ("demo-gbk", "099004"), ("demo-gbk", "099005")):
        assert f"{platform} {listing_id}" in output
    assert "099001" not in output.split("Same photo elsewhere")[1]
    data = json.loads(runner.invoke(app, ["leads", "show", str(lead_of("demo", "099004")), "--json"]).stdout)
    hits = [hit for hit in data["lead"]["hits"] if hit["field"] == "image_text"]
    assert hits and all(hit["image"].startswith("images/") and "鹤顶红" in hit["line"] for hit in hits[:1])

    # the photo that produced the hits is evidence: in the manifest with its hash, and in the WARC as a response
    shared_photo = next(photo for photo in data["listing"]["images"] if "鹤顶红" in "".join(photo["lines"]))
    with Session(get_engine()) as session:
        captures = lead_evidence(session, lead_of("demo", "099004"))
    files = captures[-1][1]
    photos = [file for file in files if file.kind == "photo"]
    assert [(file.sha256, file.media_type) for file in photos] == [(shared_photo["sha256"], "image/jpeg")]
    warc = next(file for file in files if file.kind == "warc")
    root = evidence_root()
    with blob_path(root, warc.sha256).open("rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(stream)]
    assert ("response", shared_photo["url"]) in records

    monkeypatch.setenv("TRADEWATCH_HOME", str(tmp_path / "without-ocr"))
    stored, leads, stats = sweep_photos(demo_market, "--no-ocr")
    assert stored == {("demo", i) for i in IMAGE_ONLY | LOOK_ALIKES}
    assert leads == set()
    assert "tradewatch/images/ocr" not in stats["demo"] and stats["demo"]["tradewatch/images/read"] >= len(distinct)

"""Evidence: content-addressed files, versions, WARC that `warcio check` accepts, verify and export bundles."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import zipfile
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.errors import EvidenceError
from crawler.items import ListingItem, PageCapture
from leads.db import get_engine
from leads.evidence import (
    BlobBatch,
    blob_path,
    build_warc,
    evidence_root,
    export_bundle,
    lead_evidence,
    put_blob,
    sha256_bytes,
    tool_versions,
    verify_evidence,
)
from leads.models import EvidenceFile
from pipelines.store import StoreListingPipeline, capture_values
from tests.crawl_support import PAGE, PNG, page_capture, project_crawler
from tests.leadstore_support import listing, score, sight

WARCIO = Path(sys.executable).with_name("warcio")


def captured_lead(url: str, *captures: PageCapture, stored: int | None = None) -> int:
    """A lead, then its listing seen again once per capture, through the store pipeline (which keeps a lead's
    page as evidence in the transaction that stores the sighting)."""
    lead_pk = sight(url, listing_values=listing()).lead_pk
    assert lead_pk is not None
    pipeline = StoreListingPipeline.from_crawler(project_crawler(TRADEWATCH_DATABASE_URL=url))
    pipeline.open_spider()
    try:
        for capture in captures:
            item = ListingItem(**listing(url=capture.final_url), score=score(), capture=capture)
            assert pipeline.process_item(item).extra["lead_pk"] == lead_pk
    finally:
        asyncio.run(pipeline.close_spider())
    assert pipeline.stats.get_value("tradewatch/evidence/captured") == (len(captures) if stored is None else stored)
    return lead_pk


def test_a_capture_stores_every_file_content_addressed_with_a_manifest(store_url: str, tw_home: Path):
    lead_pk = captured_lead(store_url, page_capture(screenshot=PNG, renderer="playwright"))
    with Session(get_engine(store_url)) as session:
        [(capture, files)] = lead_evidence(session, lead_pk)
    assert capture.version == 1 and capture.final_url.endswith("/100231") and capture.redirect_urls
    kinds = {file.kind: file for file in files}
    assert set(kinds) == {"response_body", "screenshot", "http_headers", "warc", "capture_metadata", "manifest"}
    root = evidence_root(tw_home)
    assert blob_path(root, kinds["response_body"].sha256).read_bytes() == PAGE.encode()
    assert blob_path(root, kinds["screenshot"].sha256).read_bytes() == PNG
    manifest = json.loads(blob_path(root, kinds["manifest"].sha256).read_bytes())
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == {
        file.name: file.sha256 for file in files if file.kind != "manifest"
    }
    assert {"type", "format", "size", "sha256"} <= set(manifest["files"][0])
    exchange = json.loads(blob_path(root, kinds["http_headers"].sha256).read_bytes())
    assert exchange["response"]["status"] == 200 and exchange["request"]["url"].endswith("from=search")


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root / "sha256")) for path in (root / "sha256").rglob("*") if path.is_file())


def test_blobs_are_stored_one_folder_deep_and_blobs_of_the_earlier_two_level_layout_are_found_and_kept(
    tw_home: Path,
):
    root = evidence_root(tw_home)
    single, _ = put_blob(root, "<html>象牙手镯</html>".encode())
    batch = BlobBatch(root)
    batched, _ = batch.put(b"<html>batch</html>")
    batch.finish()
    assert stored_files(root) == sorted([f"{single[:2]}/{single}", f"{batched[:2]}/{batched}"])
    # a store written before: its blobs two folders deep are read where they are and never written again
    earlier_data = "<html>穿山甲鳞片</html>".encode()
    earlier = sha256_bytes(earlier_data)
    path = root / "sha256" / earlier[:2] / earlier[2:4] / earlier
    path.parent.mkdir(parents=True)
    path.write_bytes(earlier_data)
    assert blob_path(root, earlier) == path
    assert put_blob(root, earlier_data) == (earlier, len(earlier_data))
    again = BlobBatch(root)
    assert again.put(earlier_data) == (earlier, len(earlier_data))
    again.finish()
    assert stored_files(root) == sorted(
        [f"{single[:2]}/{single}", f"{batched[:2]}/{batched}", f"{earlier[:2]}/{earlier[2:4]}/{earlier}"]
    )


def test_a_capture_stored_under_the_earlier_layout_verifies_and_exports(store_url: str, tw_home: Path, tmp_path: Path):
    lead_pk = captured_lead(store_url, page_capture())
    root = evidence_root(tw_home)
    for name in stored_files(root):  # as a store written before kept them
        digest = name.split("/")[-1]
        earlier = root / "sha256" / digest[:2] / digest[2:4] / digest
        earlier.parent.mkdir(parents=True, exist_ok=True)
        (root / "sha256" / name).rename(earlier)
    with Session(get_engine(store_url)) as session:
        checked, problems = verify_evidence(session, lead_pk=lead_pk)
        assert checked >= 5 and problems == []
        result = export_bundle(session, lead_pk, tmp_path / "case.zip")
    with zipfile.ZipFile(result.path) as bundle:
        assert bundle.read("v1/response-body.html") == PAGE.encode()


def test_a_recapture_is_a_new_version_and_nothing_is_overwritten(store_url: str, tw_home: Path):
    first = page_capture()
    second = replace(first, body=(PAGE + "<!-- 已售 -->").encode(), fetched_at=datetime(2026, 3, 6, 2, 0, tzinfo=UTC))
    lead_pk = captured_lead(store_url, first, second)
    with Session(get_engine(store_url)) as session:
        captures = lead_evidence(session, lead_pk)
    assert [capture.version for capture, _ in captures] == [1, 2]
    bodies = [next(f for f in files if f.kind == "response_body") for _, files in captures]
    assert bodies[0].sha256 != bodies[1].sha256
    assert blob_path(evidence_root(tw_home), bodies[0].sha256).read_bytes() == PAGE.encode()


def test_seeing_the_same_page_again_adds_no_new_version(store_url: str, tw_home: Path):
    first = page_capture()
    again = replace(first, fetched_at=datetime(2026, 3, 6, 2, 0, tzinfo=UTC))
    lead_pk = captured_lead(store_url, first, again, stored=1)
    with Session(get_engine(store_url)) as session:
        assert [capture.version for capture, _ in lead_evidence(session, lead_pk)] == [1]


def test_warcio_check_passes_on_the_warc_we_write(tw_home: Path):
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    lead_pk = captured_lead(url, page_capture(), page_capture(status=404, body=b"", redirect_urls=[]))
    with Session(get_engine(url)) as session:
        warcs = [f for _, files in lead_evidence(session, lead_pk) for f in files if f.kind == "warc"]
    assert len(warcs) == 2
    for warc in warcs:
        path = blob_path(evidence_root(tw_home), warc.sha256)
        result = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "digest pass" in result.stdout
        index = subprocess.run([str(WARCIO), "index", str(path)], capture_output=True, text=True, check=True)
        types = [json.loads(line)["warc-type"] for line in index.stdout.splitlines()]
        assert types == ["warcinfo", "response", "request", "metadata"]


def test_each_warc_record_is_a_gzip_member_of_its_own_compressed_below_the_maximum_level():
    data = build_warc(capture_values(page_capture()), datetime(2026, 3, 5, 9, 30, tzinfo=UTC), tool_versions())
    members = []
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        members.append((data[8], inflater.decompress(data)))  # byte 8 of a gzip header: XFL, 2 at level 9
        data = inflater.unused_data
    kinds = [next(line for line in record.split(b"\r\n") if line.startswith(b"WARC-Type: ")) for _, record in members]
    assert kinds == [
        b"WARC-Type: warcinfo",
        b"WARC-Type: response",
        b"WARC-Type: request",
        b"WARC-Type: metadata",
    ]
    assert all(record.startswith(b"WARC/1.0\r\n") and record.endswith(b"\r\n\r\n") for _, record in members)
    assert {extra_flags for extra_flags, _ in members} == {0}  # zlib's default level, not its slowest


def test_verify_reports_one_changed_byte_with_lead_and_file(store_url: str, tw_home: Path):
    lead_pk = captured_lead(store_url, page_capture(screenshot=PNG, renderer="playwright"))
    with Session(get_engine(store_url)) as session:
        assert verify_evidence(session)[1] == []
        screenshot = session.exec(select(EvidenceFile).where(EvidenceFile.kind == "screenshot")).one()
        path = blob_path(evidence_root(tw_home), screenshot.sha256)
        path.chmod(0o644)
        data = bytearray(path.read_bytes())
        data[-1] ^= 0x01
        path.write_bytes(bytes(data))
        checked, problems = verify_evidence(session, lead_pk=lead_pk)
    assert checked == 6
    assert [(p.lead_pk, p.version, p.name) for p in problems] == [(lead_pk, 1, "screenshot.png")]
    assert "hash mismatch" in str(problems[0]) and str(lead_pk) in str(problems[0])


def test_verify_reports_a_missing_file(store_url: str, tw_home: Path):
    lead_pk = captured_lead(store_url, page_capture())
    with Session(get_engine(store_url)) as session:
        warc = session.exec(select(EvidenceFile).where(EvidenceFile.kind == "warc")).one()
        blob_path(evidence_root(tw_home), warc.sha256).unlink()
        _, problems = verify_evidence(session)
    assert [(p.lead_pk, p.name) for p in problems] == [(lead_pk, "capture.warc.gz")]
    assert "missing" in problems[0].problem


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_an_unzipped_bundle_checks_with_sha256sum(store_url: str, tw_home: Path, tmp_path: Path):
    changed = page_capture(body=(PAGE + "<!-- 已售 -->").encode())
    lead_pk = captured_lead(store_url, page_capture(screenshot=PNG, renderer="playwright"), changed)
    out = tmp_path / "lead.zip"
    with Session(get_engine(store_url)) as session:
        result = export_bundle(session, lead_pk, out)
        with pytest.raises(EvidenceError, match="already exists"):
            export_bundle(session, lead_pk, out)
    assert result.captures == 2
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(out) as bundle:
        bundle.extractall(unpacked)
        names = set(bundle.namelist())
    assert {"SHA256SUMS", "capture-record.txt", "v1/manifest.json", "v2/capture.warc.gz", "v1/screenshot.png"} <= names
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=unpacked, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1
    record = (unpacked / "capture-record.txt").read_text(encoding="utf-8")
    for expected in (
        "案由 / Case: \n",
        "古玩老张",
        "http://127.0.0.1:8765/plain/item/100231",
        "2026-03-05 02:00:07 UTC",
    ):
        assert expected in record
    manifest = json.loads((unpacked / "v1" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert (unpacked / "v1" / entry["name"]).stat().st_size == entry["size"]
    for name in ("manifest.json", "capture.json", "http-exchange.json"):  # one line each: json's C encoder
        text = (unpacked / "v1" / name).read_text(encoding="utf-8")
        assert text.count("\n") == 1 and json.loads(text)


def test_export_refuses_altered_evidence(store_url: str, tw_home: Path, tmp_path: Path):
    lead_pk = captured_lead(store_url, page_capture())
    with Session(get_engine(store_url)) as session:
        body = session.exec(select(EvidenceFile).where(EvidenceFile.kind == "response_body")).one()
        path = blob_path(evidence_root(tw_home), body.sha256)
        path.chmod(0o644)
        path.write_bytes(PAGE.replace("12800", "1280").encode())
        with pytest.raises(EvidenceError, match="verification"):
            export_bundle(session, lead_pk, tmp_path / "lead.zip")
    assert not (tmp_path / "lead.zip").exists()


def test_listings_that_are_no_lead_keep_no_evidence(tw_home: Path):
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    pipeline = StoreListingPipeline.from_crawler(project_crawler(TRADEWATCH_DATABASE_URL=url))
    pipeline.open_spider()
    item = ListingItem(**listing(title="儿童自行车"), score=score(5, is_lead=False), capture=page_capture())
    try:
        stored = pipeline.process_item(item)
    finally:
        asyncio.run(pipeline.close_spider())
    assert "listing_pk" in stored.extra and "lead_pk" not in stored.extra
    assert pipeline.stats.get_value("tradewatch/evidence/captured") is None
    assert not evidence_root(tw_home).exists()


def test_evidence_commands_verify_and_export(tw_home: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from cli.app import app

    runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    lead_pk = captured_lead(url, page_capture())
    ok = runner.invoke(app, ["evidence", "verify", str(lead_pk)])
    assert ok.exit_code == 0, ok.output
    assert "5 files checked, 0 problems" in ok.output  # body, exchange, WARC, capture record, manifest
    out = tmp_path / "lead.zip"
    exported = runner.invoke(app, ["evidence", "export", str(lead_pk), "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert zipfile.is_zipfile(out)
    with Session(get_engine(url)) as session:
        body = session.exec(select(EvidenceFile).where(EvidenceFile.kind == "response_body")).one()
    path = blob_path(evidence_root(tw_home), body.sha256)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b" ")
    broken = runner.invoke(app, ["evidence", "verify", "--all"])
    assert broken.exit_code == 1
    assert f"lead {lead_pk}" in broken.output and "response-body.html" in broken.output
    refused = runner.invoke(app, ["evidence", "export", str(lead_pk), "--out", str(tmp_path / "again.zip")])
    assert refused.exit_code != 0 and "verification" in refused.output
    assert runner.invoke(app, ["evidence", "verify"]).exit_code != 0

"""Hostile text in every scraped field goes through the real pipelines into SQLite and PostgreSQL and back:

- SQL metacharacters round-trip unchanged (and no table is dropped);
- NUL characters are removed by the normaliser (PostgreSQL text cannot hold them), nothing else is changed;
- path separators and `..` never reach a file name under TRADEWATCH_HOME (evidence is content-addressed);
- terminal escapes never reach the terminal (`leads show` shows them escaped);
- formula injection never reaches an export (CSV and XLSX cells are text starting with `'`).
"""

from __future__ import annotations

import asyncio
import csv
import inspect as inspect_module
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect
from sqlmodel import Session
from typer.testing import CliRunner

from cli.app import app
from crawler.items import ListingItem, PageCapture
from leads.db import get_engine
from leads.evidence import verify_evidence
from leads.models import Lead, Listing
from pipelines.normalise_item import NormaliseListingPipeline
from pipelines.score import ScoreListingPipeline
from pipelines.store import StoreListingPipeline
from tests.crawl_support import project_crawler

SQL = "'); DROP TABLE listing;--"
OSC52 = "\x1b]52;c;aGFja2Vk\x07"
HOSTILE = f'{SQL} ../../etc/passwd ..\\..\\windows\\system32 a\x00b {OSC52} \x1b[2J\u202e =HYPERLINK("http://e.x","x")'
FORMULA = '=HYPERLINK("http://evil.example","点我")'
runner = CliRunner()


def _run_pipelines(item: ListingItem, store_url: str, home: Path) -> ListingItem:
    crawler = project_crawler(TRADEWATCH_DATABASE_URL=store_url, TRADEWATCH_HOME=str(home))
    crawler.stats.open_spider()
    pipelines = [
        NormaliseListingPipeline.from_crawler(crawler),
        ScoreListingPipeline.from_crawler(crawler),
        StoreListingPipeline.from_crawler(crawler),
    ]

    async def run() -> ListingItem:
        result = item
        for pipeline in pipelines:
            if hasattr(pipeline, "open_spider"):
                pipeline.open_spider()
        for pipeline in pipelines:
            result = pipeline.process_item(result)
            if inspect_module.isawaitable(result):
                result = await result
        for pipeline in pipelines:
            closing = pipeline.close_spider() if hasattr(pipeline, "close_spider") else None
            if inspect_module.isawaitable(closing):
                await closing
        return result

    return asyncio.run(run())


@pytest.fixture
def hostile_lead(store_url: str, tw_home: Path) -> tuple[int, str]:
    url = "http://shop.example/../../etc/passwd?q=" + SQL
    item = ListingItem(
        platform="demo",
        listing_id="../../etc/passwd'); DROP TABLE lead;--",
        url=url,
        title=f"象牙手镯 出售 {HOSTILE}",
        description=f"老象牙 {HOSTILE}\n{FORMULA}",
        price="¥1200",
        seller=FORMULA,
        seller_id="..\\..\\" + SQL,
        location=f"{OSC52}../",
        capture=PageCapture(
            requested_url=url,
            final_url=url,
            status=200,
            headers={"Content-Type": ["text/html; charset=utf-8"], "X-Evil": ["../../" + SQL]},
            body=HOSTILE.encode(),
            fetched_at=datetime.now(UTC),
        ),
        fetched_at=datetime.now(UTC),
    )
    stored = _run_pipelines(item, store_url, tw_home)
    assert stored.extra.get("evidence_version") == 1, "the hostile listing should be a lead with evidence"
    return stored.extra["lead_pk"], store_url


def test_sql_metacharacters_round_trip_unchanged_and_nul_is_removed(hostile_lead):
    lead_pk, store_url = hostile_lead
    engine = get_engine(store_url)
    with Session(engine) as session:
        lead = session.get(Lead, lead_pk)
        listing = session.get(Listing, lead.listing_id)
    without_nul = HOSTILE.replace("\x00", "")
    assert listing.title == f"象牙手镯 出售 {without_nul}"
    assert listing.description == f"老象牙 {without_nul}\n{FORMULA}"
    assert listing.listing_id == "../../etc/passwd'); DROP TABLE lead;--"
    assert listing.seller == FORMULA and listing.seller_id == "..\\..\\" + SQL
    assert listing.url.endswith("?q=" + SQL)
    assert {"listing", "lead", "evidence"} <= set(inspect(engine).get_table_names())


def test_no_scraped_text_reaches_a_file_name(hostile_lead, tw_home: Path):
    lead_pk, store_url = hostile_lead
    names = [path.name for path in tw_home.rglob("*")]
    assert names, "the evidence store wrote nothing"
    for name in names:
        for fragment in ("passwd", "windows", "DROP", "..", "\\", "'", "\x1b", "HYPERLINK"):
            assert fragment not in name, name
    with Session(get_engine(store_url)) as session:
        checked, problems = verify_evidence(session, lead_pk=lead_pk, home=tw_home)
    assert checked >= 5 and problems == []


def test_terminal_escapes_never_reach_the_terminal(hostile_lead):
    lead_pk, _ = hostile_lead
    result = runner.invoke(app, ["leads", "show", str(lead_pk)], env={"COLUMNS": "400", "TRADEWATCH_LANG": "en"})
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\u202e", "\x00"):
        assert raw not in result.output
    assert "\\x1b]52;c;aGFja2Vk\\x07" in result.output.replace("\n", "")
    as_json = runner.invoke(app, ["leads", "show", str(lead_pk), "--json"])
    assert as_json.exit_code == 0 and "\x1b" not in as_json.output


def test_formula_injection_never_reaches_an_export(hostile_lead, tmp_path: Path):
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"leads.{suffix}"
        result = runner.invoke(app, ["leads", "export", "--out", str(out)], env={"TRADEWATCH_LANG": "zh"})
        assert result.exit_code == 0, result.output
        if suffix == "csv":
            rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
            cells = [cell for row in rows[1:] for cell in row]
        else:
            sheet = load_workbook(out).active
            cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
            assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=2) for cell in row)
        assert "'" + FORMULA in cells
        assert not any(isinstance(cell, str) and cell.startswith(("=", "+", "@")) for cell in cells)
        assert not any(isinstance(cell, str) and "\x1b" in cell for cell in cells)

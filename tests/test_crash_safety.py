"""Crash safety: sweeps killed with SIGKILL at random moments lose nothing and leave nothing half-done.

Real sweep processes (`python -m runners.sweep_child REQUEST_FILE`, as `run_sweep` starts them) crawl a slowed-down
demo marketplace and are killed, process group and all, after seeded random delays. A final sweep then runs
to completion. Afterwards every listing and lead exists exactly once, the leads are those an uninterrupted
sweep makes, every evidence file referenced is complete on disk with its recorded SHA-256 and size, the audit
chain verifies, and the killed runs are told apart from the finished one. Scrapy's JOBDIR is not used: each
listing is one committed transaction, and evidence files are written (temp file, fsync, link) before the row
that references them commits.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from crawler.demo_market.catalogue import build_catalogue
from crawler.demo_market.pages import PAGE_SIZE
from leads.audit import verify_chain
from leads.db import get_engine
from leads.evidence import verify_evidence
from leads.models import CrawlRun, Evidence, Lead, Listing
from pipelines.scoring import Scorer
from runners.sweep import SweepRequest, run_sweep
from spiders.sweep_params import SweepParams

KEYWORDS = ["象牙", "穿山甲", "犀牛角"]
MAX_PAGES = 2
KILLS = {"sqlite": 10, "postgresql": 5}
ROOT = Path(__file__).resolve().parents[1]


def _expected_listing_ids() -> set[str]:
    catalogue = build_catalogue()
    return {li.listing_id for kw in KEYWORDS for li in catalogue.search(kw)[: MAX_PAGES * PAGE_SIZE]}


def _run_count(store_url: str) -> int:
    with Session(get_engine(store_url)) as session:
        return int(session.exec(select(func.count()).select_from(CrawlRun)).one())


def _kill_sweeps(request: SweepRequest, store_url: str, kills: int, seed: int) -> None:
    """Start the sweep child and SIGKILL its process group, `kills` times.

    Even-numbered kills come after a random delay from the start (start-up included); odd-numbered ones after
    a random delay once the child has recorded its run, so they land while pages are being stored.
    """
    chooser = random.Random(seed)
    request_file = request.log_file.with_suffix(".json")
    request_file.write_text(request.model_dump_json(), encoding="utf-8")
    for number in range(kills):
        runs_before = _run_count(store_url)
        child = subprocess.Popen(
            [sys.executable, "-m", "runners.sweep_child", str(request_file)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if number % 2:
            deadline = time.monotonic() + 30
            while _run_count(store_url) == runs_before and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            delay = chooser.uniform(0.0, 2.5)
        else:
            delay = chooser.uniform(0.5, 5.0)
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_killed_sweeps_lose_nothing_and_the_rerun_finishes_the_work(
    store_url: str, demo_market_factory, tw_home: Path, request: pytest.FixtureRequest
):
    backend = "postgresql" if store_url.startswith("postgresql") else "sqlite"
    base_url = demo_market_factory(slow_ms=150)
    sweep = SweepRequest(
        platforms=["demo"],
        params=SweepParams(keywords=KEYWORDS, max_pages=MAX_PAGES),
        base_url=base_url,
        log_file=tw_home / "logs" / "killed.log",
        distributed=False,
    )
    (tw_home / "logs").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _kill_sweeps(sweep, store_url, KILLS[backend], seed=20240601)
    assert _run_count(store_url) >= 1, "no sweep got as far as recording its run: the kills came too early"

    result = run_sweep(sweep.model_copy(update={"log_file": tw_home / "logs" / "final.log"}), timeout=120)
    assert time.monotonic() - started < 220

    expected = _expected_listing_ids()
    scorer = Scorer.load(threshold=60)
    with Session(get_engine(store_url)) as session:
        listings = list(session.exec(select(Listing)))
        ids = [listing.listing_id for listing in listings]
        assert len(ids) == len(set(ids)), "a listing was stored twice"
        assert set(ids) == expected
        leads = list(session.exec(select(Lead)))
        lead_listings = [lead.listing_id for lead in leads]
        assert len(lead_listings) == len(set(lead_listings)), "a listing has two leads"
        by_pk = {listing.id: listing for listing in listings}
        # the leads an uninterrupted sweep makes: every stored listing the scorer calls a lead, and only those
        should_be_leads = {
            listing.listing_id
            for listing in listings
            if scorer.score(
                {"title": listing.title, "description": listing.description, "price": listing.price}
            ).is_lead
        }
        assert {by_pk[pk].listing_id for pk in lead_listings} == should_be_leads
        assert should_be_leads
        # every lead has evidence from the final sweep at least, and every file referenced is complete
        with_evidence = set(session.exec(select(Evidence.lead_pk).distinct()))
        assert with_evidence == {lead.id for lead in leads}
        checked, problems = verify_evidence(session, home=tw_home)
        assert checked > 0 and problems == []
        events, chain_problems = verify_chain(session)
        assert events >= len(leads) and chain_problems == []
        runs = list(session.exec(select(CrawlRun).order_by(col(CrawlRun.id))))
    final = [run for run in runs if run.id in result.run_ids]
    assert len(final) == 1 and final[0].finished_at is not None and final[0].outcome == "ok"
    # killed runs never claim an outcome: they stay without a finish time (shown as not finished)
    for run in runs:
        if run.id not in result.run_ids:
            assert run.outcome is None or run.finished_at is not None

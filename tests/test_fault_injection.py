"""Faults injected while tradewatch works, each bounded in time: the disk filling during evidence writes, the
lead store's server restarting in the middle of a sweep, Redis restarting in the middle of a distributed sweep.

Whatever happens, the command ends with a clear outcome (never a traceback on the terminal), nothing is
committed twice, and the store still opens and verifies afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session, func, select

from crawler.demo_market.catalogue import build_catalogue
from crawler.distributed.keys import connect
from leads.audit import verify_chain
from leads.db import dispose_engines, get_engine
from leads.evidence import evidence_root, verify_evidence
from leads.models import AuditEvent, CrawlRun, Evidence, Lead, Listing
from tests.fault_support import proxy_to, small_tmpfs
from tests.redis_support import forget_sweeps_of

pytestmark = [pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = "象牙,穿山甲,犀牛角,虎骨"
SWEEP_TIMEOUT = 240


def start_sweep(*args: str) -> subprocess.Popen[str]:
    """`tradewatch sweep ...` in a process of its own, as an officer or the scheduler runs it."""
    command = [sys.executable, "-c", "from cli.app import main; main()", "sweep", *args]
    env = {**os.environ, "TRADEWATCH_LANG": "en", "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT))}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=SWEEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"the sweep did not end within {SWEEP_TIMEOUT} s: {err[-2000:]}")
    return process.returncode, out, err


def slow_profile(tmp_path: Path, delay: float = 0.05) -> Path:
    data = yaml.safe_load((ROOT / "crawler" / "platforms" / "demo.yaml").read_text(encoding="utf-8"))
    data["politeness"].update({"concurrency_per_domain": 2, "download_delay": delay})
    path = tmp_path / "demo-slow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def count(url: str, model: Any, *where: Any) -> int:
    with Session(get_engine(url)) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def assert_committed_once_and_verifiable(url: str, home: Path, *, refetched: bool = False) -> dict[str, Any]:
    """Nothing stored twice (one listing and one lead per listing id, one `created` event per lead, and one
    sighting per listing unless pages were `refetched` by design), the chain and the evidence verify, and the
    store opens afresh."""
    dispose_engines()
    expected = {listing.listing_id for word in KEYWORDS.split(",") for listing in build_catalogue().search(word)}
    with Session(get_engine(url)) as session:
        listings = list(session.exec(select(Listing)))
        leads = int(session.exec(select(func.count()).select_from(Lead)).one())
        created = session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "created"))
        checked, problems = verify_chain(session, home=home)
        files, evidence_problems = verify_evidence(session, home=home)
        runs = list(session.exec(select(CrawlRun)))
    ids = [listing.listing_id for listing in listings]
    assert len(ids) == len(set(ids)) and set(ids) <= expected
    assert refetched or all(listing.times_seen == 1 for listing in listings), "a sighting was committed twice"
    assert int(created.one()) == leads
    assert checked > 0 and not problems, problems
    assert not evidence_problems, evidence_problems
    return {"listings": set(ids), "expected": expected, "leads": leads, "runs": runs, "files": files}


def assert_clear_failure(code: int, err: str, allowed: dict[int, str]) -> None:
    """Exit 0, or one of `allowed` codes with its one line on stderr; never a traceback."""
    assert "Traceback" not in err, err[-3000:]
    if code == 0:
        return
    assert code in allowed, (code, err[-3000:])
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and allowed[code] in lines[0], err


# ------------------------------------------------------------------------------------------- disk full


def test_the_disk_fills_during_evidence_writes(tw_home: Path, demo_market_factory, tmp_path: Path):
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    with small_tmpfs(tmp_path / "small-disk", "160k") as disk:
        tw_home.mkdir(parents=True, exist_ok=True)
        evidence_root(tw_home).symlink_to(disk, target_is_directory=True)
        process = start_sweep("--profile", str(slow_profile(tmp_path, 0)), "--keywords", KEYWORDS,
                              "--base-url", demo_market_factory())  # fmt: skip
        code, _out, err = finish(process)
        state = assert_committed_once_and_verifiable(url, tw_home)
        with Session(get_engine(url)) as session:
            captured = list(session.exec(select(Evidence)))
        leftovers = list(disk.rglob("*.tmp"))
    (run,) = state["runs"]
    assert run.stats["tradewatch/evidence/failed"] > 0, "the small disk never filled"
    assert captured and state["files"] > 0  # what fitted was kept and verifies
    assert state["listings"] == state["expected"]  # every listing and lead stored without its evidence
    assert run.outcome == "degraded" and any("evidence" in reason for reason in run.stats["tradewatch/health/reasons"])
    assert_clear_failure(code, err, {3: "sweep did not complete normally"})
    assert code == 3
    assert all(leftover.name not in {row.manifest_sha256 for row in captured} for leftover in leftovers)


# ------------------------------------------------------------------------------------- PostgreSQL restart


def test_postgresql_restarted_in_the_middle_of_a_sweep(
    tw_home: Path, postgres_url: str, demo_market_factory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    market = demo_market_factory(slow_ms=60)
    with proxy_to(postgres_url) as proxy:
        monkeypatch.setenv("TRADEWATCH_DATABASE_URL", proxy.url(postgres_url))
        process = start_sweep("--profile", str(slow_profile(tmp_path)), "--keywords", KEYWORDS, "--base-url", market)
        wait_for(lambda: count(postgres_url, Listing) >= 5, 120, "the sweep stored nothing")
        proxy.cut()  # the server goes away with every connection ...
        time.sleep(2)
        proxy.restore()  # ... and is back two seconds later
        code, _out, err = finish(process)
    state = assert_committed_once_and_verifiable(postgres_url, tw_home)
    assert_clear_failure(code, err, {69: "lead store unavailable", 3: "sweep did not complete normally"})
    (run,) = state["runs"]
    if code == 69:  # it stopped: the run says why, and what it had committed is kept
        assert (run.outcome, run.finish_reason) == ("failed", "store_unavailable")
        assert state["listings"]
    else:
        assert run.finish_reason == "finished"


# ------------------------------------------------------------------------------------------- Redis restart


@pytest.mark.redis
def test_redis_restarted_in_the_middle_of_a_distributed_sweep(
    tw_home: Path,
    postgres_url: str,
    redis_url: str,
    demo_market_factory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    market = demo_market_factory(slow_ms=60)
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", postgres_url)
    monkeypatch.setenv("TRADEWATCH_LEASE_SECONDS", "3")
    try:
        with proxy_to(redis_url) as proxy:
            monkeypatch.setenv("TRADEWATCH_REDIS_URL", proxy.url(redis_url))
            process = start_sweep(
                "--profile", str(slow_profile(tmp_path)), "--keywords", KEYWORDS, "--base-url", market, "--workers", "2"
            )
            wait_for(lambda: count(postgres_url, Listing) >= 5, 120, "the sweep stored nothing")
            proxy.cut()
            time.sleep(2)
            proxy.restore()
            code, _out, err = finish(process)
    finally:  # a coordinator that lost Redis (exit 75) leaves its sweep open for `worker --finish`
        forget_sweeps_of(connect(redis_url), market)
    # requests a worker held while cut off are fetched again once its lease expires: seen twice, stored once
    state = assert_committed_once_and_verifiable(postgres_url, tw_home, refetched=True)
    assert_clear_failure(code, err, {75: "Redis unavailable", 3: "sweep did not complete normally"})
    if code == 0:  # the workers resumed: the whole sweep is there, each lead once
        assert state["listings"] == state["expected"]

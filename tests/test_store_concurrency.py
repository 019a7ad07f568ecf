"""Several crawl processes write one SQLite home at once: nothing is lost, nothing fails on a lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlmodel import Session, func, select

from leads.audit import verify_chain
from leads.db import get_engine
from leads.models import Lead, Listing
from tests.leadstore_support import run_workers, upsert_worker

WORKERS, PER_WORKER = 4, 500


def test_four_processes_upsert_500_listings_each_into_one_sqlite_home(tw_home: Path):
    # The children start on a home that does not exist yet, so they also race to create and migrate it.
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    outcomes = run_workers(upsert_worker, [(url, n, PER_WORKER) for n in range(WORKERS)], timeout=120)
    assert outcomes == {n: "ok" for n in range(WORKERS)}
    with Session(get_engine(url)) as session:
        assert session.exec(select(func.count()).select_from(Listing)).one() == WORKERS * PER_WORKER
        assert session.exec(select(func.count()).select_from(Lead)).one() == WORKERS * PER_WORKER // 5
        checked, problems = verify_chain(session)
    assert checked == WORKERS * PER_WORKER // 5 and problems == []


def test_opening_a_store_another_process_is_writing_before_it_is_in_wal_mode_waits_for_it(tmp_path: Path):
    # Turning a store into WAL mode fails at once with "database is locked" (SQLite's busy handler does not
    # wait for it) while another connection holds the write lock of a store not yet in WAL mode, which is
    # what processes starting together on a new home do to each other.
    path = tmp_path / "tradewatch.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (a)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: writer.execute("COMMIT"))
    release.start()
    try:
        with get_engine(f"sqlite:///{path}", migrate=False).connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        release.join()
        writer.close()


def test_a_store_commits_durably_on_sqlite(tmp_path: Path):
    # In WAL mode SQLite's NORMAL setting may lose the last commits on a power cut; a store's commits are
    # leads acknowledged to the crawl and officers' decisions, so each waits for the disk (FULL = 2).
    with get_engine(f"sqlite:///{tmp_path / 'tradewatch.db'}", migrate=False).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_a_sweeps_writer_leaves_sqlite_the_spread_of_the_leads_for_its_query_planner(tw_home: Path):
    from leads.writer import ThreadWriter
    from tests.leadstore_support import listing, score, sight

    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    for n in range(30):
        sight(url, listing_values=listing(f"p{n}", seller_id=f"s{n % 3}"), score_values=score(70 + n))
    writer = ThreadWriter.open(url, tw_home)
    writer.stop()
    with get_engine(url).connect() as connection:
        analysed = set(connection.exec_driver_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'lead'").scalars())
    assert {"ix_lead_status_queue_order", "ix_lead_status_uncertainty_order"} <= analysed

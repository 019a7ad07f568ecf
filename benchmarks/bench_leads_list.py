"""`leads list` on a store of 1,000,000 leads: the query behind it must answer in under half a second.

Builds a SQLite store through the migrations, bulk-inserts one million listings and leads with SQLAlchemy
core (executemany in batches), then times the query function `leads.lead_query.find_leads` — the default
priority order, a status filter, a category filter, a family filter and a platform filter — taking the
median of several runs each. Baselines measured in the same run: a primary-key `SELECT … LIMIT 50` (the
fastest possible page) and the same queries after dropping the queue-order indexes.

    python benchmarks/bench_leads_list.py                # 1,000,000 leads in a temporary folder
    python benchmarks/bench_leads_list.py --leads 200000 --keep /tmp/bench-home
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel

from core.categories import CATEGORY_IDS

CATEGORIES = list(CATEGORY_IDS)
PLATFORMS = ["taobao", "xianyu", "pinduoduo", "jd", "1688", "weidian", "demo"]
STATUSES = ["new"] * 10 + ["queued"] * 45 + ["claimed"] * 10 + ["verified"] * 5 + ["dismissed"] * 28 + ["escalated"] * 2
TITLES = [
    "老象牙手镯 包老保真",
    "穿山甲鳞片 中药材",
    "犀牛角杯 老料",
    "鹩哥活体 会说话",
    "开刃直刀 户外",
    "电子烟 一次性",
]
BATCH = 20_000


def _row_defaults(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Fill every column the values leave out: None where nullable, else a neutral value of its type."""
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.primary_key:
            continue
        if column.nullable:
            row[column.name] = None
        else:
            python_type = getattr(column.type, "python_type", str)
            row[column.name] = {bool: False, int: 0, float: 0.0, list: [], dict: {}}.get(python_type, "")
    return row


def build_store(url: str, count: int, seed: int = 20260301) -> None:
    from leads.db import get_engine

    engine = get_engine(url)
    tables = SQLModel.metadata.tables
    listing_table, lead_table = tables["listing"], tables["lead"]
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    began = time.perf_counter()
    with engine.begin() as connection:
        for offset in range(0, count, BATCH):
            listings, leads = [], []
            for index in range(offset + 1, min(offset + BATCH, count) + 1):
                seen = start + timedelta(minutes=index // 3)
                category = rng.choice(CATEGORIES)
                score = rng.randint(60, 100)
                status = rng.choice(STATUSES)
                listings.append(
                    _row_defaults(
                        listing_table,
                        {
                            "id": index,
                            "platform": rng.choice(PLATFORMS),
                            "listing_id": str(10_000_000 + index),
                            "url": f"https://item.example.com/{index}",
                            "title": f"{rng.choice(TITLES)} {index}",
                            "description": "祖传老货，懂的来，私聊看实物",
                            "price": float(rng.randint(50, 50_000)),
                            "currency": "CNY",
                            "seller": f"卖家{index % 50_000}",
                            "seller_id": f"s{index % 50_000}",
                            "first_seen": seen,
                            "last_seen": seen,
                            "times_seen": 1,
                        },
                    )
                )
                leads.append(
                    _row_defaults(
                        lead_table,
                        {
                            "id": index,
                            "listing_id": index,
                            "score": score,
                            "family": category.split(".")[0],
                            "category": category,
                            "categories": [category],
                            "hits": [],
                            "explanation": [],
                            "status": status,
                            "campaign": "2026清风行动" if index % 10 == 0 else None,
                            "priority": round(score + rng.random() * 20, 3),
                            "assignees": [],
                            "due_date": date(2026, 2, 1) + timedelta(days=index % 60) if status != "new" else None,
                            "created_at": seen,
                            "updated_at": seen,
                            "extended": False,
                        },
                    )
                )
            connection.execute(listing_table.insert(), listings)
            connection.execute(lead_table.insert(), leads)
            done = min(offset + BATCH, count)
            if done % 200_000 == 0 or done == count:
                print(f"  {done:>9,} leads inserted ({time.perf_counter() - began:.0f} s)", flush=True)
        connection.exec_driver_sql("ANALYZE")


def median_ms(function: Callable[[], Any], runs: int) -> float:
    function()  # warm the page cache and the statement cache
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the store in this folder and keep it.")
    args = parser.parse_args()

    home = args.keep or Path(tempfile.mkdtemp(prefix="tw-bench-leads-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["TRADEWATCH_HOME"] = str(home)
    url = f"sqlite:///{home / 'tradewatch.db'}"
    os.environ["TRADEWATCH_DATABASE_URL"] = url

    from core.statuses import LeadStatus
    from leads.db import get_engine
    from leads.lead_query import LeadFilter, find_leads

    engine = get_engine(url)
    with Session(engine) as session:
        existing = session.exec(text("SELECT count(*) FROM lead")).one()[0]  # type: ignore[call-overload]
    if existing != args.leads:
        if existing:
            print(f"store at {home} has {existing:,} leads, not {args.leads:,}: use another --keep folder")
            return 2
        print(f"building a store of {args.leads:,} leads in {home} …")
        build_store(url, args.leads)

    cases: list[tuple[str, LeadFilter]] = [
        ("default order", LeadFilter()),
        ("--status queued", LeadFilter(statuses=[LeadStatus.QUEUED])),
        ("--category wildlife.pangolin", LeadFilter(category="wildlife.pangolin")),
        ("--category prohibited", LeadFilter(category="prohibited")),
        (
            "--status queued --category wildlife.ivory",
            LeadFilter(statuses=[LeadStatus.QUEUED], category="wildlife.ivory"),
        ),
        ("--platform jd", LeadFilter(platform="jd")),
    ]

    def timed_cases() -> dict[str, float]:
        results = {}
        for name, lead_filter in cases:

            def query(lead_filter: LeadFilter = lead_filter) -> None:
                with Session(engine) as session:
                    page = find_leads(session, lead_filter, limit=50)
                    assert len(page.rows) == 50

            results[name] = median_ms(query, args.runs)
        return results

    def pk_page() -> None:
        with Session(engine) as session:
            rows = session.exec(text("SELECT * FROM lead ORDER BY id LIMIT 50")).all()  # type: ignore[call-overload]
            assert len(rows) == 50

    baseline = median_ms(pk_page, args.runs)
    indexed = timed_cases()

    order_indexes = [
        (index["name"], index["column_names"])
        for index in inspect(engine).get_indexes("lead")
        if (index["name"] or "").endswith("queue_order")
    ]
    with engine.begin() as connection:
        for name, _columns in order_indexes:
            connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{name}"')
        connection.exec_driver_sql("ANALYZE")
    unindexed = timed_cases()
    with engine.begin() as connection:  # put them back, so a kept store stays as the migrations made it
        for name, columns in order_indexes:
            connection.exec_driver_sql(f'CREATE INDEX "{name}" ON lead ({", ".join(columns)})')
        connection.exec_driver_sql("ANALYZE")

    print()
    print(f"leads list query on {args.leads:,} leads, SQLite, median of {args.runs} runs, 50 leads per page")
    print(f"{'case':<44}{'indexed':>12}{'no order idx':>14}{'PK page':>10}")
    worst = 0.0
    for name, _filter in cases:
        worst = max(worst, indexed[name])
        print(f"{name:<44}{indexed[name]:>10.1f}ms{unindexed[name]:>12.1f}ms{baseline:>8.1f}ms")
    verdict = "PASS" if worst < 500 else "FAIL"
    print(f"\nslowest indexed case: {worst:.1f} ms — {verdict} (target < 500 ms)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""`leads list` and `stats` on a store of 1,000,000 leads, on SQLite and on PostgreSQL, as officers run them.

Each case is the WHOLE command in a fresh process (interpreter start, imports, settings, the query, the
table): every filter of `leads list`, both sort orders and combinations of two, and `stats`; then the
query alone (`find_lead_rows`, as the command reads its page, in this process, warm). Targets: a command
under 1.0 s, its query under 0.3 s, `stats` under 1.5 s, `tradewatch --help` under 0.4 s.

The store is built once through the migrations and bulk-inserted with SQLAlchemy core (executemany in
batches, not the ORM), then kept as a cache keyed by the schema's head revision and the lead count:
a SQLite file under benchmarks/.cache/ and a PostgreSQL database `tw_bench_leads_<revision>_<count>` on the
admin server. A cache of an older revision is dropped (a PostgreSQL one unless it is in use); `--no-cache` builds
and drops a throwaway store. The store is built without its secondary indexes, which are made at the end.

    python benchmarks/bench_leads_list.py                       # 1,000,000 leads, SQLite and PostgreSQL
    python benchmarks/bench_leads_list.py --quick               # 2,000 leads, one run: a smoke test
    python benchmarks/bench_leads_list.py --engines sqlite --leads 200000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULT_PREFIX, ROOT, postgres_admin_available

CACHE = ROOT / "benchmarks" / ".cache"
POSTGRES_ADMIN = os.environ.get("TRADEWATCH_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
COMMAND_TARGET, QUERY_TARGET, STATS_TARGET, HELP_TARGET = 1.0, 0.3, 1.5, 0.4

PLATFORMS = ["taobao", "xianyu", "pinduoduo", "jd", "1688", "weidian", "demo"]
STATUSES = ["new"] * 10 + ["queued"] * 45 + ["claimed"] * 10 + ["verified"] * 5 + ["dismissed"] * 28 + ["escalated"] * 2
OFFICERS = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
ME = "王芳"
CAMPAIGN = "2026清风行动"
TITLES = [
    "老象牙手镯 包老保真",
    "穿山甲鳞片 中药材",
    "犀牛角杯 老料",
    "鹩哥活体 会说话",
    "开刃直刀 户外",
    "电子烟 一次性",
]
BATCH = 20_000
SELLERS = 50_000  # at a million leads, twenty listings each


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    filter: dict[str, Any]
    order: str = "priority"


def cases() -> list[Case]:
    """Every filter of `leads list` alone (matching and not), both orders, and pairs of filters."""
    seller = "卖家42"
    return [
        Case("default order", (), {}),
        Case("--sort uncertain", ("--sort", "uncertain"), {}, "uncertain"),
        Case("--status queued", ("--status", "queued"), {"statuses": ["queued"]}),
        Case("--status escalated", ("--status", "escalated"), {"statuses": ["escalated"]}),
        Case("--category wildlife.pangolin", ("--category", "wildlife.pangolin"), {"category": "wildlife.pangolin"}),
        Case("--category prohibited", ("--category", "prohibited"), {"category": "prohibited"}),
        Case("--platform jd", ("--platform", "jd"), {"platform": "jd"}),
        Case("--platform unknown", ("--platform", "ebay"), {"platform": "ebay"}),
        Case(f"--campaign {CAMPAIGN}", ("--campaign", CAMPAIGN), {"campaign": CAMPAIGN}),
        Case("--campaign (none match)", ("--campaign", "2025春雷行动"), {"campaign": "2025春雷行动"}),
        Case("--seller (name)", ("--seller", seller), {"seller": seller}),
        Case("--seller (id)", ("--seller", "s42"), {"seller": "s42"}),
        Case("--seller (none match)", ("--seller", "无此卖家"), {"seller": "无此卖家"}),
        Case("--mine", ("--mine", "--officer", ME), {"officer": ME}),
        Case("--min-score 95", ("--min-score", "95"), {"min_score": 95}),
        Case("--due-before early", ("--due-before", "2026-02-01"), {"due_before": "2026-02-01"}),
        Case("--due-before late", ("--due-before", "2026-12-31"), {"due_before": "2026-12-31"}),
        Case(
            "--status queued --category wildlife.ivory",
            ("--status", "queued", "--category", "wildlife.ivory"),
            {"statuses": ["queued"], "category": "wildlife.ivory"},
        ),
        Case(
            "--status claimed --mine",
            ("--status", "claimed", "--mine", "--officer", ME),
            {"statuses": ["claimed"], "officer": ME},
        ),
        Case(
            "--platform jd --category wildlife",
            ("--platform", "jd", "--category", "wildlife"),
            {"platform": "jd", "category": "wildlife"},
        ),
        Case(
            "--campaign --status queued",
            ("--campaign", CAMPAIGN, "--status", "queued"),
            {"campaign": CAMPAIGN, "statuses": ["queued"]},
        ),
        Case(
            "--seller --status queued",
            ("--seller", seller, "--status", "queued"),
            {"seller": seller, "statuses": ["queued"]},
        ),
        Case(
            "--min-score 90 --platform xianyu",
            ("--min-score", "90", "--platform", "xianyu"),
            {"min_score": 90, "platform": "xianyu"},
        ),
        Case(
            "--due-before early --status queued",
            ("--due-before", "2026-02-01", "--status", "queued"),
            {"due_before": "2026-02-01", "statuses": ["queued"]},
        ),
        Case(
            "--status queued --sort uncertain",
            ("--status", "queued", "--sort", "uncertain"),
            {"statuses": ["queued"]},
            "uncertain",
        ),
    ]


# --- the store ----------------------------------------------------------------------------------------


def _model_defaults(model: Any) -> dict[str, Any]:
    """What the store writes for the columns a row leaves out: the model's defaults (an empty list for a JSON
    list such as `images`, where the column's type alone suggests nothing). Required columns have none."""
    from pydantic_core import PydanticUndefined

    defaults: dict[str, Any] = {}
    for column in model.__table__.columns:
        field = model.model_fields.get(column.name)
        if column.primary_key or field is None:
            continue
        if field.default_factory is not None:
            defaults[column.name] = field.default_factory()
        elif field.default is not PydanticUndefined:
            defaults[column.name] = field.default
    return defaults


def _rows(count: int, seed: int) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Listings and leads in batches: realistic spreads of status, category, platform, seller and officer."""
    from core.categories import CATEGORY_IDS
    from leads.models import Lead, Listing

    categories = list(CATEGORY_IDS)
    listing_defaults, lead_defaults = _model_defaults(Listing), _model_defaults(Lead)
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for offset in range(0, count, BATCH):
        listings, leads = [], []
        for index in range(offset + 1, min(offset + BATCH, count) + 1):
            seen = start + timedelta(seconds=index * 25)
            category = rng.choice(categories)
            score = rng.randint(60, 100)
            status = rng.choice(STATUSES)
            seller = index % max(1, min(SELLERS, count // 20))
            on_desk = status in ("claimed", "verified", "escalated")
            claimed_by = rng.choice(OFFICERS) if on_desk else None
            assignees = [rng.choice(OFFICERS)] if on_desk and rng.random() < 0.3 else []
            listings.append(
                {
                    **listing_defaults,
                    "id": index,
                    "platform": rng.choice(PLATFORMS),
                    "listing_id": str(10_000_000 + index),
                    "url": f"https://item.example.com/{index}",
                    "title": f"{rng.choice(TITLES)} {index}",
                    "description": "祖传老货，懂的来，私聊看实物",
                    "price": float(rng.randint(50, 50_000)),
                    "currency": "CNY",
                    "seller": f"卖家{seller}",
                    "seller_id": f"s{seller}",
                    "first_seen": seen,
                    "last_seen": seen,
                    "times_seen": 1,
                }
            )
            leads.append(
                {
                    **lead_defaults,
                    "id": index,
                    "listing_id": index,
                    "score": score,
                    "family": category.split(".")[0],
                    "category": category,
                    "categories": [category],
                    "hits": [],
                    "explanation": [],
                    "status": status,
                    "campaign": CAMPAIGN if index % 10 == 0 else None,
                    "priority": round(score + rng.random() * 20, 3),
                    "assignees": assignees,
                    "claimed_by": claimed_by,
                    "model_probability": round(rng.random(), 4) if index % 3 == 0 else None,
                    "due_date": date(2026, 2, 1) + timedelta(days=index * 300 // count) if status != "new" else None,
                    "created_at": seen,
                    "updated_at": seen,
                    "queued_at": seen if status != "new" else None,
                    "extended": False,
                }
            )
        yield listings, leads


def build_store(url: str, count: int, seed: int = 20260301) -> float:
    """Migrate a new store at `url` and insert `count` leads; returns the seconds it took."""
    from sqlmodel import SQLModel

    from leads.db import dispose_engines, get_engine, refresh_planner_statistics

    engine = get_engine(url)
    tables = SQLModel.metadata.tables
    # The secondary indexes are dropped for the bulk insert and made again after it: building an index from a
    # million rows at once is several times faster than growing it row by row in random order.
    indexes = [index for name in ("listing", "lead") for index in tables[name].indexes]
    began = time.perf_counter()
    with engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    # One transaction per batch, as sweeps write: the tally triggers update the same few thousand rows for
    # every lead, and on PostgreSQL one transaction of a million leads leaves every tally row a chain of
    # versions that no one can prune until it commits (each insert slower than the one before).
    for listings, leads in _rows(count, seed):
        with engine.begin() as connection:
            connection.execute(tables["listing"].insert(), listings)
            connection.execute(tables["lead"].insert(), leads)
        done = leads[-1]["id"]
        if done % 200_000 == 0 or done == count:
            print(f"  {done:>9,} leads inserted ({time.perf_counter() - began:.0f} s)", file=sys.stderr, flush=True)
    with engine.begin() as connection:
        for index in indexes:
            index.create(connection)
    # Statistics for the planner as a live store has them: on SQLite what each sweep's end leaves, on
    # PostgreSQL what autovacuum keeps (with the visibility map).
    if engine.dialect.name == "sqlite":
        refresh_planner_statistics(engine)
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    dispose_engines()
    return time.perf_counter() - began


def _revision() -> str:
    """The schema's version: the head revision and a digest of the migrations (an index added to the
    newest migration while it is being written changes it too) and of the code that makes the rows."""
    import hashlib
    import inspect

    from leads.db import MIGRATIONS_DIR, head_revision

    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    for maker in (_model_defaults, _rows):
        digest.update(inspect.getsource(maker).encode())
    return f"{head_revision()}_{digest.hexdigest()[:8]}"


@contextmanager
def sqlite_store(count: int, cached: bool) -> Iterator[str]:
    """The URL of a SQLite store of `count` leads (cached under benchmarks/.cache/)."""
    if not cached:
        folder = Path(tempfile.mkdtemp(prefix="tw-bench-leads-"))
        try:
            build_store(f"sqlite:///{folder / 'tradewatch.db'}", count)
            yield f"sqlite:///{folder / 'tradewatch.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    revision = _revision()
    path = CACHE / f"leads-{revision}-{count}.db"
    for stale in CACHE.glob(f"leads-*-{count}.db*"):
        if not stale.name.startswith(path.name):
            stale.unlink()
    if not path.exists():
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        print(f"building a SQLite store of {count:,} leads …", file=sys.stderr, flush=True)
        build_store(f"sqlite:///{partial}", count)
        partial.rename(path)
    yield f"sqlite:///{path}"


@contextmanager
def postgres_store(count: int, cached: bool) -> Iterator[str]:
    """The URL of a PostgreSQL database of `count` leads of the bench's own (kept as the cache, or dropped)."""
    import psycopg

    revision = _revision()
    prefix = "tw_bench_leads_"
    name = f"{prefix}{revision}_{count}" if cached else f"{prefix}tmp_{os.getpid()}"
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        existing = [
            row[0] for row in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",))
        ]
        for stale in existing:
            if stale.endswith(f"_{count}") and stale != name and stale < name:
                try:  # an older schema's store, unless a benchmark of another checkout is using it right now
                    admin.execute(f'DROP DATABASE "{stale}"')
                except psycopg.errors.ObjectInUse:
                    print(f"kept {stale}: in use", file=sys.stderr)
        ready = (
            name in existing
            and admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()[0]
            == "complete"
        )
        if not ready:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"building a PostgreSQL store of {count:,} leads …", file=sys.stderr, flush=True)
            build_store(f"{base}/{name}", count)
            admin.execute(f"COMMENT ON DATABASE \"{name}\" IS 'complete'")
    try:
        yield f"{base}/{name}"
    finally:
        if not cached:
            with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- timing -------------------------------------------------------------------------------------------


def command_seconds(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `tradewatch ARGS` in a fresh process (start-up included)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", "from cli.app import main; main()", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode:
            raise RuntimeError(f"tradewatch {' '.join(args)} failed: {done.stderr.strip()[-300:]}")
    return statistics.median(walls), statistics.median(cpus)


def query_seconds(url: str, case: Case, runs: int) -> tuple[float, int]:
    """Median seconds of the query alone (`find_lead_rows`, one page of 50 as `leads list` reads it, warm) and
    the rows it returned."""
    from leads.db import get_engine
    from leads.lead_view import LeadFilter, find_lead_rows

    engine = get_engine(url)
    lead_filter = LeadFilter.model_validate(case.filter)
    times, rows = [], 0

    def once() -> int:
        with engine.connect() as connection:
            return len(find_lead_rows(connection, lead_filter, limit=50, order=case.order).rows)

    once()
    for _ in range(runs):
        began = time.perf_counter()
        rows = once()
        times.append(time.perf_counter() - began)
    return statistics.median(times), rows


def measure(engine_name: str, url: str, runs: int, only: str | None = None) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_DATABASE_URL": url, "TRADEWATCH_LANG": "en"}
    home = Path(tempfile.mkdtemp(prefix="tw-bench-home-"))
    env["TRADEWATCH_HOME"] = str(home)
    rows: list[dict[str, Any]] = []
    try:
        command_seconds(["leads", "list"], env, 1)  # the first run of a store migrates nothing but warms caches
        for case in cases():
            if only and not re.search(only, case.name):
                continue
            wall, cpu = command_seconds(["leads", "list", *case.args], env, runs)
            query, found = query_seconds(url, case, runs)
            rows.append({"case": f"leads list {case.name}", "wall": wall, "cpu": cpu, "query": query, "rows": found})
            print(
                f"  {engine_name:<10} {rows[-1]['case']:<52} {wall:6.3f} s  query {query * 1000:7.1f} ms",
                file=sys.stderr,
                flush=True,
            )
        wall, cpu = command_seconds(["stats"], env, runs)
        rows.append({"case": "stats", "wall": wall, "cpu": cpu, "query": None, "rows": None})
        print(f"  {engine_name:<10} stats {wall:6.3f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return {"engine": engine_name, "rows": rows}


def verdict(row: dict[str, Any]) -> bool:
    if row["case"] == "stats":
        return row["wall"] < STATS_TARGET
    if row["case"] == "tradewatch --help":
        return row["wall"] < HELP_TARGET
    return row["wall"] < COMMAND_TARGET and row["query"] < QUERY_TARGET


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="2,000 leads, one run, no cache: a smoke test")
    parser.add_argument("--no-cache", action="store_true", help="build a throwaway store and drop it after")
    parser.add_argument("--only", help="time only the `leads list` cases whose name matches this expression")
    args = parser.parse_args()
    if args.quick:
        args.leads, args.runs, args.no_cache = 2_000, 1, True
    results: dict[str, Any] = {"leads": args.leads, "runs": args.runs, "engines": []}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_LANG": "en"}
    wall, cpu = command_seconds(["--help"], env, args.runs)
    results["help"] = {"case": "tradewatch --help", "wall": wall, "cpu": cpu, "query": None, "rows": None}
    for engine_name in args.engines.split(","):
        if engine_name == "postgresql" and not postgres_admin_available(POSTGRES_ADMIN):
            results["engines"].append(
                {"engine": engine_name, "skipped": f"PostgreSQL is not reachable at {POSTGRES_ADMIN}"}
            )
            continue
        store = sqlite_store if engine_name == "sqlite" else postgres_store
        with store(args.leads, not args.no_cache) as url:
            results["engines"].append(measure(engine_name, url, args.runs, args.only))
    results["load"] = os.getloadavg()[0]
    print_table(results)
    sys.stdout.write(RESULT_PREFIX + json.dumps(results) + "\n")
    slow = [row for part in results["engines"] for row in part.get("rows", []) if not verdict(row)]
    return 1 if (slow or not verdict(results["help"])) and not args.quick else 0


def print_table(results: dict[str, Any]) -> None:
    print(
        f"\nwhole commands in fresh processes, {results['leads']:,} leads, median of {results['runs']}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    help_row = results["help"]
    print(f"tradewatch --help: {help_row['wall']:.3f} s (CPU {help_row['cpu']:.3f} s), target < {HELP_TARGET} s")
    for part in results["engines"]:
        if "skipped" in part:
            print(f"{part['engine']}: skipped, {part['skipped']}")
            continue
        print(f"\n{part['engine']:<58}{'command':>9}{'CPU':>8}{'query':>11}{'rows':>6}")
        for row in part["rows"]:
            query = f"{row['query'] * 1000:8.1f}ms" if row["query"] is not None else "         -"
            found = "-" if row["rows"] is None else row["rows"]
            mark = "" if verdict(row) else "  SLOW"
            print(f"{row['case']:<58}{row['wall']:8.3f}s{row['cpu']:7.3f}s{query}{found:>6}{mark}")


if __name__ == "__main__":
    raise SystemExit(main())

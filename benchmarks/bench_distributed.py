"""Distributed sweeps: one, two and three `tradewatch worker` processes on the same sweep of the demo
marketplace (on this machine, with Redis and a PostgreSQL store), pages/s of the whole sweep for each.

Pages/s runs from the first page the marketplace served to the sweep being done (worker start-up excluded).
All workers, the marketplace, Redis and PostgreSQL share this machine's cores, so the figures show the
coordination overhead, not the scaling of several machines.

    python benchmarks/bench_distributed.py [--workers 1,2,3] [--keywords 包邮,全新,二手]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import market, postgres_admin_available, redis_available

REDIS_URL = os.environ.get("TRADEWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get("TRADEWATCH_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")


def _served(base_url: str) -> int:
    with urllib.request.urlopen(f"{base_url}/admin/stats", timeout=10) as response:
        return int(json.loads(response.read())["total"])


def one(base_url: str, workers: int, keywords: list[str], database_url: str) -> dict[str, Any]:
    from crawler.distributed.keys import connect
    from crawler.distributed.sweeps import sweep_stats
    from runners.distributed.coordinator import finish_sweep, start_sweep, wait_until_done
    from runners.distributed.worker import start_worker
    from runners.sweep_request import SweepRequest
    from spiders.sweep_params import SweepParams

    os.environ["TRADEWATCH_DATABASE_URL"] = database_url
    os.environ["TRADEWATCH_REDIS_URL"] = REDIS_URL
    server = connect(REDIS_URL)
    request = SweepRequest(platforms=["demo"], params=SweepParams(keywords=keywords, max_pages=1000), base_url=base_url)
    spec = start_sweep(server, request, database_url=database_url)
    served_before = _served(base_url)
    procs = [start_worker(spec.sweep_id) for _ in range(workers)]
    try:
        while _served(base_url) == served_before:
            time.sleep(0.02)
        first = time.monotonic()
        assert wait_until_done(server, spec, timeout=900, poll=0.05)
        elapsed = time.monotonic() - first
    finally:
        for proc in procs:
            proc.result(timeout=120)
    stats = sweep_stats(server, spec.sweep_id, "demo")
    finish_sweep(server, spec, database_url=database_url)
    pages = int(stats.get("response_received_count", 0)) - int(stats.get("robotstxt/response_count", 0))
    return {"workers": workers, "pages": pages, "seconds": round(elapsed, 2), "pages_per_s": round(pages / elapsed, 1)}


def measure(workers: list[int], keywords: list[str]) -> dict[str, Any]:
    if not redis_available(REDIS_URL):
        return {"skipped": f"Redis is not reachable at {REDIS_URL}"}
    if not postgres_admin_available(POSTGRES_URL):
        return {"skipped": f"PostgreSQL is not reachable at {POSTGRES_URL}"}
    import psycopg

    results = []
    with market() as base_url, tempfile.TemporaryDirectory(prefix="tw-bench-dist-") as home:
        os.environ["TRADEWATCH_HOME"] = home
        for count in workers:
            name = f"tw_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            url = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
            try:
                results.append(one(base_url, count, keywords, url))
            finally:
                from leads.db import dispose_engines

                dispose_engines()
                with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"runs": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--keywords", default="包邮,全新,二手")
    args = parser.parse_args()
    result = measure([int(n) for n in args.workers.split(",")], args.keywords.split(","))
    if "skipped" in result:
        print(result["skipped"])
        return
    for run in result["runs"]:
        print(
            f"{run['workers']} worker(s): {run['pages_per_s']:7.1f} pages/s ({run['pages']} pages, {run['seconds']} s)"
        )


if __name__ == "__main__":
    main()

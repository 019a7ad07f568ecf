"""Lead store upserts per second on SQLite and PostgreSQL: `leads.store.record_sighting` for listings of the
demo catalogue with their real scores, first sight (inserts, leads, audit events) and a second sight
(updates), one transaction per listing as the store pipeline commits them.

    python benchmarks/bench_store.py [--listings 2000] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import postgres_admin_available


def sightings(count: int) -> list[dict[str, Any]]:
    from crawler.demo_market.catalogue import build_catalogue
    from pipelines.scoring import Scorer

    scorer = Scorer.load()
    catalogue = build_catalogue()
    out = []
    for listing in list(catalogue.listings)[:count]:
        fields = {
            "platform": "bench",
            "listing_id": listing.listing_id,
            "url": f"http://127.0.0.1/plain/item/{listing.listing_id}",
            "title": listing.title,
            "description": listing.description,
            "price": float(listing.price),
            "currency": "CNY",
            "seller": listing.seller,
            "seller_id": listing.seller_id,
            "location": listing.location,
        }
        score = scorer.score({"title": listing.title, "description": listing.description, "price": fields["price"]})
        out.append({"listing": fields, "score": score.to_dict()})
    return out


def upserts_per_second(url: str, rows: list[dict[str, Any]]) -> dict[str, float]:
    from leads.db import get_engine, run_write
    from leads.store import record_sighting

    engine = get_engine(url)
    figures = {}
    for phase in ("first sight", "seen again"):
        started = time.perf_counter()
        for row in rows:
            run_write(
                lambda session, row=row: record_sighting(session, listing=row["listing"], score=row["score"]),
                engine=engine,
            )
        figures[phase] = round(len(rows) / (time.perf_counter() - started), 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=2000)
    parser.add_argument(
        "--postgres", default=os.environ.get("TRADEWATCH_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    rows = sightings(args.listings)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tw-bench-store-") as home:
        os.environ["TRADEWATCH_HOME"] = home
        results["sqlite"] = upserts_per_second(f"sqlite:///{home}/tradewatch.db", rows)
    if postgres_admin_available(args.postgres):
        import psycopg

        name = f"tw_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        base = args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        try:
            results["postgresql"] = upserts_per_second(f"{base}/{name}", rows)
        finally:
            from leads.db import dispose_engines

            dispose_engines()
            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        results["postgresql"] = None
    from common import report

    report(results)


if __name__ == "__main__":
    main()

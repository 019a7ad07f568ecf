"""The `leads list` benchmark's smoke test: its cases find what they should, and it times whole commands.

Timings are not asserted here (benchmarks/bench_leads_list.py judges them at a million leads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_leads_list  # noqa: E402

NOTHING_MATCHES = ("(none match)", "--platform unknown")


def test_every_case_finds_leads_unless_it_is_meant_to_find_none(tw_home: Path) -> None:
    url = f"sqlite:///{tw_home / 'bench.db'}"
    bench_leads_list.build_store(url, 2_000)
    for case in bench_leads_list.cases():
        _seconds, rows = bench_leads_list.query_seconds(url, case, runs=1)
        expected_empty = any(marker in case.name for marker in NOTHING_MATCHES)
        assert (rows == 0) is expected_empty, case.name
    # the store's tallies, kept by the triggers through the batched bulk insert, count what is there
    from datetime import date

    from sqlmodel import Session

    from leads.db import get_engine
    from leads.lead_query import LeadFilter
    from leads.stats import _workload, queue_stats
    from tests.leadstore_support import workload_from_leads

    with Session(get_engine(url)) as session:
        assert queue_stats(session, today=date(2026, 6, 1)).total == 2_000
        loads = {name: load.as_dict() for name, load in _workload(session, LeadFilter(), date(2026, 6, 1)).items()}
        assert loads == workload_from_leads(session, date(2026, 6, 1)) and len(loads) == len(bench_leads_list.OFFICERS)


@pytest.mark.timeout(600)
def test_quick_bench_times_whole_commands(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(tmp_path)}
    env.pop("TRADEWATCH_DATABASE_URL", None)
    script = str(ROOT / "benchmarks" / "bench_leads_list.py")
    done = subprocess.run(
        [sys.executable, script, "--quick", "--engines", "sqlite", "--only", "^--mine$|^--seller \\(none"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH-RESULT "))
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    (sqlite,) = result["engines"]
    rows = {row["case"]: row for row in sqlite["rows"]}
    assert set(rows) == {"leads list --mine", "leads list --seller (none match)", "stats"}
    assert rows["leads list --mine"]["rows"] > 0
    assert rows["leads list --seller (none match)"]["rows"] == 0
    assert all(row["wall"] > 0 and row["cpu"] > 0 for row in rows.values())
    assert result["help"]["wall"] > 0
    assert not list((ROOT / "benchmarks" / ".cache").glob("leads-*-2000.db")), "--quick must not leave a cache"


def test_generated_rows_hold_what_the_store_writes(tw_home: Path) -> None:
    """A generated lead reads back as the store's own leads do: JSON lists are lists (`images` was once an
    empty string, and `leads list --json` warned that the model could not serialise it)."""
    import warnings

    from sqlmodel import Session

    from leads.db import get_engine
    from leads.models import Lead, Listing
    from tests.leadstore_support import sight

    url = f"sqlite:///{tw_home / 'bench.db'}"
    bench_leads_list.build_store(url, 40)
    stored = sight(url)
    with Session(get_engine(url)) as session:
        store_lead = session.get(Lead, stored.lead_pk)
        assert store_lead is not None
        pairs = [
            (store_lead, session.get(Lead, 1)),
            (session.get(Listing, store_lead.listing_id), session.get(Listing, 1)),
        ]
        for written, generated in pairs:
            assert written is not None and generated is not None
            for name in type(written).model_fields:
                mine, theirs = getattr(written, name), getattr(generated, name)
                if mine is not None and theirs is not None:
                    assert type(theirs) is type(mine), (name, theirs, mine)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                generated.model_dump(mode="json")
        assert session.get(Listing, 1).images == []


def test_a_missed_target_still_reports_its_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """bench_leads_list.py exits 1 when a command is slower than its target, after printing its figures: the
    summary table shows those figures with the target marked missed, not the whole section as failed."""
    import run_all

    figures = {
        "leads": 1_000_000,
        "runs": 5,
        "help": {"case": "tradewatch --help", "wall": 0.09, "cpu": 0.08, "query": None, "rows": None},
        "engines": [
            {"engine": "postgresql", "rows": [{"case": "stats", "wall": 2.54, "cpu": 0.4, "query": None, "rows": 1}]}
        ],
        "load": 9.0,
    }

    def missed(name: str, *args: str, timeout: float = 0) -> str:
        stdout = "table\n" + run_all.RESULT_PREFIX + json.dumps(figures) + "\n"
        raise run_all.ScriptFailed(f"{name} failed (exit 1): slow", stdout)

    monkeypatch.setattr(run_all, "_script", missed)
    rows = run_all.leads(quick=False)
    stats = next(row for row in rows if "stats" in row[0])
    assert "2.54 s" in stats[1] and "MISSED" in stats[3]

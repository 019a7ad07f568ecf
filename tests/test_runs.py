"""Run health: the outcome judged from stats, and `tradewatch runs list/show`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from cli.app import app
from crawler.run_health import assess, counts, judge
from leads.db import get_engine
from leads.models import CrawlRun
from leads.runs import finish_run, start_run

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
HEALTHY = {
    "downloader/response_count": 42,
    "tradewatch/pages/search": 2,
    "tradewatch/pages/item": 40,
    "tradewatch/results/seen": 40,
    "tradewatch/items/yielded": 40,
    "tradewatch/field/price/present": 40,
    "tradewatch/field/seller/present": 38,
    "tradewatch/items/scored": 40,
}


@pytest.mark.parametrize(
    ("change", "reason", "outcome"),
    [
        ({}, "finished", "ok"),
        ({"tradewatch/pages/blocked": 1}, "blocked", "blocked"),
        ({}, "blocked", "blocked"),
        ({"downloader/response_count": 0, "tradewatch/pages/search": 0}, "finished", "unreachable"),
        ({"tradewatch/pages/search": 0, "tradewatch/errors/request": 3}, "finished", "unreachable"),
        ({}, "shutdown", "interrupted"),
        ({"downloader/response_count": 0, "tradewatch/pages/search": 0}, "shutdown", "interrupted"),
        ({"downloader/response_count": 0, "tradewatch/pages/search": 0}, "abandoned", "interrupted"),
        ({"tradewatch/pages/item": 3}, "abandoned", "interrupted"),
        ({"tradewatch/results/seen": 0, "tradewatch/items/yielded": 0, "tradewatch/pages/unparsed": 2}, "finished",
         "broken"),
        ({"tradewatch/field/price/present": 20}, "finished", "degraded"),
        ({"tradewatch/errors/request": 10}, "finished", "degraded"),
        ({"tradewatch/pages/undecodable": 1}, "finished", "degraded"),
        ({"tradewatch/results/seen": 0, "tradewatch/items/yielded": 0, "tradewatch/pages/empty": 2}, "finished", "ok"),
    ],
)  # fmt: skip
def test_judge(change, reason, outcome):
    assert judge({**HEALTHY, **change}, reason) == outcome


def test_an_abandoned_sweep_that_read_nothing_says_it_was_abandoned_not_unreachable():
    health = assess({}, "abandoned")
    assert (health.outcome, health.reasons) == (
        "interrupted",
        ["the sweep was abandoned: what was still queued was dropped; the 0 page(s) and 0 listing(s) read are kept"],
    )


def test_an_interrupted_run_says_how_much_it_read():
    health = assess({**HEALTHY, "tradewatch/pages/item": 3}, "shutdown")
    pages = HEALTHY["tradewatch/pages/search"] + 3
    assert health.reasons == [
        f"stopped by Ctrl-C or a stop signal; the {pages} page(s) and 40 listing(s) read are kept"
    ]


def test_coverage_uses_the_profile_threshold_and_fields():
    stats = {**HEALTHY, "tradewatch/field/seller/present": 30}
    assert assess(stats, "finished", fields=["title", "url", "price"]).outcome == "ok"
    health = assess(stats, "finished", fields=["price", "seller"], min_coverage=0.9)
    assert health.outcome == "degraded"
    assert health.coverage == {"price": 1.0, "seller": 0.75}
    assert health.reasons == ["coverage of seller 75% is under 90%"]
    assert counts(stats)["pages"] == 42


def test_runs_list_and_show(tw_home: Path):
    with Session(get_engine()) as session:
        run_id = start_run(session, platform="demo", keywords=["象牙", "穿山甲"], campaign="2024清风行动")
        stats = {
            **HEALTHY,
            "tradewatch/retries/429": 3,
            "tradewatch/retries/count": 3,
            "tradewatch/health/reasons": ["coverage of seller 75% is under 90%"],
            "tradewatch/coverage/seller": 0.75,
        }
        finish_run(session, run_id, finish_reason="finished", outcome="degraded", counts=counts(stats), stats=stats)
        session.commit()
    listed = runner.invoke(app, ["runs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "Crawl runs" in listed.output
    listed_json = runner.invoke(app, ["runs", "list", "--json"])
    assert '"platform": "demo"' in listed_json.output and '"outcome": "degraded"' in listed_json.output
    shown = runner.invoke(app, ["runs", "show", str(run_id)])
    assert shown.exit_code == 0, shown.output
    assert "2024清风行动" in shown.output
    assert "coverage of seller 75% is under 90%" in shown.output
    assert "retries_429" in shown.output
    as_json = runner.invoke(app, ["runs", "show", str(run_id), "--json"])
    assert '"outcome": "degraded"' in as_json.output
    missing = runner.invoke(app, ["runs", "show", "999"])
    assert missing.exit_code == 2
    assert "no run 999" in missing.output


def test_a_run_whose_process_was_killed_is_shown_as_interrupted(tw_home: Path):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with Session(get_engine()) as session:
            run_id = start_run(session, platform="demo", keywords=["象牙"], campaign=None)
            session.get(CrawlRun, run_id).pid = child.pid
            session.commit()
        still_running = runner.invoke(app, ["runs", "show", str(run_id), "--json"])
        assert json.loads(still_running.output)["outcome"] is None
    finally:
        child.kill()
        child.wait()
    result = runner.invoke(app, ["runs", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "interrupted" in result.output
    with Session(get_engine()) as session:
        run = session.get(CrawlRun, run_id)
        assert run.outcome == "interrupted" and run.finished_at is not None

"""Run health: the outcome judged from stats, and `tradewatch runs list/show`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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


@pytest.mark.parametrize("theirs_outcome", [None, "ok"], ids=["the other still crawls", "the other finished"])
def test_a_failed_sweep_marks_and_counts_only_its_own_runs_not_those_of_a_sweep_beside_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch, theirs_outcome: str | None
):
    """The nightly sweep of demo and demo-gbk runs while an officer's sweep of demo-gbk for the same campaign starts
    beside it; the nightly child records its run of demo, then dies. Its failure marks its own open run failed and
    adds a failed run for demo-gbk, which it never crawled: the officer's run of demo-gbk, started after the nightly
    sweep, stays as it is (crawling, or finished) and is not among the nightly sweep's runs."""
    from core.errors import TradewatchError
    from leads.db import run_write
    from runners.scheduled import sweep_job
    from runners.sweep_request import new_sweep_id

    campaign, theirs_sweep = "2024清风行动", new_sweep_id()
    recorded: dict[str, Any] = {}

    def dying_child(module: str, request: Any, **_: Any) -> Any:
        def work(session: Session) -> tuple[int, int]:
            theirs = start_run(
                session, platform="demo-gbk", keywords=["穿山甲鳞片"], campaign=campaign, sweep_id=theirs_sweep
            )
            if theirs_outcome:
                finish_run(session, theirs, finish_reason="finished", outcome=theirs_outcome, counts={}, stats={})
            mine = start_run(session, platform="demo", keywords=["象牙"], campaign=campaign, sweep_id=request.sweep_id)
            return theirs, mine

        recorded["sweep_id"] = request.sweep_id
        recorded["theirs"], recorded["mine"] = run_write(work)
        raise TradewatchError("抓取进程失败 / sweep process failed (exit -9): Killed")

    monkeypatch.setattr("runners.sweep.run_child", dying_child)
    result = sweep_job(
        platforms=["demo", "demo-gbk"], keywords=["象牙"], campaign=campaign, max_pages=1, base_url=None, timeout=None
    )

    assert result["failed"] and result["sweep_id"] == recorded["sweep_id"] != theirs_sweep
    with Session(get_engine()) as session:
        mine = [session.get(CrawlRun, run_id) for run_id in result["run_ids"]]
        theirs = session.get(CrawlRun, recorded["theirs"])
        assert [(run.id == recorded["mine"], run.platform, run.outcome) for run in mine] == [
            (True, "demo", "failed"),
            (False, "demo-gbk", "failed"),
        ]
        assert {run.sweep_id for run in mine} == {recorded["sweep_id"]}
        assert (theirs.outcome, theirs.finished_at is None) == (theirs_outcome, theirs_outcome is None)
        assert theirs.finish_reason == ("finished" if theirs_outcome else None)

"""Sweeps end to end: the demo marketplace on a free port, the real spider, pipelines and store."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from cli.app import app
from crawler.demo_market.catalogue import build_catalogue
from leads.db import get_engine
from leads.models import CrawlRun, Lead, Listing

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
KEYWORDS = "象牙,穿山甲"


def sweep(*args: str):
    return runner.invoke(app, ["sweep", *args])


def store_counts() -> tuple[int, int]:
    with Session(get_engine()) as session:
        return (
            session.exec(select(func.count()).select_from(Listing)).one(),
            session.exec(select(func.count()).select_from(Lead)).one(),
        )


def listing_ids(platform: str) -> set[str]:
    with Session(get_engine()) as session:
        return set(session.exec(select(Listing.listing_id).where(Listing.platform == platform)))


def expected_ids(keywords: str, max_pages: int | None = None) -> set[str]:
    catalogue = build_catalogue()
    found: set[str] = set()
    for keyword in keywords.split(","):
        hits = catalogue.search(keyword)
        found |= {listing.listing_id for listing in (hits[: max_pages * 20] if max_pages else hits)}
    return found


def plain_offences(keywords: str) -> set[str]:
    catalogue = build_catalogue()
    return {
        listing.listing_id
        for listing in catalogue.listings
        if listing.kind == "plain" and any(keyword in listing.title for keyword in keywords.split(","))
    }


def test_sweep_stores_every_listing_found_and_leads_for_the_plainly_named(demo_market: str, tw_home: Path):
    result = sweep("--platform", "demo", "--keywords", KEYWORDS, "--base-url", demo_market)
    assert result.exit_code == 0, result.output
    assert "Sweep summary" in result.output
    assert listing_ids("demo") == expected_ids(KEYWORDS)
    with Session(get_engine()) as session:
        lead_ids = set(
            session.exec(select(Listing.listing_id).join(Lead, Lead.listing_id == Listing.id))  # type: ignore[arg-type]
        )
        run = session.exec(select(CrawlRun)).one()
    assert plain_offences(KEYWORDS) <= lead_ids
    assert run.outcome == "ok"
    assert run.listings == len(expected_ids(KEYWORDS))
    assert run.leads_new == len(lead_ids)


def test_a_second_sweep_updates_and_never_duplicates(demo_market: str, tw_home: Path):
    first = sweep("--platform", "demo", "--keywords", KEYWORDS, "--base-url", demo_market)
    assert first.exit_code == 0, first.output
    before = store_counts()
    second = sweep("--platform", "demo", "--keywords", KEYWORDS, "--base-url", demo_market)
    assert second.exit_code == 0, second.output
    assert store_counts() == before
    with Session(get_engine()) as session:
        runs = list(session.exec(select(CrawlRun).order_by(CrawlRun.id)))  # type: ignore[arg-type]
    assert [run.leads_new for run in runs] == [before[1], 0]
    assert runs[1].leads_updated == before[1]


@pytest.mark.browser
def test_js_variant_yields_the_same_listings_as_the_plain_one(demo_market: str, tw_home: Path):
    result = sweep(
        "--platform", "demo", "--platform", "demo-js", "--keywords", "穿山甲", "--max-pages", "2",
        "--base-url", demo_market,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert listing_ids("demo-js") == listing_ids("demo") == expected_ids("穿山甲", max_pages=2)


def test_gbk_variant_titles_are_stored_as_correct_chinese(demo_market: str, tw_home: Path):
    result = sweep("--platform", "demo-gbk", "--keywords", "象牙", "--base-url", demo_market)
    assert result.exit_code == 0, result.output
    catalogue = build_catalogue()
    with Session(get_engine()) as session:
        stored = {row.listing_id: row for row in session.exec(select(Listing))}
    assert set(stored) == expected_ids("象牙")
    for listing_id, row in stored.items():
        assert row.title == catalogue.by_id[listing_id].title
        assert row.seller == catalogue.by_id[listing_id].seller


def test_unknown_platform_is_one_clear_line(tw_home: Path):
    result = sweep("--platform", "nosuchshop", "--keywords", "象牙")
    assert result.exit_code == 2
    assert "unknown platform 'nosuchshop'" in result.output
    assert "Traceback" not in result.output


def test_a_broken_watchlist_of_the_bureau_is_one_line_naming_it_before_any_request(demo_market: str, tw_home: Path):
    folder = tw_home / "watchlists"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "本局关注.yaml").write_text("categories:\n  - id: [wildlife.ivory\n", encoding="utf-8")
    result = sweep("--platform", "demo", "--keywords", "象牙", "--base-url", demo_market)
    assert result.exit_code == 2
    assert "本局关注.yaml:3" in result.output  # the file and the line the officer has to mend
    assert "Traceback" not in result.output
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(CrawlRun)).one() == 0  # no crawl started


def test_empty_keywords_are_refused(tw_home: Path):
    result = sweep("--platform", "demo", "--keywords", " , ")
    assert result.exit_code == 2
    assert "no keywords" in result.output


def test_a_marketplace_that_is_down_is_reported_not_crashed(tw_home: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = sweep("--platform", "demo", "--keywords", "象牙", "--base-url", f"http://127.0.0.1:{port}")
    assert result.exit_code == 3
    assert "unreachable" in result.output
    assert "Traceback" not in result.output


def test_the_tradewatch_command_crawls_in_its_own_process(demo_market: str, tw_home: Path):
    import contextlib
    import os
    import subprocess
    import sys
    import time

    import psutil

    command = [sys.executable, "-c", "from cli.app import main; main()", "sweep", "--platform", "demo"]
    command += ["--keywords", "象牙", "--max-pages", "1", "--base-url", demo_market]
    env = {**os.environ, "TRADEWATCH_LANG": "en"}
    children: set[str] = set()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        parent = psutil.Process(process.pid)
        while process.poll() is None:
            with contextlib.suppress(psutil.Error):
                children |= {" ".join(child.cmdline()) for child in parent.children(recursive=True)}
            time.sleep(0.02)
        output, errors = process.communicate()
    assert process.returncode == 0, errors
    assert "Sweep summary" in output
    assert not [line for line in children if "runners.sweep" in line]  # no crawl child waited on
    with Session(get_engine()) as session:
        run = session.exec(select(CrawlRun)).one()
    assert run.outcome == "ok" and run.listings > 0
    (log,) = (tw_home / "logs").glob("sweep-*.log")
    text = log.read_text(encoding="utf-8")
    assert "Spider closed (finished)" in text
    assert "Remote control" not in text  # no HTTP server that runs code sent to it


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "错误：抓取 demo, demo-gbk 在启动时失败，尚未记录运行："
               "ValueError: 代理池为空；日志：/srv/tw/logs/sweep.log"),
        ("en", "Error: the sweep of demo, demo-gbk failed as it started, before its run was recorded: "
               "ValueError: 代理池为空; log: /srv/tw/logs/sweep.log"),
    ],
)  # fmt: skip
def test_a_sweep_that_failed_as_it_started_is_one_line_in_the_officers_language(
    monkeypatch: pytest.MonkeyPatch, tw_home: Path, lang: str, line: str
):
    import runners.sweep

    def not_started(*_: object, **__: object) -> None:
        runners.sweep._not_started(
            ["demo", "demo-gbk"],
            {"demo": ValueError("代理池为空\n  (the pool's file was empty)")},
            stopped=False,
            log_file=Path("/srv/tw/logs/sweep.log"),
        )

    monkeypatch.setattr(runners.sweep, "run_sweep", not_started)
    done = CliRunner(env={"TRADEWATCH_LANG": lang}).invoke(app, ["sweep", "-p", "demo", "-k", "象牙", "--local"])
    assert done.exit_code == 2, done.output
    assert done.output.strip().splitlines() == [line]


def test_a_crawl_that_recorded_no_run_is_reported_as_what_stopped_it():
    """Which error a sweep whose crawls recorded no run raises: the store's own error as it is (its exit code),
    KeyboardInterrupt for a sweep stopped before its spiders opened."""
    from core.errors import StoreUnavailable
    from runners.sweep import _not_started

    lost = StoreUnavailable(where="/srv/tw/tradewatch.db", reason="磁盘已满")
    with pytest.raises(StoreUnavailable) as raised:
        _not_started(["demo"], {"demo": lost}, stopped=False, log_file=None)
    assert raised.value is lost
    with pytest.raises(KeyboardInterrupt):
        _not_started(["demo"], {}, stopped=True, log_file=None)


def test_a_failed_sweep_of_several_platforms_records_a_failed_run_only_for_those_that_recorded_none(
    demo_market: str, tw_home: Path, monkeypatch: pytest.MonkeyPatch
):
    """A sweep job of two platforms whose crawl child fails because one crawl failed as it opened
    (tests/opening_fails_for_one.py), while the other crawled to its end: the finished platform keeps its one run
    as it ended, and only the platform that recorded none gets a failed run. Before, the finished platform read
    both completed and failed."""
    from runners.scheduled import sweep_job
    from tests.opening_fails_early import NO_PROXY
    from tests.opening_fails_for_one import FAILS

    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "tests.opening_fails_for_one")
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    result = sweep_job(
        platforms=["demo", FAILS], keywords=["象牙"], campaign=None, max_pages=1, base_url=demo_market, timeout=120
    )

    assert result["failed"] and NO_PROXY in result["error"], result
    with Session(get_engine()) as session:
        runs = list(session.exec(select(CrawlRun).order_by(CrawlRun.id)))
    assert [(run.platform, run.outcome) for run in runs] == [("demo", "ok"), (FAILS, "failed")]
    assert runs[0].listings > 0 and runs[0].finish_reason == "finished"
    assert runs[1].finish_reason == f"process failed: {result['error']}"[:500]
    assert result["run_ids"] == [run.id for run in runs]
    assert {run.sweep_id for run in runs} == {result["sweep_id"]}  # the child's run too, with the parent's id


# A sweep's child that records its run of the first platform, as its crawl opens, then dies before it reaches the
# second: killed (as the OOM killer ends it), or crashed (Chromium taking it down) with a traceback on its stderr.
DIES_AFTER_ITS_FIRST_RUN = """
import json, os, signal, sys
from pathlib import Path
from leads.db import run_write
from leads.runs import start_run

request = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
run_write(
    lambda session: start_run(
        session,
        platform=request["platforms"][0],
        keywords=request["params"]["keywords"],
        campaign=request["params"]["campaign"],
        sweep_id=request["sweep_id"],
    )
)
if os.environ["DIES"] == "killed":
    os.kill(os.getpid(), signal.SIGKILL)
raise RuntimeError("浏览器崩溃 Target page, context or browser has been closed")
"""


@pytest.mark.parametrize(
    ("dies", "why"),
    [("killed", "(exit -9): no output"),
     ("crashed", "(exit 1): RuntimeError: 浏览器崩溃 Target page, context or browser has been closed")],
)  # fmt: skip
def test_an_officers_sweep_whose_child_dies_ends_every_run_recorded_and_says_so_in_one_line(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dies: str, why: str
):
    """`tradewatch sweep` of demo and demo-gbk whose crawl child records its run of demo, then dies before it
    reaches demo-gbk. Before, only the scheduler's sweep job recorded a failed sweep: the officer's command said
    one line and left demo's run crawling, and demo-gbk with no run at all. Now `run_sweep` records it, whoever
    started it: demo's run failed with the line that says why, a failed run for demo-gbk, both of the sweep."""
    import runners.sweep
    from runners import child

    (tmp_path / "dies_after_its_first_run.py").write_text(DIES_AFTER_ITS_FIRST_RUN, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(Path(__file__).resolve().parents[1])]))
    monkeypatch.setenv("DIES", dies)

    def dying_child(module: str, request: object, **options: Any) -> Any:
        assert module == "runners.sweep_child"
        return child.run_child("dies_after_its_first_run", request, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(runners.sweep, "run_child", dying_child)
    done = sweep("-p", "demo", "-p", "demo-gbk", "-k", "象牙", "--campaign", "2024清风行动", "--local")

    assert done.exit_code == 2, done.output  # as before: the child's failure, a TradewatchError
    (line,) = done.output.strip().splitlines()  # one line, no traceback
    assert line.startswith(f"Error: sweep process failed {why}; log: "), line
    with Session(get_engine()) as session:
        runs = list(session.exec(select(CrawlRun).order_by(CrawlRun.id)))
    assert [(run.platform, run.outcome, run.finished_at is not None) for run in runs] == [
        ("demo", "failed", True),  # the child's, left unfinished
        ("demo-gbk", "failed", True),  # never reached
    ]
    assert runs[0].pid not in (None, os.getpid())  # recorded by the child
    reason = f"process failed: 抓取进程失败 / sweep process failed {why}; log: "
    assert all((run.finish_reason or "").startswith(reason) for run in runs), [run.finish_reason for run in runs]
    assert runs[0].sweep_id is not None and {run.sweep_id for run in runs} == {runs[0].sweep_id}
    assert {run.campaign for run in runs} == {"2024清风行动"}

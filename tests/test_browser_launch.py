"""A JS sweep whose browser does not start says so: in the crawl's stats and log, in the run's record, and to the
officer. One that never starts stops the sweep with one line and exit code 3; one that fails once and then
starts goes on, and the run and the sweep's summary show that it recovered. The launch is counted by replacing
private methods of scrapy-playwright's handler, so the installed release is checked to still have and call them."""

from __future__ import annotations

import inspect
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli import i18n
from cli.app import app
from cli.sweep import run_line
from crawler.browser_launches import LAUNCH_ATTEMPTS, LaunchRecord
from crawler.browser_proxy import GuardedPlaywrightDownloadHandler
from crawler.run_health import (
    BROWSER_UNAVAILABLE,
    LAUNCH_ERROR_STAT,
    LAUNCH_FAILED_STAT,
    LAUNCH_RECOVERED_STAT,
    REASONS_STAT,
    assess,
    counts,
)
from leads.db import get_engine
from leads.models import CrawlRun
from leads.runs import finish_run, start_run

ROOT = Path(__file__).resolve().parents[1]
START_ZH = (
    "请安装 Chromium（make setup 或 scripts/ensure-browser.sh），或将 TRADEWATCH_CHROMIUM_PATH 设为其路径，然后重新抓取"
)
SIGNAL_ERROR = "Error caught on signal handler"  # Scrapy's own line for an error raised at the engine's start

FAILS_ONCE = """
import sys
from crawler.browser_driver import EarlyDriverProvider

launch = EarlyDriverProvider.launch_browser
failed = []

async def fails_once(self):  # the start-up launch times out, as it may on a loaded machine
    if not failed:
        failed.append(1)
        raise TimeoutError("BrowserType.launch: Timeout 30000ms exceeded.")
    return await launch(self)

EarlyDriverProvider.launch_browser = fails_once
from cli.app import main
main()
"""
SWEEP = """
from cli.app import main
main()
"""


def sweep(code: str, base_url: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`tradewatch sweep` of demo-js for three keywords (two requests at most), in Chinese, in a process of its own."""
    args = ["--platform", "demo-js", "--keywords", "象牙,穿山甲,犀角", "--base-url", base_url, "--budget", "2"]
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.argv = ['tradewatch', 'sweep', *{args!r}]\n{code}"],
        env={**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(home), "TRADEWATCH_LANG": "zh", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def recorded_run(home: Path) -> tuple[CrawlRun, str]:
    """The sweep's one run and its crawl's log."""
    with Session(get_engine()) as session:
        (run,) = session.exec(select(CrawlRun)).all()
    (log,) = (home / "logs").glob("sweep-*.log")
    return run, log.read_text(encoding="utf-8")


def test_the_private_methods_the_handler_replaces_are_the_installed_scrapy_playwright_s():
    """A release that renames one, changes its arguments or stops calling it would bypass the replacement
    silently: failed launches neither counted nor stopping the crawl, a context created without Scrapy's user agent."""
    theirs = vars(ScrapyPlaywrightDownloadHandler)
    replaced = [
        name
        for name, value in vars(GuardedPlaywrightDownloadHandler).items()
        if inspect.isfunction(value) and name.startswith("_") and not name.startswith("__") and name in theirs
    ]
    assert {"_launch", "_maybe_launch_browser", "_create_browser_context", "_create_page"} <= set(replaced)
    for name in replaced:
        ours = inspect.signature(getattr(GuardedPlaywrightDownloadHandler, name)).parameters
        assert list(ours) == list(inspect.signature(theirs[name]).parameters), name
    # how scrapy-playwright reaches the replaced launch and context creation: at start-up and from a download
    source = {name: inspect.getsource(getattr(ScrapyPlaywrightDownloadHandler, name)) for name in replaced}
    assert "self._create_browser_context(" in source["_launch"]
    assert "self._create_browser_context(" in source["_create_page"]
    assert "self._maybe_launch_browser()" in source["_create_browser_context"]


@pytest.mark.parametrize("crawling", [True, False])
def test_a_launch_ended_because_the_crawl_stops_is_not_told_or_counted_as_a_browser_that_did_not_start(
    crawling: bool, caplog: pytest.LogCaptureFixture
):
    crawler = SimpleNamespace(crawling=crawling, engine=None, settings=Settings())
    crawler.stats = MemoryStatsCollector(crawler)
    record = LaunchRecord(crawler)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="crawler.browser_launches"):
        record.failed(RuntimeError("BrowserType.launch: Target page, context or browser has been closed"))
    told = [r.getMessage() for r in caplog.records]
    if crawling:  # a launch that failed on its own: counted, and the crawl goes on
        assert crawler.stats.get_value(LAUNCH_FAILED_STAT) == 1
        assert len(told) == 1 and "the crawl goes on" in told[0], told
    else:  # the crawl is stopping (Ctrl-C, SIGTERM) and ended the launch itself
        assert crawler.stats.get_value(LAUNCH_FAILED_STAT) is None and record.failed_in_a_row == 0
        assert told == [
            "the browser's launch was ended because the crawl is stopping "
            "(BrowserType.launch: Target page, context or browser has been closed)"
        ]


def test_a_run_whose_browser_did_not_start_is_failed_with_the_launch_error():
    stats = {"downloader/response_count": 1, "tradewatch/errors/request": 3, LAUNCH_FAILED_STAT: 2,
             LAUNCH_ERROR_STAT: "BrowserType.launch: Timeout 30000ms exceeded."}  # fmt: skip
    health = assess(stats, BROWSER_UNAVAILABLE)
    # not "unreachable" (no response from the site): the site was never asked
    assert (health.outcome, health.reasons) == ("failed", ["the browser did not start: " + stats[LAUNCH_ERROR_STAT]])


def test_runs_show_tells_the_officer_that_the_browser_did_not_start_and_how_often_it_failed(tw_home: Path):
    stats = {"tradewatch/errors/request": 3, LAUNCH_FAILED_STAT: 2, LAUNCH_RECOVERED_STAT: 1,
             LAUNCH_ERROR_STAT: "BrowserType.launch: Timeout 30000ms exceeded."}  # fmt: skip
    health = assess(stats, BROWSER_UNAVAILABLE)
    with Session(get_engine()) as session:
        run_id = start_run(session, platform="demo-js", keywords=["象牙", "穿山甲"], campaign="2024清风行动")
        stats[REASONS_STAT] = health.reasons
        finish_run(session, run_id, finish_reason=BROWSER_UNAVAILABLE, outcome=health.outcome,
                   counts=counts(stats), stats=stats)  # fmt: skip
        session.commit()

    shown = CliRunner(env={"TRADEWATCH_LANG": "zh", "COLUMNS": "160"}).invoke(app, ["runs", "show", str(run_id)])

    assert shown.exit_code == 0, shown.output
    assert "浏览器未能启动：BrowserType.launch: Timeout 30000ms exceeded." in shown.output
    rows = {line.split("│")[1].split()[0]: line.split("│")[2].strip() for line in shown.output.splitlines()
            if line.startswith("│") and "browser_launch" in line}  # fmt: skip
    assert rows == {"浏览器启动失败次数": "2", "浏览器启动失败后恢复次数": "1"}, shown.output


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "demo-js（失败；浏览器未能启动：BrowserType.launch: Timeout 30000ms exceeded.；"
               f"{START_ZH}）"),
        ("en", "demo-js (failed; the browser did not start: BrowserType.launch: Timeout 30000ms exceeded.; install "
               "Chromium (make setup, or scripts/ensure-browser.sh) or set TRADEWATCH_CHROMIUM_PATH to it, then sweep "
               "again)"),
    ],
)  # fmt: skip
def test_the_sweep_s_line_for_a_browser_that_did_not_start_says_what_to_do_in_the_officer_s_language(
    lang: str, line: str
):
    health = assess({LAUNCH_FAILED_STAT: 2, LAUNCH_ERROR_STAT: "BrowserType.launch: Timeout 30000ms exceeded."},
                    BROWSER_UNAVAILABLE)  # fmt: skip
    run = CrawlRun(platform="demo-js", outcome=health.outcome, finish_reason=BROWSER_UNAVAILABLE,
                   stats={REASONS_STAT: health.reasons})  # fmt: skip
    i18n.set_language(lang)
    try:
        assert run_line(run) == line
    finally:
        i18n.set_language(None)


@pytest.mark.browser
def test_a_browser_that_never_starts_stops_the_sweep_with_one_line_and_a_failed_run(
    demo_market: str, tw_home: Path, tmp_path: Path
):
    missing = tmp_path / "chromium"  # a configured Chromium that is not there
    done = sweep(SWEEP, demo_market, tw_home, TRADEWATCH_CHROMIUM_PATH=str(missing))

    assert done.returncode == 3, done.stderr
    told = [line for line in done.stderr.splitlines() if "浏览器未能启动" in line]
    assert len(told) == 1 and "executable doesn't exist" in told[0], done.stderr
    assert told[0].startswith("错误：抓取未正常完成：demo-js（失败；浏览器未能启动："), done.stderr
    assert told[0].endswith(f"；{START_ZH}）"), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    run, log = recorded_run(tw_home)
    assert (run.outcome, run.finish_reason) == ("failed", BROWSER_UNAVAILABLE)
    stats = run.stats or {}
    # the start-up launch and the first page's; the other keywords' pages fail at once, without a launch
    assert (stats[LAUNCH_FAILED_STAT], stats.get(LAUNCH_RECOVERED_STAT, 0)) == (LAUNCH_ATTEMPTS, 0)
    assert str(missing) in stats[LAUNCH_ERROR_STAT]
    warned = f"WARNING | sweep | crawler.browser_launches: the browser did not start (attempt 1 of {LAUNCH_ATTEMPTS}"
    assert warned in log
    assert "no JS page can be read, the crawl is stopped" in log
    assert SIGNAL_ERROR not in log


@pytest.mark.browser
@pytest.mark.slow
def test_a_browser_that_fails_once_then_starts_recovers_and_the_run_and_the_summary_say_so(
    demo_market: str, tw_home: Path
):
    done = sweep(FAILS_ONCE, demo_market, tw_home)

    assert done.returncode == 0, done.stderr
    assert "demo-js：浏览器启动失败 1 次，已重新启动，抓取继续进行" in done.stdout
    run, log = recorded_run(tw_home)
    assert run.outcome == "ok" and run.pages > 0  # the first page launched the browser and was read
    stats = run.stats or {}
    assert (stats[LAUNCH_FAILED_STAT], stats[LAUNCH_RECOVERED_STAT]) == (1, 1)
    warned = (
        f"the browser did not start (attempt 1 of {LAUNCH_ATTEMPTS}: BrowserType.launch: Timeout 30000ms exceeded.)"
    )
    assert warned in log
    assert "WARNING | sweep | crawler.browser_launches: the browser started at attempt 2" in log
    assert "the crawl recovered" in log
    assert SIGNAL_ERROR not in log

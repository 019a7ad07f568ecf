"""JS-rendered sweeps leave no browser page or Chromium process behind, even when every request fails."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from pathlib import Path

import psutil
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from crawler.browser import MAX_PAGES
from leads.db import get_engine
from leads.models import CrawlRun

pytestmark = [pytest.mark.browser, pytest.mark.slow]
runner = CliRunner()


RUN_TAG = "TRADEWATCH_TEST_RUN_TAG"


def chromium_pids(tag: str) -> set[int]:
    """Chromium processes started by this test's sweep: they inherit its environment tag."""
    found = set()
    for process in psutil.process_iter(["name"]):
        name = (process.info.get("name") or "").lower()
        if "chrom" not in name and "headless_shell" not in name:
            continue
        try:
            if process.environ().get(RUN_TAG) == tag:
                found.add(process.pid)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def test_200_failing_js_requests_leave_no_page_or_chromium_behind(tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    tag = uuid.uuid4().hex
    monkeypatch.setenv(RUN_TAG, tag)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    keywords = ",".join(f"象牙{i}" for i in range(200))
    result = runner.invoke(app, ["sweep", "--platform", "demo-js", "--keywords", keywords, "--max-pages", "1",
                                 "--base-url", f"http://127.0.0.1:{port}"])  # fmt: skip
    assert result.exit_code == 3, result.output
    with Session(get_engine()) as session:
        run = session.exec(select(CrawlRun)).one()
    stats = run.stats
    assert stats["tradewatch/errors/request"] == 200
    assert stats["playwright/page_count"] >= 200
    closed = stats.get("playwright/page_count/closed", 0) + stats.get("tradewatch/js/pages_closed", 0)
    assert closed == stats["playwright/page_count"]
    assert stats["playwright/page_count/max_concurrent"] <= 4
    leftover = chromium_pids(tag)
    assert leftover == set()


def test_js_item_pages_that_are_leads_get_a_full_page_screenshot_from_pages_reused_across_requests(
    demo_market: str, tw_home: Path
):
    result = runner.invoke(app, ["sweep", "--platform", "demo-js", "--keywords", "象牙", "--max-pages", "1",
                                 "--base-url", demo_market])  # fmt: skip
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        run = session.exec(select(CrawlRun)).one()
    assert run.stats["tradewatch/js/screenshots"] >= 1
    assert run.stats["tradewatch/js/screenshots"] <= run.stats["tradewatch/pages/item"]
    stats = run.stats
    # pages are navigated again, not opened per request: every download opened a page or reused an idle one,
    # and the few pages open at the end close with the browser (no Chromium outlives a sweep: the test below)
    downloads = stats["tradewatch/pages/search"] + stats["tradewatch/pages/item"]
    # a page that took a full-page screenshot is closed rather than reused (its renderer keeps the memory)
    assert stats["tradewatch/js/pages_closed"] == stats["tradewatch/js/screenshots"]
    assert stats["playwright/page_count"] <= MAX_PAGES + stats["tradewatch/js/screenshots"]
    assert stats["tradewatch/js/pages_reused"] > 0
    assert stats["playwright/page_count"] + stats["tradewatch/js/pages_reused"] == downloads


def browser_pids(tag: str) -> dict[int, str]:
    """Chromium browsers of this test's sweep: the Chromium processes Playwright's driver (node) started itself,
    not their renderers, zygotes, crash handlers or the wrapper script's subshells."""
    found = {}
    for pid in chromium_pids(tag):
        try:
            process = psutil.Process(pid)
            parent = process.parent()
            if parent is not None and parent.name().lower().startswith("node"):
                found[pid] = " ".join(process.cmdline())[:80]
        except psutil.Error:
            continue
    return found


def test_a_js_sweep_runs_one_browser_for_http_and_https(
    demo_market: str, tw_home: Path, monkeypatch: pytest.MonkeyPatch
):
    tag = uuid.uuid4().hex
    monkeypatch.setenv(RUN_TAG, tag)
    seen: dict[int, str] = {}
    most = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal most
        while not done.is_set():
            now = browser_pids(tag)
            seen.update(now)
            most = max(most, len(now))
            done.wait(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = runner.invoke(app, ["sweep", "--platform", "demo-js", "--keywords", "象牙", "--max-pages", "1",
                                     "--base-url", demo_market])  # fmt: skip
    finally:
        done.set()
        watcher.join()
    assert result.exit_code == 0, result.output
    assert most == 1 and len(seen) == 1, seen
    assert chromium_pids(tag) == set()


def test_a_crawl_s_browser_ends_with_every_process_of_its_group_and_its_profile_folder():
    import asyncio

    from scrapy.settings import Settings
    from scrapy_playwright.handler import Config

    from crawler.browser import playwright_settings
    from crawler.browser_driver import EarlyDriverProvider, browser_process

    async def sweep_end() -> tuple[int, Path | None, bool]:
        provider = EarlyDriverProvider(Config.from_settings(Settings(playwright_settings())))
        await provider.start()
        try:
            browser = await provider.launch_browser()
            page = await (await browser.new_context()).new_page()
            await page.set_content("<p>象牙手镯 ¥3800</p><script>document.title = 'x'</script>")
            found = await browser_process(browser)
            assert found is not None
            await provider.end_browser(browser)
            return found.pid, found.profile, browser.is_connected()
        finally:
            await provider.close()

    pid, profile, connected = asyncio.run(sweep_end())
    assert not connected
    assert profile is not None and not profile.exists()
    living = []
    for process in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(process.pid) == pid and process.status() != psutil.STATUS_ZOMBIE:
                living.append(process.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    assert living == []

"""What the browser sends for a JS download: the Scrapy request's own method, body and headers on its navigation,
Scrapy's user agent on the page's own requests too, and no request at all for a blocked image, also when the
page is a reused one whose route was set when it opened, and when the crawl's browser context is created by a
download rather than at start-up (a failed start-up launch counted, with the launch that recovered from it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>象牙制品</title></head><body>
<img src="/photo/ivory.jpg" alt="象牙手镯"><ul class="results"></ul>
<script>fetch("/api/listings").then(r => r.json()).then(rows => {
  document.querySelector(".results").innerHTML = rows.map(r => `<li class="listing">${r}</li>`).join("");
});</script></body></html>""".encode()

CRAWL = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from scrapy_playwright.page import PageMethod
from crawler.browser import playwright_settings
from crawler.browser_driver import EarlyDriverProvider
from crawler.browser_proxy import GuardedPlaywrightDownloadHandler

base, mode = sys.argv[1], sys.argv[2]
meta = {"playwright": True, "playwright_context": "tradewatch",
        "playwright_page_methods": [PageMethod("wait_for_selector", "li.listing")]}
seen = []

class FirstLaunchFails(EarlyDriverProvider):
    # the launch at the engine's start fails, as a timed-out one does; the first download then launches
    failed = 0

    async def launch_browser(self):
        if not FirstLaunchFails.failed:
            FirstLaunchFails.failed += 1
            raise TimeoutError("BrowserType.launch: Timeout 30000ms exceeded.")
        return await super().launch_browser()

class Search(scrapy.Spider):
    name = "search"

    async def start(self):
        yield scrapy.Request(f"{base}/search?q=象牙", meta=meta, callback=self.parse_first)

    async def parse_first(self, response):
        seen.append(response.css("li.listing::text").getall())
        if mode == "context closed mid-crawl":
            handler = GuardedPlaywrightDownloadHandler.from_crawler(self.crawler)
            await handler.context_wrappers["tradewatch"].context.close()
        yield scrapy.FormRequest(f"{base}/search", formdata={"q": "犀角"}, meta=meta, callback=self.parse_second)

    def parse_second(self, response):
        seen.append(response.css("li.listing::text").getall())

settings = get_project_settings()
settings.setdict(playwright_settings(["127.0.0.1"]))
settings.setdict({"TRADEWATCH_ALLOWED_HOSTS": ["127.0.0.1"], "CONCURRENT_REQUESTS": 1, "ROBOTSTXT_OBEY": False,
                  "ITEM_PIPELINES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "WARNING"})
if mode == "start-up launch failed":
    settings.set("PLAYWRIGHT_BROWSER_PROVIDER", FirstLaunchFails)
process = CrawlerProcess(settings)
crawler = process.create_crawler(Search)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
print("RESULT " + json.dumps({"seen": seen, "reused": stats.get("tradewatch/js/pages_reused", 0),
                             "contexts": stats.get("playwright/context_count", 0),
                             "failed_launches": FirstLaunchFails.failed,
                             "launch_stats": [stats.get("tradewatch/browser/launch_failed", 0),
                                              stats.get("tradewatch/browser/launch_recovered", 0)]},
                            ensure_ascii=False))
"""


class Recording(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, str]]] = []

    def _record(self, body: str = "") -> None:
        self.received.append(
            {"method": self.command, "path": self.path, "user-agent": self.headers.get("User-Agent", ""), "body": body}
        )

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._record()
        if self.path.startswith("/api/listings"):
            self._send(json.dumps(["老象牙手镯"], ensure_ascii=False).encode(), "application/json")
        elif self.path.startswith("/search"):
            self._send(PAGE, "text/html; charset=utf-8")
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._record(self.rfile.read(length).decode())
        self._send(PAGE, "text/html; charset=utf-8")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recording_site() -> Iterator[tuple[str, list[dict[str, str]]]]:
    Recording.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Recording.received
    finally:
        server.shutdown()
        server.server_close()


def run_crawl(base: str, tmp_path: Path, mode: str = "") -> dict[str, Any]:
    """Run CRAWL in a process of its own (`mode` forces a context created by a download) and return its RESULT."""
    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "crawl.py"  # a file: Scrapy reads its callbacks' source
    script.write_text(CRAWL, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), base, mode],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.split("RESULT ", 1)[1])
    result["log"] = done.stderr  # what the crawl logged and went on from (a failed launch) shows here
    return result


def test_a_reused_page_sends_the_form_post_and_scrapys_user_agent_and_never_requests_a_blocked_image(
    recording_site: tuple[str, list[dict[str, str]]], tw_home: Path, tmp_path: Path
):
    from crawler.settings import USER_AGENT

    base, received = recording_site
    result = run_crawl(base, tmp_path)

    assert result["seen"] == [["老象牙手镯"], ["老象牙手镯"]]  # rendered by the page's script, both times
    assert result["reused"] == 1  # the form's download navigated the first download's page again
    assert (result["contexts"], result["failed_launches"]) == (1, 0)  # the context created at start-up
    assert result["launch_stats"] == [0, 0]
    documents = [row for row in received if row["path"].startswith("/search")]
    assert [row["method"] for row in documents] == ["GET", "POST"]
    assert "q=%E7%8A%80%E8%A7%92" in documents[1]["body"]  # the FormRequest's body, on the reused page
    api = [row for row in received if row["path"].startswith("/api/")]
    assert len(api) == 2
    assert {row["user-agent"] for row in documents + api} == {USER_AGENT}, result["log"][-2000:]
    assert not [row for row in received if row["path"].startswith("/photo/")]  # a blocked image is never requested


@pytest.mark.parametrize(
    ("mode", "failed_launches", "contexts", "reused"),
    [
        # the error is logged and the crawl goes on: its first download launches Chromium and creates the context
        ("start-up launch failed", 1, 1, 1),
        # the second download finds no context (nor its idle page) and creates both again
        ("context closed mid-crawl", 0, 2, 0),
    ],
)
def test_a_context_a_download_creates_is_the_configured_one_and_sends_scrapys_user_agent(
    mode: str,
    failed_launches: int,
    contexts: int,
    reused: int,
    recording_site: tuple[str, list[dict[str, str]]],
    tw_home: Path,
    tmp_path: Path,
):
    from crawler.settings import USER_AGENT

    base, received = recording_site
    result = run_crawl(base, tmp_path, mode)

    assert result["seen"] == [["老象牙手镯"], ["老象牙手镯"]]
    assert (result["failed_launches"], result["contexts"], result["reused"]) == (failed_launches, contexts, reused)
    # a failed start-up launch is counted, and so is the launch that recovered from it, with a warning for each
    assert result["launch_stats"] == [failed_launches, failed_launches]
    assert ("the crawl recovered and goes on" in result["log"]) is bool(failed_launches)
    assert "Error caught on signal handler" not in result["log"]
    api = [row for row in received if row["path"].startswith("/api/")]
    assert len(api) == 2  # the page's own fetch, which goes with the context's user agent
    assert {row["user-agent"] for row in received} == {USER_AGENT}  # not Chromium's HeadlessChrome one

"""What the browser sends for a JS download: the Scrapy request's own method, body and headers on its navigation,
Scrapy's user agent on the page's own requests too, and no request at all for a blocked image, also when the
page is a reused one whose route was set when it opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

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

base = sys.argv[1]
meta = {"playwright": True, "playwright_context": "tradewatch",
        "playwright_page_methods": [PageMethod("wait_for_selector", "li.listing")]}
seen = []

class Search(scrapy.Spider):
    name = "search"

    async def start(self):
        yield scrapy.Request(f"{base}/search?q=象牙", meta=meta, callback=self.parse_first)

    def parse_first(self, response):
        seen.append(response.css("li.listing::text").getall())
        yield scrapy.FormRequest(f"{base}/search", formdata={"q": "犀角"}, meta=meta, callback=self.parse_second)

    def parse_second(self, response):
        seen.append(response.css("li.listing::text").getall())

settings = get_project_settings()
settings.setdict(playwright_settings(["127.0.0.1"]))
settings.setdict({"TRADEWATCH_ALLOWED_HOSTS": ["127.0.0.1"], "CONCURRENT_REQUESTS": 1, "ROBOTSTXT_OBEY": False,
                  "ITEM_PIPELINES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "WARNING"})
process = CrawlerProcess(settings)
crawler = process.create_crawler(Search)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
print("RESULT " + json.dumps({"seen": seen, "reused": stats.get("tradewatch/js/pages_reused", 0)}, ensure_ascii=False))
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


def test_a_reused_page_sends_the_form_post_and_scrapys_user_agent_and_never_requests_a_blocked_image(
    recording_site: tuple[str, list[dict[str, str]]], tw_home: Path, tmp_path: Path
):
    from crawler.settings import USER_AGENT

    base, received = recording_site
    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "crawl.py"  # a file: Scrapy reads its callbacks' source
    script.write_text(CRAWL, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), base],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.split("RESULT ", 1)[1])

    assert result["seen"] == [["老象牙手镯"], ["老象牙手镯"]]  # rendered by the page's script, both times
    assert result["reused"] == 1  # the form's download navigated the first download's page again
    documents = [row for row in received if row["path"].startswith("/search")]
    assert [row["method"] for row in documents] == ["GET", "POST"]
    assert "q=%E7%8A%80%E8%A7%92" in documents[1]["body"]  # the FormRequest's body, on the reused page
    api = [row for row in received if row["path"].startswith("/api/")]
    assert len(api) == 2
    assert {row["user-agent"] for row in documents + api} == {USER_AGENT}
    assert not [row for row in received if row["path"].startswith("/photo/")]  # a blocked image is never requested

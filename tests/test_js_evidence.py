"""Evidence of a rendered page keeps the server's response as sent, beside the rendered DOM and the screenshot."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from cli.app import app
from leads.db import get_engine
from leads.evidence import blob_path, evidence_root, lead_evidence
from leads.models import Lead

WARCIO = Path(sys.executable).with_name("warcio")
runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
SEARCH = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>搜索</title></head><body><ul class="results">
<li class="listing"><a class="title" href="/item/880011">老象牙手镯 包老保真</a><span class="price">¥12,800</span></li>
</ul></body></html>""".encode()
# The item page as the server sends it: the script adds the description only in the browser.
ITEM = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>老象牙手镯</title></head><body>
<h1 class="title">老象牙手镯 包老保真 象牙</h1><span class="price">¥12,800</span><div class="description"></div>
<script>document.querySelector(".description").textContent = "祖传老象牙，懂的来私聊";</script>
</body></html>""".encode()
ITEM_HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("X-Shop-Trace", "a1"), ("X-Shop-Trace", "b2")]


class KnownPages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/search"):
            body, headers = SEARCH, [("Content-Type", "text/html; charset=utf-8")]
        elif self.path == "/item/880011":
            body, headers = ITEM, ITEM_HEADERS
        else:
            self.send_error(404)
            return
        self.send_response(200)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def known_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), KnownPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def profile_file(tmp_path: Path, base_url: str) -> Path:
    profile = {
        "name": "rendered-shop",
        "display_name": "渲染商城 / Rendered shop",
        "base_url": base_url,
        "allow_private_hosts": ["127.0.0.1"],
        "search": {"url": "{base_url}/search?q={keyword}"},
        "results": {
            "item": {"css": "li.listing"},
            "fields": {
                "title": {"css": "a.title::text"},
                "url": {"css": "a.title::attr(href)"},
                "price": {"css": "span.price::text"},
            },
        },
        "listing_id": {"url_pattern": r"/item/(\d+)"},
        "item_page": {
            "follow": True,
            "fields": {"title": {"css": "h1.title::text"}, "description": {"css": "div.description::text"}},
        },
        "render": {"mode": "js", "wait_for": "li.listing, h1.title"},
    }
    path = tmp_path / "rendered-shop.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.browser
def test_js_evidence_keeps_the_served_bytes_the_rendered_dom_and_the_screenshot(
    known_site: str, tw_home: Path, tmp_path: Path
):
    result = runner.invoke(app, ["sweep", "--profile", str(profile_file(tmp_path, known_site)), "--keywords", "象牙"])
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        lead = session.exec(select(Lead)).one()
        [(capture, files)] = lead_evidence(session, lead.id)
    assert capture.renderer == "playwright"
    root = evidence_root(tw_home)
    data = {file.kind: blob_path(root, file.sha256).read_bytes() for file in files}
    assert data["response_body"] == ITEM
    assert "祖传老象牙，懂的来私聊".encode() in data["rendered_dom"]
    assert data["screenshot"].startswith(b"\x89PNG")
    exchange = json.loads(data["http_headers"])
    assert exchange["response"]["headers"]["X-Shop-Trace"] == ["a1", "b2"]
    assert exchange["response"]["headers"]["Content-Length"] == [str(len(ITEM))]

    warc = blob_path(root, next(file.sha256 for file in files if file.kind == "warc"))
    check = subprocess.run([str(WARCIO), "check", "-v", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    records = {}
    for record in ArchiveIterator(io.BytesIO(gzip.decompress(warc.read_bytes()))):
        payload = record.content_stream().read()
        records.setdefault(record.rec_type, []).append((record, payload))
    [(response, payload)] = records["response"]
    assert payload == ITEM
    assert response.http_headers.get_header("Content-Length") == str(len(ITEM))
    assert [value for name, value in response.http_headers.headers if name == "X-Shop-Trace"] == ["a1", "b2"]
    resources = {record.rec_headers.get_header("Content-Type"): body for record, body in records["resource"]}
    assert resources["text/html; charset=utf-8"] == data["rendered_dom"]
    assert resources["image/png"] == data["screenshot"]
    for record, body in records["resource"]:
        assert int(record.rec_headers.get_header("Content-Length")) == len(body)

"""Hostile and broken pages: every one is handled and counted in the run's stats, the sweep ends with the right
outcome, and nothing crashes the process.

One sweep (module fixture) searches a local site for one keyword per case, so all cases share one crawl; each
test then checks its own counter. A well-formed page in the same sweep proves the crawl went on around them.
The sweep runs with the production settings (`crawler/settings.py`, read through Scrapy's settings): the size
and decompression caps under test are the ones a real crawl has, so removing one fails these tests. Only the
timeout and the retries are shortened, to keep the test quick.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import sys
from pathlib import Path
from typing import Any

import brotli
import pytest
from aiohttp import web
from scrapy.settings import SETTINGS_PRIORITIES

from tests.hardening_support import (
    LocalServer,
    assert_clean_exit,
    crawl_settings_module,
    html_response,
    listing_html,
    production_settings,
    sweep,
    write_profile,
)

PRODUCTION = production_settings()
MAX_SIZE = PRODUCTION.getint("DOWNLOAD_MAXSIZE")  # the cap on the wire and while decompressing
TIMEOUT = 5  # production waits 30 s; the `hang` case waits this long twice


def _page(case: str) -> str:
    return listing_html([(f"{case}-1", f"象牙手镯 {case}", f"/item/{case}")])


@functools.cache
def _bomb(encoding: str) -> bytes:
    """A small body that expands past the cap (made once, before the server starts: compressing it blocks)."""
    expanded = b"<html><body>" + b" " * (3 * MAX_SIZE) + b"</body></html>"
    body = gzip.compress(expanded, 6) if encoding == "gzip" else brotli.compress(expanded, quality=5)
    assert len(body) < MAX_SIZE // 10
    return body


def _compressed(encoding: str) -> web.Response:
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding}
    return web.Response(body=_bomb(encoding), headers=headers)


INVALID_BYTES = {
    # declared charset -> a page whose bytes are not valid in it (nor UTF-8, nor a widened superset)
    "utf-8": b"\xe8\xb1\xa1\xe7\x89\x99 \xff\xfe\xc0\xaf \xed\xa0\x80 \xe4\xb8",
    "gbk": "象牙手镯".encode("gbk") + b"\x80\xff\xfe\x81\x7f" + "穿山甲".encode() * 2,
    "gb18030": "象牙".encode("gb18030") + b"\x81\x30\x81" + "手镯".encode() * 3 + b"\xff",
    "utf-16": b"\xff\xfe" + "象牙".encode("utf-16-le") + b"\x00\xd8\x41",  # a lone surrogate, odd length
}


def _encoded(charset: str) -> web.Response:
    body = (
        (
            f'<html><head><meta charset="{charset}"></head><body><ul class="results">'
            '<li class="listing" data-id="enc"><a class="title" href="/item/enc">'
        ).encode()
        + INVALID_BYTES[charset]
        + b"</a></li></ul></body></html>"
    )
    if charset == "utf-16":
        body = INVALID_BYTES[charset] + "<html><body>页面</body></html>".encode("utf-16-le")
    return web.Response(body=body, headers={"Content-Type": f"text/html; charset={charset}"})


async def search(request: web.Request) -> web.StreamResponse:
    case = request.query.get("q", "")
    if case == "ok":
        return html_response(_page("ok"))
    if case == "huge":  # announced by Content-Length
        return web.Response(body=b"<html>" + b"x" * (2 * MAX_SIZE), content_type="text/html")
    if case == "hugechunked":  # no Content-Length: the cap must trip while reading
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"x" * 65536
        try:
            for _ in range(3 * MAX_SIZE // len(chunk)):
                await response.write(chunk)
        except (ConnectionError, RuntimeError):
            pass
        return response
    if case in ("gzip", "br"):
        return _compressed(case)
    if case == "nested":
        depth = 5000
        body = _page("nested").replace("</body>", "<div>" * depth + "深" + "</div>" * depth + "</body>")
        return html_response(body)
    if case == "malformed":
        body = (
            '<html><head><title>x</title><body><ul class=results><li class="listing" data-id="malformed-1">'
            '<a class="title" href="/item/malformed">象牙手镯 malformed<b><i><table><tr><td></li></ul>'
            "<p <<<>>> </div></span></html></html><!-- unterminated <script>var a = '</scr"
        )
        return html_response(body)
    if case == "bigtitle":
        return html_response(listing_html([("bigtitle-1", "象牙" + "x" * 1_000_000, "/item/bigtitle")]))
    if case.startswith("enc-"):
        return _encoded(case[4:])
    if case == "binary":  # a picture where the result page should be
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, content_type="image/png")
    if case == "loop":
        raise web.HTTPFound("/loop/1")
    if case == "hang":
        await asyncio.sleep(3600)
    if case == "cut":
        response = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Length": "100000"})
        await response.prepare(request)
        await response.write(_page("cut").encode()[:200])
        assert request.transport is not None
        request.transport.close()
        return response
    return web.Response(status=404)


async def loop(request: web.Request) -> web.Response:
    step = int(request.match_info["step"])
    raise web.HTTPFound(f"/loop/{step + 1}")


CASES = ["ok", "huge", "hugechunked", "gzip", "br", "nested", "malformed", "bigtitle", "binary", "loop", "hang", "cut"]
CASES += [f"enc-{charset}" for charset in INVALID_BYTES]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = folder / "home"
        monkeypatch.setenv("TRADEWATCH_HOME", str(home))
        monkeypatch.delenv("TRADEWATCH_DATABASE_URL", raising=False)
        monkeypatch.delenv("TRADEWATCH_REDIS_URL", raising=False)
        assert_project_sets_the_size_cap()
        _bomb("gzip"), _bomb("br")
        crawl_settings_module(folder, monkeypatch, DOWNLOAD_TIMEOUT=TIMEOUT, RETRY_TIMES=1)
        with LocalServer({"/search": search, "/loop/{step}": loop}) as site:
            result, run = sweep(write_profile(folder, site.url), ",".join(CASES))
        assert run is not None
        from sqlmodel import Session, select

        from leads.db import get_engine
        from leads.models import Listing

        with Session(get_engine()) as session:
            listings = {listing.listing_id: listing for listing in session.exec(select(Listing))}
        assert_clean_exit(result, home / "logs")
        return {"result": result, "run": run, "stats": run.stats, "listings": listings, "hits": site.hits}


def assert_project_sets_the_size_cap() -> None:
    """Without it a crawl would take Scrapy's default of 1 GiB per response (and per decompressed body)."""
    assert PRODUCTION.getpriority("DOWNLOAD_MAXSIZE") == SETTINGS_PRIORITIES["project"], (
        "DOWNLOAD_MAXSIZE is not set in crawler/settings.py"
    )
    assert MAX_SIZE <= 64 * 1024 * 1024


def test_the_production_settings_cap_every_response():
    assert_project_sets_the_size_cap()
    middlewares = PRODUCTION.getdict("DOWNLOADER_MIDDLEWARES")
    # decompression goes through the counting middleware, which keeps Scrapy's cap while decompressing
    assert middlewares.get("crawler.middlewares.limits.CountingHttpCompressionMiddleware")
    assert middlewares.get("crawler.middlewares.encoding.PageEncodingMiddleware")
    assert middlewares.get("crawler.destination_guard.DestinationGuardMiddleware")


def test_the_sweep_finishes_and_keeps_the_good_pages(hostile_run: dict[str, Any]):
    run = hostile_run["run"]
    assert run.finish_reason == "finished"
    assert run.outcome == "degraded"  # failed requests are reported, not hidden
    assert {"ok-1", "nested-1", "malformed-1", "bigtitle-1"} <= set(hostile_run["listings"])
    assert hostile_run["result"].exit_code == 3  # completed, with a non-ok outcome


def test_a_body_over_the_size_cap_is_refused_and_counted(hostile_run: dict[str, Any]):
    # announced and chunked, each tried twice (one retry)
    assert hostile_run["stats"]["tradewatch/responses/too_large"] >= 2
    assert not any(listing_id.startswith("huge") for listing_id in hostile_run["listings"])


def test_compressed_bodies_that_expand_past_the_cap_are_refused_and_counted(hostile_run: dict[str, Any]):
    assert hostile_run["stats"]["tradewatch/responses/decompression_bomb"] == 2  # gzip and brotli
    assert hostile_run["stats"].get("httpcompression/response_bytes", 0) < 2 * MAX_SIZE


def test_deeply_nested_and_malformed_html_is_parsed(hostile_run: dict[str, Any]):
    assert hostile_run["listings"]["nested-1"].title == "象牙手镯 nested"
    assert hostile_run["listings"]["malformed-1"].title == "象牙手镯 malformed"


def test_a_megabyte_title_is_stored_bounded(hostile_run: dict[str, Any]):
    title = hostile_run["listings"]["bigtitle-1"].title
    assert title.startswith("象牙xxx") and len(title) == 1_000
    assert hostile_run["stats"]["tradewatch/field/title/truncated"] == 1


def test_invalid_bytes_in_every_supported_encoding_are_reported_not_stored(hostile_run: dict[str, Any]):
    assert hostile_run["stats"]["tradewatch/pages/undecodable"] == len(INVALID_BYTES)
    assert "enc" not in hostile_run["listings"]


def test_a_page_that_is_not_text_is_counted_not_parsed(hostile_run: dict[str, Any]):
    assert hostile_run["stats"]["tradewatch/pages/not_text"] == 1
    assert not any(key.startswith("spider_exceptions") for key in hostile_run["stats"])


def test_an_endless_redirect_loop_is_cut_and_counted(hostile_run: dict[str, Any]):
    assert hostile_run["stats"]["tradewatch/responses/redirect_loop"] == 1
    assert sum(count for path, count in hostile_run["hits"].items() if path.startswith("/loop/")) <= 21


def test_a_server_that_never_answers_times_out_and_is_counted(hostile_run: dict[str, Any]):
    assert hostile_run["stats"]["tradewatch/responses/timeout"] == 2  # first try and one retry


def test_a_connection_closed_mid_body_is_counted(hostile_run: dict[str, Any]):
    assert hostile_run["stats"]["tradewatch/responses/data_loss"] == 2
    assert "cut-1" not in hostile_run["listings"]


def test_a_storm_of_429_and_503_gives_up_counted_with_the_right_outcome(
    tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    crawl_settings_module(tmp_path, monkeypatch, RETRY_TIMES=3, TRADEWATCH_RETRY_MAX_WAIT=0.2)
    statuses = iter([429, 503] * 1000)

    async def storm(request: web.Request) -> web.Response:
        return web.Response(status=next(statuses), headers={"Retry-After": "3600"}, text="slow down")

    with LocalServer({"/search": storm}) as site:
        result, run = sweep(write_profile(tmp_path, site.url), "象牙,穿山甲")
        assert site.hits["/search"] == 2 * 4  # two keywords, each tried once and retried three times
    assert_clean_exit(result, tw_home / "logs")
    assert result.exit_code == 3
    assert run is not None and run.outcome == "unreachable"
    assert run.stats["tradewatch/retries/gave_up"] == 2
    assert run.stats["tradewatch/retries/429"] + run.stats["tradewatch/retries/503"] == 8
    assert run.stats["tradewatch/retries/waited_ms"] <= 8 * 200  # Retry-After: 3600 is bounded


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))

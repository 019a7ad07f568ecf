"""Small local servers, throw-away profiles and sweep runners for the hardening tests.

Every server listens on a loopback address with port 0, in a thread of its own, and counts the requests it got
per path, so a test can assert that a forbidden destination was never reached.
"""

from __future__ import annotations

import asyncio
import html
import sys
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web
from scrapy.settings import Settings
from sqlmodel import Session, col, select
from typer.testing import CliRunner, Result

from leads.db import get_engine
from leads.models import CrawlRun

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
runner = CliRunner()


class LocalServer:
    """An aiohttp app on `host`:0 in a background thread. `hits` counts requests by path."""

    def __init__(self, routes: dict[str, Handler], host: str = "127.0.0.1") -> None:
        self.routes = routes
        self.host = host
        self.hits: Counter[str] = Counter()
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def total(self) -> int:
        return sum(self.hits.values())

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        @web.middleware
        async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
            self.hits[request.path] += 1
            return await handler(request)

        app = web.Application(middlewares=[count])
        for path, handler in self.routes.items():
            app.router.add_route("*", path, handler)
        if "/{tail:.*}" not in self.routes:
            app.router.add_route("*", "/{tail:.*}", _not_found)
        app_runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await app_runner.setup()
        site = web.TCPSite(app_runner, self.host, 0)
        await site.start()
        port = app_runner.addresses[0][1]
        self.url = f"http://{self.host}:{port}"
        self._stop = asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        await app_runner.cleanup()

    def __enter__(self) -> LocalServer:
        self._thread.start()
        if not self._ready.wait(10) or not self.url:
            raise RuntimeError("local server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


async def _not_found(request: web.Request) -> web.Response:
    return web.Response(status=404, text="not found")


def listing_html(listings: list[tuple[str, str, str]], *, title: str = "搜索结果", extra: str = "") -> str:
    """A result page: one `li.listing` per (id, title, href)."""
    items = "".join(
        f'<li class="listing" data-id="{html.escape(lid)}"><a class="title" href="{html.escape(href)}">'
        f'{html.escape(text)}</a><span class="price">¥1200.00</span></li>'
        for lid, text, href in listings
    )
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f'<body>{extra}<ul class="results">{items}</ul></body></html>'
    )


def html_response(text: str, **kwargs: Any) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8", **kwargs)


def write_profile(folder: Path, base_url: str, name: str = "hostile", **overrides: Any) -> Path:
    """A minimal static profile for `base_url`; loopback 127.0.0.1 allowed, robots.txt ignored by default."""
    data: dict[str, Any] = {
        "name": name,
        "display_name": "测试站点 / Test site",
        "base_url": base_url,
        "search": {"url": "{base_url}/search?q={keyword}&page={page}"},
        "results": {
            "item": {"css": "li.listing"},
            "fields": {
                "listing_id": {"xpath": "@data-id"},
                "title": {"css": "a.title::text"},
                "url": {"css": "a.title::attr(href)"},
                "price": {"css": "span.price::text"},
            },
        },
        "pagination": {"max_pages": 1},
        "politeness": {"obey_robots": False},
        "allow_private_hosts": ["127.0.0.1"],
        "health": {"fields": ["title", "url"]},
    }
    data.update(overrides)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def production_settings() -> Settings:
    """Scrapy's settings as a crawl gets them: Scrapy's defaults with `crawler/settings.py` over them."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


MARKET_HOST = "market.example"
REBIND_HOST = "rebind.example"


async def rebinding_resolver(name: str) -> tuple[str, ...]:
    """DNS for the browser tests: the marketplace's name resolves to the local site (an allowed private host),
    and a public-looking name an attacker controls resolves to another loopback address."""
    answers = {MARKET_HOST: ("127.0.0.1",), REBIND_HOST: ("127.0.0.2",)}
    if name in answers:
        return answers[name]
    from crawler.destination_guard import resolve_host

    return await resolve_host(name)


def crawl_settings_module(folder: Path, monkeypatch: Any, **values: Any) -> None:
    """Point the sweep's child process at project settings with these values changed (a test-only module)."""
    lines = ["from crawler.settings import *  # noqa: F403"]
    lines += [f"{key} = {value!r}" for key, value in values.items()]
    module = f"tw_test_settings_{abs(hash(folder)) % 10**8}"
    (folder / f"{module}.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", f"{folder}:{root}")
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", module)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def sweep(profile: Path, keywords: str = "象牙", *args: str) -> tuple[Result, CrawlRun | None]:
    """Run `tradewatch sweep --profile ...`; returns the CLI result and the newest crawl run."""
    from cli.app import app

    result = runner.invoke(app, ["sweep", "--profile", str(profile), "--keywords", keywords, *args])
    with Session(get_engine()) as session:
        run = session.exec(select(CrawlRun).order_by(col(CrawlRun.id).desc())).first()
    return result, run


def assert_clean_exit(result: Result, log_dir: Path | None = None) -> None:
    """The CLI ended with 0 (ok) or 3 (completed with a bad outcome), never an exception or a traceback."""
    assert result.exit_code in (0, 3), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if log_dir is not None:
        for log in log_dir.glob("sweep-*.log"):
            assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace"), log

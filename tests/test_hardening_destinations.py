"""Real sweeps never reach loopback, private, link-local or metadata addresses, or non-HTTP schemes, that
configuration did not allow: not by a first request, a followed link, a redirect, a robots.txt fetch, nor
from inside the browser (navigation redirects, scripts, WebSockets), and the browser never downloads files."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from crawler.profiles import load_profile
from tests.hardening_support import (
    MARKET_HOST,
    REBIND_HOST,
    LocalServer,
    assert_clean_exit,
    crawl_settings_module,
    html_response,
    listing_html,
    sweep,
    write_profile,
)

FORBIDDEN_STAT = "tradewatch/requests/forbidden_destination"
BROWSER_STAT = "tradewatch/browser/forbidden_destination"


@pytest.fixture
def fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crawl_settings_module(tmp_path, monkeypatch, DOWNLOAD_TIMEOUT=3, RETRY_TIMES=0)


@pytest.fixture
def victim() -> LocalServer:
    """A service on another loopback address that no crawl may reach."""

    async def anything(request: web.Request) -> web.Response:
        return html_response(listing_html([("666", "象牙 stolen", "/item/666")]))

    with LocalServer({"/{tail:.*}": anything}, host="127.0.0.2") as server:
        yield server


def _redirecting_site(target: str) -> dict:
    async def search(request: web.Request) -> web.Response:
        raise web.HTTPFound(target)

    return {"/search": search}


@pytest.mark.parametrize("target", ["victim", "localhost", "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_from_the_allowed_site_to_a_forbidden_address_is_refused(
    target: str, victim: LocalServer, fast: None, tw_home: Path, tmp_path: Path
):
    with LocalServer({"/probe": _probe}) as other:
        if target == "victim":
            target = f"{victim.url}/latest/meta-data/"
        elif target == "localhost":
            target = other.url.replace("127.0.0.1", "localhost") + "/probe"
        with LocalServer(_redirecting_site(target)) as site:
            # Offsite allows every host here: only the destination policy stands between the crawl and them.
            domains = ["127.0.0.1", "127.0.0.2", "localhost", "169.254.169.254"]
            result, run = sweep(write_profile(tmp_path, site.url, allowed_domains=domains))
        assert other.total == 0
    assert_clean_exit(result, tw_home / "logs")
    assert victim.total == 0
    assert site.hits["/search"] == 1
    assert run is not None and run.stats[FORBIDDEN_STAT] == 1
    assert run.outcome == "unreachable"


async def _probe(request: web.Request) -> web.Response:
    return web.Response(text="internal service")


def test_links_on_a_page_to_private_addresses_and_other_schemes_are_not_followed(
    victim: LocalServer, fast: None, tw_home: Path, tmp_path: Path
):
    links = [
        ("1", "象牙手镯", f"{victim.url}/item/1"),
        ("2", "象牙雕件", "file:///etc/passwd"),
        ("3", "象牙原料", "ftp://127.0.0.2/pub/item"),
        ("4", "象牙印章", "http://[::1]:9/item/4"),
        ("5", "象牙吊坠", "http://10.255.255.1/item/5"),
    ]

    async def search(request: web.Request) -> web.Response:
        return html_response(listing_html(links))

    with LocalServer({"/search": search}) as site:
        profile = write_profile(
            tmp_path,
            site.url,
            allowed_domains=["127.0.0.1", "127.0.0.2", "10.255.255.1", "::1"],
            item_page={"follow": True, "fields": {"title": {"css": "a.title::text"}}},
        )
        result, run = sweep(profile)
    assert_clean_exit(result, tw_home / "logs")
    assert victim.total == 0
    # file: has no host, so Scrapy's offsite filter drops it before the policy would; the rest are refused here
    assert run is not None and run.stats[FORBIDDEN_STAT] == len(links) - 1
    assert run.stats[FORBIDDEN_STAT] + run.stats.get("offsite/filtered", 0) == len(links)
    assert run.stats.get("tradewatch/pages/item", 0) == 0


def test_robots_txt_fetches_are_checked_too(victim: LocalServer, fast: None, tw_home: Path, tmp_path: Path):
    async def robots(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{victim.url}/robots.txt")

    async def search(request: web.Request) -> web.Response:
        return html_response(listing_html([("1", "象牙手镯", "/item/1")]))

    with LocalServer({"/robots.txt": robots, "/search": search}) as site:
        profile = write_profile(
            tmp_path, site.url, politeness={"obey_robots": True}, allowed_domains=["127.0.0.1", "127.0.0.2"]
        )
        result, run = sweep(profile)
        assert site.hits["/robots.txt"] == 1
    assert_clean_exit(result, tw_home / "logs")
    assert victim.total == 0
    assert run is not None and run.stats[FORBIDDEN_STAT] == 1
    assert run.listings == 1  # the site itself is still crawled


def test_the_demo_marketplace_is_allowed_by_its_profile_not_by_a_default():
    from core.config import Settings

    assert Settings().allowed_hosts == [] or Settings.model_fields["allowed_hosts"].default_factory() == []
    assert Settings.model_fields["allowed_hosts"].default_factory() == []
    demo = load_profile("demo")
    assert demo.allow_private_hosts == ["127.0.0.1", "localhost"]
    # pointing a profile at another host does not allow that host
    moved = demo.with_base_url("http://10.0.0.7:8080")
    assert moved.allow_private_hosts == ["127.0.0.1", "localhost"]
    shop = load_profile("taobao")
    assert shop.allow_private_hosts == [] and shop.with_base_url("http://127.0.0.1:1").allow_private_hosts == []


def test_a_profile_pointed_at_a_private_host_it_does_not_allow_is_refused(
    victim: LocalServer, fast: None, tw_home: Path, tmp_path: Path
):
    result, run = sweep(write_profile(tmp_path, "http://127.0.0.1:1"), "象牙", "--base-url", victim.url)
    assert_clean_exit(result, tw_home / "logs")
    assert victim.total == 0
    assert run is not None and run.stats[FORBIDDEN_STAT] == 1 and run.outcome == "unreachable"


# ----------------------------------------------------------------------------------------------- browser


JS_SEARCH = """<!doctype html><html><head><meta charset="utf-8"><title>搜索</title></head><body>
<iframe src="{victim}/frame"></iframe>
<ul class="results"></ul>
<script>
const tries = [
  fetch("{victim}/fetch").catch(() => null),
  new Promise((done) => {{
    try {{
      const ws = new WebSocket("{ws}/ws");
      ws.onopen = () => done(null); ws.onerror = () => done(null); ws.onclose = () => done(null);
    }} catch (e) {{ done(null); }}
    setTimeout(() => done(null), 1500);
  }}),
];
Promise.all(tries).then(() => {{
  document.querySelector("ul.results").innerHTML =
    '<li class="listing" data-id="1"><a class="title" href="/item/1">象牙手镯</a><span class="price">¥10</span></li>';
}});
</script></body></html>"""


def _js_profile(tmp_path: Path, base_url: str, **overrides) -> Path:
    values = {"allowed_domains": ["127.0.0.1", "127.0.0.2"], **overrides}
    return write_profile(
        tmp_path,
        base_url,
        name="hostile-js",
        render={"mode": "js", "wait_for": "li.listing, .never", "wait_timeout_ms": 8000},
        **values,
    )


@pytest.mark.browser
def test_scripts_frames_and_websockets_in_the_browser_do_not_reach_forbidden_addresses(
    victim: LocalServer, tw_home: Path, tmp_path: Path
):
    page = JS_SEARCH.format(victim=victim.url, ws=victim.url.replace("http://", "ws://"))

    async def search(request: web.Request) -> web.Response:
        return html_response(page)

    with LocalServer({"/search": search}) as site:
        result, run = sweep(_js_profile(tmp_path, site.url))
    assert_clean_exit(result, tw_home / "logs")
    assert victim.total == 0, victim.hits
    assert run is not None and run.listings == 1, result.output
    assert run.stats[BROWSER_STAT] >= 2  # the frame and the fetch (the WebSocket is closed by its own guard)


@pytest.mark.browser
def test_a_redirect_inside_the_browser_to_a_forbidden_address_is_aborted(
    victim: LocalServer, tw_home: Path, tmp_path: Path
):
    with LocalServer(_redirecting_site(f"{victim.url}/latest/meta-data/")) as site:
        result, run = sweep(_js_profile(tmp_path, site.url))
        assert site.hits["/search"] >= 1
    # Chromium's own resolver refuses the redirect hop (Playwright's routing never sees it); scrapy-playwright
    # logs the failed navigation with its traceback, and the sweep ends normally.
    assert_clean_exit(result)
    assert victim.total == 0
    assert run is not None and run.stats.get("tradewatch/errors/request", 0) >= 1
    assert run.outcome == "unreachable"


@pytest.mark.browser
@pytest.mark.parametrize("how", ["allowed", "redirect", "script navigation"])
def test_a_public_looking_name_that_resolves_to_a_private_address_is_refused_inside_the_browser(
    how: str, victim: LocalServer, tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # DNS (the crawl's resolver setting) answers market.example with the site on 127.0.0.1, allowed by the
    # profile by name only, and rebind.example with 127.0.0.2, which no configuration allows. Chromium itself
    # can resolve neither: whatever it fetches went through the crawl's resolving proxy.
    crawl_settings_module(tmp_path, monkeypatch, TRADEWATCH_DNS_RESOLVER="tests.hardening_support.rebinding_resolver")
    target = victim.url.replace("127.0.0.2", REBIND_HOST) + "/latest/meta-data/"
    pages = {
        "allowed": listing_html([("1", "象牙手镯", "/item/1")]),
        "script navigation": f"<html><body><script>location.assign({target!r});</script></body></html>",
    }

    async def search(request: web.Request) -> web.Response:
        return html_response(pages[how])

    routes = _redirecting_site(target) if how == "redirect" else {"/search": search}
    with LocalServer(routes) as site:
        profile = _js_profile(
            tmp_path,
            site.url.replace("127.0.0.1", MARKET_HOST),
            allow_private_hosts=[MARKET_HOST],
            allowed_domains=[MARKET_HOST, REBIND_HOST],
        )
        result, run = sweep(profile)
        assert site.hits["/search"] >= 1
    assert_clean_exit(result)
    assert victim.total == 0, victim.hits
    assert run is not None
    if how == "allowed":
        assert run.listings == 1, run.stats
        assert run.stats.get(BROWSER_STAT, 0) == 0
    else:
        # A redirect hop never reaches Playwright's routing: only the browser's resolving proxy can refuse it.
        assert run.stats.get(BROWSER_STAT, 0) >= 1, run.stats
        assert run.listings == 0


def test_chromium_refuses_to_resolve_private_hosts_except_allowed_ones():
    from crawler.browser import host_resolver_rules

    rules = host_resolver_rules(["127.0.0.1"]).split(", ")
    assert rules[0] == "EXCLUDE 127.0.0.1"
    for pattern in ("127.*", "10.*", "169.254.*", "192.168.*", "172.16.*", "172.31.*", "localhost", "::1", "fd*:*"):
        assert f"MAP {pattern} ~NOTFOUND" in rules


@pytest.mark.browser
def test_the_browser_does_not_download_files(tw_home: Path, tmp_path: Path):
    async def search(request: web.Request) -> web.Response:
        body = listing_html([("1", "象牙手镯", "/item/1")])
        return web.Response(
            body=body.encode(),
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Disposition": 'attachment; filename="x.html"',
            },
        )

    from crawler.browser import playwright_settings

    assert playwright_settings()["PLAYWRIGHT_CONTEXTS"]["tradewatch"]["accept_downloads"] is False
    with LocalServer({"/search": search}) as site:
        result, run = sweep(_js_profile(tmp_path, site.url))
        assert site.hits["/search"] >= 1
    assert_clean_exit(result)  # scrapy-playwright logs the refused navigation with its traceback; nothing crashes
    assert run is not None and run.listings == 0 and run.stats.get("playwright/download_count", 0) <= 1
    assert run.outcome == "unreachable"
    assert not list(tw_home.rglob("x.html"))

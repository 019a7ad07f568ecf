"""The browser's resolving proxy connects to exactly the address it checked, and refuses the rest."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web

from crawler.browser_proxy import ResolvingProxy, rendered_response_class
from crawler.destination_guard import destination_addresses
from crawler.destinations import DestinationPolicy
from tests.hardening_support import LocalServer, html_response


@pytest.fixture
def market() -> LocalServer:
    async def item(request: web.Request) -> web.Response:
        return html_response(f"<p>{request.host} {request.path_qs} 象牙手镯 ¥3800</p>")

    with LocalServer({"/{tail:.*}": item}) as server:
        yield server


def _proxied(proxy_answers: dict[str, tuple[str, ...]], allowed: list[str], url: str) -> tuple[str, list[str]]:
    """Fetch `url` through a proxy whose DNS gives `proxy_answers`; returns (body or error, refusals)."""
    policy = DestinationPolicy.with_allowed(allowed)
    refusals: list[str] = []

    async def resolve(name: str) -> tuple[str, ...]:
        return proxy_answers.get(name, ())

    async def fetch() -> str:
        proxy = ResolvingProxy(lambda target: destination_addresses(policy, target, resolve), _collect(refusals))
        port = proxy.bind()
        await proxy.start()
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(url, proxy=f"http://127.0.0.1:{port}") as response,
            ):
                return await response.text()
        except aiohttp.ClientError as error:
            return f"failed: {type(error).__name__}"
        finally:
            await proxy.close()

    return asyncio.run(fetch()), refusals


def _collect(refusals: list[str]):
    return lambda target, reason: refusals.append(f"{target}: {reason}")


def test_an_allowed_name_is_fetched_from_the_address_the_proxy_resolved(market: LocalServer):
    port = market.url.rsplit(":", 1)[1]
    body, refusals = _proxied(
        {"market.example": ("127.0.0.1",)}, ["market.example"], f"http://market.example:{port}/item/7?q=1"
    )
    assert body == f"<p>market.example:{port} /item/7?q=1 象牙手镯 ¥3800</p>"
    assert refusals == []
    assert market.hits["/item/7"] == 1


def test_a_name_that_resolves_to_a_private_address_is_refused_and_never_connected(market: LocalServer):
    port = market.url.rsplit(":", 1)[1]
    body, refusals = _proxied({"rebind.example": ("127.0.0.1",)}, [], f"http://rebind.example:{port}/latest/")
    assert body.startswith("failed:")
    # the client retries a closed connection once; each attempt is refused
    assert set(refusals) == {
        f"http://rebind.example:{port}/latest/: rebind.example resolves to private address 127.0.0.1"
    }
    assert market.total == 0


def test_one_private_answer_among_public_ones_refuses_the_name(market: LocalServer):
    port = market.url.rsplit(":", 1)[1]
    body, refusals = _proxied({"mixed.example": ("203.0.113.9", "127.0.0.1")}, [], f"http://mixed.example:{port}/")
    assert body.startswith("failed:")
    assert set(refusals) == {f"http://mixed.example:{port}/: mixed.example resolves to private address 127.0.0.1"}
    assert market.total == 0


def test_closing_the_proxy_ends_every_connection_a_browser_left_open():
    """A connection still open when the browser goes (an idle keep-alive, a request half sent) is cancelled and
    awaited by `close`: no task of the proxy outlives it to be destroyed pending with the event loop."""

    async def scenario() -> tuple[int, set[asyncio.Task]]:
        proxy = ResolvingProxy(lambda target: destination_addresses(DestinationPolicy(), target, _none), _collect([]))
        port = proxy.bind()
        await proxy.start()
        writers = []
        for _ in range(3):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET http://market.example/ HTTP/1.1\r\nHost: mar")  # the head never ends
            await writer.drain()
            writers.append(writer)
        serving: set[asyncio.Task] = set()
        for _ in range(200):  # until the proxy waits on all three (a task each, and one per wait on some Pythons)
            serving = asyncio.all_tasks() - {asyncio.current_task()}
            if len(serving) >= 3:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        serving = asyncio.all_tasks() - {asyncio.current_task()}
        await proxy.close()
        left = {task for task in serving if not task.done()}
        for writer in writers:
            writer.close()
        return len(serving), left

    serving, left = asyncio.run(scenario())
    assert serving >= 3
    assert left == set()


async def _none(name: str) -> tuple[str, ...]:
    return ()


def test_a_rendered_page_is_a_text_response_whatever_type_the_server_sent():
    """Chromium shows a PDF or an image inside a page: what it renders is HTML, read with the page's encoding."""
    from scrapy.http import Headers, TextResponse

    dom = b"<html><body><embed type='application/pdf' src='/plain/item/100231.pdf'></body></html>"
    url = "http://127.0.0.1:8765/plain/item/100231.pdf"
    for content_type in ("application/pdf", "image/png", "application/octet-stream", "text/html; charset=utf-8"):
        made = rendered_response_class(Headers({"Content-Type": content_type}), url, dom)
        response = made(url=url, body=dom, encoding="utf-8", headers={"Content-Type": content_type})
        assert isinstance(response, TextResponse), content_type
        assert response.css("embed::attr(type)").get() == "application/pdf"

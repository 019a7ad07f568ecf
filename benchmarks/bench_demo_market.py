"""Requests per second of the demo marketplace, against a trivial aiohttp handler as baseline.

Each server runs alone in a child process (one core, one event loop); this process is the client, with a
bounded number of requests and a fixed number of concurrent connections.

    python benchmarks/bench_demo_market.py [--requests 4000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from collections.abc import Callable
from urllib.parse import quote

import aiohttp
from aiohttp import web


def _serve(make_app: Callable[[], web.Application], ports: multiprocessing.Queue[int]) -> None:
    async def main() -> None:
        runner = web.AppRunner(make_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _trivial_app() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>ok</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", hello)
    return app


def _market_app() -> web.Application:
    from crawler.demo_market.server import create_app

    return create_app()


async def _hammer(base_url: str, paths: list[str], requests: int, concurrency: int) -> float:
    """Fetch `requests` URLs cycling through `paths`; returns requests per second."""
    counter = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for n in counter:
                async with session.get(base_url + paths[n % len(paths)]) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{paths[n % len(paths)]} answered {response.status}")

        for path in paths[:50]:  # warm the page caches and connections
            async with session.get(base_url + path) as response:
                await response.read()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - started)


def _measure(make_app: Callable[[], web.Application], paths: list[str], requests: int, concurrency: int) -> float:
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(make_app, ports), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=60)
        return asyncio.run(_hammer(f"http://127.0.0.1:{port}", paths, requests, concurrency))
    finally:
        server.terminate()
        server.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=4000, help="requests per measurement")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent connections")
    args = parser.parse_args()

    from crawler.demo_market.catalogue import build_catalogue

    catalogue = build_catalogue()
    keywords = ["", "象牙", "手机", "穿山甲", "iPhone", "沙发", "玳瑁", "电子烟"]
    search_paths = [f"/plain/search?q={quote(k)}&page={p}" for k in keywords for p in (1, 2)]
    item_paths = [f"/plain/item/{li.listing_id}" for li in catalogue.listings[:500]]
    gbk_paths = [f"/gbk/item/{li.listing_id}" for li in catalogue.listings[500:1000]]

    # The baseline is measured first (also warming the client) and again last; the better run counts.
    first = _measure(_trivial_app, ["/"], args.requests, args.concurrency)
    rates = {}
    for name, paths in (("search pages", search_paths), ("item pages", item_paths), ("gbk item pages", gbk_paths)):
        rates[name] = _measure(_market_app, paths, args.requests, args.concurrency)
    baseline = max(first, _measure(_trivial_app, ["/"], args.requests, args.concurrency))
    print(f"trivial handler (baseline)  {baseline:8.0f} req/s")
    for name, rate in rates.items():
        print(f"demo market {name:<15} {rate:8.0f} req/s  ({rate / baseline:.2f} x baseline)")
    print("The client shares this machine: a ratio near 1 means the demo market is not the bottleneck.")


if __name__ == "__main__":
    main()

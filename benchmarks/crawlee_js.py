"""Crawlee for Python's PlaywrightCrawler on the demo marketplace's JS pages, for bench_js.py: the same selectors,
Chromium, launch arguments, blocked resource types and pages in flight as tradewatch, in-memory storage.

Runs in the benchmark-only environment (benchmarks/.crawlee-venv), never in tradewatch's; prints its figures
after "BENCH-RESULT ".

    benchmarks/.crawlee-venv/bin/python benchmarks/crawlee_js.py JOB.json
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any
from urllib.parse import quote

from crawlee import ConcurrencySettings, Request
from crawlee.crawlers import PlaywrightCrawler, PlaywrightCrawlingContext, PlaywrightPreNavCrawlingContext
from crawlee.storage_clients import MemoryStorageClient

ITEM_FIELDS = """item => ({
    title: item.querySelector('h1.title')?.textContent ?? null,
    price: item.querySelector('span.price')?.textContent ?? null,
    description: [...item.querySelectorAll('div.description')].map(e => e.innerText).join('\\n'),
    seller: item.querySelector('a.seller')?.textContent ?? null,
    seller_id: item.querySelector('a.seller')?.getAttribute('data-seller-id') ?? null,
    location: item.querySelector('span.location')?.textContent ?? null,
    posted_at: item.querySelector('time.posted')?.getAttribute('datetime') ?? null,
    image_url: item.querySelector('img.photo')?.getAttribute('src') ?? null,
})"""


async def crawl(job: dict[str, Any]) -> dict[str, Any]:
    blocked = set(job["blocked"])
    pages = job["in_flight"]
    crawler = PlaywrightCrawler(
        headless=True,
        browser_type="chromium",
        browser_launch_options={"executable_path": job["executable_path"], "args": job["args"]},
        goto_options={"wait_until": "domcontentloaded"},
        concurrency_settings=ConcurrencySettings(
            min_concurrency=pages, max_concurrency=pages, desired_concurrency=pages
        ),
        max_request_retries=0,
        storage_client=MemoryStorageClient(),
    )

    @crawler.pre_navigation_hook
    async def block(context: PlaywrightPreNavCrawlingContext) -> None:
        async def route(route: Any) -> None:
            if route.request.resource_type in blocked:
                await route.abort()
            else:
                await route.continue_()

        await context.page.route("**/*", route)

    @crawler.router.default_handler
    async def handle(context: PlaywrightCrawlingContext) -> None:
        page = context.page
        await page.wait_for_selector(job["wait_for"], timeout=job["wait_timeout_ms"])
        label = context.request.label
        if label == "item":
            item = await page.eval_on_selector("div.item", ITEM_FIELDS)
            await context.push_data({"url": context.request.url, **item})
            return
        number = context.request.user_data.get("page", 1)
        links = await page.eval_on_selector_all("ul.results li.listing a.title", "as => as.map(a => a.href)")
        follow = [Request.from_url(link, label="item") for link in links]
        next_link = await page.eval_on_selector_all("a.next", "as => as.map(a => a.href)")
        if next_link and number < job["max_result_pages"]:
            follow.append(Request.from_url(next_link[0], label="search", user_data={"page": number + 1}))
        await context.add_requests(follow)

    start = [
        Request.from_url(f"{job['base_url']}/js/search?q={quote(k)}&page=1", label="search", user_data={"page": 1})
        for k in job["keywords"]
    ]
    started = time.monotonic()
    statistics = await crawler.run(start)
    elapsed = time.monotonic() - started
    finished = int(statistics.requests_finished)
    return {
        "elapsed_s": round(elapsed, 3),
        "pages": finished,
        "failed": int(statistics.requests_failed),
        "pages_per_s": round(finished / elapsed, 2),
    }


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    result = asyncio.run(crawl(job))
    sys.stdout.write("BENCH-RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

"""The crawl process's per-item work without the network: a demo sweep's pages, saved once, replayed through the
downloader middlewares' handling of a response (every one a crawl runs, in its order: decompression, encoding,
the meta refresh check, the counts), the spider's callbacks and the normalise and score pipelines (the store's
writer, Scrapy's engine, the downloader and the middlewares' handling of a request are left out). What it
measures is what tradewatch adds to each page beside parsing it, in a form that a profiler or an instruction
count can take apart.

    python benchmarks/bench_item_path.py --save /tmp/demo-pages.pickle         # fetch the sweep's pages once
    python benchmarks/bench_item_path.py --pages /tmp/demo-pages.pickle --repeat 5 --digest

`--digest` prints a digest of the items (fields, scores, page captures, the sweep's stats, fetch times left out):
a change that must not alter the output keeps it. Counted in instructions, start-up left out (`--wait DIR`
makes the replay wait for DIR/go before it starts and for DIR/off after it ends, writing its pid to
DIR/ready and DIR/done when it gets there):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no python benchmarks/bench_item_path.py \\
        --pages /tmp/demo-pages.pickle --repeat 1 --wait /tmp/replay &
    # once /tmp/replay/ready exists: callgrind_control -i on PID; touch /tmp/replay/go
    # once /tmp/replay/done exists: callgrind_control -i off PID; touch /tmp/replay/off
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import hashlib
import inspect
import json
import os
import pickle
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, market

KEYWORDS = "包邮,全新,二手"  # bench_crawl.py's sweep
Page = tuple[int, dict[str, str], bytes, str]  # status, headers, body, final URL


def _spider(base_url: str, keywords: str) -> Any:
    """The demo profile's spider on a crawler built on tradewatch's settings, as a sweep builds it."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.test import get_crawler

    from crawler import settings
    from spiders.listing import ListingSpider

    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    crawler = get_crawler(settings_dict={**values, "TRADEWATCH_ALLOWED_HOSTS": ["127.0.0.1"]})
    spider = ListingSpider.from_crawler(crawler, platform="demo", keywords=keywords, base_url=base_url, max_pages=1000)
    crawler.spider = spider
    assert crawler.stats is not None
    crawler.stats.open_spider()
    return spider


async def _walk(spider: Any, fetch: Callable[[str], Page], sink: Callable[[Any], None]) -> None:
    """Every request the spider makes, answered by `fetch`, through the downloader middlewares' `process_response`
    (as a crawl runs them) to its callback."""
    from scrapy import Request
    from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
    from scrapy.http import HtmlResponse

    middlewares = DownloaderMiddlewareManager.from_crawler(spider.crawler).methods["process_response"]
    queue = [request async for request in spider.start()]
    while queue:
        request = queue.pop(0)
        status, headers, body, url = fetch(request.url)
        response = HtmlResponse(url, status=status, headers=headers, body=body, request=request)
        for process_response in middlewares:
            response = process_response(request=request, response=response)
            if inspect.isawaitable(response):  # the polite retries' middleware is a coroutine
                response = await response
        out = request.callback(response)
        results = [found async for found in out] if hasattr(out, "__aiter__") else list(out)
        for found in results:
            if isinstance(found, Request):
                queue.append(found)
            else:
                sink(found)


def save(path: Path, keywords: str) -> None:
    pages: dict[str, Page] = {}
    with market() as base_url:

        def fetch(url: str) -> Page:
            with urllib.request.urlopen(url) as answer:  # the demo market on this machine
                pages[url] = (answer.status, dict(answer.headers.items()), answer.read(), answer.url)
            return pages[url]

        asyncio.run(_walk(_spider(base_url, keywords), fetch, lambda _item: None))
    path.write_bytes(pickle.dumps({"base_url": base_url, "keywords": keywords, "pages": pages}))
    print(f"{len(pages)} pages saved to {path}")


def _digest(items: list[Any], stats: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for item in items:
        values = dataclasses.asdict(item)
        values.pop("fetched_at")
        capture = values.pop("capture")
        capture.pop("fetched_at")
        for part in (values, capture):
            digest.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode())
    counted = {key: value for key, value in stats.items() if key.startswith("tradewatch/")}
    digest.update(json.dumps(counted, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _wait_for(folder: Path, mine: str, theirs: str) -> None:
    (folder / mine).write_text(str(os.getpid()))
    while not (folder / theirs).exists():
        time.sleep(0.05)


def replay(path: Path, *, repeat: int, digest: bool, wait: Path | None) -> None:
    saved = pickle.loads(path.read_bytes())  # a file this script wrote
    pages: dict[str, Page] = saved["pages"]
    from pipelines.normalise_item import NormaliseListingPipeline
    from pipelines.score import ScoreListingPipeline

    cpu: list[float] = []
    for round_number in range(repeat):
        spider = _spider(saved["base_url"], saved["keywords"])
        normalise = NormaliseListingPipeline.from_crawler(spider.crawler)
        score = ScoreListingPipeline.from_crawler(spider.crawler)
        score.scorer  # noqa: B018 (loaded before the replay, as a sweep loads it while its first pages come)
        items: list[Any] = []

        def sink(item: Any, normalise: Any = normalise, score: Any = score, items: list[Any] = items) -> None:
            items.append(score.process_item(normalise.process_item(item)))

        gc.collect()
        if wait is not None:
            _wait_for(wait, "ready", "go")
        started = time.thread_time()
        asyncio.run(_walk(spider, pages.__getitem__, sink))
        cpu.append(time.thread_time() - started)
        if wait is not None:
            _wait_for(wait, "done", "off")
        if digest and round_number == 0:
            print(f"{len(items)} items, digest {_digest(items, spider.crawler.stats.get_stats())}")
    per_item = 1e6 * min(cpu) / max(len(items), 1)
    print(f"{len(pages)} pages, {len(items)} items: best of {repeat} {min(cpu):.3f} CPU s ({per_item:.0f} µs an item)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--save", type=Path, help="fetch the sweep's pages from a demo market into this file")
    parser.add_argument("--pages", type=Path, help="replay the pages saved in this file")
    parser.add_argument("--keywords", default=KEYWORDS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--digest", action="store_true")
    parser.add_argument("--wait", type=Path, help="a folder to wait in before and after the replay (callgrind)")
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.save:
        save(args.save, args.keywords)
    if args.pages:
        replay(args.pages, repeat=args.repeat, digest=args.digest, wait=args.wait)


if __name__ == "__main__":
    main()

"""Crawl throughput: the same sweep of the demo marketplace by a bare Scrapy spider that only parses (the
baseline) and by tradewatch with every pipeline on (normalise, score, store, evidence) and its run record.

Both sides run in fresh child processes against one demo marketplace in a process of its own, with the same
Scrapy concurrency, robots.txt and AutoThrottle settings; the sides alternate, and the median of the
repetitions counts. Pages/s and items/s are measured from the spider's open to its close (process start-up
is not counted). CPU seconds per 1,000 pages count every process of each side's tree from start to exit (the
store writer and any helper included, see common.run_tree): on a busy machine, where pages/s says more about
the neighbours than about the crawler, this figure still compares the two. It is split by process too: the
crawl process's own from what it reports as it ends, the store writer's, the OCR worker's and any other's as
sampled while they ran (`unsampled`: their last fifth of a second, which no sample saw).

    python benchmarks/bench_crawl.py [--repeat 3] [--keywords 包邮,全新,二手] [--max-pages 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import compile_project, create_store, load_average, market, median, own_cache, report, run_child

DEFAULT_KEYWORDS = "包邮,全新,二手"
CPU_TARGET = 1.2  # tradewatch's CPU per page at most this many times bare Scrapy's


def _bare_settings() -> dict[str, Any]:
    """Scrapy's own knobs as tradewatch sets them (crawler/settings.py and the demo profile), so both sides
    crawl with the same concurrency, robots.txt and AutoThrottle, and start neither the telnet console nor the
    remote control; the rest is Scrapy's defaults."""
    from crawler import settings as tradewatch
    from crawler.profiles import load_profile

    profile = load_profile("demo")
    shared = [
        "CONCURRENT_REQUESTS",
        "CONCURRENT_ITEMS",
        "DOWNLOAD_TIMEOUT",
        "AUTOTHROTTLE_ENABLED",
        "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "TWISTED_REACTOR",
        "TELNETCONSOLE_ENABLED",
        "REMOTE_CONTROL_ENABLED",
    ]
    values: dict[str, Any] = {name: getattr(tradewatch, name) for name in shared}
    values.update(
        {
            "ROBOTSTXT_OBEY": profile.politeness.obey_robots,
            "CONCURRENT_REQUESTS_PER_DOMAIN": profile.politeness.concurrency_per_domain,
            "DOWNLOAD_DELAY": profile.politeness.download_delay,
            "LOG_LEVEL": "WARNING",
            "LOG_INSTALL_ROOT_HANDLER": False,
        }
    )
    if os.environ.get("BENCH_AUTOTHROTTLE", "1") != "1":
        values["AUTOTHROTTLE_ENABLED"] = False
    return values


def bare_item(response: Any) -> dict[str, Any]:
    """An item page's fields as the bare spiders parse them: the demo profile's selectors."""
    item = response.css("div.item")
    return {
        "url": response.url,
        "title": item.css("h1.title::text").get(),
        "price": item.css("span.price::text").get(),
        "description": "\n".join(item.css("div.description ::text").getall()),
        "seller": item.css("a.seller::text").get(),
        "seller_id": item.css("a.seller::attr(data-seller-id)").get(),
        "location": item.css("span.location::text").get(),
        "posted_at": item.css("time.posted::attr(datetime)").get(),
        "image_url": item.css("img.photo::attr(src)").get(),
    }


def _bare(base_url: str, keywords: list[str], max_pages: int, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The bare spider's sweep; `settings` as `_bare_settings` gives them, read by the parent so that the bare
    child pays none of tradewatch's imports (its settings module, the profiles and their pydantic models)."""
    from urllib.parse import quote

    import scrapy
    from scrapy.crawler import CrawlerProcess

    class BareSpider(scrapy.Spider):
        """Searches, follows result pages and item pages, and parses the same fields as the demo profile."""

        name = "bare"

        async def start(self) -> Any:
            for keyword in keywords:
                url = f"{base_url}/plain/search?q={quote(keyword)}&page=1"
                yield scrapy.Request(url, callback=self.parse_results, cb_kwargs={"page": 1})

        def parse_results(self, response: Any, page: int) -> Any:
            for node in response.css("ul.results li.listing"):
                yield response.follow(node.css("a.title::attr(href)").get(), callback=self.parse_item)
            next_url = response.css("a.next::attr(href)").get()
            if next_url and page < max_pages:
                yield response.follow(next_url, callback=self.parse_results, cb_kwargs={"page": page + 1})

        def parse_item(self, response: Any) -> Any:
            yield bare_item(response)

    process = CrawlerProcess(settings if settings is not None else _bare_settings())
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    return _figures(stats, stats.get("item_scraped_count", 0))


def sweep_figures(platform: str, base_url: str, keywords: list[str], max_pages: int) -> dict[str, Any]:
    """A tradewatch sweep of one platform in this process, every pipeline on; its figures, outcome and leads
    as its crawl run recorded them. It starts as a crawl child (`python -m runners.sweep_child`) does: the cycle
    collector paused first, then what the child imports before the crawl; the store's modules, which the figures
    are read with, come in the crawl as they do there, not before it (about 0.1 CPU s of collections that no
    crawl child pays)."""
    from crawler.gc_tuning import pause_collector

    pause_collector()
    from core.logging_setup import setup_logging
    from runners.sweep import SweepRequest, crawl_here
    from spiders.sweep_params import SweepParams

    setup_logging("bench", level="WARNING")
    request = SweepRequest(
        platforms=[platform], params=SweepParams(keywords=keywords, max_pages=max_pages), base_url=base_url
    )
    (run_id,) = crawl_here(request)
    from sqlmodel import Session

    from leads.db import get_engine
    from leads.runs import get_run

    with Session(get_engine()) as session:
        run = get_run(session, run_id)
        assert run is not None
        stats = dict(run.stats or {})
        outcome = run.outcome
    figures = _figures(stats, stats.get("tradewatch/items/scored", 0))
    figures.update({"outcome": outcome, "leads": stats.get("tradewatch/leads/new", 0)})
    return figures


def _tradewatch(base_url: str, keywords: list[str], max_pages: int) -> dict[str, Any]:
    return sweep_figures("demo", base_url, keywords, max_pages)


def _figures(stats: dict[str, Any], items: int) -> dict[str, Any]:
    from datetime import datetime

    elapsed = stats.get("elapsed_time_seconds")
    if not elapsed:
        start, finish = stats.get("start_time"), stats.get("finish_time")
        start = datetime.fromisoformat(start) if isinstance(start, str) else start
        finish = datetime.fromisoformat(finish) if isinstance(finish, str) else finish
        elapsed = (finish - start).total_seconds()
    pages = int(stats.get("response_received_count", 0)) - int(stats.get("robotstxt/response_count", 0))
    return {
        "elapsed_s": round(float(elapsed), 3),
        "pages": pages,
        "items": int(items),
        "pages_per_s": round(pages / float(elapsed), 1),
        "items_per_s": round(int(items) / float(elapsed), 1),
    }


# What each kind of process in a side's tree is (common.process_kind), as the table names it.
PROCESS_NAMES = {
    "main": "crawl",
    "forked": "store writer",
    "spawned": "OCR worker",
    "resource tracker": "resource tracker",
    "unsampled": "unsampled",
}


def _by_process(results: list[dict[str, Any]]) -> dict[str, float]:
    """Median CPU s per 1,000 pages of each kind of process over the runs (0 in a run that had none)."""
    order = list(PROCESS_NAMES)
    found = {kind for r in results for kind in r.get("cpu_by_process", {})}
    kinds = sorted(found, key=lambda kind: (order.index(kind) if kind in order else len(order), kind))
    return {
        PROCESS_NAMES.get(kind, kind): round(
            median([1000 * r.get("cpu_by_process", {}).get(kind, 0.0) / max(r["pages"], 1) for r in results]), 2
        )
        for kind in kinds
    }


def _run_side(
    side: str, base_url: str, keywords: str, max_pages: int, bare_settings: str, cache: dict[str, str]
) -> dict[str, Any]:
    """One side's sweep in a child of its own, in a fresh home (and, for tradewatch, a fresh store)."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-") as home:
        env = {"TRADEWATCH_HOME": home, "TRADEWATCH_DATABASE_URL": "", "TRADEWATCH_REDIS_URL": ""}
        env = {**env, **cache, "TRADEWATCH_ALLOWED_HOSTS": '["127.0.0.1"]'}
        if side == "tradewatch":
            create_store(env)
        args = [__file__, "--child", side, "--base-url", base_url, "--keywords", keywords]
        if side == "bare":
            args += ["--bare-settings", bare_settings]
        return run_child([*args, "--max-pages", str(max_pages)], env=env)


def measure(base_url: str, *, keywords: str, max_pages: int, repeat: int) -> dict[str, Any]:
    """Alternate bare / tradewatch `repeat` times (order flipped every round); medians and the ratio."""
    compile_project()
    bare_settings = json.dumps(_bare_settings())
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "tradewatch": []}
    loads: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tw-bench-") as home, own_cache({"TRADEWATCH_HOME": home}) as cache:
        for round_number in range(repeat):
            order = ["bare", "tradewatch"] if round_number % 2 == 0 else ["tradewatch", "bare"]
            for side in order:
                loads.append(load_average())
                runs[side].append(_run_side(side, base_url, keywords, max_pages, bare_settings, cache))
    out: dict[str, Any] = {"runs": runs, "load": loads}
    for side, results in runs.items():
        out[side] = {
            "pages_per_s": median([r["pages_per_s"] for r in results]),
            "items_per_s": median([r["items_per_s"] for r in results]),
            "cpu_per_1000": round(median([1000 * r["cpu_s"] / max(r["pages"], 1) for r in results]), 1),
            "cpu_per_1000_by_process": _by_process(results),
            "pages": results[0]["pages"],
            "items": results[0]["items"],
        }
    out["ratio_pages"] = round(out["tradewatch"]["pages_per_s"] / out["bare"]["pages_per_s"], 3)
    out["ratio_items"] = round(out["tradewatch"]["items_per_s"] / out["bare"]["items_per_s"], 3)
    out["ratio_cpu"] = round(out["tradewatch"]["cpu_per_1000"] / out["bare"]["cpu_per_1000"], 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keywords", default=DEFAULT_KEYWORDS)
    parser.add_argument("--max-pages", type=int, default=1000)
    parser.add_argument("--child", choices=["bare", "tradewatch"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--bare-settings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    keywords = [k for k in args.keywords.split(",") if k]
    if args.child:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        if args.child == "bare":
            settings = json.loads(args.bare_settings) if args.bare_settings else None
            report(_bare(args.base_url, keywords, args.max_pages, settings))
            return
        report(_tradewatch(args.base_url, keywords, args.max_pages))
        from runners.process_exit import leave

        leave(0)  # as `tradewatch sweep` and every crawl child end (Python's teardown spared)
    started = time.monotonic()
    with market() as base_url:
        result = measure(base_url, keywords=args.keywords, max_pages=args.max_pages, repeat=args.repeat)
    for side in ("bare", "tradewatch"):
        figures = result[side]
        rates = f"{figures['pages_per_s']:8.1f} pages/s {figures['items_per_s']:8.1f} items/s"
        print(f"{side:<11} {rates} {figures['cpu_per_1000']:8.1f} CPU s per 1,000 pages ({figures['pages']} pages)")
    for who in ("bare", "tradewatch"):
        split = ", ".join(f"{name} {cpu:.2f}" for name, cpu in result[who]["cpu_per_1000_by_process"].items())
        print(f"  {who} CPU s per 1,000 pages by process (medians): {split}")
    print(f"ratio (tradewatch / bare): pages {result['ratio_pages']:.2f}, items {result['ratio_items']:.2f}")
    cpu_target = "" if result["ratio_cpu"] <= CPU_TARGET else f"  TARGET MISSED (≤ {CPU_TARGET})"
    print(f"CPU per page (tradewatch / bare, every process counted): {result['ratio_cpu']:.2f}{cpu_target}")
    print("load average (1, 5, 15 min) before each run: " + ", ".join(result["load"]))
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()

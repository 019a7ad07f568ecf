"""Memory over a long sweep: peak RSS of the crawl process after 10k, 50k and 100k pages must stay within 20%.

tradewatch's listing spider with every pipeline on sweeps the demo marketplace round after round: each round
searches the same keywords to the last result page and visits every item page, with a round number in every
URL (`&r=N`), so all pages are distinct requests (the catalogue has 2,400 listings). Listings are re-sighted
from the second round on (updates, not inserts). Scrapy's dupe filter keeps one fingerprint per request by
design, so it grows with the page count; it is part of what is measured.

    python benchmarks/bench_memory.py [--checkpoints 10000,50000,100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import market, report, run_child

KEYWORDS = ["包邮", "全新", "二手"]


def _child(base_url: str, checkpoints: list[int]) -> dict[str, Any]:
    import psutil
    import scrapy
    from scrapy import signals
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from core.logging_setup import setup_logging
    from crawler.profiles import load_profile
    from runners.crawl_settings import crawl_settings
    from spiders.listing import ListingSpider

    setup_logging("bench", level="WARNING")

    class NeverSeen(set):  # the spider's per-sweep listing dedupe would skip every round after the first
        def __contains__(self, value: object) -> bool:
            return False

        def add(self, value: object) -> None:
            return None

    class RoundsSpider(ListingSpider):
        """Each keyword's result pages are walked to the end, then the next round of that keyword starts."""

        def round_request(self, keyword: str, number: int) -> scrapy.Request:
            request = self.search_request(keyword, 1)
            return request.replace(url=f"{request.url}&r={number}", meta={**request.meta, "round": number})

        async def start(self) -> Any:
            for keyword in self.params.keywords:
                yield self.round_request(keyword, 0)

        def parse_results(self, response: Any, **kwargs: Any) -> Any:
            self._seen = NeverSeen()
            number = response.meta["round"]
            more = False
            for out in super().parse_results(response, **kwargs):
                if isinstance(out, scrapy.Request):
                    more = more or out.callback == self.parse_results
                    if "r=" not in out.url:
                        separator = "&" if "?" in out.url else "?"
                        out = out.replace(url=f"{out.url}{separator}r={number}", meta={**out.meta, "round": number})
                yield out
            if not more:
                yield self.round_request(response.meta["keyword"], number + 1)

    process_rss = psutil.Process()
    samples: dict[int, float] = {}
    peak = 0.0
    started = time.monotonic()
    profile = load_profile("demo").with_base_url(base_url)
    settings = get_project_settings()
    settings.setdict(crawl_settings(profile, None))
    settings.set("LOG_LEVEL", "WARNING")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    process = CrawlerProcess(settings)
    crawler = Crawler(RoundsSpider, settings, init_reactor=True)
    remaining = sorted(checkpoints)
    closing: list[Any] = []

    def sample() -> None:
        nonlocal peak
        peak = max(peak, process_rss.memory_info().rss / 2**20)
        pages = crawler.stats.get_value("response_received_count", 0) if crawler.stats else 0
        while remaining and pages >= remaining[0]:
            samples[remaining.pop(0)] = round(peak, 1)
        if not remaining and not closing and crawler.engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            closing.append(deferred_from_coro(crawler.engine.close_spider_async(reason="finished")))

    loops: list[Any] = []

    def opened(spider: Any) -> None:
        from twisted.internet import task

        loops.append(task.LoopingCall(sample))
        loops[0].start(0.2)

    crawler.signals.connect(opened, signal=signals.spider_opened)
    process.crawl(crawler, platform=profile, keywords=KEYWORDS, max_pages=1000)
    process.start()
    return {"peak_rss_mb": samples, "seconds": round(time.monotonic() - started, 1)}


def measure(base_url: str, checkpoints: list[int]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tw-bench-mem-") as home:
        env = {"TRADEWATCH_HOME": home, "TRADEWATCH_DATABASE_URL": "", "TRADEWATCH_REDIS_URL": ""}
        args = [__file__, "--child", "--base-url", base_url, "--checkpoints", ",".join(map(str, checkpoints))]
        result = run_child(args, env=env, timeout=3600)
    peaks = {int(k): v for k, v in result["peak_rss_mb"].items()}
    first, last = peaks[min(peaks)], peaks[max(peaks)]
    result["peak_rss_mb"] = peaks
    result["growth"] = round(last / first - 1, 3)
    result["flat"] = last <= first * 1.2
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoints", default="10000,50000,100000")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    checkpoints = [int(value) for value in args.checkpoints.split(",")]
    if args.child:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        report(_child(args.base_url, checkpoints))
        return
    with market() as base_url:
        result = measure(base_url, checkpoints)
    for pages, mb in sorted(result["peak_rss_mb"].items()):
        print(f"after {pages:>7,} pages: peak RSS {mb:7.1f} MB")
    print(f"growth {result['growth']:+.0%} ({'flat' if result['flat'] else 'NOT flat'}, limit +20%)")


if __name__ == "__main__":
    main()

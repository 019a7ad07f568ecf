"""The JS path: pages/s and peak memory of the whole process tree (Chromium included) for a sweep of the demo
marketplace's JS variant, with and without resource blocking (images, fonts, media), alternating.

    python benchmarks/bench_js.py [--repeat 2] [--keywords 象牙,穿山甲] [--max-pages 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import market, median, report, run_child


def _child(base_url: str, keywords: list[str], max_pages: int, blocking: bool) -> dict[str, Any]:
    import bench_crawl

    import crawler.browser

    if not blocking:
        crawler.browser.BLOCKED_RESOURCE_TYPES = frozenset()
    return bench_crawl.sweep_figures("demo-js", base_url, keywords, max_pages)


def measure(base_url: str, *, keywords: str, max_pages: int, repeat: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {"blocking": [], "no blocking": []}
    for round_number in range(repeat):
        order = ["blocking", "no blocking"] if round_number % 2 == 0 else ["no blocking", "blocking"]
        for side in order:
            with tempfile.TemporaryDirectory(prefix="tw-bench-js-") as home:
                env = {"TRADEWATCH_HOME": home, "TRADEWATCH_DATABASE_URL": "", "TRADEWATCH_REDIS_URL": ""}
                args = [__file__, "--child", side, "--base-url", base_url, "--keywords", keywords]
                runs[side].append(run_child([*args, "--max-pages", str(max_pages)], env=env))
    return {
        side: {
            "pages_per_s": median([r["pages_per_s"] for r in results]),
            "peak_mb": median([r["tree_peak_rss_mb"] for r in results]),
            "pages": results[0]["pages"],
            "outcome": results[0].get("outcome"),
        }
        for side, results in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keywords", default="象牙,穿山甲")
    parser.add_argument("--max-pages", type=int, default=2)
    parser.add_argument("--child", choices=["blocking", "no blocking"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    keywords = [k for k in args.keywords.split(",") if k]
    if args.child:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        report(_child(args.base_url, keywords, args.max_pages, args.child == "blocking"))
        return
    with market() as base_url:
        result = measure(base_url, keywords=args.keywords, max_pages=args.max_pages, repeat=args.repeat)
    for side, figures in result.items():
        rate, peak = figures["pages_per_s"], figures["peak_mb"]
        print(f"{side:<12} {rate:6.1f} pages/s  peak {peak:7.0f} MB  ({figures['pages']} pages)")


if __name__ == "__main__":
    main()

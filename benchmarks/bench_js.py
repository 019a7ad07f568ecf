"""The JS path beside its peers: a tradewatch sweep of the demo marketplace's JS variant (`tradewatch sweep`,
every pipeline on, screenshots of its leads), a bare scrapy-playwright spider and Crawlee for Python's
PlaywrightCrawler, on the same pages with the same selectors, wait, Chromium, launch arguments, blocked resource
types and pages in flight. The contenders alternate; medians count. tradewatch adds its own launch arguments:
its resolving proxy, and images switched off in Blink (`crawler.browser.IMAGES_OFF`), where the bare spider and
Crawlee abort each image request in their route.

Figures per contender: pages/s from the crawl's start to its end; CPU seconds per 100 pages of every process
of the tree (Python, Chromium, the store writer; leftovers waited for, see common.run_tree); peak PSS of the
tree; start-up plus shutdown (the command's wall time less its crawl). Crawlee runs from a benchmark-only
virtual environment (benchmarks/.crawlee-venv, created on first use); it never is a dependency of tradewatch.

    python benchmarks/bench_js.py [--repeat 3] [--keywords 象牙,穿山甲] [--max-pages 2] [--no-crawlee]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ROOT,
    TreeRun,
    compile_project,
    create_store,
    load_average,
    market,
    median,
    report,
    run_child,
    run_tree,
)

CRAWLEE_VENV = Path(__file__).resolve().parent / ".crawlee-venv"
CRAWLEE_SCRIPT = Path(__file__).resolve().parent / "crawlee_js.py"
PLATFORM = "demo-js"

# The acceptance targets (issue "The JavaScript path"): ratios of tradewatch to its peers, and absolute caps.
TARGET_VS_BARE = 0.9
TARGET_VS_CRAWLEE = 1.2
TARGET_PSS_MB = 850.0
TARGET_OVERHEAD_S = 1.5


def browser_setup() -> dict[str, Any]:
    """What every contender shares, from tradewatch's own definitions: Chromium, its launch arguments (loopback
    allowed for the demo marketplace), the resource types blocked, pages in flight and the profile's wait."""
    from crawler.browser import (
        BLOCKED_RESOURCE_TYPES,
        CHROMIUM_ARGS,
        MAX_PAGES,
        chromium_executable,
        host_resolver_rules,
    )
    from crawler.profiles import load_profile

    profile = load_profile(PLATFORM)
    return {
        "executable_path": chromium_executable(),
        "args": [*CHROMIUM_ARGS, f"--host-resolver-rules={host_resolver_rules(profile.allow_private_hosts)}"],
        "blocked": sorted(BLOCKED_RESOURCE_TYPES),
        "in_flight": MAX_PAGES,
        "wait_for": profile.render.wait_for,
        "wait_timeout_ms": profile.render.wait_timeout_ms,
    }


def _bare(base_url: str, keywords: list[str], max_pages: int) -> dict[str, Any]:
    """A bare scrapy-playwright spider: the same pages, selectors and browser settings, no pipeline."""
    from urllib.parse import quote

    import bench_crawl
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy_playwright.page import PageMethod

    setup = browser_setup()
    blocked = frozenset(setup["blocked"])

    def abort(request: Any) -> bool:
        return request.resource_type in blocked

    meta = {
        "playwright": True,
        "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
        "playwright_page_methods": [
            PageMethod("wait_for_selector", setup["wait_for"], timeout=setup["wait_timeout_ms"])
        ],
    }

    class BareSpider(scrapy.Spider):
        name = "bare-js"

        async def start(self) -> Any:
            for keyword in keywords:
                url = f"{base_url}/js/search?q={quote(keyword)}&page=1"
                yield scrapy.Request(url, callback=self.parse_results, meta=meta, cb_kwargs={"page": 1})

        def parse_results(self, response: Any, page: int) -> Any:
            for node in response.css("ul.results li.listing"):
                yield response.follow(node.css("a.title::attr(href)").get(), callback=self.parse_item, meta=meta)
            next_url = response.css("a.next::attr(href)").get()
            if next_url and page < max_pages:
                yield response.follow(next_url, self.parse_results, meta=meta, cb_kwargs={"page": page + 1})

        def parse_item(self, response: Any) -> Any:
            yield bench_crawl.bare_item(response)

    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    settings = {
        **bench_crawl._bare_settings(),
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_HANDLERS": {"http": handler},  # the demo marketplace is http only
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "headless": True,
            "args": setup["args"],
            "executable_path": setup["executable_path"],
        },
        "PLAYWRIGHT_ABORT_REQUEST": abort,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": setup["in_flight"],
        "CONCURRENT_REQUESTS": setup["in_flight"],
        "CONCURRENT_REQUESTS_PER_DOMAIN": setup["in_flight"],
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    return bench_crawl._figures(stats, stats.get("item_scraped_count", 0))


def _read_run(home: str) -> dict[str, Any]:
    """The figures of the one crawl run a `tradewatch sweep` stored under `home`."""
    import bench_crawl
    from sqlmodel import Session, select

    from leads.db import get_engine
    from leads.models import CrawlRun

    with Session(get_engine()) as session:
        run = session.exec(select(CrawlRun)).one()
        stats = dict(run.stats or {})
        outcome = run.outcome
    figures = bench_crawl._figures(stats, stats.get("tradewatch/items/scored", 0))
    figures.update(
        {
            "outcome": outcome,
            "leads": stats.get("tradewatch/leads/new", 0),
            "screenshots": stats.get("tradewatch/js/screenshots", 0),
        }
    )
    return figures


def _tradewatch(base_url: str, keywords: str, max_pages: int) -> dict[str, Any]:
    """`tradewatch sweep` as an officer runs it: the waiting command, its crawl child and the store writer."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-js-") as home:
        env = {"TRADEWATCH_HOME": home, "TRADEWATCH_DATABASE_URL": "", "TRADEWATCH_REDIS_URL": ""}
        command = [sys.executable, "-c", "from cli.app import main; main()", "sweep", "--platform", PLATFORM]
        command += ["--keywords", keywords, "--max-pages", str(max_pages), "--base-url", base_url]
        create_store(env)
        tree = run_tree(command, env=env)
        if tree.returncode != 0:
            tail = "\n".join(tree.stderr.strip().splitlines()[-15:] or tree.stdout.strip().splitlines()[-15:])
            raise RuntimeError(f"tradewatch sweep failed (exit {tree.returncode}):\n{tail}")
        figures = run_child([__file__, "--read-run"], env=env)
    for name in ("tree_peak_rss_mb", "tree_peak_pss_mb", "cpu_s", "wall_s"):
        figures.pop(name, None)
    figures.update(_tree_figures(tree))
    return figures


def _tree_figures(tree: TreeRun) -> dict[str, Any]:
    names = ("peak_rss_mb", "peak_pss_mb", "cpu_s", "wall_s", "leftovers", "killed")
    return {("tree_" + name if name.startswith("peak") else name): getattr(tree, name) for name in names}


def crawlee_python() -> Path | None:
    """The benchmark-only environment with Crawlee for Python, created on first use; None if it cannot be."""
    python = CRAWLEE_VENV / "bin" / "python"
    probe = [str(python), "-c", "import crawlee.crawlers, playwright"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(CRAWLEE_VENV)], check=True, capture_output=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "crawlee[playwright]"]
        subprocess.run(pip, check=True, capture_output=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"Crawlee skipped: cannot install crawlee[playwright] into {CRAWLEE_VENV} ({error})")
        return None
    return python if subprocess.run(probe, capture_output=True).returncode == 0 else None


def _crawlee(python: Path, base_url: str, keywords: list[str], max_pages: int) -> dict[str, Any]:
    job = {"base_url": base_url, "keywords": keywords, "max_result_pages": max_pages, **browser_setup()}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(job, handle)
    try:
        tree = run_tree([str(python), str(CRAWLEE_SCRIPT), handle.name], env={"CRAWLEE_STORAGE_DIR": ""})
    finally:
        os.unlink(handle.name)
    for line in reversed(tree.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            figures = json.loads(line[len("BENCH-RESULT ") :])
            break
    else:
        tail = "\n".join(tree.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"Crawlee failed (exit {tree.returncode}):\n{tail}")
    figures.update(_tree_figures(tree))
    return figures


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    def per_run(result: dict[str, Any]) -> dict[str, float]:
        pages = max(int(result["pages"]), 1)
        return {
            "pages_per_s": result["pages"] / result["elapsed_s"],
            "cpu_per_100": 100 * result["cpu_s"] / pages,
            "pss_mb": result["tree_peak_pss_mb"],
            "overhead_s": result["wall_s"] - result["elapsed_s"],
        }

    rows = [per_run(result) for result in results]
    summary: dict[str, Any] = {key: round(median([row[key] for row in rows]), 2) for key in rows[0]}
    summary["pages"] = results[0]["pages"]
    summary["leftovers"] = max(int(result.get("leftovers", 0)) for result in results)
    summary["killed"] = max(int(result.get("killed", 0)) for result in results)
    for key in ("leads", "screenshots", "outcome"):
        if key in results[0]:
            summary[key] = results[0][key]
    return summary


def measure(base_url: str, *, keywords: str, max_pages: int, repeat: int, crawlee: Path | None) -> dict[str, Any]:
    """Alternate the contenders `repeat` times (order rotated every round); medians of each."""
    compile_project()
    words = [k for k in keywords.split(",") if k]
    sides = ["tradewatch", "bare", *(["crawlee"] if crawlee else [])]
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    loads: list[str] = []
    for round_number in range(repeat):
        order = sides[round_number % len(sides) :] + sides[: round_number % len(sides)]
        for side in order:
            loads.append(load_average())
            if side == "tradewatch":
                runs[side].append(_tradewatch(base_url, keywords, max_pages))
            elif side == "bare":
                env = {"TRADEWATCH_HOME": tempfile.gettempdir()}
                args = [__file__, "--child", "bare", "--base-url", base_url, "--keywords", keywords]
                runs[side].append(run_child([*args, "--max-pages", str(max_pages)], env=env))
            else:
                assert crawlee is not None
                runs[side].append(_crawlee(crawlee, base_url, words, max_pages))
    out: dict[str, Any] = {side: _summary(results) for side, results in runs.items()}
    out["runs"] = runs
    out["load"] = loads
    return out


def missed_targets(result: dict[str, Any]) -> list[str]:
    """The acceptance targets tradewatch misses in `result`, each said with its figure."""
    tw, bare = result["tradewatch"], result["bare"]
    missed = []
    vs_bare = tw["pages_per_s"] / bare["pages_per_s"]
    if vs_bare < TARGET_VS_BARE:
        missed.append(f"pages/s {vs_bare:.2f}× bare scrapy-playwright's (target ≥ {TARGET_VS_BARE}×)")
    if "crawlee" in result:
        vs_crawlee = tw["pages_per_s"] / result["crawlee"]["pages_per_s"]
        if vs_crawlee < TARGET_VS_CRAWLEE:
            missed.append(f"pages/s {vs_crawlee:.2f}× Crawlee's (target ≥ {TARGET_VS_CRAWLEE}×)")
    else:
        missed.append(f"no Crawlee figures ({result.get('crawlee_missing', 'its environment could not be installed')})")
    if tw["pss_mb"] > TARGET_PSS_MB:
        missed.append(f"peak PSS {tw['pss_mb']:,.0f} MB (target ≤ {TARGET_PSS_MB:,.0f} MB)")
    if tw["overhead_s"] >= TARGET_OVERHEAD_S:
        missed.append(f"start-up + shutdown {tw['overhead_s']:.2f} s (target < {TARGET_OVERHEAD_S} s)")
    if tw.get("screenshots", 0) < tw.get("leads", 0):
        missed.append(f"{tw['screenshots']} screenshots for {tw['leads']} leads (one per lead)")
    for side in ("tradewatch", "bare", "crawlee"):
        if result.get(side, {}).get("killed"):
            missed.append(f"{side}: {result[side]['killed']} processes still running well after the command ended")
    return missed


def table(result: dict[str, Any]) -> str:
    """The Markdown table, with the targets tradewatch misses named under it."""
    names = {
        "tradewatch": "tradewatch sweep (all pipelines, screenshots of its leads)",
        "bare": "bare scrapy-playwright spider",
        "crawlee": "Crawlee for Python, PlaywrightCrawler, in-memory storage",
    }
    lines = [
        "| contender | pages | pages/s | CPU s per 100 pages | peak PSS of the process tree | start-up + shutdown |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for side, name in names.items():
        if side in result:
            row = result[side]
            lines.append(
                f"| {name} | {row['pages']} | {row['pages_per_s']:.2f} | {row['cpu_per_100']:.1f} "
                f"| {row['pss_mb']:,.0f} MB | {row['overhead_s']:.2f} s |"
            )
    tw, bare = result["tradewatch"], result["bare"]
    lines.append("")
    lines.append(f"tradewatch / bare scrapy-playwright: {tw['pages_per_s'] / bare['pages_per_s']:.2f}× pages/s")
    if "crawlee" in result:
        lines.append(f"tradewatch / Crawlee: {tw['pages_per_s'] / result['crawlee']['pages_per_s']:.2f}× pages/s")
    missed = missed_targets(result)
    lines.append(f"tradewatch: {tw.get('leads', 0)} leads, {tw.get('screenshots', 0)} screenshots")
    outlived = [f"{side} {result[side]['leftovers']}" for side in names if result.get(side, {}).get("leftovers")]
    if outlived:
        lines.append("processes that outlived their command, waited for and counted: " + ", ".join(outlived))
    lines.append("targets missed: " + ("; ".join(missed) if missed else "none"))
    lines.append("load average (1, 5, 15 min) before each run: " + ", ".join(result["load"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keywords", default="象牙,穿山甲")
    parser.add_argument("--max-pages", type=int, default=2)
    parser.add_argument("--no-crawlee", action="store_true", help="leave Crawlee out")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument("--child", choices=["bare"], help=argparse.SUPPRESS)
    parser.add_argument("--read-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    keywords = [k for k in args.keywords.split(",") if k]
    if args.read_run:
        report(_read_run(os.environ["TRADEWATCH_HOME"]))
        return
    if args.child:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        report(_bare(args.base_url, keywords, args.max_pages))
        return
    started = time.monotonic()
    crawlee = None if args.no_crawlee else crawlee_python()
    with market() as base_url:
        result = measure(
            base_url, keywords=args.keywords, max_pages=args.max_pages, repeat=args.repeat, crawlee=crawlee
        )
    if args.no_crawlee:
        result["crawlee_missing"] = "left out by --no-crawlee"
    print(table(result))
    print(f"({time.monotonic() - started:.0f} s; repeat {args.repeat}, medians; {ROOT})")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

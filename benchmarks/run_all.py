"""`make bench`: every benchmark of tradewatch, written as one Markdown table to benchmarks/results/RESULTS.md
(and printed). Each ratio is measured in one run, alternating the two sides, median of the repetitions.

    python benchmarks/run_all.py            # the full set (about 30 minutes on two cores)
    python benchmarks/run_all.py --quick    # smaller sweeps and stores (a few minutes)
    python benchmarks/run_all.py --only crawl,store

The demo marketplace is started here on a free port; PostgreSQL and Redis are the machine's
(TRADEWATCH_TEST_POSTGRES, TRADEWATCH_TEST_REDIS); rows that need a missing service say so.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_crawl
import bench_distributed
import bench_js
import bench_memory
import bench_ocr
from common import RESULT_PREFIX, ROOT, machine, market

RESULTS = ROOT / "benchmarks" / "results"
SECTIONS = ("crawl", "js", "ocr", "scoring", "store", "leads", "memory", "distributed")

Row = tuple[str, str, str, str]  # benchmark, measured, baseline or target, verdict


class ScriptFailed(RuntimeError):
    """A benchmark script exited non-zero; what it printed on stdout is kept (a missed target exits 1 after its
    table and its figures)."""

    def __init__(self, message: str, stdout: str) -> None:
        super().__init__(message)
        self.stdout = stdout


def _script(name: str, *args: str, timeout: float = 3600) -> str:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode:
        tail = "\n".join(completed.stderr.strip().splitlines()[-5:])
        raise ScriptFailed(f"{name} failed (exit {completed.returncode}): {tail}", completed.stdout)
    return completed.stdout


def _rates(figures: dict[str, Any]) -> str:
    rates = f"{figures['pages_per_s']:.1f} pages/s, {figures['items_per_s']:.1f} items/s"
    return f"{rates}, {figures['cpu_per_1000']:.1f} CPU s per 1,000 pages"


def crawl(quick: bool) -> list[Row]:
    keywords = "包邮" if quick else bench_crawl.DEFAULT_KEYWORDS
    repeat = 3 if quick else 5
    with market() as base_url:
        result = bench_crawl.measure(base_url, keywords=keywords, max_pages=1000, repeat=repeat)
    bare, tw = result["bare"], result["tradewatch"]
    sweep = f"demo sweep `{keywords}`, {bare['pages']} pages, {bare['items']} items, median of {repeat}, alternating"
    sweep += f"; load {result['load'][0]}"
    ok = result["ratio_pages"] >= 0.8
    cpu_ok = result["ratio_cpu"] <= bench_crawl.CPU_TARGET
    return [
        ("Crawl: bare Scrapy (parse only)", _rates(bare), sweep, "baseline"),
        (
            "Crawl: tradewatch, every pipeline on",
            _rates(tw),
            "same sweep, same run",
            f"ratio {result['ratio_pages']:.2f} pages, {result['ratio_items']:.2f} items: "
            + ("**met** (target ≥ 0.8)" if ok else "**MISSED** (target ≥ 0.8)")
            + f"; CPU per page {result['ratio_cpu']:.2f}× bare: "
            + ("**met**" if cpu_ok else "**MISSED**") + f" (target ≤ {bench_crawl.CPU_TARGET})",
        ),
    ]  # fmt: skip


def js(quick: bool) -> list[Row]:
    import shutil

    if not (shutil.which("chromium") or shutil.which("chromium-browser") or os.environ.get("TRADEWATCH_CHROMIUM_PATH")):
        return [("JS path (demo-js)", "skipped", "no Chromium on this machine (make browser)", "-")]
    repeat = 1 if quick else 3
    crawlee = bench_js.crawlee_python()
    with market() as base_url:
        result = bench_js.measure(base_url, keywords="象牙,穿山甲", max_pages=2, repeat=repeat, crawlee=crawlee)
    names = {"tradewatch": "tradewatch sweep", "bare": "bare scrapy-playwright", "crawlee": "Crawlee PlaywrightCrawler"}
    missed = "; ".join(bench_js.missed_targets(result)) or "none"
    rows = []
    for side, name in names.items():
        if side not in result:
            continue
        figures = result[side]
        rows.append(
            (
                f"JS path: {name}",
                f"{figures['pages_per_s']:.2f} pages/s, {figures['cpu_per_100']:.1f} CPU s per 100 pages, "
                f"peak PSS {figures['pss_mb']:.0f} MB, start-up + shutdown {figures['overhead_s']:.2f} s",
                f"demo-js `象牙,穿山甲`, {figures['pages']} pages, median of {repeat}; load {result['load'][0]}",
                f"targets missed: {missed}" if side == "tradewatch" else "baseline",
            )
        )
    return rows


def ocr(quick: bool) -> list[Row]:
    from core.config import get_settings

    workers = get_settings().resolved_ocr_workers
    result = bench_ocr.measure(keywords=bench_ocr.DEFAULT_KEYWORDS, repeat=1 if quick else 3, workers=workers)
    reading, pool, crawled = result["reading"], result["pool"], result["crawl"]
    accurate = reading["accuracy"] >= bench_ocr.TARGET_ACCURACY
    kept = crawled["ratio_pages"] >= bench_ocr.TARGET_RATIO
    photos = f"{reading['images']} demo photos, {reading['characters']} characters"
    return [
        ("OCR: character accuracy", f"{reading['accuracy']:.4f}", photos,
         "**met** (target ≥ 0.95)" if accurate else "**MISSED** (target ≥ 0.95)"),
        ("OCR: images/s per core", f"{reading['images_per_s_per_core']:.2f}", "one recogniser, one thread, CPU time",
         "-"),
        ("OCR: pool peak memory", f"{pool['pool_peak_rss_mb']} MB", f"{pool['workers']} workers", "-"),
        ("Crawl with OCR on vs off", f"{crawled['on']['pages_per_s']:.1f} vs {crawled['off']['pages_per_s']:.1f}",
         f"demo sweep `{bench_ocr.DEFAULT_KEYWORDS}`, backlog drained, load {crawled['load']}",
         f"ratio {crawled['ratio_pages']:.2f}: " + ("**met** (target ≥ 0.8)" if kept else "**MISSED** (target ≥ 0.8)")),
        ("Crawl thread CPU per 1,000 pages, OCR on vs off",
         f"{crawled['on']['thread_cpu_per_1000']:.2f} s vs {crawled['off']['thread_cpu_per_1000']:.2f} s",
         "same sweeps", f"ratio {crawled['ratio_thread_cpu']:.2f}"),
    ]  # fmt: skip


def scoring(quick: bool) -> list[Row]:
    out = _script("bench_scoring.py").strip()
    return [("Scoring, full watchlists (bench_scoring.py)", "see table below", "-", "-")], out


def store(quick: bool) -> list[Row]:
    import json

    text = _script("bench_store.py", "--listings", "500" if quick else "2000")
    line = next(line for line in reversed(text.splitlines()) if line.startswith(RESULT_PREFIX))
    result = json.loads(line[len(RESULT_PREFIX) :])
    rows = []
    for engine in ("sqlite", "postgresql"):
        figures = result.get(engine)
        if figures is None:
            rows.append((f"Lead store upserts, {engine}", "skipped", "PostgreSQL is not reachable", "-"))
            continue
        rows.append(
            (
                f"Lead store upserts, {engine}",
                f"{figures['first sight']:.0f}/s first sight, {figures['seen again']:.0f}/s seen again",
                "record_sighting, one transaction per listing (the crawl batches 100 per transaction)",
                "-",
            )
        )
    return rows


def leads(quick: bool) -> list[Row]:
    import json

    args = ["--quick"] if quick else ["--runs", "5"]
    try:
        # the first full run builds a store of a million leads for each engine (cached after that)
        text = _script("bench_leads_list.py", *args, timeout=3 * 3600)
    except ScriptFailed as error:  # a missed target exits 1 after printing its table and figures
        text = error.stdout or str(error)
    line = next((line for line in reversed(text.splitlines()) if line.startswith(RESULT_PREFIX)), None)
    if line is None:
        raise RuntimeError(text.strip().splitlines()[-1] if text.strip() else "bench_leads_list.py printed nothing")
    result = json.loads(line[len(RESULT_PREFIX) :])
    count = f"{result['leads']:,} leads"
    help_row = result["help"]
    rows: list[Row] = [
        (
            "`tradewatch --help`",
            f"{help_row['wall']:.2f} s (CPU {help_row['cpu']:.2f} s)",
            f"fresh process, median of {result['runs']}",
            _verdict(help_row["wall"] < 0.4, "< 0.4 s", quick),
        )
    ]
    for part in result["engines"]:
        if "skipped" in part:
            rows.append((f"`leads list` at {count} ({part['engine']})", "skipped", part["skipped"], "-"))
            continue
        for row in part["rows"]:
            if row["case"] == "stats":
                measured, ok, target = f"{row['wall']:.2f} s (CPU {row['cpu']:.2f} s)", row["wall"] < 1.5, "< 1.5 s"
            else:
                measured = f"{row['wall']:.2f} s (CPU {row['cpu']:.2f} s), query {row['query'] * 1000:.0f} ms"
                ok, target = row["wall"] < 1.0 and row["query"] < 0.3, "< 1.0 s, query < 0.3 s"
            rows.append(
                (
                    f"`{row['case']}`, {count} ({part['engine']})",
                    measured,
                    f"whole command in a fresh process, median of {result['runs']}",
                    _verdict(ok, target, quick),
                )
            )
    return rows


def _verdict(ok: bool, target: str, quick: bool) -> str:
    if quick:
        return f"target {target} (at 1,000,000 leads)"
    return f"target {target}: " + ("**met**" if ok else "**MISSED**")


def memory(quick: bool) -> list[Row]:
    checkpoints = [2_000, 5_000, 10_000] if quick else [10_000, 50_000, 100_000]
    with market() as base_url:
        result = bench_memory.measure(base_url, checkpoints)
    peaks = ", ".join(f"{pages:,}: {mb:.0f} MB" for pages, mb in sorted(result["peak_rss_mb"].items()))
    return [
        (
            "Memory over a long sweep (peak RSS after N pages)",
            peaks,
            "rounds of the demo sweep with `&r=N` in every URL; Scrapy's dupe filter grows by design",
            f"growth {result['growth']:+.0%}: " + ("**flat**" if result["flat"] else "**NOT flat**") + " (limit +20%)",
        )
    ]  # fmt: skip


def distributed(quick: bool) -> list[Row]:
    result = bench_distributed.measure([1, 2, 3], ["包邮"] if quick else ["包邮", "全新", "二手"])
    if "skipped" in result:
        return [("Distributed workers", "skipped", result["skipped"], "-")]
    return [
        (
            f"Distributed: {run['workers']} worker(s), one sweep",
            f"{run['pages_per_s']:.1f} pages/s ({run['pages']} pages in {run['seconds']} s)",
            "all workers, Redis, PostgreSQL and the marketplace on this machine",
            "-",
        )
        for run in result["runs"]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sweeps and stores")
    parser.add_argument("--only", help=f"comma-separated sections of: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(SECTIONS)
    started = time.monotonic()
    rows: list[Row] = []
    extra: list[str] = []
    for name in chosen:
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            produced: Any = globals()[name](args.quick)
        except Exception as error:  # one broken benchmark must not hide the others
            rows.append((name, "failed", str(error).splitlines()[0][:200], "-"))
            continue
        if isinstance(produced, tuple):
            produced, text = produced
            extra.append(text)
        rows.extend(produced)
    info = machine()
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    lines = [
        f"## Benchmarks ({'quick' if args.quick else 'full'}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {info['cpu']}, {info['memory']}, {info['os']}, Python {info['python']}; "
        f"load average at the end {load[0]:.1f}.",
        f"Versions: {info['versions']}.",
        "",
        "| Benchmark | Measured | Baseline / conditions | Verdict |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        *extra,
        "",
        f"Took {time.monotonic() - started:.0f} s.",
        "",
    ]
    text = "\n".join(lines)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

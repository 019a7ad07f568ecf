"""Text in listing photos: OCR character accuracy on the demo's rendered photos, images/s per core, peak memory
of the OCR pool, and a crawl's pages/s with OCR on against the same sweep with OCR off.

- accuracy: 1 - (edit distance / characters) of the text read against the text rendered, spaces ignored
  (the recogniser joins words a photo separates by a space), over every demo photo;
- images/s per core: photos read one after another by one recogniser on one thread, as a pool worker reads,
  over the CPU time of that thread (the wall clock of a shared machine says more about its load);
- pool peak memory: the summed RSS of the pool's worker processes while they read every photo;
- crawl: a sweep of the demo (`包邮` and the photo listings' keyword) with OCR on and off, each in a fresh home
  and child process, sides alternating; pages/s from the spider's open to its close, the OCR backlog drained
  before the crawl closes (the items wait for it), and the CPU time of the crawl thread per 1,000 pages (the
  figure a busy machine leaves alone). Each sweep runs as `tradewatch sweep` does (`crawl_here`): its OCR pool
  starts on the first photo that needs reading, inside the timed crawl (the recogniser's loading included),
  at TRADEWATCH_OCR_NICE. One untimed sweep comes first: the demo renders
  each page and photo when first asked for (2.6 CPU s for the photos alone), which a marketplace does not,
  and which would fall on whichever side ran first. Every timed sweep is listed under the table with the
  load average it started at, and the CPU seconds of its whole process tree (the crawl process, its store
  writer and OCR workers): on minus off is what reading the photos cost.

    python benchmarks/bench_ocr.py [--repeat 2] [--keywords 包邮,详见图片] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import market, median, report, run_child

DEFAULT_KEYWORDS = "包邮,详见图片"
TARGET_ACCURACY = 0.95
TARGET_RATIO = 0.8  # OCR on keeps at least this share of the pages/s with OCR off


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def _photos(folder: Path) -> list[tuple[Path, str]]:
    from crawler.demo_market.photos import PHOTOS, photo_bytes

    out = []
    for name, spec in PHOTOS.items():
        path = folder / f"{name}.jpg"
        path.write_bytes(photo_bytes(name))
        out.append((path, "".join(spec.lines).replace(" ", "")))
    return out


def _reading() -> dict[str, Any]:
    """Accuracy and images/s of one recogniser on one thread (a pool worker), in this process."""
    from pipelines.images.reading import read_image

    with tempfile.TemporaryDirectory() as folder:
        photos = _photos(Path(folder))
        read_image(photos[0][0], ocr=True, max_pixels=10**8)  # models loaded before the clock starts
        errors = characters = 0
        started = time.thread_time()
        for path, expected in photos:
            found = read_image(path, ocr=True, max_pixels=10**8).text.replace(" ", "").replace("\n", "")
            errors += edit_distance(found, expected)
            characters += len(expected)
        elapsed = time.thread_time() - started
    return {
        "images": len(photos),
        "characters": characters,
        "accuracy": round(1 - errors / characters, 4),
        "images_per_s_per_core": round(len(photos) / elapsed, 2),
    }


def _pool(workers: int) -> dict[str, Any]:
    """Peak summed RSS of the pool's workers while `workers` of them read every photo (each twice, uncached)."""
    import psutil

    from pipelines.images.pool import ImagePool, ReadingCache

    peak = [0.0]
    stop = threading.Event()

    with tempfile.TemporaryDirectory() as folder:
        photos = _photos(Path(folder))
        pool = ImagePool(workers=workers, queue_limit=workers * 2, max_pixels=10**8, cache=ReadingCache(Path(folder)))

        def sample() -> None:
            while not stop.is_set():
                total = 0
                for pid in pool.worker_pids():
                    with suppress(psutil.Error):
                        total += psutil.Process(pid).memory_info().rss
                peak[0] = max(peak[0], total / 2**20)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        async def read_all() -> None:
            for round_number in range(2):
                await asyncio.gather(*(pool.read(path, f"{round_number}{index:063d}", ocr=True)
                                       for index, (path, _text) in enumerate(photos)))  # fmt: skip

        try:
            asyncio.run(read_all())
        finally:
            stop.set()
            sampler.join()
            pool.close()
    return {"workers": workers, "pool_peak_rss_mb": round(peak[0]), "per_worker_mb": round(peak[0] / workers)}


def _sweep(base_url: str, keywords: list[str], ocr: bool) -> dict[str, Any]:
    from bench_crawl import _figures
    from sqlmodel import Session

    from core.logging_setup import setup_logging
    from leads.db import get_engine
    from leads.runs import get_run
    from runners.sweep import SweepRequest, crawl_here
    from spiders.sweep_params import SweepParams

    setup_logging("bench", level="WARNING")
    params = SweepParams(keywords=keywords, max_pages=1000, ocr=ocr)
    started = time.thread_time()  # the crawl thread: Scrapy's reactor runs in this one
    (run_id,) = crawl_here(SweepRequest(platforms=["demo"], params=params, base_url=base_url))
    thread_cpu = time.thread_time() - started
    with Session(get_engine()) as session:
        run = get_run(session, run_id)
        assert run is not None
        stats = dict(run.stats or {})
    figures = _figures(stats, stats.get("tradewatch/items/scored", 0))
    figures.update({"leads": stats.get("tradewatch/leads/new", 0), "ocr_images": stats.get("tradewatch/images/ocr", 0)})
    figures["thread_cpu_per_1000"] = round(thread_cpu * 1000 / max(1, figures["pages"]), 2)
    return figures


def crawl(keywords: str, repeat: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    load = []

    def sweep(side: str, base_url: str) -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as home:
            env = {"TRADEWATCH_HOME": home, "TRADEWATCH_DATABASE_URL": ""}
            return run_child([__file__, "--child", side, "--base-url", base_url, "--keywords", keywords], env=env)

    with market() as base_url:
        sweep("off", base_url)  # untimed: the demo renders its pages and photos once
        for round_number in range(repeat):
            order = ["on", "off"] if round_number % 2 == 0 else ["off", "on"]
            for side in order:
                load.append(os.getloadavg()[0])
                runs[side].append({**sweep(side, base_url), "side": side, "round": round_number + 1, "load": load[-1]})
    out: dict[str, Any] = {"runs": runs}
    for side, results in runs.items():
        out[side] = {
            "pages_per_s": median([r["pages_per_s"] for r in results]),
            "thread_cpu_per_1000": median([r["thread_cpu_per_1000"] for r in results]),
            "tree_cpu_s": median([r["cpu_s"] for r in results]),
            "pages": results[0]["pages"],
            "leads": results[0]["leads"],
            "ocr_images": results[0]["ocr_images"],
        }
    out["ratio_pages"] = round(out["on"]["pages_per_s"] / out["off"]["pages_per_s"], 3)
    out["ratio_thread_cpu"] = round(out["on"]["thread_cpu_per_1000"] / out["off"]["thread_cpu_per_1000"], 3)
    out["load"] = f"{min(load):.1f}-{max(load):.1f}"
    return out


def measure(*, keywords: str, repeat: int, workers: int) -> dict[str, Any]:
    here = [__file__]
    reading = run_child([*here, "--child", "reading"])
    pool = run_child([*here, "--child", "pool", "--workers", str(workers)])
    return {"reading": reading, "pool": pool, "crawl": crawl(keywords, repeat)}


def table(result: dict[str, Any]) -> str:
    reading, pool, crawled = result["reading"], result["pool"], result["crawl"]
    verdict = "ok" if reading["accuracy"] >= TARGET_ACCURACY else "BELOW TARGET"
    ratio_verdict = "ok" if crawled["ratio_pages"] >= TARGET_RATIO else "BELOW TARGET"
    rows = [
        ("OCR character accuracy (demo photos)", f"{reading['accuracy']:.4f} of {reading['characters']} chars",
         f">= {TARGET_ACCURACY}", verdict),
        ("OCR images/s per core", f"{reading['images_per_s_per_core']:.2f}", "-", "-"),
        (f"OCR pool peak memory ({pool['workers']} workers)",
         f"{pool['pool_peak_rss_mb']} MB ({pool['per_worker_mb']} MB/worker)", "-", "-"),
        ("Crawl pages/s, OCR off", f"{crawled['off']['pages_per_s']:.1f} ({crawled['off']['leads']} leads)", "-", "-"),
        ("Crawl pages/s, OCR on", f"{crawled['on']['pages_per_s']:.1f} ({crawled['on']['leads']} leads, "
         f"{crawled['on']['ocr_images']} photos read)", f">= {TARGET_RATIO:.0%} of off",
         f"{ratio_verdict} (ratio {crawled['ratio_pages']:.2f}, load {crawled['load']})"),
        ("Crawl thread CPU s per 1,000 pages, OCR off / on",
         f"{crawled['off']['thread_cpu_per_1000']:.2f} / {crawled['on']['thread_cpu_per_1000']:.2f}",
         "-", f"ratio {crawled['ratio_thread_cpu']:.2f}"),
        ("Sweep CPU s, whole process tree, OCR off / on",
         f"{crawled['off']['tree_cpu_s']:.2f} / {crawled['on']['tree_cpu_s']:.2f}", "-", "-"),
    ]  # fmt: skip
    lines = ["| benchmark | measured | target | verdict |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "Timed sweeps (pages/s from the spider's open to its close, the OCR backlog drained):"]
    for run in sorted(crawled["runs"]["on"] + crawled["runs"]["off"], key=lambda run: run["round"]):
        lines.append(
            f"  round {run['round']} OCR {run['side']:>3}: {run['pages_per_s']:6.1f} pages/s, {run['pages']} pages in "
            f"{run['elapsed_s']:.2f} s, {run['ocr_images']} photos read, tree CPU {run['cpu_s']:.2f} s, "
            f"load {run['load']:.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    from core.config import get_settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keywords", default=DEFAULT_KEYWORDS)
    parser.add_argument("--workers", type=int, default=get_settings().resolved_ocr_workers)
    parser.add_argument("--child", choices=["reading", "pool", "on", "off"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "reading":
        report(_reading())
    elif args.child == "pool":
        report(_pool(args.workers))
    elif args.child in ("on", "off"):
        report(_sweep(args.base_url, args.keywords.split(","), args.child == "on"))
    else:
        settings = get_settings()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        print(f"bench_ocr.py --repeat {args.repeat}, started {started}, load average {os.getloadavg()[0]:.2f}")
        print(f"OCR pool: {args.workers} worker(s), nice {settings.ocr_nice}, queue limit {settings.ocr_queue}")
        print(table(measure(keywords=args.keywords, repeat=args.repeat, workers=args.workers)))
        print("load average at the end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()

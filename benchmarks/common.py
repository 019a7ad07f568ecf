"""Shared helpers of the benchmarks: the demo marketplace in a process of its own, child processes that
report JSON, peak memory of a process tree, medians, and the machine's description."""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULT_PREFIX = "BENCH-RESULT "


def _serve(options: dict[str, Any], ports: Any) -> None:
    import asyncio

    from crawler.demo_market.options import MarketOptions
    from crawler.demo_market.server import start_market

    async def main() -> None:
        _runner, url = await start_market(MarketOptions.model_validate(options), "127.0.0.1", 0)
        ports.put(url)
        await asyncio.Event().wait()

    asyncio.run(main())


@contextmanager
def market(**options: Any) -> Iterator[str]:
    """The demo marketplace in a child process (its own core and event loop); yields the base URL."""
    context = multiprocessing.get_context("spawn")
    urls = context.Queue()
    server = context.Process(target=_serve, args=(options, urls), daemon=True)
    server.start()
    try:
        yield urls.get(timeout=120)
    finally:
        server.terminate()
        server.join()


def run_child(args: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 1800) -> dict[str, Any]:
    """Run `python <args>` and return the JSON it printed after RESULT_PREFIX; peak RSS of its tree is added."""
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = TreePeak(process.pid)
    peak.start()
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        peak.stop()
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            result.setdefault("tree_peak_rss_mb", peak.peak_mb)
            return result
    tail = "\n".join(err.strip().splitlines()[-15:])
    raise RuntimeError(f"{' '.join(args)} failed (exit {process.returncode}):\n{tail}")


def report(result: dict[str, Any]) -> None:
    """What a child prints for `run_child`."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


class TreePeak:
    """Samples the summed RSS of a process and all its descendants (Chromium included) every 50 ms."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    with suppress(psutil.Error):
                        total += proc.memory_info().rss
            except psutil.Error:
                break
            self.peak_mb = max(self.peak_mb, total / 2**20)
            time.sleep(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, str]:
    import importlib.metadata as md

    def version(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "-"

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        memory = "?"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": ", ".join(
            f"{name} {version(name)}"
            for name in ("scrapy", "twisted", "scrapy-redis", "scrapy-playwright", "playwright", "sqlalchemy", "redis")
        ),
    }


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def postgres_admin_available(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3, autocommit=True).close()
        return True
    except Exception:
        return False

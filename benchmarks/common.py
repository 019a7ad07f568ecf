"""Shared helpers of the benchmarks: the demo marketplace in a process of its own, child processes that
report JSON, CPU time and peak memory of a whole process tree, medians, and the machine's description."""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
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
    """Run `python <args>` and return the JSON it printed after RESULT_PREFIX, with the figures of its process
    tree added (`run_tree`): tree_peak_rss_mb, tree_peak_pss_mb, cpu_s, wall_s."""
    tree = run_tree([sys.executable, *args], env=env, timeout=timeout)
    for line in reversed(tree.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            result.setdefault("tree_peak_rss_mb", tree.peak_rss_mb)
            result.setdefault("tree_peak_pss_mb", tree.peak_pss_mb)
            result.setdefault("cpu_s", tree.cpu_s)
            result.setdefault("wall_s", tree.wall_s)
            result.setdefault("leftovers", tree.leftovers)
            result.setdefault("killed", tree.killed)
            result.setdefault("cpu_by_process", cpu_by_process(tree, result.get("own_cpu_s")))
            return result
    tail = "\n".join(tree.stderr.strip().splitlines()[-15:])
    raise RuntimeError(f"{' '.join(args)} failed (exit {tree.returncode}):\n{tail}")


def create_store(env: dict[str, str]) -> None:
    """Create (migrate) the lead store that `env` names, untimed: an officer's store exists before a sweep,
    and its migrations are not the sweep's cost."""
    code = "from leads.db import get_engine; get_engine()"
    environment = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, check=True)


# What a sweep reads from tradewatch's cache, built there: the scorer (its entry and the tables it is built
# from, and what it builds on its first listing), the model in use and the OCR models' optimised copies.
WARM_CACHE = """
from pipelines.model.registry import current_combiner
from pipelines.score import WARM_UP_LISTING
from pipelines.scoring import Scorer
from pipelines.images.reading import warm_up
Scorer.load().score(WARM_UP_LISTING)
current_combiner()
warm_up()
"""


def _user_cache() -> Path:
    """tradewatch's default cache folder (`core.config.Settings.resolved_cache_dir` with no TRADEWATCH_CACHE_DIR)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tradewatch"


@contextmanager
def own_cache(env: dict[str, str], warm: str = WARM_CACHE) -> Iterator[dict[str, str]]:
    """A cache folder of the benchmark's own (TRADEWATCH_CACHE_DIR), made warm (`warm`, run once in a child with
    `env`) before anything is timed; yields the variable for the children's environment. A sweep's cost is
    measured with a warm cache, as an officer's sweeps run: in the user's shared cache, other checkouts' sweeps
    and tests on the same machine may evict its entry (`pipelines.scoring.built` prunes the least recently used
    beyond a size budget), and a timed sweep that finds it gone builds it again (2-3 CPU s, more than the sweep's
    crawl). The folder starts as a copy of the user's cache, whose entries are named by what they hold, so
    only what is missing there is built. A cache folder set in the environment is used as it is (`off` included),
    made warm too."""
    chosen = os.environ.get("TRADEWATCH_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="tw-bench-cache-") as folder:
        if not chosen:
            with suppress(OSError, shutil.Error):  # an entry pruned while it was copied is built instead
                shutil.copytree(_user_cache(), folder, dirs_exist_ok=True)
        cache = {"TRADEWATCH_CACHE_DIR": chosen or folder}
        environment = {**os.environ, **env, **cache, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-c", warm], cwd=ROOT, env=environment, check=True)
        yield cache


PROJECT_PACKAGES = ("cli", "core", "crawler", "leads", "pipelines", "runners", "scheduler", "spiders")


def compile_project() -> None:
    """Compile the project's modules to bytecode (`__pycache__`, ignored by git) before anything is timed, as
    pip does for an installed copy: where PYTHONDONTWRITEBYTECODE is set, every tradewatch process would
    otherwise compile them from source again (about 0.1 s of CPU each), while Scrapy's, in site-packages, are
    compiled already."""
    folders = [str(ROOT / name) for name in PROJECT_PACKAGES]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], cwd=ROOT, check=True)


def report(result: dict[str, Any]) -> None:
    """What a child prints for `run_child`, with its own CPU so far (`own_cpu_s`: its threads, not its children)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {"own_cpu_s": round(usage.ru_utime + usage.ru_stime, 3), **result}
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


@dataclass
class TreeRun:
    """What `run_tree` measured of one command and every process it started."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    cpu_s: float  # user + system of the command and all its descendants, leftovers included
    peak_rss_mb: float
    peak_pss_mb: float
    leftovers: int  # descendants still running when the command exited (waited for: their CPU counts)
    killed: int  # of those, the ones still running `grace` seconds later, killed
    # CPU s of each kind of process (`process_kind`) as last sampled while it ran (`TreePeak`): what a process
    # spent in its last sampling interval is missing, so these add up to a little less than cpu_s
    sampled_cpu_s: dict[str, float] = field(default_factory=dict)


def cpu_by_process(tree: TreeRun, own_cpu_s: float | None = None) -> dict[str, float]:
    """The tree's CPU s by kind of process: the command's own from what it reported (`own_cpu_s`, exact) or else
    as sampled, the others as sampled, and what no sample saw (the last moments of each process) as `unsampled`."""
    split = dict(tree.sampled_cpu_s)
    if own_cpu_s is not None:
        split["main"] = float(own_cpu_s)
    split["unsampled"] = max(0.0, tree.cpu_s - sum(split.values()))
    return {kind: round(seconds, 2) for kind, seconds in split.items()}


def process_kind(process: Any, root: Any) -> str:
    """What a process of a measured tree is: `main` (the command), `forked` (a child forked from it: same command
    line, such as the store writer), `spawned` (a multiprocessing worker, such as OCR, spawned or, forked, named
    as an OCR worker), `resource tracker`, `chromium`, or its name."""
    import psutil

    from pipelines.images.worker import WORKER_NAME

    if process.pid == root.pid:
        return "main"
    try:
        command = process.cmdline()
        name = process.name()
    except psutil.Error:
        return "other"
    text = " ".join(command)
    if "resource_tracker" in text:
        return "resource tracker"
    if "multiprocessing" in text and ("spawn_main" in text or "forkserver" in text):
        return "spawned"
    if "chrom" in name.lower() or "headless_shell" in name:
        return "chromium"
    if name == WORKER_NAME:
        return "spawned"
    with suppress(psutil.Error):
        if command == root.cmdline():
            return "forked"
    return name or "other"


def _become_subreaper() -> None:
    """Orphaned descendants (a browser whose parent has exited) are re-parented to this process, so that it
    can wait for them and their CPU time is counted (`/usr/bin/time` alone misses them). Linux only."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _cpu(usage: Any) -> float:
    return float(usage.ru_utime + usage.ru_stime)


def run_tree(
    command: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 1800, grace: float = 20.0
) -> TreeRun:
    """Run `command` with this process as subreaper, sample its tree's memory, and wait for every descendant.

    CPU comes from the kernel's resource usage of each process as it is reaped: the command's includes every
    descendant it waited for; orphans are re-parented here and waited for too (killed after `grace` s)."""
    import psutil

    _become_subreaper()
    own = {child.pid for child in psutil.Process().children()}
    out = tempfile.TemporaryFile()  # noqa: SIM115  files, not pipes: no stall on a full pipe; closed below
    err = tempfile.TemporaryFile()  # noqa: SIM115
    started = time.monotonic()
    process = subprocess.Popen(
        list(command),
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        stdout=out,
        stderr=err,
        stdin=subprocess.DEVNULL,
    )
    peak = TreePeak(process.pid)
    peak.start()
    try:
        cpu, status = _wait(process.pid, timeout)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        leftovers = 0
        killed: set[int] = set()
        deadline = time.monotonic() + grace
        while True:
            orphans = [child.pid for child in psutil.Process().children() if child.pid not in own]
            if not orphans:
                break
            leftovers = max(leftovers, len(orphans))
            for pid in orphans:
                if time.monotonic() > deadline and pid not in killed:
                    killed.add(pid)
                    with suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                with suppress(ChildProcessError):
                    reaped, _status, usage = os.wait4(pid, os.WNOHANG)
                    if reaped:
                        cpu += _cpu(usage)
            time.sleep(0.05)
    finally:
        peak.stop()
    with out, err:
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    return TreeRun(
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        wall_s=round(wall, 3),
        cpu_s=round(cpu, 2),
        peak_rss_mb=round(peak.peak_mb, 1),
        peak_pss_mb=round(peak.peak_pss_mb, 1),
        leftovers=leftovers,
        killed=len(killed),
        sampled_cpu_s=peak.cpu_by_kind(),
    )


def _wait(pid: int, timeout: float) -> tuple[float, int]:
    deadline = time.monotonic() + timeout
    while True:
        reaped, status, usage = os.wait4(pid, os.WNOHANG)
        if reaped:
            return _cpu(usage), status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _reaped, status, usage = os.wait4(pid, 0)
            raise RuntimeError(f"process {pid} timed out after {timeout} s and was killed")
        time.sleep(0.02)


class TreePeak:
    """Samples the summed RSS and PSS of a process and all its descendants (Chromium included), and the CPU time
    of each (`cpu_by_kind`).

    PSS shares each shared page among the processes that map it, so a tree's sum counts it once; summed RSS
    counts it once per process."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0
        self._cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU s of its own at its latest sample)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        from pipelines.images.worker import WORKER_NAME

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            rss = pss = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    with suppress(psutil.Error):
                        times = proc.cpu_times()
                        kind = self._cpu[proc.pid][0] if proc.pid in self._cpu else process_kind(proc, root)
                        if kind == "forked" and proc.name() == WORKER_NAME:  # named once it runs
                            kind = "spawned"
                        self._cpu[proc.pid] = (kind, times.user + times.system)
                        memory = proc.memory_full_info()
                        rss += memory.rss
                        pss += memory.pss
            except psutil.Error:
                break
            self.peak_mb = max(self.peak_mb, rss / 2**20)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 2**20)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU s of the processes sampled, summed by kind (`process_kind`)."""
        totals: dict[str, float] = {}
        for kind, seconds in self._cpu.values():
            totals[kind] = totals.get(kind, 0.0) + seconds
        return totals

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to print beside every figure (pages/s depends on them)."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


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

"""What a pool worker runs as it starts and how it leaves, apart from the pool (`pipelines.images.pool`): a worker
need not import the pool's asyncio (about 0.02 CPU s of its start-up)."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from contextlib import suppress
from multiprocessing.context import ForkContext, ForkProcess, SpawnContext, SpawnProcess
from pathlib import Path

from pipelines.images.reading import use_model_cache, warm_up


def _exit_with_parent() -> None:
    """End this worker when the process that started it is gone. A worker waits on the pool's call queue, whose
    writing end it holds itself, so a sweep killed outright (SIGKILL, out of memory) would leave it waiting for
    ever, holding the recogniser's memory: the parent's sentinel tells when the parent died."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


# Nothing a worker does is a matrix product worth a second thread: the recogniser runs on one thread of its own
# (ONNX Runtime's), and the perceptual hash multiplies 8x32 matrices. OpenBLAS, loaded with numpy, would start a
# thread per core all the same, about 0.05 CPU s of each worker's start-up. It reads this as it loads, so it is
# set before the worker's first import of numpy; a value the officer set is kept.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1"}


# The recogniser's tensors (ONNX Runtime's, allocated afresh for each run, RapidOCR turns its memory arena off) and
# the photos' arrays are blocks of one to tens of megabytes. glibc's malloc maps each block above its threshold
# (128 KiB, rising to 32 MiB at most) from the kernel and unmaps it when freed, so each run faults its memory in
# page by page again. Blocks below KEEP_FREED_BYTES come from the heap instead, and up to that much freed memory
# is kept there for the next run: about 20,000 page faults fewer (a third) for a worker's start-up and one photo,
# for about 10 MB more at its peak (286 against 276 MB).
KEEP_FREED_BYTES = 256 * 1024 * 1024
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt(3)'s parameters


def keep_freed_memory() -> None:
    """Have glibc's malloc reuse freed blocks of up to KEEP_FREED_BYTES (nothing where the C library has no
    `mallopt`, or another's ignores it)."""
    with suppress(OSError, AttributeError):
        mallopt = ctypes.CDLL(None).mallopt
        mallopt(M_MMAP_THRESHOLD, KEEP_FREED_BYTES)
        mallopt(M_TRIM_THRESHOLD, KEEP_FREED_BYTES)


def _forget_the_crawl() -> None:
    """In a worker forked from the crawl process: Python's default signal handling (Ctrl-C interrupts it as it
    would a spawned worker, whatever handlers the crawl process had set), and the cycle collector on (the crawl
    process switches it off while it builds its crawls) for what the worker allocates, not for what it inherited."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()
    gc.enable()


def _ignore_hangup() -> None:
    """A closed terminal's hangup reaches the whole group of a sweep that crawls in the command's own process, its
    workers with it: the sweep takes it for a graceful stop and reads the photos of the listings it still has in
    hand, so a worker must not die of it (their readings would fail). A worker ends when the pool closes or the
    sweep is gone (`_exit_with_parent`), as the store writer, which ignores it too."""
    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, signal.SIG_IGN)


def start_worker(nice: int, warm: bool, models: Path | None, forked: bool = False) -> None:
    """Run by each worker as it starts: outlive a terminal's hangup but end with the sweep, keep numpy's maths
    library to one thread and freed memory for reuse, lower its priority by `nice`, keep the recogniser's optimised
    models in `models`, and with `warm` load the recogniser now rather than on the first photo. `forked`: the worker
    was forked from the crawl process (`ForkedWorkerContext`)."""
    if forked:
        _forget_the_crawl()
    _ignore_hangup()
    _exit_with_parent()
    keep_freed_memory()
    for name, value in SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    use_model_cache(models)
    if nice:
        with suppress(OSError):  # a platform without nice(2): the worker reads at the crawl's priority
            os.nice(nice)
    if warm:
        warm_up()


def _leave() -> None:
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(0)


class _LeavingProcess(SpawnProcess):
    """A spawned pool worker that leaves as soon as its work is done, the way the store writer does: the pool
    told it to stop and has its last answer, and it holds nothing to flush or close but its standard streams,
    so the interpreter's teardown (numpy, ONNX Runtime, OpenCV and the recogniser's models taken apart object
    by object, about 0.04 CPU s) is skipped. A worker whose work fails leaves as any process does."""

    def run(self) -> None:
        super().run()
        _leave()


class _LeavingForkedProcess(ForkProcess):
    """A forked pool worker that leaves as `_LeavingProcess` does, and is named `WORKER_NAME` for the process
    table (its command line is the crawl process's)."""

    def run(self) -> None:
        _name_process(WORKER_NAME)
        super().run()
        _leave()


WORKER_NAME = "tradewatch-ocr"  # at most 15 bytes: the kernel's limit for a process's name


def _name_process(name: str) -> None:
    """Name this process (Linux's `comm`, what ps and top show) where the C library allows it."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME


class WorkerContext(SpawnContext):
    """multiprocessing's spawn context, whose processes are `_LeavingProcess`: the pool's `mp_context`."""

    Process = _LeavingProcess


class ForkedWorkerContext(ForkContext):
    """multiprocessing's fork context, whose processes are `_LeavingForkedProcess`: the pool's `mp_context` when it
    starts in a crawl process that runs no other thread yet (`ImagePool.start`)."""

    Process = _LeavingForkedProcess

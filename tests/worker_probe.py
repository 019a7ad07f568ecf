"""What a pool worker has imported, asked in the worker itself: a module of its own, importing nothing of
tradewatch, so that asking does not import what the worker is checked not to import."""

from __future__ import annotations

import sys


def modules_loaded() -> tuple[bool, bool, bool, bool, bool]:
    """(scipy imported, the starting process's main module imported, the configuration imported, asyncio
    imported, numpy's masked arrays imported)."""
    main = "__mp_main__" in sys.modules and hasattr(sys.modules["__mp_main__"], "MARK")
    loaded = ("scipy", "core.config", "asyncio", "numpy.ma")
    scipy, config, asyncio, masked = (name in sys.modules for name in loaded)
    return scipy, main, config, asyncio, masked


def blas_threads() -> list[int]:
    """The threads of each BLAS library numpy loads in the worker that runs this."""
    import numpy  # noqa: F401  (loads its BLAS)
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool.get("user_api") == "blas"]


def mark_at_exit(path: str) -> int:
    """Have the interpreter's teardown in the worker that runs this write `path`; the worker's pid."""
    import atexit
    import os
    from pathlib import Path

    atexit.register(Path(path).write_text, "torn down")
    return os.getpid()


def faults_of_a_block_freed_and_taken_again(megabytes: int) -> int:
    """The page faults of filling a block of `megabytes` that was filled and freed just before, in the worker
    that runs this."""
    import resource

    bytearray(megabytes << 20)  # zeroed as it is made (each of its pages written), and freed at once
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    bytearray(megabytes << 20)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def crawl_state_left_behind() -> tuple[bool, bool]:
    """(the cycle collector on, Ctrl-C raising KeyboardInterrupt) in the worker that runs this: what a worker
    forked from a crawl process must not inherit of it."""
    import gc
    import signal

    return gc.isenabled(), signal.getsignal(signal.SIGINT) is signal.default_int_handler

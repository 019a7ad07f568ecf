"""The shared Redis left as each test found it: a test drops the sweeps it opened, and `redis_url` (conftest)
fails a test that leaves one open.

Other test runs use the same Redis at the same time, so a sweep counts as left open only when it was opened
during the test, is still open a while after it, and no worker of it is alive (a sweep of another run going on
has its workers beating)."""

from __future__ import annotations

import time
from typing import Any

from crawler.distributed import keys, sweeps

GRACE_SECONDS = 15.0  # how long a sweep opened during a test may take to close after it


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def forget_sweep(server: Any, sweep_id: str) -> None:
    """Drop every key of the sweep, and the sweep from the open ones."""
    server.zrem(keys.SWEEPS_KEY, sweep_id)
    stale = server.keys(keys.sweep_key(sweep_id, "*"))
    if stale:
        server.delete(*stale)


def forget_sweeps_of(server: Any, base_url: str) -> None:
    """Drop the sweeps (finished or left open) of the profile pointed at `base_url`: a test's own demo market."""
    for key in server.keys(keys.sweep_key("*", "spec")):
        raw = server.get(key)
        spec = sweeps.SweepSpec.model_validate_json(raw) if raw else None
        if spec is not None and any(profile.get("base_url") == base_url for profile in spec.profiles):
            forget_sweep(server, spec.sweep_id)


def _has_live_worker(server: Any, sweep_id: str) -> bool:
    workers = server.smembers(keys.sweep_key(sweep_id, "workers"))
    return any(server.exists(keys.heartbeat_key(_text(worker))) for worker in workers)


def sweeps_left_open(server: Any, before: set[str], *, grace: float = GRACE_SECONDS) -> list[str]:
    """The sweeps opened since `before` that are still open, with no live worker, after `grace` seconds."""
    deadline = time.monotonic() + grace
    while True:
        left = [
            sweep_id
            for sweep_id in sweeps.open_sweeps(server)
            if sweep_id not in before and not _has_live_worker(server, sweep_id)
        ]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.5)

"""Distributed sweeps: the records of sweeps and their workers in Redis (spec, state, heartbeats, stats)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from crawler.distributed.keys import (
    DROP_ORPHANED_SCRIPT,
    DROP_QUEUE_SCRIPT,
    JOIN_SCRIPT,
    KEEP_SECONDS,
    LOST_UNJOINED_SCRIPT,
    REAP_SCRIPT,
    REQUEUED_SCORE,
    SWEEPS_KEY,
    heartbeat_key,
    sweep_key,
)
from crawler.run_health import NEVER_READ_STAT, NORMAL_FINISH, WORKERS_LOST

if TYPE_CHECKING:
    from redis import Redis

    from crawler.profiles import Profile

log = logging.getLogger(__name__)


def register_worker(server: Redis, sweep_id: str, worker_id: str, lease_seconds: float) -> bool:
    """Join the sweep (again, with every beat) and keep the heartbeat; a worker taken for lost while it was
    stalled is lost no more: it may still end by its operator's stop, and the sweep then waits for another.
    False, joining nothing, when the sweep is no longer open (finished, or its keys dropped by its coordinator):
    the worker must stop, not bring the sweep's keys back."""
    script = server.register_script(JOIN_SCRIPT)
    keys = [
        SWEEPS_KEY,
        heartbeat_key(worker_id),
        sweep_key(sweep_id, "workers"),
        sweep_key(sweep_id, "lost"),
        sweep_key(sweep_id, "joined"),
    ]
    return bool(int(script(keys=keys, args=[worker_id, int(lease_seconds * 1000), sweep_id, str(time.time())])))


def count_lost_unless_joined(server: Redis, sweep_id: str, worker_id: str) -> bool:
    """Count a worker whose process ended as lost when it never joined the sweep (one that joined is lost when
    its lease runs out, `reap`): without this, a worker that crashed on its way up was waited for for ever.
    Returns whether it was counted."""
    script = server.register_script(LOST_UNJOINED_SCRIPT)
    keys = [sweep_key(sweep_id, "joined"), sweep_key(sweep_id, "lost")]
    return bool(int(script(keys=keys, args=[worker_id, KEEP_SECONDS])))


def reap(server: Redis, sweep_id: str, platforms: Iterable[str]) -> int:
    """Requeue what workers whose heartbeat expired were holding, and take them off the sweep as lost (a worker
    that ends leaves the sweep itself; one that comes back joins again with its next beat). Returns how many
    requests went back."""
    script = server.register_script(REAP_SCRIPT)
    moved = 0
    platforms = list(platforms)
    for raw in server.smembers(sweep_key(sweep_id, "workers")):
        worker_id = raw.decode() if isinstance(raw, bytes) else raw
        alive = False
        for platform in platforms:
            base = sweep_key(sweep_id, platform)
            keys = [f"{base}:processing:{worker_id}", f"{base}:requests", heartbeat_key(worker_id)]
            result = int(script(keys=keys, args=[REQUEUED_SCORE]))
            if result < 0:
                alive = True
                break
            if result:
                log.warning(
                    "worker %s is gone: %d request(s) of %s went back to the queue", worker_id, result, platform
                )
            moved += result
        if not alive:
            pipe = server.pipeline(transaction=True)
            pipe.srem(sweep_key(sweep_id, "workers"), worker_id)
            pipe.sadd(sweep_key(sweep_id, "lost"), worker_id)
            pipe.expire(sweep_key(sweep_id, "lost"), KEEP_SECONDS)
            pipe.execute()
    return moved


def workers_lost(server: Redis, sweep_id: str) -> bool:
    """No worker is in the sweep, and some were lost (their heartbeat expired without their leaving it): the
    sweep waits for nobody but workers that may never come."""
    pipe = server.pipeline(transaction=True)
    pipe.scard(sweep_key(sweep_id, "workers"))
    pipe.scard(sweep_key(sweep_id, "lost"))
    present, lost = pipe.execute()
    return not present and bool(lost)


LOST_WORKERS = "lost workers"  # the name under which a platform given up for its lost workers is marked as left


def drop_orphaned(server: Redis, sweep_id: str, platforms: Iterable[str]) -> dict[str, int] | None:
    """Drop the queue of each platform of a sweep that no worker is left in, counted in its stats
    (`NEVER_READ_STAT`), and mark the platform as left for `WORKERS_LOST`, so that its run says why. None when
    a worker is in the sweep after all; else the dropped counts by platform (platforms with nothing queued are
    left as they are)."""
    args = [NEVER_READ_STAT, WORKERS_LOST, LOST_WORKERS, KEEP_SECONDS]
    dropped = _drop_queues(server, sweep_id, platforms, DROP_ORPHANED_SCRIPT, args)
    for platform, count in (dropped or {}).items():
        log.error("no worker is left in sweep %s: %d request(s) of %s dropped", sweep_id, count, platform)
    return dropped


def _drop_queues(
    server: Redis, sweep_id: str, platforms: Iterable[str], source: str, args: list[Any]
) -> dict[str, int] | None:
    """Run a script that drops a platform's queue (its keys: the queue, the stats, why workers left, the sweep's
    workers) on each platform: the dropped counts by platform, or None when the script refused (-1)."""
    script = server.register_script(source)
    dropped: dict[str, int] = {}
    for platform in platforms:
        base = sweep_key(sweep_id, platform)
        keys = [f"{base}:requests", f"{base}:stats", f"{base}:left", sweep_key(sweep_id, "workers")]
        count = int(script(keys=keys, args=args))
        if count < 0:
            return None
        if count:
            dropped[platform] = count
    return dropped


# A worker stopped by its operator (Ctrl-C, SIGTERM) may be started again: the sweep waits for it, or another.
STOPPED = "shutdown"
NOT_GIVEN_UP = (NORMAL_FINISH, STOPPED)


def leave_platform(server: Redis, sweep_id: str, platform: str, worker_id: str, reason: str) -> None:
    """Record that the worker's crawl of `platform` closed, and why. A worker that gave up (any reason but
    finished or stopped, e.g. its browser did not start) hands back what it holds first, so that the queue
    says what no worker read."""
    base = sweep_key(sweep_id, platform)
    pipe = server.pipeline(transaction=True)
    if given_up([reason]):
        script = server.register_script(REAP_SCRIPT)
        script(keys=[f"{base}:processing:{worker_id}", f"{base}:requests"], args=[REQUEUED_SCORE], client=pipe)
    pipe.hset(f"{base}:left", worker_id, reason)
    pipe.expire(f"{base}:left", KEEP_SECONDS)
    pipe.execute()


def left_reasons(server: Redis, sweep_id: str, platform: str) -> dict[str, str]:
    """Why each worker that left the platform's crawl left it, by worker id."""
    raw = server.hgetall(sweep_key(sweep_id, platform, "left"))
    return {_text(worker): _text(reason) for worker, reason in raw.items()}


def given_up(reasons: Iterable[str]) -> str | None:
    """The first reason among `reasons` that says a worker gave up, if any."""
    return next((reason for reason in reasons if reason not in NOT_GIVEN_UP), None)


def drop_unread(server: Redis, sweep_id: str, platforms: Iterable[str]) -> dict[str, int]:
    """Drop the queue of each platform that no worker will read: a worker gave up on it and every worker still in
    the sweep has left it. How many requests each held is added to its stats (`NEVER_READ_STAT`), so its run says
    so; without this the sweep would wait for an empty queue forever. Returns the dropped counts by platform."""
    dropped = _drop_queues(server, sweep_id, platforms, DROP_QUEUE_SCRIPT, [NEVER_READ_STAT, *NOT_GIVEN_UP]) or {}
    for platform, count in dropped.items():
        reason = given_up(left_reasons(server, sweep_id, platform).values())
        log.warning("no worker will read %s of sweep %s (%s): %d request(s) dropped", platform, sweep_id, reason, count)
    return dropped


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def is_done(server: Redis, sweep_id: str, platforms: Iterable[str]) -> bool:
    """Seeded, nothing queued and nothing held by any worker: read in one transaction."""
    platforms = list(platforms)
    workers = [w.decode() if isinstance(w, bytes) else w for w in server.smembers(sweep_key(sweep_id, "workers"))]
    pipe = server.pipeline(transaction=True)
    pipe.exists(sweep_key(sweep_id, "seeded"))
    pipe.smembers(sweep_key(sweep_id, "workers"))
    for platform in platforms:
        base = sweep_key(sweep_id, platform)
        pipe.zcard(f"{base}:requests")
        for worker_id in workers:
            pipe.hlen(f"{base}:processing:{worker_id}")
    seeded, members, *counts = pipe.execute()
    known = {w.decode() if isinstance(w, bytes) else w for w in members}
    if not known <= set(workers):  # a worker joined while we looked: look again later
        return False
    return bool(seeded) and not any(counts)


class SweepSpec(BaseModel):
    """What every worker needs to crawl a sweep: the profiles themselves (other machines may not have the
    files), the parameters, and the crawl run of each platform."""

    sweep_id: str
    profiles: list[dict[str, Any]]
    params: dict[str, Any]
    run_ids: dict[str, int] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def load_profiles(self) -> list[Profile]:
        from crawler.profiles import Profile

        return [Profile.model_validate(data) for data in self.profiles]

    @property
    def platforms(self) -> list[str]:
        return [str(data["name"]) for data in self.profiles]


def load_spec(server: Redis, sweep_id: str) -> SweepSpec | None:
    raw = server.get(sweep_key(sweep_id, "spec"))
    return SweepSpec.model_validate_json(raw) if raw else None


def sweep_state(server: Redis, sweep_id: str) -> str | None:
    raw = server.get(sweep_key(sweep_id, "state"))
    return raw.decode() if isinstance(raw, bytes) else raw


def is_open(server: Redis, sweep_id: str) -> bool:
    """Among the open sweeps: not finished (`close_sweep`), its keys not dropped."""
    return server.zscore(SWEEPS_KEY, sweep_id) is not None


def open_sweeps(server: Redis) -> list[str]:
    """Open sweeps, oldest first."""
    members: list[Any] = list(server.zrange(SWEEPS_KEY, 0, -1))
    return [raw.decode() if isinstance(raw, bytes) else str(raw) for raw in members]


def sweep_stats(server: Redis, sweep_id: str, platform: str) -> dict[str, int | float | str]:
    """The platform's stats summed over every worker, with the texts (crawler.run_health.TEXT_STATS) they left."""
    raw = server.hgetall(sweep_key(sweep_id, platform, "stats"))
    out: dict[str, int | float | str] = {}
    for key, value in raw.items():
        name = key.decode() if isinstance(key, bytes) else key
        text = value.decode() if isinstance(value, bytes) else value
        out[name] = int(text) if text.lstrip("-").isdigit() else float(text)
    for key, value in server.hgetall(sweep_key(sweep_id, platform, "texts")).items():
        name = key.decode() if isinstance(key, bytes) else key
        out[name] = value.decode() if isinstance(value, bytes) else value
    return out


def close_sweep(server: Redis, spec: SweepSpec) -> None:
    """Mark the sweep done and drop its queues, dupe filters and counters; spec and state are kept a while."""
    pipe = server.pipeline(transaction=True)
    pipe.set(sweep_key(spec.sweep_id, "state"), "done", ex=KEEP_SECONDS)
    pipe.expire(sweep_key(spec.sweep_id, "spec"), KEEP_SECONDS)
    pipe.zrem(SWEEPS_KEY, spec.sweep_id)
    for platform in spec.platforms:
        base = sweep_key(spec.sweep_id, platform)
        pipe.delete(
            f"{base}:requests", f"{base}:seq", f"{base}:dupefilter", f"{base}:stats", f"{base}:texts", f"{base}:left"
        )
    pipe.delete(*(sweep_key(spec.sweep_id, name) for name in ("seeded", "workers", "lost", "joined")))
    pipe.execute()

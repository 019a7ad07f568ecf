"""Distributed sweeps: the reliable request queue on a Redis sorted set (a popped request is leased to one worker)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy_redis.queue import Base as RedisQueueBase

from crawler.distributed.keys import (
    LEASE_ID,
    POP_SCRIPT,
    PUSH_SCRIPT,
    SEEN_PUSH_SCRIPT,
    SWEEPS_KEY,
    heartbeat_key,
)
from crawler.distributed.serializer import JsonRequestSerializer

if TYPE_CHECKING:
    from redis import Redis


class ReliableQueue(RedisQueueBase):
    """A scrapy-redis queue whose pop hands the request to one worker until that worker acknowledges it.

    Members of the sorted set are `<lease id>|<request JSON>`; popping moves the member to the worker's
    processing hash (field: lease id) and puts the lease id in `request.meta[LEASE_ID]`.
    """

    def __init__(self, server: Redis, spider: Spider, key: str, worker_id: str) -> None:
        super().__init__(server, spider, key, serializer=JsonRequestSerializer)
        self.worker_id = worker_id
        self.seq_key = f"{self.key}:seq"
        self._pop = server.register_script(POP_SCRIPT)
        self._push = server.register_script(PUSH_SCRIPT)
        self._seen_push = server.register_script(SEEN_PUSH_SCRIPT)

    @property
    def queue_key(self) -> str:
        return f"{self.key}:requests"

    def processing_key(self, worker_id: str | None = None) -> str:
        return f"{self.key}:processing:{worker_id or self.worker_id}"

    def encode(self, request: Request) -> str:
        meta = {name: value for name, value in request.meta.items() if name != LEASE_ID}
        return self._encode_request(request.replace(meta=meta))

    def __len__(self) -> int:
        return int(self.server.zcard(self.queue_key))

    def push(self, request: Request) -> None:
        self.push_many([request])

    def push_many(self, requests: Iterable[Request], *, pipe: Any = None) -> None:
        target = pipe if pipe is not None else self.server.pipeline(transaction=False)
        for request in requests:
            self._push(
                keys=[self.queue_key, self.seq_key], args=[-request.priority, self.encode(request)], client=target
            )
        if pipe is None:
            target.execute()

    def push_unseen(
        self, request: Request, fingerprint: str, dupefilter_key: str, *, pipe: Any = None, sweep_id: str = "",
        lease: str = "",
    ) -> Any:  # fmt: skip
        """Push `request` unless `fingerprint` is in the dupe filter, recording it there in the same step.

        With `sweep_id`, only while that sweep is open; with `lease`, only while this worker holds that request
        (the one `request` succeeds), which is acknowledged in the same step. Without a `pipe`, returns 1 when
        pushed, 0 when seen already, -1 when refused for the sweep or the lease; with one, the answer is among the
        pipeline's results. An empty fingerprint (a request that skips the filter) is always pushed."""
        pushed = self._seen_push(
            keys=[self.queue_key, self.seq_key, dupefilter_key, SWEEPS_KEY, self.processing_key()],
            args=[-request.priority, self.encode(request), fingerprint, sweep_id, lease],
            client=pipe if pipe is not None else self.server,
        )
        return pushed if pipe is not None else int(pushed)

    def pop(self, timeout: int = 0) -> Request | None:
        member = self._pop(keys=[self.queue_key, self.processing_key(), heartbeat_key(self.worker_id)])
        if not member:
            return None
        text = member.decode() if isinstance(member, bytes) else member
        lease, _, data = text.partition("|")
        request = self._decode_request(data)
        request.meta[LEASE_ID] = lease
        return request

    def ack(self, lease: str, *, pipe: Any = None) -> None:
        (pipe if pipe is not None else self.server).hdel(self.processing_key(), lease)

    def in_flight(self) -> int:
        return int(self.server.hlen(self.processing_key()))

    def clear(self) -> None:
        self.server.delete(self.queue_key, self.seq_key)

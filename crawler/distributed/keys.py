"""Distributed sweeps: Redis keys, connection, and the Lua scripts that move requests and reserve slots."""

from __future__ import annotations

import os
import secrets
import socket
from typing import TYPE_CHECKING

from scrapy_redis.connection import get_redis

if TYPE_CHECKING:
    from redis import Redis


PREFIX = "tradewatch"
SWEEPS_KEY = f"{PREFIX}:sweeps"
LEASE_ID = "tradewatch_lease"  # request.meta key of the popped request's lease
HEARTBEAT_SECONDS = 1.0
# A worker's reactor that has not turned for this long is taken for hung: its heartbeat stops and its requests go
# to other workers once its lease runs out. A reactor blocked for less (a slow parse) keeps its lease.
HUNG_AFTER_SECONDS = 300.0
KEEP_SECONDS = 7 * 86_400  # spec and state of a finished sweep are kept this long
REQUEUED_SCORE = -1e15  # requeued requests go to the front of the queue


def connect(url: str) -> Redis:
    """A Redis client for `url` (bytes in, bytes out), checked with a PING."""
    server = get_redis(url=url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)
    server.ping()
    return server


def sweep_key(sweep_id: str, *parts: str) -> str:
    return ":".join((PREFIX, "sweep", sweep_id, *parts))


def heartbeat_key(worker_id: str) -> str:
    return f"{PREFIX}:worker:{worker_id}"


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


# Join a sweep (again, with every beat) while it is open: KEYS[1] the open sweeps, KEYS[2] the heartbeat (set to
# ARGV[4] for ARGV[2] ms), KEYS[3] the sweep's workers, KEYS[4] its lost workers, KEYS[5] every worker that ever
# joined it; ARGV[1] the worker, ARGV[3] the sweep. Returns 0, joining nothing, for a sweep finished (`close_sweep`)
# or whose keys were dropped: its worker must stop, and bring none of its keys back.
JOIN_SCRIPT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
return 1
"""

# Count a worker that never joined the sweep (KEYS[1], every worker that joined) as lost (KEYS[2], expiring after
# ARGV[2] s): a local worker whose process ended before it joined. Returns 1 when counted, 0 when it had joined (its
# lease then tells whether it was lost).
LOST_UNJOINED_SCRIPT = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""

# Pop the first request of the queue into the worker's processing hash; refuse when the worker is not alive.
POP_SCRIPT = """
if redis.call('EXISTS', KEYS[3]) == 0 then return false end
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
local member = found[1]
if not member then return false end
redis.call('ZREM', KEYS[1], member)
local lease = string.match(member, '^([^|]+)|')
redis.call('HSET', KEYS[2], lease, member)
return member
"""

# Push a request with a sequence number (its lease id); newer requests of the same priority go first.
PUSH_SCRIPT = """
local seq = redis.call('INCR', KEYS[2])
local member = string.format('%012d', seq) .. '|' .. ARGV[2]
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) * 1e12 - seq, member)
return seq
"""

# Record a request's fingerprint in the dupe filter and push it in one step: a worker killed between the two would
# leave the request marked seen and never queued, so no worker would fetch it. Returns 1 when pushed, 0 when the
# fingerprint was there already (ARGV[3] empty: a request that skips the filter, always pushed). A worker's push
# names its sweep (ARGV[4], among the open sweeps KEYS[4]) and, for the successor of a request it holds (a redirect,
# a retry), that request's lease (ARGV[5], in its processing hash KEYS[5]), acknowledged in the same step: -1, and
# nothing written, when the sweep is no longer open or the lease no longer held (another worker has the request).
SEEN_PUSH_SCRIPT = """
if ARGV[4] ~= '' and not redis.call('ZSCORE', KEYS[4], ARGV[4]) then return -1 end
if ARGV[5] ~= '' and redis.call('HDEL', KEYS[5], ARGV[5]) == 0 then return -1 end
if ARGV[3] ~= '' and redis.call('SADD', KEYS[3], ARGV[3]) == 0 then return 0 end
local seq = redis.call('INCR', KEYS[2])
local member = string.format('%012d', seq) .. '|' .. ARGV[2]
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) * 1e12 - seq, member)
return 1
"""

# Add a worker's stats to its platform's run while its sweep (ARGV[1]) is open (KEYS[1] the open sweeps): KEYS[2]
# the counters, KEYS[3] the texts; then ARGV in threes: 'i' (an integer added), 'f' (a float added) or 't' (a text
# set), the stat's name, the value. Returns 0, writing nothing, for a sweep finished or dropped meanwhile.
STATS_SCRIPT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
for i = 2, #ARGV, 3 do
  if ARGV[i] == 'i' then redis.call('HINCRBY', KEYS[2], ARGV[i + 1], ARGV[i + 2])
  elseif ARGV[i] == 'f' then redis.call('HINCRBYFLOAT', KEYS[2], ARGV[i + 1], ARGV[i + 2])
  else redis.call('HSET', KEYS[3], ARGV[i + 1], ARGV[i + 2]) end
end
return 1
"""

# Move every request a dead worker held back to the queue (skipped while its heartbeat KEYS[3] lives; without
# KEYS[3], a worker handing back what it holds, always).
REAP_SCRIPT = """
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local held = redis.call('HVALS', KEYS[1])
for _, member in ipairs(held) do redis.call('ZADD', KEYS[2], ARGV[1], member) end
redis.call('DEL', KEYS[1])
return #held
"""

# Drop a platform's queue KEYS[1] that no worker will read, adding how many requests it held to the stat ARGV[1]
# in KEYS[2]: only when a worker gave up on it (a reason in KEYS[3], worker -> reason, not among ARGV[2..]) and
# every worker of the sweep (KEYS[4]) has left it, judged in the script so that no worker joins meanwhile.
DROP_QUEUE_SCRIPT = """
local left = redis.call('HGETALL', KEYS[3])
local kept = {}
for i = 2, #ARGV do kept[ARGV[i]] = true end
local gave_up = false
for i = 2, #left, 2 do if not kept[left[i]] then gave_up = true end end
if not gave_up then return 0 end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if redis.call('HEXISTS', KEYS[3], worker) == 0 then return 0 end
end
local n = redis.call('ZCARD', KEYS[1])
redis.call('DEL', KEYS[1])
if n > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], n) end
return n
"""

# Drop a platform's queue KEYS[1] when no worker is left in the sweep (KEYS[4] empty), judged in the script so that
# no worker joins meanwhile: how many requests it held is added to the stat ARGV[1] in KEYS[2], and the platform
# is marked as left for the reason ARGV[2] (in KEYS[3], worker -> reason, under the name ARGV[3]). Returns -1
# when a worker is in the sweep, else how many requests were dropped.
DROP_ORPHANED_SCRIPT = """
if redis.call('SCARD', KEYS[4]) > 0 then return -1 end
local n = redis.call('ZCARD', KEYS[1])
if n == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HINCRBY', KEYS[2], ARGV[1], n)
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return n
"""

# GCRA reservation: the caller may send at (returned ms from now); the domain's next slot moves by interval.
RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.floor(tat + interval - now) + 60000)
return tat - now
"""

# Push the domain's next slot to at least now + ARGV[1] ms (the site asked us to wait).
PENALISE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < until_ then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 60000) end
return until_ - now
"""

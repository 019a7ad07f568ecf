"""Distributed sweeps: one shared crawl frontier on Redis (scrapy-redis), any number of crawl machines.

Everything that knows about Redis and scrapy-redis lives in this package and in `runners.distributed` (the
worker loop and the coordinator), so the frontier can be swapped. Here: the keys and Lua scripts (`keys`), the
request serialiser (`serializer`), the reliable queue (`queue`) and scheduler (`scheduler`), the sweep records
in Redis (`sweeps`), and the worker's extension and shared rate limit that Scrapy settings name (`components`).

How a sweep runs with `TRADEWATCH_REDIS_URL` set:

1. The coordinator (`tradewatch sweep`) records one crawl run per platform, writes the sweep's spec (profiles,
   keywords, run ids) to Redis and *seeds* it: the search requests of every keyword go into the sweep's
   request queue, their fingerprints into its dupe filter. It then works on the sweep itself (unless told not
   to) and waits until the sweep is done.
2. `tradewatch worker` processes on any machine join open sweeps. Their Scrapy engines take requests from
   the shared queue (`ReliableScheduler`, a scrapy-redis scheduler) and put the requests their callbacks
   make back into it; the scrapy-redis dupe filter makes sure a page is asked for once across all workers.
3. The queue is reliable. Popping a request moves it, in one Lua script, from the queue to the worker's
   *processing* hash. The request is acknowledged (removed from that hash) only after Scrapy has finished
   with it: its response went through the callback, every item it yielded went through the item pipelines
   (so its listings and leads are stored), and the requests it made are in the queue; or it failed for good.
   A redirect or retry puts its successor in the queue and acknowledges the original in one transaction.
   Each worker keeps a heartbeat key with a TTL (`TRADEWATCH_LEASE_SECONDS`), beaten from a thread of its
   own: a reactor busy for longer than the lease keeps it, a hung one (`HUNG_AFTER_SECONDS`) loses it. Any
   worker (and the coordinator) moves the processing hash of a worker whose heartbeat has expired back to the
   queue, so the requests of a worker killed mid-sweep are taken up by the others. Requeued requests skip the
   dupe filter.
4. The sweep is *done* when its queue is empty and no worker holds a request (read in one MULTI). Idle
   workers keep their spider open (`spider_idle` + `DontCloseSpider`) until then, and close.
5. Politeness is shared: the profile's `download_delay` is enforced per domain across all workers by a GCRA
   reservation in Redis (`SharedRateLimitMiddleware`), on Redis's clock; a 429 or 503 pushes the domain's
   next slot back for every worker. Each worker's own `DOWNLOAD_DELAY` is 0 in distributed sweeps.
6. Each worker adds its stats to the platform's run in Redis (a hash of counters, updated with every
   acknowledgement and at close); when the sweep is done, the coordinator judges the run on the summed
   stats and finishes it in the lead store. One run per platform, whatever the number of workers.
7. A worker joins only an open sweep (`tradewatch:sweeps`), with every beat. One away past its lease (a network
   pause, a stalled machine) whose sweep was finished or dropped meanwhile joins nothing when it is back: it
   stops (finish reason `sweep_gone`) and writes nothing more to the sweep (pushes and stats are refused in the
   same Lua scripts). Whether its sweep is still open or not, a page whose lease it lost is neither fetched,
   parsed nor stored by it (`LeaseGuardMiddleware`, and `LeaseGuardPipeline` just before the store): the
   worker that took the page over is the only one to record it. A lease that ran out while the page's listings
   were already in the store's batch is left to the store: a distributed run records each listing once
   (`TRADEWATCH_STORE_ONCE_PER_RUN`), the batch claiming its listings for the run under a unique key in its own
   transaction (`leads.store.claim_run_listings`), so whichever worker commits second writes nothing.
8. A coordinator names its local workers; one whose process ends before it joined (a crash on its way up) is
   counted as lost at once, and the sweep given up as for lost workers if none takes its place; its runs say
   why (`tradewatch/sweep/worker_failed`).

Requests are stored as JSON (never pickle: whoever can write to the Redis server must not be able to run
code on the workers), with bytes, header maps and Playwright page methods tagged.

Key layout (prefix `tradewatch:sweep:<id>`): `:spec`, `:state` (open|done), `:workers` (set), `:lost` (set),
`:joined` (set: every worker that ever joined), `:seeded`;
per platform `:<platform>:requests` (sorted set), `:<platform>:seq`, `:<platform>:dupefilter` (set),
`:<platform>:processing:<worker>` (hash), `:<platform>:stats` (hash of counters), `:<platform>:texts` (hash of the
stats that are words, e.g. why the browser did not start). `tradewatch:worker:<id>` is a heartbeat,
`tradewatch:rate:<domain>` a domain's next free slot (ms on Redis's clock), `tradewatch:sweeps` the open sweeps.
"""

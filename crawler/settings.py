"""Scrapy settings for tradewatch. Values that vary by deployment come from the environment (core.config)."""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "tradewatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "tradewatch/0.1 (+market supervision monitoring)"
ROBOTSTXT_OBEY = True
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control is off like the telnet console: an HTTP server on localhost that runs Python code sent
# to it (its token in a file under the user's profile), nothing a sweep needs; it also cost each crawl the import
# of aiohttp's server at start-up and the server's stop at shutdown.
REMOTE_CONTROL_ENABLED = False
# Neither is even imported: Scrapy imports every extension it lists before asking it whether it is enabled, and
# every key of EXTENSIONS too, a `None` one included, so only its base list can leave them out (aiohttp and
# Twisted's conch were about a tenth of a second of each crawl's start-up CPU). Scrapy's own list, less these two.
EXTENSIONS_BASE = {
    path: order
    for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
    if path not in ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
}

CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Items of one response processed at once. Scrapy starts this many tasks for every response (default 100);
# a listing page yields one item and a result page a few dozen, so 8 keeps them flowing at a tenth of the cost.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.1
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 8.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# 429 and 503 retries wait out Retry-After (at most this many seconds) and slow the domain down.
TRADEWATCH_RETRY_MAX_WAIT = 30
TRADEWATCH_RETRY_BASE_WAIT = 1.0

DOWNLOADER_MIDDLEWARES = {
    # First of all (before Offsite at 50, robots.txt at 100 and retries): no request, redirect or robots.txt
    # fetch reaches a private, loopback, link-local or metadata address unless configuration allows it.
    "crawler.destination_guard.DestinationGuardMiddleware": 40,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.PoliteRetryMiddleware": 550,
    # Responses pass from the highest number down: the encoding is decided once the body is decompressed (590)
    # and before the meta refresh check (580) reads the text, which otherwise made Scrapy work the encoding out
    # and decode the body on its own first, every page decoded twice.
    "crawler.middlewares.encoding.PageEncodingMiddleware": 585,
    # Scrapy's size, decompression and redirect limits, with every refusal counted (crawler/middlewares/limits.py)
    "crawler.middlewares.limits.DownloadFailureStatsMiddleware": 560,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.limits.CountingHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.limits.CountingRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.limits.CountingMetaRefreshMiddleware": 580,
}

# How the destination guards resolve host names (an import path of `async def (name) -> tuple of addresses`).
# The browser's proxy connects to exactly the address this resolver gave and the guard checked.
TRADEWATCH_DNS_RESOLVER = "crawler.destination_guard.resolve_host"

ITEM_PIPELINES = {
    "pipelines.normalise_item.NormaliseListingPipeline": 100,
    # Listing photos: downloaded through Scrapy's media machinery, then hashed and read (OCR) in a process pool.
    "pipelines.images.download.PhotoDownloadsPipeline": 150,
    "pipelines.images.download.ReadImagesPipeline": 160,
    "pipelines.score.ScoreListingPipeline": 200,
    # The store also keeps each lead's page as evidence, in the lead's own transaction in its writer.
    "pipelines.store.StoreListingPipeline": 300,
}
# The store's writer (leads.writer.STORE_WRITERS): `process` runs it in a process of its own, off the crawl
# process's interpreter; `thread` in a thread of the crawl process.
TRADEWATCH_STORE_WRITER = "process"
# A batch of the store is written when it holds this many items, when no item came for FLUSH_MS milliseconds, or
# at the latest MAX_WAIT_MS after its first item (pipelines/store.py). FLUSH_MS is a quarter of a second: on a busy
# machine items come in bursts with gaps longer than 50 ms, and each gap cost a transaction of a handful of items
# (the writer's cost is mostly per transaction); an item waits at most MAX_WAIT_MS for its commit either way. A
# steady crawl's batches are cut by MAX_WAIT_MS and BATCH: at 200 items and 2 s instead of 100 and 1 s, the writer's
# replay of the demo's sweeps costs 2.3 % (817 pages) and 4.6 % (1,578 pages) fewer instructions.
TRADEWATCH_STORE_BATCH = 200
TRADEWATCH_STORE_FLUSH_MS = 250
TRADEWATCH_STORE_MAX_WAIT_MS = 2000
# The crawl's run records each listing once, whichever of its workers read it (a unique key in the store decides):
# set for the workers of a distributed sweep (runners/distributed/worker.py); one process's crawl reads a listing once.
TRADEWATCH_STORE_ONCE_PER_RUN = False
# A sweep that lost the lead store stops fetching and waits this long for it to come back to record its run as
# failed (after that the failure is only in the sweep's log).
TRADEWATCH_STORE_RECOVERY_SECONDS = 60

# Scrapy's in-memory stats, without the per-read deprecation shim that cost more than the counting (crawl_stats.py).
STATS_CLASS = "crawler.crawl_stats.CrawlStats"

# Scrapy reads a generator callback's source again (tokenising it, then walking its syntax tree) for every response it
# gets, as its cache of the check is keyed by the bound method a request holds, gone with the request: about 100 ms
# of CPU a demo sweep for `parse_results`. The spider's callbacks are checked once, by the tests, instead.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Closest to the spider: a page's cached selector is dropped once its callback is done (crawler/selector_release.py).
SPIDER_MIDDLEWARES = {"crawler.selector_release.SelectorRelease": 990}

EXTENSIONS = {
    "crawler.run_record.RunRecorder": 100,
    "crawler.gc_tuning.GarbageCollectorTuning": 900,
}
# A crawl leaves some 25 objects a page in reference cycles (Deferreds, failures), alive while the page is in flight: at
# 5,000 the young collections caught them alive and the middle generation's collections (0.03 s each) walked them
# again; at 20,000 most were dead when the young generation was collected, but a demo sweep (1,578 pages) still made
# 12-13 young collections and one of the middle generation (0.05-0.08 s, some 43,000 objects that had lived through
# a young one), 0.17-0.21 s of CPU after the spider opened; at 50,000, 2-3 young collections and none of the middle
# one, 0.04-0.06 s, with the same peak memory of the process (crawler/gc_tuning.py).
TRADEWATCH_GC_THRESHOLD = 50000

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Scrapy's lines for every page and item (DEBUG) are formatted only when LOG_LEVEL is DEBUG (crawler/log_formatter.py).
LOG_FORMATTER = "crawler.log_formatter.CrawlLogFormatter"

# Chromium for JS-rendered platforms (scrapy-playwright); the download handlers are switched on per sweep
# only for profiles with `render: js`, so static sweeps never start a browser.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000

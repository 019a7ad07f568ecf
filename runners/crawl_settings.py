"""The Scrapy settings of one platform's crawl, and what a crawl process does before its crawls: start the store
writers, and warn when the model it scores with was trained on other rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.config import get_settings
from crawler.profiles import Profile

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType, ModuleType

    from scrapy.settings import Settings

    from crawler.crawl_process import StoppingCrawlerProcess

# A JS crawl writes the store in its own thread: its crawl thread mostly waits on Chromium, so the writes cost
# it no pages, and a writer process (an interpreter with the store's imports, and multiprocessing's resource
# tracker) would only add memory and start-up beside the browser.
JS_STORE_WRITER = "thread"


def import_http_handler() -> None:
    """Import Scrapy's HTTP download handler now, a few frames from the bottom of the stack, as a crawl process
    starts. Its modules make deprecated aliases, each of which calls `inspect.stack()`: that reads every frame's
    source file and, for each of the import machinery's frames, looks through every loaded module. Where Scrapy
    imports it, as its engine is built (some 40 frames deep, the store and the scorer loaded), that cost 0.2 to
    0.5 CPU s per crawl process; here, a tenth of that. And each alias only wants the module of the frame that
    made it: while they are made, the stack is listed from the frames alone, without reading each frame's
    source file or looking each file's module up among the loaded ones (`inspect.getframeinfo` does both even
    without source lines): about 0.07 CPU s of the `tradewatch sweep` process, where the command line's frames
    and modules are below. The module of the frame is then the one its globals name: `inspect.getmodule` would
    find it by its file, making the absolute and real path of every loaded module's file on its first call
    (some 900 modules, 0.02 to 0.03 CPU s)."""
    import inspect
    import threading

    if "scrapy.core.downloader.handlers.http11" in sys.modules:
        return
    stack, getmodule, importing = inspect.stack, inspect.getmodule, threading.get_ident()

    def frames_alone(context: int = 1) -> list[inspect.FrameInfo]:
        """`inspect.stack` (the caller's frame first); in the importing thread, without source or file look-ups."""
        caller = sys._getframe(1)
        if threading.get_ident() != importing:
            return inspect.getouterframes(caller, context)
        listed: list[inspect.FrameInfo] = []
        frame: FrameType | None = caller
        while frame is not None:
            code = frame.f_code
            listed.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None))
            frame = frame.f_back
        return listed

    def frame_module(object: object, _filename: str | None = None) -> ModuleType | None:  # inspect's names
        """`inspect.getmodule`; in the importing thread, a frame's module by the name in its globals."""
        if threading.get_ident() == importing and inspect.isframe(object):
            module = sys.modules.get(object.f_globals.get("__name__", ""))
            if module is not None:
                return module
        return getmodule(object, _filename)

    inspect.stack, inspect.getmodule = frames_alone, frame_module
    try:
        import scrapy.core.downloader.handlers.http11  # noqa: F401
    finally:
        inspect.stack, inspect.getmodule = stack, getmodule


def crawl_settings(profile: Profile, log_file: Path | None) -> dict[str, object]:
    """Per-platform Scrapy settings layered over crawler/settings.py."""
    settings = get_settings()
    values: dict[str, object] = {
        "ROBOTSTXT_OBEY": profile.politeness.obey_robots,
        "DOWNLOAD_DELAY": profile.politeness.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": profile.politeness.concurrency_per_domain,
        "TRADEWATCH_DATABASE_URL": settings.resolved_database_url,
        "TRADEWATCH_LEAD_THRESHOLD": settings.lead_threshold,
    }
    if profile.render.mode == "js":
        from crawler.browser import MAX_PAGES, playwright_settings

        values.update(playwright_settings(profile.allow_private_hosts))
        # The browser is the bottleneck: never queue more downloads than it has pages.
        values["CONCURRENT_REQUESTS"] = MAX_PAGES
        values["CONCURRENT_REQUESTS_PER_DOMAIN"] = min(profile.politeness.concurrency_per_domain, MAX_PAGES)
        values["TRADEWATCH_STORE_WRITER"] = JS_STORE_WRITER
    if log_file:
        values.update({"LOG_FILE": str(log_file), "LOG_FILE_APPEND": True})
    return values


# Scrapy components that raise NotConfigured or do nothing under the settings they are given, each beside the test
# of those settings. Scrapy would import and instantiate each for every crawl (the feed exporter's modules too).
# DepthMiddleware does nothing a crawl reads when depth is neither limited, prioritised nor counted by level: it
# would only wrap every callback's output and keep `request_depth_max`, a statistic no report of tradewatch shows.
_IDLE_COMPONENTS: dict[str, tuple[str, Callable[[Settings], bool]]] = {
    "scrapy.extensions.feedexport.FeedExporter": (
        "EXTENSIONS",
        lambda settings: not settings["FEEDS"] and not settings["FEED_URI"],
    ),
    "scrapy.extensions.spiderstate.SpiderState": ("EXTENSIONS", lambda settings: not settings["JOBDIR"]),
    "scrapy.extensions.memdebug.MemoryDebugger": (
        "EXTENSIONS",
        lambda settings: not settings.getbool("MEMDEBUG_ENABLED"),
    ),
    "scrapy.extensions.closespider.CloseSpider": (
        "EXTENSIONS",
        lambda settings: (
            not any(
                settings.getfloat(f"CLOSESPIDER_{name}")
                for name in ("TIMEOUT", "ITEMCOUNT", "PAGECOUNT", "ERRORCOUNT", "TIMEOUT_NO_ITEM", "PAGECOUNT_NO_ITEM")
            )
        ),
    ),
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": (
        "DOWNLOADER_MIDDLEWARES",
        lambda settings: not settings.getbool("HTTPCACHE_ENABLED"),
    ),
    "scrapy.spidermiddlewares.depth.DepthMiddleware": (
        "SPIDER_MIDDLEWARES",
        lambda settings: (
            not settings.getint("DEPTH_LIMIT")
            and not settings.getint("DEPTH_PRIORITY")
            and not settings.getbool("DEPTH_STATS_VERBOSE")
        ),
    ),
}


def leave_out_idle_components(settings: Settings) -> None:
    """Disable the Scrapy components (`_IDLE_COMPONENTS`) that these settings leave with nothing to do."""
    for path, (setting, idle) in _IDLE_COMPONENTS.items():
        if idle(settings):
            components = settings.getdict(setting)
            components[path] = None
            settings.set(setting, components)


def platform_settings(base: Settings, profile: Profile, log_file: Path | None) -> Settings:
    """The project's settings with one platform's crawl settings over them, less the Scrapy components they leave
    idle."""
    settings = base.copy()
    settings.setdict(crawl_settings(profile, log_file))
    leave_out_idle_components(settings)
    return settings


def crawler_process(base: Settings, profiles: list[Profile], log_file: Path | None) -> StoppingCrawlerProcess:
    """The process that runs the crawls of `profiles` (its own settings are the first platform's)."""
    from crawler.crawl_process import StoppingCrawlerProcess

    settings = platform_settings(base, profiles[0], log_file)
    # Logging goes through loguru (core.logging_setup), set up before the crawl starts.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    # Each crawl is given its spider class: the process's spider loader, which would import every module of the
    # spiders package (the recheck and rules spiders too) to list their spiders by name, has nothing to find.
    settings.set("SPIDER_MODULES", [])
    return StoppingCrawlerProcess(settings)


def start_store_writers(base: Settings, profiles: list[Profile]) -> None:
    """Start the store writer of each platform crawl now, before Scrapy builds the crawls, where the writer
    backend has something to start (a writer process), so that its start-up overlaps Scrapy's instead of the
    first pages (the caller stops unused ones with `leads.writer.stop_unused_writers`)."""
    from leads.writer import store_writer

    settings = get_settings()
    for profile in profiles:
        name = JS_STORE_WRITER if profile.render.mode == "js" else base["TRADEWATCH_STORE_WRITER"]
        store_writer(name).start_early(settings.resolved_database_url, settings.resolved_home)


def warn_of_model_rules() -> None:
    """One warning line in the crawl process's log when the bureau's model in use was trained on other rules than
    the crawls score with (`pipelines.model.fingerprint.sweep_note`): a sweep's process, and each worker of a
    distributed sweep, which scores with the model of its own machine. Never stops the crawls."""
    from loguru import logger

    try:
        from pipelines.model.fingerprint import sweep_note

        note = sweep_note()
    except Exception as error:  # a broken model or watchlist is reported by the crawl itself
        logger.debug("the model's rules could not be compared: {}", error)
        return
    if note:
        logger.warning(note)

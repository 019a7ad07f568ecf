"""Playwright set-up for JS-rendered platforms: which Chromium, how it is launched, what it may load."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config import get_settings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # Memory (PSS of the browser's tree): pages of a sweep share at most two renderer processes instead of one
    # each (a soft limit; still not --single-process), and the GPU process is folded into the browser's.
    "--renderer-process-limit=2",
    "--in-process-gpu",
]
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media"})
# Blocked images are never requested (Blink's own setting) instead of each being requested, paused, sent to the
# crawl's route and aborted there: about two of every three requests of a demo-js sweep, each a round trip from
# the browser to Python and back. The route still aborts any image that gets through, and fonts and media.
IMAGES_OFF = "--blink-settings=imagesEnabled=false"
MAX_PAGES = 4  # pages open at once in the one browser context; JS sweeps are limited to this many downloads
SERVER_RESPONSE_WAIT = 10.0  # seconds an item page's callback waits for the browser to hand over the raw response
NODE_COMPILE_CACHE = "NODE_COMPILE_CACHE"  # Node.js's own setting: the folder of its on-disk code cache
NODE_OPTIONS = "NODE_OPTIONS"  # Node.js's own setting: its command-line options
# Peak PSS of a JS sweep's tree: the driver 116-121 MB instead of 131-143 (bench_js.py), at no measured speed cost.
DRIVER_NODE_OPTIONS = "--max-semi-space-size=1"


# Host patterns Chromium's own resolver refuses, a second line behind the resolving proxy (crawler/browser_proxy.py),
# which checks every connection, redirect hops and names that DNS resolves to private addresses included.
PRIVATE_HOST_PATTERNS = (
    "localhost",
    "*.localhost",
    "0.*",
    "10.*",
    "127.*",
    "169.254.*",
    "192.0.0.*",
    "192.168.*",
    "198.18.*",
    "198.19.*",
    *(f"172.{octet}.*" for octet in range(16, 32)),
    *(f"100.{octet}.*" for octet in range(64, 128)),
    *(f"{octet}.*" for octet in range(224, 256)),
    "::",
    "::1",
    "::ffff:*",
    "fc*:*",
    "fd*:*",
    "fe8*:*",
    "fe9*:*",
    "fea*:*",
    "feb*:*",
)


def host_resolver_rules(allowed_hosts: Iterable[str] = ()) -> str:
    """Chromium `--host-resolver-rules`: private hosts fail to resolve, except those allowed by configuration."""
    allowed = sorted({host.strip().strip("[]").lower() for host in allowed_hosts if host.strip()})
    rules = [f"EXCLUDE {host}" for host in allowed]
    rules += [f"MAP {pattern} ~NOTFOUND" for pattern in PRIVATE_HOST_PATTERNS]
    return ", ".join(rules)


@dataclass(frozen=True)
class ServerResponse:
    """A rendered page's own HTTP response as the browser received it, before any script ran."""

    status: int
    headers: dict[str, list[str]]  # names as sent, every value of repeated headers
    body: bytes  # after transfer and content decoding, as the browser holds it


async def read_server_response(response: Any) -> ServerResponse:
    """Read a Playwright navigation response: its status, headers as received, and body."""
    headers: dict[str, list[str]] = {}
    for header in await response.headers_array():
        headers.setdefault(header["name"], []).append(header["value"])
    return ServerResponse(status=response.status, headers=headers, body=await response.body())


@contextmanager
def driver_environment() -> Iterator[None]:
    """While Playwright's driver (Node.js) starts, its environment (a copy of this process's) names:

    - a code cache: Node keeps the compiled code of the driver's scripts under tradewatch's cache folder
      (`node/`) and reads it back at the next sweep's start instead of compiling them again, about a quarter of
      the driver's start-up CPU. Node checks each entry against its script and its own version. Not where the
      cache is off or cannot be made;
    - DRIVER_NODE_OPTIONS: a young generation of 1 MB semi-spaces instead of up to 16 MB. The driver passes
      every page's messages and each screenshot's base64 through it, and its heap grew to keep them.

    A variable the operator has set already is left as it is."""
    names: dict[str, str] = {}
    cache = get_settings().resolved_cache_dir
    folder = cache / "node" if cache is not None and NODE_COMPILE_CACHE not in os.environ else None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            names[NODE_COMPILE_CACHE] = str(folder)
        except OSError:
            pass
    if NODE_OPTIONS not in os.environ:
        names[NODE_OPTIONS] = DRIVER_NODE_OPTIONS
    os.environ.update(names)
    try:
        yield
    finally:
        for name in names:
            os.environ.pop(name, None)


def chromium_executable() -> str | None:
    """The configured Chromium, else Debian's, else None (Playwright's own download, where it has one)."""
    configured = get_settings().chromium_path
    if configured:
        return configured
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def playwright_settings(allowed_hosts: Iterable[str] = ()) -> dict[str, Any]:
    """Scrapy settings that route `meta["playwright"]` requests through Chromium.

    Every request the browser makes is checked against the destination policy (a new `BrowserRequestGuard`
    per call, bound to its crawl by the destination guard middleware), every connection it opens goes through
    the crawl's resolving proxy (`GuardedPlaywrightDownloadHandler`), Chromium itself refuses to resolve
    private hosts other than `allowed_hosts` and the configured ones, and downloads are refused.
    """
    from crawler.destination_guard import BrowserRequestGuard

    allowed = [*get_settings().allowed_hosts, *allowed_hosts]
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules={host_resolver_rules(allowed)}"]
    if "image" in BLOCKED_RESOURCE_TYPES:
        args.append(IMAGES_OFF)
    launch: dict[str, Any] = {"headless": True, "args": args}
    executable = chromium_executable()
    if executable:
        launch["executable_path"] = executable
    handler = "crawler.browser_proxy.GuardedPlaywrightDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_ABORT_REQUEST": BrowserRequestGuard(BLOCKED_RESOURCE_TYPES),
        "PLAYWRIGHT_BROWSER_PROVIDER": "crawler.browser_driver.EarlyDriverProvider",
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": MAX_PAGES,
        "PLAYWRIGHT_CONTEXTS": {
            "tradewatch": {"java_script_enabled": True, "service_workers": "block", "accept_downloads": False}
        },
    }

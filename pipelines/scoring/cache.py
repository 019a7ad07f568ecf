"""On-disk cache of tables that are slow to build and only change with the watchlists or library versions:
the character classes of the normaliser, pinyin spellings of watchlist terms, the compiled Hyperscan
database.

Every entry is named by a hash of everything it was built from, so a stale entry is never read; a missing,
unreadable or unwritable cache only means the table is built in-process. The directory is
``$TRADEWATCH_CACHE_DIR`` if set (``off`` disables the cache), else ``$XDG_CACHE_HOME/tradewatch`` or
``~/.cache/tradewatch``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from core.config import get_settings


def cache_dir() -> Path | None:
    settings = get_settings()
    configured = settings.cache_dir
    if configured is not None:
        if configured.strip().lower() in ("off", "0", "none"):
            return None
        return Path(configured) / "scoring"
    return settings.user_cache_home / "tradewatch" / "scoring"


def key(*parts: object) -> str:
    """A stable name for an entry built from ``parts`` (strings, bytes or anything with a stable repr)."""
    digest = hashlib.sha256()
    digest.update(repr(sys.version_info[:2]).encode())
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


@cache
def package_version(name: str) -> str:
    """The installed version of distribution `name` ("unknown" when it is not installed), read from the Version
    field among the headers of its metadata. `importlib.metadata.version` parses the whole file with the email
    package, long description included: about 0.6 ms a library, and a process that loads a cached scorer names
    ten of them in the entry's key."""
    from importlib import metadata

    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return "unknown"
    text = distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or ""
    for line in text.split("\n\n", 1)[0].splitlines():  # the headers end at the first blank line
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return distribution.version


def read_bytes(name: str) -> bytes | None:
    directory = cache_dir()
    if directory is None:
        return None
    try:
        return (directory / name).read_bytes()
    except OSError:
        return None


def write_bytes(name: str, data: bytes) -> None:
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def read_json(name: str) -> Any:
    data = read_bytes(name)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def write_json(name: str, value: Any) -> None:
    write_bytes(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

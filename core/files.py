"""Files made durable: a small file replaced so that readers see the old content or the new, never half of it,
and many new files synced together."""

from __future__ import annotations

import ctypes
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it, and rename it over ``path``."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path`` (fsynced with ``sync``) and rename it over ``path``:
    ``path`` exists only once it holds all of ``data``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_together(paths: Iterable[str | Path], *, anchor: Path) -> None:
    """Make the files and directories at `paths` durable, all on the file system that `anchor` is on.

    On Linux one syncfs(2) of that file system: one journal commit for all of them, where an fsync of each
    commits once per file (the store writer makes a batch's evidence durable this way, five to seven files per
    lead). Elsewhere, or where the C library has no syncfs, an fsync of each."""
    syncfs = _syncfs()
    if syncfs is not None:
        descriptor = os.open(anchor, os.O_RDONLY)
        try:
            if syncfs(descriptor) != 0:
                number = ctypes.get_errno()
                raise OSError(number, os.strerror(number), str(anchor))
        finally:
            os.close(descriptor)
        return
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@cache
def _syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None

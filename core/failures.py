"""Which kind of infrastructure failure an exception is: the lead store, Redis, the disk, or configuration.

Every entry point (the CLI, the sweep's child process, the scheduler) passes what it could not handle through
`infrastructure_error` and, when it is one of these kinds, shows that one line and exits with the kind's code;
the traceback goes to the log only. Drivers are recognised by their exception classes' modules, so this base
layer needs neither SQLAlchemy nor redis to be importable.
"""

from __future__ import annotations

import errno
import re

from core.errors import (
    DiskError,
    FrontierUnavailable,
    InfrastructureError,
    StoreCorrupt,
    StoreUnavailable,
    TradewatchError,
    error_text,
    first_line,
)
from core.safe_text import mask_url

# SQLite and PostgreSQL messages that mean the file or database is not a readable tradewatch store.
_CORRUPT = ("file is not a database", "database disk image is malformed", "unsupported file format")
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _driver_line(error: BaseException) -> str:
    """The driver's own first line that says something, without SQLAlchemy's `(module.Class)` prefix and
    background link or the server's `FATAL:` (a bare one says nothing: the next line does, or the class)."""
    original = getattr(error, "orig", None)
    source = original if isinstance(original, BaseException) else error
    lines = (
        re.sub(r"^\([\w.]+\)\s*", "", line.strip()).removeprefix("FATAL:") for line in error_text(source).splitlines()
    )
    return first_line("\n".join(lines)).rstrip(".") or type(source).__name__


def _module(error: BaseException) -> str:
    return type(error).__module__ or ""


def store_location() -> str:
    from core.config import get_settings

    try:
        url = get_settings().resolved_database_url
    except TradewatchError:
        return "TRADEWATCH_DATABASE_URL"
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return mask_url(url)


def _redis_where() -> str:
    from core.config import get_settings

    try:
        return mask_url(get_settings().redis_url or "TRADEWATCH_REDIS_URL")
    except TradewatchError:
        return "TRADEWATCH_REDIS_URL"


def is_store_unavailable(error: BaseException) -> bool:
    """The store's connection failed or was lost (not a constraint, lock or SQL error of one statement)."""
    for link in _chain(error):
        if _module(link).startswith("sqlalchemy") and type(link).__name__ in ("OperationalError", "InterfaceError"):
            text = str(link).lower()
            if "locked" in text or "busy" in text or "deadlock" in text or "serialize" in text:
                return False
            return not any(marker in text for marker in _CORRUPT)
        if type(link).__name__ in ("OperationalError", "InterfaceError") and _module(link).startswith("psycopg"):
            return True
    return False


def infrastructure_error(error: BaseException) -> InfrastructureError | None:
    """The infrastructure failure `error` stands for, as a one-line user error; None for anything else."""
    for link in _chain(error):
        if isinstance(link, InfrastructureError):
            return link
    if is_store_unavailable(error):
        return StoreUnavailable(where=store_location(), reason=_driver_line(_store_link(error)))
    for link in _chain(error):
        module, name = _module(link), type(link).__name__
        corrupt = name == "DatabaseError" or any(marker in str(link).lower() for marker in _CORRUPT)
        if module.startswith("sqlalchemy") and name in ("DatabaseError", "OperationalError") and corrupt:
            return StoreCorrupt(where=store_location(), reason=_driver_line(link))
        if module.startswith("redis") and name in ("ConnectionError", "TimeoutError", "BusyLoadingError"):
            return FrontierUnavailable(where=_redis_where(), reason=_driver_line(link))
        if isinstance(link, OSError) and link.errno in _DISK_FULL:
            where = link.filename if link.filename is not None else "the data folder"
            return DiskError(where=where, reason=link.strerror or str(link))
    return None


def _store_link(error: BaseException) -> BaseException:
    for link in _chain(error):
        if _module(link).startswith("sqlalchemy"):
            return link
    return error

"""Only one scheduler drives a store: a file lock beside a SQLite database, or a PostgreSQL advisory lock held on
its own connection. A second scheduler refuses with a clear message naming the holder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import TradewatchError
from leads.db import get_engine


class SchedulerBusy(TradewatchError):
    """Another scheduler already drives this store."""

    exit_code = 6


@dataclass
class SchedulerLock:
    """Held while a scheduler drives the store; `acquire` refuses when another process holds it."""

    url: str
    _file: Any = None
    _connection: Any = None
    path: Path | None = None

    PG_KEY = 0x7477_7363  # "twsc"

    def acquire(self) -> SchedulerLock:
        if self.url.startswith("sqlite"):
            self._acquire_file()
        elif self.url.startswith("postgresql"):
            self._acquire_pg()
        else:
            raise TradewatchError(f"unsupported database for the scheduler lock: {self.url.split(':', 1)[0]}")
        return self

    def _acquire_file(self) -> None:
        import fcntl

        from sqlalchemy import make_url

        database = make_url(self.url).database or ""
        if not database or database == ":memory:":
            raise TradewatchError("the scheduler needs a database file, not an in-memory SQLite")
        self.path = Path(database).with_name(Path(database).name + ".scheduler.lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held open while the lock is held)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise SchedulerBusy(
                f"另一个调度器已在运行该数据库 / another scheduler is already running against this store "
                f"({holder}; lock file {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        self._file = handle

    def _acquire_pg(self) -> None:
        from sqlalchemy import text

        connection = get_engine(self.url).connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.PG_KEY}).scalar()
        connection.commit()
        if not got:
            holder = connection.execute(
                text(
                    "SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a "
                    "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted LIMIT 1"
                ),
                {"key": self.PG_KEY},
            ).first()
            connection.close()
            who = f"server pid {holder[0]}, connected {holder[2]:%Y-%m-%d %H:%M}" if holder else "unknown session"
            raise SchedulerBusy(
                f"另一个调度器已在运行该数据库 / another scheduler is already running against this store ({who})"
            )
        self._connection = connection

    def release(self) -> None:
        if self._file is not None:
            import fcntl

            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            from sqlalchemy import text

            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.PG_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> SchedulerLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()

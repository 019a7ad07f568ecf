"""Engine and session factories. Nothing is connected at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from leads import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from leads.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_engines: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    if url in _engines:
        return _engines[url]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _engines[url] = engine
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url`, or for the configured store; creates the home folder and schema on first use."""
    if url is None:
        url = get_settings().resolved_database_url
    sqlite_path = make_url(url).database if url.startswith("sqlite") else None
    if sqlite_path and sqlite_path != ":memory:":
        Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    engine = _engine_for(url)
    ensure_schema(engine)
    return engine


_ready: set[str] = set()


def ensure_schema(engine: Engine) -> None:
    """Create the schema once per engine and process."""
    key = str(engine.url)
    if key in _ready:
        return
    SQLModel.metadata.create_all(engine)
    _ready.add(key)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests drop their databases afterwards)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _ready.clear()

"""Engine and session factories, schema migration on first use, and short write transactions with retry.

Nothing is connected at import time. On SQLite every transaction starts with `BEGIN IMMEDIATE`, so writers
from several crawl processes queue on the busy timeout instead of failing with "database is locked" when a
read transaction tries to become a write transaction.
"""

from __future__ import annotations

import logging
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine, event, inspect, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.config import get_settings
from core.errors import first_line

if TYPE_CHECKING:
    from sqlmodel import Session

# No model is imported here: what uses the ORM imports its models (the migrations and their tests import them
# all), and `leads list` reads its page through SQLAlchemy Core (`leads.lead_view`) without the ORM.

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_STATEMENT_BUSY_MS = 50
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
_PG_MIGRATION_LOCK = 0x7477_6462  # "twdb": advisory lock key held while migrating

T = TypeVar("T")


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver must not begin transactions itself; see _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _wait_for_lock(lambda: cursor.execute("PRAGMA journal_mode=WAL"))
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL, not WAL's usual NORMAL: a committed transaction (a lead acknowledged to the crawl, an officer's
    # decision and its audit event) must survive a power cut too, as the evidence files it names already do.
    cursor.execute("PRAGMA synchronous=FULL")
    # Waiting for the write lock happens in _sqlite_begin, which polls far more often than SQLite's own
    # busy handler (it sleeps up to 100 ms at a time, which wastes most of the time when writers queue).
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_STATEMENT_BUSY_MS}")
    cursor.close()


def _wait_for_lock(statement: Callable[[], object]) -> None:
    """Run `statement`, again and again while the database is locked, up to the busy timeout.

    For what SQLite's busy handler does not wait for: `BEGIN IMMEDIATE` (see `_sqlite_begin`), and turning a
    new store into WAL mode, which fails at once with "database is locked" when another process is turning it
    at the same moment (both read the header, then both want to write it); processes that start together on
    a new home race exactly so.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            statement()
            return
        except (sqlite3.OperationalError, OperationalError) as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise
        time.sleep(random.uniform(0.0005, 0.002))


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock at the start of every transaction, waiting up to the busy timeout for it."""
    _wait_for_lock(lambda: connection.exec_driver_sql("BEGIN IMMEDIATE"))


_engines: dict[str, Engine] = {}
_ready: set[str] = set()
_lock = threading.Lock()


def _engine_for(url: str) -> Engine:
    engine = _engines.get(url)
    if engine is not None:
        return engine
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _engines[url] = engine
    return engine


_inherited: list[Engine] = []


def close_pooled_connections() -> None:
    """Close the connections every engine keeps in its pool (they reopen when next needed): before a fork, so
    that the child inherits no open database connection (SQLite's must never cross a fork)."""
    for engine in _engines.values():
        engine.dispose()


def forget_inherited_engines() -> None:
    """In a forked process: set the parent's engines aside, never to be used or closed here (closing an SQLite
    connection inherited across a fork can drop the locks of this process's own), so that it opens its own."""
    _inherited.extend(_engines.values())
    _engines.clear()


def get_engine(url: str | None = None, *, migrate: bool = True) -> Engine:
    """The engine for `url`, or for the configured store; on first use the schema is migrated to the head."""
    if url is None:
        url = get_settings().resolved_database_url
    if url.startswith("sqlite"):
        sqlite_path = make_url(url).database
        if sqlite_path and sqlite_path != ":memory:":
            Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        engine = _engine_for(url)
    if migrate and url not in _ready:
        ensure_schema(engine)
        _ready.add(url)
    return engine


# ------------------------------------------------------------------------------------------- migrations


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


# `revision: str = "0011"` and `down_revision: str | None = "0010"` lines of a migration file
_REVISION_LINE = re.compile(r'^(revision|down_revision)\b[^=\n]*=\s*(?:"([^"]*)"|None)\s*$', re.M)


@cache
def head_revision() -> str:
    """The newest migration: the one no other revises.

    Read from the files' revision lines, because every command checks the store against it on start-up and
    importing Alembic with every migration costs more than the rest of a quick `leads list`; should the
    files ever have other than one head, Alembic itself decides (and says what is wrong).
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        fields = {match.group(1): match.group(2) for match in _REVISION_LINE.finditer(path.read_text("utf-8"))}
        if fields.get("revision"):
            revisions.add(fields["revision"])
        if fields.get("down_revision"):
            revised.add(fields["down_revision"])
    heads = revisions - revised
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The store's revision (None before the first migration), read without importing Alembic."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def ensure_schema(engine: Engine) -> None:
    """Migrate to the head unless the database is there already (one cheap query in the common case)."""
    if current_revision(engine) == head_revision():
        return
    upgrade(engine)


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Run the migrations up to `revision` under a lock; returns (revision before, revision after).

    Safe when several processes start at once: SQLite serialises them on `BEGIN IMMEDIATE`, PostgreSQL on an
    advisory lock. A store made before migrations existed (tables but no version) is stamped first.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        if before is None and inspect(connection).has_table("listing"):
            log.info("stamping a store made before migrations as %s", FIRST_REVISION)
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, revision)
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after


SQLITE_ANALYSIS_ROWS = 1000


def refresh_planner_statistics(engine: Engine) -> None:
    """Let SQLite's query planner know how the leads are spread (sqlite_stat1), as PostgreSQL's autovacuum does
    by itself: without it SQLite takes `status = 'queued'` for as narrow as `seller = '…'` and walks half the
    queue for one seller's leads. Sampling a fixed number of rows per index keeps it well under a second at a
    million leads; run after each sweep."""
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()  # outside the BEGIN IMMEDIATE every SQLAlchemy transaction starts
    try:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_ROWS}")
        _wait_for_lock(lambda: cursor.execute("ANALYZE"))
        cursor.close()
    except sqlite3.OperationalError as error:  # the store is as good as before: the next sweep tries again
        log.warning("planner statistics not refreshed: %s", error)
    finally:
        connection.close()


# ------------------------------------------------------------------------------------------------ sessions


_RETRYABLE = ("database is locked", "database is busy", "deadlock detected", "could not serialize access")


def is_retryable(error: BaseException) -> bool:
    """A lock, busy, deadlock or serialisation failure, or a unique-key race: worth running the write again."""
    if isinstance(error, IntegrityError):
        return True
    if isinstance(error, OperationalError | DBAPIError):
        text = str(error).lower()
        return any(marker in text for marker in _RETRYABLE)
    return False


def run_write(
    work: Callable[[Session], T], *, url: str | None = None, engine: Engine | None = None, attempts: int = 8
) -> T:
    """Run `work(session)` in one short transaction and commit; retry it on lock and unique-key races."""
    from sqlmodel import Session

    engine = engine or get_engine(url)
    for attempt in range(1, attempts + 1):
        try:
            with Session(engine, expire_on_commit=False) as session:
                result = work(session)
                session.commit()
                return result
        except (OperationalError, IntegrityError, DBAPIError) as error:
            if attempt == attempts or not is_retryable(error):
                raise
            delay = min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.0)
            log.warning("write failed (%s), retrying in %.2fs", first_line(error), delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests drop their databases afterwards)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _ready.clear()

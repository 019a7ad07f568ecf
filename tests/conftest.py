"""Shared fixtures: a temporary tradewatch home, the real PostgreSQL and Redis, the demo marketplace, the scorer."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from typer.testing import Result

    from pipelines.scoring import Scorer

pytest_plugins = ["tests.demo_market_fixture"] if (Path(__file__).parent / "demo_market_fixture.py").exists() else []

REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"
SHARED_DATA = REALPAGES.parent / "data"
POSTGRES_ADMIN_URL = os.environ.get("TRADEWATCH_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TRADEWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _service_missing(what: str, how: str) -> None:
    """In CI a missing service is a failure, never a skip; on a user's machine it is a skip with the fix."""
    message = f"{what} is not reachable; {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _use_fresh_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Point the process and its children at ``home``, with its own SQLite store and no Redis."""
    monkeypatch.setenv("TRADEWATCH_HOME", str(home))
    monkeypatch.delenv("TRADEWATCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("TRADEWATCH_REDIS_URL", raising=False)
    return home


@pytest.fixture
def tw_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh TRADEWATCH_HOME with its own SQLite store, for the whole process and its children."""
    return _use_fresh_home(monkeypatch, tmp_path / "home")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database on the machine's server, dropped afterwards."""
    try:
        import psycopg

        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # any connection failure means the server is not there
        _service_missing(
            f"PostgreSQL ({POSTGRES_ADMIN_URL}: {error})",
            "start it with: pg_ctlcluster $(ls /etc/postgresql) main start",
        )
    name = f"tw_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        from leads.db import dispose_engines

        dispose_engines()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tw_home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once on the SQLite default and once on PostgreSQL; the env points at the chosen store."""
    if request.param == "sqlite":
        url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", url)
    return url


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The machine's Redis, shared with other test runs: a test that leaves a sweep open there fails (and the
    sweep is dropped, so the next test starts clean)."""
    host, port = "127.0.0.1", 6379
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as error:
        _service_missing(
            f"Redis ({host}:{port}: {error})",
            "start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''",
        )
    from crawler.distributed.keys import connect
    from crawler.distributed.sweeps import open_sweeps
    from tests.redis_support import forget_sweep, sweeps_left_open

    server = connect(REDIS_URL)
    before = set(open_sweeps(server))
    yield REDIS_URL
    left = sweeps_left_open(server, before)
    for sweep_id in left:
        forget_sweep(server, sweep_id)
    if left:
        pytest.fail(f"the test left sweep(s) open in Redis: {', '.join(left)}", pytrace=False)


def _shared_folder(path: Path, what: str) -> Path:
    """A folder of third-party material beside the project: a skip where it is absent, a failure under CI=true."""
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing", pytrace=False)
        pytest.skip(f"{what} not present at {path}")
    return path


@pytest.fixture
def realpages() -> Path:
    """The saved real marketplace pages beside the project (third-party material, never copied in)."""
    return _shared_folder(REALPAGES, "saved real pages")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data beside the project (the national list, the firearms lexicon) that build scripts read."""
    return _shared_folder(SHARED_DATA, "the reference data")


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    """The shipped watchlists at the lead threshold the scoring tests are written for (a module may define its own)."""
    from pipelines.scoring import Scorer

    return Scorer.load(threshold=60)


@pytest.fixture(scope="session")
def shipped_eval(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """`tradewatch eval ARGS` of the shipped set on a fresh home (the seed model in use), in English: run once a
    session per arguments, as each run scores every labelled listing and several test files read the same output."""
    from typer.testing import CliRunner

    from cli.app import app

    home = tmp_path_factory.mktemp("eval") / "home"
    runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
    runs: dict[tuple[str, ...], Result] = {}

    def run(*args: str) -> Result:
        if args not in runs:
            with pytest.MonkeyPatch.context() as patch:
                _use_fresh_home(patch, home)
                runs[args] = runner.invoke(app, ["eval", *args])
        return runs[args]

    return run

"""Configuration and infrastructure failures, as an officer meets them at the command line: one line on standard
error saying what failed, where and what to do, an exit code per kind, and the traceback in a log file only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from core.errors import ConfigurationError, FrontierUnavailable, StoreCorrupt, StoreUnavailable, first_line
from tests.conftest import POSTGRES_ADMIN_URL

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
LOG = re.compile(r"\(details in (?P<path>\S+\.log)\)$")


def assert_one_line(result: Result, code: int, *expected: str) -> Path:
    """The failure is one line on stderr with `expected` in it, exit `code`, no traceback but in the log."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert "sqlalche.me" not in result.stderr  # SQLAlchemy's "background on this error" link is not an answer
    for text in expected:
        assert text in lines[0], lines[0]
    match = LOG.search(lines[0])
    assert match, lines[0]
    log = Path(match["path"])
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    return log


def test_postgresql_not_listening(tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", "postgresql+psycopg://tradewatch:s3cret@127.0.0.1:1/leads")
    result = runner.invoke(app, ["leads", "list"])
    log = assert_one_line(
        result, StoreUnavailable.exit_code, "lead store unavailable", "tradewatch:***@127.0.0.1:1/leads", "refused"
    )
    assert "s3cret" not in result.output + result.stderr
    assert log.parent == tw_home / "logs"


def test_postgresql_database_that_does_not_exist(postgres_url: str, tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    missing = postgres_url.rsplit("/", 1)[0] + "/tw_no_such_database"
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", missing)
    result = runner.invoke(app, ["stats"])
    assert_one_line(result, StoreUnavailable.exit_code, "tw_no_such_database", "does not exist")
    assert POSTGRES_ADMIN_URL  # the server itself is up: only the database is missing


def test_a_corrupt_sqlite_store(tw_home: Path):
    tw_home.mkdir(parents=True)
    (tw_home / "tradewatch.db").write_bytes(b"\x13\x37 not sqlite at all " * 400)
    result = runner.invoke(app, ["leads", "list"])
    assert_one_line(result, StoreCorrupt.exit_code, str(tw_home / "tradewatch.db"), "not a database", "backup")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TRADEWATCH_DATABASE_URL", "garbage", "'garbage' is not a database URL"),
        ("TRADEWATCH_DATABASE_URL", "mysql://tw:s3cret@db.example/leads", "mysql is not supported"),
        ("TRADEWATCH_LEAD_THRESHOLD", "abc", "valid integer"),
        ("TRADEWATCH_LEAD_THRESHOLD", "101", "less than or equal to 100"),
        ("TRADEWATCH_REDIS_URL", "http://10.0.0.5:6379", "is not a Redis URL"),
    ],
)
def test_a_bad_setting_is_refused_at_start_up(
    tw_home: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
):
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["leads", "list"])
    assert_one_line(result, ConfigurationError.exit_code, f"invalid setting {variable}", expected)
    assert "s3cret" not in result.stderr
    assert not (tw_home / "tradewatch.db").exists()  # refused before anything was opened


def test_a_home_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TRADEWATCH_HOME", str(home))
    monkeypatch.delenv("TRADEWATCH_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["stats"])
    log = assert_one_line(result, ConfigurationError.exit_code, "TRADEWATCH_HOME", f"{home} is a file, not a folder")
    assert not log.is_relative_to(home)


def test_redis_gone_when_a_sweep_starts(tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRADEWATCH_REDIS_URL", "redis://:s3cret@127.0.0.1:1/0")
    result = runner.invoke(app, ["sweep", "--platform", "demo", "--keywords", "象牙", "--workers", "0"])
    assert_one_line(result, FrontierUnavailable.exit_code, "Redis unavailable at redis://:***@127.0.0.1:1/0")
    assert "s3cret" not in result.stderr


def test_the_failure_is_told_in_chinese_too(tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRADEWATCH_DATABASE_URL", "postgresql+psycopg://tradewatch@127.0.0.1:1/leads")
    result = runner.invoke(app, ["--lang", "zh", "leads", "list"])
    assert result.exit_code == StoreUnavailable.exit_code
    assert "线索库无法访问" in result.stderr and "Traceback" not in result.stderr


def test_help_works_whatever_the_settings(tw_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRADEWATCH_LEAD_THRESHOLD", "abc")
    assert runner.invoke(app, ["leads", "list", "--help"]).exit_code == 0


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (RuntimeError("抓取进程失败 / sweep process failed (exit -9): Killed\n  (the child's log)"),
         "抓取进程失败 / sweep process failed (exit -9): Killed"),
        (RuntimeError("\n  BrowserType.launch: Executable doesn't exist at /opt/chromium/chrome\n╔══ call log"),
         "BrowserType.launch: Executable doesn't exist at /opt/chromium/chrome"),
        (TimeoutError(), "TimeoutError"),
        (ValueError("  \n "), "ValueError"),
        ("\r\n数据库被锁定 database is locked\n", "数据库被锁定 database is locked"),
        ("", ""),
    ],
)  # fmt: skip
def test_the_first_line_of_an_error_is_the_first_that_says_something(error: BaseException | str, line: str):
    """What a run's record, a job's record or a stat keeps of an error: never an empty line when the message
    starts with one, never an IndexError for an empty message."""
    assert first_line(error) == line


def driver_error(message: str) -> Exception:
    """An error of the PostgreSQL driver whose message is `message`."""
    return type("OperationalError", (Exception,), {"__module__": "psycopg"})(message)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ('FATAL:  database "leads" does not exist', 'database "leads" does not exist'),
        ("FATAL:\n  the database system is shutting down.", "the database system is shutting down"),
        ("FATAL:", "OperationalError"),
        ("\n", "OperationalError"),
    ],
)
def test_the_store_unavailable_says_the_drivers_line_that_says_something(message: str, reason: str):
    """A bare `FATAL:` from the server says nothing: the reason is the line after it, or the error's class,
    never an empty reason (`lead store unavailable at ...: . Check that...`)."""
    from core.failures import infrastructure_error

    known = infrastructure_error(driver_error(message))
    assert isinstance(known, StoreUnavailable) and known.params["reason"] == reason


class Unspeakable(RuntimeError):
    """An error of a library whose message cannot be built (its __str__ raises)."""

    def __str__(self) -> str:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (Unspeakable("抓取失败"), "Unspeakable"),
        (OSError("子进程输出：\n象牙制品 已下架".encode()), "子进程输出："),
        (RuntimeError(b"\xe7\x8a\x80\xe8\xa7\x92 \xff"), "犀角 \ufffd"),
    ],
)  # fmt: skip
def test_the_first_line_of_an_error_that_cannot_be_told_or_came_as_bytes(error: BaseException, line: str):
    """Called while another error is handled (a job's record, a run's stat): an error whose message cannot be
    built is named by its class instead of raising in its handler, and a message in bytes is read as UTF-8
    text, not recorded as its repr (b'\\xe8...')."""
    assert first_line(error) == line

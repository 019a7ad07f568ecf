"""The command line imports a command's module only when that command is used, and its help stays the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from cli import i18n
from cli.app import COMMANDS, TradewatchGroup, app, load_command

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "scrapy", "twisted", "apscheduler", "sklearn", "alembic")


def _modules_after(args: list[str], home: Path) -> tuple[int, str, list[str]]:
    """Run the command in a fresh interpreter; its exit code, output and the heavy modules it imported."""
    script = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from cli.app import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(json.dumps([result.exit_code, result.output, heavy]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(home), "TRADEWATCH_LANG": "en"}
    env.pop("TRADEWATCH_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    code, output, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    return code, output, heavy


def test_root_help_lists_every_command_without_importing_heavy_libraries(tmp_path: Path) -> None:
    code, output, heavy = _modules_after(["--help"], tmp_path)
    assert code == 0
    assert heavy == []
    for name in COMMANDS:
        assert f" {name} " in output


def test_leads_list_on_an_empty_store_needs_no_crawler_scheduler_or_model(tmp_path: Path) -> None:
    code, output, heavy = _modules_after(["leads", "list"], tmp_path)
    assert code == 0, output
    assert "No leads match" in output
    assert not {"scrapy", "twisted", "apscheduler", "sklearn"} & set(heavy)


def test_the_root_group_lists_exactly_the_registered_commands() -> None:
    root = get_command(app)
    root.load_all()
    assert list(root.commands) == list(COMMANDS)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_the_first_paragraph_of_the_commands_help(name: str, lang: str) -> None:
    i18n.set_language(lang)
    try:
        command = load_command(name)
        full = i18n._(i18n.help_msgid(command.short_help or command.help) or "")
        assert i18n._(COMMANDS[name][1]) == full.split("\n\n")[0]
    finally:
        i18n.set_language(None)


def test_root_help_reads_the_same_whether_commands_are_loaded_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        lazy = CliRunner().invoke(app, ["--lang", "zh", "--help"], terminal_width=120)
        # Without the summaries standing in, drawing the help loads every command and reads its own help.
        monkeypatch.setattr(TradewatchGroup, "format_help", TyperGroup.format_help)
        loaded = CliRunner().invoke(app, ["--lang", "zh", "--help"], terminal_width=120)
    finally:
        i18n.set_language(None)
    assert lazy.exit_code == loaded.exit_code == 0
    assert "在一个或多个平台上搜索关键词" in lazy.output
    assert lazy.output == loaded.output

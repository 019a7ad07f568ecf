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
# Libraries a quick command must not load: the crawler's, the scheduler's, the model's, the migrations', the
# notice documents', the catalogue compiler, Typer's drawing of help (Markdown, Pygments, Rich's tracebacks),
# the settings' validation and the store's.
CRAWL = {"scrapy", "twisted", "playwright", "scrapy_playwright", "hyperscan", "apscheduler", "onnxruntime"}
MODEL = {"sklearn", "numpy", "numba"}
STORE = {"sqlalchemy", "sqlmodel", "psycopg"}
HEAVY = (
    *sorted(CRAWL | MODEL | STORE),
    *("alembic", "docxtpl", "docx", "loguru", "openpyxl", "yaml", "babel", "markdown_it", "pygments"),
    *("pydantic", "pydantic_settings"),
)
# The ORM and the store's models, by module: `leads list` reads its page through SQLAlchemy Core.
ORM = ("sqlalchemy.orm", "leads.models", "leads.lead_query")


def _modules_after(args: list[str], home: Path) -> tuple[int, str, list[str]]:
    """Run the command in a fresh interpreter; its exit code, output and the heavy modules it imported."""
    script = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from cli.app import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}) | set(sys.modules) & set({ORM!r}))\n"
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


def test_leads_list_loads_the_store_and_nothing_of_the_crawl_the_migrations_or_the_help(tmp_path: Path) -> None:
    _modules_after(["leads", "list"], tmp_path)  # a new store is migrated (Alembic) once
    code, output, heavy = _modules_after(["leads", "list"], tmp_path)
    assert code == 0, output
    assert "No leads match" in output
    assert set(heavy) == {"sqlalchemy", "pydantic"}  # Core, neither the ORM nor the models


def test_a_page_of_leads_with_notices_loads_no_more(tw_home: Path) -> None:
    """Leads on the page bring their marks (a notice's state) and due dates, not the machinery behind them."""
    from tests.officer_desk_data import add_lead, send_notice

    send_notice(add_lead("880001", "老象牙手镯 包老保真"), "王芳")
    add_lead("880002", "穿山甲鳞片 中药材", category="wildlife.pangolin", matched="穿山甲")
    code, output, heavy = _modules_after(["leads", "list"], tw_home)
    assert code == 0, output
    assert "穿山甲鳞片" in output
    assert set(heavy) == {"sqlalchemy", "pydantic"}


def test_stats_describes_the_model_without_loading_the_scoring_tables(tmp_path: Path) -> None:
    """`stats` names the model in use; loading the scorer's tables (YAML, the watchlist) is for scoring."""
    _modules_after(["stats"], tmp_path)  # a new store is migrated (Alembic) once
    code, output, heavy = _modules_after(["stats"], tmp_path)
    assert code == 0, output
    assert "Workload per officer" in output
    assert not set(heavy) & {"yaml", "alembic", *CRAWL}, heavy


def test_typers_markdown_and_tracebacks_stand_in_until_used(tmp_path: Path) -> None:
    """Help is drawn without them; Typer's helpers still get the real classes when they do use them."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cli.app import app\n"
        "assert CliRunner().invoke(app, ['leads', '--help']).exit_code == 0\n"
        "assert 'markdown_it' not in sys.modules and 'rich.traceback' not in sys.modules\n"
        "from typer import rich_utils\n"
        "text = rich_utils._make_rich_text(text='**穿山甲**', markup_mode='markdown')\n"
        "try:\n"
        "    raise ValueError('象牙')\n"
        "except ValueError as error:\n"
        "    trace = rich_utils.Traceback.from_exception(type(error), error, error.__traceback__)\n"
        "print(type(text).__module__, type(trace).__module__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(tmp_path), "TRADEWATCH_LANG": "en"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["rich.markdown", "rich.traceback"]


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


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path):
    env = {**os.environ, "TRADEWATCH_HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "TRADEWATCH_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "cli.app", "--help"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "leads" in done.stdout and "sweep" in done.stdout

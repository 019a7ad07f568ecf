"""Text with `[...]` or `:name:` in it (scraped titles and sellers, category ids, campaign and officer names) is
shown as it is in every table and line the CLI prints: Rich never reads it as markup, which would style it or
swallow it, nor as an emoji code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.output import console, err_console
from tests.officer_desk_data import act, add_lead

runner = CliRunner()
WIDE = {"COLUMNS": "250", "TRADEWATCH_LANG": "zh"}
CLI = Path(__file__).resolve().parents[1] / "cli"

TITLE = "[bold]象牙[/bold]手镯 [red]包邮"
CATEGORY = "[b]象牙:x:"  # an id no catalogue knows, shown as it is (no style, no emoji)
SELLER = "[red]老张"
CAMPAIGN = "[bold]2026清风行动[/bold]"
OFFICER = "[i]王芳"
REASON = "[link=http://evil.example]核实[/link]"


@pytest.fixture
def bracketed_lead(tw_home: Path) -> int:
    lead_id = add_lead("100301", TITLE, 90, category=CATEGORY, seller=SELLER, campaign=CAMPAIGN)
    act("claim", lead_id, OFFICER)
    act("note", lead_id, OFFICER, reason=REASON)
    return lead_id


def shown(*args: str) -> str:
    result = runner.invoke(app, list(args), env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def test_queue_table_shows_brackets_as_text(bracketed_lead: int):
    out = shown("leads", "list")
    for text in (TITLE, CATEGORY, SELLER):
        assert text in out


def field(out: str, name: str) -> str:
    """The value of one field of `leads show`'s table of fields."""
    line = next(line for line in out.splitlines() if line.startswith(f"│ {name} "))
    return line.split("│")[2].strip()


def test_lead_detail_shows_brackets_as_text(bracketed_lead: int):
    out = runner.invoke(app, ["leads", "show", str(bracketed_lead)], env={**WIDE, "TRADEWATCH_LANG": "en"}).output
    assert field(out, "Title") == TITLE
    assert field(out, "Category") == CATEGORY
    assert field(out, "Seller") == f"{SELLER} (s1024)"
    assert field(out, "Found by campaign") == CAMPAIGN
    assert field(out, "Officers") == OFFICER
    assert REASON in out


def test_stats_and_history_show_brackets_as_text(bracketed_lead: int):
    stats = shown("stats")
    for text in (CATEGORY, CAMPAIGN, OFFICER):
        assert text in stats
    history = shown("leads", "history", str(bracketed_lead))
    assert OFFICER in history and REASON in history


def test_campaign_tables_show_brackets_as_text(tw_home: Path):
    title, keyword = "[bold]2026年清风行动[/bold] :fire:", "[red]象牙"
    shown("campaign", "create", "2026清风行动", "--keywords", keyword, "--platforms", "demo", "--title", title)
    out = shown("campaign", "show", "2026清风行动")
    assert title in out and keyword in out


def test_cli_consoles_never_read_markup(capsys: pytest.CaptureFixture[str]):
    console().print(TITLE)
    err_console().print(REASON)
    captured = capsys.readouterr()
    assert captured.out.strip() == TITLE and captured.err.strip() == REASON
    # every console of the CLI is one of these two: no module builds its own
    builders = [
        path.relative_to(CLI).as_posix()
        for path in CLI.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Console"
    ]
    assert builders == ["output.py", "output.py"]

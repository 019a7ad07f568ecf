"""Consoles and the one way errors reach the user."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from pydantic import BaseModel

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def console() -> Console:
    """Standard output console, made per call so CliRunner's captured streams are used.

    Markup and emoji codes are off: every string it prints (a table cell, a table's title, a message) is shown
    as it is, so a listing title, category id or campaign name with `[red]` or `:fire:` in it is never read as
    a style or an emoji; style with `rich.text.Text`. Tables fit themselves to the terminal; print lines that
    must stay whole (a `file:line:` reference, a path) with `soft_wrap=True`.
    """
    return Console(file=sys.stdout, soft_wrap=False, highlight=False, markup=False, emoji=False)


def err_console() -> Console:
    """Standard error: messages and problems, never wrapped, so each stays one line whatever the width; markup
    and emoji codes are off as on `console()`."""
    return Console(file=sys.stderr, soft_wrap=True, highlight=False, markup=False, emoji=False)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line (markup-free, control characters escaped) and exit with `code`; with `code` all the
    same where the line cannot be written (the command's terminal was closed, which is why it stops)."""
    from cli.i18n import _
    from core.safe_text import safe_str

    try:
        err_console().print(
            _("Error: {message}").format(message=safe_str(message)), markup=False, highlight=False, soft_wrap=True
        )
    except OSError:
        sys.stderr = None  # type: ignore[assignment]  # nothing is written there any more, nor flushed at exit
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    """Machine-readable output for scripts (`--json`).

    Characters that are unsafe on a terminal (C1 controls, bidi controls) are written as JSON escapes, so
    the bytes are safe to show and a JSON parser still gets the exact text back.
    """
    from core.safe_text import UNSAFE_PATTERN

    text = json.dumps(data, ensure_ascii=False, default=str, indent=2)
    text = re.sub(UNSAFE_PATTERN, lambda match: f"\\u{ord(match.group()):04x}", text)
    sys.stdout.write(text + "\n")


def model_json(model: BaseModel, **options: Any) -> dict[str, Any]:
    """A model as JSON with its fields in the order the model declares them (`options`: `include`, `exclude`).

    A row the ORM loaded dumps its fields in the order they were loaded, which differs from one command and one
    process to the next; scripts and diffs of `--json` output want one order.
    """
    data = model.model_dump(mode="json", **options)
    return {name: data[name] for name in type(model).model_fields if name in data}


Problem = TypeVar("Problem")


def report_verification(
    checked: int,
    problems: Sequence[Problem],
    *,
    as_json: bool,
    problem_json: Callable[[Problem], dict[str, Any]],
    problem_line: Callable[[Problem], str],
    summary: str,
) -> None:
    """The result of a `verify` command: JSON, or one line per problem on stderr and a summary; exit 1 on any
    problem. `summary` may use `{checked}` and `{count}`."""
    if as_json:
        print_json({"checked": checked, "ok": not problems, "problems": [problem_json(p) for p in problems]})
    else:
        for problem in problems:
            err_console().print(problem_line(problem), markup=False)
        console().print(summary.format(checked=checked, count=len(problems)), markup=False)
    if problems:
        raise typer.Exit(1)

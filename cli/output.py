"""Consoles and the one way errors reach the user."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console


def console() -> Console:
    """Standard output console, made per call so CliRunner's captured streams are used.

    Tables fit themselves to the terminal; print lines that must stay whole (a `file:line:` reference, a
    path) with `soft_wrap=True`.
    """
    return Console(file=sys.stdout, soft_wrap=False, highlight=False)


def err_console() -> Console:
    """Standard error: messages and problems, never wrapped, so each stays one line whatever the width."""
    return Console(file=sys.stderr, soft_wrap=True, highlight=False)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line (markup-free, control characters escaped) and exit with `code`."""
    from cli.i18n import _
    from core.safe_text import safe_str

    err_console().print(
        _("Error: {message}").format(message=safe_str(message)), markup=False, highlight=False, soft_wrap=True
    )
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

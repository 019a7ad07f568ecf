"""Consoles and the one way errors reach the user."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console


def console() -> Console:
    """Standard output console, made per call so CliRunner's captured streams are used."""
    return Console(file=sys.stdout, soft_wrap=False, highlight=False)


def err_console() -> Console:
    return Console(file=sys.stderr, highlight=False)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error line (markup-free) and exit with `code`."""
    err_console().print(f"错误 / Error: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    """Machine-readable output for scripts (`--json`)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")

"""Scraped text is written by strangers: this is the one place it is made safe to show in a terminal."""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls except newline, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_str(value: object, *, multiline: bool = False) -> str:
    """The value with every control, escape and bidi character shown as a visible escape."""
    text = _UNSAFE.sub(_escape, "" if value is None else str(value))
    return text if multiline else text.replace("\n", " ")


def safe_text(value: object, *, style: str = "", multiline: bool = False) -> Text:
    """A Rich Text of scraped content: markup in it is never interpreted."""
    return Text(safe_str(value, multiline=multiline), style=style)

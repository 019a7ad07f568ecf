"""The one sanitiser: controls, escape sequences, bidi controls and markup never reach a terminal."""

from __future__ import annotations

import io
import re

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from core.safe_text import escape_markup, highlight_terms, is_safe, neutralise_formula, safe_json, safe_str, safe_text

UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def rendered(renderable) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None, highlight=False).print(renderable)
    return buffer.getvalue()


def test_escape_sequences_become_visible_text():
    assert safe_str("a\x1b]52;c;ZXZpbA==\x07b") == "a\\x1b]52;c;ZXZpbA==\\x07b"
    assert safe_str("\x1b[2J\x9b31m") == "\\x1b[2J\\x9b31m"
    assert safe_str("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\"
    assert safe_str("\u202eabc\u2066d\u2069\u200f") == "\\u202eabc\\u2066d\\u2069\\u200f"
    assert safe_str("tab\there\x7f\x00") == "tab\\x09here\\x7f\\x00"


def test_newlines_kept_only_when_multiline():
    assert safe_str("一行\n两行") == "一行 两行"
    assert safe_str("一行\n两行\r", multiline=True) == "一行\n两行\\x0d"


def test_markup_is_never_interpreted():
    out = rendered(safe_text("[link=http://evil.example]点我[/link][bold]粗[/bold]"))
    assert "[link=http://evil.example]点我[/link][bold]粗[/bold]" in out
    assert escape_markup("[red]x[/red]") == "\\[red]x\\[/red]"


def test_highlight_keeps_hits_and_escapes():
    text = highlight_terms("老\x1b[2J象牙手镯，象牙", ["象牙"])
    assert text.plain == "老\\x1b[2J象牙手镯，象牙"
    highlighted = [text.plain[span.start : span.end] for span in text.spans]
    assert highlighted == ["象牙", "象牙"]


def test_json_strings_are_sanitised_recursively():
    assert safe_json({"t\x1b": ["\u202e", 3, None]}) == {"t\\x1b": ["\\u202e", 3, None]}


def test_formula_neutralisation():
    for value in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert neutralise_formula(value) == "'" + value
    assert neutralise_formula("象牙") == "象牙" and neutralise_formula(-1) == -1


@given(st.text())
def test_anything_sanitised_is_safe(value):
    cleaned = safe_str(value, multiline=True)
    assert is_safe(cleaned)
    assert not UNSAFE.search(rendered(safe_text(value, multiline=True)))

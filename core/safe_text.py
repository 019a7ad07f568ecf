"""Scraped text is written by strangers: this is the one place it is made safe to show or export.

Every piece of text that came from a marketplace passes `safe_str` (plain strings) or `safe_text` (Rich
`Text`) before it reaches a terminal, the triage screen or an exported file:

- C0 controls except newline, DEL and C1 controls are shown as ``\\xNN``. That also defuses every escape
  sequence (CSI ``ESC [``, the 8-bit CSI ``\\x9b``, OSC ``ESC ]`` including OSC 8 hyperlinks and OSC 52
  clipboard writes), because their introducer is a control character: what is left is inert visible text.
- Bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
  line and paragraph separators and invisible format characters are shown as ``\\uNNNN``.
- Rich markup (``[link=…]``, ``[bold]``) is never interpreted: `safe_text` builds a `Text` object, which
  Rich prints literally, and `escape_markup` exists for the rare place a markup string is unavoidable.

`neutralise_formula` guards spreadsheet cells against formula injection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Rich is imported where a Text is made: a crawl process only ever needs `safe_str`
    from rich.text import Text

# C0 controls except newline, DEL and C1 controls; bidi embeddings, overrides, isolates and marks;
# zero-width and other invisible format characters; line/paragraph separators; the BOM.
UNSAFE_PATTERN = (
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f"
    r"\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
_UNSAFE = re.compile(UNSAFE_PATTERN)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_str(value: object, *, multiline: bool = False) -> str:
    """The value with every control, escape and bidi character shown as a visible escape.

    Newlines are kept when `multiline` is true and turned into spaces otherwise.
    """
    text = _UNSAFE.sub(_escape, "" if value is None else str(value))
    return text if multiline else text.replace("\n", " ")


def is_safe(text: str) -> bool:
    """True when `text` holds nothing `safe_str` would escape (newlines allowed)."""
    return _UNSAFE.search(text) is None


def safe_text(value: object, *, style: str = "", multiline: bool = False) -> Text:
    """A Rich Text of scraped content: markup in it is never interpreted."""
    from rich.text import Text

    return Text(safe_str(value, multiline=multiline), style=style)


def escape_markup(value: object, *, multiline: bool = False) -> str:
    """Scraped text made safe to embed in a Rich markup string (prefer `safe_text` where possible)."""
    from rich.markup import escape

    return escape(safe_str(value, multiline=multiline))


def safe_json(value: Any) -> Any:
    """A JSON-ready structure with every string in it sanitised (for `--json` output of scraped data)."""
    if isinstance(value, str):
        return safe_str(value, multiline=True)
    if isinstance(value, Mapping):
        return {safe_str(key): safe_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [safe_json(item) for item in value]
    return value


def _merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight_terms(
    value: object,
    terms: Iterable[str],
    *,
    style: str = "",
    hit_style: str = "bold black on yellow",
    multiline: bool = False,
) -> Text:
    """Scraped text as a safe `Text` with every occurrence of the matched terms highlighted.

    Terms are searched in the original text (case-insensitively) and the highlights are carried over to the
    sanitised text, so a hit stays highlighted even where escapes lengthen the text before it.
    """
    from rich.text import Text

    raw = "" if value is None else str(value)
    wanted = sorted({term for term in terms if term}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    lowered = raw.casefold() if len(raw.casefold()) == len(raw) else raw
    for term in wanted:
        needle = term.casefold() if lowered is not raw else term
        start = lowered.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = lowered.find(needle, start + max(len(needle), 1))
    text = Text(style=style)
    position = 0
    for start, end in _merge_spans(spans):
        text.append(safe_str(raw[position:start], multiline=multiline))
        text.append(safe_str(raw[start:end], multiline=multiline), style=hit_style)
        position = end
    text.append(safe_str(raw[position:], multiline=multiline))
    return text


def neutralise_formula(value: Any) -> Any:
    """A spreadsheet cell value that opens as text: strings that start like a formula get a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.IGNORECASE)


def mask_url(url: str) -> str:
    """A service URL with its password replaced by `***` (URLs without one are unchanged), fit for messages."""
    return _PASSWORD.sub(r"\g<scheme>:***@", url)

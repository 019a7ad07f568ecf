"""Whitespace is collapsed as the regular expressions did it, for every space character Unicode has: a field's
whitespace step (`\\s+`) and the normalising of a listing's text (runs of spaces and tabs within each line)."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.extract import _whitespace
from pipelines.normalise_item import _SPACES as LINE_SPACES
from pipelines.normalise_item import clean_text

SPACES = re.compile(r"\s+")
UNICODE_SPACES = "".join(chr(code) for code in range(sys.maxunicode + 1) if SPACES.fullmatch(chr(code)))
TEXT = st.text(alphabet=st.one_of(st.sampled_from(UNICODE_SPACES + "象牙aZ0."), st.characters()), max_size=40)


def _collapsed(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _lines(text: str) -> str:
    lines = (SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def test_every_character_the_regex_calls_a_space_is_one_to_the_steps() -> None:
    assert len(UNICODE_SPACES) > 20  # tabs, line ends, NBSP, the ideographic space, the separators
    for space in UNICODE_SPACES:
        assert _whitespace(f"{space}象{space}{space}牙{space}", "collapse") == "象 牙"


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
@example(text="\u3000象牙\u00a0 手镯\u2028\u0085\x1c")
@example(text="a\r\n\r\n b \x0b\x0c c\u2029")
def test_whitespace_steps_read_as_the_regex_did(text: str) -> None:
    assert _whitespace(text, "collapse") == _collapsed(text)
    assert _whitespace(text, "lines") == _lines(text)
    assert _whitespace(text, "keep") == text


def _cleaned_line_by_line(text: str, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    lines = (LINE_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return ("\n" if multiline else " ").join(line for line in lines if line)


@settings(max_examples=500, deadline=None)
@given(text=TEXT, multiline=st.booleans())
@example(text="象牙\u3000\u3000手镯\r\n\t 白色\u00a0\u2028 a\x00b", multiline=True)
def test_a_listing_text_is_cleaned_as_line_by_line(text: str, multiline: bool) -> None:
    assert clean_text(text, multiline=multiline) == _cleaned_line_by_line(text, multiline)

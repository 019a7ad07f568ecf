"""The trie the model's n-grams are found with: it must find exactly the n-grams a plain substring test finds,
and sum the weights of each of them once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.model.features import FIELD_SEPARATOR
from pipelines.model.ngram_index import NgramIndex

# a small alphabet, so that generated n-grams and texts share characters and prefixes
ALPHABET = "象牙犀角穿山甲a1\U0001f98f"
GRAMS = st.lists(st.text(ALPHABET, min_size=1, max_size=4), max_size=40, unique=True)
# texts also hold characters no n-gram has (beyond the highest one, between them, a lone surrogate)
TEXTS = st.text(ALPHABET + "的 \x00\ud800\U0010ffff" + FIELD_SEPARATOR, max_size=60)


def _find(grams: list[str], text: str) -> tuple[float, set[str]]:
    """What the index finds, with each n-gram weighted by a distinct power of two (so the sum tells which)."""
    total, numbers = NgramIndex(grams, [2.0**number for number in range(len(grams))]).find(text)
    found = numbers.tolist()
    assert found == sorted(set(found))
    assert total == sum(2.0**number for number in found)
    return total, {grams[number] for number in found}


@settings(max_examples=300, deadline=None)
@given(grams=GRAMS, text=TEXTS)
def test_finds_exactly_the_ngrams_that_occur(grams: list[str], text: str) -> None:
    assert _find(grams, text)[1] == {gram for gram in grams if gram in text}


def test_an_ngram_found_twice_counts_once() -> None:
    assert _find(["象牙", "牙"], "象牙象牙牙") == (3.0, {"象牙", "牙"})


def test_no_ngram_is_found_across_the_field_separator() -> None:
    assert _find(["象牙", "牙", "象", "牙犀"], "象" + FIELD_SEPARATOR + "牙犀")[1] == {"象", "牙", "牙犀"}


def test_a_prefix_that_is_no_ngram_is_not_found() -> None:
    assert _find(["穿山甲片", "甲"], "穿山甲")[1] == {"甲"}
    assert _find(["穿山甲片", "甲"], "穿山甲片")[1] == {"穿山甲片", "甲"}


def test_an_index_without_ngrams_finds_nothing() -> None:
    assert _find([], "象牙") == (0.0, set())
    assert _find(["象"], "") == (0.0, set())


def test_every_ngram_needs_a_weight() -> None:
    with pytest.raises(ValueError):
        NgramIndex(["象", "牙"], [1.0])
    with pytest.raises(ValueError):
        NgramIndex([""], [1.0])

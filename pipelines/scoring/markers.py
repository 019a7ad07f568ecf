"""Marker words found right before or after a term hit (不含, 仿, 替代品, 造型): the lookup the scope of a term asks
for at every hit, so it is kept cheap."""

from __future__ import annotations

import re
from collections.abc import Iterable


def longest_first(words: Iterable[str]) -> list[str]:
    """The words escaped for a regex, longest first."""
    return [re.escape(w) for w in sorted({w for w in words if w}, key=len, reverse=True)]


def alternatives(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first."""
    return "|".join(longest_first(words))


class Markers:
    """Marker words of rules tried in order, found by the text right before or after a position: one dict probe
    per word length instead of a ``startswith`` per word (they are tried at every term hit). The first rule with
    a word there wins, and its longest word there."""

    def __init__(self, rules: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._rules: dict[str, tuple[int, str]] = {}
        for index, (rule, words) in enumerate(rules):
            for word in words:
                self._rules.setdefault(word, (index, rule))
        self._lengths = tuple(sorted({len(word) for word in self._rules}, reverse=True))
        # the characters a marker starts and ends with: a position next to none of them has no marker, without a
        # probe per length (most positions tried)
        self._firsts = frozenset(word[0] for word in self._rules if word)
        self._lasts = frozenset(word[-1] for word in self._rules if word)
        self._has_empty = "" in self._rules
        # for a caller that tries many positions: the characters a marker starts with, None if any may
        self.firsts: frozenset[str] | None = None if self._has_empty else self._firsts

    def _best(self, text: str, start: int, end: int, ending: bool) -> tuple[str, str] | None:
        rules = self._rules
        best: tuple[int, str, str] | None = None
        for length in self._lengths:  # longest first: a later word of the same rule is shorter
            if ending:
                if length > end:
                    continue
                word = text[end - length : end]
            else:
                word = text[start : start + length]
            found = rules.get(word)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], found[1], word)
        return None if best is None else (best[1], best[2])

    def ending_at(self, text: str, position: int) -> tuple[str, str] | None:
        """(rule, word) of a marker that ends right before ``position``."""
        if 0 < position <= len(text) and not self._has_empty and text[position - 1] not in self._lasts:
            return None
        return self._best(text, position, position, True)

    def starting_at(self, text: str, position: int) -> tuple[str, str] | None:
        """(rule, word) of a marker that starts at ``position``."""
        if 0 <= position < len(text) and not self._has_empty and text[position] not in self._firsts:
            return None
        return self._best(text, position, position, False)

"""Homophones of watchlist terms, read from the listing's sound rather than listed one by one.

Sellers write a term with other characters of the same sound (兄掌 for 熊掌, 川山夹 for 穿山甲, 弥猴 for 猕猴).
Listing every such spelling would take thousands of patterns; instead each Chinese character of the folded
listing is read as its toneless syllable (the most common reading in pypinyin's character dictionary) and the
syllable sequences of the watchlists' multi-character names are looked for in that reading. A sequence found
where the listing writes something other than the term is a homophone of it, except where the written form is
an ordinary word with that reading: every word of jieba's dictionary that reads like a term (摄像 for 麝香) is
kept apart, and so is a reading that runs across the edge of a dictionary word (西龟 in 巴西龟, 效果 after
杀草 read as 草鸮). The tables are built once per set of terms and library versions and kept in the scorer's cache.
"""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import cache as disk_cache

_VERSION = 1
# each syllable becomes one private-use character: folded text has none (they are dropped as non-letters), so
# a coded term can only match coded characters
_CODE_BASE = 0xE000
_MIN_SYLLABLES = 2
# a reading of this many syllables may replace every character of a term (船衫佳 for 穿山甲); a shorter one must
# keep one of them in place, or ordinary pairs of words that sound alike would count (带毛 for 玳瑁)
FREE_SPELLING = 3


def _toneless(reading: str) -> str:
    """pypinyin's tone-marked reading as its plain style spells it (xiōng -> xiong, lǜ -> lv)."""
    reading = reading.replace("ü", "v")
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


def _char_readings(wanted: set[str]) -> dict[str, str]:
    """Character -> its most common toneless syllable, for the characters whose syllable is in ``wanted``."""
    from pypinyin import pinyin_dict

    out: dict[str, str] = {}
    for code, readings in pinyin_dict.pinyin_dict.items():
        syllable = _toneless(readings.split(",")[0])
        if syllable in wanted:
            out[chr(code)] = syllable
    return out


def dictionary_words() -> Iterable[tuple[str, int, str]]:
    """The words of jieba's dictionary with their counts and part-of-speech tags, read from its file without
    importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba's dictionary is needed to tell disguised spellings from ordinary words")
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, rest = line.partition(" ")
            if word:
                count, _, tag = rest.partition(" ")
                yield word, int(count) if count.isdigit() else 0, tag.strip()


def dictionary_entries() -> Iterable[tuple[str, int]]:
    """The words of jieba's dictionary with their counts."""
    return ((word, count) for word, count, _tag in dictionary_words())


@dataclass(frozen=True)
class HomophoneTable:
    """The coded reading of characters and what must not count as a homophone."""

    codes: dict[int, str]  # character -> its syllable's private-use character
    syllables: list[str]  # index = code - _CODE_BASE
    ordinary: frozenset[str]  # written forms that read like a term but are dictionary words
    joins: frozenset[str]  # two-character dictionary words that may tie a homophone's edge to its neighbour

    @cached_property
    def _index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.syllables)}

    def code(self, syllables: Iterable[str]) -> str | None:
        """The coded form of a syllable sequence, None if a syllable has no character in the table."""
        index = self._index
        out = []
        for syllable in syllables:
            position = index.get(syllable)
            if position is None:
                return None
            out.append(chr(_CODE_BASE + position))
        return "".join(out)

    def read(self, code: str) -> str:
        return " ".join(self.syllables[ord(c) - _CODE_BASE] for c in code)


class WordPairs:
    """A set of two-character words, as membership tests ask it, held as the second characters of each first
    character: a scorer keeps some 110,000 of them (`HomophoneTable.joins`), which as a frozenset cost a cached
    scorer's loading 20 ms (a string each, hashed again), and as some 4,000 strings about 1 ms. Words of another
    length are kept as they are."""

    def __init__(self, words: Iterable[str]) -> None:
        seconds: dict[str, list[str]] = {}
        others = []
        for word in words:
            if len(word) == 2:
                seconds.setdefault(word[0], []).append(word[1])
            else:
                others.append(word)
        self._seconds = {first: "".join(sorted(set(chars))) for first, chars in seconds.items()}
        self._others = frozenset(others)

    def __contains__(self, text: object) -> bool:
        if isinstance(text, str) and len(text) == 2:
            return text[1] in self._seconds.get(text[0], "")
        return text in self._others


def build_table(terms: Mapping[str, list[str]]) -> HomophoneTable:
    """Tables for ``terms`` (folded term -> its syllables), from the on-disk cache when it has them."""
    name = "homophones-" + disk_cache.key(
        "homophones", _VERSION, disk_cache.package_version("pypinyin"), disk_cache.package_version("jieba"),
        sorted((t, " ".join(s)) for t, s in terms.items()),
    )  # fmt: skip
    data = disk_cache.read_json(name)
    if isinstance(data, dict) and set(data) == {"chars", "syllables", "ordinary", "joins"}:
        try:
            chars = {str(k): str(v) for k, v in data["chars"].items()}
            return HomophoneTable(
                {ord(c): chr(_CODE_BASE + int(i)) for i, group in chars.items() for c in group},
                [str(s) for s in data["syllables"]],
                frozenset(str(w) for w in data["ordinary"]),
                frozenset(str(w) for w in data["joins"]),
            )
        except (TypeError, ValueError):
            pass
    wanted = sorted({s for syllables in terms.values() for s in syllables})
    readings = _char_readings(set(wanted))
    position = {s: i for i, s in enumerate(wanted)}
    codes = {ord(c): chr(_CODE_BASE + position[s]) for c, s in readings.items()}
    coded_terms = {"".join(chr(_CODE_BASE + position[s]) for s in syllables) for syllables in terms.values()}
    lengths = {len(syllables) for syllables in terms.values()}
    firsts = {chr(_CODE_BASE + position[syllables[0]]) for syllables in terms.values()}
    lasts = {chr(_CODE_BASE + position[syllables[-1]]) for syllables in terms.values()}
    ordinary: set[str] = set()
    joins: set[str] = set()
    for word, _count in dictionary_entries():
        if word in terms:
            continue
        coded = word.translate(codes)
        if len(word) in lengths and coded in coded_terms:
            ordinary.add(word)
        if len(word) == 2 and (coded[1] in firsts or coded[0] in lasts):
            joins.add(word)
    groups: dict[int, list[str]] = {}
    for char, syllable in readings.items():
        groups.setdefault(position[syllable], []).append(char)
    disk_cache.write_json(
        name,
        {"chars": {str(i): "".join(g) for i, g in groups.items()}, "syllables": wanted, "ordinary": sorted(ordinary),
         "joins": sorted(joins)},
    )  # fmt: skip
    return HomophoneTable(codes, wanted, frozenset(ordinary), frozenset(joins))


def usable(syllables: list[str], term: str) -> bool:
    """Whether a term is read for homophones: a Chinese term of two or more syllables, one per character."""
    return len(syllables) >= _MIN_SYLLABLES and len(syllables) == len(term)


# How many texts a ReadingFinder reads by str.translate before it builds its numpy table (see __call__).
TABLE_AFTER = 10_000
# What an uncoded character reads as in a translated reading: no code is a space.
_UNCODED = ord(" ")


class ReadingFinder:
    """Where the coded readings of terms occur in a folded text: ``(index in codes, start, end)``, in the order an
    overlapping Aho-Corasick scan reports them (by end, the longer of two first).

    The text's reading is ``text.translate(by_point)`` for a process's first ``TABLE_AFTER`` texts: a list of the
    code of every code point up to the last coded one, where a character without a code reads as a space, and
    only coded characters can make a match (folded text has no private-use characters, the codes'; a character
    past the list stays as it is). A list is indexed where the dict of codes hashed and compared a new integer
    for every character: 410 instructions a character against 640. A numpy look-up of the UTF-32 code points
    takes a quarter of that, but numpy's import costs 0.1 CPU s, which a crawl's scorer (a few hundred listings
    with trade talk) would never earn back. So the numpy table is built only after ``TABLE_AFTER`` texts, or at
    once where numpy is loaded already. With Hyperscan
    the reading's UTF-32 bytes are scanned, for the codes' UTF-32 bytes, and a match that does not start on a
    character's first byte is dropped; otherwise the reading is scanned with ``ahocorasick-rs``."""

    def __init__(self, table: Mapping[int, str], codes: list[str], engine: str | None) -> None:
        from .matcher import hyperscan_available, load_database

        self._table = table
        # what str.translate reads: code point -> its code's code point, or a space's (see above)
        points = {code: ord(code) for code in set(table.values())}
        self._by_point = [_UNCODED] * (max(table, default=-1) + 1)
        for point, code in table.items():
            self._by_point[point] = points[code]
        self._codes = codes
        self._take: Any = None
        self._waiting = TABLE_AFTER  # texts read by translate before the table is built
        self._frombuffer: Any = None
        self._dtype: Any = None
        self._scan: Any = None
        self._find: Any = None
        if engine == "hyperscan" or (engine is None and hyperscan_available()):
            self._scan = load_database(codes, "utf-32-le").scan
            self._byte_lengths = [4 * len(code) for code in codes]
        else:
            import ahocorasick_rs

            automaton = ahocorasick_rs.AhoCorasick(codes, matchkind=ahocorasick_rs.MatchKind.Standard)
            self._find = automaton.find_matches_as_indexes

    def _build(self) -> Any:
        import numpy as np

        # one past the highest coded character, and a code point beyond it reads as that last, uncoded entry
        table = np.arange(max(self._table, default=0) + 2, dtype=np.uint32)
        table[np.fromiter(self._table.keys(), np.uint32)] = np.fromiter(map(ord, self._table.values()), np.uint32)
        self._frombuffer, self._dtype = np.frombuffer, np.dtype(np.uint32)  # a dtype, not its type: cheaper
        self._take = table.take
        return table.take

    def __call__(self, text: str) -> list[tuple[int, int, int]]:
        if self._take is None and self._waiting > 0 and "numpy" not in sys.modules:
            self._waiting -= 1
            reading = text.translate(self._by_point)
            if self._scan is None:
                return list(self._find(reading, overlapping=True))
            coded = reading.encode("utf-32-le")
        else:
            # a process that has read TABLE_AFTER texts, or loaded numpy anyway, reads a text by one look-up of
            # its UTF-32 code points: a third of the translate's time, which repays numpy's import (about 0.1 CPU
            # s) over some 10,000 texts; a crawl's scorer reads a few hundred. Only coded characters can make a
            # match, so which uncoded character stands in a place changes nothing.
            take = self._take if self._take is not None else self._build()
            points = self._frombuffer(text.encode("utf-32-le", "surrogatepass"), self._dtype)
            coded = take(points, mode="clip").tobytes()
            if self._scan is None:
                return list(self._find(coded.decode("utf-32-le"), overlapping=True))
        found: list[tuple[int, int]] = []
        # by position (data, match_event_handler, flags, context): keywords would make the call build a dict
        self._scan(coded, _append_match, 0, found.append)
        if not found:
            return []
        lengths = self._byte_lengths
        matches = [
            (index, (to - lengths[index]) // 4, to // 4) for index, to in set(found) if not (to - lengths[index]) % 4
        ]
        matches.sort(key=_by_end_longest_first)
        return matches


def _append_match(index: int, _from: int, to: int, _flags: int, append: Callable[[tuple[int, int]], None]) -> None:
    """Hyperscan's match callback: the list's ``append`` comes as the scan's context, so no closure is made per
    text."""
    append((index, to))


def _by_end_longest_first(match: tuple[int, int, int]) -> tuple[int, int]:
    return match[2], match[1]

"""One-pass multi-pattern matcher over normalised text.

All patterns are literals in canonical form (letters and digits only, see :mod:`.fold_text`). They are
compiled once into a single Hyperscan database where the platform has Hyperscan, and into an Aho-Corasick
automaton (``ahocorasick-rs``) otherwise. Both report every occurrence of every pattern, overlapping ones
included, as ``(pattern id, start, end)`` in character offsets, sorted; tests check they agree.

The Hyperscan database is compiled over the UTF-16-LE bytes of each pattern, and a text is scanned as UTF-16-LE:
a Chinese character is two bytes there against three in UTF-8, and CPython copies a text of the Basic
Multilingual Plane into UTF-16 where it encodes UTF-8 character by character (together some 8,000 instructions a
listing less). A byte match of a whole pattern that ends on an even byte is a character match (no pattern starts
with a low surrogate); one that ends on an odd byte straddles two characters and is dropped. Hyperscan reports the
end of a match; since every pattern is a literal, its start is the end minus the pattern's length, which is what
``HS_FLAG_SOM_LEFTMOST`` would report, without its compile and scan cost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

Match = tuple[int, int, int]


class Matcher(Protocol):
    engine: str

    def find(self, text: str) -> list[Match]:
        """Every occurrence of every pattern (never of a start word), sorted."""
        ...

    def scan(self, text: str) -> list[tuple[int, int]]:
        """Raw matches, cheap to produce: ``(pattern id, engine-specific position)`` in any order, with
        repeats. Enough to tell which patterns occur; :meth:`resolve` turns them into :meth:`find`'s list. Start
        words (:class:`StartWords`) come with ids past the patterns'."""
        ...

    def resolve(self, text: str, found: list[tuple[int, int]]) -> list[Match]: ...


class AhoCorasickMatcher:
    engine = "ahocorasick-rs"

    def __init__(self, patterns: Sequence[str], starts: Sequence[str] = ()) -> None:
        import ahocorasick_rs

        self.patterns = list(patterns)
        self._count = len(self.patterns)
        everything = [*self.patterns, *starts]
        self._lengths = [len(p) for p in everything]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(everything, matchkind=ahocorasick_rs.MatchKind.Standard) if everything else None
        )

    def find(self, text: str) -> list[Match]:
        if self._automaton is None or not text:
            return []
        count = self._count
        return sorted(
            (m for m in self._automaton.find_matches_as_indexes(text, overlapping=True) if m[0] < count), key=_order
        )

    def scan(self, text: str) -> list[tuple[int, int]]:
        if self._automaton is None or not text:
            return []
        return [(index, end) for index, _start, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]

    def resolve(self, text: str, found: list[tuple[int, int]]) -> list[Match]:
        lengths, count = self._lengths, self._count
        out = [(index, end - lengths[index], end) for index, end in set(found) if index < count]
        out.sort(key=_order)
        return out


def _order(match: Match) -> tuple[int, int, int]:
    return match[1], match[2], match[0]


# what the Hyperscan database is compiled over and a text scanned as (see the module's docstring)
_ENCODING = "utf-16-le"


def _hs_literal(pattern: str, encoding: str) -> bytes:
    """A pattern as an expression that matches exactly its bytes in ``encoding``."""
    return "".join(f"\\x{byte:02x}" for byte in pattern.encode(encoding)).encode("ascii")


class HyperscanMatcher:
    engine = "hyperscan"

    def __init__(self, patterns: Sequence[str], starts: Sequence[str] = ()) -> None:
        import hyperscan

        self.patterns = list(patterns)
        self._count = len(self.patterns)
        everything = [*self.patterns, *starts]
        # in UTF-16 code units (a character past the Basic Multilingual Plane is two)
        self._unit_lengths = [len(p.encode(_ENCODING)) // 2 for p in everything]
        self._db = load_database(everything, _ENCODING) if everything else None
        self._scan = self._db.scan if self._db is not None else None
        self._hs_error = hyperscan.error

    def scan(self, text: str) -> list[tuple[int, int]]:
        """``(pattern id, end byte in the UTF-16-LE text)`` per match: the callback only appends a tuple (of a
        match that ends between two characters)."""
        if self._scan is None or not text:
            return []
        found: list[tuple[int, int]] = []
        # by position (data, match_event_handler, flags, context): keywords would make the call build a dict
        self._scan(text.encode(_ENCODING), _append_match, 0, found.append)
        return found

    def resolve(self, text: str, found: list[tuple[int, int]]) -> list[Match]:
        """Character offsets of raw matches, sorted, repeats removed. A UTF-16 code unit is a character unless
        the text has characters past the Basic Multilingual Plane (an emoji): each of those takes two units."""
        if not found:
            return []
        units, known = self._unit_lengths, self._count
        unit_matches = [
            (to // 2 - units[pattern_id], to // 2, pattern_id) for pattern_id, to in set(found) if pattern_id < known
        ]
        if not unit_matches:
            return []
        unit_matches.sort()
        if len(text.encode(_ENCODING)) == 2 * len(text):
            return [(pattern_id, start, end) for start, end, pattern_id in unit_matches]
        to_char: list[int] = []  # UTF-16 unit offset -> character offset
        for index, char in enumerate(text):
            to_char.append(index)
            if ord(char) > 0xFFFF:
                to_char.append(index)  # its low surrogate: no match starts or ends there
        to_char.append(len(text))
        return [(pattern_id, to_char[start], to_char[end]) for start, end, pattern_id in unit_matches]

    def find(self, text: str) -> list[Match]:
        return self.resolve(text, self.scan(text))


def _append_match(pattern_id: int, _from: int, to: int, _flags: int, append: Callable[[tuple[int, int]], None]) -> None:
    """Hyperscan's match callback: the list's ``append`` comes as the scan's context, so no closure is made per
    scan. A match ending on an odd byte of the UTF-16 text ends inside a character: no match of the pattern."""
    if not to & 1:
        append((pattern_id, to))


_DATABASE_VERSION = 1


def _compile_database(patterns: list[str], encoding: str) -> Any:
    import hyperscan

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    ids = list(range(len(patterns)))
    expressions = [p.encode(encoding) for p in patterns]
    try:  # hs_compile_lit: the fastest to build, patterns are plain byte strings (the bindings end one at a NUL)
        if any(0 in expression for expression in expressions):
            raise TypeError("a NUL byte")
        db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=[0] * len(ids), literal=True)
    except TypeError:  # older bindings without literal mode, or a NUL byte: escaped byte patterns
        db.compile(
            expressions=[_hs_literal(p, encoding) for p in patterns],
            ids=ids,
            elements=len(ids),
            flags=[0] * len(ids),
        )
    return db


def load_database(patterns: list[str], encoding: str = "utf-8") -> Any:
    """The compiled database of ``patterns`` as literals in ``encoding``, from the on-disk cache when the same
    patterns were compiled before on this machine (Hyperscan refuses a serialised database built for another
    platform: it is then recompiled)."""
    import hyperscan

    from . import cache as disk_cache

    name = "hyperscan-" + disk_cache.key(
        "hyperscan", _DATABASE_VERSION, disk_cache.package_version("hyperscan"), encoding, "\n".join(patterns)
    )
    data = disk_cache.read_bytes(name)
    if data is not None:
        try:
            db = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)
            return db
        except (hyperscan.error, TypeError, ValueError, AttributeError):
            pass
    db = _compile_database(patterns, encoding)
    with contextlib.suppress(hyperscan.error, TypeError, AttributeError):
        disk_cache.write_bytes(name, hyperscan.dumpb(db))
    return db


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build_matcher(patterns: Sequence[str], engine: str | None = None, starts: Sequence[str] = ()) -> Matcher:
    """A matcher over ``patterns``: Hyperscan if importable (or ``engine="hyperscan"``), else Aho-Corasick. Its scan
    also reports ``starts`` (ids from ``len(patterns)`` on), which :meth:`Matcher.find` and
    :meth:`Matcher.resolve` leave out."""
    if engine == "ahocorasick" or (engine is None and not hyperscan_available()):
        return AhoCorasickMatcher(patterns, starts)
    return HyperscanMatcher(patterns, starts)


class StartWords:
    """Which of some regexes can match a text, told by words one of which starts every match of each (林子, 自己套的
    of a capture; 交叉 of a mark written apart). ``re`` searches a pattern with no literal prefix by trying every
    character of the text, some fifty instructions each; the words are scanned for with the watchlists' patterns
    (the matcher's ``starts``), and most listings hold none of them, so most of those searches are not made.

    ``groups[i]`` lists the words of regex ``i``: None when no word starts every match (the regex is always
    searched), empty when there is no regex (never)."""

    def __init__(self, groups: Sequence[Sequence[str] | None]) -> None:
        bits: dict[str, int] = {}
        self.always = 0
        for index, words in enumerate(groups):
            if words is None or any(not word for word in words):  # an empty start is no start: any text may match
                self.always |= 1 << index
                continue
            for word in words:
                bits[word] = bits.get(word, 0) | 1 << index
        self.words = list(bits)
        self._bits = [bits[word] for word in self.words]

    def mask(self, ids: Collection[int], first: int) -> int:
        """A bit (``1 << i``) for each regex ``i`` that may match a text whose scan found the ids ``ids`` (of patterns
        and start words, each once), its start words having ids from ``first`` on."""
        mask = self.always
        # most texts hold no start word: the highest id tells so in one call
        if ids and max(ids) >= first:
            bits = self._bits
            for index in ids:
                if index >= first:
                    mask |= bits[index - first]
        return mask

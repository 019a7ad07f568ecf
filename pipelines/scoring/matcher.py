"""One-pass multi-pattern matcher over normalised text.

All patterns are literals in canonical form (letters and digits only, see :mod:`.normalize`). They are
compiled once into a single Hyperscan database where the platform has Hyperscan, and into an Aho-Corasick
automaton (``ahocorasick-rs``) otherwise. Both report every occurrence of every pattern, overlapping ones
included, as ``(pattern id, start, end)`` in character offsets, sorted; tests check they agree.

The Hyperscan database is compiled in literal mode over the UTF-8 bytes of each pattern (UTF-8 is
self-synchronising, so a byte match of a whole pattern is a character match). Hyperscan reports the end of
a match; since every pattern is a literal, its start is the end minus the pattern's length, which is what
``HS_FLAG_SOM_LEFTMOST`` would report, without its compile and scan cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

Match = tuple[int, int, int]


class Matcher(Protocol):
    engine: str

    def find(self, text: str) -> list[Match]: ...


class AhoCorasickMatcher:
    engine = "ahocorasick-rs"

    def __init__(self, patterns: Sequence[str]) -> None:
        import ahocorasick_rs

        self.patterns = list(patterns)
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self.patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self.patterns
            else None
        )

    def find(self, text: str) -> list[Match]:
        if self._automaton is None or not text:
            return []
        return sorted(self._automaton.find_matches_as_indexes(text, overlapping=True), key=_order)


def _order(match: Match) -> tuple[int, int, int]:
    return match[1], match[2], match[0]


def _hs_literal(pattern: str) -> bytes:
    """A pattern as an expression that matches exactly its UTF-8 bytes."""
    return "".join(f"\\x{byte:02x}" for byte in pattern.encode("utf-8")).encode("ascii")


class HyperscanMatcher:
    engine = "hyperscan"

    def __init__(self, patterns: Sequence[str]) -> None:
        import hyperscan

        self.patterns = list(patterns)
        self._byte_lengths = [len(p.encode("utf-8")) for p in self.patterns]
        self._db = None
        if self.patterns:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            ids = list(range(len(self.patterns)))
            try:  # hs_compile_lit: the fastest to build, patterns are plain byte strings
                db.compile(
                    expressions=[p.encode("utf-8") for p in self.patterns],
                    ids=ids,
                    elements=len(ids),
                    flags=[0] * len(ids),
                    literal=True,
                )
            except TypeError:  # older bindings without literal mode: escaped byte patterns
                db.compile(
                    expressions=[_hs_literal(p) for p in self.patterns],
                    ids=ids,
                    elements=len(ids),
                    flags=[0] * len(ids),
                )
            self._db = db

    def find(self, text: str) -> list[Match]:
        if self._db is None or not text:
            return []
        data = text.encode("utf-8")
        found: list[tuple[int, int]] = []
        append = found.append

        def on_match(pattern_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            append((pattern_id, to))

        self._db.scan(data, match_event_handler=on_match)
        if not found:
            return []
        lengths = self._byte_lengths
        ascii_text = len(data) == len(text)
        out: list[Match] = []
        for pattern_id, to in set(found):
            start_byte = to - lengths[pattern_id]
            if ascii_text:
                out.append((pattern_id, start_byte, to))
            else:
                start = len(data[:start_byte].decode("utf-8"))
                out.append((pattern_id, start, start + len(self.patterns[pattern_id])))
        out.sort(key=_order)
        return out


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build_matcher(patterns: Sequence[str], engine: str | None = None) -> Matcher:
    """A matcher over ``patterns``: Hyperscan if importable (or ``engine="hyperscan"``), else Aho-Corasick."""
    if engine == "ahocorasick" or (engine is None and not hyperscan_available()):
        return AhoCorasickMatcher(patterns)
    return HyperscanMatcher(patterns)

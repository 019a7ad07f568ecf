"""Scoring of clauses against the unfair-clause watchlist, with an explanation of every point.

A pattern fires when one of its `any` regexes and all of its `all` regexes match the normalised clause. The
score is the strongest fired pattern's weight, plus `extra_hit_points` for each further pattern, minus the
points of every lawful signal found, kept within 0..100. A clause at or above the threshold is unfair; its
group and legal basis are the strongest pattern's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clauses import normalise
from .watchlist import ClausePattern, ClauseWatchlist, load_clause_watchlist


@dataclass(frozen=True)
class ClauseResult:
    score: int
    unfair: bool
    group: str | None
    basis: list[str]
    explanation: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unfair": self.unfair,
            "group": self.group,
            "score": self.score,
            "basis": self.basis,
            "explanation": self.explanation,
        }


def _compile(pattern: str) -> re.Pattern[str]:
    """Patterns are folded like the clauses they match, so a full-width ，or ； in a pattern still matches."""
    return re.compile(unicodedata.normalize("NFKC", pattern))


def _first_match(patterns: list[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


class ClauseScorer:
    """Scores one clause at a time; build it once with `ClauseScorer.load()`."""

    def __init__(self, watchlist: ClauseWatchlist) -> None:
        self.watchlist = watchlist
        self.threshold = watchlist.threshold
        self._patterns = [
            (spec, [_compile(r) for r in spec.any], [_compile(r) for r in spec.all]) for spec in watchlist.patterns
        ]
        self._signals = [(signal, _compile(signal.pattern)) for signal in watchlist.lawful_signals]

    @classmethod
    def load(cls, path: Path | None = None) -> ClauseScorer:
        return cls(load_clause_watchlist(path))

    def group_name(self, group: str | None, lang: str = "zh") -> str:
        spec = self.watchlist.groups.get(group) if group else None  # type: ignore[call-overload]
        if spec is None:
            return ""
        return str(spec.name_zh if lang == "zh" else spec.name_en)

    def score(self, text: str) -> ClauseResult:
        clause = normalise(text)
        fired: list[tuple[ClausePattern, str]] = []
        for spec, any_of, all_of in self._patterns:
            matched = _first_match(any_of, clause)
            if matched is not None and all(pattern.search(clause) for pattern in all_of):
                fired.append((spec, matched))
        fired.sort(key=lambda hit: -hit[0].weight)
        explanation: list[dict[str, Any]] = []
        points = 0
        for position, (spec, matched) in enumerate(fired):
            gained = spec.weight if position == 0 else self.watchlist.extra_hit_points
            points += gained
            explanation.append(
                {
                    "rule": spec.id,
                    "group": spec.group,
                    "name_zh": spec.name_zh,
                    "name_en": spec.name_en,
                    "matched": matched,
                    "points": gained,
                    "basis": spec.basis,
                }
            )
        for signal, pattern in self._signals:
            found = pattern.search(clause)
            if found and fired:
                points += signal.points
                explanation.append(
                    {
                        "rule": signal.id,
                        "group": None,
                        "name_zh": signal.note_zh,
                        "name_en": signal.note_en,
                        "matched": found.group(0),
                        "points": signal.points,
                        "basis": [],
                    }
                )
        score = max(0, min(100, points))
        unfair = score >= self.threshold
        top = fired[0][0] if fired else None
        return ClauseResult(
            score=score,
            unfair=unfair,
            group=top.group if top and unfair else None,
            basis=list(top.basis) if top and unfair else [],
            explanation=explanation,
        )

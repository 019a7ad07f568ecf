"""Validation of watchlists beyond the schema: what `tradewatch watchlist check` reports."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.categories import CATEGORY_IDS

from .fold_text import Normaliser
from .watchlist import LoadedFile, Problem, expand_paths, merge, parse_file

DESIGN_CATEGORIES = CATEGORY_IDS
# a note written into a spelling (猪肉 (冰毒)); a note belongs in a YAML comment or the term's `note`
BRACKETED_NOTE = re.compile(r"[(（][^)）]*[)）]")


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    categories: int = 0
    terms: int = 0
    search_terms: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "files": self.files,
            "problems": [str(p) for p in self.problems],
            "warnings": [str(p) for p in self.warnings],
            "categories": self.categories,
            "terms": self.terms,
            "search_terms": self.search_terms,
        }


def check_watchlists(paths: Sequence[Path | str] | None = None) -> CheckReport:
    report = CheckReport()
    loaded: list[LoadedFile] = []
    targets = expand_paths(paths)
    for path in targets:
        report.files.append(str(path))
        if not Path(path).exists():
            report.problems.append(Problem(str(path), None, "no such file"))
            continue
        item, problems = parse_file(path)
        report.problems.extend(problems)
        if item is not None:
            loaded.append(item)
    if not loaded:
        return report
    normaliser = Normaliser()
    for item in loaded:
        for category in item.model.categories:
            for term in category.terms:
                line = item.term_lines.get((category.id, term.term))
                for spelling in [
                    term.term,
                    *term.aliases,
                    *term.code_words,
                    *term.variants,
                    *term.english,
                    *term.latin,
                ]:
                    folded = normaliser.fold(spelling)
                    if not folded:
                        report.problems.append(
                            Problem(item.path, line, f"{category.id}: {spelling!r} has no letters or digits")
                        )
                    elif BRACKETED_NOTE.search(spelling):
                        # folding drops the brackets, not the note: 猪肉 (冰毒) would match only 猪肉冰毒
                        report.problems.append(
                            Problem(item.path, line, f"{category.id}: {spelling!r} holds a note in brackets")
                        )
    lists = merge(loaded)
    report.categories = len(lists.categories)
    for merged in lists.categories.values():
        where = merged.sources[0] if merged.sources else "(merged)"
        if not merged.terms:
            report.problems.append(Problem(where, None, f"{merged.id}: no match terms"))
        if not merged.search_terms:
            target = report.problems if not paths else report.warnings
            target.append(Problem(where, None, f"{merged.id}: no search terms"))
        report.terms += sum(
            1 + len(t.aliases) + len(t.code_words) + len(t.tcm) + len(t.latin) + len(t.english) + len(t.variants)
            for t in merged.terms
        )
        report.search_terms += len(set(merged.search_terms))
    if paths is None or not paths:
        missing = [c for c in DESIGN_CATEGORIES if c not in lists.categories]
        for category_id in missing:
            report.problems.append(Problem("(shipped watchlists)", None, f"{category_id}: category missing"))
    return report

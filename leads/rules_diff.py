"""What changed between two versions of a rules page, clause by clause, with difflib.

Clauses are compared on their normalised wording (`key`, set when the page was segmented), so renumbering or
whitespace never counts as a change. `SequenceMatcher` aligns the two clause lists; inside a replaced block
each old clause is paired with the most similar new one (ratio at least `SIMILAR`) as *changed*, and the rest
are *removed* or *added*. `inline_diff` shows the changed words of one clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

SIMILAR = 0.5


@dataclass(frozen=True)
class ClauseChange:
    kind: str  # added, removed or changed
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "old": self.old, "new": self.new}
        if self.old and self.new:
            data["inline"] = inline_diff(self.old["text"], self.new["text"])
        return data


def similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _pair(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[ClauseChange]:
    """Changes inside one replaced block: best-matching pairs first, in the new page's order."""
    candidates = sorted(
        ((similarity(o["key"], n["key"]), i, j) for i, o in enumerate(old) for j, n in enumerate(new)),
        reverse=True,
    )
    paired_old: dict[int, int] = {}
    paired_new: set[int] = set()
    for ratio, i, j in candidates:
        if ratio < SIMILAR:
            break
        if i not in paired_old and j not in paired_new:
            paired_old[i] = j
            paired_new.add(j)
    by_new = {j: i for i, j in paired_old.items()}
    changes = [ClauseChange("removed", clause, None) for i, clause in enumerate(old) if i not in paired_old]
    for j, clause in enumerate(new):
        if j in by_new:
            changes.append(ClauseChange("changed", old[by_new[j]], clause))
        else:
            changes.append(ClauseChange("added", None, clause))
    return changes


def diff_clauses(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[ClauseChange]:
    """Added, removed and changed clauses from `old` to `new` (each a clause dict with `key` and `text`)."""
    matcher = SequenceMatcher(None, [c["key"] for c in old], [c["key"] for c in new], autojunk=False)
    changes: list[ClauseChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "delete":
            changes += [ClauseChange("removed", clause, None) for clause in old[i1:i2]]
        elif tag == "insert":
            changes += [ClauseChange("added", None, clause) for clause in new[j1:j2]]
        elif tag == "replace":
            changes += _pair(old[i1:i2], new[j1:j2])
    return changes


def count_changes(changes: list[ClauseChange]) -> dict[str, int]:
    counts = {"added": 0, "removed": 0, "changed": 0}
    for change in changes:
        counts[change.kind] += 1
    return counts


def inline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The two wordings as (op, text) pieces: op is `equal`, `delete` (only in old) or `insert` (only in new)."""
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("equal", old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            pieces.append(("delete", old[i1:i2]))
        if tag in ("insert", "replace"):
            pieces.append(("insert", new[j1:j2]))
    return pieces

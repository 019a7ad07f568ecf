"""The labelled clause set, its dev and locked test parts, and recall and precision of the clause scorer on each.

The clauses are worded like real platform agreements and merchants' terms, about half of them lawful
look-alikes. They sit in two files: `clauses.jsonl` is the dev part that patterns are tuned on, and
`clauses_test.jsonl` is the test part that is only measured. The parts are files rather than a hash of each
id because the first test part was tuned on and so joined dev; a test part written apart from dev replaced it.
The test part is locked: its ids and a SHA-256 of its records are kept in `clauses_test.lock.json`, and
evaluation refuses to run when the test part no longer matches it, or when an id is in both parts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import InputFileError

from ..scoring.evaluate import Counts, read_labelled
from .scorer import ClauseScorer

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval_set"
CLAUSE_SET = EVAL_DIR / "clauses.jsonl"
TEST_SET = EVAL_DIR / "clauses_test.jsonl"
TEST_LOCK = EVAL_DIR / "clauses_test.lock.json"


def read_clauses(path: Path = CLAUSE_SET) -> list[dict[str, Any]]:
    """Every labelled clause (`id`, `text`, `unfair`, `group`); a malformed line names its number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputFileError(path, f"cannot read: {error.strerror or error}") from None
    return [record for _, record in read_labelled(path, lines, required=("id", "text", "unfair"))]


def read_parts(
    dev_path: Path = CLAUSE_SET, test_path: Path = TEST_SET
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(dev, test); an id in both parts is refused, since a clause would then be tuned on and measured."""
    dev, test = read_clauses(dev_path), read_clauses(test_path)
    shared = sorted({str(r["id"]) for r in dev} & {str(r["id"]) for r in test})
    if shared:
        raise InputFileError(test_path, "ids also in the dev part: " + ", ".join(shared[:5]))
    return dev, test


def part_digest(records: Iterable[dict[str, Any]]) -> str:
    """SHA-256 over the id, text and label of each record, in id order."""
    lines = [
        json.dumps([r["id"], r["text"], bool(r["unfair"]), r.get("group")], ensure_ascii=False)
        for r in sorted(records, key=lambda r: str(r["id"]))
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def lock_data(test: list[dict[str, Any]]) -> dict[str, Any]:
    return {"set": TEST_SET.name, "ids": sorted(str(r["id"]) for r in test), "sha256": part_digest(test)}


def check_lock(test: list[dict[str, Any]], lock_path: Path = TEST_LOCK) -> None:
    """Refuse to evaluate on a test part that differs from the locked one (edited, added or removed clauses)."""
    try:
        locked = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputFileError(lock_path, f"cannot read the test lock: {error}") from None
    if lock_data(test) != locked:
        raise InputFileError(
            lock_path, "测试集已被改动，与锁定的不符 / the locked test part of the clause set was changed"
        )


@dataclass(kw_only=True)
class PartFigures(Counts):
    """Counts and figures of one part; `misses` and `false_alarms` name the clauses (dev only)."""

    name: str
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def to_dict(self) -> dict[str, Any]:
        counts = super().to_dict()
        del counts["f1"]
        return {
            "part": self.name,
            "clauses": self.total,
            "unfair": self.tp + self.fn,
            **counts,
            "misses": self.misses,
            "false_alarms": self.false_alarms,
        }


def evaluate_part(
    scorer: ClauseScorer, name: str, records: Iterable[dict[str, Any]], list_clauses: bool = True
) -> PartFigures:
    """Counts of one part; with `list_clauses` off (the locked test part) misses and false alarms are only
    counted, so that reading the figures never shows which wording to tune on."""
    figures = PartFigures(name=name)
    for record in records:
        result = scorer.score(str(record["text"]))
        expected, predicted = bool(record["unfair"]), result.unfair
        figures.add(expected, predicted)
        if list_clauses and expected != predicted:
            brief = {"id": record["id"], "score": result.score, "text": record["text"]}
            (figures.false_alarms if predicted else figures.misses).append(brief)
    return figures


def evaluate_clause_set(
    scorer: ClauseScorer, path: Path = CLAUSE_SET, test_path: Path = TEST_SET, lock_path: Path = TEST_LOCK
) -> tuple[PartFigures, PartFigures]:
    """Figures on the dev and the locked test part of the clause set; only dev's misses are listed."""
    dev, test = read_parts(path, test_path)
    check_lock(test, lock_path)
    return evaluate_part(scorer, "dev", dev), evaluate_part(scorer, "test", test, list_clauses=False)

"""Evaluation of the scorer on a labelled JSONL set (``expect_lead``, ``expect_category``, ``kind``), or on
the demo marketplace catalogue, an independent labelled set (each listing's ``kind`` and ``category``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import InputFileError

from .hits import ScoreResult
from .scorer import Scorer

# What a sweep adds to the rules' result (the model in use, see pipelines.model.predict.combine), given the
# labelled listing's line, the record and the rules' result; returns the combined result as a dict.
Combine = Callable[[int, dict[str, Any], ScoreResult], dict[str, Any]]

DISGUISED_KINDS = ("obfuscated", "code_word", "disguised")
OFFENCE_KINDS = ("plain", "disguised")


# The shipped set is split once, by a fixed seed, into ``dev`` (rules and weights are tuned on it) and a
# locked ``test`` part (only measured). A listing's part follows from its text alone, so adding listings never
# moves an existing one; ``eval_set/test.lock`` holds a digest of the test part, and a test fails when the
# test part changes without the lock being renewed on purpose.
SPLIT_SEED = "tradewatch-eval-split-1"
TEST_SHARE_PERMILLE = 300
PARTS = ("dev", "test")


def shipped_eval_set() -> Path:
    return Path(__file__).resolve().parent.parent / "eval_set" / "listings.jsonl"


def split_of(record: dict[str, Any]) -> str:
    """``dev`` or ``test`` for a labelled listing, from a keyed hash of its title and description."""
    text = f"{SPLIT_SEED}\n{record.get('title') or ''}\n{record.get('description') or ''}"
    bucket = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") % 1000
    return "test" if bucket < TEST_SHARE_PERMILLE else "dev"


def split_records(
    records: Iterable[tuple[int, dict[str, Any]]],
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    parts: dict[str, list[tuple[int, dict[str, Any]]]] = {part: [] for part in PARTS}
    for line, record in records:
        parts[split_of(record)].append((line, record))
    return parts


def locked_part_digest(records: Iterable[tuple[int, dict[str, Any]]]) -> str:
    """SHA-256 over the test part's listings (order-free), the value kept in ``eval_set/test.lock``."""
    return records_digest(record for _line, record in records if split_of(record) == "test")


def records_digest(records: Iterable[dict[str, Any]]) -> str:
    """SHA-256 over labelled listings as stored, whatever their order: any added, removed or edited one changes it."""
    rows = sorted(json.dumps(record, ensure_ascii=False, sort_keys=True) for record in records)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


def read_labelled(
    path: Path, lines: Iterable[str] | None = None, required: tuple[str, ...] = ("title", "expect_lead")
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, record); a malformed line, or one without the `required` keys, raises InputFileError
    with its line."""
    source = lines if lines is not None else path.open(encoding="utf-8")
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputFileError(path, f"not JSON: {error.msg}", number) from None
        if not isinstance(record, dict) or any(key not in record for key in required):
            raise InputFileError(path, "needs " + " and ".join(f"`{key}`" for key in required), number)
        yield number, record


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Report:
    total: int = 0
    overall: Counts = field(default_factory=Counts)
    category_correct: int = 0
    by_family: dict[str, Counts] = field(default_factory=dict)
    by_category: dict[str, Counts] = field(default_factory=dict)
    by_kind: dict[str, Counts] = field(default_factory=dict)
    by_class: dict[str, Counts] = field(default_factory=dict)
    disguised: Counts = field(default_factory=Counts)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    wrong_category: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, listed: bool = True) -> dict[str, Any]:
        """The figures; with ``listed`` false (the locked test part) misses, false alarms and wrong categories are
        counted, not listed, so that nobody tunes a rule on a listing of the test part."""
        items = {"misses": self.misses, "false_alarms": self.false_alarms, "wrong_category": self.wrong_category}
        return {
            "total": self.total,
            "listed": listed,
            "leads": self.overall.to_dict(),
            "disguised": self.disguised.to_dict(),
            "category_accuracy": round(self.category_correct / self.overall.tp, 4) if self.overall.tp else None,
            "by_family": {k: v.to_dict() for k, v in sorted(self.by_family.items())},
            "by_category": {k: v.to_dict() for k, v in sorted(self.by_category.items())},
            "by_kind": {k: v.to_dict() for k, v in sorted(self.by_kind.items())},
            "by_class": {k: v.to_dict() for k, v in sorted(self.by_class.items())},
            **{name: (rows if listed else len(rows)) for name, rows in items.items()},
        }


def _decision(
    scorer: Scorer, line: int, record: dict[str, Any], combine: Combine | None
) -> tuple[bool, int, str | None]:
    """Lead or not, score and category of a listing: the rules' alone, or with what ``combine`` adds."""
    result = scorer.score(record)
    if combine is None:
        return result.is_lead, result.score, result.category
    combined = combine(line, record, result)
    return bool(combined["is_lead"]), int(combined["score"]), combined.get("category")


def evaluate(scorer: Scorer, records: Iterable[tuple[int, dict[str, Any]]], combine: Combine | None = None) -> Report:
    """Score every labelled listing (with the rules alone, or with what ``combine`` adds, as a sweep does);
    per family/category a listing counts where it is expected or predicted."""
    report = Report()
    for line, record in records:
        report.total += 1
        expected = bool(record["expect_lead"])
        expected_cat = record.get("expect_category") if expected else None
        predicted, score, category = _decision(scorer, line, record, combine)
        report.overall.add(expected, predicted)
        kind = str(record.get("kind") or "unlabelled")
        report.by_kind.setdefault(kind, Counts()).add(expected, predicted)
        if record.get("class"):
            report.by_class.setdefault(str(record["class"]), Counts()).add(expected, predicted)
        if kind in DISGUISED_KINDS:
            report.disguised.add(expected, predicted)
        predicted_cat = category if predicted else None
        for cat in {c for c in (expected_cat, predicted_cat) if c}:
            report.by_category.setdefault(cat, Counts()).add(cat == expected_cat, cat == predicted_cat)
        exp_family = str(expected_cat).split(".")[0] if expected_cat else None
        pred_family = predicted_cat.split(".")[0] if predicted_cat else None
        for fam in {f for f in (exp_family, pred_family) if f}:
            exp_f = exp_family == fam
            pred_f = pred_family == fam
            report.by_family.setdefault(fam, Counts()).add(exp_f, pred_f)
        brief = {
            "line": line,
            **({"listing_id": record["listing_id"]} if "listing_id" in record else {}),
            "kind": kind,
            "title": record.get("title"),
            "score": score,
            "expected": expected_cat,
            "got": category,
        }
        if expected and not predicted:
            report.misses.append(brief)
        elif predicted and not expected:
            report.false_alarms.append(brief)
        elif expected and predicted:
            if expected_cat and predicted_cat != expected_cat:
                report.wrong_category.append(brief)
            else:
                report.category_correct += 1
    return report


def load_records(path: Path | None) -> tuple[Path, list[tuple[int, dict[str, Any]]]]:
    target = path or shipped_eval_set()
    try:
        return target, list(read_labelled(target))
    except OSError as error:
        raise InputFileError(target, f"cannot read: {error.strerror or error}") from None


def catalogue_records(listings: Iterable[Any]) -> list[tuple[int, dict[str, Any]]]:
    """A labelled catalogue's listings (with ``listing_id``, ``title``, ``description``, ``price``, ``kind``
    and ``category``, as the demo marketplace's) as labelled records: a listing of kind plain or disguised is
    expected to be a lead of its ``category``; ordinary listings and hard negatives are expected not to be
    leads. ``line`` is the listing's position in the catalogue. The caller builds the catalogue, so the scorer
    does not depend on the crawl side."""
    records: list[tuple[int, dict[str, Any]]] = []
    for position, listing in enumerate(listings, start=1):
        offence = listing.kind in OFFENCE_KINDS
        records.append(
            (
                position,
                {
                    "listing_id": listing.listing_id,
                    "title": listing.title,
                    "description": listing.description,
                    "price": float(listing.price),
                    "expect_lead": offence,
                    "expect_category": listing.category if offence else None,
                    "kind": listing.kind,
                },
            )
        )
    return records


# False alarms per 10,000 ordinary listings that the acceptance allows on a background set.
BACKGROUND_TARGET_PER_10K = 5.0


@dataclass
class BackgroundReport:
    """How many real, ordinary listings (a background set nobody here wrote) the scorer flags as leads."""

    total: int = 0
    source: str | None = None
    licence: str | None = None
    flagged: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list, repr=False)

    @property
    def per_10k(self) -> float:
        return 10_000 * len(self.flagged) / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "source": self.source,
            "licence": self.licence,
            "flagged": len(self.flagged),
            "false_alarms_per_10k": round(self.per_10k, 2),
            "target_per_10k": BACKGROUND_TARGET_PER_10K,
            "false_alarms": self.flagged,
        }


def read_background(path: Path, lines: Iterable[str] | None = None) -> BackgroundReport:
    """Read a background set: one ordinary listing per line, either its title as plain text or a JSON object with
    ``title`` (and optionally ``description`` and ``price``). ``# source: …`` and ``# licence: …`` comment lines
    record where the titles come from; other ``#`` lines and blank lines are skipped. The records are kept in the
    report's ``records`` for :func:`evaluate_background`."""
    report = BackgroundReport()
    records = report.records
    try:
        source = lines if lines is not None else path.open(encoding="utf-8")
        for number, raw in enumerate(source, start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                key, _sep, value = line.lstrip("#").partition(":")
                key = key.strip().lower()
                if key == "source":
                    report.source = value.strip() or None
                elif key in {"licence", "license"}:
                    report.licence = value.strip() or None
                continue
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputFileError(path, f"not JSON: {error.msg}", number) from None
                if not isinstance(record, dict) or not isinstance(record.get("title"), str):
                    raise InputFileError(path, "needs `title`", number)
            else:
                record = {"title": line}
            records.append((number, record))
    except UnicodeDecodeError:
        raise InputFileError(path, "not UTF-8 text") from None
    except OSError as error:
        raise InputFileError(path, f"cannot read: {error.strerror or error}") from None
    report.total = len(records)
    return report


def evaluate_background(scorer: Scorer, report: BackgroundReport, combine: Combine | None = None) -> BackgroundReport:
    """Score every listing of a background set read by :func:`read_background` (with the rules alone, or with
    what ``combine`` adds); each lead is a false alarm."""
    for line, record in report.records:
        is_lead, score, category = _decision(scorer, line, record, combine)
        if is_lead:
            report.flagged.append({"line": line, "title": record.get("title"), "score": score, "got": category})
    return report

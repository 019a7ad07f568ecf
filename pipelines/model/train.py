"""Training the bureau's model with scikit-learn, and the figures that say whether it helps.

A logistic regression over character n-grams (1-4) of the normalised title and description plus the rules'
verdict (:mod:`pipelines.model.features`), with a fixed seed: the same labels give the same weights. The
fitted weights are kept as plain numbers; every held-out listing is scored through :class:`Model`, the code
that scores sweeps, so the figures describe what officers will get.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipelines.model.features import fold_fields, ngrams, rule_features
from pipelines.model.labels import Example, data_hash
from pipelines.model.predict import Model, cleared_by_rules, is_combined_lead
from pipelines.scoring.evaluate import DISGUISED_KINDS
from pipelines.scoring.fold_text import Normaliser
from pipelines.scoring.scorer import Scorer

SEED = 0
REGULARISATION_C = 5.0
MIN_PER_CLASS = 2  # labels of each kind needed to train at all
SMALL_SET = 200  # below this many examples an n-gram seen once is kept
CALIBRATION_BINS = 10


class TooFewLabels(ValueError):
    def __init__(self, positive: int, negative: int) -> None:
        super().__init__(f"{positive} positive, {negative} negative")
        self.positive = positive
        self.negative = negative


@dataclass
class Row:
    """An example as the model sees it: its n-grams, the rules' result, and its label."""

    example: Example
    grams: list[str]
    rules: dict[str, Any]


def featurise(examples: Sequence[Example], scorer: Scorer) -> list[Row]:
    normaliser = Normaliser()
    return [
        Row(e, sorted(ngrams(*fold_fields(normaliser, e.listing()))), scorer.score(e.listing()).to_dict())
        for e in examples
    ]


def _identity(grams: list[str]) -> list[str]:
    return grams


def fit(rows: Sequence[Row], *, seed: int = SEED) -> dict[str, Any]:
    """The weights of a model trained on ``rows``: intercept, n-gram weights, rule-feature weights."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    labels = [row.example.label for row in rows]
    positive = sum(labels)
    if positive < MIN_PER_CLASS or len(labels) - positive < MIN_PER_CLASS:
        raise TooFewLabels(positive, len(labels) - positive)
    text = CountVectorizer(analyzer=_identity, binary=True, min_df=1 if len(rows) < SMALL_SET else 2)
    rule = DictVectorizer()
    matrix = hstack(
        [
            text.fit_transform([row.grams for row in rows]),
            rule.fit_transform([rule_features(row.rules, row.example.price) for row in rows]),
        ]
    ).tocsr()
    classifier = LogisticRegression(
        C=REGULARISATION_C, class_weight="balanced", solver="liblinear", random_state=seed, max_iter=2000
    )
    classifier.fit(matrix, labels)
    weights = classifier.coef_[0]
    names = [*text.get_feature_names_out(), *rule.get_feature_names_out()]
    split = len(text.vocabulary_)
    return {
        "intercept": round(float(classifier.intercept_[0]), 6),
        "ngram_weights": {n: round(float(w), 6) for n, w in zip(names[:split], weights[:split], strict=True) if w},
        "rule_weights": {n: round(float(w), 6) for n, w in zip(names[split:], weights[split:], strict=True) if w},
    }


def predict_rows(weights: dict[str, Any], rows: Sequence[Row]) -> list[float]:
    model = Model({"version": 0, **weights})
    return [model.predict(row.example.listing(), row.rules).probability for row in rows]


# ------------------------------------------------------------------------------------------------ figures


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if not precision or not recall:
        return 0.0 if precision is not None and recall is not None else None
    return round(2 * precision * recall / (precision + recall), 4)


def _decisions(rows: Sequence[Row], probabilities: Sequence[float], lift: float) -> list[bool]:
    """Which listings rules and model together make leads (what `combine` decides)."""
    return [
        is_combined_lead(bool(r.rules["is_lead"]), p, lift, cleared=cleared_by_rules(r.rules))
        for r, p in zip(rows, probabilities, strict=True)
    ]


def _usable(rows: Sequence[Row], probabilities: Sequence[float]) -> list[float]:
    """The probabilities as the combination uses them: none for a listing the rules cleared (it is never lifted)."""
    return [
        0.0 if cleared_by_rules(r.rules) and not r.rules["is_lead"] else p
        for r, p in zip(rows, probabilities, strict=True)
    ]


def _precision_recall(labels: Sequence[bool], decided: Sequence[bool]) -> tuple[float | None, float | None]:
    true_positive = sum(1 for label, lead in zip(labels, decided, strict=True) if label and lead)
    return _ratio(true_positive, sum(decided)), _ratio(true_positive, sum(labels))


def precision_at_recall(labels: Sequence[bool], probabilities: Sequence[float], recall: float) -> float | None:
    """Precision of the model's ranking cut where it first reaches ``recall`` (ties cut together)."""
    total = sum(labels)
    if not total:
        return None
    ranked = sorted(zip(probabilities, labels, strict=True), key=lambda pair: -pair[0])
    found = taken = 0
    index = 0
    while index < len(ranked):
        probability = ranked[index][0]
        while index < len(ranked) and ranked[index][0] == probability:
            found += ranked[index][1]
            taken += 1
            index += 1
        if found / total >= recall - 1e-9:
            return round(found / taken, 4)
    return round(found / taken, 4) if taken else None


def calibration(labels: Sequence[bool], probabilities: Sequence[float]) -> dict[str, float | None]:
    """Brier score and expected calibration error (equal-width bins) of the probabilities."""
    if not labels:
        return {"brier": None, "ece": None}
    brier = sum((p - float(y)) ** 2 for p, y in zip(probabilities, labels, strict=True)) / len(labels)
    bins: dict[int, list[tuple[float, bool]]] = {}
    for p, y in zip(probabilities, labels, strict=True):
        bins.setdefault(min(CALIBRATION_BINS - 1, math.floor(p * CALIBRATION_BINS)), []).append((p, y))
    ece = sum(
        len(items) / len(labels) * abs(sum(p for p, _ in items) / len(items) - sum(y for _, y in items) / len(items))
        for items in bins.values()
    )
    return {"brier": round(brier, 4), "ece": round(ece, 4)}


def figures(rows: Sequence[Row], probabilities: Sequence[float], *, lift: float) -> dict[str, Any]:
    """Model with rules against rules alone on the same labelled listings."""
    labels = [row.example.label for row in rows]
    combined = _decisions(rows, probabilities, lift)
    rules_only = [bool(row.rules["is_lead"]) for row in rows]
    precision, recall = _precision_recall(labels, combined)
    rules_precision, rules_recall = _precision_recall(labels, rules_only)
    by_kind: dict[str, dict[str, Any]] = {}
    for row, with_model, alone in zip(rows, combined, rules_only, strict=True):
        kind = row.example.kind
        if not kind or not row.example.label:
            continue
        for name in {kind, "disguised"} if kind in DISGUISED_KINDS else {kind}:
            entry = by_kind.setdefault(name, {"positives": 0, "model": 0, "rules": 0})
            entry["positives"] += 1
            entry["model"] += with_model
            entry["rules"] += alone
    return {
        "listings": len(rows),
        "positives": sum(labels),
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        **calibration(labels, probabilities),
        "rules": {"precision": rules_precision, "recall": rules_recall, "f1": _f1(rules_precision, rules_recall)},
        "precision_at_rules_recall": (
            precision_at_recall(labels, _usable(rows, probabilities), rules_recall)
            if rules_recall is not None
            else None
        ),
        "recall_by_kind": {
            kind: {
                "positives": e["positives"],
                "model": _ratio(e["model"], e["positives"]),
                "rules": _ratio(e["rules"], e["positives"]),
            }
            for kind, e in sorted(by_kind.items())
        },
    }


def holdout(train: Sequence[Row], test: Sequence[Row], *, seed: int = SEED) -> list[float]:
    """Train on ``train`` and give the probabilities of ``test``."""
    return predict_rows(fit(train, seed=seed), test)


def fold_predictions(rows: Sequence[Row], folds: int, *, seed: int = SEED) -> tuple[list[float], list[int]] | None:
    """Out-of-fold probabilities of every row and its fold (stratified, shuffled with the seed); None when
    there are too few labels of a kind for two folds."""
    from sklearn.model_selection import StratifiedKFold

    labels = [row.example.label for row in rows]
    smallest = min(sum(labels), len(labels) - sum(labels))
    folds = min(folds, smallest // MIN_PER_CLASS if smallest >= 2 * MIN_PER_CLASS else 0)
    if folds < 2:
        return None
    probabilities = [0.0] * len(rows)
    fold_of = [0] * len(rows)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for number, (train_index, test_index) in enumerate(splitter.split(labels, labels), start=1):
        predicted = holdout([rows[i] for i in train_index], [rows[i] for i in test_index], seed=seed)
        for i, probability in zip(test_index, predicted, strict=True):
            probabilities[i] = probability
            fold_of[i] = number
    return probabilities, fold_of


def train_model(
    examples: Sequence[Example],
    scorer: Scorer,
    *,
    folds: int,
    lift: float,
    created_by: str,
    sources: dict[str, int],
    seed: int = SEED,
) -> dict[str, Any]:
    """A model trained on every example, with its cross-validated figures and what it was trained on."""
    rows = featurise(examples, scorer)
    weights = fit(rows, seed=seed)
    cross = fold_predictions(rows, folds, seed=seed)
    positive = sum(1 for e in examples if e.label)
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "created_by": created_by,
        "data_hash": data_hash(examples),
        "labels": {"positive": positive, "negative": len(examples) - positive, "total": len(examples), **sources},
        "cross_validation": None if cross is None else {"folds": max(cross[1]), **figures(rows, cross[0], lift=lift)},
        "parameters": {"ngram_sizes": [1, 2, 3, 4], "C": REGULARISATION_C, "seed": seed, "threshold": scorer.threshold},
        **weights,
    }


def is_worse(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether a new model's cross-validated figures are worse than the old one's: lower F1, or an F1 not known
    where the old one's was."""
    new_cv, old_cv = new.get("cross_validation") or {}, old.get("cross_validation") or {}
    old_f1 = old_cv.get("f1")
    if old_f1 is None:
        return False
    new_f1 = new_cv.get("f1")
    return new_f1 is None or new_f1 < old_f1

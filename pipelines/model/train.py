"""Training the bureau's model with scikit-learn, and the figures that say whether it helps.

A logistic regression over character n-grams (1-4) of the normalised title (``NGRAM_FIELDS``), the rules'
verdict (:mod:`pipelines.model.features`) and the classes of the listing's words (:mod:`pipelines.model.meaning`),
with a fixed seed: the same labels give the same weights. The fitted weights are kept as plain numbers; every
held-out listing is scored through :class:`Model`, the code that scores sweeps, so the figures describe what
officers will get.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.config import get_settings
from pipelines.model.features import (
    NGRAM_FIELDS,
    NGRAM_SIZES,
    UNWEIGHED_BAND,
    UNWEIGHED_LIST,
    Unweighed,
    fold_fields,
    ngrams,
    rule_features,
    title_ngrams,
)
from pipelines.model.labels import Example, data_hash
from pipelines.model.meaning import MEANING_PREFIX, MeaningIndex, classes_for
from pipelines.model.predict import Model, cleared_by_rules, is_combined_lead, lift_allowed
from pipelines.scoring.evaluate import DISGUISED_KINDS
from pipelines.scoring.scorer import Scorer

SEED = 0
REGULARISATION_C = 5.0
# The dual solver's stopping tolerance: LIBLINEAR's own default for it is 0.1; scikit-learn's 1e-4 spends most
# of the fit on digits that change no decision (the cross-validated figures are the same at 1e-2).
TOLERANCE = 1e-2
MIN_PER_CLASS = 2  # labels of each kind needed to train at all
SMALL_SET = 200  # below this many examples an n-gram seen once is kept
# The per-category model (which category a lifted lead gets): its regularisation and the n-grams it keeps
# for each category, those of largest weight. Measured on the dev part's cross-validation (five folds): C = 1
# names 0.912 of the leads rightly, 0.800 of those the rules miss (the ones a model lifts), against 0.908 and
# 0.784 at C = 5 and 0.895 and 0.768 at C = 20.
CATEGORY_C = 1.0
CATEGORY_MAX_NGRAMS = 2000
MIN_CATEGORIES = 2  # categories needed to learn one
CALIBRATION_BINS = 10


class TooFewLabels(ValueError):
    def __init__(self, positive: int, negative: int) -> None:
        super().__init__(f"{positive} positive, {negative} negative")
        self.positive = positive
        self.negative = negative


@dataclass
class Row:
    """An example as the model sees it: its n-grams, the rules' result, its normalised text, its meaning features
    (:mod:`pipelines.model.meaning`) with the classes they come from (one mapping, shared by all rows), and its
    label."""

    example: Example
    grams: list[str]
    rules: dict[str, Any]
    folded: tuple[str, str] | None = None
    meaning: dict[str, float] = field(default_factory=dict)
    classes: dict[str, list[str]] | None = None
    unweighed: list[str] | None = None  # the words cut from the title before its n-grams (shared by all rows)


def featurise(examples: Sequence[Example], scorer: Scorer) -> list[Row]:
    """Each example scored once by the rules; its n-grams are taken from the title as the scorer normalised
    it (``NGRAM_FIELDS``), those holding a Chinese character (``title_ngrams``), and the meaning features of that
    title from the classes of the scorer's watchlists and the dictionary; the unweighed words (``UNWEIGHED_LIST``)
    are cut from the title before its n-grams are taken."""
    classes = classes_for(scorer.watchlists.signals, scorer.normaliser.fold)
    index = MeaningIndex(classes)
    fold = scorer.normaliser.fold
    unweighed = sorted({f for w in getattr(scorer.watchlists.signals, UNWEIGHED_LIST) if (f := fold(w))})
    cutter = Unweighed(unweighed)
    rows = []
    for example in examples:
        result = scorer.score(example.listing())
        folded = result.folded or fold_fields(scorer.normaliser, example.listing())
        meaning = index.features(folded[0])
        grams = sorted(title_ngrams(cutter.cut(folded[0])))
        rows.append(Row(example, grams, result.to_dict(), folded, meaning, classes, unweighed))
    return rows


def _identity(grams: list[str]) -> list[str]:
    return grams


def _weighed(row: Row) -> dict[str, float]:
    """A row's rule and meaning features, but for the price band no model weighs (``UNWEIGHED_BAND``)."""
    features = {**rule_features(row.rules, row.example.price), **row.meaning}
    features.pop(UNWEIGHED_BAND, None)
    return features


@dataclass
class Design:
    """The feature matrix of a list of rows, built once and sliced for each fold of the cross-validation."""

    matrix: Any  # scipy.sparse CSR, one row per example: n-gram columns, then rule and meaning features
    labels: Any  # numpy bool array
    names: list[str]
    ngram_count: int
    classes: dict[str, list[str]] | None = None  # the meaning classes of the rows' features
    unweighed: list[str] | None = None  # the words cut from the rows' titles before their n-grams

    @classmethod
    def build(cls, rows: Sequence[Row]) -> Design:
        import numpy as np
        from scipy.sparse import hstack
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import CountVectorizer

        text = CountVectorizer(analyzer=_identity, binary=True, min_df=1 if len(rows) < SMALL_SET else 2)
        # rule and meaning features share a vectoriser: their names never clash (``rule:``/``score:``/``price:``
        # against ``meaning:``), and fit() tells them apart by prefix
        rule = DictVectorizer()
        matrix = hstack(
            [
                text.fit_transform([row.grams for row in rows]),
                rule.fit_transform([_weighed(row) for row in rows]),
            ]
        ).tocsr()
        names = [*text.get_feature_names_out(), *rule.get_feature_names_out()]
        labels = np.array([row.example.label for row in rows], dtype=bool)
        classes = next((row.classes for row in rows if row.classes is not None), None)
        unweighed = next((row.unweighed for row in rows if row.unweighed is not None), None)
        return cls(matrix, labels, names, len(text.vocabulary_), classes, unweighed)

    def parameters(self) -> dict[str, Any]:
        """What a model of these rows records of how its n-grams are read (see ``Model``)."""
        if self.unweighed is None:
            return {"ngram_fields": NGRAM_FIELDS}
        return {"ngram_fields": NGRAM_FIELDS, "unweighed": list(self.unweighed)}

    def fit(self, indices: Any = None, *, seed: int = SEED, max_ngrams: int | None = None) -> dict[str, Any]:
        """The weights of a model trained on the rows at ``indices`` (all rows by default), keeping the
        ``max_ngrams`` n-grams of largest weight (the setting ``model_max_ngrams`` by default).

        An n-gram absent from those rows gets no weight (its column is empty), so slicing one matrix built
        over every row trains the same model as a matrix built over the slice alone, but for the ``min_df``
        cut, which counts all rows.
        """
        from sklearn.linear_model import LogisticRegression

        matrix, labels = (self.matrix, self.labels) if indices is None else (self.matrix[indices], self.labels[indices])
        positive = int(labels.sum())
        _check_counts(positive, len(labels) - positive)
        # the dual solver: far fewer examples than n-grams, where it converges several times faster
        classifier = LogisticRegression(
            C=REGULARISATION_C,
            class_weight="balanced",
            solver="liblinear",
            dual=True,
            tol=TOLERANCE,
            random_state=seed,
            max_iter=2000,
        )
        classifier.fit(matrix, labels)
        split = self.ngram_count
        weights = classifier.coef_[0].copy()
        # no refit after: the features left would take up the dropped ones' share (on dev, two refits found fewer
        # leads in cross-validation and still lifted real phone titles the cut alone leaves)
        weights[sign_inconsistent(matrix[:, :split], labels, weights[:split])] = 0.0
        names = self.names
        # the meaning classes too: a class of look-alikes' words (innocence:food, 0.37 against 40 leads in 99 dev
        # titles; gem&part, 37 in 90) took a positive weight beside the n-grams; the rules' features are left, their
        # weights share the score's
        meaning = [i for i in range(split, len(names)) if names[i].startswith(MEANING_PREFIX)]
        if meaning:
            weights[[meaning[i] for i in sign_inconsistent(matrix[:, meaning], labels, weights[meaning])]] = 0.0
        others = {n: round(float(w), 6) for n, w in zip(names[split:], weights[split:], strict=True) if w}
        data: dict[str, Any] = {
            "parameters": self.parameters(),
            "intercept": round(float(classifier.intercept_[0]), 6),
            "ngram_weights": strongest_of(names[:split], weights[:split], _max_ngrams(max_ngrams)),
            "rule_weights": {n: w for n, w in others.items() if not n.startswith(MEANING_PREFIX)},
        }
        if self.classes is not None:
            data["meaning"] = {
                "classes": self.classes,
                "weights": {n: w for n, w in others.items() if n.startswith(MEANING_PREFIX)},
            }
        return data


def sign_inconsistent(ngrams: Any, labels: Any, weights: Any) -> Any:
    """The columns (n-grams, meaning classes) whose fitted weight has the other sign than their rows' lead rate
    against the rows' overall rate: a word seen mostly in innocent listings that other features let take a positive
    weight (玻璃 in phone accessories, 13 of its 18 dev titles innocent), or the reverse. Smoothing a rate towards
    the overall rate moves it by its count but never across, so the raw counts decide."""
    import numpy as np

    seen = np.asarray(ngrams.sum(axis=0)).ravel()
    leads = np.asarray(ngrams[labels].sum(axis=0)).ravel()
    association = leads - seen * labels.mean()
    return np.flatnonzero(((weights > 0) & (association < 0)) | ((weights < 0) & (association > 0)))


def _max_ngrams(value: int | None) -> int:
    return get_settings().model_max_ngrams if value is None else value


def strongest(weights: dict[str, float], limit: int) -> dict[str, float]:
    """The ``limit`` n-grams of largest absolute weight (ties by the n-gram), none of weight zero.

    Scoring finds a model's n-grams in each listing; the weakest thousands of an unpruned model change a
    probability by little and cost most of the time.
    """
    kept = sorted(((abs(w), g) for g, w in weights.items() if w), key=lambda pair: (-pair[0], pair[1]))[:limit]
    return {gram: weights[gram] for _, gram in sorted(kept, key=lambda pair: pair[1])}


def strongest_of(names: Sequence[str], weights: Any, limit: int) -> dict[str, float]:
    """``strongest`` of the n-grams ``names`` with their fitted ``weights`` (a numpy array) rounded to six places.

    Only the weights that can be among the ``limit`` strongest are rounded and sorted: those within 1e-6 of the
    limit-th largest magnitude (rounding moves none by more than 5e-7 and keeps their order), so the result is
    the same as rounding all. The seed's build fits the per-category model six times over 70,000 n-grams and
    some thirty categories: rounding and sorting every weight took a third of the build's time (profiled).
    """
    import numpy as np

    magnitudes = np.abs(weights)
    count = len(magnitudes)
    if 0 < limit < count:
        cut = np.partition(magnitudes, count - limit)[count - limit]
        keep: Any = np.flatnonzero(magnitudes >= cut - 1e-6)
    else:
        keep = range(count)
    return strongest({str(names[i]): round(float(weights[i]), 6) for i in keep}, limit)


def fit(rows: Sequence[Row], *, seed: int = SEED, max_ngrams: int | None = None) -> dict[str, Any]:
    """The weights of a model trained on ``rows``: intercept, n-gram weights, rule-feature weights."""
    positive = sum(1 for row in rows if row.example.label)
    _check_counts(positive, len(rows) - positive)
    return Design.build(rows).fit(seed=seed, max_ngrams=max_ngrams)


def fit_categories(
    rows: Sequence[Row], *, seed: int = SEED, max_ngrams: int = CATEGORY_MAX_NGRAMS
) -> dict[str, Any] | None:
    """Per-category weights over the n-grams of the positives that name a category (a multinomial logistic
    regression), for the category of a lead the model lifts; None with fewer than two categories."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    named = [row for row in rows if row.example.label and row.example.category]
    labels = [str(row.example.category) for row in named]
    if len(set(labels)) < MIN_CATEGORIES:
        return None
    text = CountVectorizer(analyzer=_identity, binary=True, min_df=1 if len(named) < SMALL_SET else 2)
    # title and description: which goods a listing sells is often said in its description only
    matrix = text.fit_transform([sorted(ngrams(*(row.folded or ("", "")))) for row in named])
    classifier = LogisticRegression(C=CATEGORY_C, max_iter=3000, random_state=seed)
    classifier.fit(matrix, labels)
    classes = [str(c) for c in classifier.classes_]
    coef, intercepts = classifier.coef_, classifier.intercept_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: the second's against the first's
        coef, intercepts = np.vstack([-coef / 2, coef / 2]), np.array([-intercepts[0] / 2, intercepts[0] / 2])
    names = text.get_feature_names_out()
    return {
        "intercepts": {c: round(float(b), 6) for c, b in zip(classes, intercepts, strict=True)},
        "ngram_weights": {
            c: strongest_of(names, weights, max_ngrams) for c, weights in zip(classes, coef, strict=True)
        },
    }


def category_accuracy(rows: Sequence[Row], folds: int, *, seed: int = SEED) -> float | None:
    """Cross-validated share of the positives naming a category that the per-category model names rightly
    (stratified folds); None when there are too few of a category for the folds."""
    from sklearn.model_selection import StratifiedKFold

    named = [row for row in rows if row.example.label and row.example.category]
    labels = [str(row.example.category) for row in named]
    if len(set(labels)) < MIN_CATEGORIES or min(labels.count(c) for c in set(labels)) < folds:
        return None
    right = 0
    for train_index, test_index in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(
        labels, labels
    ):
        weights = fit_categories([named[i] for i in train_index], seed=seed)
        model = Model({"version": 0, "intercept": 0.0, "ngram_weights": {}, "rule_weights": {}, "categories": weights})
        right += sum(model.category(named[i].folded or ("", "")) == labels[i] for i in test_index)
    return round(right / len(named), 4)


def _check_counts(positive: int, negative: int) -> None:
    if positive < MIN_PER_CLASS or negative < MIN_PER_CLASS:
        raise TooFewLabels(positive, negative)


def predict_rows(weights: dict[str, Any], rows: Sequence[Row]) -> list[float]:
    model = Model({"version": 0, **weights})
    return [model.predict(row.example.listing(), row.rules, row.folded).probability for row in rows]


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
        is_combined_lead(bool(r.rules["is_lead"]), p, lift, cleared=cleared_by_rules(r.rules), chinese=_chinese(r))
        for r, p in zip(rows, probabilities, strict=True)
    ]


def _chinese(row: Row) -> bool:
    return lift_allowed((row.folded or ("", ""))[0])


def _usable(rows: Sequence[Row], probabilities: Sequence[float]) -> list[float]:
    """The probabilities as the combination uses them: none for a listing the rules cleared or a title without
    Chinese (neither is ever lifted)."""
    return [
        0.0 if (cleared_by_rules(r.rules) or not _chinese(r)) and not r.rules["is_lead"] else p
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


def fold_splits(rows: Sequence[Row], folds: int, *, seed: int = SEED) -> list[tuple[Any, Any]] | None:
    """The (train, held-out) row indices of each fold (stratified by label, shuffled with the seed), as few
    folds as the smaller kind of label allows; None when that is fewer than two."""
    from sklearn.model_selection import StratifiedKFold

    labels = [row.example.label for row in rows]
    smallest = min(sum(labels), len(labels) - sum(labels))
    folds = min(folds, smallest // MIN_PER_CLASS if smallest >= 2 * MIN_PER_CLASS else 0)
    if folds < 2:
        return None
    return list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(labels, labels))


def fold_predictions(
    rows: Sequence[Row], folds: int, *, seed: int = SEED, design: Design | None = None
) -> tuple[list[float], list[int]] | None:
    """Out-of-fold probabilities of every row and its fold (stratified, shuffled with the seed); None when
    there are too few labels of a kind for two folds. The feature matrix is built once (or given)."""
    splits = fold_splits(rows, folds, seed=seed)
    if splits is None:
        return None
    design = design or Design.build(rows)
    probabilities = [0.0] * len(rows)
    fold_of = [0] * len(rows)
    for number, (train_index, test_index) in enumerate(splits, start=1):
        predicted = predict_rows(design.fit(train_index, seed=seed), [rows[i] for i in test_index])
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
    category_folds: bool = False,
    rows: Sequence[Row] | None = None,
) -> dict[str, Any]:
    """A model trained on every example, with its cross-validated figures and what it was trained on, and
    per-category weights where its positives name two categories or more (their accuracy cross-validated too
    with ``category_folds``: five more fits of the slowest part, so for the seed's build, not every retraining).
    ``rows``: the examples as ``featurise`` gives them with this scorer, when the caller has them already."""
    positive = sum(1 for e in examples if e.label)
    _check_counts(positive, len(examples) - positive)
    rows = featurise(examples, scorer) if rows is None else rows
    design = Design.build(rows)
    weights = design.fit(seed=seed)
    weights.pop("parameters")
    cross = fold_predictions(rows, folds, seed=seed, design=design)
    categories = fit_categories(rows, seed=seed)
    cross_validation = None
    if cross is not None:
        cross_validation = {"folds": max(cross[1]), **figures(rows, cross[0], lift=lift)}
        if categories is not None and category_folds:
            cross_validation["category_accuracy"] = category_accuracy(rows, max(cross[1]), seed=seed)
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "created_by": created_by,
        "data_hash": data_hash(examples),
        "labels": {"positive": positive, "negative": len(examples) - positive, "total": len(examples), **sources},
        "cross_validation": cross_validation,
        "categories": categories,
        "parameters": {
            **design.parameters(),
            "ngram_sizes": list(NGRAM_SIZES),
            "C": REGULARISATION_C,
            "seed": seed,
            "threshold": scorer.threshold,
            "max_ngrams": _max_ngrams(None),
        },
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

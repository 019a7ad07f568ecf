"""How `tradewatch eval` scores labelled listings the way a sweep would: the rules and the model in use.

On the labelled set's dev part the model in use has learnt from the very listings measured (the seed model
always, a bureau's model by default), so its figures there would be training-set figures. There each dev
listing is scored instead by a model of the same recipe learnt from the other folds of the dev part.

Learning those fold models is most of an evaluation's time (the per-category regression, several seconds a
fold), and they depend only on what they learn from: they are kept in the scoring cache, named by a hash of the
dev rows as the model sees them (n-grams, the rules' result, meaning features and their classes, labels), the
recipe's code and settings and the libraries' versions, so a second `tradewatch eval` of the same set and rules
reuses them, and any change learns them again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.config import get_settings
from pipelines.model.predict import Model, ScoreCombiner, combine
from pipelines.model.seed import SEED_VERSION, dev_examples
from pipelines.model.train import Design, Row, featurise, fit_categories, fold_splits
from pipelines.scoring import cache
from pipelines.scoring.evaluate import Combine
from pipelines.scoring.hits import ScoreResult
from pipelines.scoring.scorer import Scorer


def sweep_combine(combiner: ScoreCombiner, threshold: int) -> Combine:
    """The model in use added to each listing's rules result, as in a sweep."""

    def add(_line: int, record: dict[str, Any], result: ScoreResult) -> dict[str, Any]:
        return combiner(result.to_dict(), record, threshold=threshold, folded=result.folded)

    return add


def cross_validated_combine(
    records: Sequence[tuple[int, dict[str, Any]]], scorer: Scorer, *, folds: int, lift: float
) -> tuple[Combine, int]:
    """Each of these labelled listings (the dev part) scored with a model learnt from the other folds, and how
    many folds there are."""
    examples = dev_examples([record for _line, record in records])
    rows = featurise(examples, scorer)
    folds_learnt = _fold_models(rows, folds)
    if folds_learnt is None:
        raise ValueError("too few labels of a kind for two folds")
    model_of: dict[int, Model] = {}
    for held_out, data in folds_learnt:
        model = Model(data)
        for i in held_out:
            model_of[records[i][0]] = model

    def add(line: int, record: dict[str, Any], result: ScoreResult) -> dict[str, Any]:
        return combine(
            result.to_dict(),
            model_of[line],
            record,
            threshold=scorer.threshold,
            lift_probability=lift,
            folded=result.folded,
        )

    return add, len(folds_learnt)


_RECIPE = ("train.py", "features.py", "meaning.py", "seed.py", "evaluate.py")  # the code a fold model is learnt by


def _fold_models(rows: Sequence[Row], folds: int) -> list[tuple[list[int], dict[str, Any]]] | None:
    """(held-out row indices, model data) of each fold, from the cache where these rows were learnt from
    before by this recipe; None when there are too few labels of a kind for two folds."""
    here = Path(__file__).resolve().parent
    name = (
        "cv-"
        + cache.key(
            SEED_VERSION,
            folds,
            get_settings().model_max_ngrams,
            *(cache.package_version(p) for p in ("scikit-learn", "numpy", "scipy")),
            *((here / f).read_bytes() for f in _RECIPE),
            json.dumps(
                [[r.example.label, r.example.category, r.grams, r.rules, r.folded, r.meaning] for r in rows],
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            ),
            json.dumps(rows[0].classes if rows else None, ensure_ascii=False, sort_keys=True),
        )
        + ".json"
    )
    cached = cache.read_json(name)
    if isinstance(cached, list) and len(cached) >= 2:
        return [(list(held_out), data) for held_out, data in cached]
    splits = fold_splits(rows, folds)
    if splits is None:
        return None
    design = Design.build(rows)
    learnt: list[tuple[list[int], dict[str, Any]]] = []
    for train_index, test_index in splits:
        weights = design.fit(train_index)
        categories = fit_categories([rows[i] for i in train_index])
        learnt.append(
            ([int(i) for i in test_index], {"version": SEED_VERSION, "seed": True, **weights, "categories": categories})
        )
    cache.write_json(name, learnt)
    return learnt

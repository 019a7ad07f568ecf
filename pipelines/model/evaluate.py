"""How `tradewatch eval` scores labelled listings the way a sweep would: the rules and the model in use.

On the labelled set's dev part the model in use has learnt from the very listings measured (the seed model
always, a bureau's model by default), so its figures there would be training-set figures. There each dev
listing is scored instead by a model of the same recipe learnt from the other folds of the dev part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.model.predict import Model, ScoreCombiner, combine
from pipelines.model.seed import SEED_VERSION, dev_examples
from pipelines.model.train import Design, featurise, fit_categories, fold_splits
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
    splits = fold_splits(rows, folds)
    if splits is None:
        raise ValueError("too few labels of a kind for two folds")
    design = Design.build(rows)
    model_of: dict[int, Model] = {}
    for train_index, test_index in splits:
        weights = design.fit(train_index)
        categories = fit_categories([rows[i] for i in train_index])
        model = Model({"version": SEED_VERSION, "seed": True, **weights, "categories": categories})
        for i in test_index:
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

    return add, len(splits)

"""`tradewatch eval` learns its dev part's fold models once per set, rules and recipe: a second evaluation of
the same listings reuses them from the cache and scores exactly as the first; a changed label learns them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.model import evaluate as model_evaluate
from pipelines.scoring.evaluate import load_records, split_records
from pipelines.scoring.scorer import Scorer


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    """The shipped rules, loaded from the usual cache (the tests' own cache directory holds fold models only)."""
    return Scorer.load()


@pytest.fixture(scope="module")
def dev_sample() -> list[tuple[int, dict[str, Any]]]:
    """A few hundred dev rows of the shipped set: leads of every family and hard negatives."""
    _path, records = load_records(None)
    return split_records(records)["dev"][:240]


@pytest.fixture
def learnt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Counts the per-category fits of fold models (the slow part), with a cache directory of the test's."""
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    fits: list[int] = []
    real = model_evaluate.fit_categories

    def counting(*args: Any, **kwargs: Any) -> Any:
        fits.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(model_evaluate, "fit_categories", counting)
    return fits


def _scored(records: list[tuple[int, dict[str, Any]]], scorer: Scorer) -> list[dict[str, Any]]:
    add, folds = model_evaluate.cross_validated_combine(records, scorer, folds=3, lift=0.9)
    assert folds == 3
    return [add(line, record, scorer.score(record)) for line, record in records]


def test_fold_models_are_learnt_once_and_reused_with_the_same_scores(
    dev_sample: list[tuple[int, dict[str, Any]]], learnt: list[int], scorer: Scorer
) -> None:
    first = _scored(dev_sample, scorer)
    assert len(learnt) == 3
    again = _scored(dev_sample, scorer)
    assert len(learnt) == 3  # nothing learnt the second time
    assert again == first


def test_a_changed_label_learns_the_fold_models_again(
    dev_sample: list[tuple[int, dict[str, Any]]], learnt: list[int], scorer: Scorer
) -> None:
    _scored(dev_sample, scorer)
    line = next(line for line, r in dev_sample if r["expect_lead"])
    changed = [(n, {**r, "expect_lead": False}) if n == line else (n, r) for n, r in dev_sample]
    _scored(changed, scorer)
    assert len(learnt) == 6


def test_without_a_cache_every_evaluation_learns_its_fold_models(
    dev_sample: list[tuple[int, dict[str, Any]]], learnt: list[int], scorer: Scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", "off")
    _scored(dev_sample, scorer)
    _scored(dev_sample, scorer)
    assert len(learnt) == 6

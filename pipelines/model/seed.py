"""The seed model shipped with tradewatch: learnt from the labelled set's dev part, in use until the bureau
trains a model of its own (``TRADEWATCH_HOME/models/current`` absent).

A fresh install then has what the labelled listings taught (code words, disguised spellings, hard negatives)
without a single officer's verdict. ``seed.json`` lies beside this module and records what it was learnt from:
a SHA-256 of the dev part's rows, their counts, the dev part's cross-validated figures, the date, and the
fingerprint of the rules as it read them (:mod:`pipelines.model.fingerprint`): the rules' verdict is among its
features. It is rebuilt by ``scripts/build_seed_model.py``, and a test fails when the dev rows or the rules'
fingerprint no longer match. The locked test part is never read here: rows are chosen by
:func:`pipelines.scoring.evaluate.split_of`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipelines.model import fingerprint
from pipelines.model.fingerprint import dev_records
from pipelines.model.labels import Example, record_example
from pipelines.scoring.evaluate import records_digest

SEED_VERSION = 0  # never a saved version's number: those start at 1
SEED_CREATOR = "tradewatch (labelled set, dev part)"
REBUILD = "python scripts/build_seed_model.py"

__all__ = ["build", "dev_examples", "dev_hash", "dev_records", "is_stale", "staleness"]


def dev_hash(records: list[dict[str, Any]]) -> str:
    """SHA-256 over the dev rows as stored (order-free): any added, removed or edited row changes it."""
    return records_digest(records)


def dev_examples(records: list[dict[str, Any]] | None = None) -> list[Example]:
    """The dev rows as labelled examples, with their kind and expected category."""
    rows = dev_records() if records is None else records
    return [record_example(record, f"dev:{number}") for number, record in enumerate(rows, start=1)]


def build(records: list[dict[str, Any]] | None = None, *, lift: float, folds: int) -> dict[str, Any]:
    """The seed model's data: weights learnt from every dev row (shipped watchlists only, never the
    bureau's), per-category weights from its leads, and cross-validated figures of the same recipe."""
    from pipelines.model.train import featurise, train_model
    from pipelines.scoring.scorer import Scorer
    from pipelines.scoring.watchlist import shipped_paths

    records = dev_records() if records is None else records
    examples = dev_examples(records)
    scorer = Scorer.load(shipped_paths())
    rows = featurise(examples, scorer)  # scored once, for the weights and the rules' fingerprint
    rules = fingerprint.recorded(
        records, (fingerprint.row_hash(row.rules, row.folded or ("", ""), row.example.price) for row in rows)
    )
    data = train_model(
        examples,
        scorer,
        rows=rows,
        folds=folds,
        lift=lift,
        created_by=SEED_CREATOR,
        sources={"from_store": 0, "from_files": 0, "from_dev_part": len(examples)},
        category_folds=True,
    )
    data.update(
        {
            "seed": True,
            "version": SEED_VERSION,
            "created_at": datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat(),
            "lift_probability": lift,
            "trained_on": {
                "set": "pipelines/eval_set/listings.jsonl",
                "part": "dev",
                "rows": len(records),
                "rows_hash": dev_hash(records),
            },
            fingerprint.FIELD: rules,
        }
    )
    return data


def staleness(data: dict[str, Any] | None) -> str | None:
    """Why a seed model's data (``registry.read_seed()``) no longer matches what it was learnt from, in one line
    naming how to rebuild it, or None when it matches: there is none, the dev rows changed, or the rules read the
    dev rows otherwise (watchlists, scoring code or folding changed; computed afresh, never from a cache)."""
    if data is None:
        return f"there is no pipelines/model/seed.json: run {REBUILD}"
    records = dev_records()
    if data["trained_on"]["rows_hash"] != dev_hash(records):
        return f"pipelines/model/seed.json is stale: the labelled set's dev rows changed; run {REBUILD}"
    recorded = data.get(fingerprint.FIELD)
    if not isinstance(recorded, dict):
        return f"pipelines/model/seed.json records no fingerprint of the rules it read; run {REBUILD}"
    from pipelines.scoring.scorer import Scorer
    from pipelines.scoring.watchlist import shipped_paths

    now = fingerprint.compute(Scorer.load(shipped_paths()), records)
    if fingerprint.compare(recorded, now) != fingerprint.SAME:
        return (
            "pipelines/model/seed.json is stale: the rules (watchlists, scoring or folding) read the dev rows "
            f"otherwise than when it was learnt; run {REBUILD}"
        )
    return None


def is_stale(data: dict[str, Any] | None) -> bool:
    """Whether a seed model's data was learnt from other dev rows or other rules than there are now, or there is
    none (:func:`staleness` says which)."""
    return staleness(data) is not None

"""The seed model shipped with tradewatch: learnt from the labelled set's dev part, in use until the bureau
trains a model of its own (``TRADEWATCH_HOME/models/current`` absent).

A fresh install then has what the labelled listings taught (code words, disguised spellings, hard negatives)
without a single officer's verdict. ``seed.json`` lies beside this module and records what it was learnt from:
a SHA-256 of the dev part's rows, their counts, the dev part's cross-validated figures and the date. It is
rebuilt by ``scripts/build_seed_model.py``, and a test fails when the dev rows no longer match its hash. The
locked test part is never read here: rows are chosen by :func:`pipelines.scoring.evaluate.split_of`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.model.labels import Example, record_example
from pipelines.scoring.evaluate import read_labelled, records_digest, shipped_eval_set, split_of

SEED_VERSION = 0  # never a saved version's number: those start at 1
SEED_CREATOR = "tradewatch (labelled set, dev part)"


def dev_records(path: Path | None = None) -> list[dict[str, Any]]:
    """The dev part of the labelled set (the shipped one by default), in file order."""
    target = path or shipped_eval_set()
    return [record for _line, record in read_labelled(target) if split_of(record) == "dev"]


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
    from pipelines.model.train import train_model
    from pipelines.scoring.scorer import Scorer
    from pipelines.scoring.watchlist import shipped_paths

    records = dev_records() if records is None else records
    examples = dev_examples(records)
    scorer = Scorer.load(shipped_paths())
    data = train_model(
        examples,
        scorer,
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
        }
    )
    return data


def is_stale(data: dict[str, Any] | None) -> bool:
    """Whether a seed model's data (``registry.read_seed()``) was learnt from other dev rows than the labelled
    set holds now, or there is none."""
    return data is None or data["trained_on"]["rows_hash"] != dev_hash(dev_records())

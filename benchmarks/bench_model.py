"""The bureau's model: training time on 10,000 labelled listings, and the model the scoring benchmark loads.

The labels are generated reproducibly (fixed seed) from the demo marketplace catalogue (its real offers,
plain and disguised, are positives; ordinary goods and hard negatives such as 象牙白 are negatives) and the
shipped eval set, each description followed by a different stretch of seller boilerplate, as listings on a
marketplace are. Training is what `tradewatch model train` does: rules scoring, n-gram features,
cross-validation with the configured folds, and the final fit.

Run as a script:   python benchmarks/bench_model.py [COUNT]     (prints a Markdown table)
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scoring import EVAL_SET, FILLER, markdown  # also puts the project on sys.path

from pipelines.model.labels import Example

LABELS = 10_000
TARGET_TRAINING_SECONDS = 60
OFFENCE_KINDS = ("plain", "disguised")


def labelled_listings(count: int = LABELS, seed: int = 11) -> list[Example]:
    """``count`` labelled listings drawn with repeats from the catalogue and the eval set, the same every run."""
    from crawler.demo_market.catalogue import build_catalogue

    pool: list[tuple[str, str, float | None, bool, str | None]] = [
        (item.title, item.description, float(item.price), item.kind in OFFENCE_KINDS, item.kind)
        for item in build_catalogue().listings
        if item.kind != "photo"  # their words are in the photo: the text alone is no label
    ]
    for line in EVAL_SET.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            pool.append(
                (
                    record["title"],
                    record.get("description") or "",
                    record.get("price"),
                    record["expect_lead"],
                    record.get("kind"),
                )
            )
    rng = random.Random(seed)
    out = []
    for number in range(count):
        title, description, price, label, kind = rng.choice(pool)
        start = rng.randrange(len(FILLER))
        tail = FILLER[start : start + rng.randrange(20, 120)]
        out.append(Example(title, description + "\n" + tail, price, label, f"bench:{number}", kind))
    return out


def train(count: int = LABELS) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train on ``count`` generated labels; returns the model's data and the benchmark's rows."""
    from core.config import get_settings
    from pipelines.model.train import train_model
    from pipelines.scoring import Scorer

    examples = labelled_listings(count)
    settings = get_settings()
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    data = train_model(
        examples,
        Scorer.load(),
        folds=settings.model_folds,
        lift=settings.model_lift_probability,
        created_by="benchmark",
        sources={"from_files": count},
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    load_after = os.getloadavg()[0]
    cross = data["cross_validation"] or {}
    note = (
        f"{count:,} labels ({data['labels']['positive']:,} positive), {settings.model_folds} folds and the final fit; "
        f"{cpu:.1f} s CPU; load average {load_before:.1f} before, {load_after:.1f} after; "
        f"cross-validated F1 {cross.get('f1')} (rules {cross.get('rules', {}).get('f1')}); "
        f"{len(data['ngram_weights']):,} n-grams kept"
    )
    verdict = "met" if wall < TARGET_TRAINING_SECONDS else "NOT met"
    rows = [
        {"figure": f"model training, {count:,} labels", "value": round(wall, 1), "unit": "s wall", "note": note},
        {
            "figure": "target (training)",
            "value": TARGET_TRAINING_SECONDS,
            "unit": "s wall",
            "note": f"{verdict}: {wall / TARGET_TRAINING_SECONDS:.2f}x",
        },
    ]
    return {"version": 0, **data}, rows


if __name__ == "__main__":
    print(markdown(train(int(sys.argv[1]) if len(sys.argv) > 1 else LABELS)[1]))

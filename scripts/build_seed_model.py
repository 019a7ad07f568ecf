"""Build the seed model shipped with tradewatch, `pipelines/model/seed.json`, from the dev part of the
labelled set `pipelines/eval_set/listings.jsonl` (never its locked test part).

Deterministic (fixed seed): the same dev rows give the same weights. Re-run it whenever dev rows are added or
changed; a test fails while the file's recorded hash of the dev rows is stale. The shipped watchlists alone
score the rows (a bureau's own are left out), and the file records the rows' hash and counts, the dev part's
cross-validated figures and the date.

Usage:
    python scripts/build_seed_model.py [--out pipelines/model/seed.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.config import get_settings
from pipelines.model.registry import FORMAT_VERSION, MODEL_FORMAT, SEED_FILE
from pipelines.model.seed import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=SEED_FILE)
    args = parser.parse_args()
    settings = get_settings()
    data = build(lift=settings.model_lift_probability, folds=settings.model_folds)
    data = {"format": MODEL_FORMAT, "format_version": FORMAT_VERSION, **data}
    args.out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    cross = data["cross_validation"] or {}
    print(
        f"{args.out}: {data['trained_on']['rows']} dev rows ({data['labels']['positive']} leads), "
        f"cross-validated precision {cross.get('precision')} recall {cross.get('recall')} "
        f"category accuracy {cross.get('category_accuracy')}"
    )


if __name__ == "__main__":
    main()

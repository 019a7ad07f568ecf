"""Renew ``pipelines/eval_set/test.lock`` after listings were added to the labelled set on purpose.

The lock is a digest of the locked test part, so a test fails when that part changes by accident (an edited or
removed listing). Adding listings is the one intended change: new rows fall into dev or test by the keyed hash
of their text (``pipelines/scoring/evaluate.py``), existing rows keep their part, and this script records the
new digest. Run it in the commit that adds the listings, and state the test figures before and after there.

Usage:
    python scripts/lock_eval_test_part.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipelines.scoring.evaluate import load_records, locked_part_digest, shipped_eval_set, split_records

LOCK = shipped_eval_set().parent / "test.lock"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the lock matches the set")
    args = parser.parse_args()
    _path, records = load_records(None)
    digest = locked_part_digest(records)
    parts = {name: len(rows) for name, rows in split_records(records).items()}
    current = LOCK.read_text(encoding="utf-8").strip() if LOCK.exists() else ""
    if args.check:
        print("lock matches" if digest == current else "lock differs", parts)
        return 0 if digest == current else 1
    LOCK.write_text(digest + "\n", encoding="utf-8")
    print(f"test.lock renewed: dev {parts['dev']}, test {parts['test']} listings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

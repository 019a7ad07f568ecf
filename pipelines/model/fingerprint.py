"""The rules as a model sees them: a fingerprint of what the rules make of the labelled set's dev rows.

A model reads the rules' verdict (:func:`pipelines.model.features.rule_features`: score, family scores, which
rules fired), the title and description as the scorer folds them (its n-grams, the category's n-grams) and
whether the rules cleared the listing (:func:`pipelines.model.predict.cleared_by_rules`). When the rules, the
watchlists or the folding change, a model learnt before reads other features than it was learnt on, and its
probabilities move without any retraining. A model records, when it is trained, the SHA-256 of those features
over the dev rows; the same computed now says whether they changed.

Each row's features are hashed as sorted JSON and the row hashes are sorted before they are hashed together:
the fingerprint depends neither on the rows' order nor on ``PYTHONHASHSEED``. Whether the score reaches the
threshold is left out, as it is of the features: a bureau that moves its threshold reads the same features.

Computing it scores every dev row (some 4 s for 5,300 rows): a model's training does it once, and a sweep (each
worker of a distributed one), `tradewatch model show` and `model list` read it from the scorer's on-disk cache,
under a hash of the watchlists, the scoring code, the labelled set's file and the code of this package it is
computed by (:data:`CODE`), so it is computed once per change of any of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipelines.model.features import rule_features

# The labelled set's reading (pipelines.scoring.evaluate, pipelines.model.labels and the store's models they
# load) is imported where it is needed: a sweep without a bureau's model of its own reads none of it.

# Bumped when what a row's hash covers changes: a fingerprint of another version is never compared.
FINGERPRINT_VERSION = 1
# The key of a model's data that holds its fingerprint (absent from models trained before it was recorded).
FIELD = "rules_fingerprint"
SAME, CHANGED, OTHER_ROWS, UNKNOWN = "same", "changed", "other_rows", "unknown"
# What each status says, the one definition of each: English msgids that the command line's catalogue translates
# (`cli.i18n_tools` collects them) for `tradewatch model show` and `list`; a sweep's log says them in English.
RULES_LINES = {
    SAME: "Rules: the same as when it was trained",
    CHANGED: (
        "Rules: other than when it was trained (watchlists or scoring changed): retrain it (tradewatch model train)"
    ),
    OTHER_ROWS: (
        "Rules: the rules or the labelled set's dev part changed since it was trained: retrain it "
        "(tradewatch model train)"
    ),
    UNKNOWN: "Rules: not known (trained before tradewatch recorded them)",
}
# A sweep's warning when the bureau's model in use is stale: its version and its status's line.
SWEEP_NOTE = "Model version {version} in use. {rules}"
# The files of this package a fingerprint is computed by (the scoring package's are in the scorer's entry name):
# how a labelled row becomes a listing, what a model reads of it, and this module. The cached fingerprint is
# keyed by them, so a change of any of them computes it again.
CODE = ("fingerprint.py", "labels.py", "features.py", "predict.py")


def dev_records(path: Path | None = None) -> list[dict[str, Any]]:
    """The dev part of the labelled set (the shipped one by default), in file order."""
    from pipelines.scoring.evaluate import read_labelled, shipped_eval_set, split_of

    target = path or shipped_eval_set()
    return [record for _line, record in read_labelled(target) if split_of(record) == "dev"]


def row_hash(result: dict[str, Any], folded: tuple[str, str], price: Any) -> str:
    """SHA-256 of what a model reads of one listing besides its raw text: the rules' features, the folded
    fields and whether the rules cleared it."""
    from pipelines.model.predict import cleared_by_rules

    view = [sorted(rule_features(result, price).items()), list(folded), cleared_by_rules(result)]
    return hashlib.sha256(json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def combine(row_hashes: Iterable[str]) -> str:
    """One SHA-256 over row hashes, whatever their order."""
    return hashlib.sha256("\n".join(sorted(row_hashes)).encode("ascii")).hexdigest()


def compute(scorer: Any, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The fingerprint of ``scorer``'s rules over labelled rows (the dev part's), as a model records it."""
    from pipelines.model.labels import record_example

    hashes = []
    for number, record in enumerate(records, start=1):
        example = record_example(record, f"dev:{number}")
        listing = example.listing()
        result = scorer.score(listing)
        folded = result.folded or _fold(scorer, listing)
        hashes.append(row_hash(result.to_dict(), folded, example.price))
    return recorded(records, hashes)


def recorded(records: Sequence[dict[str, Any]], row_hashes: Iterable[str]) -> dict[str, Any]:
    """The fingerprint as a model records it, from the hash of each of ``records`` (:func:`row_hash`): a caller
    that scored the rows already (the seed's build) need not score them again."""
    from pipelines.scoring.evaluate import records_digest

    return {
        "version": FINGERPRINT_VERSION,
        "sha256": combine(row_hashes),
        "rows": len(records),
        "rows_hash": records_digest(records),
    }


def _fold(scorer: Any, listing: dict[str, Any]) -> tuple[str, str]:
    from pipelines.model.features import fold_fields

    return fold_fields(scorer.normaliser, listing)


def current(*, shipped_only: bool) -> dict[str, Any]:
    """The fingerprint of the rules as they are now over the shipped dev rows: the shipped watchlists alone
    (``shipped_only``, as the seed model learns) or with the bureau's own (as a bureau's model learns and every
    sweep scores). Read from the on-disk cache when the same watchlists, code and labelled set were seen."""
    from pipelines.scoring import built
    from pipelines.scoring import cache as disk_cache
    from pipelines.scoring.evaluate import shipped_eval_set
    from pipelines.scoring.scorer import Scorer
    from pipelines.scoring.watchlist import expand_paths, shipped_paths

    paths = shipped_paths() if shipped_only else expand_paths(None)
    name = built.entry_name(paths, None, None)
    entry = None
    if name is not None:
        here = Path(__file__).resolve()
        entry = "rules-fingerprint-" + disk_cache.key(
            "rules-fingerprint",
            FINGERPRINT_VERSION,
            name,
            shipped_eval_set().read_bytes(),
            *(here.with_name(file).read_bytes() for file in CODE),
        )
        stored = disk_cache.read_bytes(entry)
        if stored is not None:
            try:
                data = json.loads(stored.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                data = None
            if isinstance(data, dict) and data.get("version") == FINGERPRINT_VERSION:
                return data
    data = compute(Scorer.load(list(paths)), dev_records())
    if entry is not None:
        disk_cache.write_bytes(entry, json.dumps(data, sort_keys=True).encode("utf-8"))
    return data


def compare(recorded: Any, now: dict[str, Any]) -> str:
    """How the rules a model was trained on (its ``rules_fingerprint``) compare with ``now``: ``same``,
    ``changed`` (the same dev rows read other features), ``other_rows`` (the dev rows changed too, so the
    rules cannot be told apart: the model is older than the labelled set as well) or ``unknown`` (a model
    trained before fingerprints were recorded)."""
    if not isinstance(recorded, dict) or recorded.get("version") != now.get("version"):
        return UNKNOWN
    if recorded.get("rows_hash") != now.get("rows_hash"):
        return OTHER_ROWS
    return SAME if recorded.get("sha256") == now.get("sha256") else CHANGED


class Today:
    """Today's fingerprints, each read from the cache (or computed) once however many models are compared with
    them: the shipped watchlists alone for the seed, with the bureau's own for the bureau's models."""

    def __init__(self) -> None:
        self._now: dict[bool, dict[str, Any]] = {}

    def status(self, data: dict[str, Any]) -> str:
        """How the rules a model's data was trained on compare with the rules now (see :func:`compare`)."""
        recorded = data.get(FIELD)
        if not isinstance(recorded, dict):
            return UNKNOWN
        shipped_only = bool(data.get("seed"))
        if shipped_only not in self._now:
            self._now[shipped_only] = current(shipped_only=shipped_only)
        return compare(recorded, self._now[shipped_only])


def status(data: dict[str, Any]) -> str:
    """How the rules one model's data was trained on compare with the rules now (see :class:`Today`)."""
    return Today().status(data)


def stale_model(home: Path | None = None) -> tuple[int, str] | None:
    """The version of the bureau's model in use and its status (``changed`` or ``other_rows``) when it was trained
    on other rules than today's (or before the labelled set's dev part changed), else None. The seed model is left
    to its test: it ships with the rules it was learnt on. Costs a hash of the watchlists and the labelled set when
    the fingerprint of today's rules is cached, some 4 s of scoring once per change when it is not."""
    from pipelines.model import registry

    if registry.current_version(home) is None:  # the seed in use, or no model: nothing read but a missing file
        return None
    data = registry.current_data(home, cached=True)
    if data is None:
        return None
    state = status(data)
    return (data["version"], state) if state in (CHANGED, OTHER_ROWS) else None


def sweep_note(home: Path | None = None) -> str | None:
    """The line a sweep logs when the bureau's model in use is stale (:func:`stale_model`), else None."""
    stale = stale_model(home)
    if stale is None:
        return None
    version, state = stale
    return SWEEP_NOTE.format(version=version, rules=RULES_LINES[state])

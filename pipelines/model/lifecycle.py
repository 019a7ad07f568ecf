"""Training, switching and retraining the bureau's model, each recorded in the audit trail.

The CLI (`tradewatch model ...`) and the scheduler's `retrain` job call these; they gather the labels, train,
save, and decide which version is in use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from core.config import get_settings
from leads.audit import append_event
from leads.db import get_engine, run_write
from leads.timetable import SCHEDULER_ACTOR, JobSpec, Timetable
from pipelines.model import fingerprint, registry
from pipelines.model.labels import Example, file_examples, store_examples
from pipelines.model.train import MIN_PER_CLASS, TooFewLabels, is_worse, train_model
from pipelines.scoring.scorer import Scorer


@dataclass(frozen=True)
class Trained:
    version: int
    data: dict[str, Any]
    in_use: bool
    previous: int | None  # the version in use before
    refused: bool = False  # kept the previous model: the new one's cross-validated figures are worse


def gather(
    label_files: Sequence[Path] = (), *, url: str | None = None, dev_rows: bool = True
) -> tuple[list[Example], dict[str, int]]:
    """Officers' verdicts from the store, the labelled files and (``dev_rows``) the dev part of the labelled
    set the seed model learnt from, and how many came from each.

    The dev rows are in by default: a bureau with thirty verdicts would otherwise trade what the seed knew
    (code words, disguised spellings, hard negatives) for a model that has seen thirty listings.
    """
    from pipelines.model.seed import dev_examples

    with Session(get_engine(url)) as session:
        from_store = store_examples(session)
    from_files = [example for path in label_files for example in file_examples(path)]
    from_dev = dev_examples() if dev_rows else []
    sources = {"from_store": len(from_store), "from_files": len(from_files), "from_dev_part": len(from_dev)}
    return [*from_store, *from_files, *from_dev], sources


def record(action: str, actor: str, details: dict[str, Any], *, url: str | None = None) -> None:
    run_write(lambda session: append_event(session, lead_pk=None, action=action, actor=actor, details=details), url=url)


def train(
    *,
    officer: str,
    label_files: Sequence[Path] = (),
    use: bool = True,
    refuse_worse: bool = False,
    dev_rows: bool = True,
    url: str | None = None,
    home: Path | None = None,
) -> Trained:
    """Train on every label there is (with the labelled set's dev part unless ``dev_rows`` is false) and save
    the result as a new version.

    ``use`` makes it the version in use; with ``refuse_worse`` only when its cross-validated figures are not
    worse than those of the version in use. Raises TooFewLabels when the bureau's own labels (verdicts and
    files) lack a kind.
    """
    settings = get_settings()
    examples, sources = gather(label_files, url=url, dev_rows=dev_rows)
    own = examples[: sources["from_store"] + sources["from_files"]]
    positive = sum(1 for example in own if example.label)
    if positive < MIN_PER_CLASS or len(own) - positive < MIN_PER_CLASS:
        # the dev rows alone would only learn the seed model again
        raise TooFewLabels(positive, len(own) - positive)
    scorer = Scorer.load()
    data = train_model(
        examples,
        scorer,
        folds=settings.model_folds,
        lift=settings.model_lift_probability,
        created_by=officer,
        sources=sources,
    )
    # the rules as this model read them (the shipped watchlists and the bureau's own), which a sweep and
    # `tradewatch model show` compare with the rules of the day: an upgrade or a watchlist edit may change them
    data[fingerprint.FIELD] = fingerprint.current(shipped_only=False)
    version = registry.save(data, home)
    data = registry.read(version, home, cached=True)
    previous = registry.current_version(home)
    refused = False
    if use and refuse_worse and previous is not None:
        refused = is_worse(data, registry.read(previous, home, cached=True))
    in_use = use and not refused
    details = {
        "version": version,
        "data_hash": data["data_hash"],
        "labels": data["labels"],
        "f1": (data.get("cross_validation") or {}).get("f1"),
        "in_use": in_use,
        "refused": refused,
    }
    record("model_train", officer, details, url=url)
    if in_use:
        use_version(version, officer=officer, url=url, home=home)
    return Trained(version, data, in_use, previous, refused)


def use_version(version: int, *, officer: str, url: str | None = None, home: Path | None = None) -> dict[str, Any]:
    """Make a saved version the one sweeps and `score` use (rolling back is the same step)."""
    previous = registry.current_version(home)
    data = registry.set_current(version, home, cached=True)
    record("model_use", officer, {"version": version, "previous": previous, "data_hash": data["data_hash"]}, url=url)
    return data


__all__ = ["TooFewLabels", "Trained", "gather", "train", "use_version"]


def retrain_job(spec: JobSpec, timetable: Timetable, now: datetime) -> dict[str, Any]:
    """The scheduled retraining: a new model on every verdict and the timetable's label files, put in use only
    when its cross-validated figures are not worse than those of the model in use. The `note` says what
    happened (the daily report shows it)."""
    assert timetable.retrain is not None
    base = Path(timetable.source).parent if timetable.source else Path.cwd()
    label_files = [base / path for path in timetable.retrain.labels]
    try:
        trained = train(
            officer=SCHEDULER_ACTOR,
            label_files=label_files,
            use=True,
            refuse_worse=True,
            dev_rows=timetable.retrain.dev_rows,
        )
    except TooFewLabels as error:
        return {
            "trained": False,
            "note": f"标注太少，未训练（确认 {error.positive}，排除 {error.negative}）/ too few labels to train "
            f"({error.positive} confirmed, {error.negative} dismissed)",
        }
    f1 = (trained.data.get("cross_validation") or {}).get("f1")
    details: dict[str, Any] = {
        "trained": True,
        "version": trained.version,
        "in_use": trained.in_use,
        "refused": trained.refused,
        "labels": trained.data["labels"]["total"],
        "f1": f1,
    }
    if trained.refused:
        old = registry.read(trained.previous, cached=True) if trained.previous else {}
        old_f1 = (old.get("cross_validation") or {}).get("f1")
        details["note"] = (
            f"新模型第 {trained.version} 版交叉验证 F1 {f1} 低于在用第 {trained.previous} 版的 {old_f1}，未替换 / "
            f"new model {trained.version}'s cross-validated F1 {f1} is worse than {old_f1} of version "
            f"{trained.previous} in use: not replaced"
        )
    else:
        details["note"] = f"第 {trained.version} 版已启用（F1 {f1}）/ version {trained.version} in use (F1 {f1})"
    return details

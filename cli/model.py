"""`tradewatch model`: train the bureau's model from officers' verdicts, list, show, switch and evaluate it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.i18n import _
from cli.output import console, fail, print_json

if TYPE_CHECKING:
    from pipelines.model.fingerprint import Today

model_app = typer.Typer(
    help="The bureau's model: learnt from officers' verdicts, it re-ranks the queue beside the rules.",
    no_args_is_help=True,
)

LabelsOption = Annotated[
    list[Path] | None,
    typer.Option("--labels", help="Labelled JSON Lines in the evaluation set's format (repeatable)."),
]
OfficerOption = Annotated[str | None, typer.Option("--officer", help="Acting officer (default: configured).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _percent(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def _print_figures(figures: dict[str, Any] | None) -> None:
    out = console()
    if not figures:
        out.print(_("Cross-validation: too few labels of a kind for two folds"), markup=False)
        return
    rules = figures["rules"]
    out.print(
        _("Model and rules: precision {precision}  recall {recall}  F1 {f1}").format(
            precision=_percent(figures["precision"]), recall=_percent(figures["recall"]), f1=_percent(figures["f1"])
        ),
        markup=False,
    )
    out.print(
        _("Rules alone:     precision {precision}  recall {recall}  F1 {f1}").format(
            precision=_percent(rules["precision"]), recall=_percent(rules["recall"]), f1=_percent(rules["f1"])
        ),
        markup=False,
    )
    out.print(
        _("Precision of the model's ranking at the rules' recall: {value}").format(
            value=_percent(figures["precision_at_rules_recall"])
        ),
        markup=False,
    )
    out.print(
        _("Calibration: Brier score {brier}  expected calibration error {ece}").format(
            brier=_percent(figures["brier"]), ece=_percent(figures["ece"])
        ),
        markup=False,
    )
    for kind, entry in figures["recall_by_kind"].items():
        out.print(
            "  "
            + _("Recall on {kind} ({count}): model and rules {model}, rules alone {rules}").format(
                kind=kind, count=entry["positives"], model=_percent(entry["model"]), rules=_percent(entry["rules"])
            ),
            markup=False,
        )


def _summary(data: dict[str, Any], current: int | None, *, rules: Today | None = None) -> dict[str, Any]:
    """What `model list`, `show` and `train` say of a model; with ``rules``, how the rules it was trained on
    compare with today's (``same``, ``changed``, ``other_rows`` or ``unknown``; see pipelines.model.fingerprint),
    which scores the labelled set's dev rows unless a sweep or an earlier call left it in the cache."""
    from pipelines.model.registry import age_days

    cross = data.get("cross_validation") or {}
    seed = bool(data.get("seed"))
    return {
        "version": data["version"],
        "seed": seed,
        "in_use": current is None if seed else data["version"] == current,
        "created_at": data["created_at"],
        "created_by": data.get("created_by"),
        "age_days": round(age_days(data), 2),
        "data_hash": data["data_hash"],
        "labels": data["labels"],
        "cross_validation": data.get("cross_validation"),
        "f1": cross.get("f1"),
        "ngrams": len(data["ngram_weights"]),
        **({"trained_on": data.get("trained_on")} if seed else {}),
        **({"rules": rules.status(data)} if rules is not None else {}),
    }


def _today() -> Today:
    from pipelines.model.fingerprint import Today

    return Today()


def _rules_line(status: str) -> str:
    from pipelines.model.fingerprint import RULES_LINES

    return _(RULES_LINES[status])


def _seed_summary(current: int | None, *, rules: Today | None = None) -> dict[str, Any] | None:
    from pipelines.model.registry import read_seed

    data = read_seed()
    return None if data is None else _summary(data, current, rules=rules)


def _print_model(summary: dict[str, Any]) -> None:
    out = console()
    labels = summary["labels"]
    in_use = _(" (in use)") if summary["in_use"] else ""
    if summary["seed"]:
        out.print(
            _("Seed model shipped with tradewatch{in_use}: learnt from the labelled set's dev part").format(
                in_use=in_use
            )
            + (_(", until the bureau trains its own") if summary["in_use"] else ""),
            markup=False,
        )
    else:
        out.print(_("Model version {version}{in_use}").format(version=summary["version"], in_use=in_use), markup=False)
    out.print(
        _("Trained {created_at} by {officer}, {days} days ago").format(
            created_at=summary["created_at"], officer=summary["created_by"] or "-", days=f"{summary['age_days']:.1f}"
        ),
        markup=False,
    )
    out.print(
        _(
            "Labels: {positive} confirmed, {negative} dismissed ({store} from the store, {files} from files, "
            "{dev} from the labelled set's dev part)"
        ).format(
            positive=labels["positive"],
            negative=labels["negative"],
            store=labels.get("from_store", 0),
            files=labels.get("from_files", 0),
            dev=labels.get("from_dev_part", 0),
        ),
        markup=False,
    )
    out.print(_("Training data SHA-256: {hash}").format(hash=summary["data_hash"]), markup=False)
    out.print(_("N-gram weights: {count}").format(count=summary["ngrams"]), markup=False)
    if "rules" in summary:
        out.print(_rules_line(summary["rules"]), markup=False)
    _print_figures(summary["cross_validation"])


def _too_few(error: Any) -> None:
    fail(
        _(
            "Too few labels to train: {positive} confirmed and {negative} dismissed; at least {minimum} of each "
            "are needed (verify or dismiss leads, or pass --labels)"
        ).format(positive=error.positive, negative=error.negative, minimum=2)
    )


@model_app.command("train")
def train_cmd(
    labels: LabelsOption = None,
    officer: OfficerOption = None,
    use: Annotated[
        bool, typer.Option("--use/--keep", help="Put the new model in use (default) or only save it.")
    ] = True,
    dev_rows: Annotated[
        bool,
        typer.Option(
            "--dev-rows/--no-dev-rows",
            help="Learn from the labelled set's dev part too, as the seed model did (default), or not.",
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Train a model on officers' verdicts (and labelled files), save it as the next version and use it.

    Verified, referred and escalated leads are positives; dismissed leads are negatives, unless dismissed
    as a duplicate or because the listing was already removed. The dev part of the shipped labelled set,
    which the seed model learnt from, is added unless --no-dev-rows: a bureau with few verdicts keeps what
    the seed knew. Training is deterministic (fixed seed).

    Example:

        tradewatch model train
        tradewatch model train --labels 2026春季标注.jsonl --keep
    """
    from cli.identity import require_officer
    from pipelines.model.lifecycle import TooFewLabels, train

    who = require_officer(officer)
    try:
        trained = train(officer=who, label_files=labels or [], use=use, dev_rows=dev_rows)
    except TooFewLabels as error:
        _too_few(error)
    summary = _summary(trained.data, trained.version if trained.in_use else trained.previous)
    if as_json:
        print_json(summary)
        return
    _print_model(summary)
    if not trained.in_use:
        console().print(
            _("Saved, not in use: `tradewatch model use {version}` puts it in use").format(version=trained.version),
            markup=False,
        )


@model_app.command("list")
def list_cmd(as_json: JsonOption = False) -> None:
    """List the saved models, newest first, with their labels, cross-validated F1 and whether the rules each was
    trained on are still those of today.

    Example:

        tradewatch model list
    """
    from pipelines.model import registry

    current = registry.current_version()
    today = _today()
    summaries = [_summary(registry.read(version), current, rules=today) for version in reversed(registry.versions())]
    seed = _seed_summary(current, rules=today)
    if seed is not None:
        summaries.append(seed)
    if as_json:
        print_json(summaries)
        return
    out = console()
    if not summaries:
        out.print(_("No model trained yet: the rules alone score listings"), markup=False)
        return
    for summary in summaries:
        out.print(
            _("{mark} version {version}  {created_at}  labels {labels}  F1 {f1}").format(
                mark="*" if summary["in_use"] else " ",
                version=_("seed (shipped)") if summary["seed"] else summary["version"],
                created_at=summary["created_at"],
                labels=summary["labels"]["total"],
                f1=_percent(summary["f1"]),
            ),
            markup=False,
        )
        out.print("    " + _rules_line(summary["rules"]), markup=False)


@model_app.command("show")
def show_cmd(
    version: Annotated[
        int | None, typer.Argument(help="Version (default: the one in use; 0: the shipped seed model).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show one model: when and by whom it was trained, its labels, data hash, cross-validated figures, and
    whether the rules it was trained on are still those of today.

    Example:

        tradewatch model show
        tradewatch model show 3 --json
    """
    from pipelines.model import registry

    current = registry.current_version()
    if version is None:
        version = current
    seed = _seed_summary(current, rules=_today()) if version is None or version == 0 else None
    if seed is None and version in (None, 0):
        fail(_("No model trained yet: the rules alone score listings"), 4)
    summary = seed if seed is not None else _summary(registry.read(version), current, rules=_today())
    if as_json:
        print_json(summary)
        return
    _print_model(summary)


@model_app.command("use")
def use_cmd(
    version: Annotated[int, typer.Argument(help="The version to put in use.")],
    officer: OfficerOption = None,
) -> None:
    """Put a saved model in use for sweeps, re-checks and `score` (rolling back is the same command).

    Example:

        tradewatch model use 2
    """
    from cli.identity import require_officer
    from pipelines.model.lifecycle import use_version

    use_version(version, officer=require_officer(officer))
    console().print(_("Model version {version} is in use").format(version=version), markup=False)


@model_app.command("eval")
def eval_cmd(
    labels: Annotated[Path, typer.Option("--labels", help="Labelled JSON Lines in the evaluation set's format.")],
    folds: Annotated[
        int | None, typer.Option("--folds", "-k", min=2, max=20, help="Folds (default: configured).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Cross-validate on a labelled file: train on k-1 folds, measure on the held-out one, beside the rules.

    Reports recall, precision and calibration of model and rules together, and the rules' figures for the
    same listings. Nothing is saved.

    Example:

        tradewatch model eval --labels pipelines/eval_set/listings.jsonl --folds 5
    """
    from core.config import get_settings
    from pipelines.model.labels import file_examples
    from pipelines.model.train import featurise, figures, fold_predictions
    from pipelines.scoring import Scorer

    settings = get_settings()
    scorer = Scorer.load()
    rows = featurise(file_examples(labels), scorer)
    cross = fold_predictions(rows, folds or settings.model_folds)
    if cross is None:
        positive = sum(1 for row in rows if row.example.label)
        fail(
            _("Too few labels to cross-validate: {positive} positive and {negative} negative").format(
                positive=positive, negative=len(rows) - positive
            )
        )
    probabilities, fold_of = cross
    result = {"folds": max(fold_of), **figures(rows, probabilities, lift=settings.model_lift_probability)}
    if as_json:
        print_json(result)
        return
    console().print(_("Folds: {folds}  listings: {count}").format(folds=result["folds"], count=len(rows)), markup=False)
    _print_figures(result)


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")

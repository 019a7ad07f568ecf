"""`tradewatch eval`: precision, recall and F1 of the scorer on a labelled set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.i18n import N_, _
from cli.output import console, print_json
from core.safe_text import safe_str

if TYPE_CHECKING:
    from pipelines.scoring.evaluate import Combine

EVAL_HELP = """Score a labelled JSONL set and print precision, recall and F1 for leads.

Each line: title, description, price, expect_lead, expect_category and optionally kind (plain, obfuscated,
code_word, hard_negative, ordinary, english). Figures are given overall, per family, per category and per
kind, with recall on the disguised listings (obfuscated, code_word, or disguised in the catalogue), then the
misses and false alarms.
Without FILE the evaluation set shipped with tradewatch is used. `--catalogue demo` scores the demo
marketplace catalogue instead, an independent labelled set: listings of kind plain or disguised are
expected to be leads of their category, ordinary listings and hard negatives are not. `--rules` evaluates
the unfair-clause watchlist on the labelled clause set: recall and precision on its dev part and on its
locked test part. `--background FILE` scores a background set of real, ordinary listings (one title per
line, or JSON Lines with `title`; `# source:` and `# licence:` lines say where they come from) and reports the
false alarms per 10,000 listings. The misses and false alarms of the shipped set's locked test part are
counted, not listed.

Listings are scored as a sweep scores them: the rules and the model in use (the bureau's own, else the seed
model shipped with tradewatch), which can lift a listing the rules scored below the threshold. On the shipped
set's dev part, which the model learnt from, each listing is scored instead by a model of the same recipe
learnt from the other folds (cross-validation), so the dev figures are not training-set figures; the locked
test part is scored by the model in use. `--rules-only` scores with the rules alone, for comparison.

Example:

    tradewatch eval
    tradewatch eval my_labelled.jsonl --threshold 70 --json
    tradewatch eval --catalogue demo
    tradewatch eval --rules-only
    tradewatch eval --rules
    tradewatch eval --background ordinary_titles.txt
"""


CATALOGUES = ("demo",)  # labelled catalogues `--catalogue` knows: the demo marketplace's


def eval_cmd(
    file: Annotated[Path | None, typer.Argument(help="Labelled JSONL (default: the shipped set).")] = None,
    threshold: Annotated[int | None, typer.Option("--threshold", "-t", min=0, max=100, help="Lead threshold.")] = None,
    watchlist: Annotated[
        list[Path] | None, typer.Option("--watchlist", "-w", help="Watchlist file or folder (repeatable).")
    ] = None,
    catalogue: Annotated[
        str | None,
        typer.Option("--catalogue", "-c", help="Evaluate on a labelled catalogue instead of a file: demo."),
    ] = None,
    rules: Annotated[
        bool,
        typer.Option("--rules", help="Evaluate the unfair-clause watchlist on the labelled clause set instead."),
    ] = False,
    background: Annotated[
        Path | None,
        typer.Option("--background", "-b", help="Count false alarms on a file of real, ordinary listing titles."),
    ] = None,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Score with the rules alone, without the model in use.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    if sum(bool(x) for x in (file is not None, catalogue is not None, rules, background is not None)) > 1:
        raise typer.BadParameter(_("give only one of FILE, --catalogue, --rules and --background"))
    if rules:
        _eval_rules(as_json)
        return
    if background is not None:
        _eval_background(background, watchlist, threshold, rules_only, as_json)
        return
    from pipelines.scoring import Scorer
    from pipelines.scoring.evaluate import catalogue_records, evaluate, load_records, split_records

    if catalogue is not None and catalogue not in CATALOGUES:
        raise typer.BadParameter(
            _("unknown catalogue {name} (known: {known})").format(name=repr(catalogue), known=", ".join(CATALOGUES))
        )
    scorer = Scorer.load(watchlist or None, threshold=threshold)
    source: object
    if catalogue is not None:
        from crawler.demo_market.catalogue import DEFAULT_SEED, DEFAULT_SIZE, build_catalogue

        source, records = (
            f"demo catalogue (seed {DEFAULT_SEED}, {DEFAULT_SIZE} listings)",
            catalogue_records(build_catalogue().listings),
        )
    else:
        source, records = load_records(file)
    combiner, add = _sweep_model(rules_only, scorer.threshold)
    scored_with = _scored_with(combiner)
    how = {"all": scored_with, "test": scored_with}
    if catalogue is None and file is None:
        # the shipped set: its dev part (what rules are tuned on) and its locked test part, apart
        split = split_records(records)
        dev_add = add
        how["dev"] = scored_with
        if combiner is not None:
            from core.config import get_settings
            from pipelines.model.evaluate import cross_validated_combine

            dev_add, folds = cross_validated_combine(
                split["dev"], scorer, folds=get_settings().model_folds, lift=combiner.lift_probability
            )
            how["dev"] = {**scored_with, "dev_folds": folds}
        parts = {"dev": evaluate(scorer, split["dev"], dev_add), "test": evaluate(scorer, split["test"], add)}
    else:
        parts = {"all": evaluate(scorer, records, add)}
    data = {name: {**report.to_dict(listed=name != "test"), "scored_with": how[name]} for name, report in parts.items()}
    if as_json:
        print_json(data if len(data) > 1 else data["all"])
        return
    out = console()
    _print_scored_with(out, how.get("dev", scored_with))
    for name, report in parts.items():
        heading = {"dev": _("Part dev (rules are tuned on it)"), "test": _("Part test (locked: measured only)")}
        if name in heading:
            out.print(heading[name], markup=False)
        _print_report(out, source, report.total, scorer.threshold, data[name])


def _model_in_use() -> Any:
    """The combiner of the model in use (the bureau's, else the seed), or None when there is no model."""
    from pipelines.model.registry import current_combiner

    combiner = current_combiner()
    return combiner if combiner.model is not None else None


def _sweep_model(rules_only: bool, threshold: int) -> tuple[Any, Combine | None]:
    """The model in use and how a sweep adds it to the rules' scores; (None, None) with the rules alone."""
    combiner = None if rules_only else _model_in_use()
    if combiner is None:
        return None, None
    from pipelines.model.evaluate import sweep_combine

    return combiner, sweep_combine(combiner, threshold)


def _scored_with(combiner: Any) -> dict[str, Any]:
    if combiner is None:
        return {"model": None}
    model = combiner.model
    return {
        "model": "seed" if model.is_seed else "bureau",
        "version": model.version,
        "lift_probability": combiner.lift_probability,
    }


def _print_scored_with(out: Console, scored_with: dict[str, Any]) -> None:
    if scored_with["model"] is None:
        out.print(_("Scored with the rules alone"), markup=False)
        return
    model = (
        _("the seed model shipped with tradewatch")
        if scored_with["model"] == "seed"
        else _("the bureau's model version {version}").format(version=scored_with["version"])
    )
    out.print(
        _("Scored as a sweep scores: the rules and {model} (lifts a listing at probability {lift})").format(
            model=model, lift=scored_with["lift_probability"]
        ),
        markup=False,
    )
    if "dev_folds" in scored_with:
        out.print(
            _(
                "Part dev: each listing scored by a model learnt from the other {folds} folds of the dev part "
                "(cross-validated, not the model in use)"
            ).format(folds=scored_with["dev_folds"] - 1),
            markup=False,
        )


def _print_report(out: Console, source: object, total: int, threshold: int, data: dict[str, Any]) -> None:
    out.print(
        _("Set: {source}  ({total} listings, threshold {threshold})").format(
            source=source, total=total, threshold=threshold
        ),
        markup=False,
    )
    table = Table(_("Scope"), "TP", "FP", "FN", _("precision"), _("recall"), "F1")

    def row(name: str, counts: dict[str, float]) -> None:
        table.add_row(
            name,
            str(counts["tp"]),
            str(counts["fp"]),
            str(counts["fn"]),
            f"{counts['precision']:.3f}",
            f"{counts['recall']:.3f}",
            f"{counts['f1']:.3f}",
        )

    row(_("Leads (all)"), data["leads"])
    row(_("Disguised listings"), data["disguised"])
    for name, counts in data["by_family"].items():
        row(_("Family {name}").format(name=name), counts)
    for name, counts in data["by_kind"].items():
        row(_("Kind {name}").format(name=name), counts)
    for name, counts in data["by_class"].items():
        row(_("Class {name}").format(name=name), counts)
    for name, counts in data["by_category"].items():
        row(name, counts)
    out.print(table)
    if data["category_accuracy"] is not None:
        out.print(
            _("Category accuracy on true leads: {accuracy}").format(accuracy=f"{data['category_accuracy']:.3f}"),
            markup=False,
        )
    for title, items in (
        (N_("Misses: {count}"), data["misses"]),
        (N_("False alarms: {count}"), data["false_alarms"]),
        (N_("Wrong category: {count}"), data["wrong_category"]),
    ):
        if isinstance(items, int):  # the locked test part: counted, not listed
            out.print(_(title).format(count=items), markup=False)
            continue
        out.print(_(title).format(count=len(items)), markup=False)
        for item in items:
            out.print(
                "  "
                + _("line {line} [{kind}] score {score} expected {expected} got {got}: {title}").format(
                    line=item["line"],
                    kind=item["kind"],
                    score=item["score"],
                    expected=item["expected"],
                    got=item["got"],
                    title=safe_str(item["title"]),
                ),
                markup=False,
            )
    if not data.get("listed", True):
        out.print(_("The test part's listings are counted, not listed: rules are tuned on dev only."), markup=False)


def _eval_background(
    path: Path, watchlist: list[Path] | None, threshold: int | None, rules_only: bool, as_json: bool
) -> None:
    """False alarms per 10,000 on a background set of real, ordinary listings: every lead there is false."""
    from pipelines.scoring import Scorer
    from pipelines.scoring.evaluate import evaluate_background, read_background

    report = read_background(path)
    if not report.total:
        raise typer.BadParameter(_("{path} holds no listing titles").format(path=path), param_hint="--background")
    scorer = Scorer.load(watchlist or None, threshold=threshold)
    combiner, add = _sweep_model(rules_only, scorer.threshold)
    evaluate_background(scorer, report, add)
    scored_with = _scored_with(combiner)
    data = {**report.to_dict(), "scored_with": scored_with}
    if as_json:
        print_json(data)
        return
    out = console()
    _print_scored_with(out, scored_with)
    unknown = _("not recorded")
    out.print(
        _("Background set: {path} ({total} ordinary listings; source: {source}; licence: {licence})").format(
            path=path,
            total=report.total,
            source=safe_str(report.source or unknown),
            licence=safe_str(report.licence or unknown),
        ),
        markup=False,
        soft_wrap=True,
    )
    verdict = _("met") if report.per_10k <= data["target_per_10k"] else _("missed")
    out.print(
        _("Flagged as leads: {flagged}, {rate} per 10,000 (target at most {target}: {verdict})").format(
            flagged=len(report.flagged),
            rate=f"{report.per_10k:.1f}",
            target=f"{data['target_per_10k']:g}",
            verdict=verdict,
        ),
        markup=False,
    )
    for item in report.flagged:
        out.print(
            "  "
            + _("line {line} score {score} {category}: {title}").format(
                line=item["line"], score=item["score"], category=item["got"], title=safe_str(item["title"])
            ),
            markup=False,
        )


def _eval_rules(as_json: bool) -> None:
    """Recall and precision of the clause scorer on the dev part and the locked test part of the clause set."""
    from pipelines.rules import ClauseScorer
    from pipelines.rules.evaluate import CLAUSE_SET, TEST_SET, evaluate_clause_set

    scorer = ClauseScorer.load()
    parts = evaluate_clause_set(scorer)
    if as_json:
        print_json(
            {
                "set": str(CLAUSE_SET),
                "test_set": str(TEST_SET),
                "threshold": scorer.threshold,
                "parts": [p.to_dict() for p in parts],
            }
        )
        return
    out = console()
    out.print(
        _("Clause set: dev {dev}, test {test} (threshold {threshold}; test part locked)").format(
            dev=CLAUSE_SET, test=TEST_SET, threshold=scorer.threshold
        ),
        markup=False,
        soft_wrap=True,
    )
    parts_names = {"dev": N_("dev"), "test": N_("test (locked)")}
    table = Table(_("Part"), _("clauses"), _("unfair"), "TP", "FP", "FN", _("precision"), _("recall"))
    for part in parts:
        table.add_row(
            _(parts_names[part.name]),
            str(part.total),
            str(part.tp + part.fn),
            str(part.tp),
            str(part.fp),
            str(part.fn),
            f"{part.precision:.3f}",
            f"{part.recall:.3f}",
        )
    out.print(table)
    for part in parts:
        for title, count, items in (
            (N_("Misses: {count}"), part.fn, part.misses),
            (N_("False alarms: {count}"), part.fp, part.false_alarms),
        ):
            if count:
                out.print(f"[{_(parts_names[part.name])}] " + _(title).format(count=count), markup=False)
            for item in items:
                out.print(f"  {safe_str(item['id'])} ({item['score']}): {safe_str(item['text'])}", markup=False)
    if any(part.name == "test" and part.fn + part.fp for part in parts):
        out.print(_("The test part's clauses are counted, not listed: patterns are tuned on dev only."), markup=False)


def register(app: typer.Typer) -> None:
    app.command("eval", help=EVAL_HELP)(eval_cmd)

"""`tradewatch watchlist`: validate watchlists and explain how a text is scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.i18n import _
from cli.labels import category_label
from cli.output import console, fail, print_json

watchlist_app = typer.Typer(help="Watchlists: check them, explain scores, list search terms.", no_args_is_help=True)


@watchlist_app.command("check")
def check_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Watchlist files or folders (default: the shipped ones).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Validate watchlists; report every problem as file:line: field: reason.

    Example:

        tradewatch watchlist check
        tradewatch watchlist check campaigns/2025-spring.yaml
    """
    from pipelines.scoring.checks import check_watchlists

    report = check_watchlists(paths or None)
    if as_json:
        print_json(report.to_dict())
    else:
        out = console()
        for problem in report.problems:
            out.print(_("Problem: {problem}").format(problem=problem), markup=False, soft_wrap=True)
        for warning in report.warnings:
            out.print(_("Warning: {warning}").format(warning=warning), markup=False)
        out.print(
            _("{files} files, {categories} categories, {terms} match terms, {search_terms} search terms").format(
                files=len(report.files),
                categories=report.categories,
                terms=report.terms,
                search_terms=report.search_terms,
            ),
            markup=False,
        )
    if report.problems:
        fail(_("Problems in the watchlists: {count}").format(count=len(report.problems)), 1)
    if not as_json:
        console().print(_("Watchlists OK"), markup=False)


@watchlist_app.command("explain")
def explain_cmd(
    text: Annotated[str, typer.Argument(help="Listing title (or any text) to explain.")],
    description: Annotated[str, typer.Option("--description", "-d", help="Listing description.")] = "",
    price: Annotated[float | None, typer.Option("--price", help="Listing price in yuan.")] = None,
    threshold: Annotated[int | None, typer.Option("--threshold", min=0, max=100, help="Lead threshold.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show the normalised text, the hits and the score breakdown.

    Example:

        tradewatch watchlist explain "象*牙手镯 老料 懂的来"
        tradewatch watchlist explain "白色塑料手串" -d "包老 私聊" --price 3600
    """
    from pipelines.scoring import Scorer

    scorer = Scorer.load(threshold=threshold)
    data = scorer.explain(text, description, price)
    if as_json:
        print_json(data)
        return
    out = console()
    out.print(_("Normalised title: {text}").format(text=data["normalised"]), markup=False)
    if description:
        out.print(_("Normalised description: {text}").format(text=data["normalised_description"]), markup=False)
    out.print(
        _("Score: {score}   Lead: {lead}   Category: {category}").format(
            score=data["score"],
            lead=_("yes") if data["is_lead"] else _("no"),
            category=category_label(data["category"], with_id=True),
        ),
        markup=False,
    )
    for hit in data["hits"]:
        where = f"{hit['field']}[{hit['start']}:{hit['end']}]"
        out.print(
            "  "
            + _("Hit: {matched} -> {term} [{category}] {where} ({rule})").format(
                matched=repr(hit["matched"]), term=hit["term"], category=hit["category"], where=where, rule=hit["rule"]
            ),
            markup=False,
        )
    for rule in data["rules"]:
        points = rule.get("points", rule.get("score"))
        details = {k: v for k, v in rule.items() if k not in ("rule", "points")}
        out.print(
            "  "
            + _("Rule: {rule} {points}  {details}").format(
                rule=f"{rule['rule']:<28}", points=f"{points!s:>7}", details=details
            ),
            markup=False,
        )


@watchlist_app.command("terms")
def terms_cmd(
    categories: Annotated[list[str] | None, typer.Argument(help="Category ids (default: all).")] = None,
) -> None:
    """Print the search terms a sweep types into a platform's search box, one a line.

    Example:

        tradewatch watchlist terms wildlife.ivory wildlife.pangolin
    """
    from pipelines.scoring import Scorer

    scorer = Scorer.load()
    unknown = [c for c in categories or [] if c not in scorer.categories]
    if unknown:
        fail(_("Unknown category: {categories}").format(categories=", ".join(unknown)))
    for term in scorer.search_terms(categories or None):
        typer.echo(term)


def register(app: typer.Typer) -> None:
    app.add_typer(watchlist_app, name="watchlist")

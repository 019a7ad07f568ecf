"""`tradewatch watchlist`: validate watchlists and explain how a text is scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.i18n import _
from cli.labels import category_label
from cli.output import console, fail, print_json
from core.safe_text import safe_str, safe_text

watchlist_app = typer.Typer(
    help="Watchlists: check them, explain scores, list search terms, discover and accept code words.",
    no_args_is_help=True,
)


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
    mechanisms = {
        "term": _("watchlist term"),
        "dictionary_alias": _("dictionary alias"),
        "generated_variant": _("generated variant"),
        "trade_pattern": _("trade pattern"),
        "goods_pattern": _("trade pattern of prohibited goods (product forms and traits of one category)"),
        "function_pattern": _("function pattern of prohibited goods (what the goods do, with company)"),
        "calibre_pattern": _("calibre of a weapon beside its barrel or a count of rounds"),
        "diagnostic_trait": _("diagnostic trait of one category (a mark that tells its material or animal)"),
        "remedy_pattern": _("remedy pattern (a medicine told by what it cures in its pharmacopoeia's words)"),
    }
    # a spelling generated from a term says how it was made from it
    generated = {
        "pinyin": _("pinyin of {term}"),
        "initials": _("pinyin initials of {term}"),
        "capitals": _("capitals standing for {term} (pinyin or English initials)"),
        "split": _("split characters of {term}"),
        "lookalike": _("look-alike of {term}"),
        "emoji": _("emoji spelling of {term}"),
        "digits": _("numerals of {term} written as digits"),
        "numerals": _("digits of {term} written as Chinese numerals"),
        "shorthand": _("dealer's shorthand of {term} (a character the dictionary gives only for it) before a part"),
    }
    for hit in data["hits"]:
        where = f"{hit['field']}[{hit['start']}:{hit['end']}]"
        out.print(
            "  "
            + _("Hit: {matched} -> {term} [{category}] {where} ({rule})").format(
                matched=repr(hit["matched"]), term=hit["term"], category=hit["category"], where=where, rule=hit["rule"]
            ),
            markup=False,
        )
        if hit["mechanism"] == "homophone":
            mechanism = _("homophone of {term} ({reading})").format(term=hit["term"], reading=hit.get("reading", ""))
        elif hit["rule"] == "animal":
            mechanism = _("dictionary alias of a kind of protected animal, not a species: counts for a wild one sold")
        elif hit["mechanism"] == "generated_variant" and hit["rule"] in generated:
            mechanism = generated[hit["rule"]].format(term=hit["term"])
        else:
            mechanism = mechanisms[hit["mechanism"]]
        out.print("    " + _("Found by: {mechanism}").format(mechanism=mechanism), markup=False)
        if hit.get("source"):
            out.print("    " + _("Source: {source}").format(source=hit["source"]), markup=False)
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
        # a function generated from a trigger and its effect says what it is made of, one line each
        for phrase, parts in rule.get("effects", {}).items():
            out.print(
                "    "
                + _("Told by its effect: {phrase} = {parts} (trigger + link + effect)").format(
                    phrase=phrase, parts=parts
                ),
                markup=False,
            )


@watchlist_app.command("terms")
def terms_cmd(
    categories: Annotated[list[str] | None, typer.Argument(help="Category ids (default: all).")] = None,
    stats: Annotated[
        str | None,
        typer.Option(help="A platform: each term's past yield there (leads per search), in the order a sweep uses."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (with --stats).")] = False,
) -> None:
    """Print the search terms a sweep types into a platform's search box, one a line. With --stats PLATFORM,
    the terms in the order a sweep of that platform searches them (highest past yield first) with their
    searches, leads and leads per search over its recorded runs.

    Example:

        tradewatch watchlist terms wildlife.ivory wildlife.pangolin
        tradewatch watchlist terms --stats demo
    """
    from pipelines.scoring import Scorer

    scorer = Scorer.load()
    unknown = [c for c in categories or [] if c not in scorer.categories]
    if unknown:
        fail(_("Unknown category: {categories}").format(categories=", ".join(unknown)))
    terms = scorer.search_terms(categories or None)
    if stats is None:
        for term in terms:
            typer.echo(term)
        return
    _print_yields(stats, terms, as_json)


def _print_yields(platform: str, terms: list[str], as_json: bool) -> None:
    from rich.table import Table
    from sqlmodel import Session

    from leads.db import get_engine
    from leads.sweep_memory import by_yield, term_yields

    with Session(get_engine()) as session:
        yields = term_yields(session, platform)
    ordered = by_yield([*terms, *(term for term in yields if term not in terms)], yields)
    rows = [
        {
            "term": term,
            "searches": yields[term].searches if term in yields else 0,
            "leads": yields[term].leads if term in yields else 0,
            "leads_per_search": round(yields[term].per_search, 4) if term in yields else None,
            "runs": yields[term].runs if term in yields else 0,
        }
        for term in ordered
    ]
    if as_json:
        print_json({"platform": platform, "terms": rows})
        return
    table = Table(title=_("Search terms on {platform} by past yield").format(platform=safe_str(platform)))
    table.add_column(_("Term"))
    for heading in (_("Searches"), _("Leads"), _("Leads per search"), _("Runs")):
        table.add_column(heading, justify="right")
    for row in rows:
        share = row["leads_per_search"]
        table.add_row(
            safe_text(row["term"]),
            str(row["searches"]),
            str(row["leads"]),
            "-" if share is None else f"{share:.2f}",
            str(row["runs"]),
        )
    console().print(table)


@watchlist_app.command("suggest")
def suggest_cmd(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="How many suggestions.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Propose code words: terms over-represented in confirmed leads against dismissed and ordinary listings.

    Each suggestion shows in how many confirmed leads, dismissed leads and ordinary listings it appears, how
    often with trade talk, from how many sellers, and three confirmed leads that use it. Terms a watchlist
    already covers are left out. Accept one with `tradewatch watchlist accept`.

    Example:

        tradewatch watchlist suggest --limit 5
    """
    from sqlmodel import Session

    from leads.db import get_engine
    from pipelines.model.codewords import suggest
    from pipelines.scoring import Scorer

    with Session(get_engine()) as session:
        suggestions = suggest(session, Scorer.load(), limit=limit)
    if as_json:
        print_json([vars(s) for s in suggestions])
        return
    out = console()
    if not suggestions:
        out.print(_("No suggestions: too few confirmed leads, or every frequent term is already listed"), markup=False)
        return
    for s in suggestions:
        out.print(
            safe_text(s.term, style="bold"),
            _(
                "confirmed {confirmed}, dismissed {dismissed}, ordinary {ordinary}, with trade talk "
                "{trade}, sellers {sellers}, log-odds {odds}"
            ).format(
                confirmed=s.confirmed,
                dismissed=s.dismissed,
                ordinary=s.ordinary,
                trade=s.with_trade_talk,
                sellers=s.sellers,
                odds=s.log_odds,
            ),
        )
        for example in s.examples:
            out.print("    ", safe_text(example))


@watchlist_app.command("accept")
def accept_cmd(
    term: Annotated[str, typer.Argument(help="The term to add.")],
    category: Annotated[str, typer.Option("--category", "-c", help="Category id, e.g. wildlife.ivory.")],
    weight: Annotated[int, typer.Option("--weight", min=1, max=100, help="Points before severity.")] = 55,
    officer: Annotated[str | None, typer.Option("--officer", help="Acting officer (default: configured).")] = None,
) -> None:
    """Add a term to the bureau's own watchlist (TRADEWATCH_HOME/watchlists/bureau.yaml) as a code word.

    The file records who accepted the term and when; the audit trail records it too. Sweeps, re-checks and
    `score` load the bureau's watchlists beside the shipped ones from then on.

    Example:

        tradewatch watchlist accept 糖霜料 --category wildlife.ivory
    """
    from cli.identity import require_officer
    from pipelines.scoring import Scorer
    from pipelines.scoring.bureau import accept_term

    who = require_officer(officer)
    path = accept_term(term, category, weight=weight, officer=who, known_categories=set(Scorer.load().categories))
    console().print(
        _("Accepted {term} into {category}: {path}").format(term=safe_str(term), category=category, path=path),
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(watchlist_app, name="watchlist")

"""`tradewatch runs`: the recorded sweeps, their numbers and their health."""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from cli.i18n import N_, _, localise_message
from cli.output import console, fail, print_json
from core.safe_text import safe_str

runs_app = typer.Typer(help="Recorded sweeps (crawl runs) and their outcome.", no_args_is_help=True)

OUTCOME_TEXT: dict[str, str] = {
    "ok": N_("ok"),
    "degraded": N_("degraded"),
    "broken": N_("broken"),
    "blocked": N_("blocked"),
    "unreachable": N_("unreachable"),
    "failed": N_("failed"),
    "interrupted": N_("interrupted"),
}

# The numbers of a run, by the keys of its JSON.
COUNT_NAMES: dict[str, str] = {
    "pages": N_("Pages"),
    "listings": N_("Listings"),
    "hits": N_("Hits"),
    "leads_new": N_("New leads"),
    "leads_updated": N_("Updated leads"),
    "errors": N_("Errors"),
    "search_pages": N_("Search result pages"),
    "item_pages": N_("Item pages"),
    "results_seen": N_("Results seen"),
    "items_yielded": N_("Listings extracted"),
    "blocked_pages": N_("Blocked pages"),
    "unparsed_pages": N_("Pages not parsed"),
    "no_results": N_("Searches with no results (no_results)"),
    "feed_pages": N_("Feed pages"),
    "sitemap_pages": N_("Sitemap pages"),
    "feed_unchanged": N_("Feed listings stored already and unchanged"),
    "budget": N_("Request budget"),
    "budget_skipped": N_("Requests not made (budget reached)"),
    "undecodable_pages": N_("Pages not decodable"),
    "not_text_pages": N_("Pages that were not web pages"),
    "retries": N_("Retries"),
    "retries_429": N_("Retries after 429 (too many requests)"),
    "retries_503": N_("Retries after 503 (unavailable)"),
    "browser_launch_failed": N_("Browser launches failed"),
    "browser_launch_recovered": N_("Browser launches recovered"),
    "never_read": N_("Requests never read (no worker could read them)"),
}


# Recorded reasons are English templates with `{name}` fields (crawler.run_health, leads.runs); each is its own
# msgid (cli.i18n_tools.library_msgids), so a new reason reaches the catalogues without a second copy here.
FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    """The template as a regular expression whose named groups are its fields."""
    parts = FIELD.split(template)  # literal, name, literal, name, ..., literal
    return re.compile(
        "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts)),
        re.DOTALL,
    )


def recorded_reasons() -> tuple[str, ...]:
    """Every reason (health reason or finish reason) the project records for a run, as templates."""
    from crawler.run_health import REASONS
    from leads.runs import FINISH_REASONS

    return (*REASONS, *FINISH_REASONS)


@cache
def reason_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((_pattern(template), template) for template in recorded_reasons())


def reason_text(reason: str) -> str:
    """A recorded reason in the current language; what it quotes (a URL, an error text) is made safe for a
    terminal, and an unknown reason is shown as it is, made safe."""
    from crawler.run_health import SEE_THE_LOG

    for pattern, msgid in reason_patterns():
        match = pattern.fullmatch(reason)
        if match:
            fields = {
                name: _(SEE_THE_LOG) if value == SEE_THE_LOG else safe_str(value)
                for name, value in match.groupdict().items()
            }
            return _(msgid).format(**fields)
    return safe_str(localise_message(reason))


def outcome_label(outcome: str | None) -> str:
    """A run's outcome in the current language; a run without one is still running."""
    if not outcome:
        return _("running")
    name = OUTCOME_TEXT.get(outcome)
    return _(name) if name else outcome


def _count_label(key: str) -> Text:
    name = COUNT_NAMES.get(key)
    if not name:
        return Text(key)
    return Text.assemble(_(name), (f"  {key}", "dim"))


def _row(run: Any) -> dict[str, Any]:
    return {
        "id": run.id,
        "platform": run.platform,
        "keywords": run.keywords,
        "campaign": run.campaign,
        "sweep_id": run.sweep_id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "finish_reason": run.finish_reason,
        "outcome": run.outcome,
        "pages": run.pages,
        "listings": run.listings,
        "hits": run.hits,
        "leads_new": run.leads_new,
        "leads_updated": run.leads_updated,
        "errors": run.errors,
    }


@runs_app.command("list")
def list_runs_cmd(
    limit: Annotated[int, typer.Option(help="How many of the latest runs.", min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The latest sweeps, newest first.

    Example:

        tradewatch runs list --limit 10
    """
    from leads.db import get_engine, run_write
    from leads.runs import list_runs, mark_interrupted_runs

    engine = get_engine()
    run_write(lambda session: mark_interrupted_runs(session), engine=engine)
    with Session(engine) as session:
        rows = [_row(run) for run in list_runs(session, limit=limit)]
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("Crawl runs"))
    for heading in (
        _("Run"),
        _("Platform"),
        _("Started (UTC)"),
        _("Outcome"),
        _("Pages"),
        _("Listings"),
        _("New leads"),
        _("Errors"),
    ):
        table.add_column(heading)
    for row in rows:
        started = row["started_at"].strftime("%Y-%m-%d %H:%M") if row["started_at"] else ""
        table.add_row(
            str(row["id"]),
            row["platform"],
            started,
            outcome_label(row["outcome"]),
            str(row["pages"]),
            str(row["listings"]),
            str(row["leads_new"]),
            str(row["errors"]),
        )
    console().print(table)


@runs_app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(help="Run id (see `tradewatch runs list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """One sweep in detail: counts, field coverage, retries, blocks, finish reason, outcome and why.

    Example:

        tradewatch runs show 12
    """
    from crawler.run_health import REASONS_STAT, summary
    from leads.db import get_engine, run_write
    from leads.runs import get_run, mark_interrupted_runs

    engine = get_engine()
    run_write(lambda session: mark_interrupted_runs(session), engine=engine)
    with Session(engine) as session:
        run = get_run(session, run_id)
        if run is None:
            fail(_("no run {run_id}").format(run_id=run_id))
        row = _row(run)
        stats = dict(run.stats or {})
    details = summary(stats)
    reasons = list(stats.get(REASONS_STAT) or [])
    coverage = {key.rsplit("/", 1)[1]: value for key, value in stats.items() if key.startswith("tradewatch/coverage/")}
    if as_json:
        print_json({**row, "reasons": reasons, "coverage": coverage, "details": details})
        return
    out = console()
    out.print(
        _("Run {run_id}: {platform}  Outcome: {outcome}").format(
            run_id=row["id"], platform=row["platform"], outcome=outcome_label(row["outcome"])
        ),
        markup=False,
    )
    out.print(_("Keywords: {keywords}").format(keywords=", ".join(row["keywords"] or [])), markup=False)
    if row["campaign"]:
        out.print(_("Campaign: {campaign}").format(campaign=row["campaign"]), markup=False)
    out.print(
        _("Started: {started}  Finished: {finished}").format(
            started=row["started_at"], finished=row["finished_at"] or "-"
        ),
        markup=False,
    )
    out.print(_("Finish reason: {reason}").format(reason=reason_text(row["finish_reason"] or "-")), markup=False)
    for reason in reasons:
        out.print(_("Reason: {reason}").format(reason=reason_text(str(reason))), markup=False)
    table = Table(title=_("Numbers"))
    table.add_column(_("Item"))
    table.add_column(_("Count"), justify="right")
    for key in ("pages", "listings", "hits", "leads_new", "leads_updated", "errors"):
        table.add_row(_count_label(key), str(row[key]))
    for key, value in details.items():
        if key != "fields":
            table.add_row(_count_label(key), str(value))
    out.print(table)
    if details["fields"]:
        fields = Table(title=_("Field coverage"))
        for heading in (_("Field"), _("Present"), _("Missing"), _("Coverage")):
            fields.add_column(heading)
        for name, numbers in details["fields"].items():
            share = coverage.get(name)
            fields.add_row(
                name, str(numbers["present"]), str(numbers["missing"]), f"{share:.0%}" if share is not None else "-"
            )
        out.print(fields)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")

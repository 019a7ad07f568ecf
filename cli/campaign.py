"""`tradewatch campaign`: special campaigns with their own keywords, platforms, dates and schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.i18n import N_, _
from cli.identity import current_officer
from cli.labels import status_label
from cli.output import JsonOption, console, fail, print_json
from leads.campaigns import (
    CampaignError,
    CampaignInput,
    campaign_counts,
    campaign_dict,
    close_campaign,
    create_campaign,
    get_campaign,
    list_campaigns,
    validate_campaign,
)
from leads.db import get_engine, run_write

campaign_app = typer.Typer(
    name="campaign",
    help="Special campaigns: keywords, platforms, dates, schedule; their leads carry the campaign.",
    no_args_is_help=True,
)

NameArgument = Annotated[str, typer.Argument(help="The campaign's name, e.g. 2025清风行动.", metavar="NAME")]

STATE_TEXT: dict[str, str] = {
    "open": N_("open"),
    "closed": N_("closed"),
    "scheduled": N_("not started"),
    "ended": N_("past its end date"),
}


def state_label(state: str) -> str:
    return _(STATE_TEXT[state]) if state in STATE_TEXT else state


def _date(option: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CampaignError(option, _("{value} is not a date (YYYY-MM-DD)").format(value=repr(value))) from None


def _check_platforms(names: list[str]) -> list[str]:
    from crawler.profiles import check_platforms

    return check_platforms(names)


@campaign_app.command("create")
def create_command(
    name: NameArgument,
    keywords: Annotated[
        list[str], typer.Option("--keywords", "-k", help="Search keywords, comma-separated or repeated.")
    ],
    platforms: Annotated[list[str], typer.Option("--platforms", "-p", help="Platforms, comma-separated or repeated.")],
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD, the bureau's calendar).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, included (YYYY-MM-DD).")] = None,
    cron: Annotated[
        str | None,
        typer.Option(help="When the scheduler sweeps: minute hour day month weekday, e.g. '0 21 * * *'."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="A readable title for reports.")] = None,
    description: Annotated[str, typer.Option(help="What the campaign is about.")] = "",
    max_pages: Annotated[int | None, typer.Option(min=1, max=1000, help="Result pages per keyword.")] = None,
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="A feed of the platforms' profiles to sweep too (repeatable).")
    ] = None,
    officer: Annotated[
        str | None, typer.Option(help="Who creates it (default: TRADEWATCH_OFFICER or the config file).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a campaign. With --cron the running scheduler sweeps it on that schedule between its dates.

    Example:

        tradewatch campaign create 2025清风行动 --keywords 象牙,穿山甲,犀牛角 --platforms demo,jd \\
            --from 2025-03-01 --to 2025-05-31 --cron "0 21 * * *" --title "2025年清风行动"
    """
    data = validate_campaign(
        CampaignInput(
            name=name,
            keywords=keywords,
            platforms=platforms,
            starts_on=_date("--from", date_from),
            ends_on=_date("--to", date_to),
            cron=cron,
            title=title,
            description=description,
            max_pages=max_pages,
            feeds=feed,
        ),
        check_platforms=_check_platforms,
    )
    creator = current_officer(officer)
    campaign = run_write(lambda session: create_campaign(session, data, created_by=creator))
    if as_json:
        print_json(campaign_dict(campaign))
        return
    if campaign.cron:
        message = _("Campaign created: {name}, swept on cron {cron}").format(name=campaign.name, cron=campaign.cron)
    else:
        message = _("Campaign created: {name} (no schedule: sweep it with `tradewatch campaign run`)").format(
            name=campaign.name
        )
    console().print(message, markup=False)


@campaign_app.command("list")
def list_command(
    open_only: Annotated[bool, typer.Option("--open", help="Only campaigns not closed.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List campaigns, newest first, with their lead counts.

    Example:

        tradewatch campaign list --open
    """
    with Session(get_engine()) as session:
        rows = [
            (campaign_dict(campaign), campaign_counts(session, campaign.name))
            for campaign in list_campaigns(session, include_closed=not open_only)
        ]
    if as_json:
        print_json([{**data, **counts} for data, counts in rows])
        return
    table = Table(title=_("Campaigns"))
    for heading in (_("Name"), _("State"), _("Dates"), _("Platforms"), _("Schedule")):
        table.add_column(heading)
    for heading in (_("Found"), _("Seen again"), _("Runs")):
        table.add_column(heading, justify="right")
    for data, counts in rows:
        table.add_row(
            data["name"],
            state_label(data["state"]),
            f"{data['from'] or '…'} – {data['to'] or '…'}",
            ", ".join(data["platforms"]),
            data["cron"] or "—",
            str(counts["leads"]),
            str(counts["seen_again"]),
            str(counts["runs"]),
        )
    console().print(table)


@campaign_app.command("show")
def show_command(name: NameArgument, as_json: JsonOption = False) -> None:
    """Show a campaign: keywords, platforms, dates, schedule, leads by status and runs.

    Example:

        tradewatch campaign show 2025清风行动
    """
    with Session(get_engine()) as session:
        campaign = get_campaign(session, name)
        data, counts = campaign_dict(campaign), campaign_counts(session, name)
    if as_json:
        print_json({**data, **counts})
        return
    table = Table(title=_("Campaign {name}").format(name=data["name"]), show_header=False)
    table.add_column("field")
    table.add_column("value")
    by_status = ", ".join(f"{status_label(k)}: {v}" for k, v in counts["by_status"].items())
    rows = [
        (_("Title"), data["title"] or ""),
        (_("Description"), data["description"] or ""),
        (_("Keywords"), "，".join(data["keywords"])),
        (_("Platforms"), ", ".join(data["platforms"])),
        (_("Dates"), f"{data['from'] or '…'} – {data['to'] or '…'}"),
        (_("Schedule"), data["cron"] or "—"),
        (_("State"), state_label(data["state"])),
        (_("Found by the campaign"), str(counts["leads"])),
        (_("By status"), by_status or "—"),
        (_("Older leads seen again"), str(counts["seen_again"])),
        (_("Runs"), str(counts["runs"])),
    ]
    for key, value in rows:
        table.add_row(key, value)
    console().print(table)


@campaign_app.command("run")
def run_command(
    name: NameArgument,
    base_url: Annotated[str | None, typer.Option(help="Point the platforms at another host (the demo market).")] = None,
    max_pages: Annotated[int | None, typer.Option(min=1, max=1000, help="Result pages per keyword.")] = None,
) -> None:
    """Sweep the campaign's platforms for its keywords now; its leads carry the campaign.

    Example:

        tradewatch campaign run 2025清风行动
    """
    from cli.i18n import localise_message
    from cli.runs import outcome_label
    from cli.sweep import INTERRUPTED_EXIT
    from leads import job_records
    from runners.child import sigterm_interrupts
    from runners.scheduled import sweep_job
    from scheduler import job_outcome

    with Session(get_engine()) as session:
        campaign = get_campaign(session, name)
    if campaign.status == "closed":
        fail(_("campaign {name} is closed").format(name=repr(name)))
    if not campaign.keywords or not campaign.platforms:
        fail(_("campaign {name} has no keywords or platforms (create it first)").format(name=repr(name)))
    try:
        with sigterm_interrupts():  # a `kill` stops the sweep's child too, instead of leaving it crawling
            result = sweep_job(
                platforms=list(campaign.platforms),
                keywords=list(campaign.keywords),
                campaign=campaign.name,
                max_pages=max_pages or campaign.max_pages,
                base_url=base_url,
                timeout=None,
                feeds=list(campaign.feeds or []),
            )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the child recorded its runs as interrupted
        fail(_("sweep interrupted"), code=INTERRUPTED_EXIT)
    out = console()
    if result.get("failed"):
        fail(_("campaign sweep failed: {error}").format(error=localise_message(str(result.get("error")))))
    outcomes = ", ".join(
        f"{platform}: {outcome_label(outcome)}" for platform, outcome in result.get("outcomes", {}).items()
    )
    runs = ", ".join(str(run_id) for run_id in result["run_ids"])
    out.print(_("Done: runs {runs} ({outcomes})").format(runs=runs, outcomes=outcomes), markup=False)
    out.print(_("Log: {path}").format(path=result.get("log")), markup=False)
    outcome = job_outcome(result)  # as `tradewatch sweep` and `schedule run-job` exit for such runs
    if outcome == job_records.INTERRUPTED:
        fail(_("sweep interrupted: {platforms}").format(platforms=outcomes), code=INTERRUPTED_EXIT)
    if outcome != job_records.OK:
        fail(_("sweep did not complete normally: {platforms}").format(platforms=outcomes), code=3)


@campaign_app.command("close")
def close_command(name: NameArgument) -> None:
    """Close a campaign: the scheduler stops sweeping it; its leads and report stay.

    Example:

        tradewatch campaign close 2025清风行动
    """
    campaign = run_write(lambda session: close_campaign(session, name))
    console().print(_("Campaign closed: {name}").format(name=campaign.name), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app, name="campaign")

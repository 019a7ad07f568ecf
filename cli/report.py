"""`tradewatch report`: the daily report and campaign reports as self-contained HTML with charts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.i18n import N_, _
from cli.output import console
from core.errors import TradewatchError

report_app = typer.Typer(
    name="report", help="Reports as HTML with charts: daily, per campaign, platform rules.", no_args_is_help=True
)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")]


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        msgid, params = N_("--date: {value} is not a date (YYYY-MM-DD)"), {"value": repr(value)}
        error = TradewatchError(msgid.format(**params))
        error.msgid, error.params = msgid, params  # type: ignore[attr-defined]
        raise error from None


@report_app.command("daily")
def daily_command(
    out: OutOption,
    day: Annotated[
        str | None, typer.Option("--date", help="The day (YYYY-MM-DD, the bureau's calendar); default today.")
    ] = None,
) -> None:
    """Write the daily report: leads new, queued, verified, dismissed and overdue by category, platform and
    campaign, the day's activity, deadlines, leads waiting for the queue, re-checks, runs and their health.

    Example:

        tradewatch report daily --date 2025-03-14 --out report.html
    """
    from leads.reports import daily_report, write_report

    path = write_report(daily_report(_day(day)), out)
    console().print(_("Daily report written: {path}").format(path=path), markup=False)


@report_app.command("campaign")
def campaign_command(
    name: Annotated[str, typer.Argument(help="The campaign's name.", metavar="NAME")],
    out: OutOption,
) -> None:
    """Write a campaign's report: its leads by status, category and platform, its runs and their health.

    Example:

        tradewatch report campaign 2025清风行动 --out qingfeng.html
    """
    from leads.reports import campaign_report, write_report

    path = write_report(campaign_report(name), out)
    console().print(_("Campaign report written: {path}").format(path=path), markup=False)


@report_app.command("rules")
def rules_command(out: OutOption) -> None:
    """Write the platform rules watch report: per platform, the rules pages' versions and changes, the
    unfair-clause findings with their status, and what became of the rectification notices.

    Example:

        tradewatch report rules --out rules.html
    """
    from sqlmodel import Session

    from leads.db import get_engine
    from leads.rules_report import write_rules_report

    with Session(get_engine()) as session:
        path = write_rules_report(session, out)
    console().print(_("Rules report written: {path}").format(path=path), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")

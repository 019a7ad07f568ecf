"""`tradewatch triage`: the keyboard-driven triage screen."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.identity import current_officer
from cli.lead_options import OfficerOption
from cli.output import fail


def triage_command(
    officer: OfficerOption = None,
    filter_text: Annotated[
        str, typer.Option("--filter", help="Start with this filter, e.g. 'status:queued cat:wildlife min:70'.")
    ] = "",
) -> None:
    """Work the queue on one screen: the list on the left, the lead on the right, one key per action.

    Keys: arrows move, c claim, v verify, d dismiss (asks why), e escalate, n next lead, / filter, q quit.
    Works in an 80×24 terminal over SSH.

    Example:

        tradewatch triage --officer 王芳 --filter "status:queued cat:wildlife"
    """
    from cli.tui.app import TriageApp, parse_filter

    who = current_officer(officer)
    try:
        lead_filter = parse_filter(filter_text, who)
    except ValueError as error:
        fail(str(error))
    TriageApp(officer=who, lead_filter=lead_filter, filter_text=filter_text).run()


def register(app: typer.Typer) -> None:
    app.command("triage")(triage_command)

"""The audit trail from the command line: `tradewatch leads history ID` and `tradewatch audit verify`."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from cli.i18n import _, localise_message
from cli.labels import action_label, status_label
from cli.lead_options import LeadIdArgument
from cli.output import JsonOption, console, fail, print_json, report_verification
from core.safe_text import safe_text
from leads.audit import AuditProblem, lead_history, verify_chain
from leads.db import get_engine
from leads.models import Lead

audit_app = typer.Typer(help="The audit trail: verify it.", no_args_is_help=True)


def history_command(lead_id: LeadIdArgument, as_json: JsonOption = False) -> None:
    """Show everything that happened to a lead: who did what, when, from which state to which, and why.

    Example:

        tradewatch leads history 12
    """
    with Session(get_engine()) as session:
        if session.get(Lead, lead_id) is None:
            fail(_("No lead with id {lead_id}").format(lead_id=lead_id), code=4)
        events = lead_history(session, lead_id)
    if as_json:
        print_json([event.model_dump(mode="json") for event in events])
        return
    table = Table(title=_("History of lead {lead_id}").format(lead_id=lead_id))
    for heading in ("#", _("Time (UTC)"), _("Action"), _("Officer"), _("Change"), _("Reason"), _("Details")):
        table.add_column(heading, overflow="fold")
    for event in events:
        change = (
            f"{status_label(event.from_status) if event.from_status else '-'} → {status_label(event.to_status)}"
            if event.to_status
            else "-"
        )
        action = action_label(event.action)
        if action != event.action:  # the action as recorded in the chain, for matching the JSON
            action = Text.assemble(action, (f" ({event.action})", "dim"))
        details = {key: value for key, value in event.details.items() if value not in (None, "", [], {})}
        table.add_row(
            str(event.seq),
            f"{event.created_at:%Y-%m-%d %H:%M:%S}",
            action,
            safe_text(event.actor),
            change,
            safe_text(event.reason or ""),
            safe_text(json.dumps(details, ensure_ascii=False, default=str) if details else ""),
        )
    console().print(table)


@audit_app.command("verify")
def verify_command(as_json: JsonOption = False) -> None:
    """Recompute the hash chain of the audit trail; report every edited, deleted or reordered event.

    Exits 0 when the chain is intact, 1 otherwise.

    Example:

        tradewatch audit verify
    """
    with Session(get_engine()) as session:
        checked, problems = verify_chain(session)

    def line(problem: AuditProblem) -> str:
        lead = _("lead {lead_id}").format(lead_id=problem.lead_pk) if problem.lead_pk is not None else "-"
        return _("BROKEN: event #{seq} (id {event_id}, {lead}): {problem}").format(
            seq=problem.seq, event_id=problem.event_id, lead=lead, problem=localise_message(problem.problem)
        )

    report_verification(
        checked,
        problems,
        as_json=as_json,
        problem_json=lambda p: {"seq": p.seq, "event_id": p.event_id, "lead": p.lead_pk, "problem": p.problem},
        problem_line=line,
        summary=_("Audit trail: {checked} events checked, {count} problems")
        if problems
        else _("Audit trail: {checked} events checked, intact"),
    )


def register(app: typer.Typer) -> None:
    from cli.leads_cmd import leads_app

    leads_app.command("history")(history_command)
    app.add_typer(audit_app, name="audit")

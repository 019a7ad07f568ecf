"""The audit trail from the command line: `tradewatch leads history ID` and `tradewatch audit verify`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.i18n import _, localise_message
from cli.labels import action_label, status_label
from cli.lead_options import LeadIdArgument
from cli.output import JsonOption, console, err_console, fail, model_json, print_json, report_verification
from core.safe_text import safe_text
from leads.db import get_engine

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:  # the audit chain's module (signing keys) is loaded by the commands that use it
    from leads.audit import AuditProblem

audit_app = typer.Typer(help="The audit trail: verify it, anchor its head, rotate its key.", no_args_is_help=True)


def history_command(lead_id: LeadIdArgument, as_json: JsonOption = False) -> None:
    """Show everything that happened to a lead: who did what, when, from which state to which, and why.

    Example:

        tradewatch leads history 12
    """
    from sqlmodel import Session

    from leads.audit import lead_history
    from leads.models import Lead

    with Session(get_engine()) as session:
        if session.get(Lead, lead_id) is None:
            fail(_("No lead with id {lead_id}").format(lead_id=lead_id), code=4)
        events = lead_history(session, lead_id)
    if as_json:
        print_json([model_json(event) for event in events])
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
    """Recompute the hash chain of the audit trail, check every event's signature (the key in
    TRADEWATCH_HOME/keys) and every anchor; report every edited, deleted or reordered event, earliest first.

    Exits 0 when the chain is intact, 1 otherwise.

    Example:

        tradewatch audit verify
    """
    from sqlmodel import Session

    from leads.audit import verify_chain

    with Session(get_engine()) as session:
        checked, problems = verify_chain(session)

    def line(problem: AuditProblem) -> str:
        lead = _("lead {lead_id}").format(lead_id=problem.lead_pk) if problem.lead_pk is not None else "-"
        return _("BROKEN: event #{seq} (id {event_id}, {lead}): {problem}").format(
            seq=problem.seq, event_id=problem.event_id, lead=lead, problem=localise_message(problem.problem)
        )

    if problems and not as_json:  # the rewrite starts here: everything after it follows from it
        first = problems[0]
        err_console().print(
            _("First event that disagrees: #{seq} (id {event_id})").format(
                seq=first.seq, event_id=first.event_id if first.event_id is not None else "-"
            ),
            markup=False,
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


@audit_app.command("anchor")
def anchor_command() -> None:
    """Append the audit chain's current head to the anchor file outside the database, and print it.

    Keep a copy of the file elsewhere (or the printed line): `audit verify` then detects a store rolled back or
    rewritten before that moment. The daily report anchors and prints the head too.

    Example:

        tradewatch audit anchor
    """
    from sqlmodel import Session

    from leads.audit import anchor_head, anchor_path

    with Session(get_engine()) as session:
        anchor = anchor_head(session)
    console().print(anchor.line(), markup=False, soft_wrap=True)
    err_console().print(_("Anchored in {path}").format(path=anchor_path()), markup=False)


@audit_app.command("rotate-key")
def rotate_key_command(
    officer: Annotated[str | None, typer.Option(help="Who rotates the key (default: TRADEWATCH_OFFICER).")] = None,
) -> None:
    """Start a new audit key; the rotation is recorded in the chain and the old key is kept to check old events.

    Copy the keys folder (TRADEWATCH_HOME/keys) to every machine that writes the store afterwards.

    Example:

        tradewatch audit rotate-key --officer 王芳
    """
    from sqlmodel import Session

    from cli.identity import current_officer
    from leads.audit import SYSTEM_ACTOR, rotate_key

    with Session(get_engine()) as session:
        old, new = rotate_key(session, actor=current_officer(officer) or SYSTEM_ACTOR)
        session.commit()
    console().print(_("Audit key {old} replaced by key {new}").format(old=old, new=new), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")

"""The audit trail from the command line: `tradewatch leads history ID` and `tradewatch audit verify`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.output import console, err_console, fail, print_json
from cli.safe_text import safe_text
from leads.audit import lead_history, verify_chain
from leads.db import get_engine
from leads.models import Lead

audit_app = typer.Typer(help="The audit trail: verify it. 审计日志。", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def history_command(
    lead_id: Annotated[int, typer.Argument(help="The lead's id.", metavar="ID")], as_json: JsonOption = False
) -> None:
    """Show everything that happened to a lead: who did what, when, from which state to which, and why.

    Example:

        tradewatch leads history 12
    """
    with Session(get_engine()) as session:
        if session.get(Lead, lead_id) is None:
            fail(f"没有编号为 {lead_id} 的线索 / no lead with id {lead_id}", code=4)
        events = lead_history(session, lead_id)
    if as_json:
        print_json([event.model_dump(mode="json") for event in events])
        return
    table = Table(title=f"线索 {lead_id} 的处理记录 / History of lead {lead_id}")
    for heading in (
        "#",
        "时间 Time (UTC)",
        "操作 Action",
        "人员 Officer",
        "状态 Status",
        "理由 Reason",
        "详情 Details",
    ):
        table.add_column(heading, overflow="fold")
    for event in events:
        change = f"{event.from_status or '-'} → {event.to_status or '-'}" if event.to_status else "-"
        details = {key: value for key, value in event.details.items() if value not in (None, "", [], {})}
        table.add_row(
            str(event.seq),
            f"{event.created_at:%Y-%m-%d %H:%M:%S}",
            event.action,
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
    if as_json:
        print_json(
            {
                "checked": checked,
                "ok": not problems,
                "problems": [
                    {"seq": p.seq, "event_id": p.event_id, "lead": p.lead_pk, "problem": p.problem} for p in problems
                ],
            }
        )
    else:
        for problem in problems:
            err_console().print(f"不符 / BROKEN {problem}", markup=False)
        verdict = "完整 / intact" if not problems else f"{len(problems)} 处问题 / {len(problems)} problems"
        console().print(f"审计日志 / audit trail: {checked} events checked, {verdict}", markup=False)
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    from cli.leads_cmd import leads_app

    leads_app.command("history")(history_command)
    app.add_typer(audit_app, name="audit")

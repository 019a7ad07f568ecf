"""`tradewatch evidence`: check the evidence files of leads and export a lead's evidence bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.i18n import _, localise_message
from cli.lead_options import LeadIdArgument
from cli.output import JsonOption, console, fail, model_json, print_json, report_verification
from core.safe_text import safe_text
from leads.db import get_engine
from leads.evidence import (
    evidence_root,
    export_bundle,
    lead_evidence,
    remove_stale_temporaries,
    stale_temporaries,
    verify_evidence,
)

evidence_app = typer.Typer(help="Evidence of leads: list, verify, export, tidy.", no_args_is_help=True)


@evidence_app.command("list")
def list_command(lead_id: LeadIdArgument, as_json: JsonOption = False) -> None:
    """List a lead's captures and their files with check values.

    Example:

        tradewatch evidence list 12
    """
    with Session(get_engine()) as session:
        captures = lead_evidence(session, lead_id)
    if as_json:
        print_json(
            [{**model_json(capture), "files": [model_json(file) for file in files]} for capture, files in captures]
        )
        return
    table = Table(title=_("Evidence of lead {lead_id}").format(lead_id=lead_id))
    for heading in (_("Version"), _("Captured (UTC)"), _("File"), _("Format"), _("Size"), "SHA-256"):
        table.add_column(heading, overflow="fold")
    for capture, files in captures:
        for file in files:
            table.add_row(
                f"v{capture.version}",
                f"{capture.captured_at:%Y-%m-%d %H:%M:%S}",
                file.name,
                safe_text(file.media_type),
                str(file.size),
                file.sha256,
            )
    console().print(table)


@evidence_app.command("verify")
def verify_command(
    lead_id: Annotated[int | None, typer.Argument(help="The lead's id (or --all).", metavar="[ID]")] = None,
    all_leads: Annotated[bool, typer.Option("--all", help="Verify the evidence of every lead.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Recompute the SHA-256 of every evidence file and report each mismatch or missing file.

    Exits 0 when everything matches, 1 when any file was changed or is missing.

    Example:

        tradewatch evidence verify 12
        tradewatch evidence verify --all
    """
    if (lead_id is None) == (not all_leads):
        fail(_("Give a lead id or --all"))
    with Session(get_engine()) as session:
        checked, problems = verify_evidence(session, lead_pk=lead_id)
    report_verification(
        checked,
        problems,
        as_json=as_json,
        problem_json=lambda p: {"lead": p.lead_pk, "version": p.version, "file": p.name, "problem": p.problem},
        problem_line=lambda p: _("MISMATCH: lead {lead}, capture v{version}, {file}: {problem}").format(
            lead=p.lead_pk, version=p.version, file=p.name, problem=localise_message(p.problem)
        ),
        summary=_("{checked} files checked, {count} problems"),
    )


@evidence_app.command("export")
def export_command(
    lead_id: LeadIdArgument,
    out: Annotated[Path, typer.Option("--out", "-o", help="The zip file to write.", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a lead's evidence bundle: files, manifests, a capture record and SHA256SUMS.

    Anyone can check the unzipped bundle with `sha256sum -c SHA256SUMS`. Evidence that fails verification
    is not exported.

    Example:

        tradewatch evidence export 12 --out lead-12.zip
    """
    with Session(get_engine()) as session:
        result = export_bundle(session, lead_id, out, overwrite=force)
    console().print(
        _("Exported {files} files of {captures} captures to {path}").format(
            files=result.files, captures=result.captures, path=result.path
        ),
        markup=False,
    )


@evidence_app.command("tidy")
def tidy_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count them; delete nothing.")] = False,
) -> None:
    """Delete the partial files that sweeps killed mid-write left in the evidence folder.

    Only unfinished temporary files older than an hour are touched: no evidence row refers to them, and no
    sweep is still writing them. Stored evidence files are never deleted.

    Example:

        tradewatch evidence tidy --dry-run
        tradewatch evidence tidy
    """
    root = evidence_root()
    if dry_run:
        found = stale_temporaries(root)
        size = sum(path.stat().st_size for path in found if path.exists())
        console().print(
            _("{count} partial files ({size} bytes) would be deleted").format(count=len(found), size=size),
            markup=False,
        )
        return
    removed = remove_stale_temporaries(root)
    console().print(_("{count} partial files deleted").format(count=len(removed)), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")

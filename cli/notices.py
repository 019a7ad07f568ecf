"""`tradewatch leads notify` and `leads notice-reply`: notices to the platform or the wildlife authority.
`cli.leads_cmd` adds the commands to the `leads` group.

Thin over `leads.notices`: the legal basis and the species' protection class come from the watchlists
(`pipelines.scoring.legal`), the document from a template (`leads.notice_document`), and the record, the
audit event and the stored document from one write transaction.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.actions import LeadNotFoundError
from cli.i18n import N_, _
from cli.identity import require_officer
from cli.labels import CATEGORY_NAMES, zh
from cli.lead_options import LeadIdArgument, OfficerOption
from cli.output import console, fail
from core.config import get_settings
from leads.db import get_engine, run_write

if TYPE_CHECKING:
    from sqlmodel import Session

    from leads.models import Lead, Listing, Notice


class Recipient(StrEnum):
    platform = "platform"
    wildlife = "wildlife"


class Channel(StrEnum):
    email = "email"
    letter = "letter"
    portal = "portal"


RECIPIENT_NAMES = {"platform": N_("the platform"), "wildlife": N_("the wildlife authority")}


def _legal_context(lead: Lead, listing: Listing) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    from pipelines.scoring.legal import legal_facts

    categories = list(lead.categories or ([lead.category] if lead.category else []))
    facts = legal_facts(categories, hits=lead.hits, text=f"{listing.title}\n{listing.description}")
    legal = [
        {
            "category": zh(CATEGORY_NAMES.get(category, category)),
            "law": basis.get("law") or basis.get("rule") or "",
            "protection": basis.get("protection", ""),
            "cites": basis.get("cites", ""),
        }
        for category, basis in facts.basis.items()
    ]
    species = [{"name": item.name, "latin": item.latin or "", "protection": item.protection} for item in facts.species]
    return legal, species


def notify_command(
    lead_id: LeadIdArgument,
    to: Annotated[Recipient, typer.Option("--to", help="Who is notified: platform or wildlife (the authority).")],
    channel: Annotated[Channel, typer.Option("--channel", help="How it is sent: email, letter or portal.")] = (
        Channel.letter
    ),
    ref: Annotated[str | None, typer.Option("--ref", help="The bureau's document number of the notice.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also copy the document here (default: TRADEWATCH_HOME/notices).")
    ] = None,
    officer: OfficerOption = None,
) -> None:
    """Send a notice about a lead: a takedown request to the platform, or a report to the wildlife authority.

    The notice is written from the template in TRADEWATCH_HOME/templates (shipped defaults otherwise) as DOCX,
    and PDF where LibreOffice is installed; it holds the listing, the evidence hashes and the legal basis. It
    is recorded with a reply-by date in working days, added to the lead's evidence and audit trail.

    Example:

        tradewatch leads notify 12 --to wildlife --channel letter --ref 穿市监通〔2026〕18号
    """
    who = require_officer(officer)
    reference = ref.strip() if ref and ref.strip() else None
    notice, written = send_lead_notice(
        lead_id, to.value, channel=channel.value, reference=reference, officer=who, out=out
    )
    out_console = console()
    out_console.print(sent_message(lead_id, notice), markup=False, highlight=False)
    for path in written:
        out_console.print(_("Document: {path}").format(path=path), markup=False, highlight=False, soft_wrap=True)
    if notice.pdf_sha256 is None:
        out_console.print(_("No PDF: LibreOffice (soffice) is not installed."), markup=False, highlight=False)


def sent_message(lead_id: int, notice: Notice) -> str:
    return _("Lead {lead_id}: notice {notice_id} to {recipient} recorded; reply due {due}.").format(
        lead_id=lead_id,
        notice_id=notice.id,
        recipient=_(RECIPIENT_NAMES[notice.recipient]),
        due=f"{notice.reply_due:%Y-%m-%d}",
    )


def send_lead_notice(
    lead_id: int, recipient: str, *, channel: str, reference: str | None, officer: str, out: Path | None = None
) -> tuple[Notice, list[Path]]:
    """Render, record and copy out a lead's notice (the command and the triage screen); the notice and the copies."""
    from sqlmodel import Session

    from leads.models import Lead, Listing
    from leads.notice_document import render_notice
    from leads.notices import prepare_lead_notice, record_lead_notice

    category_names = {category: zh(name) for category, name in CATEGORY_NAMES.items()}
    with Session(get_engine()) as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            raise LeadNotFoundError(lead_id)
        listing = session.get(Listing, lead.listing_id)
        assert listing is not None
        legal, species = _legal_context(lead, listing)
        prepared = prepare_lead_notice(
            session,
            lead_id,
            recipient=recipient,
            channel=channel,
            reference=reference,
            officer=officer,
            legal=legal,
            species=species,
            category_names=category_names,
        )
    rendered = render_notice(prepared.template, prepared.context)
    notice = run_write(
        lambda session: record_lead_notice(
            session, prepared, rendered, channel=channel, reference=reference, officer=officer
        )
    )
    assert notice.id is not None
    folder = out if out is not None else get_settings().resolved_home / "notices"
    return notice, write_copies(folder, notice.document_name, rendered.docx, rendered.pdf)


def write_copies(folder: Path, name: str, docx: bytes, pdf: bytes | None) -> list[Path]:
    """Copies for the officer to send; the stored originals stay in the evidence store."""
    if folder.suffix.lower() == ".docx":
        folder, name = folder.parent, folder.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(docx)
        written = [target]
        if pdf is not None:
            written.append(target.with_suffix(".pdf"))
            written[-1].write_bytes(pdf)
    except OSError as error:
        fail(_("The notice is recorded, but its copy could not be written: {error}").format(error=error.strerror))
    return written


def notice_reply_command(
    lead_id: LeadIdArgument,
    text: Annotated[str | None, typer.Option("--text", "-t", help="What the recipient answered.")] = None,
    notice: Annotated[
        int | None, typer.Option("--notice", help="Which notice (default: the latest one waiting for a reply).")
    ] = None,
    officer: OfficerOption = None,
) -> None:
    """Record the reply to a lead's notice.

    Example:

        tradewatch leads notice-reply 12 --text "平台已下架该商品并封禁店铺"
    """
    from leads.models import Lead
    from leads.notices import LEAD, record_reply

    if not (text and text.strip()):
        fail(_("Say what the reply was: --text TEXT"))
    who = require_officer(officer)

    def work(session: Session) -> tuple[int, str]:
        if session.get(Lead, lead_id) is None:
            raise LeadNotFoundError(lead_id)
        replied = record_reply(
            session, subject_kind=LEAD, subject_pk=lead_id, officer=who, text=text or "", notice_id=notice
        )
        assert replied.id is not None
        return replied.id, replied.recipient

    notice_id, recipient = run_write(work)
    console().print(
        _("Lead {lead_id}: reply to notice {notice_id} ({recipient}) recorded.").format(
            lead_id=lead_id, notice_id=notice_id, recipient=_(RECIPIENT_NAMES.get(recipient, recipient))
        ),
        markup=False,
        highlight=False,
    )

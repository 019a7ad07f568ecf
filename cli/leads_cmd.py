"""`tradewatch leads`: the verification queue from the command line.

Thin over the library: `leads.lead_view` and `leads.lead_query` select, `cli.actions` (over `leads.queue`)
acts, and every piece of scraped text is printed through `core.safe_text`. `leads list` reads its page
through the view's columns (SQLAlchemy Core); the ORM and the models are imported by the commands that use them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from cli.actions import ActionResult, LeadNotFoundError, perform
from cli.audit import history_command
from cli.export import export_command
from cli.i18n import _
from cli.identity import require_officer
from cli.labels import DISMISS_REASONS, action_label, category_label, status_label
from cli.lead_options import LeadIdArgument, OfficerOption, ReasonOption, filter_options
from cli.notices import notice_reply_command, notify_command
from cli.output import JsonOption, console, model_json, print_json
from cli.photos_view import photo_texts, same_photo_texts
from core.safe_text import highlight_terms, safe_json, safe_str, safe_text
from core.statuses import LeadStatus
from core.workdays import load_calendar, local_date
from leads.db import get_engine
from leads.lead_marks import LeadMarks, lead_marks
from leads.lead_view import LeadFilter, find_lead_rows, hit_terms
from leads.types import utcnow

if TYPE_CHECKING:
    from leads.lead_query import LeadDetail
    from leads.models import Lead, Listing

leads_app = typer.Typer(help="The lead queue: list, show and work leads.", no_args_is_help=True)


class LeadOrder(StrEnum):
    PRIORITY = "priority"
    UNCERTAIN = "uncertain"


# --- formatting ---------------------------------------------------------------------------------------


def format_price(value: float | None, currency: str | None) -> str:
    if value is None:
        return "-"
    return f"{'¥' if currency in (None, 'CNY') else safe_str(currency) + ' '}{value:,.2f}"


def format_time(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "-"


def due_text(lead: Lead, today: date | None = None, known_until: date | None = None) -> Text:
    """The due date, red when overdue, yellow when close; flagged when it lies beyond the holiday calendar's
    known years (`known_until`), where only weekends were counted."""
    due = lead.due_date
    if due is None:
        return Text("-")
    today = today or utcnow().date()
    closed = lead.status in LeadStatus.CLOSED
    if not closed and due < today:
        text = Text(f"{due:%Y-%m-%d} " + _("overdue"), style="bold red")
    elif not closed and (due - today).days <= 3:
        text = Text(f"{due:%Y-%m-%d}", style="yellow")
    else:
        text = Text(f"{due:%Y-%m-%d}")
    if known_until is not None and due > known_until:
        text.append(" ⚠ " + _("holidays after {day} unknown").format(day=f"{known_until:%Y-%m-%d}"), style="magenta")
    return text


def calendar_known_until() -> date | None:
    """The last day the holiday calendar knows (None: all), for the due-date warning."""
    return load_calendar().last_known_day


def officers_text(lead: Lead) -> str:
    names = [lead.claimed_by] if lead.claimed_by else []
    names += [name for name in lead.assignees or [] if name not in names]
    return safe_str(", ".join(names)) if names else "-"


def lead_json(lead: Lead, listing: Listing) -> dict[str, Any]:
    return safe_json({"lead": model_json(lead), "listing": model_json(listing)})


def status_text(lead: Lead, marks: LeadMarks | None) -> Text:
    """The lead's status, and a mark when the re-check found its listing removed."""
    text = Text(status_label(lead.status))
    if marks is not None and marks.removed:
        text.append(" " + _("[removed]"), style="bold magenta")
    return text


def queue_table(
    rows: list[tuple[Lead, Listing]],
    title: str,
    marks: dict[int, LeadMarks] | None = None,
    known_until: date | None = None,
) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Score"), justify="right", no_wrap=True)
    table.add_column(_("Category"), overflow="fold", max_width=12)
    table.add_column(_("Platform"), overflow="fold", max_width=10)
    table.add_column(_("Title"), overflow="fold", min_width=18)  # the column an officer reads first
    table.add_column(_("Price"), justify="right", no_wrap=True)
    table.add_column(_("Seller"), overflow="fold", max_width=10)
    table.add_column(_("Due"), no_wrap=True)
    for lead, listing in rows:
        table.add_row(
            str(lead.id),
            status_text(lead, (marks or {}).get(lead.id or 0)),
            str(lead.score),
            category_label(lead.category),
            safe_text(listing.platform),
            highlight_terms(listing.title, hit_terms(lead)),
            format_price(listing.price, listing.currency),
            safe_text(listing.seller or "-"),
            due_text(lead, known_until=known_until),
        )
    return table


def _rule_text(rule: dict[str, Any]) -> Text:
    detail = ", ".join(f"{safe_str(key)}={safe_str(value)}" for key, value in rule.items() if key != "rule")
    return Text(detail)


def detail_renderables(detail: LeadDetail) -> list[Any]:
    """What `leads show` prints, as Rich renderables (also used by tests of the layout)."""
    lead, listing = detail.lead, detail.listing
    terms = hit_terms(lead)
    fields = Table(show_header=False, title=_("Lead {lead_id}").format(lead_id=lead.id), title_justify="left")
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value", overflow="fold")
    rows: list[tuple[str, Any]] = [
        (_("Status"), status_text(lead, detail.marks)),
        (_("Score"), str(lead.score)),
        (_("Priority"), f"{lead.priority:g}"),
        (_("Category"), ", ".join(category_label(c, with_id=True) for c in lead.categories) or "-"),
        (_("Found by campaign"), safe_text(lead.campaign or "-")),
        (_("Seen again by campaigns"), safe_text("，".join(detail.seen_again_by) or "-")),
        (_("Officers"), officers_text(lead)),
        (_("Due"), due_text(lead, known_until=calendar_known_until())),
        (_("Platform"), safe_text(listing.platform)),
        (_("Listing id"), safe_text(listing.listing_id)),
        (_("Title"), highlight_terms(listing.title, terms)),
        (_("Price"), format_price(listing.price, listing.currency)),
        (_("Seller"), safe_text(f"{listing.seller or '-'} ({listing.seller_id or '-'})")),
        (_("Location"), safe_text(listing.location or "-")),
        (_("Posted"), format_time(listing.posted_at)),
        (_("URL"), safe_text(listing.url)),
        (_("First seen"), format_time(listing.first_seen)),
        (_("Last seen"), f"{format_time(listing.last_seen)} ({listing.times_seen}×)"),
        (_("Description"), highlight_terms(listing.description, terms, multiline=True)),
    ]
    if listing.images:
        rows.append((_("Text in photos"), Text("\n").join(photo_texts(listing, terms))))
    if detail.same_photo:
        rows.append((_("Same photo elsewhere"), Text("\n").join(same_photo_texts(detail.same_photo))))
    for name, value in rows:
        fields.add_row(name, value)
    out: list[Any] = [fields]
    if lead.explanation:
        reasons = Table(title=_("Why it scored"), title_justify="left")
        reasons.add_column(_("Rule"), no_wrap=True)
        reasons.add_column(_("Detail"), overflow="fold")
        for rule in lead.explanation:
            reasons.add_row(safe_text(rule.get("rule", "?")), _rule_text(rule))
        out.append(reasons)
    if detail.snapshots:
        history = Table(title=_("Listing history"), title_justify="left")
        history.add_column(_("Seen"), no_wrap=True)
        history.add_column(_("Title"), overflow="fold")
        history.add_column(_("Price"), justify="right")
        history.add_column(_("Seller"), overflow="fold")
        for snap in detail.snapshots:
            history.add_row(
                format_time(snap.seen_at),
                highlight_terms(snap.title, terms),
                format_price(snap.price, snap.currency),
                safe_text(snap.seller or "-"),
            )
        out.append(history)
    if detail.seller_leads:
        others = Table(title=_("The seller's other leads"), title_justify="left")
        for heading in ("ID", _("Status"), _("Score"), _("Category"), _("Title")):
            others.add_column(heading, overflow="fold")
        for other, other_listing in detail.seller_leads:
            others.add_row(
                str(other.id),
                status_label(other.status),
                str(other.score),
                category_label(other.category),
                safe_text(other_listing.title),
            )
        out.append(others)
    if detail.evidence:
        evidence = Table(title=_("Evidence"), title_justify="left")
        evidence.add_column(_("Version"), justify="right", no_wrap=True)
        evidence.add_column(_("Captured"), no_wrap=True)
        evidence.add_column(_("File"), overflow="fold")
        evidence.add_column("SHA-256", overflow="fold")
        for capture, files in detail.evidence:
            for index, item in enumerate(files or [None]):
                evidence.add_row(
                    str(capture.version) if index == 0 else "",
                    format_time(capture.captured_at) if index == 0 else "",
                    safe_text(f"{item.name} ({item.kind}, {item.size:,} B)") if item else "-",
                    safe_text(item.sha256) if item else safe_text(capture.manifest_sha256),
                )
        out.append(evidence)
    if detail.audit:
        out.append(audit_table(detail.audit))
    return out


def audit_table(events: list[Any]) -> Table:
    trail = Table(title=_("Audit trail"), title_justify="left")
    trail.add_column(_("Time"), no_wrap=True)
    trail.add_column(_("Officer"), overflow="fold")
    trail.add_column(_("Action"), overflow="fold")
    trail.add_column(_("Change"), overflow="fold")
    trail.add_column(_("Reason"), overflow="fold")
    for event in events:
        change = ""
        if event.from_status or event.to_status:
            change = f"{status_label(event.from_status or '-')} → {status_label(event.to_status or '-')}"
        trail.add_row(
            format_time(event.created_at),
            safe_text(event.actor),
            action_label(event.action),
            change,
            safe_text(event.reason or "", multiline=True),
        )
    return trail


# --- reading ------------------------------------------------------------------------------------------


@leads_app.command("list")
@filter_options
def list_command(
    lead_filter: LeadFilter,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many leads per page.")] = 50,
    page: Annotated[int, typer.Option(min=1, help="Which page of results.")] = 1,
    sort: Annotated[
        LeadOrder,
        typer.Option("--sort", help="priority: the queue's order; uncertain: leads the model is least sure of first."),
    ] = LeadOrder.PRIORITY,
    as_json: JsonOption = False,
) -> None:
    """List leads, highest priority first (or, with --sort uncertain, those the bureau's model is least sure of).

    Example:

        tradewatch leads list --status queued --category wildlife --min-score 70 --page 2
        tradewatch leads list --status queued --sort uncertain
    """
    if as_json:
        _print_json_page(lead_filter, limit=limit, page=page, order=sort.value)
        return
    with get_engine().connect() as connection:
        result = find_lead_rows(connection, lead_filter, limit=limit, offset=(page - 1) * limit, order=sort.value)
        marks = lead_marks(connection, result.rows, local_date(utcnow()))
    out = console()
    if not result.rows:
        out.print(_("No leads match."), markup=False)
        return
    first, last = result.offset + 1, result.offset + len(result.rows)
    title = _("Lead queue: {first}–{last}").format(first=first, last=last)
    out.print(queue_table(result.rows, title, marks, calendar_known_until()))
    if result.has_more:
        out.print(_("More leads: add --page {page}").format(page=page + 1), markup=False)


def _print_json_page(lead_filter: LeadFilter, *, limit: int, page: int, order: str) -> None:
    """A page of leads as JSON: every field of the lead and its listing, read as the store's models."""
    from sqlmodel import Session

    from leads.lead_query import find_leads

    with Session(get_engine()) as session:
        result = find_leads(session, lead_filter, limit=limit, offset=(page - 1) * limit, order=order)
        marks = lead_marks(session, result.rows, local_date(utcnow()))
    print_json(
        [{**lead_json(lead, listing), "listing_removed": marks[lead.id or 0].removed} for lead, listing in result.rows]
    )


@leads_app.command("show")
def show_command(lead_id: LeadIdArgument, as_json: JsonOption = False) -> None:
    """Show one lead in full: listing, hits, score, history, seller, evidence, audit trail.

    The title and description are shown with the watchlist hits highlighted; the seller's other leads,
    the listing's earlier versions, the evidence files and every recorded action follow.

    Example:

        tradewatch leads show 12
    """
    from sqlmodel import Session

    from leads.lead_query import lead_detail

    with Session(get_engine()) as session:
        detail = lead_detail(session, lead_id)
    if detail is None:
        raise LeadNotFoundError(lead_id)
    if as_json:
        data = lead_json(detail.lead, detail.listing)
        data["listing_history"] = [safe_json(model_json(s)) for s in detail.snapshots]
        data["seller_leads"] = [other.id for other, _listing in detail.seller_leads]
        data["same_photo"] = [
            {"platform": other.platform, "listing_id": other.listing_id, "lead": other_lead.id if other_lead else None}
            for other, other_lead in detail.same_photo
        ]
        data["evidence"] = [
            {**safe_json(model_json(c)), "files": [safe_json(model_json(f)) for f in files]}
            for c, files in detail.evidence
        ]
        data["audit"] = [safe_json(model_json(e)) for e in detail.audit]
        print_json(data)
        return
    console().print(Group(*detail_renderables(detail)))


# --- acting -------------------------------------------------------------------------------------------


def _report(result: ActionResult) -> None:
    if result.from_status == result.to_status:
        message = _("Lead {lead_id}: {action} recorded ({status}).").format(
            lead_id=result.lead_id, action=action_label(result.action), status=status_label(result.to_status)
        )
    else:
        message = _("Lead {lead_id}: {before} → {after}").format(
            lead_id=result.lead_id, before=status_label(result.from_status), after=status_label(result.to_status)
        )
    console().print(message, markup=False, highlight=False)


def _act(action: str, lead_id: int, officer: str | None, reason: str | None = None, **extra: Any) -> None:
    _report(perform(action, lead_id, officer=require_officer(officer), reason=reason, **extra))


@leads_app.command("queue")
def queue_command(lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Put a new lead into the verification queue by hand; a reason is required.

    Example:

        tradewatch leads queue 12 --reason "群众举报，优先核查"
    """
    _act("hand_queue", lead_id, officer, reason)


@leads_app.command("claim")
def claim_command(lead_id: LeadIdArgument, officer: OfficerOption = None) -> None:
    """Claim a queued lead to verify it yourself, or a new one of your team's categories.

    A new lead may be claimed by a member of a team that covers its category (the timetable's
    feed.teams[].members); its deadline starts then.

    Example:

        tradewatch leads claim 12 --officer 王芳
    """
    who = require_officer(officer)
    _report(perform("claim", lead_id, officer=who, team_categories=_team_categories(lead_id, who)))


def _team_categories(lead_id: int, officer: str) -> list[str]:
    """The categories the officer's teams cover, read from the timetable only for a new lead."""
    from sqlmodel import Session

    from leads.models import Lead

    with Session(get_engine()) as session:
        lead = session.get(Lead, lead_id)
        if lead is None or lead.status != LeadStatus.NEW:
            return []
    from leads.timetable import default_timetable_path, load_timetable

    if not default_timetable_path().is_file():
        return []
    from leads.feed import FeedSettings, officer_categories

    feed = load_timetable().feed
    return officer_categories(FeedSettings.from_job(feed).teams, officer) if feed is not None else []


@leads_app.command("assign")
def assign_command(
    lead_id: LeadIdArgument,
    to: Annotated[str | None, typer.Option("--to", help="The officer to assign the lead to.")] = None,
    reason: ReasonOption = None,
    officer: OfficerOption = None,
) -> None:
    """Assign a lead to an officer (a second officer for a referral, or a colleague).

    Example:

        tradewatch leads assign 12 --to 李明
    """
    if not to or not to.strip():
        from cli.output import fail

        fail(_("Say who to assign the lead to: --to NAME"))
    _act("assign", lead_id, officer, reason, to=to.strip())


@leads_app.command("verify")
def verify_command(lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Record that the listing was checked and the suspicion holds.

    Example:

        tradewatch leads verify 12 --reason "卖家确认为真象牙"
    """
    _act("verify", lead_id, officer, reason)


@leads_app.command("dismiss")
def dismiss_command(lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Dismiss a lead that needs no action; a reason is required.

    Common reasons: legal substitute (resin, bone, imitation); legally certified goods; duplicate of another
    lead; listing removed; outside our jurisdiction; keyword false positive.

    Example:

        tradewatch leads dismiss 12 --reason "树脂仿制品"
    """
    if not (reason and reason.strip()):
        from cli.output import fail

        choices = "; ".join(_(text) for text in DISMISS_REASONS)
        fail(_("A reason is required to dismiss a lead: add --reason TEXT (e.g. {choices})").format(choices=choices))
    _act("dismiss", lead_id, officer, reason)


@leads_app.command("escalate")
def escalate_command(
    lead_id: LeadIdArgument,
    to: Annotated[str | None, typer.Option("--to", help="Who takes it over, e.g. the forestry bureau.")] = None,
    reason: ReasonOption = None,
    officer: OfficerOption = None,
) -> None:
    """Escalate a lead to another authority (e.g. the wildlife authority or the police).

    Example:

        tradewatch leads escalate 12 --to 市林业局 --reason "活体穿山甲，需野保部门处置"
    """
    if not to or not to.strip():
        from cli.output import fail

        fail(_("Say who takes the lead over: --to NAME"))
    _act("escalate", lead_id, officer, reason, to=to.strip())


@leads_app.command("refer")
def refer_command(lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Put a verified lead forward for case filing; a second officer confirms with confirm-referral.

    Example:

        tradewatch leads refer 12 --reason "证据充分，建议立案"
    """
    _act("refer", lead_id, officer, reason)


@leads_app.command("confirm-referral")
def confirm_referral_command(
    lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None
) -> None:
    """Confirm a referral another officer put forward; the lead is then referred for case filing.

    Example:

        tradewatch leads confirm-referral 12 --officer 李明
    """
    _act("confirm_referral", lead_id, officer, reason)


@leads_app.command("reopen")
def reopen_command(lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Put a dismissed lead back in the queue; a reason is required.

    Example:

        tradewatch leads reopen 12 --reason "卖家重新上架，描述已改"
    """
    _act("reopen", lead_id, officer, reason)


@leads_app.command("extend")
def extend_command(lead_id: LeadIdArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Extend a lead's deadline once by 15 working days; a reason is required.

    Example:

        tradewatch leads extend 12 --reason "等待平台调取交易记录"
    """
    _act("extend", lead_id, officer, reason)


@leads_app.command("note")
def note_command(
    lead_id: LeadIdArgument,
    text: Annotated[str, typer.Argument(help="The note.", metavar="TEXT")],
    officer: OfficerOption = None,
) -> None:
    """Add a note to a lead's audit trail without changing its status.

    Example:

        tradewatch leads note 12 "已电话联系平台，等待回复"
    """
    if not text.strip():
        from cli.output import fail

        fail(_("The note is empty."))
    _act("note", lead_id, officer, text=text.strip())


leads_app.command("export")(export_command)
leads_app.command("notify")(notify_command)
leads_app.command("notice-reply")(notice_reply_command)
leads_app.command("history")(history_command)


def register(app: typer.Typer) -> None:
    app.add_typer(leads_app, name="leads")

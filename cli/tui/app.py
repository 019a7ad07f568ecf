"""The triage screen: the queue on the left, the selected lead on the right, one key per action.

Built for an 80×24 terminal over SSH: no mouse needed, no wide layout. Every piece of scraped text is put on
screen as a Rich `Text` made by `core.safe_text` (Textual would read a plain string as markup), and every
action goes through `cli.actions` to the state machine in `leads.queue`, which writes the audit trail.
"""

from __future__ import annotations

import shlex
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cli.actions import perform
from cli.i18n import _
from cli.labels import DISMISS_REASONS, action_label, category_label, status_label
from cli.photos_view import photo_texts, same_photo_texts
from core.errors import TradewatchError
from core.safe_text import highlight_terms, safe_str, safe_text
from core.statuses import LeadStatus
from leads.db import get_engine
from leads.lead_query import LeadFilter, find_leads, hit_terms, lead_detail

PAGE_SIZE = 200


def parse_filter(text: str, officer: str | None = None) -> LeadFilter:
    """The filter bar's words as a filter: `status:queued cat:wildlife platform:demo min:70 campaign:X
    seller:X due:2025-01-31 mine`. Raises ValueError with a message for the officer."""
    fields: dict[str, Any] = {"statuses": []}
    keys = {
        "status": "statuses",
        "s": "statuses",
        "category": "category",
        "cat": "category",
        "c": "category",
        "platform": "platform",
        "p": "platform",
        "campaign": "campaign",
        "seller": "seller",
        "min": "min_score",
        "score": "min_score",
        "due": "due_before",
    }
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    for word in words:
        if word in ("mine", "me"):
            if not officer:
                raise ValueError(_("'mine' needs an officer: start with --officer NAME"))
            fields["officer"] = officer
            continue
        key, sep, value = word.partition(":")
        target = keys.get(key.lower()) if sep else None
        if target is None or not value:
            raise ValueError(
                _("Unknown filter {word}: use status: cat: platform: campaign: seller: min: due: mine").format(
                    word=word
                )
            )
        if target == "statuses":
            try:
                fields["statuses"].extend(LeadStatus(v) for v in value.split(","))
            except ValueError:
                raise ValueError(_("Unknown status {value}").format(value=value)) from None
        else:
            fields[target] = value
    try:
        return LeadFilter.model_validate(fields)
    except Exception:
        raise ValueError(_("Cannot read the filter {text}").format(text=text)) from None


class ReasonScreen(ModalScreen[str | None]):
    """Ask why a lead is dismissed: the common reasons to pick from, or a reason typed in."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]
    DEFAULT_CSS = """
    ReasonScreen { align: center middle; }
    ReasonScreen > Vertical { width: 70; max-width: 100%; height: auto; max-height: 20; border: round $accent;
                              background: $surface; padding: 0 1; }
    ReasonScreen OptionList { height: auto; max-height: 9; }
    ReasonScreen Input { margin-top: 1; }
    """

    def __init__(self, title: str, reasons: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield OptionList(*[Option(Text(reason), id=f"r{i}") for i, reason in enumerate(self.reasons)])
            yield Input(placeholder=_("Or type another reason and press Enter"), id="reason-input")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.reasons[event.option_index])

    @on(Input.Submitted, "#reason-input")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[list[str] | None]):
    """Ask for one or more lines of text (who, why, the note); every field must be filled in."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 70; max-width: 100%; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    """

    def __init__(self, title: str, placeholders: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.placeholders = placeholders

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            for index, placeholder in enumerate(self.placeholders):
                yield Input(placeholder=placeholder, id=f"field{index}")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        fields = list(self.query(Input))
        for field in fields:
            if not field.value.strip():
                field.focus()
                return
        self.dismiss([field.value.strip() for field in fields])

    def action_cancel(self) -> None:
        self.dismiss(None)


class TriageApp(App[None]):
    """The officer's triage screen."""

    TITLE = "tradewatch"
    CSS = """
    #filter { height: 1; border: none; padding: 0 1; background: $boost; }
    #main { height: 1fr; }
    #queue { width: 38; min-width: 30; border-right: solid $primary; }
    #detail-scroll { width: 1fr; padding: 0 1; }
    #message { height: 1; padding: 0 1; background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "claim", _("Claim")),
        Binding("v", "verify", _("Verify")),
        Binding("d", "dismiss_lead", _("Dismiss")),
        Binding("e", "escalate", _("Escalate")),
        Binding("w", "queue_lead", _("Queue")),
        Binding("a", "assign", _("Assign")),
        Binding("f", "refer", _("Refer")),
        Binding("k", "confirm_referral", _("Confirm referral")),
        Binding("t", "note", _("Note")),
        Binding("x", "extend", _("Extend")),
        Binding("o", "reopen", _("Reopen")),
        Binding("m", "notify", _("Notify")),
        Binding("n", "next_lead", _("Next")),
        Binding("slash", "focus_filter", _("Filter")),
        Binding("u", "toggle_order", _("Uncertain first")),
        Binding("r", "refresh", _("Refresh"), show=False),
        Binding("q", "quit", _("Quit")),
    ]

    def __init__(self, *, officer: str | None = None, lead_filter: LeadFilter | None = None, filter_text: str = ""):
        super().__init__()
        self.officer = officer
        self.lead_filter = lead_filter or LeadFilter()
        self.filter_text = filter_text
        self.lead_ids: list[int] = []
        self.last_message = ""
        self.order = "priority"  # or "uncertain": the leads the bureau's model is least sure of first

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(
            value=self.filter_text,
            placeholder=_("Filter: status:queued cat:wildlife platform:demo min:70 mine  (/ to edit)"),
            id="filter",
        )
        with Horizontal(id="main"):
            yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail-scroll"):
                yield Static(id="detail")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.add_column("ID", key="id")
        table.add_column(_("Score"), key="score")
        table.add_column(_("Status"), key="status")
        table.add_column(_("Title"), key="title")
        self.reload()
        table.focus()

    # --- data -------------------------------------------------------------------------------------

    def reload(self, keep_index: int | None = None) -> None:
        table = self.query_one("#queue", DataTable)
        with Session(get_engine()) as session:
            page = find_leads(session, self.lead_filter, limit=PAGE_SIZE, order=self.order)
        table.clear()
        self.lead_ids = []
        for lead, listing in page.rows:
            assert lead.id is not None
            self.lead_ids.append(lead.id)
            table.add_row(
                Text(str(lead.id)),
                Text(str(lead.score)),
                Text(status_label(lead.status)),
                highlight_terms(listing.title, hit_terms(lead)),
                key=str(lead.id),
            )
        if not self.lead_ids:
            self.query_one("#detail", Static).update(Text(_("No leads match.")))
            return
        index = min(keep_index or 0, len(self.lead_ids) - 1)
        table.move_cursor(row=index)
        self.show_lead(self.lead_ids[index])

    def current_lead_id(self) -> int | None:
        table = self.query_one("#queue", DataTable)
        if not self.lead_ids or table.cursor_row is None or table.cursor_row >= len(self.lead_ids):
            return None
        return self.lead_ids[table.cursor_row]

    def show_lead(self, lead_id: int) -> None:
        with Session(get_engine()) as session:
            detail = lead_detail(session, lead_id, seller_limit=5)
        widget = self.query_one("#detail", Static)
        if detail is None:
            widget.update(Text(_("No lead with id {lead_id}").format(lead_id=lead_id)))
            return
        lead, listing = detail.lead, detail.listing
        terms = hit_terms(lead)
        price = "-" if listing.price is None else f"{listing.price:,.2f} {safe_str(listing.currency or 'CNY')}"
        head = Text.assemble(
            (f"#{lead.id} ", "bold"),
            (status_label(lead.status), "bold cyan"),
            f"  {_('Score')} {lead.score}  ",
            category_label(lead.category),
        )
        lines: list[Any] = [head, highlight_terms(listing.title, terms, style="bold")]
        facts = [
            (_("Price"), Text(price)),
            (_("Seller"), safe_text(f"{listing.seller or '-'} ({listing.seller_id or '-'})")),
            (_("Platform"), safe_text(listing.platform)),
            (_("Location"), safe_text(listing.location or "-")),
            (_("Due"), Text(f"{lead.due_date:%Y-%m-%d}" if lead.due_date else "-")),
            (_("Officers"), safe_text(", ".join(lead.assignees or []) or "-")),
            (_("URL"), safe_text(listing.url)),
        ]
        for name, value in facts:
            lines.append(Text.assemble((f"{name}: ", "dim"), value))
        lines.append(Text(""))
        lines.append(highlight_terms(listing.description, terms, multiline=True))
        if listing.images:
            lines.append(Text(""))
            lines.append(Text(_("Text in photos"), style="bold underline"))
            lines.extend(photo_texts(listing, terms))
        if detail.same_photo:
            lines.append(Text(""))
            lines.append(Text(_("Same photo elsewhere"), style="bold underline"))
            lines.extend(same_photo_texts(detail.same_photo))
        if lead.explanation:
            lines.append(Text(""))
            lines.append(Text(_("Why it scored"), style="bold underline"))
            for rule in lead.explanation[:12]:
                detail_text = ", ".join(f"{safe_str(k)}={safe_str(v)}" for k, v in rule.items() if k != "rule")
                lines.append(Text.assemble(("• ", "dim"), safe_text(rule.get("rule", "?")), " ", Text(detail_text)))
        if detail.seller_leads:
            lines.append(Text(""))
            lines.append(Text(_("The seller's other leads"), style="bold underline"))
            for other, other_listing in detail.seller_leads:
                lines.append(
                    Text.assemble(f"#{other.id} {status_label(other.status)} ", safe_text(other_listing.title))
                )
        if detail.audit:
            lines.append(Text(""))
            lines.append(Text(_("Audit trail"), style="bold underline"))
            for event in detail.audit[-8:]:
                lines.append(
                    Text.assemble(
                        f"{event.created_at:%m-%d %H:%M} ",
                        safe_text(event.actor),
                        " ",
                        action_label(event.action),
                        " ",
                        safe_text(event.reason or ""),
                    )
                )
        widget.update(Group(*lines))
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def say(self, message: str, *, error: bool = False) -> None:
        self.last_message = message
        self.query_one("#message", Static).update(Text(safe_str(message), style="bold red" if error else "green"))

    # --- events -----------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.show_lead(int(event.row_key.value))

    @on(Input.Submitted, "#filter")
    def _filter(self, event: Input.Submitted) -> None:
        try:
            self.lead_filter = parse_filter(event.value, self.officer)
        except ValueError as error:
            self.say(str(error), error=True)
            return
        self.filter_text = event.value
        self.reload()
        self.say(_("{count} leads shown").format(count=len(self.lead_ids)))
        self.query_one("#queue", DataTable).focus()

    # --- actions ----------------------------------------------------------------------------------

    def _act(self, action: str, *, advance: bool = False, **kwargs: Any) -> bool:
        lead_id = self.current_lead_id()
        if lead_id is None:
            self.say(_("No lead selected."), error=True)
            return False
        if not self.officer:
            self.say(
                _("Who is acting? Start the triage screen with --officer NAME or set TRADEWATCH_OFFICER."), error=True
            )
            return False
        try:
            result = perform(action, lead_id, officer=self.officer, **kwargs)
        except TradewatchError as error:
            from cli.i18n import localise_error

            self.say(localise_error(error), error=True)
            return False
        if result.from_status == result.to_status:
            message = _("Lead {lead_id}: {action} recorded ({status}).").format(
                lead_id=lead_id, action=action_label(action), status=status_label(result.to_status)
            )
        else:
            message = _("Lead {lead_id}: {before} → {after}").format(
                lead_id=lead_id, before=status_label(result.from_status), after=status_label(result.to_status)
            )
        self.after_action(lead_id, message, advance=advance)
        return True

    def after_action(self, lead_id: int, message: str, *, advance: bool = False) -> None:
        """Keep the cursor on the acted lead, or move it on and say so: to the next lead when the action
        finished this one (`advance`), or when the lead left the filtered list."""
        index = self.query_one("#queue", DataTable).cursor_row or 0
        self.reload(keep_index=index)
        if lead_id in self.lead_ids:
            index = self.lead_ids.index(lead_id)
            if advance and index + 1 < len(self.lead_ids):
                index += 1
            self.query_one("#queue", DataTable).move_cursor(row=index)
        current = self.current_lead_id()
        if current is not None and current != lead_id:
            if lead_id not in self.lead_ids:
                message += " " + _("It left this list; now on lead {next_id}.").format(next_id=current)
            else:
                message += " " + _("Now on lead {next_id}.").format(next_id=current)
        self.say(message)

    def _ask(self, title: str, placeholders: list[str], then: Any) -> None:
        """Ask for text, then act with it (nothing happens on Escape)."""
        if self.current_lead_id() is None:
            self.say(_("No lead selected."), error=True)
            return

        def done(answer: list[str] | None) -> None:
            if answer:
                then(*answer)

        self.push_screen(PromptScreen(title, placeholders), done)

    def action_queue_lead(self) -> None:
        self._ask(_("Why queue this lead by hand?"), [_("Reason")], lambda why: self._act("hand_queue", reason=why))

    def action_assign(self) -> None:
        self._ask(_("Assign the lead to whom?"), [_("Officer")], lambda who: self._act("assign", to=who))

    def action_refer(self) -> None:
        self._ask(_("Why refer this lead for case filing?"), [_("Reason")], lambda why: self._act("refer", reason=why))

    def action_confirm_referral(self) -> None:
        self._act("confirm_referral", advance=True)

    def action_note(self) -> None:
        self._ask(_("Note"), [_("Note")], lambda text: self._act("note", text=text))

    def action_extend(self) -> None:
        self._ask(_("Why extend the deadline?"), [_("Reason")], lambda why: self._act("extend", reason=why))

    def action_reopen(self) -> None:
        self._ask(_("Why reopen this lead?"), [_("Reason")], lambda why: self._act("reopen", reason=why))

    def action_notify(self) -> None:
        lead_id = self.current_lead_id()
        if lead_id is None:
            self.say(_("No lead selected."), error=True)
            return
        from cli.notices import RECIPIENT_NAMES, send_lead_notice, sent_message

        recipients = list(RECIPIENT_NAMES)

        def done(choice: str | None) -> None:
            if not choice:
                return
            labels = {_(RECIPIENT_NAMES[key]): key for key in recipients}
            if choice not in labels:
                self.say(_("Pick the platform or the wildlife authority."), error=True)
                return
            if not self.officer:
                self.say(
                    _("Who is acting? Start the triage screen with --officer NAME or set TRADEWATCH_OFFICER."),
                    error=True,
                )
                return
            try:
                notice, _copies = send_lead_notice(
                    lead_id, labels[choice], channel="letter", reference=None, officer=self.officer
                )
            except TradewatchError as error:
                from cli.i18n import localise_error

                self.say(localise_error(error), error=True)
                return
            self.after_action(lead_id, sent_message(lead_id, notice))

        choices = [_(RECIPIENT_NAMES[key]) for key in recipients]
        self.push_screen(ReasonScreen(_("Send a notice to whom?"), choices), done)

    def action_claim(self) -> None:
        self._act("claim")

    def action_verify(self) -> None:
        self._act("verify", advance=True)

    def action_dismiss_lead(self) -> None:
        if self.current_lead_id() is None:
            self.say(_("No lead selected."), error=True)
            return

        def done(reason: str | None) -> None:
            if reason:
                self._act("dismiss", reason=reason, advance=True)

        reasons = [_(text) for text in DISMISS_REASONS]
        self.push_screen(ReasonScreen(_("Why dismiss this lead?"), reasons), done)

    def action_escalate(self) -> None:
        if self.current_lead_id() is None:
            self.say(_("No lead selected."), error=True)
            return

        def done(answer: list[str] | None) -> None:
            if answer:
                self._act("escalate", to=answer[0], reason=answer[1], advance=True)

        title = _("Escalate to whom, and why?")
        self.push_screen(PromptScreen(title, [_("To (e.g. the forestry bureau)"), _("Reason")]), done)

    def action_next_lead(self) -> None:
        table = self.query_one("#queue", DataTable)
        if self.lead_ids:
            table.move_cursor(row=min((table.cursor_row or 0) + 1, len(self.lead_ids) - 1))
            table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_toggle_order(self) -> None:
        self.order = "priority" if self.order == "uncertain" else "uncertain"
        self.reload()
        self.say(
            _("Order: leads the model is least sure of first")
            if self.order == "uncertain"
            else _("Order: highest priority first")
        )

    def action_refresh(self) -> None:
        self.reload(keep_index=self.query_one("#queue", DataTable).cursor_row)

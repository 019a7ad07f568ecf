"""Officer actions on leads, shared by `tradewatch leads` and the triage screen.

Each action is one transaction through the state machine in `leads.queue`, which checks the transition,
records the audit event and raises a `TradewatchError` when the action is not allowed. Errors reach the
officer in their language through `cli.i18n.localise_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.i18n import _
from cli.labels import action_label
from core.errors import TradewatchError
from core.statuses import LeadStatus
from leads.db import run_write

if TYPE_CHECKING:
    from sqlmodel import Session

ACTIONS = (
    "hand_queue",
    "claim",
    "assign",
    "verify",
    "dismiss",
    "escalate",
    "refer",
    "confirm_referral",
    "reopen",
    "extend",
    "note",
)
NEEDS_REASON = frozenset({"hand_queue", "dismiss", "escalate", "refer", "reopen", "extend"})


class LeadNotFoundError(TradewatchError):
    exit_code = 4

    def __init__(self, lead_id: int) -> None:
        self.msgid = "No lead with id {lead_id}"
        self.params = {"lead_id": lead_id}
        super().__init__(_(self.msgid).format(lead_id=lead_id))


class ReasonRequiredError(TradewatchError):
    exit_code = 2

    def __init__(self, action: str) -> None:
        self.msgid = "A reason is required to {action} a lead: add --reason TEXT"
        self.params = {"action": action_label(action)}
        super().__init__(_(self.msgid).format(**self.params))


@dataclass(frozen=True)
class ActionResult:
    lead_id: int
    action: str
    from_status: str
    to_status: str
    officer: str


def perform(action: str, lead_id: int, *, officer: str, reason: str | None = None, **extra: Any) -> ActionResult:
    """Apply `action` to the lead as `officer`, with `reason` and action-specific arguments (`to`, `text`)."""
    from leads import queue

    if action not in ACTIONS:
        raise ValueError(action)
    if action in NEEDS_REASON and not (reason and reason.strip()):
        raise ReasonRequiredError(action)
    function = getattr(queue, action)
    kwargs: dict[str, Any] = {"officer": officer, **extra}
    if reason is not None:
        kwargs["reason"] = reason.strip()

    from leads.models import Lead

    def work(session: Session) -> tuple[str, str]:
        lead = session.get(Lead, lead_id)
        if lead is None:
            raise LeadNotFoundError(lead_id)
        before = LeadStatus(lead.status).value
        changed = function(session, lead_id, **kwargs)
        return before, LeadStatus(changed.status).value

    before, after = run_write(work)
    return ActionResult(lead_id=lead_id, action=action, from_status=before, to_status=after, officer=officer)

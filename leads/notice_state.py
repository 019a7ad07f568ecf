"""The state of a notice on a given day, apart from recording notices (`leads.notices`): lists and exports
show it beside every lead and should not load the document, evidence and audit machinery to do so."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leads.models import Notice

SENT, ANSWERED, OVERDUE = "sent", "answered", "overdue"


def notice_state(notice: Notice | Any, today: date) -> str:
    """answered, overdue (no reply after the reply-by date) or sent (waiting for the reply); `notice` may also
    be a row with its `replied_at` and `reply_due`."""
    if notice.replied_at is not None:
        return ANSWERED
    return OVERDUE if notice.reply_due < today else SENT

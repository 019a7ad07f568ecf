"""The states of a lead's verification (see DESIGN.md, "Lead lifecycle") and the named groups of them.

Queries, reports and the command line ask "which leads are still open?" in several ways; each way is a group
here, written once, so that a deadline check, the statistics and the re-checks cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class LeadStatus(StrEnum):
    """States of the verification lifecycle, with named groups of them as class attributes."""

    NEW = "new"
    QUEUED = "queued"
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REFERRED = "referred"
    DISMISSED = "dismissed"
    ESCALATED = "escalated"

    # In the verification queue and not yet decided: the deadline runs, re-checks visit the listing.
    OPEN: ClassVar[tuple[LeadStatus, ...]]
    # Not yet decided, fed or not: the queue's priority still orders them.
    UNDECIDED: ClassVar[tuple[LeadStatus, ...]]
    # Still some officer's work (the workload statistics).
    ON_DESK: ClassVar[tuple[LeadStatus, ...]]
    # An officer may be assigned to it or its deadline extended.
    ASSIGNABLE: ClassVar[tuple[LeadStatus, ...]]
    # Verification is over: a past due date is no longer a warning.
    CLOSED: ClassVar[tuple[LeadStatus, ...]]
    # An officer found the listing to be what it looked like (the model's positive labels).
    CONFIRMED: ClassVar[tuple[LeadStatus, ...]]


LeadStatus.OPEN = (LeadStatus.QUEUED, LeadStatus.CLAIMED)
LeadStatus.UNDECIDED = (LeadStatus.NEW, *LeadStatus.OPEN)
LeadStatus.ASSIGNABLE = (*LeadStatus.OPEN, LeadStatus.VERIFIED)
LeadStatus.ON_DESK = (*LeadStatus.ASSIGNABLE, LeadStatus.ESCALATED)
LeadStatus.CLOSED = (LeadStatus.VERIFIED, LeadStatus.REFERRED, LeadStatus.DISMISSED)
LeadStatus.CONFIRMED = (LeadStatus.VERIFIED, LeadStatus.REFERRED, LeadStatus.ESCALATED)

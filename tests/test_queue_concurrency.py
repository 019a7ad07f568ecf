"""Two officers in two processes claim one lead at the same moment: exactly one wins, on both databases."""

from __future__ import annotations

from sqlmodel import Session

from core.statuses import LeadStatus
from leads.audit import lead_history
from leads.db import dispose_engines, get_engine
from leads.models import Lead
from leads.queue import enqueue
from tests.leadstore_support import CALENDAR, T0, claim_worker, run_workers, sight


def test_two_officers_claim_at_once_and_exactly_one_wins(store_url: str):
    lead_id = sight(store_url).lead_pk
    assert lead_id is not None
    with Session(get_engine(store_url)) as session:
        enqueue(session, lead_id, officer="scheduler", now=T0, calendar=CALENDAR)
        session.commit()
    dispose_engines()  # no pooled connection shared with the children
    officers = ["王建国", "李娜"]
    outcomes = run_workers(claim_worker, [(store_url, lead_id, name) for name in officers], timeout=60)
    assert sorted(outcome.split(":")[0] for outcome in outcomes.values()) == ["conflict", "won"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    loser = next(name for name in officers if name != winner)
    assert f"already claimed by {winner}" in outcomes[loser]
    with Session(get_engine(store_url)) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        assert (lead.status, lead.claimed_by, lead.assignees) == (LeadStatus.CLAIMED, winner, [winner])
        claims = [event for event in lead_history(session, lead_id) if event.action == "claim"]
        assert [event.actor for event in claims] == [winner]

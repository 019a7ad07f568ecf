"""Re-sighting a listing: one lead, snapshots on change, the dismissed-then-changed rule, sellers, priority."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from core.statuses import LeadStatus
from leads.audit import lead_history
from leads.db import get_engine
from leads.lead_query import find_leads
from leads.models import Lead, Listing, ListingSnapshot, Seller
from leads.queue import claim, dismiss, enqueue
from leads.store import content_hash, record_sighting, seller_lead_count
from tests.leadstore_support import CALENDAR, later, listing, score, sight


def _count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_listing_seen_three_times_with_a_price_change(store_url: str):
    first = sight(store_url, listing_values=listing(price=12800.0), seen_at=later(0))
    second = sight(store_url, listing_values=listing(price=12800.0), seen_at=later(24))
    third = sight(store_url, listing_values=listing(price=9800.0), seen_at=later(48))
    assert first.lead_created and not second.lead_created and not third.lead_created
    assert first.lead_pk == second.lead_pk == third.lead_pk
    assert (second.snapshot_created, third.snapshot_created) == (False, True)
    with Session(get_engine(store_url)) as session:
        assert _count(session, Lead) == 1
        assert _count(session, Listing) == 1
        stored = session.exec(select(Listing)).one()
        assert (stored.times_seen, stored.price) == (3, 9800.0)
        assert (stored.first_seen, stored.last_seen) == (later(0), later(48))
        snapshots = session.exec(select(ListingSnapshot).order_by(col(ListingSnapshot.seen_at))).all()
        assert [snap.price for snap in snapshots] == [12800.0, 9800.0]
        assert [snap.seen_at for snap in snapshots] == [later(0), later(48)]
        assert [event.action for event in lead_history(session, first.lead_pk)] == ["created", "resighted"]


def test_whitespace_only_edits_are_not_a_change():
    assert content_hash(listing(title="老象牙手镯  包老保真 ")) == content_hash(listing())
    assert content_hash(listing(seller="古玩小李")) != content_hash(listing())
    # any Unicode whitespace (a full-width or no-break space, a tab, a line break) counts as one space, and none at
    # the ends; the check value is the one stores already hold for the listing
    spaced = listing(title="\u3000老象牙手镯\u00a0\t包老保真\n", description=" 祖传老货，懂的来，私聊看实物 \u3000")
    assert content_hash(spaced) == content_hash(listing())
    assert content_hash(listing()) == "a589dd82b5027e324a2e3c0c526db6701888de9b7bee705bfbfe543358cca5b1"


def test_a_listing_below_the_threshold_gets_no_lead(store_url: str):
    sighting = sight(store_url, listing_values=listing(title="儿童自行车 16寸"), score_values=score(20, is_lead=False))
    assert sighting.lead_pk is None and sighting.listing_created


def _dismissed_lead(url: str) -> int:
    created = sight(url, score_values=score(70), seen_at=later(0))
    assert created.lead_pk is not None
    with Session(get_engine(url)) as session:
        enqueue(session, created.lead_pk, officer="王建国", now=later(1), calendar=CALENDAR)
        claim(session, created.lead_pk, officer="王建国", now=later(2))
        dismiss(session, created.lead_pk, officer="王建国", reason="工艺品，非象牙制品", now=later(3))
        session.commit()
    return created.lead_pk


def _status(url: str, lead_pk: int) -> LeadStatus:
    with Session(get_engine(url)) as session:
        lead = session.get(Lead, lead_pk)
        assert lead is not None
        return lead.status


def test_dismissed_lead_stays_dismissed_when_unchanged_even_if_scored_higher(store_url: str):
    lead_pk = _dismissed_lead(store_url)
    again = sight(store_url, score_values=score(95), seen_at=later(24))
    assert not again.lead_requeued and again.lead_pk == lead_pk
    assert _status(store_url, lead_pk) == LeadStatus.DISMISSED


def test_dismissed_lead_stays_dismissed_when_changed_but_not_scored_higher(store_url: str):
    lead_pk = _dismissed_lead(store_url)
    again = sight(store_url, listing_values=listing(price=6800.0), score_values=score(70), seen_at=later(24))
    assert again.snapshot_created and not again.lead_requeued
    assert _status(store_url, lead_pk) == LeadStatus.DISMISSED


def test_dismissed_lead_is_requeued_when_changed_and_scored_higher(store_url: str):
    lead_pk = _dismissed_lead(store_url)
    changed = listing(description="祖传老货，真象牙，可出证书，量大从优")
    again = sight(store_url, listing_values=changed, score_values=score(92), seen_at=later(24))
    assert again.lead_requeued
    with Session(get_engine(store_url)) as session:
        lead = session.get(Lead, lead_pk)
        assert lead is not None
        assert lead.status == LeadStatus.QUEUED and lead.score == 92
        assert lead.due_date is not None
        last = lead_history(session, lead_pk)[-1]
        assert (last.action, last.from_status, last.to_status) == ("requeued", "dismissed", "queued")
        assert "70" in (last.reason or "") and "92" in (last.reason or "")
        assert _count(session, Lead) == 1


def test_a_seller_with_several_leads_is_one_seller_and_ranks_higher(store_url: str):
    first = sight(store_url, listing_values=listing("1"), score_values=score(80), seen_at=later(0))
    other = sight(
        store_url,
        listing_values=listing("2", seller="山货王", seller_id="s2048", title="象牙原料 整根"),
        score_values=score(80),
        seen_at=later(0),
    )
    second = sight(
        store_url, listing_values=listing("3", title="象牙印章 老料"), score_values=score(80), seen_at=later(0)
    )
    with Session(get_engine(store_url)) as session:
        assert _count(session, Seller) == 2
        assert first.seller_pk == second.seller_pk != other.seller_pk
        assert seller_lead_count(session, first.seller_pk) == 2
        order = [listing_row.listing_id for _, listing_row in find_leads(session).rows]
    assert order.index("3") < order.index("2")


def test_priority_orders_by_score_then_severity(store_url: str):
    sight(store_url, listing_values=listing("1", seller_id="a"), score_values=score(80, "wildlife.live_bird"))
    sight(store_url, listing_values=listing("2", seller_id="b"), score_values=score(80, "wildlife.pangolin"))
    sight(store_url, listing_values=listing("3", seller_id="c"), score_values=score(95, "wildlife.other"))
    with Session(get_engine(store_url)) as session:
        assert [row.listing_id for _, row in find_leads(session).rows] == ["3", "2", "1"]


def _priorities(url: str) -> dict[str, float]:
    with Session(get_engine(url)) as session:
        rows = session.exec(
            select(Listing.listing_id, Lead.priority).join(Lead, col(Lead.listing_id) == col(Listing.id))
        )
        return {listing_id: priority for listing_id, priority in rows}


def test_a_repeat_sellers_earlier_lead_ranks_as_high_as_the_later_one(store_url: str):
    """The order in which a sweep stores a seller's listings must not decide which of them ranks higher."""
    sight(store_url, listing_values=listing("1"), score_values=score(80), seen_at=later(0))
    alone = _priorities(store_url)["1"]
    sight(store_url, listing_values=listing("2", title="象牙印章 老料"), score_values=score(80), seen_at=later(0))
    priorities = _priorities(store_url)
    assert priorities["1"] == priorities["2"] > alone


def test_a_batch_ranks_a_repeat_sellers_leads_alike_whatever_their_order(store_url: str, tmp_path):
    from leads.writer import write_batch

    def entry(listing_id: str, seller_id: str) -> tuple[dict, None]:
        values = listing(listing_id, seller_id=seller_id, title=f"象牙手镯 老料 {listing_id}")
        return ({"listing": values, "score": score(80), "seen_at": later(0)}, None)

    engine = get_engine(store_url)
    write_batch([entry("1", "s1"), entry("2", "s1")], engine=engine, home=tmp_path)
    write_batch([entry("3", "s2")], engine=engine, home=tmp_path)
    write_batch([entry("4", "s2")], engine=engine, home=tmp_path)
    priorities = _priorities(store_url)
    assert priorities["1"] == priorities["2"] == priorities["3"] == priorities["4"]


def test_a_lead_the_session_holds_shows_the_priority_its_sellers_further_lead_gave_it(store_url: str):
    sight(store_url, listing_values=listing("1"), score_values=score(80), seen_at=later(0))
    with Session(get_engine(store_url)) as session:
        held = session.exec(select(Lead)).one()
        alone = held.priority
        record_sighting(session, listing=listing("2", title="象牙印章 老料"), score=score(80), seen_at=later(0))
        assert held.priority > alone  # the object, before the commit, not only the row
        session.commit()
    priorities = _priorities(store_url)
    assert priorities["1"] == priorities["2"] > alone

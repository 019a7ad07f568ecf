"""Re-checks against the demo marketplace: a removed listing, a changed price, the rest still online."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from sqlmodel import Session, col, select

from core.statuses import LeadStatus
from leads.db import get_engine
from leads.feed import feed_queue
from leads.lead_query import LeadFilter
from leads.models import AuditEvent, Evidence, Lead, Listing, ListingSnapshot
from leads.recheck import select_targets
from leads.schedule_models import ListingCheck
from leads.stats import queue_stats
from runners.recheck import run_rechecks
from runners.sweep import SweepRequest, run_sweep
from spiders.sweep_params import SweepParams
from tests.officer_desk_data import send_notice


def admin(base_url: str, path: str) -> None:
    request = urllib.request.Request(f"{base_url}{path}", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_recheck_records_one_removal_and_one_changed_snapshot(demo_market_factory, tw_home: Path):
    base_url = demo_market_factory()
    run_sweep(SweepRequest(platforms=["demo"], params=SweepParams(keywords=["象牙"], max_pages=1), base_url=base_url))
    queued = feed_queue().queued
    assert len(queued) >= 3
    with Session(get_engine()) as session:
        rows = list(
            session.exec(
                select(Lead, Listing)
                .join(Listing, col(Lead.listing_id) == col(Listing.id))
                .where(Lead.status == LeadStatus.QUEUED)
                .order_by(col(Lead.id))
            )
        )
        evidence_before = len(list(session.exec(select(Evidence))))
    (gone_lead, gone), (changed_lead, changed) = rows[0], rows[1]
    send_notice(gone_lead.id, "王建国")
    admin(base_url, f"/admin/listing/{gone.listing_id}/remove")
    admin(base_url, f"/admin/listing/{changed.listing_id}/price?value=39999.00")

    summary = run_rechecks(base_url=base_url)

    assert summary["removed"] == 1 and summary["changed"] == 1
    assert summary["online"] == len(rows) - 2
    with Session(get_engine()) as session:
        checks = {check.listing_pk: check for check in session.exec(select(ListingCheck))}
        removal = checks[gone.id]
        assert removal.outcome == "removed" and removal.http_status == 404 and removal.checked_at is not None
        assert removal.after_notice is True
        assert queue_stats(session).notices["removed_after_notice"] == 1
        on_platform = queue_stats(session, LeadFilter(platform=gone.platform)).notices["removed_after_notice"]
        assert on_platform == 1
        assert queue_stats(session, LeadFilter(platform="no-such-platform")).notices["removed_after_notice"] == 0
        events = list(
            session.exec(
                select(AuditEvent).where(AuditEvent.lead_pk == gone_lead.id, AuditEvent.action == "listing_removed")
            )
        )
        assert len(events) == 1 and "removed after notice" in (events[0].reason or "")
        change = checks[changed.id]
        assert change.outcome == "changed" and change.snapshot_pk is not None
        snapshot = session.get(ListingSnapshot, change.snapshot_pk)
        assert snapshot is not None and snapshot.price == 39999.0
        assert session.get(Listing, changed.id).price == 39999.0
        assert change.details["score"] is not None  # re-scored
        others = [check for pk, check in checks.items() if pk not in (gone.id, changed.id)]
        assert {check.outcome for check in others} == {"online"}
        assert all(check.snapshot_pk is None for check in others)
        evidence = list(session.exec(select(Evidence).where(Evidence.lead_pk == changed_lead.id)))
        assert len(list(session.exec(select(Evidence)))) == evidence_before + 1  # only the changed page re-captured
        assert change.evidence_pk == max(evidence, key=lambda e: e.version).id
        # a removed listing is not revisited; the rest are, once they are old enough
        targets = select_targets(session)
        assert gone.id not in {target["listing_pk"] for target in targets}
        assert len(targets) == len(rows) - 1


def test_a_listing_url_that_now_serves_a_picture_is_an_error_visit_not_a_crash():
    """The platform answers with an image where the item page was: the check is recorded as an error."""
    from scrapy.http import Request, Response

    from crawler.profiles import load_profile
    from spiders.recheck import RecheckSpider

    target = {"platform": "demo", "listing_id": "DM-1", "url": "http://127.0.0.1:8765/item/DM-1"}
    spider = RecheckSpider(targets=[target], profiles={"demo": load_profile("demo")})
    request = Request(target["url"], meta={"target": target})
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    response = Response(target["url"], headers={"Content-Type": "image/png"}, body=picture, request=request)
    (visit,) = spider.parse_page(response)
    assert visit.outcome == "error" and visit.error == "not a web page (image/png)"

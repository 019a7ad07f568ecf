"""Shared data and child-process workers for the lead store tests (store, queue, audit, evidence)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from core.statuses import LeadStatus
from core.workdays import WorkCalendar
from leads.db import get_engine, run_write
from leads.models import Lead
from leads.store import Sighting, record_sighting

T0 = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Beijing
# A test calendar: Monday 9 March off, Saturday 14 March a working day (调休).
CALENDAR = WorkCalendar.of(holidays=[date(2026, 3, 9)], workdays=[date(2026, 3, 14)])


def listing(listing_id: str = "100231", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "platform": "demo",
        "listing_id": listing_id,
        "url": f"http://127.0.0.1:8765/plain/item/{listing_id}",
        "title": "老象牙手镯 包老保真",
        "description": "祖传老货，懂的来，私聊看实物",
        "price": 12800.0,
        "currency": "CNY",
        "seller": "古玩老张",
        "seller_id": "s1024",
        "location": "广州",
    }
    values.update(overrides)
    return values


def score(value: int = 85, category: str = "wildlife.ivory", *, is_lead: bool = True) -> dict[str, Any]:
    return {
        "score": value,
        "is_lead": is_lead,
        "family": category.split(".")[0],
        "category": category,
        "categories": [category],
        "hits": [{"term": "象牙", "category": category}],
        "rules": [{"rule": "term", "term": "象牙", "points": value}],
    }


def sight(
    url: str | None = None,
    *,
    listing_values: dict[str, Any] | None = None,
    score_values: dict[str, Any] | None = None,
    seen_at: datetime = T0,
    campaign: str | None = None,
) -> Sighting:
    return run_write(
        lambda session: record_sighting(
            session,
            listing=listing_values or listing(),
            score=score_values or score(),
            campaign=campaign,
            seen_at=seen_at,
            calendar=CALENDAR,
        ),
        url=url,
    )


def later(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# --- child processes (spawned: importable, plain arguments) -------------------------------------------


def claim_worker(url: str, lead_id: int, officer: str, barrier: Any, results: Any) -> None:
    from core.errors import ClaimConflict
    from leads.queue import claim

    engine = get_engine(url)
    barrier.wait(timeout=30)
    try:
        with Session(engine) as session:
            claim(session, lead_id, officer=officer)
            session.commit()
        results.put((officer, "won"))
    except ClaimConflict as error:
        results.put((officer, f"conflict: {error}"))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put((officer, f"error: {type(error).__name__}: {error}"))


def upsert_worker(url: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=30)
        for n in range(count):
            listing_id = f"w{worker}-{n:04d}"
            sight(
                url,
                listing_values=listing(listing_id, title=f"象牙雕件 第{n}号", seller_id=f"s{n % 7}"),
                score_values=score(60 + n % 40, is_lead=n % 5 == 0),
                seen_at=T0 + timedelta(seconds=n),
            )
        results.put((worker, "ok"))
    except Exception as error:
        results.put((worker, f"error: {type(error).__name__}: {error}"))


def tally_worker(url: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    """Leads made, re-scored into another category, queued, claimed and dismissed, racing other workers."""
    from leads.queue import claim, dismiss, enqueue

    try:
        barrier.wait(timeout=60)
        lead_pks = []
        for n in range(count):
            category = ("wildlife.ivory", "wildlife.pangolin", "prohibited.weapons")[n % 3]
            values = listing(f"t{worker}-{n:03d}", platform=("demo", "taobao")[n % 2], seller_id=f"s{n % 5}")
            campaign = "2026清风行动" if n % 4 == 0 else None
            seen = sight(url, listing_values=values, score_values=score(70 + n % 30, category), campaign=campaign)
            lead_pks.append(seen.lead_pk)
            if n % 5 == 1:  # seen again and scored into another category
                sight(url, listing_values=values, score_values=score(90, "wildlife.rhino"), seen_at=later(1))
        for n, lead_pk in enumerate(lead_pks):
            officer = f"干警{worker}"
            if n % 2 == 0:
                run_write(lambda s, pk=lead_pk: enqueue(s, pk, officer="system", calendar=CALENDAR), url=url)
            if n % 4 == 0:
                run_write(lambda s, pk=lead_pk, who=officer: claim(s, pk, officer=who, calendar=CALENDAR), url=url)
            if n % 8 == 0:
                run_write(lambda s, pk=lead_pk, who=officer: dismiss(s, pk, officer=who, reason="合法商品"), url=url)
        results.put((worker, "ok"))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put((worker, f"error: {type(error).__name__}: {error}"))


DESK_OFFICERS = ("王芳", "李明", "张伟")  # shared by every worker, so their tally rows are written concurrently


def desk_worker(url: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    """Leads queued, claimed, assigned, verified, escalated, dismissed and reopened, and extended, by officers
    whom every worker shares, racing other workers."""
    from leads.queue import assign, claim, dismiss, enqueue, escalate, extend, reopen, verify

    def write(action: Callable[..., Any], lead_pk: int, **values: Any) -> None:
        run_write(lambda s: action(s, lead_pk, **values), url=url)

    try:
        barrier.wait(timeout=60)
        for n in range(count):
            values = listing(f"d{worker}-{n:03d}", platform=("demo", "taobao")[n % 2])
            lead_pk = sight(url, listing_values=values, score_values=score(70 + n % 30)).lead_pk
            officer = DESK_OFFICERS[(worker + n) % 3]
            other = DESK_OFFICERS[(worker + n + 1) % 3]
            step = n % 6
            if step == 5:  # stays new
                continue
            write(enqueue, lead_pk, officer="system", calendar=CALENDAR)
            if step == 4:  # stays queued, nobody's
                continue
            write(claim, lead_pk, officer=officer, calendar=CALENDAR)
            if step in (0, 1, 2):
                write(assign, lead_pk, officer=officer, to=other)
            if step == 0:
                write(verify, lead_pk, officer=officer)
            elif step == 1:
                write(escalate, lead_pk, officer=officer, reason="移交林业部门")
            elif step == 2:  # queued again, its claimant gone and its assignees kept
                write(dismiss, lead_pk, officer=officer, reason="合法商品")
                write(reopen, lead_pk, officer=other, reason="复核", calendar=CALENDAR)
            else:
                write(extend, lead_pk, officer=officer, reason="待平台协查", calendar=CALENDAR)
        results.put((worker, "ok"))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put((worker, f"error: {type(error).__name__}: {error}"))


def workload_from_leads(session: Session, today: date) -> dict[str, dict[str, int]]:
    """Each officer's workload counted lead by lead in Python: the claimant once, each other assignee once."""
    loads: dict[str, dict[str, int]] = {}
    for lead in session.exec(select(Lead).where(col(Lead.status).in_(LeadStatus.ON_DESK))):
        for officer in dict.fromkeys([*([lead.claimed_by] if lead.claimed_by else []), *lead.assignees]):
            load = loads.setdefault(officer, {"claimed": 0, "assigned": 0, "verified": 0, "overdue": 0})
            if lead.status == LeadStatus.CLAIMED and officer == lead.claimed_by:
                load["claimed"] += 1
            elif lead.status == LeadStatus.VERIFIED:
                load["verified"] += 1
            else:
                load["assigned"] += 1
            late = lead.status in LeadStatus.OPEN and lead.due_date is not None and lead.due_date < today
            load["overdue"] += late
    return loads


def run_workers(target: Callable[..., None], arg_sets: Sequence[tuple[Any, ...]], timeout: float) -> dict[Any, str]:
    """Run `target(*args, barrier, results)` in one spawned process per argument set, all released together by
    the barrier, and return what each put on `results` as (key, outcome) pairs."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(arg_sets)), ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args, barrier, results)) for args in arg_sets]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=timeout) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    return outcomes

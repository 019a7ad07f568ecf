"""Feeding the verification queue: threshold, priority order, daily capacity per team, reasons for waiting."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from core.statuses import LeadStatus
from core.workdays import BUREAU_TZ, WorkCalendar
from leads.db import get_engine, run_write
from leads.feed import BELOW_THRESHOLD, CAPACITY, NO_TEAM, FeedSettings, TeamCapacity, feed_queue
from leads.models import Lead
from leads.schedule_models import FeedHold
from leads.store import record_sighting

CALENDAR = WorkCalendar.of()
MORNING = datetime(2025, 3, 11, 7, 30, tzinfo=BUREAU_TZ)

LISTINGS = [
    # listing id, title, score, category
    ("100001", "老象牙手镯 正品包老 原牙雕刻", 95, "wildlife.ivory"),
    ("100002", "穿山甲鳞片 中药材 整片", 88, "wildlife.pangolin"),
    ("100003", "犀牛角杯 老料 收藏级", 92, "wildlife.rhino_horn"),
    ("100004", "玳瑁手镯 天然 老货", 70, "wildlife.hawksbill"),
    ("100005", "虎骨酒 泡酒料", 64, "wildlife.tiger_leopard"),
    ("100006", "仿真枪 金属 可发射", 90, "prohibited.weapons"),
    ("100007", "象牙色 塑料 手串", 40, "wildlife.ivory"),
]


def make_leads(seen_at: datetime = MORNING - timedelta(hours=6)) -> dict[str, int]:
    ids = {}
    for listing_id, title, score, category in LISTINGS:

        def write(session: Session, listing_id=listing_id, title=title, score=score, category=category) -> int:
            sighting = record_sighting(
                session,
                listing={
                    "platform": "demo",
                    "listing_id": listing_id,
                    "url": f"http://127.0.0.1:8765/plain/item/{listing_id}",
                    "title": title,
                    "price": 1280.0,
                    "seller": "古玩小店",
                    "seller_id": f"s{listing_id}",
                },
                score={
                    "score": score,
                    "family": category.split(".")[0],
                    "category": category,
                    "categories": [category],
                    "hits": [],
                    "rules": [],
                    "is_lead": True,
                },
                seen_at=seen_at,
            )
            assert sighting.lead_pk is not None
            return sighting.lead_pk

        ids[listing_id] = run_write(write)
    return ids


def statuses() -> dict[int, str]:
    with Session(get_engine()) as session:
        return {lead.id: lead.status.value for lead in session.exec(select(Lead))}


def holds() -> dict[int, FeedHold]:
    with Session(get_engine()) as session:
        return {hold.lead_pk: hold for hold in session.exec(select(FeedHold))}


def test_capacity_queues_the_highest_priority_first_and_the_rest_wait_with_the_reason(tw_home: Path):
    ids = make_leads()
    settings = FeedSettings(
        min_score=60,
        teams=(TeamCapacity("野保组", ("wildlife",), 2), TeamCapacity("违禁品组", ("prohibited",), 5)),
    )
    result = feed_queue(settings, now=MORNING, calendar=CALENDAR)

    with Session(get_engine()) as session:
        leads = {lead.id: lead for lead in session.exec(select(Lead))}
    wildlife = sorted(
        (lead for lead in leads.values() if lead.family == "wildlife" and lead.score >= 60),
        key=lambda lead: (-lead.priority, -lead.score, lead.id),
    )
    assert [wildlife[0].id, wildlife[1].id] == [ids["100001"], ids["100003"]]  # ivory and rhino horn rank highest
    assert result.queued == [ids["100001"], ids["100003"], ids["100006"]]  # in priority order
    queued = [leads[i] for i in result.queued]
    assert all(lead.status == LeadStatus.QUEUED and lead.due_date is not None for lead in queued)
    assert leads[ids["100001"]].due_date == CALENDAR.add_working_days(MORNING.date(), 15)
    assert result.by_team == {"野保组": 2, "违禁品组": 1}

    waiting = holds()
    assert {lead_id: hold.code for lead_id, hold in waiting.items()} == {
        ids["100002"]: CAPACITY,
        ids["100004"]: CAPACITY,
        ids["100005"]: CAPACITY,
        ids["100007"]: BELOW_THRESHOLD,
    }
    assert "daily capacity is 2" in waiting[ids["100002"]].reason and waiting[ids["100002"]].team == "野保组"
    assert "score 40 is below the queue threshold 60" in waiting[ids["100007"]].reason
    assert statuses()[ids["100002"]] == "new"

    # later the same day the team is still full; the next day it takes the next two
    again = feed_queue(settings, now=MORNING + timedelta(hours=3), calendar=CALENDAR)
    assert again.queued == []
    next_day = feed_queue(settings, now=MORNING + timedelta(days=1), calendar=CALENDAR)
    assert set(next_day.queued) == {ids["100002"], ids["100004"]}
    assert set(holds()) == {ids["100005"], ids["100007"]}


def test_without_capacity_every_lead_over_the_threshold_is_queued(tw_home: Path):
    ids = make_leads()
    result = feed_queue(FeedSettings(min_score=60), now=MORNING, calendar=CALENDAR)
    assert len(result.queued) == 6 and ids["100007"] not in result.queued
    with Session(get_engine()) as session:
        order = [session.get(Lead, lead_id) for lead_id in result.queued]
    assert [lead.priority for lead in order] == sorted((lead.priority for lead in order), reverse=True)


def test_a_category_no_team_handles_waits_with_that_reason(tw_home: Path):
    ids = make_leads()
    feed_queue(
        FeedSettings(min_score=60, teams=(TeamCapacity("野保组", ("wildlife",), None),)), now=MORNING, calendar=CALENDAR
    )
    hold = holds()[ids["100006"]]
    assert hold.code == NO_TEAM and "no team handles category prohibited.weapons" in hold.reason


def test_waiting_leads_are_shown_with_their_reason(tw_home: Path):
    ids = make_leads()
    feed_queue(FeedSettings(min_score=60, teams=(TeamCapacity("全部", (), 1),)), now=MORNING, calendar=CALENDAR)
    result = CliRunner().invoke(app, ["schedule", "waiting", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 6
    assert {row["code"] for row in rows} == {CAPACITY, BELOW_THRESHOLD}
    assert rows[0]["priority"] >= rows[-1]["priority"]
    assert any("took 1 leads today" in row["reason"] for row in rows)
    assert ids["100007"] in {row["lead"] for row in rows}

"""`tradewatch stats` and `leads.stats.queue_stats` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import Session, col, delete, select
from typer.testing import CliRunner

from cli.app import app
from core.statuses import LeadStatus
from leads.db import get_engine
from leads.lead_query import LeadFilter
from leads.models import Lead, LeadCampaign, Listing
from leads.stats import _grouped, _tallied, _workload, queue_stats
from tests.leadstore_support import (
    DESK_OFFICERS,
    desk_worker,
    listing,
    run_workers,
    sight,
    tally_worker,
    workload_from_leads,
)
from tests.officer_desk_data import act, add_lead, set_due

runner = CliRunner()


def fill() -> dict[str, int]:
    ids = {
        "ivory": add_lead("700001", "老象牙手镯", 82),
        "ivory2": add_lead("700002", "象牙印章 老料", 78, campaign="2026清风行动"),
        "pangolin": add_lead("700003", "穿山甲鳞片", 91, "wildlife.pangolin", matched="穿山甲", platform="taobao"),
        "knife": add_lead("700004", "开刃直刀", 66, "prohibited.weapons", matched="开刃", campaign="2026清风行动"),
    }
    act("claim", ids["ivory"], "王芳")
    act("claim", ids["pangolin"], "李明")
    act("assign", ids["pangolin"], "李明", to="王芳")
    act("verify", ids["pangolin"], "李明")
    act("claim", ids["knife"], "王芳")
    act("dismiss", ids["knife"], "王芳", reason="合法户外刀具")
    set_due(ids["ivory"], date(2026, 4, 1))
    set_due(ids["ivory2"], date(2026, 4, 12))
    return ids


def test_queue_stats_counts(store_url):
    fill()
    with Session(get_engine()) as session:
        stats = queue_stats(session, today=date(2026, 4, 10))
    assert stats.total == 4
    assert stats.by_status == {"claimed": 1, "dismissed": 1, "queued": 1, "verified": 1}
    assert stats.by_category == {"wildlife.ivory": 2, "prohibited.weapons": 1, "wildlife.pangolin": 1}
    assert stats.by_platform == {"demo": 3, "taobao": 1}
    assert stats.by_campaign == {"2026清风行动": 2, "": 2}
    assert (stats.overdue, stats.due_soon) == (1, 1)
    assert stats.workload["王芳"].as_dict() == {"claimed": 1, "assigned": 0, "verified": 1, "overdue": 1}
    assert stats.workload["李明"].as_dict() == {"claimed": 0, "assigned": 0, "verified": 1, "overdue": 0}
    with Session(get_engine()) as session:
        wildlife = queue_stats(session, LeadFilter(category="wildlife"), today=date(2026, 4, 10))
    assert wildlife.total == 3


def test_stats_command(tw_home):
    fill()
    zh = runner.invoke(app, ["stats"], env={"TRADEWATCH_LANG": "zh", "COLUMNS": "120"})
    assert zh.exit_code == 0, zh.output
    for text in (
        "按状态统计",
        "核查中",
        "已核查",
        "已排除",
        "象牙",
        "枪支及管制刀具",
        "2026清风行动",
        "王芳",
        "已超期",
    ):
        assert text in zh.output, text
    data = json.loads(runner.invoke(app, ["stats", "--json", "--campaign", "2026清风行动"]).output)
    assert data["total"] == 2 and data["by_status"] == {"dismissed": 1, "queued": 1}


def test_due_soon_counts_working_days_from_the_bureaus_date(tw_home, monkeypatch):
    from datetime import UTC, datetime

    import leads.models

    ids = fill()
    # Friday 2026-11-27, 23:30 in Beijing (15:30 UTC): due next Wednesday is 3 working days away (5 calendar days).
    monkeypatch.setattr(leads.models, "utcnow", lambda: datetime(2026, 11, 27, 15, 30, tzinfo=UTC))
    set_due(ids["ivory"], date(2026, 12, 2))
    set_due(ids["ivory2"], date(2026, 12, 3))
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["due_soon"], data["overdue"]) == (1, 0)
    # every label says what is counted: 3 working days (the one rule), never the 5 calendar days behind them
    assert (data["due_soon_working_days"], data["due_soon_until"]) == (3, "2026-12-02")
    assert "due_soon_days" not in data
    text = runner.invoke(app, ["stats"], env={"TRADEWATCH_LANG": "en", "COLUMNS": "120"}).output
    assert "Due within 3 working days" in text and "5 days" not in text
    zh = runner.invoke(app, ["stats"], env={"TRADEWATCH_LANG": "zh", "COLUMNS": "120"}).output
    assert "3 个工作日内到期" in zh
    with Session(get_engine()) as session:  # the library's default is the same rule
        assert queue_stats(session, today=date(2026, 11, 27)).due_soon == 1


def from_scratch(session: Session, lead_filter: LeadFilter) -> dict[str, dict[str, int]]:
    columns = {
        "by_status": col(Lead.status),
        "by_category": col(Lead.category),
        "by_family": col(Lead.family),
        "by_platform": col(Listing.platform),
        "by_campaign": col(Lead.campaign),
    }
    return {name: _grouped(session, column, lead_filter) for name, column in columns.items()}


def test_the_tally_stats_read_equals_a_count_from_scratch_after_concurrent_writes(store_url):
    workers, per_worker = 3, 24
    outcomes = run_workers(tally_worker, [(store_url, n, per_worker) for n in range(workers)], timeout=300)
    assert outcomes == {n: "ok" for n in range(workers)}
    # Changes no command makes today, by hand: a lead deleted, and a lead moved to another platform's listing.
    other = sight(store_url, listing_values=listing("jd-1", platform="jd"), score_values={"score": 10})
    engine = get_engine(store_url)
    with Session(engine) as session:
        gone, moved = session.exec(select(Lead).order_by(col(Lead.id)).limit(2)).all()
        session.exec(delete(LeadCampaign).where(col(LeadCampaign.lead_pk) == gone.id))
        session.delete(gone)
        moved.listing_id = other.listing_pk
        session.add(moved)
        session.commit()
    with Session(engine) as session:
        everything = from_scratch(session, LeadFilter())
        assert sum(everything["by_status"].values()) == workers * per_worker - 1
        assert everything["by_platform"]["jd"] == 1 and len(everything["by_status"]) == 4
        assert everything["by_category"]["wildlife.rhino"] > 0
        for lead_filter in (
            LeadFilter(),
            LeadFilter(category="wildlife"),
            LeadFilter(category="wildlife.rhino"),
            LeadFilter(platform="taobao"),
            LeadFilter(campaign="2026清风行动", platform="demo"),
        ):
            assert _tallied(session, lead_filter) == from_scratch(session, lead_filter), lead_filter
        assert _tallied(session, LeadFilter(min_score=80)) is None  # a filter the tally cannot answer


def test_the_officer_tally_equals_a_count_lead_by_lead_after_concurrent_writes(store_url):
    workers, per_worker = 3, 18
    outcomes = run_workers(desk_worker, [(store_url, n, per_worker) for n in range(workers)], timeout=300)
    assert outcomes == {n: "ok" for n in range(workers)}
    engine = get_engine(store_url)
    with Session(engine) as session:
        dues = sorted({due for due in session.exec(select(Lead.due_date)) if due is not None})
        # before every due date, between them, and after all: none, some and every open lead overdue
        days = (dues[0], dues[len(dues) // 2], dues[-1] + timedelta(days=1))
        counted = {
            day: {name: load.as_dict() for name, load in _workload(session, LeadFilter(), day).items()} for day in days
        }
        for day in days:
            assert counted[day] == workload_from_leads(session, day), day
    # every role, desk status and overdue-ness occurred, for officers shared by the workers
    assert set(counted[days[0]]) == set(DESK_OFFICERS)
    totals = {key: sum(load[key] for load in counted[days[-1]].values()) for key in ("claimed", "assigned", "verified")}
    assert all(totals.values()), totals
    assert sum(load["overdue"] for load in counted[days[-1]].values()) > sum(
        load["overdue"] for load in counted[days[0]].values()
    )
    # Changes no command makes, by hand: assignees rewritten with a repeat and the claimant, a due date
    # removed, a lead on a desk deleted, one closed.
    with Session(engine) as session:
        claimed = session.exec(select(Lead).where(Lead.status == LeadStatus.CLAIMED).order_by(col(Lead.id))).all()
        claimed[0].assignees = ["赵磊", "赵磊", claimed[0].claimed_by or ""]
        claimed[1].due_date = None
        claimed[2].status = LeadStatus.REFERRED
        session.add_all(claimed[:3])
        session.exec(delete(LeadCampaign).where(col(LeadCampaign.lead_pk) == claimed[3].id))
        session.delete(claimed[3])
        session.commit()
    with Session(engine) as session:
        for day in days:
            expected = workload_from_leads(session, day)
            assert {name: load.as_dict() for name, load in _workload(session, LeadFilter(), day).items()} == expected
            # a filter the tally cannot answer counts from the leads themselves, to the same numbers
            fallback = _workload(session, LeadFilter(min_score=0), day)
            assert {name: load.as_dict() for name, load in fallback.items()} == expected
        assert workload_from_leads(session, days[0])["赵磊"]["assigned"] == 1

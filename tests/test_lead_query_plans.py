"""`leads list` answers the same whichever way the database is asked, and the ways that keep it fast at a
million leads are the ones the database takes (the timings themselves are in benchmarks/bench_leads_list.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from leads import lead_query, lead_view
from leads.db import get_engine
from leads.lead_query import LeadFilter, find_leads, has_few_matches
from tests.officer_desk_data import act, add_lead, set_due

FILTERS = [
    LeadFilter(),
    LeadFilter(statuses=["queued"]),
    LeadFilter(category="wildlife"),
    LeadFilter(platform="taobao"),
    LeadFilter(campaign="2026清风行动"),
    LeadFilter(campaign="2025春雷行动"),
    LeadFilter(seller="古玩老张"),
    LeadFilter(seller="s2048"),
    LeadFilter(officer="王芳"),
    LeadFilter(min_score=80),
    LeadFilter(due_before=date(2026, 4, 5)),
    LeadFilter(statuses=["claimed"], officer="王芳"),
]


def fill() -> None:
    leads = [
        add_lead("800001", "老象牙手镯 包老", 82),
        add_lead("800002", "象牙印章 老料", 78, campaign="2026清风行动", seller="藏家小李", seller_id="s2048"),
        add_lead("800003", "穿山甲鳞片 中药", 91, "wildlife.pangolin", matched="穿山甲", platform="taobao"),
        add_lead("800004", "开刃直刀 户外", 66, "prohibited.weapons", matched="开刃", campaign="2026清风行动"),
        add_lead("800005", "犀牛角杯 老料", 88, "wildlife.rhino", matched="犀牛角", platform="taobao"),
        add_lead("800006", "象牙筷子 一双", 82),
    ]
    act("claim", leads[0], "王芳")
    act("claim", leads[2], "李明")
    act("assign", leads[2], "李明", to="王芳")
    act("claim", leads[4], "李明")
    set_due(leads[0], date(2026, 4, 1))
    set_due(leads[1], date(2026, 4, 12))


def _ids(order: str, lead_filter: LeadFilter, sort_matches: bool) -> list[int]:
    with Session(get_engine()) as session:
        statement = lead_query.select_leads(lead_filter, order=order, sort_matches=sort_matches)
        return [lead.id for lead, _listing in session.exec(statement)]


@pytest.mark.parametrize("order", list(lead_query.ORDERS))
def test_sorting_the_matches_gives_the_queue_order(store_url: str, order: str) -> None:
    fill()
    with Session(get_engine()) as session:
        session.exec(text("UPDATE lead SET model_probability = 0.5 + (id % 3) * 0.2 WHERE id % 2 = 0"))
        session.commit()
    for lead_filter in FILTERS:
        indexed = _ids(order, lead_filter, sort_matches=False)
        assert indexed == _ids(order, lead_filter, sort_matches=True), lead_filter
    assert _ids(order, LeadFilter(officer="王芳"), False)  # claimed by her, and assigned to her


def test_a_page_is_the_same_either_way(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fill()
    with Session(get_engine()) as session:
        assert has_few_matches(session, LeadFilter(statuses=["queued"]))
        assert not has_few_matches(session, LeadFilter())
        few = [find_leads(session, f, limit=2).rows for f in FILTERS]
        monkeypatch.setattr(lead_view, "FEW_MATCHES", 1)
        assert not has_few_matches(session, LeadFilter(statuses=["queued"]))
        many = [find_leads(session, f, limit=2).rows for f in FILTERS]
    assert [[lead.id for lead, _ in page] for page in few] == [[lead.id for lead, _ in page] for page in many]


def _plan(session: Session, statement: object) -> str:
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    rows = session.exec(text(f"EXPLAIN QUERY PLAN {compiled}")).all()  # type: ignore[call-overload]
    return "\n".join(str(row[-1]) for row in rows)


def test_sqlite_reads_the_uncertainty_order_and_the_assigned_leads_from_their_indexes(tw_home: object) -> None:
    fill()
    with Session(get_engine()) as session:
        uncertain = _plan(session, lead_query.select_leads(order="uncertain").limit(51))
        assert "ix_lead_uncertainty_order" in uncertain
        assert "TEMP B-TREE" not in uncertain
        mine = _plan(session, lead_query.select_leads(LeadFilter(officer="王芳"), sort_matches=True))
        assert "ix_lead_assignee_count" in mine
        seller = _plan(session, lead_query.select_leads(LeadFilter(seller="古玩老张"), sort_matches=True))
        assert "ix_listing_seller" in seller


def test_sqlite_reads_many_matches_of_a_platform_or_campaign_and_queued_uncertain_leads_in_index_order(
    tw_home: object,
) -> None:
    fill()
    with Session(get_engine()) as session:
        for lead_filter in (LeadFilter(platform="taobao"), LeadFilter(campaign="2026清风行动")):
            walked = _plan(session, lead_query.select_leads(lead_filter).limit(51))
            assert "ix_lead_queue_order" in walked and "TEMP B-TREE" not in walked, walked
        queued = _plan(session, lead_query.select_leads(LeadFilter(statuses=["queued"]), order="uncertain").limit(51))
        assert "ix_lead_status_uncertainty_order" in queued and "TEMP B-TREE" not in queued, queued


def test_the_view_reads_each_column_as_the_models_type_it() -> None:
    """`leads list` reads through `lead_view`'s columns: each is a column of the model's table, of its type."""
    from sqlalchemy import Enum, String
    from sqlmodel import SQLModel
    from sqlmodel.sql.sqltypes import AutoString

    import leads.models
    import leads.schedule_models  # the re-checks' table

    for view in lead_view.VIEW:
        table = SQLModel.metadata.tables[view.name]
        for column in view.c:
            model_type = table.c[column.name].type  # KeyError: a column the models do not have
            text = isinstance(model_type, AutoString) and type(column.type) is String  # SQLModel's str
            assert text or isinstance(model_type, type(column.type)), (view.name, column.name, model_type)
            if isinstance(column.type, Enum):
                assert column.type.enums == model_type.enums  # type: ignore[attr-defined]
    assert leads.models.Lead.__tablename__ == lead_view.LEAD.name


@pytest.mark.parametrize("order", list(lead_view.ORDERS))
def test_the_views_page_is_the_models_page(store_url: str, order: str) -> None:
    """The page `leads list` shows (Core rows) holds the leads, fields and marks the models' page holds."""
    from leads.db import run_write
    from leads.lead_marks import lead_marks
    from leads.schedule_models import ListingCheck
    from leads.types import utcnow
    from tests.officer_desk_data import send_notice

    fill()
    send_notice(1, "王芳")
    run_write(lambda session: session.add(ListingCheck(listing_pk=3, outcome="removed", checked_at=utcnow())))
    today = date(2026, 4, 2)
    fields = ("id", "status", "score", "category", "due_date", "hits", "claimed_by", "assignees")
    listing_fields = ("id", "platform", "title", "price", "currency", "seller", "seller_id")
    engine = get_engine()
    for lead_filter in FILTERS:
        for offset in (0, 2):
            with Session(engine) as session:
                models_page = find_leads(session, lead_filter, limit=2, offset=offset, order=order)
                models_marks = lead_marks(session, models_page.rows, today)
            with engine.connect() as connection:
                view_page = lead_view.find_lead_rows(connection, lead_filter, limit=2, offset=offset, order=order)
                view_marks = lead_marks(connection, view_page.rows, today)
            assert view_page.has_more == models_page.has_more
            assert [
                ([getattr(lead, f) for f in fields], [getattr(listing, f) for f in listing_fields])
                for lead, listing in view_page.rows
            ] == [
                ([getattr(lead, f) for f in fields], [getattr(listing, f) for f in listing_fields])
                for lead, listing in models_page.rows
            ], lead_filter
            assert view_marks == models_marks
    with engine.connect() as connection:
        marks = lead_marks(connection, lead_view.find_lead_rows(connection, LeadFilter(lead_ids=[1, 3])).rows, today)
    assert marks[1].notice_state == "sent" and not marks[1].removed
    assert marks[3].removed and marks[3].notice_state is None

"""What the queue list and exports show beside each lead: the removed mark, the manifest hash, the notice state."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from leads.db import get_engine, run_write
from leads.models import Evidence, Lead
from leads.schedule_models import ListingCheck
from tests.officer_desk_data import add_lead, send_notice
from tests.test_notices import captured

runner = CliRunner()
ENV = {"TRADEWATCH_LANG": "zh", "COLUMNS": "250"}


def check(lead_id: int, outcome: str, hour: int) -> None:
    def work(session: Session) -> None:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        at = datetime(2026, 3, 6, hour, tzinfo=UTC)
        session.add(ListingCheck(listing_pk=lead.listing_id, lead_pk=lead_id, checked_at=at, outcome=outcome))

    run_write(work)


def test_list_marks_listings_the_recheck_found_gone(tw_home: Path):
    gone = add_lead("700001", "老象牙手镯 包老保真", 90)
    back = add_lead("700002", "象牙原料 整根", 80)
    online = add_lead("700003", "象牙印章 老料", 70)
    check(gone, "online", 1)
    check(gone, "removed", 2)
    check(back, "removed", 1)
    check(back, "online", 2)  # re-listed: its latest check counts
    check(online, "online", 1)
    result = runner.invoke(app, ["leads", "list"], env=ENV)
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 3}
    assert "[已下架]" in rows[str(gone)]
    assert "[已下架]" not in rows[str(back)] and "[已下架]" not in rows[str(online)]
    data = json.loads(runner.invoke(app, ["leads", "list", "--json"], env=ENV).output)
    assert {row["lead"]["id"]: row["listing_removed"] for row in data} == {gone: True, back: False, online: False}
    shown = runner.invoke(app, ["leads", "show", str(gone)], env=ENV)
    assert "[已下架]" in shown.output


def test_export_carries_explanation_manifest_hash_and_notice_state(tw_home: Path, tmp_path: Path):
    noticed = add_lead("700011", "穿山甲鳞片 中药材", 92, "wildlife.pangolin", matched="穿山甲")
    plain = add_lead("700012", "象牙手镯", 75)
    captured(noticed)
    send_notice(noticed, "王芳", "wildlife")
    check(noticed, "removed", 3)
    out = tmp_path / "线索.csv"
    result = runner.invoke(app, ["leads", "export", "--out", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    by_id = {int(row["线索编号"]): row for row in rows}
    with Session(get_engine()) as session:
        manifest = session.exec(select(Evidence.manifest_sha256).where(Evidence.lead_pk == noticed)).one()
    assert by_id[noticed]["评分说明"] == "term 穿山甲 +92"
    assert by_id[noticed]["证据清单SHA-256"] == manifest
    assert by_id[noticed]["通知状态"] == "已发出待回复"
    assert by_id[noticed]["商品已下架"] == "是"
    assert (by_id[plain]["证据清单SHA-256"], by_id[plain]["通知状态"], by_id[plain]["商品已下架"]) == ("", "", "否")


def test_a_due_date_beyond_the_calendar_warns_on_the_lead_and_in_stats(tw_home: Path):
    from tests.officer_desk_data import set_due

    late = add_lead("700021", "象牙手镯 老料", 88)
    inside = add_lead("700022", "象牙印章", 77)
    set_due(late, datetime(2027, 1, 8).date())
    set_due(inside, datetime(2026, 12, 30).date())
    shown = runner.invoke(app, ["leads", "show", str(late)], env=ENV)
    assert "2026-12-31 之后的节假日未知" in shown.output
    other = runner.invoke(app, ["leads", "show", str(inside)], env=ENV)
    assert "节假日未知" not in other.output
    stats = runner.invoke(app, ["stats"], env={**ENV, "TRADEWATCH_LANG": "en"})
    assert "Warning: 1 open leads are due after 2026-12-31" in " ".join(stats.output.split())
    data = json.loads(runner.invoke(app, ["stats", "--json"], env=ENV).output)
    assert (data["beyond_calendar"], data["calendar_known_until"]) == (1, "2026-12-31")
    assert data["due_soon_working_days"] == 3

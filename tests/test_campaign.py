"""Campaigns: created from the command line, swept on their schedule and at once, their leads tagged."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

import scheduler as scheduler_module
from cli.app import app
from leads.db import get_engine
from leads.models import CrawlRun, Lead, LeadCampaign, Listing
from leads.reports import campaign_report
from scheduler import load_timetable
from tests.scheduler_support import (
    clock,
    drive,
    local,
    manual_schedulers,
    runs_of,
    start_scheduler,
    write_timetable,
)
from tests.test_store_batching import item, pipelines, through

FIXTURES = (clock, manual_schedulers)  # used by name in the tests below
runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
NAME = "2025清风行动"


def cli(*args: str):
    return runner.invoke(app, list(args))


def create(*extra: str, name: str = NAME):
    return cli(
        "campaign", "create", name, "--keywords", "象牙,穿山甲", "--platforms", "demo",
        "--from", "2025-03-01", "--to", "2025-05-31", "--title", "2025年打击野生动物非法贸易清风行动", *extra,
    )  # fmt: skip


def campaign_leads(name: str = NAME) -> tuple[int, int]:
    with Session(get_engine()) as session:
        leads = list(session.exec(select(Lead)))
    return sum(1 for lead in leads if lead.campaign == name), len(leads)


def test_create_list_show_close(tw_home: Path):
    assert create("--cron", "0 21 * * *").exit_code == 0
    shown = cli("campaign", "show", NAME, "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["keywords"] == ["象牙", "穿山甲"] and data["platforms"] == ["demo"]
    assert (data["from"], data["to"], data["cron"], data["status"]) == (
        "2025-03-01",
        "2025-05-31",
        "0 21 * * *",
        "open",
    )
    listed = json.loads(cli("campaign", "list", "--json").stdout)
    assert [row["name"] for row in listed] == [NAME]
    assert create().exit_code == 2  # the name is taken
    assert cli("campaign", "close", NAME).exit_code == 0
    assert json.loads(cli("campaign", "show", NAME, "--json").stdout)["status"] == "closed"
    assert json.loads(cli("campaign", "list", "--open", "--json").stdout) == []
    refused = cli("campaign", "run", NAME)
    assert refused.exit_code == 2 and "is closed" in refused.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--platforms", "demo,nosuchshop"], "--platforms: unknown platform 'nosuchshop'"),
        (["--to", "2025-02-01"], "--to: the end date 2025-02-01 is before the start date 2025-03-01"),
        (["--cron", "0 25 * * *"], "--cron: bad cron '0 25 * * *'"),
        (["--cron", "every night"], "--cron: bad cron 'every night': expected 5 fields"),
        (["--from", "2025-13-01"], "--from: '2025-13-01' is not a date (YYYY-MM-DD)"),
    ],
)
def test_a_malformed_campaign_is_refused_naming_the_option(tw_home: Path, args: list[str], message: str):
    result = cli(
        "campaign", "create", "专项-错误", "--keywords", "象牙", "--platforms", "demo",
        "--from", "2025-03-01", "--to", "2025-03-31", *args,
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "")
    assert "Traceback" not in result.output
    assert json.loads(cli("campaign", "list", "--json").stdout) == []


def test_campaign_run_sweeps_now_and_its_leads_carry_the_campaign(tw_home: Path, demo_market: str):
    assert create().exit_code == 0
    result = cli("campaign", "run", NAME, "--base-url", demo_market, "--max-pages", "1")
    assert result.exit_code == 0, result.output
    tagged, total = campaign_leads()
    assert tagged == total > 0
    with Session(get_engine()) as session:
        runs = list(session.exec(select(CrawlRun)))
    assert [(run.campaign, run.outcome) for run in runs] == [(NAME, "ok")]
    shown = json.loads(cli("campaign", "show", NAME, "--json").stdout)
    assert shown["leads"] == tagged and shown["runs"] == 1
    out = tw_home / "qingfeng.html"
    report = cli("report", "campaign", NAME, "--out", str(out))
    assert report.exit_code == 0, report.output
    html = out.read_text(encoding="utf-8")
    data = json.loads(html.split('<script id="report-data" type="application/json">')[1].split("</script>")[0])
    assert data["total"] == tagged and data["by_campaign"] == {NAME: tagged}
    assert data["campaign"]["name"] == NAME and data["runs"]["total"] == 1


def test_a_campaign_created_from_the_cli_is_swept_on_its_schedule(
    tw_home: Path, demo_market: str, clock, manual_schedulers
):
    clock.set(local(2025, 3, 10, 12, 0))
    assert create("--cron", "0 21 * * *", "--max-pages", "1").exit_code == 0
    timetable = load_timetable(write_timetable(tw_home, {"base_url": demo_market, "feed": {"time": "07:30"}}))
    sched = start_scheduler(timetable, manual_schedulers)
    job = sched.get_job(f"campaign:{NAME}")
    assert job is not None and job.next_run_time == local(2025, 3, 10, 21, 0)
    drive(sched, clock, local(2025, 3, 10, 20, 30))
    assert campaign_leads() == (0, 0)  # not before its time
    drive(sched, clock, local(2025, 3, 10, 21, 30))
    (run,) = runs_of(f"campaign:{NAME}")
    assert run.outcome == "ok", run.error
    tagged, total = campaign_leads()
    assert tagged == total > 0
    # closing it takes it off the schedule at the next synchronisation
    assert cli("campaign", "close", NAME).exit_code == 0
    scheduler_module.sync_jobs(sched, timetable, timetable.source)
    assert sched.get_job(f"campaign:{NAME}") is None


def sweep_items(url: str, numbers: range, *, at: datetime, campaign: str | None) -> None:
    """One sweep through the real pipelines and writer, its listings fetched at `at` (the sweep's clock)."""
    built, _ = pipelines(url, TRADEWATCH_STORE_BATCH=4, TRADEWATCH_STORE_FLUSH_MS=20)

    async def crawl() -> None:
        listings = [dataclasses.replace(item(number), fetched_at=at, campaign=campaign) for number in numbers]
        await asyncio.gather(*(through(built, listing) for listing in listings))
        await built[2].close_spider()

    asyncio.run(crawl())


def test_a_campaign_counts_older_leads_it_sees_again_apart_from_those_it_found(store_url: str, tw_home: Path):
    # items 0, 3, 6 score as leads; 0 and 3 are found by a plain sweep before the campaign
    sweep_items(store_url, range(5), at=local(2025, 2, 20, 10), campaign=None)
    assert create().exit_code == 0  # 2025-03-01 – 2025-05-31
    sweep_items(store_url, range(8), at=local(2025, 3, 10, 21), campaign=NAME)
    sweep_items(store_url, range(8), at=local(2025, 3, 11, 21), campaign=NAME)  # the next night: nothing new
    sweep_items(store_url, range(8), at=local(2025, 3, 12, 21), campaign="2025春雷行动")
    with Session(get_engine()) as session:
        rows = session.exec(select(Listing.listing_id, Lead).join(Lead, col(Lead.listing_id) == col(Listing.id)))
        found_by = {listing_id: lead.campaign for listing_id, lead in rows}
        links = set(
            session.exec(
                select(Listing.listing_id, LeadCampaign.campaign, LeadCampaign.found)
                .join(Lead, col(Lead.listing_id) == col(Listing.id))
                .join(LeadCampaign, col(LeadCampaign.lead_pk) == col(Lead.id))
            )
        )
    assert found_by == {"100000": None, "100003": None, "100006": NAME}  # older leads never re-tagged
    assert links == {
        ("100000", NAME, False), ("100003", NAME, False), ("100006", NAME, True),
        ("100000", "2025春雷行动", False), ("100003", "2025春雷行动", False), ("100006", "2025春雷行动", False),
    }  # fmt: skip
    with Session(get_engine()) as session:
        older = session.exec(
            select(Lead.id).join(Listing, col(Lead.listing_id) == col(Listing.id)).where(Listing.listing_id == "100000")
        ).one()
    shown = runner.invoke(app, ["leads", "show", str(older)], env={"COLUMNS": "200"}).output.splitlines()
    (again,) = [line for line in shown if "Seen again by campaigns" in line]
    (found,) = [line for line in shown if "Found by campaign" in line]
    assert f"{NAME}，2025春雷行动" in again and NAME not in found
    report = campaign_report(NAME, day=date(2025, 3, 12))
    assert report.numbers["found"] == report.numbers["total"] == 1
    assert report.numbers["seen_again"] == {"total": 2, "by_status": {"new": 2}}
    assert report.numbers["by_campaign"] == {NAME: 1}
    shown = json.loads(cli("campaign", "show", NAME, "--json").stdout)
    assert (shown["leads"], shown["seen_again"]) == (1, 2)
    page = cli("report", "campaign", NAME, "--out", str(tw_home / "qingfeng.html"))
    assert page.exit_code == 0, page.output
    html = (tw_home / "qingfeng.html").read_text(encoding="utf-8")
    assert "Found by this campaign<b>1</b>" in html and "Seen again by this campaign<b>2</b>" in html


@pytest.mark.parametrize(
    ("outcomes", "code", "line"),
    [
        ({"demo": "interrupted"}, 130, "错误：抓取被中断：demo: 已中断"),
        ({"demo": "failed"}, 3, "错误：抓取未正常完成：demo: 失败"),
        ({"demo": "degraded"}, 0, None),
        (KeyboardInterrupt(), 130, "错误：抓取被中断"),
    ],
)  # fmt: skip
def test_campaign_run_exits_as_its_sweep_ended(tw_home: Path, monkeypatch, outcomes, code, line):
    """`campaign run` exits as `tradewatch sweep` and `schedule run-job` do: 130 for an interrupted sweep (also
    one stopped while it ran: no word was said before), 3 when its platforms were not read (exit 0 before)."""
    from tests.test_scheduler import recorded_sweep

    assert create().exit_code == 0
    if isinstance(outcomes, BaseException):

        def stopped(request, *, timeout=None):
            raise outcomes

        monkeypatch.setattr("runners.sweep.run_sweep", stopped)
    else:
        recorded_sweep(monkeypatch, tw_home, outcomes)
    result = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(app, ["campaign", "run", NAME])
    assert result.exit_code == code, result.output
    told = [text for text in result.output.splitlines() if text.startswith("错误：")]
    assert told == ([line] if line else [])

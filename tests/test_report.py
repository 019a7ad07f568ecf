"""Reports: the daily report opens in a browser with its charts, and its numbers are those of `tradewatch stats`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from parsel import Selector
from sqlmodel import Session
from typer.testing import CliRunner

import scheduler as scheduler_module
from cli.app import app
from core.workdays import BUREAU_TZ, local_date
from leads.db import get_engine, run_write
from leads.feed import FeedSettings, feed_queue
from leads.models import Lead
from leads.queue import claim, dismiss, verify
from leads.reports import outcome_text
from leads.runs import finish_run, start_run
from leads.schedule_models import JobRun
from leads.stats import queue_stats
from tests.leadstore_support import listing, sight
from tests.scheduler_support import write_timetable
from tests.test_feed import make_leads

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English


def report_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(html.split('<script id="report-data" type="application/json">')[1].split("</script>")[0])


@pytest.fixture
def busy_day(tw_home: Path) -> dict[str, int]:
    """Leads in every state, one overdue, campaign-tagged ones, and two runs today (one failed)."""
    now = scheduler_module.now()
    # seen two hours ago, but on the bureau's today even just after its midnight (16:00-18:00 UTC)
    midnight = now.astimezone(BUREAU_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    ids = make_leads(seen_at=max(now - timedelta(hours=2), midnight))
    feed_queue(FeedSettings(min_score=60))
    officer = "张伟"

    def work(session) -> None:
        claim(session, ids["100001"], officer=officer)
        verify(session, ids["100001"], officer=officer)
        claim(session, ids["100004"], officer=officer)
        dismiss(session, ids["100004"], officer=officer, reason="仿制品，非真玳瑁")
        overdue = session.get(Lead, ids["100002"])
        overdue.due_date = date(2020, 1, 6)
        session.add(overdue)
        for listing_id in ("100003", "100006"):
            lead = session.get(Lead, ids[listing_id])
            lead.campaign = "2025清风行动"
            session.add(lead)
        for platform, outcome in (("demo", "ok"), ("jd", "blocked")):
            run_id = start_run(session, platform=platform, keywords=["象牙"], campaign=None)
            finish_run(
                session,
                run_id,
                finish_reason="finished",
                outcome=outcome,
                counts={"pages": 3, "listings": 40, "leads_new": 2},
                stats={},
            )

    run_write(work)
    return ids


def test_daily_report_numbers_match_stats(busy_day: dict[str, int], tw_home: Path):
    out = tw_home / "report.html"
    result = runner.invoke(app, ["report", "daily", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = report_data(out)
    stats = runner.invoke(app, ["stats", "--json"])
    assert stats.exit_code == 0, stats.output
    expected = json.loads(stats.stdout)
    for key in ("total", "by_status", "by_category", "by_platform", "by_campaign", "overdue"):
        assert data[key] == expected[key], key
    assert data["by_status"] == {"queued": 4, "new": 1, "verified": 1, "dismissed": 1}
    assert data["overdue"] == 1
    assert data["by_status_and"]["category"]["wildlife.pangolin"]["overdue"] == 1
    assert data["by_status_and"]["campaign"]["2025清风行动"]["queued"] == 2
    assert data["activity"]["created"] == 7 and data["activity"]["verify"] == 1 and data["activity"]["dismiss"] == 1
    assert data["runs"]["by_platform"] == {"demo": {"ok": 1}, "jd": {"blocked": 1}}
    html = out.read_text(encoding="utf-8")
    assert "穿山甲鳞片" in html  # the overdue lead is listed under deadlines


def test_a_past_day_has_no_activity_of_today(busy_day: dict[str, int], tw_home: Path):
    out = tw_home / "old.html"
    day = local_date(scheduler_module.now()) - timedelta(days=30)
    assert runner.invoke(app, ["report", "daily", "--date", day.isoformat(), "--out", str(out)]).exit_code == 0
    data = report_data(out)
    assert data["day"] == day.isoformat()
    assert set(data["activity"].values()) == {0} and data["runs"]["total"] == 0
    bad = runner.invoke(app, ["report", "daily", "--date", "2025/03/14", "--out", str(out)])
    assert bad.exit_code == 2 and "--date" in bad.output


def test_the_scheduler_writes_the_daily_report_into_home_reports(busy_day: dict[str, int], tw_home: Path):
    timetable = scheduler_module.load_timetable(write_timetable(tw_home, {"daily_report": {"time": "18:30"}}))
    spec = scheduler_module.find_spec("daily-report", timetable)
    details = scheduler_module.run_job(spec, timetable, now=scheduler_module.now())
    path = Path(details["report"])
    assert path.parent == tw_home.resolve() / "reports"
    assert path.name == f"daily-{local_date(scheduler_module.now()).isoformat()}.html"
    assert report_data(path)["total"] == 7


@pytest.mark.browser
def test_daily_report_opens_in_chromium_with_its_charts(busy_day: dict[str, int], tw_home: Path):
    from playwright.sync_api import sync_playwright

    from crawler.browser import CHROMIUM_ARGS

    out = tw_home / "report.html"
    assert runner.invoke(app, ["report", "daily", "--out", str(out)]).exit_code == 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(out.resolve().as_uri())
            page.wait_for_load_state("load")
            images = page.evaluate(
                "() => Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, w: i.naturalWidth}))"
            )
            heading = page.inner_text("h1")
        finally:
            browser.close()
    assert len(images) >= 5  # status, category, platform, trend, runs
    assert all(image["complete"] and image["w"] > 0 for image in images), images
    assert "线索日报" in heading


def test_a_past_day_shows_the_statuses_and_deadlines_of_that_day(tw_home: Path):
    """Leads change after D (verified, claimed, a new one found); the report for D still shows D's queue."""
    ids = make_leads(seen_at=datetime(2025, 2, 10, 6, 0, tzinfo=BUREAU_TZ))
    feed_queue(FeedSettings(min_score=60), now=datetime(2025, 2, 10, 7, 30, tzinfo=BUREAU_TZ))  # due early March
    officer, on_d = "张伟", datetime(2025, 3, 12, 10, 0, tzinfo=BUREAU_TZ)

    def day_d(session) -> None:
        claim(session, ids["100001"], officer=officer, now=on_d)
        claim(session, ids["100004"], officer=officer, now=on_d)
        dismiss(session, ids["100004"], officer=officer, reason="仿制品，非真玳瑁", now=on_d)

    run_write(day_d)
    with Session(get_engine()) as session:
        at_d = queue_stats(session, today=date(2025, 3, 12))  # what `stats` said at the end of D
    assert at_d.by_status == {"queued": 4, "claimed": 1, "dismissed": 1, "new": 1}

    later = datetime(2025, 3, 14, 9, 0, tzinfo=BUREAU_TZ)

    def afterwards(session) -> None:
        verify(session, ids["100001"], officer=officer, now=later)
        claim(session, ids["100002"], officer="李明", now=later)
        verify(session, ids["100002"], officer="李明", now=later)

    run_write(afterwards)
    sight(listing_values=listing("200001"), seen_at=later)  # found after D
    out = tw_home / "d.html"
    result = runner.invoke(app, ["report", "daily", "--date", "2025-03-12", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = report_data(out)
    assert data["past"] is True
    for key in ("total", "by_status", "by_category", "by_platform", "by_campaign"):
        assert data[key] == at_d.as_dict()[key], key
    # due 2025-03-04 (15 working days from 10 Feb): the four queued and the claimed lead were overdue on D
    assert data["overdue"] == 5 and data["by_status_and"]["category"]["wildlife.ivory"]["overdue"] == 1
    assert data["workload"] == {officer: {"claimed": 1, "assigned": 0, "verified": 0, "overdue": 1}}
    assert data["activity"]["dismiss"] == 1 and data["activity"]["verify"] == 0
    html = out.read_text(encoding="utf-8")
    assert "lead statuses as at the end of that day" in html and "老象牙手镯" in html  # listed as overdue
    now = runner.invoke(app, ["stats", "--json"])
    assert json.loads(now.stdout)["by_status"] != data["by_status"]  # today's queue is another


def test_the_report_names_every_outcome_as_runs_and_schedule_list_do():
    """One vocabulary: the report's Chinese and English for an outcome are what `tradewatch runs` and `schedule
    list` show in each language, for every outcome a run or a job can have."""
    from cli import i18n
    from cli.runs import outcome_label
    from cli.schedule import JOB_OUTCOMES, job_outcome_label
    from crawler.run_health import OUTCOMES

    shown: dict[str, list[str]] = {}
    try:
        for lang in ("zh", "en"):
            i18n.set_language(lang)
            for outcome in (*OUTCOMES, None):
                shown.setdefault(f"run {outcome}", []).append(outcome_label(outcome))
            for outcome in JOB_OUTCOMES:
                shown.setdefault(f"job {outcome}", []).append(job_outcome_label(outcome))
    finally:
        i18n.set_language("en")
    for key, (zh, en) in shown.items():
        outcome = key.split(" ", 1)[1]
        assert zh != en, key  # the catalogue translates it
        assert outcome_text(None if outcome == "None" else outcome) == f"{zh} {en}", key


def outcome_rows(page: Selector, heading: str, *, name: int, outcome: int) -> dict[str, tuple[str, str]]:
    """The rows of the table under `heading`: each row's name, the outcome it shows and its highlight class."""
    return {
        row.xpath(f"td[{name}]/text()").get(): (row.xpath(f"td[{outcome}]/text()").get(), row.attrib.get("class"))
        for row in page.xpath(f"//h2[contains(., '{heading}')]/following-sibling::table[1]//tr[td]")
    }


def test_the_daily_report_shows_every_outcome_in_both_languages_and_highlights_those_that_went_badly(tw_home: Path):
    now = scheduler_module.now()
    runs = {"demo": "ok", "jd": "interrupted", "taobao": "degraded", "xianyu": "unreachable", "pinduoduo": None}
    jobs = {"feed": "ok", "nightly-sweep": "partial", "rechecks": "interrupted", "deadlines": "failed",
            "daily-report": "running"}  # fmt: skip

    def work(session) -> None:
        for platform, outcome in runs.items():
            run_id = start_run(session, platform=platform, keywords=["穿山甲鳞片"], campaign=None)
            if outcome:
                finish_run(session, run_id, finish_reason="finished", outcome=outcome, counts={}, stats={})
        for job_id, outcome in jobs.items():
            session.add(JobRun(job_id=job_id, slot=now, started_at=now, outcome=outcome))

    run_write(work)
    out = tw_home / "report.html"
    result = runner.invoke(app, ["report", "daily", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = Selector(text=out.read_text(encoding="utf-8"))
    assert outcome_rows(page, "Runs and their health", name=2, outcome=4) == {
        "demo": ("正常 ok", ""),
        "jd": ("已中断 interrupted", "bad"),
        "taobao": ("部分异常 degraded", "bad"),
        "xianyu": ("无法连接 unreachable", "bad"),
        "pinduoduo": ("进行中 running", ""),
    }
    assert outcome_rows(page, "Scheduled jobs", name=1, outcome=3) == {
        "线索入队 / Feed the verification queue": ("正常 ok", ""),
        "夜间巡查 / Nightly sweep": ("部分完成 partial", "bad"),
        "商品复查 / Re-check listings": ("已中断 interrupted", "bad"),
        "期限检查 / Deadline check": ("失败 failed", "bad"),
        "日报 / Daily report": ("进行中 running", ""),
    }


def test_the_report_names_every_job_as_schedule_list_does():
    """The report's Chinese and English name of a job are what `schedule list` shows in each language."""
    from cli import i18n
    from cli.schedule import job_title
    from leads.timetable import JOB_NAMES, job_name

    jobs = [*JOB_NAMES, "campaign:2025清风行动"]
    shown: dict[str, list[str]] = {}
    try:
        for lang in ("zh", "en"):
            i18n.set_language(lang)
            for job_id in jobs:
                shown.setdefault(job_id, []).append(job_title(job_id, ""))
    finally:
        i18n.set_language("en")
    assert {job_id: job_name(job_id) for job_id in jobs} == {job_id: tuple(names) for job_id, names in shown.items()}


def test_the_daily_report_reads_runs_whose_process_is_gone_as_interrupted(tw_home: Path):
    """A crawl run or a job's run whose process was killed, or left unfinished since an earlier day by a process
    this machine cannot check, reads interrupted in the report, today's and a past day's, as `tradewatch runs`
    and `schedule list` show it; before, it read 进行中 running for ever. One whose process lives still runs."""
    import os
    import socket
    import subprocess
    import sys

    from leads.job_records import claim_slot
    from leads.models import CrawlRun

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    here = {"host": socket.gethostname(), "pid": gone.pid}
    now = scheduler_module.now()
    earlier = now - timedelta(days=2)

    def work(session) -> None:
        for platform, host, pid, started in (
            ("demo", here["host"], gone.pid, now),  # killed today
            ("jd", "采集机-2", 4242, earlier),  # another machine's, two days ago
            ("taobao", here["host"], os.getpid(), now),  # this process: still running
        ):
            run_id = start_run(session, platform=platform, keywords=["穿山甲鳞片"], campaign=None)
            run = session.get(CrawlRun, run_id)
            run.host, run.pid, run.started_at = host, pid, started
            session.add(run)
        session.add(JobRun(job_id="nightly-sweep", slot=now, started_at=now, details=here))
        session.add(JobRun(job_id="feed", slot=earlier, started_at=earlier))  # recorded before runs named a process

    run_write(work)
    claim_slot("daily-report", now, started=now)  # this process's: still running
    pages = {}
    for name, day in (("today", None), ("earlier", local_date(earlier))):
        out = tw_home / f"{name}.html"
        args = ["report", "daily", "--out", str(out), *(["--date", day.isoformat()] if day else [])]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        pages[name] = Selector(text=out.read_text(encoding="utf-8"))
    assert outcome_rows(pages["today"], "Runs and their health", name=2, outcome=4) == {
        "demo": ("已中断 interrupted", "bad"),
        "taobao": ("进行中 running", ""),
    }
    assert outcome_rows(pages["earlier"], "Runs and their health", name=2, outcome=4) == {
        "jd": ("已中断 interrupted", "bad")
    }
    assert outcome_rows(pages["today"], "Scheduled jobs", name=1, outcome=3) == {
        "夜间巡查 / Nightly sweep": ("已中断 interrupted", "bad"),
        "日报 / Daily report": ("进行中 running", ""),
    }
    assert outcome_rows(pages["earlier"], "Scheduled jobs", name=1, outcome=3) == {
        "线索入队 / Feed the verification queue": ("已中断 interrupted", "bad")
    }
    shown = json.loads(runner.invoke(app, ["runs", "list", "--json"]).stdout)
    assert {run["platform"]: run["outcome"] for run in shown} == {
        "demo": "interrupted",
        "jd": "interrupted",
        "taobao": None,
    }

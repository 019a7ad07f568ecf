"""Reports for the bureau: the daily report and a campaign's report, as one self-contained HTML file each.

The numbers come from the same library functions as `tradewatch stats` (`leads.stats.queue_stats`), so the two
agree for the same day; charts are PNG (matplotlib, Agg backend, a CJK font when installed) embedded as
data URIs, so the file opens anywhere, offline. The report's numbers are also embedded as JSON
(`<script id="report-data" type="application/json">`) for scripts.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.config import get_settings
from core.errors import TradewatchError
from core.statuses import LeadStatus
from core.workdays import BUREAU_TZ, WorkCalendar, load_calendar, local_date
from leads.audit import anchor_head
from leads.db import get_engine, run_write
from leads.deadlines import DUE_SOON_WORKING_DAYS, due_soon_days, find_deadlines
from leads.lead_query import LeadFilter
from leads.models import AuditEvent, CrawlRun, Lead, LeadCampaign, Listing, utcnow
from leads.schedule_models import FeedHold, JobRun
from leads.stats import queue_stats
from leads.timetable import job_title

TEMPLATES = Path(__file__).resolve().parent / "templates"
CJK_FONTS = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "SimHei")
REPORT_STATUSES = tuple(LeadStatus)  # every status has its column, so a row adds up to its total
STATUS_TEXT = {
    "new": "新线索 New",
    "queued": "待核查 Queued",
    "claimed": "核查中 Claimed",
    "verified": "已核实 Verified",
    "referred": "已移送 Referred",
    "dismissed": "已排除 Dismissed",
    "escalated": "已上报 Escalated",
    "overdue": "超期 Overdue",
}
# How a crawl run (crawler.run_health) or a scheduled job (leads.job_records) ended, in the words `tradewatch runs`
# and `schedule list` use: the English is their message id, the Chinese its translation in the catalogue
# (tests/test_report.py holds the two to each other).
OUTCOME_WORDS = {
    "ok": "正常",
    "degraded": "部分异常",
    "broken": "失效",
    "blocked": "被拦截",
    "unreachable": "无法连接",
    "failed": "失败",
    "interrupted": "已中断",
    "partial": "部分完成",
    "running": "进行中",
    "skipped": "已跳过",
}
OUTCOME_TEXT = {outcome: f"{zh} {outcome}" for outcome, zh in OUTCOME_WORDS.items()}
STILL_RUNNING = "running"
UNFINISHED = "unfinished"  # a run without an outcome yet, as the report's numbers count it (run_health)
WENT_WELL = frozenset({"ok", STILL_RUNNING})  # every other outcome is highlighted


def outcome_text(outcome: str | None) -> str:
    """A run's or a job's outcome in the report's two languages; a run without one is still running."""
    key = STILL_RUNNING if outcome in (None, UNFINISHED) else str(outcome)
    return OUTCOME_TEXT.get(key, key)


def went_badly(outcome: str | None) -> bool:
    """The outcome is one the report highlights: anything but ok or still running."""
    return (STILL_RUNNING if outcome in (None, UNFINISHED) else outcome) not in WENT_WELL


ACTIVITY = {
    "created": "新增线索 new leads",
    "enqueue": "入队 queued",
    "verify": "核实 verified",
    "dismiss": "排除 dismissed",
    "refer": "提请移送 put forward for referral",
    "confirm_referral": "移送立案 referred",
    "notify": "发出通知 notices sent",
    "notice_reply": "通知回复 notice replies",
    "escalate": "上报 escalated",
    "listing_removed": "商品下架 listings removed",
}


# ---------------------------------------------------------------------------------------------- charts


@cache
def _matplotlib() -> Any:
    import logging

    import matplotlib

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    installed = {font.name for font in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FONTS):
        for folder in ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/opentype/noto"):
            if Path(folder).is_dir():
                for path in Path(folder).glob("*.tt[fc]"):
                    font_manager.fontManager.addfont(str(path))
        installed = {font.name for font in font_manager.fontManager.ttflist}
    chosen = [name for name in CJK_FONTS if name in installed]
    matplotlib.rcParams["font.sans-serif"] = [*chosen, "DejaVu Sans"]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return pyplot


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    _matplotlib().close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def bar_chart(title: str, counts: dict[str, int], *, color: str = "#3b6ea5", horizontal: bool = True) -> str:
    pyplot = _matplotlib()
    labels = list(counts)[:15] or ["(无 none)"]
    values = [counts[label] for label in labels] if counts else [0]
    figure, axis = pyplot.subplots(figsize=(7.5, max(2.2, 0.38 * len(labels) + 1.0)))
    if horizontal:
        axis.barh(labels[::-1], values[::-1], color=color)
        axis.set_xlabel("线索数 leads")
    else:
        axis.bar(labels, values, color=color)
    axis.set_title(title)
    axis.grid(axis="x" if horizontal else "y", alpha=0.3)
    return _png(figure)


def stacked_chart(title: str, table: dict[str, dict[str, int]], columns: list[str]) -> str:
    pyplot = _matplotlib()
    rows = list(table)[:12] or ["(无 none)"]
    figure, axis = pyplot.subplots(figsize=(7.5, max(2.4, 0.42 * len(rows) + 1.2)))
    left = [0] * len(rows)
    palette = ["#9aa5b1", "#3b6ea5", "#2e8b57", "#b0b0b0", "#c0392b", "#e67e22", "#8e44ad"]
    for index, column in enumerate(columns):
        values = [table.get(row, {}).get(column, 0) for row in rows]
        axis.barh(
            rows[::-1],
            values[::-1],
            left=left[::-1],
            color=palette[index % len(palette)],
            label=STATUS_TEXT.get(column, column),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.set_title(title)
    axis.legend(loc="lower right", fontsize=8)
    axis.grid(axis="x", alpha=0.3)
    return _png(figure)


def line_chart(title: str, series: dict[str, int]) -> str:
    pyplot = _matplotlib()
    figure, axis = pyplot.subplots(figsize=(7.5, 2.8))
    labels = list(series)
    axis.plot(labels, [series[label] for label in labels], marker="o", color="#c0392b")
    axis.set_title(title)
    axis.tick_params(axis="x", labelrotation=45, labelsize=8)
    axis.grid(alpha=0.3)
    return _png(figure)


# ------------------------------------------------------------------------------------------------ data


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0, 0), BUREAU_TZ)
    return start, start + timedelta(days=1)


def _key(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def crosstab(session: Session, column: Any, lead_filter: LeadFilter, today: date) -> dict[str, dict[str, int]]:
    """Counts by `column` and status, with an `overdue` column (deadline running, due before today)."""
    from leads.lead_query import apply_filter

    base = (
        select(column, Lead.status, func.count())
        .select_from(Lead)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
    )
    table: dict[str, dict[str, int]] = {}
    for key, status, count in session.exec(apply_filter(base, lead_filter).group_by(column, Lead.status)):
        table.setdefault(_key(key), {})[_key(status)] = int(count)
    overdue = (
        select(column, func.count())
        .select_from(Lead)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .where(col(Lead.status).in_(LeadStatus.OPEN), col(Lead.due_date) < today)
    )
    for key, count in session.exec(apply_filter(overdue, lead_filter).group_by(column)):
        table.setdefault(_key(key), {})["overdue"] = int(count)
    return dict(
        sorted(table.items(), key=lambda item: (-sum(v for k, v in item[1].items() if k != "overdue"), item[0]))
    )


def activity(session: Session, start: datetime, end: datetime, lead_ids: set[int] | None = None) -> dict[str, int]:
    rows = session.exec(
        select(AuditEvent.action, AuditEvent.lead_pk).where(
            col(AuditEvent.created_at) >= start, col(AuditEvent.created_at) < end
        )
    )
    counts = dict.fromkeys(ACTIVITY, 0)
    for action, lead_pk in rows:
        if action in counts and (lead_ids is None or lead_pk in lead_ids):
            counts[action] += 1
    return counts


def new_leads_per_day(session: Session, end_day: date, days: int = 14, campaign: str | None = None) -> dict[str, int]:
    start, _ = day_bounds(end_day - timedelta(days=days - 1))
    _, end = day_bounds(end_day)
    series = {(end_day - timedelta(days=offset)).strftime("%m-%d"): 0 for offset in range(days - 1, -1, -1)}
    statement = select(Lead.created_at).where(col(Lead.created_at) >= start, col(Lead.created_at) < end)
    if campaign:
        statement = statement.where(Lead.campaign == campaign)
    for created in session.exec(statement):
        label = local_date(created).strftime("%m-%d")
        if label in series:
            series[label] += 1
    return series


def mark_abandoned() -> None:
    """Mark the crawl runs and job runs whose process is gone (or left from an earlier day) as interrupted, as
    `tradewatch runs` and `schedule list` do, before a report reads them: none reads `running` that is not."""
    from leads.job_records import mark_interrupted_job_runs
    from leads.runs import mark_interrupted_runs

    run_write(lambda session: (mark_interrupted_runs(session), mark_interrupted_job_runs(session)))


def run_rows(
    session: Session, start: datetime | None, end: datetime | None, campaign: str | None = None
) -> list[CrawlRun]:
    statement = select(CrawlRun).order_by(col(CrawlRun.started_at), col(CrawlRun.id))
    if start is not None:
        statement = statement.where(col(CrawlRun.started_at) >= start)
    if end is not None:
        statement = statement.where(col(CrawlRun.started_at) < end)
    if campaign:
        statement = statement.where(CrawlRun.campaign == campaign)
    return list(session.exec(statement))


def run_health(runs: list[CrawlRun]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for run in runs:
        table.setdefault(run.platform, {})
        key = run.outcome or UNFINISHED
        table[run.platform][key] = table[run.platform].get(key, 0) + 1
    return table


@dataclass
class Report:
    kind: str
    title: str
    day: date
    generated_at: datetime
    numbers: dict[str, Any]
    tables: dict[str, Any] = field(default_factory=dict)
    charts: list[tuple[str, str]] = field(default_factory=list)


def _status_row(row: dict[str, int]) -> dict[str, int]:
    return {status.value: row.get(status.value, 0) for status in REPORT_STATUSES} | {"overdue": row.get("overdue", 0)}


def _common(
    session: Session, lead_filter: LeadFilter, day: date, calendar: WorkCalendar, working_days: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    stats = queue_stats(session, lead_filter, today=day, due_soon_days=due_soon_days(day, calendar, working_days))
    numbers = stats.as_dict()
    numbers["due_soon_working_days"] = working_days
    by = {
        "category": crosstab(session, col(Lead.category), lead_filter, day),
        "platform": crosstab(session, col(Listing.platform), lead_filter, day),
        "campaign": crosstab(session, col(Lead.campaign), lead_filter, day),
    }
    numbers["by_status_and"] = {
        name: {key: _status_row(row) for key, row in table.items()} for name, table in by.items()
    }
    return numbers, by


def _past_numbers(past: Any, working_days: int) -> tuple[dict[str, Any], dict[str, Any]]:
    numbers = past.stats.as_dict()
    numbers["due_soon_working_days"] = working_days
    by = {name: past.by[name] for name in ("category", "platform", "campaign")}
    numbers["by_status_and"] = {
        name: {key: _status_row(row) for key, row in table.items()} for name, table in by.items()
    }
    return numbers, by


def daily_report(
    day: date | None = None, *, calendar: WorkCalendar | None = None, working_days: int = DUE_SOON_WORKING_DAYS
) -> Report:
    """Everything the daily report shows for the bureau's day `day` (default: today). The queue is as it
    stood at the end of that day: a past day's is rebuilt from the audit trail (leads.as_of)."""
    calendar = calendar or load_calendar()
    today = local_date(utcnow())
    day = day or today
    start, end = day_bounds(day)
    past = None
    mark_abandoned()
    with Session(get_engine()) as session:
        if day < today:
            # a past day: the statuses and due dates of then, from the audit trail, not today's
            from leads.as_of import past_queue

            past = past_queue(session, day, end, calendar=calendar, working_days=working_days)
            numbers, by = _past_numbers(past, working_days)
        else:
            numbers, by = _common(session, LeadFilter(), day, calendar, working_days)
        numbers["as_of"] = end.isoformat()
        numbers["activity"] = activity(session, start, end)
        runs = run_rows(session, start, end)
        numbers["runs"] = {"total": len(runs), "by_platform": run_health(runs)}
        from leads.recheck import check_counts

        numbers["rechecks"] = check_counts(session, start=start, end=end)
        numbers["past"] = past is not None
        holds = session.exec(select(FeedHold.code, func.count()).group_by(FeedHold.code))
        numbers["waiting"] = {str(code): int(n) for code, n in holds}
        if past is not None and past.deadlines is not None:
            deadlines = past.deadlines
        else:
            deadlines = find_deadlines(session, today=day, calendar=calendar, working_days=working_days)
        jobs = list(
            session.exec(
                select(JobRun)
                .where(col(JobRun.started_at) >= start, col(JobRun.started_at) < end)
                .order_by(col(JobRun.started_at))
            )
        )
        trend = new_leads_per_day(session, day)
        waiting = _waiting_rows(session)
        # The audit chain's head, appended to the anchor file and printed: a printout proves the day's state.
        numbers["audit_anchor"] = anchor_head(session).line()
    report = Report(
        kind="daily",
        title=f"线索日报 {day.isoformat()} / Daily lead report",
        day=day,
        generated_at=utcnow(),
        numbers=numbers,
        tables={"by": by, "runs": runs, "deadlines": deadlines, "jobs": jobs, "waiting": waiting},
    )
    report.charts = _charts(numbers, by, runs, trend)
    return report


def _waiting_rows(session: Session, limit: int = 30) -> list[tuple[Lead, Listing, FeedHold]]:
    from leads.feed import waiting_leads

    return waiting_leads(session, limit=limit)


def campaign_report(
    name: str,
    *,
    day: date | None = None,
    calendar: WorkCalendar | None = None,
    working_days: int = DUE_SOON_WORKING_DAYS,
) -> Report:
    """A campaign's report: its leads by status, category and platform, its runs and their health."""
    from leads.campaigns import campaign_dict, get_campaign

    calendar = calendar or load_calendar()
    day = day or local_date(utcnow())
    lead_filter = LeadFilter(campaign=name)
    mark_abandoned()
    with Session(get_engine()) as session:
        campaign = get_campaign(session, name)
        numbers, by = _common(session, lead_filter, day, calendar, working_days)
        # found: the leads its sweeps created (counted above); seen again: older leads its sweeps met
        numbers["found"] = numbers["total"]
        numbers["seen_again"] = _seen_again_by_status(session, name)
        lead_ids = set(session.exec(select(Lead.id).where(Lead.campaign == name)))
        numbers["activity"] = activity(
            session, datetime(2000, 1, 1, tzinfo=BUREAU_TZ), day_bounds(day)[1], {i for i in lead_ids if i is not None}
        )
        runs = run_rows(session, None, None, campaign=name)
        numbers["runs"] = {"total": len(runs), "by_platform": run_health(runs)}
        numbers["campaign"] = campaign_dict(campaign, today=day)
        first = min((run.started_at for run in runs), default=None)
        trend_days = max(7, min(60, (day - local_date(first)).days + 1)) if first else 14
        trend = new_leads_per_day(session, day, trend_days, campaign=name)
    report = Report(
        kind="campaign",
        title=f"专项行动报告 {campaign.title or name} / Campaign report",
        day=day,
        generated_at=utcnow(),
        numbers=numbers,
        tables={"by": by, "runs": runs, "campaign": numbers["campaign"]},
    )
    report.charts = _charts(numbers, {k: v for k, v in by.items() if k != "campaign"}, runs, trend)
    return report


def _seen_again_by_status(session: Session, name: str) -> dict[str, Any]:
    rows = session.exec(
        select(Lead.status, func.count())
        .select_from(LeadCampaign)
        .join(Lead, col(Lead.id) == col(LeadCampaign.lead_pk))
        .where(LeadCampaign.campaign == name, col(LeadCampaign.found).is_(False))
        .group_by(Lead.status)
    )
    by_status = {_key(status): int(count) for status, count in rows}
    return {"total": sum(by_status.values()), "by_status": by_status}


def _charts(
    numbers: dict[str, Any], by: dict[str, Any], runs: list[CrawlRun], trend: dict[str, int]
) -> list[tuple[str, str]]:
    columns = [status.value for status in REPORT_STATUSES]
    charts = [
        (
            "线索状态 / Leads by status",
            bar_chart(
                "线索状态 / Leads by status", {STATUS_TEXT.get(k, k): v for k, v in numbers["by_status"].items()}
            ),
        ),
        (
            "类别 / By category",
            stacked_chart(
                "类别与状态 / Category and status", {k or "(无 none)": v for k, v in by["category"].items()}, columns
            ),
        ),
        (
            "平台 / By platform",
            stacked_chart(
                "平台与状态 / Platform and status", {k or "(无 none)": v for k, v in by["platform"].items()}, columns
            ),
        ),
        ("新增趋势 / New leads per day", line_chart("每日新增线索 / New leads per day", trend)),
    ]
    if runs:
        health = {
            f"{platform} · {outcome_text(outcome)}": count
            for platform, outcomes in run_health(runs).items()
            for outcome, count in outcomes.items()
        }
        charts.append(
            ("抓取运行 / Runs and health", bar_chart("抓取运行结果 / Runs by outcome", health, color="#2e8b57"))
        )
    return charts


# ---------------------------------------------------------------------------------------------- render


def render_html(report: Report) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    template = environment.get_template("report.html.j2")
    data = json.dumps(
        {"kind": report.kind, "day": report.day.isoformat(), **report.numbers},
        ensure_ascii=False,
        default=str,
        sort_keys=True,
    ).replace("</", "<\\/")
    return template.render(
        report=report,
        numbers=report.numbers,
        tables=report.tables,
        status_text=STATUS_TEXT,
        outcome_text=outcome_text,
        went_badly=went_badly,
        job_title=job_title,
        activity_text=ACTIVITY,
        report_statuses=[status.value for status in REPORT_STATUSES],
        data_json=data,
        generated_local=report.generated_at.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M"),
        tz=BUREAU_TZ,
    )


def write_report(report: Report, out: Path) -> Path:
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(report), encoding="utf-8")
    except OSError as error:
        raise TradewatchError(f"无法写入报告 / cannot write the report to {out}: {error.strerror}") from None
    return out


def write_daily_report(day: date | None = None, out: Path | None = None) -> Path:
    """The daily report for `day`; by default into TRADEWATCH_HOME/reports/daily-YYYY-MM-DD.html."""
    report = daily_report(day)
    if out is None:
        out = get_settings().resolved_home / "reports" / f"daily-{report.day.isoformat()}.html"
    return write_report(report, out)

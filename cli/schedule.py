"""`tradewatch schedule`: run the scheduler, see its jobs, run one job now, see the leads waiting for the queue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.output import console, print_json
from leads.db import get_engine

schedule_app = typer.Typer(
    name="schedule",
    help="The scheduler: nightly sweeps, campaigns, queue feeding, deadlines, re-checks, daily report.",
    no_args_is_help=True,
)

TimetableOption = Annotated[
    Path | None,
    typer.Option("--timetable", "-t", help="Timetable file (default: TRADEWATCH_HOME/schedule.yaml)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _local(moment: object) -> str:
    from scheduler import TIMEZONE

    return moment.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M") if moment else "—"  # type: ignore[attr-defined]


@schedule_app.command("run")
def run_command(timetable: TimetableOption = None) -> None:
    """Start the scheduler in the foreground (stop with Ctrl-C); its log goes to the screen and TRADEWATCH_HOME/logs/.

    Only one scheduler may drive a store; a second one refuses.

    Example:

        tradewatch schedule run --timetable var/schedule.yaml
    """
    from loguru import logger

    from leads.logging_setup import setup_logging
    from scheduler import load_timetable, run_forever

    loaded = load_timetable(timetable)
    log_path = setup_logging("scheduler", console=True)
    logger.info("log file {}", log_path)
    run_forever(loaded)


@schedule_app.command("check")
def check_command(timetable: TimetableOption = None) -> None:
    """Validate the timetable file and say what it schedules.

    Example:

        tradewatch schedule check --timetable var/schedule.yaml
    """
    from scheduler import load_timetable, timetable_specs

    loaded = load_timetable(timetable)
    out = console()
    out.print(f"排班表有效 / timetable is valid: {loaded.source}", markup=False)
    for spec in timetable_specs(loaded):
        out.print(f"  {spec.id}: {spec.description}", markup=False)


@schedule_app.command("list")
def list_command(timetable: TimetableOption = None, as_json: JsonOption = False) -> None:
    """Show the jobs (timetable and campaigns), their next run times and how they last ran.

    Example:

        tradewatch schedule list
    """
    from scheduler import load_timetable, planned_jobs

    jobs = planned_jobs(load_timetable(timetable))
    if as_json:
        print_json(
            [
                {
                    "id": job.id,
                    "title": job.title,
                    "when": job.when,
                    "next_run": job.next_run.isoformat() if job.next_run else None,
                    "last_run": job.last_run.slot.isoformat() if job.last_run else None,
                    "last_outcome": job.last_run.outcome if job.last_run else None,
                }
                for job in jobs
            ]
        )
        return
    table = Table(title="定时任务 / Scheduled jobs (Asia/Shanghai)")
    for heading in ("任务 Job", "说明 What", "时间 When", "下次运行 Next run", "上次运行 Last run", "结果 Outcome"):
        table.add_column(heading)
    for job in jobs:
        table.add_row(
            job.id,
            job.title,
            job.when,
            _local(job.next_run),
            _local(job.last_run.slot) if job.last_run else "—",
            job.last_run.outcome if job.last_run else "—",
        )
    console().print(table)


@schedule_app.command("run-job")
def run_job_command(
    job_id: Annotated[
        str, typer.Argument(help="nightly-sweep, feed, deadlines, rechecks, daily-report, campaign:NAME")
    ],
    timetable: TimetableOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run one job of the timetable now, outside its schedule (its scheduled runs are not affected).

    Example:

        tradewatch schedule run-job feed
    """
    from leads.errors import TradewatchError
    from scheduler import find_spec, load_timetable, now, run_job

    loaded = load_timetable(timetable)
    details = run_job(find_spec(job_id, loaded), loaded, now=now())
    if as_json:
        print_json(details)
    else:
        shown = {key: value for key, value in details.items() if not isinstance(value, list)}
        console().print(f"{job_id}: {shown}", markup=False)
    if details.get("failed"):
        raise TradewatchError(f"任务失败 / job {job_id} failed: {details.get('error')}")


@schedule_app.command("waiting")
def waiting_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many to show.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Leads the feed left `new`, with the reason (below threshold, team at capacity, no team).

    Example:

        tradewatch schedule waiting --limit 20
    """
    from leads.feed import waiting_leads

    with Session(get_engine()) as session:
        rows = waiting_leads(session, limit=limit)
    if as_json:
        print_json(
            [
                {
                    "lead": lead.id,
                    "score": lead.score,
                    "priority": lead.priority,
                    "category": lead.category,
                    "title": listing.title,
                    "code": hold.code,
                    "reason": hold.reason,
                    "team": hold.team,
                }
                for lead, listing, hold in rows
            ]
        )
        return
    table = Table(title="等待入队的线索 / Leads waiting for the queue")
    for heading in ("线索 Lead", "评分 Score", "优先级 Priority", "类别 Category", "标题 Title", "原因 Reason"):
        table.add_column(heading, overflow="fold")
    for lead, listing, hold in rows:
        table.add_row(
            str(lead.id), str(lead.score), f"{lead.priority:.1f}", lead.category or "", listing.title, hold.reason
        )
    console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")

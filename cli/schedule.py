"""`tradewatch schedule`: run the scheduler, see its jobs, run one job now, see the leads waiting for the queue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cli.i18n import N_, _, localise_message
from cli.labels import category_label
from cli.output import JsonOption, console, fail, print_json
from core.safe_text import safe_text
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


# How a job's run ended (leads.job_records): a job that crawled follows its crawl runs.
JOB_OUTCOMES: dict[str, str] = {
    "running": N_("running"),
    "ok": N_("ok"),
    "failed": N_("failed"),
    "partial": N_("partial"),
    "interrupted": N_("interrupted"),
    "skipped": N_("skipped"),
}
# What a job's result says, key by key (`schedule run-job`); a key missing here is shown as it is.
RESULT_LABELS: dict[str, str] = {
    "queued": N_("Leads queued"),
    "waiting": N_("Leads left waiting"),
    "waiting_by_reason": N_("Waiting, by reason"),
    "queued_by_team": N_("Queued, by team"),
    "today": N_("Day"),
    "due_soon": N_("Due soon"),
    "overdue": N_("Overdue"),
    "marked": N_("Newly marked in the audit trail"),
    "report": N_("Report written to"),
    "run_ids": N_("Crawl runs"),
    "outcomes": N_("Outcome by platform"),
    "log": N_("Log file"),
    "checked": N_("Listings re-checked"),
    "online": N_("Still online"),
    "changed": N_("Changed"),
    "removed": N_("Removed"),
    "removed_after_notice": N_("Removed after notice"),
    "error": N_("Error"),
    "pages": N_("Rules pages read"),
    "new_versions": N_("New versions"),
    "unchanged": N_("Unchanged"),
    "findings": N_("Findings"),
    "follow_ups": N_("Follow-ups"),
    "trained": N_("Trained"),
    "version": N_("Model version"),
    "in_use": N_("In use"),
    "refused": N_("Refused (worse than the model in use)"),
    "labels": N_("Labels"),
    "f1": N_("F1 (cross-validated)"),
    "note": N_("Note"),
}
# Why the feed left a lead `new` (leads.feed's hold codes).
WAITING_REASONS: dict[str, str] = {
    "below_threshold": N_("below the feed's score threshold"),
    "capacity": N_("the team's daily capacity is reached"),
    "no_team": N_("no team covers its category"),
}
_DAILY = re.compile(r"^每天 daily (?P<time>.+)$")


def job_title(job_id: str, title: str) -> str:
    """A job's name in the current language (`leads.timetable.JOB_NAMES`, whose English are message ids)."""
    from leads.timetable import CAMPAIGN_JOB_NAME, CAMPAIGN_JOB_PREFIX, JOB_NAMES

    if job_id in JOB_NAMES:
        return _(JOB_NAMES[job_id][1])
    if job_id.startswith(CAMPAIGN_JOB_PREFIX):
        return _(CAMPAIGN_JOB_NAME[1]).format(name=job_id.removeprefix(CAMPAIGN_JOB_PREFIX))
    return localise_message(title)


def job_when(when: str) -> str:
    """When a job runs (`每天 daily 07:30`, `cron ...`) in the current language."""
    match = _DAILY.match(when)
    if match:
        return _("daily at {time}").format(time=match.group("time"))
    return localise_message(when)


def job_outcome_label(outcome: str | None) -> str:
    """How a job's run ended, in the current language."""
    if not outcome:
        return "—"
    return _(JOB_OUTCOMES[outcome]) if outcome in JOB_OUTCOMES else outcome


def _local(moment: object) -> str:
    from leads.timetable import TIMEZONE

    return moment.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M") if moment else "—"  # type: ignore[attr-defined]


@schedule_app.command("run")
def run_command(timetable: TimetableOption = None) -> None:
    """Start the scheduler in the foreground (stop with Ctrl-C); its log goes to the screen and TRADEWATCH_HOME/logs/.

    Only one scheduler may drive a store; a second one refuses. Stopped (Ctrl-C, SIGTERM) while jobs run, it
    stops their crawls, which record their runs as interrupted, and exits 130 naming the jobs.

    Example:

        tradewatch schedule run --timetable var/schedule.yaml
    """
    from loguru import logger

    from core.logging_setup import setup_logging
    from scheduler import INTERRUPTED_EXIT, load_timetable, run_forever

    loaded = load_timetable(timetable)
    log_path = setup_logging("scheduler", console=True)
    logger.info("log file {}", log_path)
    interrupted = run_forever(loaded)
    if interrupted:  # stopped (SIGTERM, Ctrl-C) while they ran: their crawls recorded their runs as interrupted
        line = _("scheduler stopped; jobs interrupted: {jobs}; see tradewatch runs")
        fail(line.format(jobs=", ".join(interrupted)), INTERRUPTED_EXIT)


@schedule_app.command("check")
def check_command(timetable: TimetableOption = None) -> None:
    """Validate the timetable file and say what it schedules.

    Example:

        tradewatch schedule check --timetable var/schedule.yaml
    """
    from leads.timetable import timetable_specs
    from scheduler import load_timetable

    loaded = load_timetable(timetable)
    out = console()
    out.print(_("The timetable is valid: {path}").format(path=loaded.source), markup=False)
    for spec in timetable_specs(loaded):
        line = _("{job}: {title}, {when}").format(
            job=spec.id, title=job_title(spec.id, spec.title), when=job_when(spec.description)
        )
        out.print(f"  {line}", markup=False)


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
    table = Table(title=_("Scheduled jobs (the bureau's time)"))
    for heading in (_("Job"), _("What"), _("When"), _("Next run"), _("Last run"), _("Outcome")):
        table.add_column(heading)
    for job in jobs:
        table.add_row(
            job.id,
            job_title(job.id, job.title),
            job_when(job.when),
            _local(job.next_run),
            _local(job.last_run.slot) if job.last_run else "—",
            job_outcome_label(job.last_run.outcome if job.last_run else None),
        )
    console().print(table)


@schedule_app.command("run-job")
def run_job_command(
    job_id: Annotated[
        str, typer.Argument(help="nightly-sweep, feed, deadlines, rechecks, daily-report, rules-sweep, campaign:NAME")
    ],
    timetable: TimetableOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run one job of the timetable now, outside its schedule (its scheduled runs are not affected).

    Example:

        tradewatch schedule run-job feed
    """
    from cli.sweep import INTERRUPTED_EXIT
    from leads import job_records
    from runners.child import sigterm_interrupts
    from scheduler import find_spec, job_outcome, load_timetable, now, run_job

    loaded = load_timetable(timetable)
    spec = find_spec(job_id, loaded)
    try:
        with sigterm_interrupts():  # a `kill` stops its sweep's child too, instead of leaving it crawling
            details = run_job(spec, loaded, now=now())
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM on its sweep: its runs are recorded as interrupted, as with `sweep`
        interrupted = job_outcome_label(job_records.INTERRUPTED)
        fail(_("job {job}: {outcome}; see tradewatch runs").format(job=job_id, outcome=interrupted), INTERRUPTED_EXIT)
    if as_json:
        print_json(details)
    else:
        out = console()
        out.print(_("Job {job} ran:").format(job=job_id), markup=False)
        for line in result_lines(details):
            out.print(f"  {line}", markup=False)
    if details.get("failed"):
        fail(_("job {job} failed: {error}").format(job=job_id, error=localise_message(str(details.get("error")))))
    outcome = job_outcome(details)
    if outcome != job_records.OK:  # as its crawl runs ended: `tradewatch runs` says why
        fail(
            _("job {job}: {outcome}; see tradewatch runs").format(job=job_id, outcome=job_outcome_label(outcome)),
            code=INTERRUPTED_EXIT if outcome == job_records.INTERRUPTED else 3,
        )


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
    table = Table(title=_("Leads waiting for the queue"))
    for heading in (_("Lead"), _("Score"), _("Priority"), _("Category"), _("Title"), _("Reason")):
        table.add_column(heading, overflow="fold")
    for lead, listing, hold in rows:
        table.add_row(
            str(lead.id),
            str(lead.score),
            f"{lead.priority:.1f}",
            category_label(lead.category),
            safe_text(listing.title),
            safe_text(localise_message(hold.reason)),
        )
    console().print(table)


def _value_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if key == "run_ids" and isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict):
        from cli.runs import OUTCOME_TEXT

        names = WAITING_REASONS if key == "waiting_by_reason" else OUTCOME_TEXT if key == "outcomes" else {}
        parts = [
            _("{label}: {value}").format(
                label=_(names[name]) if name in names else safe_text(str(name)),
                value=_(names[str(count)]) if key == "outcomes" and str(count) in names else safe_text(str(count)),
            )
            for name, count in value.items()
        ]
        return ", ".join(parts) or "—"
    if isinstance(value, str):
        return safe_text(localise_message(value))
    return str(value)


def result_lines(details: dict[str, Any]) -> list[str]:
    """A job's result, one labelled line per figure, in the current language (lists of ids are left out)."""
    lines = []
    for key, value in details.items():
        if key in ("failed", "queued_ids") or (key.endswith("_ids") and key != "run_ids"):
            continue
        label = _(RESULT_LABELS[key]) if key in RESULT_LABELS else key
        lines.append(_("{label}: {value}").format(label=label, value=_value_text(key, value)))
    return lines


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")

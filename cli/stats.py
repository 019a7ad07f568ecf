"""`tradewatch stats`: the queue in numbers, for the weekly report upwards."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from cli.i18n import _
from cli.labels import category_label, status_label
from cli.lead_options import CampaignOption, CategoryOption, PlatformOption, build_filter
from cli.output import JsonOption, console, print_json
from core.safe_text import safe_json, safe_text
from core.workdays import DUE_SOON_WORKING_DAYS
from leads.db import get_engine
from leads.stats import QueueStats, queue_stats


def _counts(title: str, heading: str, counts: dict[str, int], label: object = None) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(heading, overflow="fold")
    table.add_column(_("Leads"), justify="right", no_wrap=True)
    for key, count in counts.items():
        name = label(key) if callable(label) else safe_text(key or _("(none)"))
        table.add_row(name, str(count))
    return table


def stats_renderables(stats: QueueStats, working_days: int) -> list[object]:
    out: list[object] = [
        _counts(
            _("Leads by status ({total} in all)").format(total=stats.total),
            _("Status"),
            stats.by_status,
            status_label,
        ),
        _counts(_("Leads by category"), _("Category"), stats.by_category, lambda c: category_label(c or None)),
        _counts(_("Leads by platform"), _("Platform"), stats.by_platform),
        _counts(_("Leads by campaign"), _("Campaign"), stats.by_campaign),
    ]
    deadlines = Table(title=_("Deadlines"), title_justify="left", show_header=False)
    deadlines.add_column("what")
    deadlines.add_column("count", justify="right")
    deadlines.add_row(_("Overdue"), str(stats.overdue), style="bold red" if stats.overdue else "")
    deadlines.add_row(_("Due within {days} working days").format(days=working_days), str(stats.due_soon))
    out.append(deadlines)
    notices = Table(title=_("Notices"), title_justify="left", show_header=False)
    notices.add_column("what")
    notices.add_column("count", justify="right")
    notices.add_row(_("Sent"), str(stats.notices.get("sent", 0)))
    notices.add_row(_("Answered"), str(stats.notices.get("answered", 0)))
    overdue = stats.notices.get("overdue", 0)
    notices.add_row(_("No reply by the reply-by date"), str(overdue), style="bold red" if overdue else "")
    notices.add_row(_("Listings removed after notice"), str(stats.notices.get("removed_after_notice", 0)))
    out.append(notices)
    if stats.beyond_calendar and stats.calendar_known_until is not None:
        warning = _(
            "Warning: {count} open leads are due after {day}, beyond the holiday calendar's known years; their "
            "due dates count weekends only (upgrade chinese-calendar or add the year to holidays.yaml)."
        ).format(count=stats.beyond_calendar, day=f"{stats.calendar_known_until:%Y-%m-%d}")
        out.append(Text(warning, style="bold magenta"))
    workload = Table(title=_("Workload per officer"), title_justify="left")
    for heading in (_("Officer"), _("Claimed"), _("Assigned"), _("Verified"), _("Overdue")):
        workload.add_column(heading, justify="left" if heading == _("Officer") else "right")
    for officer, load in sorted(stats.workload.items()):
        workload.add_row(
            safe_text(officer), str(load.claimed), str(load.assigned), str(load.verified), str(load.overdue)
        )
    if not stats.workload:
        workload.add_row(_("(none)"), "0", "0", "0", "0")
    out.append(workload)
    return out


def stats_command(
    category: CategoryOption = None,
    platform: PlatformOption = None,
    campaign: CampaignOption = None,
    due_soon_days: Annotated[
        int, typer.Option("--due-soon-days", min=0, max=60, help="Working days ahead that count as due soon.")
    ] = DUE_SOON_WORKING_DAYS,
    as_json: JsonOption = False,
) -> None:
    """Leads by status, category, platform and campaign; overdue and due-soon counts; workload per officer.

    Example:

        tradewatch stats --campaign 2024清风行动
    """
    lead_filter = build_filter(category=category, platform=platform, campaign=campaign)
    from core.workdays import load_calendar, local_date
    from leads.deadlines import due_soon_days as calendar_days_for
    from leads.models import utcnow

    today = local_date(utcnow())  # the bureau's date, not UTC's
    calendar = load_calendar()
    window = calendar_days_for(today, calendar, due_soon_days)
    with Session(get_engine()) as session:
        stats = queue_stats(
            session, lead_filter, today=today, due_soon_days=window, known_until=calendar.last_known_day
        )
    model = model_summary()
    if as_json:
        print_json(safe_json({**stats.as_dict(), "due_soon_working_days": due_soon_days, "model": model}))
        return
    console().print(Group(*stats_renderables(stats, due_soon_days), model_line(model)))


def model_summary() -> dict[str, Any] | None:
    """The model in use (the bureau's, else the seed shipped with tradewatch): version, labels it learnt from,
    when it was trained and how long ago."""
    from pipelines.model import registry

    data = registry.in_use_data()
    if data is None:
        return None
    return {
        "version": data["version"],
        "seed": registry.is_seed(data),
        "labels": data["labels"]["total"],
        "positive": data["labels"]["positive"],
        "negative": data["labels"]["negative"],
        "created_at": data["created_at"],
        "age_days": round(registry.age_days(data), 1),
    }


def model_line(model: dict[str, Any] | None) -> Text:
    if model is None:
        return Text(_("Model: none trained, the rules alone score listings"))
    if model.get("seed"):
        return Text(
            _(
                "Model: the seed shipped with tradewatch ({labels} labelled listings of the dev part, {positive} "
                "leads), until the bureau trains its own"
            ).format(labels=model["labels"], positive=model["positive"])
        )
    return Text(
        _(
            "Model: version {version}, {labels} labels ({positive} confirmed, {negative} dismissed), {days} days old"
        ).format(
            version=model["version"],
            labels=model["labels"],
            positive=model["positive"],
            negative=model["negative"],
            days=model["age_days"],
        )
    )


def register(app: typer.Typer) -> None:
    app.command("stats")(stats_command)

"""`tradewatch campaign`: special campaigns (专项行动) with their own keywords, platforms, dates and schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.output import console, print_json
from leads.campaigns import (
    STATE_TEXT,
    CampaignError,
    CampaignInput,
    campaign_counts,
    campaign_dict,
    close_campaign,
    create_campaign,
    get_campaign,
    list_campaigns,
    validate_campaign,
)
from leads.db import get_engine, run_write
from leads.errors import TradewatchError

campaign_app = typer.Typer(
    name="campaign",
    help="Special campaigns (专项行动): keywords, platforms, dates, schedule; their leads carry the campaign.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
NameArgument = Annotated[str, typer.Argument(help="The campaign's name, e.g. 2025清风行动.", metavar="NAME")]


def _date(option: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CampaignError(option, f"日期格式应为 YYYY-MM-DD / {value!r} is not a date (YYYY-MM-DD)") from None


def _check_platforms(names: list[str]) -> list[str]:
    from scheduler import check_platforms

    return check_platforms(names)


@campaign_app.command("create")
def create_command(
    name: NameArgument,
    keywords: Annotated[
        list[str], typer.Option("--keywords", "-k", help="Search keywords, comma-separated or repeated.")
    ],
    platforms: Annotated[list[str], typer.Option("--platforms", "-p", help="Platforms, comma-separated or repeated.")],
    date_from: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD, Asia/Shanghai).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, included (YYYY-MM-DD).")] = None,
    cron: Annotated[
        str | None,
        typer.Option(help="When the scheduler sweeps: minute hour day month weekday, e.g. '0 21 * * *'."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="A readable title for reports.")] = None,
    description: Annotated[str, typer.Option(help="What the campaign is about.")] = "",
    max_pages: Annotated[int | None, typer.Option(min=1, max=1000, help="Result pages per keyword.")] = None,
    officer: Annotated[str | None, typer.Option(envvar="TRADEWATCH_OFFICER", help="Who creates it.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a campaign. With --cron the running scheduler sweeps it on that schedule between its dates.

    Example:

        tradewatch campaign create 2025清风行动 --keywords 象牙,穿山甲,犀牛角 --platforms demo,jd \\
            --from 2025-03-01 --to 2025-05-31 --cron "0 21 * * *" --title "2025年清风行动"
    """
    data = validate_campaign(
        CampaignInput(
            name=name,
            keywords=keywords,
            platforms=platforms,
            starts_on=_date("--from", date_from),
            ends_on=_date("--to", date_to),
            cron=cron,
            title=title,
            description=description,
            max_pages=max_pages,
        ),
        check_platforms=_check_platforms,
    )
    campaign = run_write(lambda session: create_campaign(session, data, created_by=officer))
    if as_json:
        print_json(campaign_dict(campaign))
        return
    when = (
        f"，定时 cron {campaign.cron}"
        if campaign.cron
        else "（无定时，用 campaign run 执行 / no schedule: use campaign run）"
    )
    console().print(f"已创建专项行动 / campaign created: {campaign.name}{when}", markup=False)


@campaign_app.command("list")
def list_command(
    open_only: Annotated[bool, typer.Option("--open", help="Only campaigns not closed.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List campaigns, newest first, with their lead counts.

    Example:

        tradewatch campaign list --open
    """
    with Session(get_engine()) as session:
        rows = [
            (campaign_dict(campaign), campaign_counts(session, campaign.name))
            for campaign in list_campaigns(session, include_closed=not open_only)
        ]
    if as_json:
        print_json([{**data, **counts} for data, counts in rows])
        return
    table = Table(title="专项行动 / Campaigns")
    for heading in (
        "名称 Name",
        "状态 State",
        "起止 Dates",
        "平台 Platforms",
        "定时 Schedule",
        "线索 Leads",
        "运行 Runs",
    ):
        table.add_column(heading, justify="right" if heading[0] in "线运" else "left")
    for data, counts in rows:
        table.add_row(
            data["name"],
            STATE_TEXT.get(data["state"], data["state"]),
            f"{data['from'] or '…'} – {data['to'] or '…'}",
            ", ".join(data["platforms"]),
            data["cron"] or "—",
            str(counts["leads"]),
            str(counts["runs"]),
        )
    console().print(table)


@campaign_app.command("show")
def show_command(name: NameArgument, as_json: JsonOption = False) -> None:
    """Show a campaign: keywords, platforms, dates, schedule, leads by status and runs.

    Example:

        tradewatch campaign show 2025清风行动
    """
    with Session(get_engine()) as session:
        campaign = get_campaign(session, name)
        data, counts = campaign_dict(campaign), campaign_counts(session, name)
    if as_json:
        print_json({**data, **counts})
        return
    table = Table(title=f"专项行动 / Campaign {data['name']}", show_header=False)
    table.add_column("field")
    table.add_column("value")
    rows = [
        ("标题 Title", data["title"] or ""),
        ("说明 Description", data["description"] or ""),
        ("关键词 Keywords", "，".join(data["keywords"])),
        ("平台 Platforms", ", ".join(data["platforms"])),
        ("起止 Dates", f"{data['from'] or '…'} – {data['to'] or '…'}"),
        ("定时 Schedule", data["cron"] or "—"),
        ("状态 State", STATE_TEXT.get(data["state"], data["state"])),
        ("线索 Leads", str(counts["leads"])),
        ("按状态 By status", ", ".join(f"{k}: {v}" for k, v in counts["by_status"].items()) or "—"),
        ("运行 Runs", str(counts["runs"])),
    ]
    for key, value in rows:
        table.add_row(key, value)
    console().print(table)


@campaign_app.command("run")
def run_command(
    name: NameArgument,
    base_url: Annotated[str | None, typer.Option(help="Point the platforms at another host (the demo market).")] = None,
    max_pages: Annotated[int | None, typer.Option(min=1, max=1000, help="Result pages per keyword.")] = None,
) -> None:
    """Sweep the campaign's platforms for its keywords now; its leads carry the campaign.

    Example:

        tradewatch campaign run 2025清风行动
    """
    from scheduler import sweep_job

    with Session(get_engine()) as session:
        campaign = get_campaign(session, name)
    if campaign.status == "closed":
        raise TradewatchError(f"专项行动已结束 / campaign {name!r} is closed")
    if not campaign.keywords or not campaign.platforms:
        raise TradewatchError(
            f"专项行动 {name} 没有关键词或平台 / campaign {name!r} has no keywords or platforms (create it first)"
        )
    result = sweep_job(
        platforms=list(campaign.platforms),
        keywords=list(campaign.keywords),
        campaign=campaign.name,
        max_pages=max_pages or campaign.max_pages,
        base_url=base_url,
        timeout=None,
    )
    out = console()
    if result.get("failed"):
        raise TradewatchError(f"专项行动抓取失败 / campaign sweep failed: {result.get('error')}")
    outcomes = ", ".join(f"{platform}: {outcome}" for platform, outcome in result.get("outcomes", {}).items())
    out.print(f"已完成 / done: runs {result['run_ids']} ({outcomes})", markup=False)
    out.print(f"日志 / Log: {result.get('log')}", markup=False)


@campaign_app.command("close")
def close_command(name: NameArgument) -> None:
    """Close a campaign: the scheduler stops sweeping it; its leads and report stay.

    Example:

        tradewatch campaign close 2025清风行动
    """
    campaign = run_write(lambda session: close_campaign(session, name))
    console().print(f"已结束专项行动 / campaign closed: {campaign.name}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app, name="campaign")

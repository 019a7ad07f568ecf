"""`tradewatch leads`: the verification queue from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from cli.output import console, fail, print_json
from cli.safe_text import safe_text
from leads.db import get_engine
from leads.models import LeadStatus
from leads.queue import get_lead, list_leads

leads_app = typer.Typer(help="The lead queue: list, show and work leads. 线索队列。", no_args_is_help=True)


def _price(value: float | None, currency: str | None) -> str:
    if value is None:
        return "-"
    return f"{'¥' if currency in (None, 'CNY') else (currency or '') + ' '}{value:,.2f}"


@leads_app.command("list")
def list_command(
    status: Annotated[LeadStatus | None, typer.Option(help="Only leads in this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many leads to show.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many leads (paging).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List leads, best first.

    Example:

        tradewatch leads list --status new --limit 20
    """
    with Session(get_engine()) as session:
        rows = list_leads(session, status=status, limit=limit, offset=offset)
    if as_json:
        print_json([{"lead": lead.model_dump(), "listing": listing.model_dump()} for lead, listing in rows])
        return
    table = Table(title=f"线索队列 / Lead queue ({len(rows)})")
    for heading in (
        "ID",
        "分数 Score",
        "类别 Category",
        "平台 Platform",
        "标题 Title",
        "价格 Price",
        "卖家 Seller",
        "首次发现 First seen",
    ):
        table.add_column(heading, overflow="fold")
    for lead, listing in rows:
        table.add_row(
            str(lead.id),
            str(lead.score),
            lead.category or "-",
            safe_text(listing.platform),
            safe_text(listing.title),
            _price(listing.price, listing.currency),
            safe_text(listing.seller or "-"),
            f"{listing.first_seen:%Y-%m-%d %H:%M}",
        )
    console().print(table)


@leads_app.command("show")
def show_command(
    lead_id: Annotated[int, typer.Argument(help="The lead's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show one lead with its listing and why it was flagged.

    Example:

        tradewatch leads show 12
    """
    with Session(get_engine()) as session:
        found = get_lead(session, lead_id)
    if found is None:
        fail(f"没有编号为 {lead_id} 的线索 / no lead with id {lead_id}", code=4)
    lead, listing = found
    if as_json:
        print_json({"lead": lead.model_dump(), "listing": listing.model_dump()})
        return
    table = Table(show_header=False, title=f"线索 / Lead {lead.id}")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    rows = [
        ("状态 Status", lead.status.value),
        ("分数 Score", str(lead.score)),
        ("类别 Category", ", ".join(lead.categories) or "-"),
        ("平台 Platform", safe_text(listing.platform)),
        ("商品编号 Listing id", safe_text(listing.listing_id)),
        ("标题 Title", safe_text(listing.title)),
        ("价格 Price", _price(listing.price, listing.currency)),
        ("卖家 Seller", safe_text(f"{listing.seller or '-'} ({listing.seller_id or '-'})")),
        ("所在地 Location", safe_text(listing.location or "-")),
        ("发布时间 Posted", f"{listing.posted_at:%Y-%m-%d %H:%M} UTC" if listing.posted_at else "-"),
        ("链接 URL", safe_text(listing.url)),
        ("首次发现 First seen", f"{listing.first_seen:%Y-%m-%d %H:%M} UTC"),
        ("最近发现 Last seen", f"{listing.last_seen:%Y-%m-%d %H:%M} UTC ({listing.times_seen}×)"),
        ("描述 Description", safe_text(listing.description, multiline=True)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    out = console()
    out.print(table)
    if lead.explanation:
        reasons = Table(title="评分依据 / Why it scored")
        reasons.add_column("规则 Rule")
        reasons.add_column("详情 Detail", overflow="fold")
        for rule in lead.explanation:
            detail = {key: value for key, value in rule.items() if key != "rule"}
            reasons.add_row(safe_text(rule.get("rule", "?")), safe_text(detail))
        out.print(reasons)


def register(app: typer.Typer) -> None:
    app.add_typer(leads_app, name="leads")

"""`tradewatch leads export`: the filtered queue as a CSV or XLSX file with Chinese column headers.

`cli.leads_cmd` adds the command to the `leads` group.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.i18n import _
from cli.labels import CATEGORY_NAMES, FAMILY_NAMES, STATUS_NAMES, zh
from cli.lead_options import filter_options
from cli.output import console, err_console, fail
from core.workdays import local_date
from leads.db import get_engine
from leads.export import FORMATS, write_table
from leads.lead_marks import LeadMarks, with_marks
from leads.lead_view import LeadFilter, hit_terms
from leads.types import utcnow

if TYPE_CHECKING:
    from leads.models import Lead, Listing

# (header, value) — headers are Chinese: the file goes to the bureau's spreadsheets and reports.
COLUMNS: list[tuple[str, Any]] = [
    ("线索编号", lambda lead, listing: lead.id),
    ("状态", lambda lead, listing: zh(STATUS_NAMES.get(lead.status.value, lead.status.value))),
    ("分数", lambda lead, listing: lead.score),
    ("优先级", lambda lead, listing: round(lead.priority, 2)),
    ("类别", lambda lead, listing: _category_zh(lead.category)),
    ("类别代码", lambda lead, listing: lead.category),
    ("平台", lambda lead, listing: listing.platform),
    ("商品编号", lambda lead, listing: listing.listing_id),
    ("标题", lambda lead, listing: listing.title),
    ("价格", lambda lead, listing: listing.price),
    ("币种", lambda lead, listing: listing.currency or "CNY"),
    ("卖家", lambda lead, listing: listing.seller),
    ("卖家编号", lambda lead, listing: listing.seller_id),
    ("所在地", lambda lead, listing: listing.location),
    ("链接", lambda lead, listing: listing.url),
    ("命中词", lambda lead, listing: "、".join(hit_terms(lead))),
    ("专项行动", lambda lead, listing: lead.campaign),
    ("认领人", lambda lead, listing: lead.claimed_by),
    ("承办人", lambda lead, listing: "、".join(lead.assignees or [])),
    ("截止日期", lambda lead, listing: lead.due_date),
    ("已延期", lambda lead, listing: lead.extended),
    ("首次发现(UTC)", lambda lead, listing: listing.first_seen),
    ("最近发现(UTC)", lambda lead, listing: listing.last_seen),
    ("发现次数", lambda lead, listing: listing.times_seen),
    ("线索创建(UTC)", lambda lead, listing: lead.created_at),
]
NOTICE_STATES = {"sent": "已发出待回复", "answered": "已回复", "overdue": "逾期未回复"}
# Columns read beside each batch of leads (leads.lead_marks), and the score's explanation.
MARK_COLUMNS: list[tuple[str, Any]] = [
    ("评分说明", lambda lead, marks: score_explanation(lead)),
    ("证据清单SHA-256", lambda lead, marks: marks.manifest_sha256),
    ("通知状态", lambda lead, marks: NOTICE_STATES.get(marks.notice_state or "", "")),
    ("商品已下架", lambda lead, marks: marks.removed),
]
HEADER = [name for name, _value in COLUMNS] + [name for name, _value in MARK_COLUMNS]


def score_explanation(lead: Lead) -> str:
    """Every rule that made the score, with its points: `规则 词 +分; …`."""
    parts = []
    for rule in lead.explanation or []:
        what = rule.get("term") or rule.get("matched") or rule.get("detail") or ""
        points = rule.get("points")
        sign = f" {points:+g}" if isinstance(points, int | float) else ""
        parts.append(f"{rule.get('rule', '?')} {what}{sign}".replace("  ", " ").strip())
    return "; ".join(parts)


def _category_zh(category: str | None) -> str:
    if not category:
        return ""
    name = CATEGORY_NAMES.get(category) or FAMILY_NAMES.get(category)
    return zh(name) if name else category


def export_row(lead: Lead, listing: Listing, marks: LeadMarks) -> list[Any]:
    return [value(lead, listing) for _name, value in COLUMNS] + [value(lead, marks) for _name, value in MARK_COLUMNS]


@filter_options
def export_command(
    lead_filter: LeadFilter,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="The file to write.", metavar="FILE")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv or xlsx (default: from the file name).")
    ] = None,
) -> None:
    """Export the leads that match the filters to a spreadsheet (Chinese column headers).

    CSV is written in UTF-8 with a byte-order mark, so Excel and WPS open it correctly; cells that would
    start a formula are neutralised.

    Example:

        tradewatch leads export --format xlsx --out 线索.xlsx --status verified --campaign 2024清风行动
    """
    if out is None:
        fail(_("Say where to write: --out FILE"))
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        fail(_("Unknown export format {format}: use csv or xlsx").format(format=chosen or "?"))
    if out.parent and not out.parent.exists():
        fail(_("The folder {folder} does not exist").format(folder=out.parent))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from sqlmodel import Session

    from leads.lead_query import count_matching, iter_leads

    with Session(get_engine()) as session:
        total = count_matching(session, lead_filter)
        today = local_date(utcnow())
        rows: Iterator[list[Any]] = (
            export_row(lead, listing, marks)
            for lead, listing, marks in with_marks(session, iter_leads(session, lead_filter), today)
        )
        progress = Progress(
            TextColumn(_("Exporting")),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console(),
            transient=True,
            disable=total < 2000,
        )
        with progress:
            task = progress.add_task("export", total=total)
            try:
                written = write_table(out, chosen, HEADER, rows, lambda n: progress.advance(task, n))
            except OSError as error:
                fail(_("Cannot write {path}: {error}").format(path=out, error=error.strerror or error))
    console().print(
        _("Exported {count} leads to {path}").format(count=written, path=out), markup=False, highlight=False
    )

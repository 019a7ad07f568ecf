"""`tradewatch runs`: the recorded sweeps, their numbers and their health."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import Session

from cli.output import console, fail, print_json

runs_app = typer.Typer(help="Recorded sweeps (crawl runs) and their outcome.", no_args_is_help=True)

OUTCOME_TEXT = {
    "ok": "正常 / ok",
    "degraded": "降级 / degraded",
    "broken": "失效 / broken",
    "blocked": "被拦截 / blocked",
    "unreachable": "无法连接 / unreachable",
}


def _row(run: Any) -> dict[str, Any]:
    return {
        "id": run.id,
        "platform": run.platform,
        "keywords": run.keywords,
        "campaign": run.campaign,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "finish_reason": run.finish_reason,
        "outcome": run.outcome,
        "pages": run.pages,
        "listings": run.listings,
        "hits": run.hits,
        "leads_new": run.leads_new,
        "leads_updated": run.leads_updated,
        "errors": run.errors,
    }


@runs_app.command("list")
def list_runs_cmd(
    limit: Annotated[int, typer.Option(help="How many of the latest runs.", min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The latest sweeps, newest first.

    Example:

        tradewatch runs list --limit 10
    """
    from leads.db import get_engine
    from leads.runs import list_runs

    with Session(get_engine()) as session:
        rows = [_row(run) for run in list_runs(session, limit=limit)]
    if as_json:
        print_json(rows)
        return
    table = Table(title="抓取运行 / Crawl runs")
    for heading in ("运行 Run", "平台 Platform", "开始 Started (UTC)", "结果 Outcome", "页面 Pages", "商品 Listings",
                    "新线索 New leads", "错误 Errors"):  # fmt: skip
        table.add_column(heading)
    for row in rows:
        started = row["started_at"].strftime("%Y-%m-%d %H:%M") if row["started_at"] else ""
        table.add_row(
            str(row["id"]),
            row["platform"],
            started,
            OUTCOME_TEXT.get(row["outcome"] or "", row["outcome"] or "进行中 / running"),
            str(row["pages"]),
            str(row["listings"]),
            str(row["leads_new"]),
            str(row["errors"]),
        )
    console().print(table)


@runs_app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(help="Run id (see `tradewatch runs list`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """One sweep in detail: counts, field coverage, retries, blocks, finish reason, outcome and why.

    Example:

        tradewatch runs show 12
    """
    from crawler.run_health import summary
    from leads.db import get_engine
    from leads.runs import get_run

    with Session(get_engine()) as session:
        run = get_run(session, run_id)
        if run is None:
            fail(f"没有这个运行 / no run {run_id}")
        row = _row(run)
        stats = dict(run.stats or {})
    details = summary(stats)
    reasons = list(stats.get("tradewatch/health/reasons") or [])
    coverage = {key.rsplit("/", 1)[1]: value for key, value in stats.items() if key.startswith("tradewatch/coverage/")}
    if as_json:
        print_json({**row, "reasons": reasons, "coverage": coverage, "details": details})
        return
    out = console()
    outcome = OUTCOME_TEXT.get(row["outcome"] or "", row["outcome"] or "进行中 / running")
    out.print(f"运行 / Run {row['id']}: {row['platform']}  结果 / Outcome: {outcome}", markup=False)
    out.print(f"关键词 / Keywords: {', '.join(row['keywords'] or [])}", markup=False)
    if row["campaign"]:
        out.print(f"专项行动 / Campaign: {row['campaign']}", markup=False)
    out.print(f"开始 / Started: {row['started_at']}  结束 / Finished: {row['finished_at']}", markup=False)
    out.print(f"结束原因 / Finish reason: {row['finish_reason']}", markup=False)
    for reason in reasons:
        out.print(f"原因 / Reason: {reason}", markup=False)
    table = Table(title="统计 / Numbers")
    table.add_column("项目 Item")
    table.add_column("数量 Count", justify="right")
    for key in ("pages", "listings", "hits", "leads_new", "leads_updated", "errors"):
        table.add_row(key, str(row[key]))
    for key, value in details.items():
        if key != "fields":
            table.add_row(key, str(value))
    out.print(table)
    if details["fields"]:
        fields = Table(title="字段覆盖率 / Field coverage")
        for heading in ("字段 Field", "有值 Present", "缺失 Missing", "覆盖率 Coverage"):
            fields.add_column(heading)
        for name, numbers in details["fields"].items():
            share = coverage.get(name)
            fields.add_row(
                name, str(numbers["present"]), str(numbers["missing"]), f"{share:.0%}" if share is not None else "-"
            )
        out.print(fields)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")

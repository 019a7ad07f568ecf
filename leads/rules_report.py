"""`tradewatch report rules`: per platform, the rules pages' versions and changes, the unfair-clause findings
and their status, and what became of the notices, as one self-contained HTML page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.errors import TradewatchError
from core.workdays import BUREAU_TZ
from leads.models import Notice, utcnow
from leads.reports import STATUS_TEXT, TEMPLATES
from leads.rule_findings import NOTICE_KINDS, OUTCOMES_ZH
from leads.rules_models import RectificationNotice, RuleFinding, RulesVersion

GROUP_TEXT = {
    "exempt_liability": "免除或者减轻经营者责任 Exempting liability",
    "add_obligation": "加重消费者责任 Adding obligations",
    "exclude_rights": "排除或者限制消费者权利 Excluding rights",
}
OUTCOME_TEXT = {key: f"{zh} {key.replace('_', ' ')}" for key, zh in OUTCOMES_ZH.items()}


@dataclass
class RulesReport:
    generated_at: datetime
    platforms: list[dict[str, Any]]
    totals: dict[str, int]


def _pages(versions: list[RulesVersion]) -> list[dict[str, Any]]:
    pages: dict[str, list[RulesVersion]] = {}
    for version in versions:
        pages.setdefault(version.page, []).append(version)
    rows = []
    for page, history in sorted(pages.items()):
        latest = max(history, key=lambda v: v.version)
        rows.append(
            {
                "page": page,
                "versions": len(history),
                "latest": latest.version,
                "latest_at": latest.captured_at.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M"),
                "added": sum(v.added for v in history),
                "removed": sum(v.removed for v in history),
                "changed": sum(v.changed for v in history),
                "clauses": len(latest.clauses),
            }
        )
    return rows


def rules_report(session: Session, *, now: datetime | None = None) -> RulesReport:
    versions = list(session.exec(select(RulesVersion).order_by(col(RulesVersion.platform), col(RulesVersion.version))))
    version_numbers = {v.id: v.version for v in versions}
    findings = list(session.exec(select(RuleFinding).order_by(col(RuleFinding.id))))
    notices: dict[int, tuple[RectificationNotice, Notice]] = {}
    statement = select(RectificationNotice, Notice).join(Notice, col(RectificationNotice.notice_pk) == col(Notice.id))
    for pair in session.exec(statement.order_by(col(RectificationNotice.id))):
        notices[pair[0].finding_pk] = (pair[0], pair[1])  # the latest notice of each finding
    names = sorted({v.platform for v in versions} | {f.platform for f in findings})
    platforms = []
    for name in names:
        own = [f for f in findings if f.platform == name]
        rows = []
        for finding in own:
            follow_up: RectificationNotice | None = None
            notice: Notice | None = None
            if finding.id in notices:
                follow_up, notice = notices[finding.id]
            rows.append(
                {
                    "id": finding.id,
                    "page": finding.page,
                    "version": version_numbers.get(finding.version_pk),
                    "status": finding.status,
                    "score": finding.score,
                    "group": finding.group,
                    "clause": finding.clause_text,
                    "basis": finding.basis,
                    "notice": f"{NOTICE_KINDS[follow_up.kind]} {notice.reference or ''}".strip()
                    if follow_up and notice
                    else None,
                    "outcome": follow_up.outcome if follow_up else None,
                }
            )
        platforms.append(
            {
                "name": name,
                "pages": _pages([v for v in versions if v.platform == name]),
                "by_status": dict(sorted(Counter(f.status for f in own).items())),
                "findings": rows,
            }
        )
    totals = {
        "versions": len(versions),
        "changes": sum(v.added + v.removed + v.changed for v in versions),
        "findings": len(findings),
        "notices": len(notices),
        "removed_after_notice": sum(1 for follow_up, _ in notices.values() if follow_up.outcome == "clause_removed"),
    }
    return RulesReport(generated_at=now or utcnow(), platforms=platforms, totals=totals)


def render_rules_report(report: RulesReport) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return environment.get_template("rules_report.html.j2").render(
        platforms=report.platforms,
        totals=report.totals,
        status_text=STATUS_TEXT,
        group_text=GROUP_TEXT,
        outcome_text=OUTCOME_TEXT,
        generated_local=report.generated_at.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M"),
    )


def write_rules_report(session: Session, out: Path) -> Path:
    out = Path(out)
    html = render_rules_report(rules_report(session))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as error:
        raise TradewatchError(f"无法写入报告 / cannot write the report to {out}: {error.strerror}") from None
    return out

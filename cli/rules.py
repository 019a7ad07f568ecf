"""`tradewatch rules`: the platform rules watch from the command line.

Thin over the library: `runners.rules` sweeps, `leads.rules` keeps versions and diffs them,
`leads.rule_findings` works findings through the queue's state machine, `pipelines.rules` scores clauses.
Every clause is scraped text and is printed through `core.safe_text`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table
from rich.text import Text

from cli.i18n import N_, _
from cli.identity import require_officer
from cli.labels import action_label, status_label
from cli.output import console, err_console, fail, model_json, print_json
from core.safe_text import safe_json, safe_str, safe_text

rules_app = typer.Typer(
    name="rules", help="Platform rules watch: versions, diffs and unfair-clause findings.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
OfficerOption = Annotated[
    str | None,
    typer.Option("--officer", help="The acting officer (default: TRADEWATCH_OFFICER or the config file)."),
]
FindingArgument = Annotated[int, typer.Argument(help="The finding's id.", metavar="ID")]
ReasonOption = Annotated[str | None, typer.Option("--reason", "-r", help="Why (recorded in the audit trail).")]
PROBLEMS = {
    "unreachable": N_("could not be reached"),
    "blocked": N_("answered with a block page"),
    "empty": N_("main-text selector matched nothing"),
    "not_text": N_("answered with a file, not a page of text"),
    "failed": N_("failed while being read (see the log)"),
}
# Values stored by the library, shown in the officer's language.
WORDS = {
    "added": N_("added"),
    "removed": N_("removed"),
    "changed": N_("changed"),
    "first_seen": N_("first seen"),
    "rectification": N_("rectification notice"),
    "interview": N_("interview"),
    "pending": N_("pending"),
    "clause_removed": N_("clause removed"),
    "clause_reworded": N_("clause reworded, still unfair"),
    "clause_kept": N_("clause kept"),
}


def word(value: str) -> str:
    """A stored value (change kind, notice kind or outcome) in the officer's language."""
    return _(WORDS[value]) if value in WORDS else safe_str(value)


def _session() -> Any:
    from sqlmodel import Session

    from leads.db import get_engine

    return Session(get_engine(), expire_on_commit=False)


def _problem_text(problem: str) -> str:
    if problem.startswith("http_"):
        return _("answered HTTP {status}").format(status=problem.removeprefix("http_"))
    return _(PROBLEMS[problem]) if problem in PROBLEMS else safe_str(problem)


@rules_app.command("sweep")
def sweep_command(
    platform: Annotated[
        list[str] | None,
        typer.Option("--platform", "-p", help="A platform (repeatable; default: all with rules pages)."),
    ] = None,
    page: Annotated[list[str] | None, typer.Option("--page", help="Only this page, by name (repeatable).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Point the profiles at another host.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Fetch the platforms' rules pages and keep a new version of each page whose text changed.

    Every clause of a new version is scored; new and changed unfair clauses become findings, and notices about
    earlier findings are followed up. A page that fails to load or whose selector matches nothing is reported
    and never stored; the command then exits 3.

    Example:

        tradewatch rules sweep --platform demo
    """
    from runners.rules import RulesSweepRequest, run_rules_sweep

    request = RulesSweepRequest(platforms=platform or [], pages=page or [], base_url=base_url)
    outcomes = run_rules_sweep(request)
    failed = [outcome for outcome in outcomes if outcome.get("problem")]
    if as_json:
        print_json(safe_json(outcomes))
    else:
        out = console()
        for outcome in outcomes:
            where = f"{safe_str(outcome['platform'])} {safe_str(outcome['page'])}"
            if outcome.get("problem"):
                line = _("{page}: not stored, {problem}").format(page=where, problem=_problem_text(outcome["problem"]))
            elif outcome.get("unchanged"):
                line = _("{page}: unchanged (version {version})").format(page=where, version=outcome["version"])
            else:
                line = _(
                    "{page}: new version {version}: {added} added, {removed} removed, {changed} changed; "
                    "{findings} findings"
                ).format(
                    page=where,
                    version=outcome["version"],
                    added=outcome["added"],
                    removed=outcome["removed"],
                    changed=outcome["changed"],
                    findings=len(outcome["findings"]),
                )
            out.print(line, markup=False, soft_wrap=True)
            for follow_up in outcome.get("follow_ups") or []:
                out.print(
                    "  "
                    + _("notice {notice} on finding {finding}: {outcome}").format(
                        notice=follow_up["notice"], finding=follow_up["finding"], outcome=word(follow_up["outcome"])
                    ),
                    markup=False,
                )
    if failed:
        raise typer.Exit(3)


@rules_app.command("history")
def history_command(
    platform: Annotated[str | None, typer.Argument(help="The platform (default: all).", metavar="PLATFORM")] = None,
    page: Annotated[str | None, typer.Argument(help="The page's name (default: all).", metavar="PAGE")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the stored versions of rules pages with their dates and change counts.

    Example:

        tradewatch rules history demo 用户协议
    """
    from leads.rules import list_versions

    with _session() as session:
        versions = list_versions(session, platform, page)
    if as_json:
        print_json(safe_json([model_json(v, exclude={"clauses"}) for v in versions]))
        return
    table = Table(title=_("Rules versions"), title_justify="left")
    for name in (_("Platform"), _("Page"), _("Version"), _("Captured (UTC)"), _("Clauses"), _("Added")):
        table.add_column(name)
    table.add_column(_("Removed"))
    table.add_column(_("Changed"))
    for version in versions:
        table.add_row(
            safe_text(version.platform),
            safe_text(version.page),
            f"v{version.version}",
            f"{version.captured_at:%Y-%m-%d %H:%M}",
            str(len(version.clauses)),
            str(version.added),
            str(version.removed),
            str(version.changed),
        )
    console().print(table)


def _clause_label(clause: dict[str, Any] | None) -> str:
    if not clause:
        return ""
    return f"#{clause['index']} {safe_str(clause.get('number') or '')}".strip()


def inline_text(pieces: list[tuple[str, str]]) -> Text:
    """A changed clause with deleted words struck through in red and inserted ones in green."""
    text = Text()
    for op, piece in pieces:
        style = {"delete": "strike red", "insert": "bold green"}.get(op, "")
        marker = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}.get(op, ("", ""))
        text.append(marker[0] + safe_str(piece) + marker[1], style=style)
    return text


@rules_app.command("diff")
def diff_command(
    platform: Annotated[str, typer.Argument(help="The platform.", metavar="PLATFORM")],
    page: Annotated[str, typer.Argument(help="The page's name.", metavar="PAGE")],
    from_version: Annotated[
        int | None, typer.Option("--from", min=1, help="Older version (default: the one before).")
    ] = None,
    to_version: Annotated[int | None, typer.Option("--to", min=1, help="Newer version (default: the latest).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the clauses added, removed and changed between two versions of a rules page.

    Example:

        tradewatch rules diff demo 用户协议 --from 1 --to 2
    """
    from leads.rules import versions_diff

    with _session() as session:
        old, new, changes = versions_diff(session, platform, page, from_version=from_version, to_version=to_version)
    if as_json:
        print_json(safe_json({"from": old.version, "to": new.version, "changes": [c.to_dict() for c in changes]}))
        return
    out = console()
    out.print(
        _("{platform} {page}: v{old} -> v{new}, {count} clauses differ").format(
            platform=safe_str(platform), page=safe_str(page), old=old.version, new=new.version, count=len(changes)
        ),
        markup=False,
    )
    for change in changes:
        clause = change.new or change.old or {}
        flag = "  [!] " + _("unfair") if change.new and change.new.get("unfair") else ""
        if change.kind == "changed":
            assert change.old and change.new
            from leads.rules_diff import inline_diff

            out.print(Text(f"~ {word('changed')} {_clause_label(change.old)} -> {_clause_label(change.new)}{flag}"))
            out.print(Text("  ") + inline_text(inline_diff(change.old["text"], change.new["text"])))
        else:
            sign = "+" if change.kind == "added" else "-"
            out.print(Text(f"{sign} {word(change.kind)} {_clause_label(clause)}{flag}"))
            out.print(Text("  ") + safe_text(clause.get("text", "")))


@rules_app.command("score")
def score_command(
    file: Annotated[str, typer.Argument(help="JSONL file of clauses, or - for standard input.")] = "-",
    watchlist: Annotated[Path | None, typer.Option("--watchlist", "-w", help="Clause watchlist file.")] = None,
) -> None:
    """Score clauses (JSON Lines with id and text) and write one JSON line per clause.

    Added: unfair (true or false), group, score (0-100), basis (the articles offended) and explanation (every
    rule that fired, with its points). A bad line is reported with its number and skipped; the command exits
    1 at the end if any line failed.

    Example:

        tradewatch rules score clauses.jsonl > scored.jsonl
        echo '{"id": "a1", "text": "本活动最终解释权归本公司所有。"}' | tradewatch rules score -
    """
    from pipelines.rules import ClauseScorer

    scorer = ClauseScorer.load(watchlist)
    name = "<stdin>" if file == "-" else file
    if file == "-":
        failed = _score_stream(scorer, sys.stdin, name)
    else:
        try:
            with open(file, encoding="utf-8") as handle:
                failed = _score_stream(scorer, handle, name)
        except OSError as error:
            fail(_("{path}: cannot read: {error}").format(path=file, error=error.strerror or error))
    if failed:
        err_console().print(_("Lines that failed: {count}").format(count=failed), markup=False)
        raise typer.Exit(1)


def _score_stream(scorer: Any, stream: TextIO, name: str) -> int:
    from cli.score import JsonLines, strict_json_value

    lines = JsonLines(stream, name)
    for where, record in lines:
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or "id" not in record:
            lines.reject(_("{where}: needs `id` and `text`").format(where=where))
            continue
        result = scorer.score(record["text"]).to_dict()
        line = strict_json_value({"id": record["id"], **result})[0]
        sys.stdout.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")
    return lines.failed


@rules_app.command("check")
def check_command(
    watchlist: Annotated[Path | None, typer.Argument(help="Clause watchlist file (default: the shipped one).")] = None,
) -> None:
    """Validate the unfair-clause watchlist: schema, regexes, and every pattern against its examples.

    Example:

        tradewatch rules check
    """
    from pipelines.rules import ClauseScorer
    from pipelines.rules.watchlist import check_examples

    scorer = ClauseScorer.load(watchlist)
    problems = check_examples(scorer)
    for problem in problems:
        err_console().print(safe_str(problem), markup=False)
    if problems:
        raise typer.Exit(1)
    console().print(
        _("Clause watchlist OK: {count} patterns, every example scored as labelled").format(
            count=len(scorer.watchlist.patterns)
        ),
        markup=False,
    )


# --- findings -----------------------------------------------------------------------------------------


@rules_app.command("findings")
def findings_command(
    status: Annotated[str | None, typer.Option("--status", "-s", help="Only findings in this status.")] = None,
    platform: Annotated[str | None, typer.Option("--platform", "-p", help="Only this platform's findings.")] = None,
    page_number: Annotated[int, typer.Option("--page-number", min=1, help="Page of 50 findings.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """List unfair-clause findings, highest score first.

    Example:

        tradewatch rules findings --status queued
    """
    from leads.rule_findings import list_findings

    with _session() as session:
        found = list_findings(session, status=status, platform=platform, offset=(page_number - 1) * 50)
    if as_json:
        print_json(safe_json([model_json(finding) for finding in found]))
        return
    table = Table(title=_("Rule findings"), title_justify="left")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Score"), justify="right")
    table.add_column(_("Platform"), max_width=10, overflow="fold")
    table.add_column(_("Page"), max_width=10, overflow="fold")
    table.add_column(_("Clause"), overflow="fold", min_width=24)
    table.add_column(_("Change"), no_wrap=True)
    for finding in found:
        table.add_row(
            str(finding.id),
            status_label(finding.status),
            str(finding.score),
            safe_text(finding.platform),
            safe_text(finding.page),
            safe_text(finding.clause_text),
            word(finding.change),
        )
    console().print(table)


@rules_app.command("show")
def show_command(finding_id: FindingArgument, as_json: JsonOption = False) -> None:
    """Show a finding: the clause in context, its diff against the previous version, why it scored, the
    notices and the audit trail.

    Example:

        tradewatch rules show 3
    """
    from leads.rule_findings import finding_context, finding_events, finding_notices, get_finding
    from leads.rules_diff import inline_diff
    from leads.rules_models import RulesVersion

    with _session() as session:
        finding = get_finding(session, finding_id)
        version = session.get(RulesVersion, finding.version_pk)
        context = finding_context(session, finding)
        events = finding_events(session, finding_id)
        notices = finding_notices(session, finding_id)
    if as_json:
        print_json(
            safe_json(
                {
                    "finding": model_json(finding),
                    "version": version.version if version else None,
                    "context": context,
                    "notices": [
                        {
                            **model_json(notice),
                            **model_json(follow_up, include={"kind", "outcome"}),
                        }
                        for follow_up, notice in notices
                    ],
                    "events": [model_json(event) for event in events],
                }
            )
        )
        return
    out = console()
    fields = Table(
        show_header=False, title=_("Finding {finding_id}").format(finding_id=finding.id), title_justify="left"
    )
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value", overflow="fold")
    fields.add_row(_("Status"), status_label(finding.status))
    fields.add_row(_("Score"), str(finding.score))
    fields.add_row(_("Platform"), safe_text(finding.platform))
    fields.add_row(_("Page"), safe_text(f"{finding.page} v{version.version if version else '?'}"))
    fields.add_row(_("Change"), word(finding.change))
    fields.add_row(_("Legal basis"), "\n".join(safe_str(b) for b in finding.basis))
    fields.add_row(_("Officers"), safe_str(", ".join(finding.assignees or [])) or "-")
    out.print(fields)
    out.print(_("Clause in context:"), markup=False)
    for clause in context:
        marker = ">>" if clause["focus"] else "  "
        style = "bold" if clause["focus"] else "dim"
        out.print(Text(f"{marker} {_clause_label(clause)} ", style=style) + safe_text(clause["text"], style=style))
    if finding.previous_text:
        out.print(_("Against the previous version:"), markup=False)
        out.print(Text("   ") + inline_text(inline_diff(finding.previous_text, finding.clause_text)))
    out.print(_("Why it scored:"), markup=False)
    for rule in finding.explanation:
        out.print(
            Text(f"  {rule['points']:+d} {rule['rule']}: ")
            + safe_text(f"{rule['name_zh']} / {rule['name_en']} «{rule['matched']}»")
        )
    for follow_up, notice in notices:
        out.print(
            _("Notice {notice}: {kind} by {officer} on {day}, reply due {due}: {outcome}").format(
                notice=notice.id,
                kind=word(follow_up.kind),
                officer=safe_str(notice.sent_by),
                day=f"{notice.sent_at:%Y-%m-%d}",
                due=f"{notice.reply_due:%Y-%m-%d}",
                outcome=word(follow_up.outcome),
            ),
            markup=False,
        )
    out.print(_("Audit trail:"), markup=False)
    for event in events:
        out.print(
            Text(f"  {event.created_at:%Y-%m-%d %H:%M} {safe_str(event.actor)} {action_label(event.action)}")
            + safe_text(f" {event.reason}" if event.reason else "")
        )


def _act(action: str, finding_id: int, officer: str | None, reason: str | None) -> None:
    from leads.db import run_write
    from leads.rule_findings import transition

    who = require_officer(officer)
    finding = run_write(lambda session: transition(session, finding_id, action, officer=who, reason=reason))
    console().print(
        _("Finding {finding_id}: {action}, now {status}").format(
            finding_id=finding_id, action=action_label(action), status=status_label(finding.status)
        ),
        markup=False,
    )


@rules_app.command("claim")
def claim_command(finding_id: FindingArgument, officer: OfficerOption = None) -> None:
    """Claim a queued finding.

    Example:

        tradewatch rules claim 3 --officer 王芳
    """
    _act("claim", finding_id, officer, None)


@rules_app.command("verify")
def verify_command(finding_id: FindingArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Confirm a claimed finding: the clause is an unfair format clause.

    Example:

        tradewatch rules verify 3 --reason "属于《合同行政监督管理办法》第九条情形"
    """
    _act("verify", finding_id, officer, reason)


@rules_app.command("dismiss")
def dismiss_command(finding_id: FindingArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Dismiss a claimed finding, with a reason.

    Example:

        tradewatch rules dismiss 3 --reason "条款符合法律规定"
    """
    _act("dismiss", finding_id, officer, reason)


@rules_app.command("reopen")
def reopen_command(finding_id: FindingArgument, reason: ReasonOption = None, officer: OfficerOption = None) -> None:
    """Put a dismissed finding back in the queue, with a reason.

    Example:

        tradewatch rules reopen 3 --reason "平台再次修改该条款"
    """
    _act("reopen", finding_id, officer, reason)


@rules_app.command("note")
def note_command(
    finding_id: FindingArgument,
    text: Annotated[str, typer.Argument(help="The note.", metavar="TEXT")],
    officer: OfficerOption = None,
) -> None:
    """Add a note to a finding's audit trail.

    Example:

        tradewatch rules note 3 "已电话联系平台法务"
    """
    _act("note", finding_id, officer, text)


@rules_app.command("notice")
def notice_command(
    finding_id: FindingArgument,
    kind: Annotated[
        str, typer.Option("--kind", help="rectification (整改通知) or interview (约谈).")
    ] = "rectification",
    channel: Annotated[str, typer.Option("--channel", help="How it is sent: email, letter or portal.")] = "letter",
    reference: Annotated[str | None, typer.Option("--ref", help="The document's number.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also copy the document here (default: TRADEWATCH_HOME/notices).")
    ] = None,
    officer: OfficerOption = None,
) -> None:
    """Send a rectification notice or an interview notice to the platform about a verified finding.

    The document is written from the template notice-rectification (TRADEWATCH_HOME/templates, shipped default
    otherwise), kept in the evidence store with a reply-by date, and the next version of the page is checked
    for the clause: removed, reworded or kept.

    Example:

        tradewatch rules notice 3 --kind rectification --ref 市监网〔2026〕12号
    """
    from cli.notices import write_copies
    from core.config import get_settings
    from leads.db import run_write
    from leads.notice_document import render_notice
    from leads.rule_findings import prepare_finding_notice, record_finding_notice

    who = require_officer(officer)
    with _session() as session:
        prepared = prepare_finding_notice(
            session, finding_id, officer=who, kind=kind, channel=channel, reference=reference
        )
    rendered = render_notice("notice-rectification", prepared.context)
    follow_up = run_write(
        lambda session: record_finding_notice(
            session, prepared, rendered, officer=who, channel=channel, reference=reference
        )
    )
    folder = out if out is not None else get_settings().resolved_home / "notices"
    written = write_copies(folder, f"notice-{follow_up.notice_pk}.docx", rendered.docx, rendered.pdf)
    console().print(
        _("Notice {notice} recorded for finding {finding_id}; reply due {due}").format(
            notice=follow_up.notice_pk, finding_id=finding_id, due=f"{prepared.due:%Y-%m-%d}"
        ),
        markup=False,
    )
    for path in written:
        console().print(_("Document: {path}").format(path=path), markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")

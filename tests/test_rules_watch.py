"""The platform rules watch end to end: the demo marketplace's rules pages in three versions, swept through
the real spider, pipeline and store; versions only on change with their evidence; diffs; findings worked
through the queue's machinery; a notice followed up on the next version; the report."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.app import app
from core.errors import TransitionError
from crawler.demo_market import rules_pages as demo
from leads.audit import verify_chain
from leads.db import get_engine, run_write
from leads.evidence import blob_path, evidence_root, sha256_file
from leads.models import AuditEvent, Notice
from leads.rule_findings import prepare_finding_notice, transition
from leads.rules import PageSighting, list_versions, record_sighting, versions_diff
from leads.rules_models import RectificationNotice, RuleFinding, RulesEvidenceFile, RulesVersion
from pipelines.rules import ClauseScorer
from pipelines.rules_page import scored_clauses
from tests.demo_market_fixture import running_market

runner = CliRunner(env={"TRADEWATCH_LANG": "en", "COLUMNS": "200"})
AGREEMENT = "用户协议"
PRIVACY = "隐私政策"


def set_version(base_url: str, version: int) -> None:
    request = urllib.request.Request(f"{base_url}/admin/rules/version?value={version}", method="POST")
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["rules_version"] == version


def sweep(base_url: str, *extra: str):
    return runner.invoke(app, ["rules", "sweep", "--platform", "demo", "--base-url", base_url, "--json", *extra])


def texts(changes, kind: str, side: str = "new") -> set[str]:
    return {getattr(change, side)["text"] for change in changes if change.kind == kind}


def findings() -> list[RuleFinding]:
    with Session(get_engine()) as session:
        return list(session.exec(select(RuleFinding).order_by(col(RuleFinding.id))))


@pytest.fixture(scope="module")
def three_versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Sweep the demo's rules pages at versions 1, 2 and 3; a notice is sent between 2 and 3. Swept once for the
    module into a home of its own, set for the tests that read what the sweeps stored."""
    home = tmp_path_factory.mktemp("rules-watch") / "home"
    with pytest.MonkeyPatch.context() as patch, running_market() as base_url:
        patch.setenv("TRADEWATCH_HOME", str(home))
        patch.delenv("TRADEWATCH_DATABASE_URL", raising=False)
        patch.delenv("TRADEWATCH_REDIS_URL", raising=False)
        result = sweep(base_url)
        assert result.exit_code == 0, result.output
        set_version(base_url, 2)
        assert sweep(base_url).exit_code == 0
        by_text = {finding.clause_text: finding.id for finding in findings()}
        for clause, kind in ((demo.NO_RETURNS, "rectification"), (demo.NOTICE_UNFAIR, "interview")):
            finding_id = by_text[clause]
            for action in ("claim", "verify"):
                run_write(lambda s, a=action, f=finding_id: transition(s, f, a, officer="王芳", reason="格式条款"))
            sent = runner.invoke(app, ["rules", "notice", str(finding_id), "--kind", kind, "--officer", "王芳"])
            assert sent.exit_code == 0, sent.output
        set_version(base_url, 3)
        third = sweep(base_url)
        assert third.exit_code == 0, third.output
        yield third.output


def test_three_versions_are_stored_and_the_diffs_name_exactly_the_changed_clauses(three_versions: str):
    with Session(get_engine()) as session:
        assert [v.version for v in list_versions(session, "demo", AGREEMENT)] == [1, 2, 3]
        assert [v.version for v in list_versions(session, "demo", PRIVACY)] == [1]  # never changed
        _, _, first = versions_diff(session, "demo", AGREEMENT, from_version=1, to_version=2)
        _, _, second = versions_diff(session, "demo", AGREEMENT)
    assert texts(first, "added") == {demo.NOTICE_UNFAIR, demo.CLOSE_ACCOUNT, demo.NO_RETURNS}
    assert texts(first, "removed", "old") == {demo.NOTICE_LAWFUL, demo.FORCE_MAJEURE}
    changed = [(c.old["text"], c.new["text"]) for c in first if c.kind == "changed"]
    assert changed == [(demo.QUALITY_V1, demo.QUALITY_V2)]
    assert texts(second, "added") == {demo.RETURN_SHIPPING, demo.NO_REFUND}
    assert texts(second, "removed", "old") == {demo.NO_RETURNS}
    assert texts(second, "changed") == set()


def test_findings_are_raised_for_the_unfair_new_clauses_and_none_of_the_harmless(three_versions: str):
    raised = [(finding.clause_text, finding.change) for finding in findings()]
    assert raised == [(demo.NOTICE_UNFAIR, "added"), (demo.NO_RETURNS, "added"), (demo.NO_REFUND, "added")]
    harmless = {demo.CLOSE_ACCOUNT, demo.QUALITY_V2, demo.RETURN_SHIPPING, demo.NOTICE_LAWFUL, demo.FORCE_MAJEURE}
    assert not harmless & {text for text, _ in raised}
    first = findings()[1]
    assert first.group == "exempt_liability" and any("第九条" in basis for basis in first.basis)


def test_a_notice_is_followed_by_clause_removed_when_the_next_version_drops_it(three_versions: str):
    outcomes = {line["page"]: line for line in json.loads(three_versions)}
    follow_ups = {item["outcome"] for item in outcomes[AGREEMENT]["follow_ups"]}
    assert follow_ups == {"clause_removed", "clause_kept"}
    with Session(get_engine()) as session:
        notices = {
            finding.clause_text: follow_up.outcome
            for follow_up, finding in session.exec(
                select(RectificationNotice, RuleFinding).where(RectificationNotice.finding_pk == RuleFinding.id)
            )
        }
        documents = session.exec(select(Notice).where(Notice.subject_kind == "rule_finding")).all()
        assert len(documents) == 2 and all(blob_path(evidence_root(), d.document_sha256).is_file() for d in documents)
        third = session.exec(select(RulesVersion).where(RulesVersion.version == 3)).one()
        removed = session.exec(select(RuleFinding).where(RuleFinding.clause_text == demo.NO_RETURNS)).one()
        assert removed.removed_in_version_pk == third.id
        assert verify_chain(session)[1] == []
    assert notices == {demo.NO_RETURNS: "clause_removed", demo.NOTICE_UNFAIR: "clause_kept"}


def test_history_diff_show_and_report_for_the_officer(three_versions: str, tmp_path: Path):
    history = runner.invoke(app, ["rules", "history", "demo", AGREEMENT])
    assert history.exit_code == 0 and all(f"v{n}" in history.output for n in (1, 2, 3))
    versions = json.loads(runner.invoke(app, ["rules", "history", "demo", AGREEMENT, "--json"]).output)
    assert [list(v) for v in versions] == [[name for name in RulesVersion.model_fields if name != "clauses"]] * 3
    diff = runner.invoke(app, ["rules", "diff", "demo", AGREEMENT, "--from", "1", "--to", "2"])
    assert diff.exit_code == 0, diff.output
    assert "+ added" in diff.output and demo.NO_RETURNS in diff.output and "- removed" in diff.output
    assert "[!] unfair" in diff.output and "{+或者提供的服务的+}" in diff.output
    finding_id = next(f.id for f in findings() if f.clause_text == demo.NO_RETURNS)
    show = runner.invoke(app, ["rules", "show", str(finding_id)])
    assert show.exit_code == 0, show.output
    assert f">> #7 第六条 {demo.NO_RETURNS}" in show.output  # the clause (the title is #1), between its neighbours
    assert "商品自签收之日起七日内" in show.output and "no_returns_after_sale" in show.output
    assert "rectification notice by 王芳" in show.output and ": clause removed" in show.output
    out = tmp_path / "rules.html"
    report = runner.invoke(app, ["report", "rules", "--out", str(out)])
    assert report.exit_code == 0, report.output
    html = out.read_text(encoding="utf-8")
    assert "demo" in html and "条款已删除" in html and "条款仍在" in html and demo.NO_REFUND in html


def test_a_page_that_fails_or_matches_nothing_is_reported_and_never_stored(demo_market: str, tw_home: Path):
    profile = (Path(__file__).resolve().parents[1] / "crawler/platforms/demo.yaml").read_text(encoding="utf-8")
    start = profile.index("rules_pages:")
    broken = profile[:start] + (
        "rules_pages:\n"
        '  - {name: 用户协议, url: "{base_url}/plain/rules/agreement", main: {css: "div.no-such-thing"}}\n'
        '  - {name: 交易规则, url: "{base_url}/plain/rules/trade", main: {css: "article.agreement"}}\n'
    )
    (tw_home / "platforms").mkdir(parents=True)
    (tw_home / "platforms" / "broken.yaml").write_text(broken.replace("name: demo", "name: broken", 1), "utf-8")
    result = runner.invoke(app, ["rules", "sweep", "--platform", "broken", "--base-url", demo_market])
    assert result.exit_code == 3, result.output
    assert "broken 用户协议: not stored, main-text selector matched nothing" in result.output
    assert "broken 交易规则: not stored, answered HTTP 404" in result.output
    with Session(get_engine()) as session:
        assert list_versions(session) == []


def test_a_rules_page_that_is_a_file_is_a_problem_not_a_crash(tw_home: Path):
    """A PDF where the agreement page was has no text to read: the page is reported, not read as one."""
    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler

    from cli.labels import zh
    from cli.rules import PROBLEMS
    from spiders.rules import RulesSpider

    crawler = get_crawler(RulesSpider)
    spider = RulesSpider.from_crawler(crawler, platform="demo", base_url="http://127.0.0.1:8765")
    page = spider.pages[0]
    request = Request(page.resolved_url(spider.profile.base_url), meta={"rules_page": page.name})
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"
    response = Response(request.url, headers={"Content-Type": "application/pdf"}, body=pdf, request=request)
    (item,) = spider.parse_page(response)
    assert (item.problem, item.detail, item.text, item.capture) == ("not_text", "application/pdf", "", None)
    assert crawler.stats is not None and crawler.stats.get_value("tradewatch/rules/problems") == 1
    assert zh(PROBLEMS[item.problem]) == "返回的是文件，不是文本页面"  # what the sweep prints for it


def sighting(text: str, capture_body: bytes = b"<html>v</html>") -> PageSighting:
    clauses, digest = scored_clauses(text, ClauseScorer.load())
    capture = {
        "requested_url": "http://127.0.0.1:8765/plain/rules/agreement",
        "final_url": "http://127.0.0.1:8765/plain/rules/agreement",
        "status": 200,
        "headers": {"Content-Type": ["text/html; charset=utf-8"]},
        "body": capture_body,
    }
    return PageSighting("demo", AGREEMENT, capture["final_url"], clauses, digest, capture)


def test_an_unchanged_page_adds_no_version_and_each_version_keeps_its_raw_page(store_url: str, tw_home: Path):
    text = "第一条 本协议是用户与运营方之间的约定。\n第二条 本活动最终解释权归本公司所有。"
    first = run_write(lambda s: record_sighting(s, sighting(text)))
    again = run_write(lambda s: record_sighting(s, sighting(text.replace("第一条 ", "第一条　"), b"<html>x</html>")))
    assert (first.version, first.unchanged, again.version, again.unchanged) == (1, False, 1, True)
    assert len(first.findings) == 1  # the unfair clause of the first version seen
    with Session(get_engine()) as session:
        version = session.exec(select(RulesVersion)).one()
        files = {f.kind: f for f in session.exec(select(RulesEvidenceFile))}
        assert set(files) == {"response_body", "http_headers", "warc", "capture_metadata", "manifest"}
        root = evidence_root()
        assert all(sha256_file(blob_path(root, f.sha256)) == f.sha256 for f in files.values())
        assert blob_path(root, files["response_body"].sha256).read_bytes() == b"<html>v</html>"
        assert files["manifest"].sha256 == version.manifest_sha256
        record = json.loads(blob_path(root, files["capture_metadata"].sha256).read_bytes())
        assert record["platform"] == "demo" and record["rules_page"] == AGREEMENT


def test_an_empty_page_is_never_stored_as_a_version(tw_home: Path):
    with pytest.raises(Exception, match="empty version"):
        run_write(lambda s: record_sighting(s, sighting("   \n ")))
    with Session(get_engine()) as session:
        assert session.exec(select(RulesVersion)).all() == []


def test_findings_share_the_queues_state_machine_and_audit_trail(tw_home: Path):
    text = "第一条 商品售出概不退换。\n第二条 本协议最终解释权归本公司所有。"
    run_write(lambda s: record_sighting(s, sighting(text)))
    first, second = (f.id for f in findings())
    with pytest.raises(TransitionError, match="reason"):
        run_write(lambda s: transition(s, first, "dismiss", officer="王芳"))
    with pytest.raises(TransitionError, match="queued"):
        run_write(lambda s: transition(s, first, "verify", officer="王芳"))
    run_write(lambda s: transition(s, first, "claim", officer="王芳"))
    with pytest.raises(TransitionError, match="already claimed by 王芳"):
        run_write(lambda s: transition(s, first, "claim", officer="李明"))
    with pytest.raises(TransitionError, match="must be verified"):
        run_write(lambda s: prepare_finding_notice(s, first, officer="王芳", kind="rectification", channel="letter"))
    dismissed = runner.invoke(app, ["rules", "dismiss", str(first), "--reason", "条款已依法修改", "--officer", "王芳"])
    assert dismissed.exit_code == 0, dismissed.output
    claim = runner.invoke(app, ["rules", "claim", str(second), "--officer", "李明"])
    assert claim.exit_code == 0
    listed = runner.invoke(app, ["rules", "findings", "--status", "claimed", "--json"])
    assert [f["id"] for f in json.loads(listed.output)] == [second]
    assert list(json.loads(listed.output)[0]) == list(RuleFinding.model_fields)  # the model's order, always
    show = runner.invoke(app, ["rules", "show", str(first), "--json"])
    events = json.loads(show.output)["events"]
    assert all(list(event) == list(AuditEvent.model_fields) for event in events)
    assert [(e["action"], e["actor"], e["reason"]) for e in events] == [
        ("raise", "rules-watch", None),
        ("claim", "王芳", None),
        ("dismiss", "王芳", "条款已依法修改"),
    ]
    with Session(get_engine()) as session:
        assert verify_chain(session)[1] == []


def test_the_weekly_rules_sweep_is_a_job_kind_of_the_timetable(demo_market: str, tw_home: Path, tmp_path: Path):
    timetable = tmp_path / "schedule.yaml"
    timetable.write_text(
        f'base_url: "{demo_market}"\nrules_sweep:\n  cron: "0 3 * * mon"\n  platforms: [demo]\n', encoding="utf-8"
    )
    checked = runner.invoke(app, ["schedule", "check", "--timetable", str(timetable)])
    assert checked.exit_code == 0 and "rules-sweep" in checked.output and "0 3 * * mon" in checked.output
    ran = runner.invoke(app, ["schedule", "run-job", "rules-sweep", "--timetable", str(timetable)])
    assert ran.exit_code == 0, ran.output
    with Session(get_engine()) as session:
        assert {(v.page, v.version) for v in list_versions(session, "demo")} == {(AGREEMENT, 1), (PRIVACY, 1)}


@pytest.mark.browser
@pytest.mark.slow
def test_a_rules_page_rendered_by_javascript_is_read_like_a_static_one(demo_market: str, tw_home: Path):
    result = runner.invoke(app, ["rules", "sweep", "--platform", "demo-js", "--base-url", demo_market, "--json"])
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        (version,) = list_versions(session, "demo-js", AGREEMENT)
    assert version.renderer == "playwright"
    texts_seen = [clause["text"] for clause in version.clauses]
    assert texts_seen[1:] == [text for _, text in demo.rules_clauses("agreement", 1)]

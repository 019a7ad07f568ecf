"""Notices to the platform and the wildlife authority: the document, the record, the reply, the case bundle."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.app import app
from core.workdays import load_calendar, local_date
from leads.db import get_engine, run_write
from leads.evidence import (
    blob_path,
    evidence_root,
    export_bundle,
    lead_evidence,
    sha256_bytes,
    store_capture,
    verify_evidence,
)
from leads.models import AuditEvent, Lead, Notice
from tests.officer_desk_data import act, add_lead
from tests.test_cli_leads import assert_one_line_error
from tests.test_evidence import page_capture

runner = CliRunner()
A, B = "王芳", "李明"


def run(*args: str, officer: str | None = A, lang: str = "en"):
    env = {"COLUMNS": "200", "TRADEWATCH_LANG": lang, "TRADEWATCH_OFFICER": officer or ""}
    return runner.invoke(app, list(args), env=env)


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def captured(lead_id: int) -> None:
    run_write(lambda session: store_capture(session, lead_pk=lead_id, capture=asdict(page_capture())))


@pytest.fixture
def pangolin_lead(tw_home: Path) -> int:
    lead_id = add_lead(
        "200118",
        "穿山甲鳞片 中药材 250克 老货",
        92,
        "wildlife.pangolin",
        matched="穿山甲",
        seller="药材铺",
        seller_id="s77",
    )
    captured(lead_id)
    act("claim", lead_id, A)
    act("verify", lead_id, A, reason="鳞片实物照片与穿山甲鳞片一致")
    return lead_id


def test_a_wildlife_notice_holds_protection_class_and_evidence_hashes(pangolin_lead: int, tw_home: Path):
    result = run("leads", "notify", str(pangolin_lead), "--to", "wildlife", "--ref", "穿市监通〔2026〕18号")
    assert result.exit_code == 0, result.output
    assert "reply due" in result.output
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
        captures = lead_evidence(session, pangolin_lead)
        events = list(session.exec(select(AuditEvent).where(AuditEvent.lead_pk == pangolin_lead)))
    copy = tw_home / "notices" / "notice-1.docx"
    assert copy.is_file() and sha256_bytes(copy.read_bytes()) == notice.document_sha256
    text = document_text(copy.read_bytes())
    assert "穿山甲（Manis pentadactyla）：国家一级保护野生动物" in text
    assert "马来穿山甲（Manis javanica）：国家一级保护野生动物" in text
    assert "穿市监通〔2026〕18号" in text and "穿山甲鳞片 中药材 250克 老货" in text and "药材铺" in text
    capture, files = captures[0]
    assert capture.manifest_sha256 in text
    assert all(file.sha256 in text for file in files if file.kind != "manifest")
    assert "野生动物保护法" in text  # the legal basis of the category
    # the record: the recipient, the reply-by date ten working days on, the sender
    assert (notice.recipient, notice.channel, notice.reference, notice.sent_by) == (
        "wildlife",
        "letter",
        "穿市监通〔2026〕18号",
        A,
    )
    assert notice.reply_due == load_calendar().add_working_days(local_date(notice.sent_at), 10)
    notify = [event for event in events if event.action == "notify"]
    assert len(notify) == 1 and notify[0].details["document_sha256"] == notice.document_sha256
    assert notify[0].actor == A


def test_the_case_bundle_carries_the_notice_and_verify_checks_it(pangolin_lead: int, tw_home: Path, tmp_path: Path):
    assert run("leads", "notify", str(pangolin_lead), "--to", "platform", "--channel", "portal").exit_code == 0
    result = run("evidence", "export", str(pangolin_lead), "--out", str(tmp_path / "case.zip"))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "case.zip") as bundle:
        names = bundle.namelist()
        document = bundle.read("notices/notice-1.docx")
        sums = bundle.read("SHA256SUMS").decode()
        record = bundle.read("capture-record.txt").decode()
    assert f"{sha256_bytes(document)}  notices/notice-1.docx" in sums
    assert "通知 / Notice 1" in record and "platform" in record
    assert "demo 平台运营者" in document_text(document)
    assert any(name.startswith("v1/") for name in names)
    # a notice document altered on disk fails verification and blocks the export
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
    path = blob_path(evidence_root(tw_home), notice.document_sha256)
    path.chmod(stat.S_IWUSR | stat.S_IRUSR)
    path.write_bytes(b"altered")
    with Session(get_engine()) as session:
        _, problems = verify_evidence(session, lead_pk=pangolin_lead)
        assert [problem.name for problem in problems] == ["notice-1.docx"]
        with pytest.raises(Exception, match="verification"):
            export_bundle(session, pangolin_lead, tmp_path / "again.zip")


def test_a_reply_is_recorded_once(pangolin_lead: int):
    assert run("leads", "notify", str(pangolin_lead), "--to", "platform").exit_code == 0
    result = run("leads", "notice-reply", str(pangolin_lead), "--text", "平台已下架该商品并封禁店铺", officer=B)
    assert result.exit_code == 0, result.output
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
        reply = session.exec(select(AuditEvent).where(AuditEvent.action == "notice_reply")).one()
    assert (notice.reply_text, notice.replied_by) == ("平台已下架该商品并封禁店铺", B)
    assert reply.details["notice"] == notice.id and reply.actor == B
    again = run("leads", "notice-reply", str(pangolin_lead), "--text", "再次回复")
    assert_one_line_error(again, 3, "no notice waiting")


def test_refused_notices_give_one_line(tw_home: Path):
    queued = add_lead("200120", "象牙手镯 老料", 80)
    knife = add_lead("200121", "大马士革折刀 开刃", 70, "prohibited.weapons", matched="开刃")
    act("claim", knife, A)
    assert_one_line_error(run("leads", "notify", str(queued), "--to", "platform"), 3, "queued", "claimed")
    assert_one_line_error(run("leads", "notify", str(knife), "--to", "wildlife"), 3, "not a wildlife lead")
    assert_one_line_error(run("leads", "notify", str(knife), "--to", "platform", officer=B), 3, "not assigned")
    assert_one_line_error(run("leads", "notify", str(knife), "--to", "platform", officer=""), 2, "--officer")
    assert_one_line_error(run("leads", "notify", "999", "--to", "platform"), 4, "999")
    assert_one_line_error(run("leads", "notice-reply", str(knife), "--text", "已处理"), 3, "no notice waiting")
    assert_one_line_error(run("leads", "notice-reply", str(knife)), 2, "--text")
    zh = run("leads", "notify", str(queued), "--to", "platform", lang="zh")
    assert_one_line_error(zh, 3, "待核查")
    with Session(get_engine()) as session:
        assert session.exec(select(Notice)).all() == []
        assert not session.exec(select(AuditEvent).where(AuditEvent.action == "notify")).all()


def test_the_bureau_template_replaces_the_shipped_one(pangolin_lead: int, tw_home: Path):
    own = docx.Document()
    own.add_paragraph("某某区市场监督管理局 专用函 {{ notice.number }} {{ listing.title }}")
    (tw_home / "templates").mkdir(parents=True)
    own.save(str(tw_home / "templates" / "notice-platform.docx"))
    assert run("leads", "notify", str(pangolin_lead), "--to", "platform").exit_code == 0
    text = document_text((tw_home / "notices" / "notice-1.docx").read_bytes())
    assert text.startswith("某某区市场监督管理局 专用函 TW-") and "穿山甲鳞片" in text


def test_scraped_markup_stays_text_in_the_document(tw_home: Path):
    title = '象牙手镯</w:t></w:r><w:r><w:t>注入 {{ bureau }} & "老料"\x07'
    lead_id = add_lead("200122", title, 85)
    act("claim", lead_id, A)
    assert run("leads", "notify", str(lead_id), "--to", "platform").exit_code == 0
    text = document_text((tw_home / "notices" / "notice-1.docx").read_bytes())
    assert '象牙手镯</w:t></w:r><w:r><w:t>注入 {{ bureau }} & "老料"\ufffd' in text


def test_a_pdf_is_made_where_a_converter_is_installed(pangolin_lead: int, tw_home: Path, tmp_path: Path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    # LibreOffice's command line: --headless --convert-to pdf --outdir DIR FILE writes DIR/FILE-stem.pdf
    fake.write_text('#!/bin/sh\nfor last; do :; done\nprintf "%%PDF-1.7 converted" > "${last%.docx}.pdf"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = run("leads", "notify", str(pangolin_lead), "--to", "wildlife")
    assert result.exit_code == 0, result.output
    pdf = tw_home / "notices" / "notice-1.pdf"
    assert pdf.read_bytes() == b"%PDF-1.7 converted"
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
    assert notice.pdf_sha256 == sha256_bytes(pdf.read_bytes())


def test_overdue_and_answered_states(pangolin_lead: int):
    from leads.lead_query import LeadFilter
    from leads.notice_state import ANSWERED, OVERDUE, SENT, notice_state
    from leads.stats import queue_stats

    assert run("leads", "notify", str(pangolin_lead), "--to", "wildlife").exit_code == 0
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
        lead = session.get(Lead, pangolin_lead)
        assert lead is not None
        assert notice_state(notice, notice.reply_due) == SENT
        assert notice_state(notice, date.fromordinal(notice.reply_due.toordinal() + 1)) == OVERDUE
        late = date.fromordinal(notice.reply_due.toordinal() + 1)
        assert queue_stats(session, today=late).notices == {
            "sent": 1,
            "answered": 0,
            "overdue": 1,
            "removed_after_notice": 0,
        }
        assert queue_stats(session, LeadFilter(category="prohibited"), today=late).notices["sent"] == 0
        # a filter keeps the notices whose lead matches it, through the lead's listing too
        wildlife = queue_stats(session, LeadFilter(category="wildlife"), today=late).notices
        assert (wildlife["sent"], wildlife["overdue"]) == (1, 1)
        assert queue_stats(session, LeadFilter(platform="no-such-platform"), today=late).notices["sent"] == 0
    run("leads", "notice-reply", str(pangolin_lead), "--text", "已立案调查")
    with Session(get_engine()) as session:
        notice = session.exec(select(Notice)).one()
        assert notice_state(notice, late) == ANSWERED
        assert queue_stats(session, today=late).notices["answered"] == 1
        assert queue_stats(session, today=late).notices["overdue"] == 0

"""`tradewatch leads` through Typer's CliRunner, on a store filled through the library."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from core.statuses import LeadStatus
from leads.models import AuditEvent, Lead, Listing
from tests.officer_desk_data import HOSTILE_TITLE, UNSAFE, act, add_lead, events_of, lead_of, set_due

runner = CliRunner()
WIDE = {"COLUMNS": "250", "TRADEWATCH_LANG": "en"}


def run(*args: str, officer: str | None = None, lang: str = "en", **env: str):
    environment = {**WIDE, "TRADEWATCH_LANG": lang, **env}
    if officer is not None:
        environment["TRADEWATCH_OFFICER"] = officer
    return runner.invoke(app, list(args), env=environment)


def assert_one_line_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def three_leads(tw_home: Path) -> dict[str, int]:
    return {
        "ivory": add_lead("100231", "老象牙手镯 包老保真", 71),
        "pangolin": add_lead(
            "100232",
            "穿山甲鳞片 中药材 250克",
            93,
            "wildlife.pangolin",
            matched="穿山甲",
            seller="药材铺",
            seller_id="s77",
        ),
        "knife": add_lead(
            "100233",
            "大马士革折刀 开刃",
            65,
            "prohibited.weapons",
            matched="开刃",
            seller="户外装备",
            seller_id="s9",
            campaign="2026清风行动",
        ),
    }


# --- list ---------------------------------------------------------------------------------------------


def test_list_shows_leads_best_first(three_leads):
    result = run("leads", "list")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("穿山甲鳞片") < out.index("老象牙手镯") < out.index("大马士革折刀")
    assert "Pangolin" in out and "Queued" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--category", "wildlife"], {"pangolin", "ivory"}),
        (["--category", "wildlife.pangolin"], {"pangolin"}),
        (["--category", "prohibited"], {"knife"}),
        (["--min-score", "70"], {"pangolin", "ivory"}),
        (["--campaign", "2026清风行动"], {"knife"}),
        (["--seller", "s77"], {"pangolin"}),
        (["--seller", "古玩老张"], {"ivory"}),
        (["--platform", "demo"], {"pangolin", "ivory", "knife"}),
        (["--platform", "taobao"], set()),
        (["--status", "claimed"], set()),
        (["--status", "queued", "--status", "claimed"], {"pangolin", "ivory", "knife"}),
    ],
)
def test_list_filters(three_leads, args, expected):
    result = run("leads", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    ids = {row["lead"]["id"] for row in json.loads(result.output)}
    assert ids == {three_leads[name] for name in expected}


def test_list_mine_and_due_before(three_leads):
    act("claim", three_leads["knife"], "王芳")
    set_due(three_leads["ivory"], date(2026, 3, 10))
    mine = run("leads", "list", "--json", "--mine", officer="王芳")
    assert [row["lead"]["id"] for row in json.loads(mine.output)] == [three_leads["knife"]]
    due = run("leads", "list", "--json", "--due-before", "2026-03-11")
    assert [row["lead"]["id"] for row in json.loads(due.output)] == [three_leads["ivory"]]


def test_list_mine_without_identity_is_refused(three_leads):
    result = run("leads", "list", "--mine")
    assert_one_line_error(result, 2, "--officer", "TRADEWATCH_OFFICER")


def test_list_pages(three_leads):
    first = run("leads", "list", "--limit", "2")
    assert "More leads: add --page 2" in first.output
    second = run("leads", "list", "--json", "--limit", "2", "--page", "2")
    assert [row["lead"]["id"] for row in json.loads(second.output)] == [three_leads["knife"]]


def test_list_json_has_one_order_of_fields_in_every_language(three_leads):
    """Scripts and diffs read `--json`: the fields come in the models' declared order, not the order the ORM
    happened to load them in."""
    for lang in ("en", "zh"):
        rows = json.loads(run("leads", "list", "--json", lang=lang).output)
        assert len(rows) == 3
        for row in rows:
            assert list(row) == ["lead", "listing", "listing_removed"]
            assert list(row["lead"]) == list(Lead.model_fields)
            assert list(row["listing"]) == list(Listing.model_fields)
    shown = json.loads(run("leads", "show", str(three_leads["ivory"]), "--json", lang="zh").output)
    assert list(shown["lead"]) == list(Lead.model_fields)
    assert [list(event) for event in shown["audit"]] == [list(AuditEvent.model_fields)] * len(shown["audit"])


def test_list_empty_store_says_so(tw_home):
    result = run("leads", "list")
    assert result.exit_code == 0
    assert "No leads match." in result.output


# --- show ---------------------------------------------------------------------------------------------


def test_show_gives_listing_reason_seller_and_audit(three_leads):
    other = add_lead("100299", "象牙吊坠 老料", 75)  # same seller s1024
    act("claim", three_leads["ivory"], "王芳")
    act("note", three_leads["ivory"], "王芳", text="已电话联系平台，等待回复")
    result = run("leads", "show", str(three_leads["ivory"]))
    assert result.exit_code == 0, result.output
    for expected in (
        "老象牙手镯",
        "古玩老张",
        "¥8,800.00",
        "老货，懂的来，私聊看实物",
        "Why it scored",
        "The seller's other leads",
        "象牙吊坠",
        "Audit trail",
        "已电话联系平台",
        "Queued → Claimed",
        "Listing history",
    ):
        assert expected in result.output, expected
    data = json.loads(run("leads", "show", str(three_leads["ivory"]), "--json").output)
    assert data["seller_leads"] == [other]
    assert [event["action"] for event in data["audit"]] == ["created", "enqueue", "claim", "note"]


def test_show_unknown_lead_is_one_line_and_non_zero(tw_home):
    assert_one_line_error(run("leads", "show", "999"), 4, "No lead with id 999")


# --- hostile text -------------------------------------------------------------------------------------


def test_scraped_control_characters_never_reach_the_terminal(tw_home):
    lead_id = add_lead("1", HOSTILE_TITLE, 80, description="描述\x1b[31m红字\x1b]8;;http://x\x07链接\x1b]8;;\x07\u202e")
    for args in (["leads", "list"], ["leads", "show", str(lead_id)], ["leads", "list", "--json"]):
        result = runner.invoke(app, args, env=WIDE)
        assert result.exit_code == 0, result.output
        raw = result.stdout_bytes.decode("utf-8")
        assert not UNSAFE.search(raw), (args, [c for c in raw if UNSAFE.match(c)])
        assert "\\x1b" in raw or "\\u001b" in raw
    shown = runner.invoke(app, ["leads", "show", str(lead_id)], env=WIDE).output
    assert "[link=http://evil.example]点我[/link]" in shown  # markup shown as text, not interpreted
    assert "\\x1b]52;c;ZXZpbA==\\x07" in shown and "\\u202e" in shown and "\\u2066" in shown
    data = json.loads(runner.invoke(app, ["leads", "list", "--json"], env=WIDE).output)
    assert data[0]["listing"]["title"] == HOSTILE_TITLE.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace(
        "\x9b", "\\x9b"
    ).replace("\u202e", "\\u202e").replace("\u2066", "\\u2066").replace("\u2069", "\\u2069")


# --- acting -------------------------------------------------------------------------------------------


def test_claim_verify_refer_workflow(three_leads):
    lead_id = three_leads["pangolin"]
    claimed = run("leads", "claim", str(lead_id), officer="王芳")
    assert claimed.exit_code == 0, claimed.output
    assert f"Lead {lead_id}: Queued → Claimed" in claimed.output
    assigned = run("leads", "assign", str(lead_id), "--to", "李明", officer="王芳")
    assert assigned.exit_code == 0, assigned.output
    verified = run("leads", "verify", str(lead_id), "--reason", "卖家确认出售穿山甲鳞片", officer="王芳")
    assert "Claimed → Verified" in verified.output
    asked = run("leads", "refer", str(lead_id), "--reason", "证据充分，建议立案", officer="李明")
    assert asked.exit_code == 0, asked.output
    assert lead_of(lead_id).status == LeadStatus.VERIFIED  # assigning a second officer alone refers nothing
    assert_one_line_error(run("leads", "confirm-referral", str(lead_id), officer="李明"), 3, "second officer")
    confirmed = run("leads", "confirm-referral", str(lead_id), officer="王芳")
    assert confirmed.exit_code == 0, confirmed.output
    assert "Verified → Referred" in confirmed.output
    lead = lead_of(lead_id)
    assert lead.status == LeadStatus.REFERRED
    assert lead.assignees == ["王芳", "李明"]
    actions = [(e.action, e.actor) for e in events_of(lead_id)][2:]
    assert actions == [
        ("claim", "王芳"),
        ("assign", "王芳"),
        ("verify", "王芳"),
        ("refer", "李明"),
        ("confirm_referral", "王芳"),
    ]


def test_dismiss_reopen_extend_escalate_note(three_leads):
    ivory, knife = three_leads["ivory"], three_leads["knife"]
    run("leads", "claim", str(ivory), officer="王芳")
    dismissed = run("leads", "dismiss", str(ivory), "--reason", "树脂仿制品", officer="王芳")
    assert dismissed.exit_code == 0 and "Claimed → Dismissed" in dismissed.output
    reopened = run("leads", "reopen", str(ivory), "--reason", "卖家重新上架，描述已改", officer="王芳")
    assert "Dismissed → Queued" in reopened.output
    extended = run("leads", "extend", str(ivory), "--reason", "等待平台调取交易记录", officer="王芳")
    assert extended.exit_code == 0, extended.output
    assert lead_of(ivory).extended is True
    noted = run("leads", "note", str(knife), "已截图留证", officer="李明")
    assert noted.exit_code == 0 and "note recorded" in noted.output
    run("leads", "claim", str(knife), officer="李明")
    escalated = run("leads", "escalate", str(knife), "--to", "市公安局", "--reason", "疑似管制刀具", officer="李明")
    assert escalated.exit_code == 0 and "Claimed → Escalated" in escalated.output
    events = events_of(knife)
    assert events[-1].action == "escalate" and events[-1].reason == "疑似管制刀具"
    assert events[-1].details.get("to") == "市公安局"


def test_officer_from_option_and_config_file(three_leads, tw_home):
    by_option = run("leads", "claim", str(three_leads["ivory"]), "--officer", "赵强")
    assert by_option.exit_code == 0, by_option.output
    assert lead_of(three_leads["ivory"]).claimed_by == "赵强"
    tw_home.mkdir(parents=True, exist_ok=True)
    (tw_home / "config.toml").write_text('officer = "陈静"\n', encoding="utf-8")
    by_config = run("leads", "claim", str(three_leads["knife"]))
    assert by_config.exit_code == 0, by_config.output
    assert lead_of(three_leads["knife"]).claimed_by == "陈静"


@pytest.mark.parametrize(
    ("args", "officer", "code", "fragments"),
    [
        (["leads", "claim", "999"], "王芳", 4, ("No lead with id 999",)),
        (["leads", "verify", "{ivory}"], "王芳", 3, ("queued",)),
        (["leads", "dismiss", "{ivory}"], "王芳", 2, ("reason is required", "--reason")),
        (["leads", "reopen", "{ivory}"], "王芳", 2, ("reason is required",)),
        (["leads", "escalate", "{ivory}", "--reason", "x"], "王芳", 2, ("--to",)),
        (["leads", "claim", "{ivory}"], None, 2, ("--officer", "TRADEWATCH_OFFICER")),
        (["leads", "note", "{ivory}", "  "], "王芳", 2, ("empty",)),
        (["leads", "claim", "{ivory}"], "王\x1b[2J芳", 2, ("officer name",)),
    ],
)
def test_refusals_are_one_clear_line(three_leads, args, officer, code, fragments):
    args = [arg.format(**three_leads) for arg in args]
    result = run(*args, officer=officer)
    assert_one_line_error(result, code, *fragments)
    assert lead_of(three_leads["ivory"]).status == LeadStatus.QUEUED


def test_claiming_a_claimed_lead_names_who_has_it(three_leads):
    run("leads", "claim", str(three_leads["ivory"]), officer="王芳")
    result = run("leads", "claim", str(three_leads["ivory"]), officer="李明")
    assert result.exit_code != 0
    assert "王芳" in result.output and len(result.output.strip().splitlines()) == 1


# --- help ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "list",
        "show",
        "queue",
        "claim",
        "assign",
        "verify",
        "dismiss",
        "escalate",
        "refer",
        "confirm-referral",
        "reopen",
        "extend",
        "note",
        "notify",
        "notice-reply",
        "export",
    ],
)
def test_every_command_has_help_with_an_example(tw_home, command):
    result = run("leads", command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output and f"tradewatch leads {command}" in result.output

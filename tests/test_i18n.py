"""Both catalogues are complete, and the language follows --lang, TRADEWATCH_LANG and the locale."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli import i18n
from cli.app import app
from cli.i18n import compile_po
from cli.i18n_tools import all_msgids, problems
from tests.officer_desk_data import add_lead

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
# Commands whose output, help and errors are in the catalogues.
CONVERTED = [
    ["leads", "list"],
    ["leads", "show"],
    ["leads", "claim"],
    ["leads", "assign"],
    ["leads", "verify"],
    ["leads", "dismiss"],
    ["leads", "escalate"],
    ["leads", "refer"],
    ["leads", "reopen"],
    ["leads", "extend"],
    ["leads", "note"],
    ["leads", "export"],
    ["stats"],
    ["triage"],
]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogue_is_complete(lang):
    assert all_msgids(), "no msgids found"
    assert problems(lang) == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_committed_mo_matches_the_po(lang):
    assert i18n.mo_path(lang).read_bytes() == compile_po(lang), "run: python -m cli.i18n_tools compile"


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        ("zh", {"TRADEWATCH_LANG": "en"}, "zh"),
        (None, {"TRADEWATCH_LANG": "zh"}, "zh"),
        (None, {"TRADEWATCH_LANG": "", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
        (None, {"TRADEWATCH_LANG": "", "LC_ALL": "", "LANG": "zh_TW.UTF-8"}, "zh"),
        (None, {"TRADEWATCH_LANG": "", "LC_ALL": "", "LANG": "de_DE.UTF-8"}, "en"),
        (None, {"TRADEWATCH_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}, "en"),
    ],
)
def test_language_resolution(monkeypatch, explicit, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n.resolve_language(explicit) == expected


def test_legacy_bilingual_messages_show_one_language():
    i18n.set_language("zh")
    assert i18n.localise_message("没有编号为 5 的线索 / no lead with id 5") == "没有编号为 5 的线索"
    i18n.set_language("en")
    assert i18n.localise_message("没有编号为 5 的线索 / no lead with id 5") == "no lead with id 5"
    assert i18n.localise_message("path/to/file: bad") == "path/to/file: bad"


@pytest.mark.parametrize("command", CONVERTED)
def test_help_is_in_the_chosen_language(tw_home, command):
    zh = runner.invoke(app, [*command, "--help"], env={"TRADEWATCH_LANG": "zh", "COLUMNS": "200"})
    en = runner.invoke(app, ["--lang", "en", *command, "--help"], env={"TRADEWATCH_LANG": "zh", "COLUMNS": "200"})
    assert zh.exit_code == 0 and en.exit_code == 0
    assert "示例" in zh.output and "显示本帮助并退出" in zh.output and "选项" in zh.output
    assert "Example:" not in zh.output
    assert "Example:" in en.output and "Show this message and exit." in en.output
    english_only = CJK.sub("", en.output.split("Example:")[0])
    assert english_only == en.output.split("Example:")[0]  # nothing Chinese before the example


def test_output_and_errors_follow_the_language(tw_home):
    lead_id = add_lead("500001", "犀牛角 工艺品 老料", 88, "wildlife.rhino_horn", matched="犀牛角")
    cases = [
        (["leads", "list"], 0, "待核查", "Queued"),
        (["leads", "show", str(lead_id)], 0, "评分依据", "Why it scored"),
        (["stats"], 0, "办案人员工作量", "Workload per officer"),
        (["leads", "show", "999"], 4, "没有编号为 999 的线索", "No lead with id 999"),
        (["leads", "claim", str(lead_id)], 2, "未指定办案人员", "Who is acting?"),
        (["leads", "dismiss", str(lead_id), "--officer", "王芳"], 2, "排除线索必须填写理由", "A reason is required"),
        (["leads", "verify", str(lead_id), "--officer", "王芳"], 3, "不能核实", "verify needs claimed"),
        (["leads", "list", "--bogus"], 2, "没有这个选项", "No such option"),
        (["leads", "show", "abc"], 2, "不是整数", "not a whole number"),
    ]
    for args, code, zh_text, en_text in cases:
        zh = runner.invoke(app, args, env={"TRADEWATCH_LANG": "zh", "COLUMNS": "200"})
        en = runner.invoke(app, args, env={"TRADEWATCH_LANG": "en", "COLUMNS": "200"})
        assert (zh.exit_code, en.exit_code) == (code, code), (args, zh.output, en.output)
        assert zh_text in zh.output and en_text not in zh.output, (args, zh.output)
        assert en_text in en.output and zh_text not in en.output, (args, en.output)

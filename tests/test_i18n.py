"""Both catalogues are complete, and the language follows --lang, TRADEWATCH_LANG and the locale."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner, Result

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
    ["leads", "queue"],
    ["leads", "claim"],
    ["leads", "assign"],
    ["leads", "verify"],
    ["leads", "dismiss"],
    ["leads", "escalate"],
    ["leads", "refer"],
    ["leads", "confirm-referral"],
    ["leads", "notify"],
    ["leads", "notice-reply"],
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
    assert "用法：" in zh.output and "Usage:" not in zh.output and "[OPTIONS]" not in zh.output
    assert "Example:" in en.output and "Show this message and exit." in en.output
    assert "Usage: tradewatch" in en.output
    english_only = CJK.sub("", en.output.split("Example:")[0])
    assert english_only == en.output.split("Example:")[0]  # nothing Chinese before the example


def test_a_missing_option_names_it_plainly_in_either_language(tw_home):
    zh = runner.invoke(app, ["report", "daily"], env={"TRADEWATCH_LANG": "zh", "COLUMNS": "200"})
    en = runner.invoke(app, ["report", "daily"], env={"TRADEWATCH_LANG": "en", "COLUMNS": "200"})
    assert zh.exit_code == en.exit_code == 2
    assert "缺少选项 --out / -o。" in zh.output and "[OPTIONS]" not in zh.output and "用法：" in zh.output
    assert "Missing option --out / -o." in en.output


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


# --- every command group -------------------------------------------------------------------------------

ZH = {"TRADEWATCH_LANG": "zh", "COLUMNS": "200"}
EN = {"TRADEWATCH_LANG": "en", "COLUMNS": "200"}
# Help texts still only in English: command groups whose modules are not yet in the catalogues.
NOT_YET_TRANSLATED: set[tuple[str, ...]] = set()
# Three or more English words in a row: a sentence left untranslated.
ENGLISH_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]+(?:[ ,]+[A-Za-z][A-Za-z'’]+){2,}")
# A legacy "中文 / English" line.
BILINGUAL = re.compile(r"[\u4e00-\u9fff][^/\n│]{0,60} / [A-Za-z]")


def all_command_paths() -> list[tuple[str, ...]]:
    from typer.main import get_command

    return [path for path, _command in i18n.iter_commands(get_command(app)) if path]


def help_prose(output: str) -> str:
    """A help screen without what stays as it is: the usage line, example command lines, option names,
    metavars, environment variables and URLs."""
    kept = []
    for line in output.splitlines():
        line = re.sub(r"[│╭╮╰╯─]", " ", line).strip()
        if line.startswith("Usage:") or re.search(r"(^|\s|\|)tradewatch\s", line):
            continue
        line = re.sub(r"https?://\S+|`[^`]*`", " ", line)  # URLs, commands and field names in backquotes
        line = re.sub(r"(?<!\w)--?[\w-]+", " ", line)  # options
        line = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", line)  # metavars, defaults, ranges
        line = re.sub(r"\b[A-Z][A-Z0-9_]*=?\S*", " ", line)  # environment variables, NAME, SHA256SUMS
        kept.append(line)
    return "\n".join(kept)


def test_every_command_is_covered():
    paths = set(all_command_paths())
    assert {("score",), ("watchlist", "explain"), ("campaign", "create"), ("demo-market", "serve")} <= paths
    assert paths >= NOT_YET_TRANSLATED, "the list of untranslated groups names a command that is gone"


@pytest.mark.parametrize("command", [list(path) for path in all_command_paths()], ids=" ".join)
def test_every_help_screen_is_chinese_under_zh(tw_home, command):
    if any(tuple(command[: len(path)]) == path for path in NOT_YET_TRANSLATED):
        pytest.skip("help of this command group is not in the catalogues yet")
    zh = runner.invoke(app, [*command, "--help"], env=ZH)
    assert zh.exit_code == 0, zh.output
    prose = help_prose(zh.output)
    assert CJK.search(prose), zh.output
    left = [match.group() for match in ENGLISH_WORDS.finditer(prose)]
    assert left == [], f"English left in `tradewatch {' '.join(command)} --help`: {left}\n{zh.output}"
    assert "Example:" not in zh.output and "Show this message and exit." not in zh.output

    en = runner.invoke(app, [*command, "--help"], env=EN)
    assert en.exit_code == 0, en.output
    description = help_prose(en.output.split("Example:")[0])
    description = re.sub(r"e\.g\. \S+", " ", description)  # sample values such as a campaign's name
    assert not CJK.search(description), en.output
    assert "Show this message and exit." in en.output


def _run_record() -> int:
    from sqlmodel import Session

    from crawler.run_health import counts
    from leads.db import get_engine
    from leads.runs import finish_run, start_run

    stats = {
        "downloader/response_count": 10,
        "tradewatch/pages/search": 2,
        "tradewatch/items/yielded": 8,
        "tradewatch/retries/429": 2,
        "tradewatch/health/reasons": ["coverage of seller 75% is under 90%"],
    }
    with Session(get_engine()) as session:
        run_id = start_run(session, platform="demo", keywords=["象牙"], campaign="2024清风行动")
        finish_run(session, run_id, finish_reason="finished", outcome="degraded", counts=counts(stats), stats=stats)
        session.commit()
    assert run_id is not None
    return run_id


def test_outputs_and_errors_of_every_command_group_follow_the_language(tw_home, tmp_path):
    lead_id = add_lead("500002", "象牙手镯 老料", 82, "wildlife.ivory", matched="象牙")
    run_id = _run_record()
    bad_lines = tmp_path / "listings.jsonl"
    bad_lines.write_text('{"title": "象牙手镯"}\nnot json\n{"price": 5}\n', encoding="utf-8")
    timetable = tmp_path / "schedule.yaml"
    timetable.write_text('feed:\n  time: "07:30"\ndaily_report:\n  time: "18:30"\n', encoding="utf-8")
    create = ["campaign", "create", "2025清风行动", "--keywords", "象牙", "--platforms", "demo"]
    cases = [
        # score
        (["score", str(bad_lines)], 1, "不是有效的 JSON", "not JSON"),
        (["score", str(bad_lines)], 1, "处理失败的行数：2", "Lines that failed: 2"),
        # watchlist
        (["watchlist", "check"], 0, "监测清单检查通过", "Watchlists OK"),
        (["watchlist", "explain", "象*牙手镯 老料"], 0, "规范化后的标题", "Normalised title"),
        (["watchlist", "terms", "wildlife.nothing"], 2, "未知类别", "Unknown category"),
        # platforms
        (["platforms", "list"], 0, "渲染方式", "Rendering"),
        (["platforms", "new", "Bad/Name", "--file", str(bad_lines)], 2, "平台名称", "invalid platform name"),
        (["platforms", "check", "demo"], 2, "请用 --file", "Give the saved page"),
        # runs
        (["runs", "list"], 0, "抓取运行记录", "Crawl runs"),
        (["runs", "show", str(run_id)], 0, "字段 seller 的覆盖率 75% 低于 90%", "coverage of seller 75% is under 90%"),
        (["runs", "show", str(run_id)], 0, "部分异常", "degraded"),
        (["runs", "show", "999"], 2, "没有编号为 999 的运行", "no run 999"),
        # evidence
        (["evidence", "list", str(lead_id)], 0, f"线索 {lead_id} 的证据", f"Evidence of lead {lead_id}"),
        (["evidence", "verify", "--all"], 0, "已校验 0 个文件", "0 files checked"),
        (["evidence", "verify"], 2, "请给出线索编号或 --all", "Give a lead id or --all"),
        (["evidence", "export", str(lead_id), "--out", str(tmp_path / "e.zip")], 2, "没有证据", "has no evidence"),
        # audit
        (["leads", "history", str(lead_id)], 0, f"线索 {lead_id} 的处理记录", f"History of lead {lead_id}"),
        (["leads", "history", str(lead_id)], 0, "待核查", "Queued"),
        (["leads", "history", "999"], 4, "没有编号为 999 的线索", "No lead with id 999"),
        (["audit", "verify"], 0, "完整无误", "intact"),
        # db
        (["db", "current"], 0, "已是最新", "up to date"),
        (["db", "upgrade"], 0, "数据库已是最新", "database is up to date"),
        # schedule
        (["schedule", "list", "--timetable", str(timetable)], 0, "定时任务（北京时间）", "Scheduled jobs"),
        (["schedule", "check", "--timetable", str(timetable)], 0, "线索入队", "Feed the verification queue"),
        (["schedule", "waiting"], 0, "等待入队的线索", "Leads waiting for the queue"),
        (["schedule", "run-job", "nope", "--timetable", str(timetable)], 2, "没有该任务", "no job 'nope'"),
        (["schedule", "check", "--timetable", str(tmp_path / "none.yaml")], 2, "没有排班表文件", "no timetable file"),
        # campaign
        ([*create, "--from", "2025-13-01"], 2, "不是有效日期", "is not a date"),
        ([*create, "--from", "2025-03-01", "--to", "2025-02-01"], 2, "结束日期早于开始日期", "the end date"),
        (["campaign", "show", "nope"], 4, "没有该专项行动", "no campaign 'nope'"),
        # report
        (["report", "daily", "--date", "2025/03/14", "--out", str(tmp_path / "r.html")], 2, "不是有效日期", "not a"),
        # demo-market
        (["demo-market", "catalogue"], 0, "演示商品目录", "Demo catalogue"),
        (["demo-market", "catalogue"], 0, "合法相似商品", "Legal look-alike"),
        (["demo-market", "serve", "--error-rate", "5"], 2, "参数 --error-rate 无效", "invalid --error-rate"),
        # sweep, worker, eval
        (["sweep", "--platform", "demo"], 2, "未提供关键词", "no keywords given"),
        (["sweep", "--platform", "nosuchshop", "--keywords", "象牙"], 2, "未知平台", "unknown platform"),
        (["worker", "--exit-when-idle"], 2, "未设置 TRADEWATCH_REDIS_URL", "TRADEWATCH_REDIS_URL is not set"),
        (["eval"], 0, "精确率", "precision"),
        (["eval"], 0, "真实线索的类别正确率", "Category accuracy on true leads"),
        (["eval", "--catalogue", "nope"], 2, "未知的商品目录", "unknown catalogue"),
    ]
    outputs: dict[tuple[str, ...], tuple[Result, Result]] = {}
    for args, code, zh_text, en_text in cases:
        if tuple(args) not in outputs:  # a command listed twice is run once per language, checked for both texts
            outputs[tuple(args)] = (runner.invoke(app, args, env=ZH), runner.invoke(app, args, env=EN))
        zh, en = outputs[tuple(args)]
        assert (zh.exit_code, en.exit_code) == (code, code), (args, zh.output, en.output)
        assert zh_text in zh.output and en_text not in zh.output, (args, zh.output)
        assert en_text in en.output and zh_text not in en.output, (args, en.output)
        assert not BILINGUAL.search(zh.output) and not BILINGUAL.search(en.output), (args, zh.output, en.output)


def test_campaign_life_follows_the_language(tw_home):
    steps = [
        (["campaign", "create", "2025清风行动", "--keywords", "象牙", "--platforms", "demo"], "已创建专项行动"),
        (["campaign", "list"], "起止日期"),
        (["campaign", "show", "2025清风行动"], "按状态"),
        (["campaign", "close", "2025清风行动"], "专项行动已结束"),
        (["campaign", "list"], "已结束"),
    ]
    for args, zh_text in steps:
        zh = runner.invoke(app, args, env=ZH)
        assert zh.exit_code == 0 and zh_text in zh.output, (args, zh.output)
    refused = runner.invoke(app, ["campaign", "run", "2025清风行动"], env=ZH)
    assert refused.exit_code == 2 and "已结束" in refused.output
    refused = runner.invoke(app, ["campaign", "run", "2025清风行动"], env=EN)
    assert refused.exit_code == 2 and "is closed" in refused.output
    shown = runner.invoke(app, ["campaign", "show", "2025清风行动"], env=EN)
    assert "By status" in shown.output and "closed" in shown.output and not CJK.search(shown.output.split("2025")[0])

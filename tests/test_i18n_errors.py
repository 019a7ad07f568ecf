"""Under TRADEWATCH_LANG=zh no sentence reaches the officer in English: every command's help, and its error
paths (unknown option or command, missing option or argument, bad choice, bad value), found by walking the
command tree; refused transitions, timetable errors and job results too."""

from __future__ import annotations

import enum
import re
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.core import TyperArgument, TyperOption
from typer.main import get_command
from typer.testing import CliRunner

from cli import i18n
from cli.app import app
from tests.officer_desk_data import act, add_lead

runner = CliRunner()
ZH = {"TRADEWATCH_LANG": "zh", "COLUMNS": "200"}
CJK = re.compile(r"[\u3400-\u9fff]")
# Two English words in a row (ASCII only): an English phrase or sentence.
ENGLISH = re.compile(r"(?<![\w.-])[A-Za-z][a-z'’]+(?:,? +[A-Za-z][a-z'’]+)+(?![\w-])")


def _tree() -> list[tuple[tuple[str, ...], Any]]:
    return [(path, command) for path, command in i18n.iter_commands(get_command(app)) if path]


def _words_allowed(path: tuple[str, ...]) -> set[str]:
    return {word for name, _ in _tree() for word in name} | set(path)


def english_left(output: str, path: tuple[str, ...] = ()) -> list[str]:
    """English phrases in a zh screen, once what stays as it is is taken out: option names, metavars, command
    names, URLs, file names and paths, environment variables, values quoted back to the officer."""
    allowed = _words_allowed(path)
    found = []
    for line in output.splitlines():
        line = re.sub(r"[│╭╮╰╯─]", " ", line)
        line = re.sub(r"https?://\S+|`[^`]*`|'[^']*'|\"[^\"]*\"", " ", line)  # URLs, quoted values
        line = re.sub(r"(?:[\w.-]*/)+[\w.-]*", " ", line)  # paths and file names
        line = re.sub(r"\b[\w-]+\.(?:ya?ml|json|jsonl|html|csv|xlsx|docx|pdf|zip|toml|db)\b", " ", line)
        line = re.sub(r"(?<!\w)--?[\w-]+", " ", line)  # options
        line = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", line)  # metavars, defaults, ranges
        line = re.sub(r"\b[A-Z][A-Z0-9_]*\b", " ", line)  # NAME, TRADEWATCH_HOME
        line = " ".join(word for word in line.split() if word.strip("，。：,.:()（）") not in allowed)
        found += [match.group() for match in ENGLISH.finditer(line)]
    return found


def zh_run(args: list[str]) -> Any:
    return runner.invoke(app, args, env=ZH)


def _sample_value(param: Any) -> str | None:
    """A value of the wrong kind for the parameter, or None when any text is accepted."""
    annotation = param.type_descriptor.annotation
    inner = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return "nosuchchoice"
    if inner in (int, float):
        return "abc"
    if inner in (datetime, date):
        return "2025/13/45"
    if inner is Path and getattr(param.type_descriptor.parameter_info, "exists", False):
        return "/nonexistent/no-such-file.yaml"
    return None


def error_cases() -> list[tuple[str, list[str]]]:
    cases: list[tuple[str, list[str]]] = []
    for path, command in _tree():
        name = " ".join(path)
        cases.append((f"{name}: unknown option", [*path, "--no-such-option"]))
        if hasattr(command, "commands"):
            cases.append((f"{name}: unknown command", [*path, "no-such-command"]))
            continue
        if any(param.required for param in command.params):
            cases.append((f"{name}: missing", list(path)))
        for param in command.params:
            value = _sample_value(param)
            if value is None or not param.name:
                continue
            if isinstance(param, TyperOption) and not param.is_flag:
                cases.append((f"{name}: bad {param.name}", [*path, param.opts[0], value]))
            elif isinstance(param, TyperArgument):
                cases.append((f"{name}: bad {param.name}", [*path, value]))
    return cases


@pytest.mark.parametrize(("case", "args"), error_cases(), ids=[case for case, _ in error_cases()])
def test_error_paths_speak_chinese(tw_home: Path, case: str, args: list[str]):
    result = zh_run(args)
    assert result.exit_code != 0, (case, result.output)
    assert "Traceback" not in result.output
    assert CJK.search(result.output), (case, result.output)
    assert not re.search(r"'?--[\w-]+' / '|'--[\w-]+ / -", result.output), (case, result.output)  # Click's quoting
    left = english_left(result.output, tuple(args))
    assert left == [], f"{case}: English in `tradewatch {' '.join(args)}`: {left}\n{result.output}"


@pytest.mark.parametrize("path", [path for path, _ in _tree()], ids=" ".join)
def test_help_speaks_chinese(tw_home: Path, path: tuple[str, ...]):
    result = zh_run([*path, "--help"])
    assert result.exit_code == 0, result.output
    body = "\n".join(
        line
        for line in result.output.splitlines()
        if not re.search(r"(^|\s)tradewatch\s", line)  # example command lines and the usage line
    )
    left = english_left(body, path)
    assert left == [], f"English in `tradewatch {' '.join(path)} --help`: {left}\n{result.output}"
    assert "Usage:" not in result.output and "[OPTIONS]" not in result.output


def test_the_root_help_and_an_unknown_command(tw_home: Path):
    root = zh_run(["--help"])
    assert root.exit_code == 0 and english_left(root.output) == [], root.output
    unknown = zh_run(["no-such-command"])
    assert unknown.exit_code == 2 and "没有这个命令" in unknown.output, unknown.output
    assert english_left(unknown.output) == [], unknown.output


def test_refused_transitions_speak_chinese(tw_home: Path):
    lead = add_lead("500101", "穿山甲鳞片 整片", 91, "wildlife.pangolin", matched="穿山甲")
    act("claim", lead, "王芳")
    act("verify", lead, "王芳")
    cases = [
        ["leads", "claim", str(lead), "--officer", "李明"],
        ["leads", "verify", str(lead), "--officer", "王芳"],
        ["leads", "dismiss", str(lead), "--officer", "王芳", "--reason", "仿制品"],
        ["leads", "confirm-referral", str(lead), "--officer", "李明"],
        ["leads", "queue", str(lead), "--officer", "王芳", "--reason", "线索重要"],
        ["leads", "notice-reply", str(lead), "--officer", "王芳", "--text", "已下架"],
        ["leads", "claim", str(lead)],  # no identity
        ["leads", "claim", "99999", "--officer", "李明"],
    ]
    for args in cases:
        result = zh_run(args)
        assert result.exit_code != 0, (args, result.output)
        assert CJK.search(result.output) and english_left(result.output, tuple(args)) == [], (args, result.output)


@pytest.mark.parametrize(
    ("timetable", "chinese"),
    [
        ('feed:\n  time: "25:61"\n', "不是 HH:MM"),
        ('feed:\n  time: "07:30"\n  cron: "0 7 * * *"\n', "须且只能给一个"),
        ('deadline:\n  time: "08:00"\n', "未知字段"),
        ('feed:\n  time: "07:30"\n  min_score: lots\n', "不是整数"),
        ('feed:\n  time: "07:30"\n  teams: [{name: 野保组, daily_capacity: -1}]\n', "不能小于 0"),
        ('rechecks:\n  cron: "0 */6 * *"\n', "定时表达式"),
        ("feed:\n  time: [07:30\n", "不是有效的 YAML"),
        ('timezone: "UTC"\nfeed:\n  time: "07:30"\n', "timezone 必须是 Asia/Shanghai"),
    ],
)
def test_timetable_errors_speak_the_chosen_language(tw_home: Path, tmp_path: Path, timetable: str, chinese: str):
    path = tmp_path / "schedule.yaml"
    path.write_text(timetable, encoding="utf-8")
    zh = zh_run(["schedule", "check", "--timetable", str(path)])
    assert zh.exit_code == 2 and chinese in zh.output, zh.output
    assert english_left(zh.output) == [], zh.output
    en = runner.invoke(app, ["schedule", "check", "--timetable", str(path)], env={"TRADEWATCH_LANG": "en"})
    assert en.exit_code == 2 and not CJK.search(en.output.replace(str(path), "")), en.output


def test_run_job_and_waiting_read_as_text(tw_home: Path, tmp_path: Path):
    add_lead("500201", "象牙色 塑料 手串", 40, "wildlife.ivory", matched="象牙", queued=False)
    timetable = tmp_path / "schedule.yaml"
    timetable.write_text('feed:\n  time: "07:30"\n  min_score: 60\n', encoding="utf-8")
    ran = zh_run(["schedule", "run-job", "feed", "--timetable", str(timetable)])
    assert ran.exit_code == 0, ran.output
    assert "{" not in ran.output and "=" not in ran.output, ran.output  # no Python dict, no key=value
    assert "入队线索数：0" in ran.output and "低于入队评分门槛：1" in ran.output, ran.output
    assert english_left(ran.output) == [], ran.output
    waiting = zh_run(["schedule", "waiting"])
    assert waiting.exit_code == 0 and "象牙" in waiting.output and "wildlife.ivory" not in waiting.output
    assert english_left(waiting.output) == [], waiting.output

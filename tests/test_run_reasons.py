"""A sweep that read no result page says why: a refused private address, robots.txt, DNS, HTTP 5xx or 404; and
every reason a run can record reaches the officer in their language, what it quotes made safe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import i18n
from cli.app import app
from cli.runs import FIELD, reason_patterns, reason_text, recorded_reasons
from crawler.profiles import PACKAGED_PROFILES
from crawler.run_health import (
    ABANDONED,
    BLOCKED,
    BROWSER_UNAVAILABLE,
    LAUNCH_ERROR_STAT,
    NEVER_READ_STAT,
    REASONS,
    SCORER_FAILED,
    SCORER_FAILED_STAT,
    SEE_THE_LOG,
    STORE_UNAVAILABLE,
    WORKER_FAILED_STAT,
    WORKERS_LOST,
    assess,
)

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
NOTHING_READ = {"downloader/response_count": 0, "tradewatch/pages/search": 0}
REFUSED = "refused: private address (allow it in allow_private_hosts)"


@pytest.mark.parametrize(
    ("stats", "reason"),
    [
        ({"tradewatch/requests/forbidden_destination": 2}, REFUSED),
        ({"tradewatch/browser/forbidden_destination": 1}, REFUSED),
        ({"robotstxt/forbidden": 2}, "robots.txt disallows"),
        ({"tradewatch/errors/request": 2, "tradewatch/errors/dns": 2}, "DNS failure"),
        ({"downloader/response_count": 6, "tradewatch/errors/request": 2, "tradewatch/errors/http_503": 2},
         "HTTP 5xx"),
        ({"downloader/response_count": 2, "tradewatch/errors/request": 2, "tradewatch/errors/http_404": 2},
         "HTTP 404 on every search"),
        ({"tradewatch/errors/request": 2}, "no response from the site (2 failed requests)"),
    ],
)  # fmt: skip
def test_an_unreachable_run_names_its_cause(stats, reason):
    health = assess({**NOTHING_READ, **stats}, "finished")
    assert health.outcome == "unreachable"
    assert health.reasons == [reason]


def test_a_404_on_some_searches_only_is_not_called_a_404_on_every_search():
    stats = {**NOTHING_READ, "downloader/response_count": 3, "tradewatch/errors/request": 3,
             "tradewatch/errors/http_404": 1, "tradewatch/errors/http_403": 2}  # fmt: skip
    assert assess(stats, "finished").reasons == ["no result page could be read (3 failed requests)"]


def demo_profile(tmp_path: Path, base_url: str, **changes: object) -> Path:
    data = yaml.safe_load((PACKAGED_PROFILES / "demo.yaml").read_text(encoding="utf-8"))
    data.update({"name": "xianzhi", "display_name": "闲置集市 / Xianzhi market", "base_url": base_url, **changes})
    data.pop("allowed_domains", None)
    path = tmp_path / "xianzhi.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_profile_without_allow_private_hosts_is_refused_and_the_run_says_so(demo_market, tw_home, tmp_path):
    data = demo_profile(tmp_path, demo_market)
    profile = yaml.safe_load(data.read_text(encoding="utf-8"))
    profile.pop("allow_private_hosts")
    data.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["sweep", "--profile", str(data), "--keywords", "象牙"])
    assert result.exit_code == 3
    assert "xianzhi (unreachable; refused: private address (allow it in allow_private_hosts))" in result.output


def test_a_search_url_that_is_404_everywhere_says_so(demo_market, tw_home, tmp_path):
    search = {"url": "{base_url}/no-such-search?q={keyword}&page={page}"}
    result = runner.invoke(app, ["sweep", "--profile", str(demo_profile(tmp_path, demo_market, search=search)),
                                 "--keywords", "象牙,穿山甲"])  # fmt: skip
    assert result.exit_code == 3
    assert "xianzhi (unreachable; HTTP 404 on every search)" in result.output


# What a reason quotes, by its field: an error text with an escape sequence in it, as a page or a library may give.
DETAILS = {
    "count": "3", "rejects": "2", "failed": "7", "responses": "40", "field": "price", "share": "45%",
    "minimum": "80%", "reason": "'timeout'", "pages": "12", "listings": "30", "error": "无法连接浏览器\x1b]8;;http://例子.cn\x07点击\x1b]8;;\x07",
}  # fmt: skip
# Names that stay as they are in Chinese: protocols, a file and a setting the officer types.
KEPT = ("robots.txt", "allow_private_hosts", "HTTP", "DNS", "PDF", "5xx", "Ctrl-C")


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("template", recorded_reasons())
def test_every_recorded_reason_is_shown_in_chinese_with_its_detail_made_safe(template, chinese):
    fields = {name: DETAILS[name] for name in FIELD.findall(template)}
    shown = reason_text(template.format(**fields))
    assert [pattern.fullmatch(template.format(**fields)) is not None for pattern, _ in reason_patterns()].count(
        True
    ) == 1
    assert "\x1b" not in shown and "\x07" not in shown
    rest = shown
    for value in fields.values():
        safe = value.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
        assert safe in rest  # the detail is there, its controls shown as visible escapes
        rest = rest.replace(safe, "")
    for name in KEPT:
        rest = rest.replace(name, "")
    assert re.search(r"[A-Za-z]", rest) is None, shown
    assert re.search(r"[\u4e00-\u9fff]", rest), shown


@pytest.mark.parametrize("template", recorded_reasons())
def test_every_recorded_reason_is_shown_unchanged_in_english(template):
    i18n.set_language("en")
    fields = {name: DETAILS[name] for name in FIELD.findall(template) if name != "error"}
    fields.setdefault("error", "BrowserType.launch: Timeout 30000ms exceeded.")
    assert reason_text(template.format(**fields)) == template.format(**fields)


def test_a_reason_without_its_error_says_see_the_log_in_chinese(chinese):
    health = assess({}, SCORER_FAILED)
    assert health.reasons == ["scorer not loaded: see the log"]
    assert reason_text(health.reasons[0]) == "评分器未能加载：详见日志"
    assert SEE_THE_LOG in health.reasons[0]


# Stats that lead `assess` down each of its branches, so every reason it gives is one of its templates.
SCENARIOS = [
    ({}, STORE_UNAVAILABLE),
    ({SCORER_FAILED_STAT: "watchlist 象牙.yaml: bad term"}, SCORER_FAILED),
    ({LAUNCH_ERROR_STAT: "BrowserType.launch: Timeout 30000ms exceeded."}, BROWSER_UNAVAILABLE),
    ({"tradewatch/pages/blocked": 2, "downloader/response_count": 4}, BLOCKED),
    ({**NOTHING_READ, "tradewatch/requests/forbidden_destination": 1}, "finished"),
    ({**NOTHING_READ, "robotstxt/forbidden": 1}, "finished"),
    ({**NOTHING_READ, "tradewatch/errors/request": 1, "tradewatch/errors/dns": 1}, "finished"),
    ({"downloader/response_count": 2, "tradewatch/errors/http_502": 2}, "finished"),
    ({"downloader/response_count": 2, "tradewatch/errors/request": 2, "tradewatch/errors/http_404": 2}, "finished"),
    ({**NOTHING_READ, "tradewatch/errors/request": 2}, "finished"),
    ({"downloader/response_count": 2, "tradewatch/errors/request": 2, "tradewatch/errors/http_403": 2}, "finished"),
    ({"downloader/response_count": 5, "tradewatch/pages/search": 2}, "closespider_timeout"),
    ({"downloader/response_count": 5, "tradewatch/pages/search": 2}, "shutdown"),
    (NOTHING_READ, ABANDONED),
    ({NEVER_READ_STAT: 3}, WORKERS_LOST),
    ({NEVER_READ_STAT: 2, WORKER_FAILED_STAT: "sweep worker process failed (exit -9): no output"}, WORKERS_LOST),
    ({"downloader/response_count": 5, "tradewatch/pages/search": 2, "tradewatch/pages/unparsed": 2}, "finished"),
    ({"downloader/response_count": 5, "tradewatch/pages/search": 2, "tradewatch/pages/unparsed": 2,
      "tradewatch/results/seen": 6}, "finished"),
    ({"downloader/response_count": 10, "tradewatch/pages/search": 2, "tradewatch/items/yielded": 10,
      "tradewatch/field/price/present": 4, "tradewatch/errors/request": 5, "tradewatch/pages/unparsed": 1,
      "tradewatch/pages/undecodable": 1, "tradewatch/pages/not_text": 1, "tradewatch/evidence/failed": 2}, "finished"),
]  # fmt: skip


def test_every_reason_assess_gives_is_one_of_its_templates_and_every_template_is_given():
    given = [reason for stats, finish in SCENARIOS for reason in assess(stats, finish).reasons]
    matched = {template for reason in given for pattern, template in reason_patterns() if pattern.fullmatch(reason)}
    unmatched = [reason for reason in given if not any(pattern.fullmatch(reason) for pattern, _ in reason_patterns())]
    assert unmatched == []
    assert matched == set(REASONS)

"""A sweep that read no result page says why: a refused private address, robots.txt, DNS, HTTP 5xx or 404."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli.app import app
from crawler.profiles import PACKAGED_PROFILES
from crawler.run_health import assess

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

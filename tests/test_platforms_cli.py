"""`tradewatch platforms list` and `platforms new`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
PAGE = """<html><head><meta charset="utf-8"><title>搜索 象牙 - 某集市</title></head><body>
<div class="goods"><a class="name" href="/item/1001">老象牙手镯 保真</a><em>¥3800</em></div>
<div class="goods"><a class="name" href="/item/1002">穿山甲鳞片 中药材</a><em>¥260</em></div>
</body></html>"""


def test_platforms_list_shows_shipped_and_bureau_profiles(tw_home: Path):
    folder = tw_home / "platforms"
    folder.mkdir(parents=True)
    (folder / "broken-shop.yaml").write_text("name: broken-shop\n", encoding="utf-8")
    result = runner.invoke(app, ["platforms", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert '"name": "taobao"' in result.output
    assert '"name": "broken-shop"' in result.output
    assert "display_name: Field required" in result.output


def test_platforms_new_writes_a_profile_fixture_and_a_failing_test(tw_home: Path, tmp_path: Path):
    page = tmp_path / "saved.html"
    page.write_text(PAGE, encoding="utf-8")
    result = runner.invoke(app, ["platforms", "new", "mou-ji", "--file", str(page)])
    assert result.exit_code == 0, result.output
    folder = tw_home / "platforms"
    profile, test = folder / "mou-ji.yaml", folder / "tests" / "test_mou_ji.py"
    assert (folder / "tests" / "fixtures" / "mou-ji.html").read_text(encoding="utf-8") == PAGE
    listed = runner.invoke(app, ["platforms", "list", "--json"])
    assert '"name": "mou-ji"' in listed.output and "invalid" not in listed.output
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
                         capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120)  # fmt: skip
    assert run.returncode == 1, run.stdout  # fails until the selectors are filled in
    assert "1 failed" in run.stdout
    again = runner.invoke(app, ["platforms", "new", "mou-ji", "--file", str(page)])
    assert again.exit_code == 2
    assert "exists" in again.output
    assert profile.exists()


def test_platforms_new_refuses_unsafe_names_and_missing_pages(tw_home: Path, tmp_path: Path):
    page = tmp_path / "saved.html"
    page.write_text(PAGE, encoding="utf-8")
    for name in ("../evil", "Evil", "a/b", ""):
        result = runner.invoke(app, ["platforms", "new", name, "--file", str(page)])
        assert result.exit_code == 2
        assert "invalid platform name" in result.output
    missing = runner.invoke(app, ["platforms", "new", "shop", "--file", str(tmp_path / "nope.html")])
    assert missing.exit_code == 2
    assert "no such page file" in missing.output
    assert not (tw_home / "platforms").exists()

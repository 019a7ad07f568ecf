"""`tradewatch eval --background`: false alarms per 10,000 real, ordinary listings; and the locked test part of the
shipped set, whose listings are counted, never listed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from crawler.page_check import check_page
from crawler.profiles import load_profile

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
runner_zh = CliRunner(env={"TRADEWATCH_LANG": "zh"})


def write_background(path: Path, titles: list[str], header: str = "") -> Path:
    path.write_text(header + "\n".join(titles) + "\n", encoding="utf-8")
    return path


def test_background_counts_false_alarms_per_10000_and_names_them(tmp_path: Path) -> None:
    titles = [
        "加厚珊瑚绒毛毯 双人 冬季 220x240",
        "小米充电宝 20000毫安 快充",
        "额温枪 家用 婴儿 高精度",
        "象牙手镯 老料 包老 私聊",  # an offence slipped into the set: the one false alarm
        '{"title": "虎皮兰 大盆 客厅 绿植", "description": "净化空气 好养活"}',
    ]
    header = "# source: a bureau's export of ordinary listings\n# licence: internal use\n# a comment line\n\n"
    background = write_background(tmp_path / "ordinary.txt", titles, header)
    result = runner.invoke(app, ["eval", "--background", str(background), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == 5 and data["flagged"] == 1
    assert data["false_alarms_per_10k"] == 2000.0 and data["target_per_10k"] == 5.0
    assert data["source"] == "a bureau's export of ordinary listings" and data["licence"] == "internal use"
    assert [row["title"] for row in data["false_alarms"]] == ["象牙手镯 老料 包老 私聊"]
    assert data["false_alarms"][0]["line"] == 8 and data["false_alarms"][0]["got"] == "wildlife.ivory"
    text = runner.invoke(app, ["eval", "--background", str(background)])
    assert "5 ordinary listings" in text.stdout and "2000.0 per 10,000" in text.stdout and "missed" in text.stdout
    assert "象牙手镯" in text.stdout


def test_a_clean_background_meets_the_target_in_chinese(tmp_path: Path) -> None:
    background = write_background(tmp_path / "ordinary.txt", ["电动牙刷 成人 声波", "儿童水枪 夏季 玩水"])
    result = runner_zh.invoke(app, ["eval", "--background", str(background)])
    assert result.exit_code == 0, result.output
    assert "背景集" in result.stdout and "达标" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"title": "ok"}\n{"title": \n', "bad.txt:2"),
        (b'{"name": "no title"}\n', "title"),
        ("珊瑚绒毛毯".encode("gbk"), "UTF-8"),
        (b"# source: nothing else\n\n", "no listing titles"),
    ],
)
def test_a_bad_background_file_is_one_line_and_a_non_zero_exit(tmp_path: Path, content: bytes, message: str) -> None:
    background = tmp_path / "bad.txt"
    background.write_bytes(content)
    result = runner.invoke(app, ["eval", "--background", str(background)])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


def test_background_excludes_the_other_sets(tmp_path: Path) -> None:
    background = write_background(tmp_path / "ordinary.txt", ["电动牙刷"])
    result = runner.invoke(app, ["eval", "--background", str(background), "--rules"])
    assert result.exit_code != 0 and "only one of" in result.output


def test_the_locked_test_part_is_counted_not_listed(shipped_eval: Callable[..., Result]) -> None:
    data = json.loads(shipped_eval("--json").stdout)
    assert data["dev"]["listed"] is True and isinstance(data["dev"]["misses"], list)
    test = data["test"]
    assert test["listed"] is False
    assert test["misses"] == test["leads"]["fn"] and test["false_alarms"] == test["leads"]["fp"]
    text = shipped_eval().stdout
    test_section = text[text.index("Part test") :]
    assert "line " not in test_section and "counted, not listed" in test_section


# The saved search pages of real marketplaces: listings nobody here wrote (phones, tablets, cables, headphones,
# and one thermometer "gun"), read in place.
REAL_SEARCH_PAGES = [
    ("taobao", "taobao-search-ipad-2018.html", "https://s.taobao.com/search?q=ipad"),
    ("jd", "jd-search-sony-headphones-2016.html", "https://search.jd.com/Search?keyword=%E7%B4%A2%E5%B0%BC"),
    ("jd", "jd-search-123-2016.html", "https://search.jd.com/Search?keyword=123"),
    ("jd", "jd-search-phone-2024.html", "https://search.jd.com/Search?keyword=%E6%89%8B%E6%9C%BA"),
    ("1688", "1688-search-cable-2024.html", "https://s.1688.com/selloffer/offer_search.htm"),
    ("momo", "momo-search-traditional.html", "https://www.momoshop.com.tw/search/searchShop.jsp?keyword=iphone"),
    ("craigslist", "craigslist-search.html", "https://boston.craigslist.org/search/sss"),
]


@pytest.mark.realpages
def test_real_marketplace_titles_raise_no_false_alarm(realpages: Path, tmp_path: Path) -> None:
    titles: list[str] = []
    for platform, page, url in REAL_SEARCH_PAGES:
        listings = check_page(load_profile(platform), (realpages / page).read_bytes(), url).listings
        titles.extend(" ".join(listing["title"].split()) for listing in listings)
    assert len(titles) >= 350 and any("体温枪" in title for title in titles)
    background = write_background(tmp_path / "real.txt", titles, "# source: ../shared/realpages search pages\n")
    data = json.loads(runner.invoke(app, ["eval", "--background", str(background), "--json"]).stdout)
    assert data["total"] == len(titles)
    assert data["false_alarms"] == []


# The saved item pages: a phone, a keyboard case, a solar tea light and a motorcycle, each with its description.
REAL_ITEM_PAGES = [
    ("craigslist", "craigslist-item.html",
     "https://boston.craigslist.org/nos/for/d/peabody-solar-tea-light/7692736931.html"),
    ("craigslist", "craigslist-item-no-price.html",
     "https://boston.craigslist.org/nos/mcd/d/salem-2019-suzuki-dr650-skuuk-ca-suzuki/7647523987.html"),
    ("tmall", "tmall-item-gbk.html", "https://detail.tmall.com/item.htm?id=605258110430"),
    ("taobao-item", "taobao-item-charset-mismatch.html", "https://item.taobao.com/item.htm?id=562283240178"),
]  # fmt: skip


@pytest.mark.realpages
def test_real_item_pages_with_their_descriptions_raise_no_false_alarm(realpages: Path, tmp_path: Path) -> None:
    rows: list[str] = []
    for platform, page, url in REAL_ITEM_PAGES:
        [listing] = check_page(load_profile(platform), (realpages / page).read_bytes(), url).listings
        record = {"title": listing["title"], "description": listing.get("description") or ""}
        rows.append(json.dumps(record, ensure_ascii=False))
    assert sum(1 for row in rows if json.loads(row)["description"]) >= 3
    background = write_background(tmp_path / "items.jsonl", rows, "# source: ../shared/realpages item pages\n")
    data = json.loads(runner.invoke(app, ["eval", "--background", str(background), "--json"]).stdout)
    assert data["total"] == len(REAL_ITEM_PAGES)
    assert data["false_alarms"] == []

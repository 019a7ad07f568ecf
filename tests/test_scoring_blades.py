"""Everyday cutting goods, worded apart from the shipped evaluation set: a title that names a kitchen, butcher's,
fruit or carving knife, scissors or a razor (a dictionary word for them, or a knife character after a word of an
everyday use: 厨 "kitchen", 骨 "bone") sells those goods, and the weapons traits 开刃/锋利 describe them. A
controlled knife named, a defence framing or evasion of a ban keeps the listing a lead."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead

ROOT = Path(__file__).resolve().parents[1]
ALIASES = ROOT / "pipelines" / "watchlists" / "dictionary_aliases.yaml"


@pytest.mark.parametrize(
    ("title", "goods"),
    [
        ("德国进口 剁骨刀 开刃 锋利 饭店专用 私信报价", "剁骨刀"),
        ("牛角柄 水果刀 锋利 开刃 便携 加V看实物", "水果刀"),
        ("老式 菜刀 手工锻打 开刃 锋利 私聊", "菜刀"),
        ("日式 主厨刀 开刃 锋利 懂的来", "主厨刀"),
        ("裁缝 大剪刀 锋利 开刃 私聊", "大剪刀"),
    ],
)
def test_sharp_everyday_cutting_goods_are_no_lead(scorer: Scorer, title: str, goods: str) -> None:
    result = assert_clear(scorer, title)
    assert any(r["rule"] == "everyday_goods" and r["goods"] == goods for r in result.rules)


@pytest.mark.parametrize(
    "title",
    [
        "家用 切片刀 开刃 锋利 防身 私聊",  # framed as a means of defence
        "屠宰 剔肉刀 开刃 锋利 不走快递 私聊",  # evades a ban on shipping it
        "厨刀 开刃 锋利 没有手续 私聊",  # says it has no papers
        "户外求生刀 开刃 锋利 私聊",  # no everyday use named
    ],
)
def test_sharp_knives_framed_as_weapons_stay_leads(scorer: Scorer, title: str) -> None:
    result = assert_lead(scorer, title, "prohibited.weapons")
    assert not any(r["rule"] == "everyday_goods" for r in result.rules)


@pytest.mark.parametrize("title", ["三棱刮刀 开刃 锋利 私聊", "手工 三棱刮刀 全钢"])
def test_the_three_edged_scraper_is_a_controlled_knife(scorer: Scorer, title: str) -> None:
    assert_lead(scorer, title, "prohibited.weapons")


def test_a_controlled_knife_beside_a_kitchen_knife_stays_a_lead(scorer: Scorer) -> None:
    assert_lead(scorer, "菜刀 弹簧刀 套装 开刃 锋利 私聊", "prohibited.weapons")


def test_everyday_blades_come_from_the_dictionary() -> None:
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    assert {"菜刀", "水果刀", "剃须刀", "剪刀"} <= set(signals["blade_goods"])
    assert "刀" in signals["blade_characters"]
    assert {"厨", "骨"} <= set(signals["blade_uses"])
    assert "防身" in signals["defence_words"]
    # weapons the dictionary glosses as knives are never everyday goods
    assert not {"匕首", "弹簧刀", "猎刀", "刺刀", "折刀"} & set(signals["blade_goods"])
    # names (快船 "Los Angeles Clippers", 库克 "Cook (name)"), a knife's modifier as a whole sense (功利 "utility")
    # and senses narrowed to another thing (球台 "table (for games using balls)") are neither goods nor uses
    assert not {"快船", "库克"} & set(signals["blade_goods"])
    assert not {"功利", "库克", "球台", "起皮"} & set(signals["blade_uses"])


def test_the_blade_lists_are_read_off_plain_first_senses() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "build_dictionary_aliases.py"))
    glosses = {
        "菜刀": "kitchen knife/cleaver",
        "快船": "Los Angeles Clippers (NBA team)",
        "推子": "hair clippers",
        "厨": "kitchen",
        "芝士": "cheese (loanword)",
        "库克": "Cook (name)/Captain James Cook (1728-1779), British navigator and explorer",
        "功利": "utility",
        "球台": "table (for games using balls)",
        "起皮": "(of skin) to peel",
    }
    entries = [(word, gloss.split("/")[0], gloss, line) for line, (word, gloss) in enumerate(glosses.items(), 1)]
    found = script["everyday_blades"](entries)
    assert found["blade_goods"] == ["推子", "菜刀"]
    assert found["blade_uses"] == ["厨", "芝士"]

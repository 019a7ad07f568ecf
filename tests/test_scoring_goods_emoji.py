"""Pictographs of prohibited goods (🧨, 🚬, 🔫): read through the emoji package's annotations and the categories' own
words (scripts/build_goods_emoji.py), each counting only beside the goods' context. Examples are worded apart from
the shipped evaluation set.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from pipelines.scoring.fold_text import Normaliser
from tests.scoring_support import assert_clear, assert_lead

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "pipelines" / "watchlists" / "goods_emoji.yaml"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_goods_emoji", ROOT / "scripts" / "build_goods_emoji.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_what_the_build_script_makes() -> None:
    shipped = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    assert _build_module().build() == shipped


def test_a_pictograph_takes_the_category_whose_word_its_annotation_is() -> None:
    shipped = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    by_char = {t["term"]: (c["id"], t) for c in shipped["categories"] for t in c["terms"]}
    assert by_char["🧨"][0] == "prohibited.fireworks"
    assert by_char["🚬"][0] == "prohibited.tobacco"
    assert by_char["🗡"][0] == "prohibited.weapons"
    assert "CLDR zh" in by_char["🧨"][1]["source"]
    # Miscellaneous Symbols and Pictographs are read too: 🎆 is annotated 焰火 and 🎇 烟花, both words of fireworks
    assert by_char["🎆"][0] == by_char["🎇"][0] == "prohibited.fireworks"
    # the kitchen knife (菜刀) and the pill (药丸) are no word of any category
    assert "🔪" not in by_char and "💊" not in by_char
    # 🔫 is annotated 水枪, an innocent phrase of weapons: it is read by its English name, and needs weapon context
    category, gun = by_char["🔫"]
    assert category == "prohibited.weapons" and "CLDR en" in gun["source"]
    assert gun["requires"] and "钢珠" in gun["requires"]


def test_a_goods_pictograph_stays_in_the_canonical_form_and_others_are_dropped() -> None:
    normaliser = Normaliser()
    assert normaliser.fold("🧨 一箱") == "🧨一箱"
    assert normaliser.fold("好货🔥 一箱") == "好货一箱"  # 🔥 is decoration, dropped like punctuation
    assert normaliser.fold("🎆 一箱") == "🎆一箱"
    assert normaliser.fold("好货🌟 一箱") == "好货一箱"  # a star of the same block is decoration
    assert normaliser.normalise("a🚬b").original_span(1, 2) == (1, 2)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("🧨 整箱 年货", "一箱十二盒 顺丰不收 只能自提", "prohibited.fireworks"),
        ("🚬 整条 外地代购", "到手一条十包", "prohibited.tobacco"),
        ("🔫 全金属 打6mm钢珠", "射程二十米 分两箱寄", "prohibited.weapons"),
        ("🎆🎆 年货", "整箱发 不走快递 私聊", "prohibited.fireworks"),
    ],
)
def test_a_goods_pictograph_with_its_context_is_a_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    hit = next(h for h in result.hits if h.category == category)
    assert hit.mechanism == "generated_variant" and hit.source and hit.source.startswith("emoji ")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("🔫 夏天 玩水 沙滩", "大容量 孩子喜欢"),  # a water gun: no weapon context
        ("🔫 儿童 玩具 泼水节", "打水仗 背包式"),
        ("🧨 新年 窗花 贴纸", "红色喜庆 一套十张"),  # the pictograph drawn on decorations, no goods form
        ("🚬 陶瓷 烟灰缸", "办公室 客厅 摆件"),
        ("🎆 新年 贺卡", "手绘 一套六张"),
    ],
)
def test_a_goods_pictograph_without_its_context_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)

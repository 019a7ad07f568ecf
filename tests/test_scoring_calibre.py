"""A weapon told by its calibre: a bore of air guns or firearms written bare beside a barrel word or before a count
of rounds is a hit of prohibited.weapons with no product word; a calibre with a measure unit measures other goods.
Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer, ScoreResult
from tests.scoring_support import assert_lead, rules_by_name

ALIASES = Path(__file__).resolve().parents[1] / "pipelines" / "watchlists" / "dictionary_aliases.yaml"


def assert_no_calibre(result: ScoreResult, title: str) -> None:
    """No calibre was read in the listing, and it is no weapon."""
    assert "calibre_pattern_context" not in rules_by_name(result), title
    assert result.category != "prohibited.weapons"


@pytest.mark.parametrize(
    "title",
    [
        "4.5 小头 整盒 300颗 顺丰",
        "7.62 头 一包 50 发 老客户",
        "订做 不锈钢管 口径 5.5 配件",
        "精密钢管 一根 6.35口径 私聊",
    ],
)
def test_a_calibre_beside_its_barrel_or_rounds_is_a_weapons_lead(scorer: Scorer, title: str) -> None:
    result = assert_lead(scorer, title, "prohibited.weapons")
    assert "calibre_pattern" in {h.mechanism for h in result.hits}
    assert any(r["rule"] == "calibre_pattern_context" for r in result.rules)


@pytest.mark.parametrize(
    "title",
    [
        "5.5寸 手机屏幕 总成 送 100颗 螺丝",
        "9mm 钢钉 一盒 500颗",
        "4.5mm 串珠 500颗 手工DIY",
        "内径5.5mm 硅胶管 1米",
        "5.5元 一包 100颗 水果糖",
        "扫码点餐 菜单卡 5.5 折",
    ],
)
def test_a_number_that_measures_other_goods_is_no_calibre(scorer: Scorer, title: str) -> None:
    assert_no_calibre(scorer.score({"title": title}), title)


@pytest.mark.parametrize(
    "title",
    [
        "食品级 硅胶管 内径5.5 外径9 耐高温",
        "深沟球轴承 内径4.5 外径12 一套",
        "鱼缸 增氧 软管 内径5.5 两米",
        "不锈钢 阀门 内径4.5 接头",
    ],
)
def test_a_diameter_of_goods_measured_by_their_bore_is_no_calibre(scorer: Scorer, title: str) -> None:
    """内径 is a diameter of anything: beside a hose, a bearing or a word that 管 ends (硅胶管), from the
    dictionary's senses, its number is that goods' bore."""
    assert_no_calibre(scorer.score({"title": title, "description": "现货 量大优惠"}), title)


@pytest.mark.parametrize(
    "title",
    [
        "内径5.5 枪管 加长款 私聊",
        "硅胶管 内径4.5 一盒 400颗 顺丰",
        "精密 软管 口径5.5 订做",
    ],
)
def test_a_calibre_beside_a_barrel_rounds_or_a_gun_word_stays_a_weapon(scorer: Scorer, title: str) -> None:
    """The barrel itself (枪管), a count of rounds or 口径, a gun's calibre, keep the reading whatever else the
    listing names."""
    assert_lead(scorer, title, "prohibited.weapons")


def test_bore_goods_come_from_the_dictionary() -> None:
    """The bore goods, their head characters and the diameters of anything are generated from CC-CEDICT."""
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    assert {"软管", "轴承", "垫圈"} <= set(signals["bore_goods"])
    assert "管" in signals["bore_characters"]
    assert signals["bore_measures"] == ["内径"]

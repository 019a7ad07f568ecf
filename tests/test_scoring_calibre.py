"""A weapon told by its calibre: a bore of air guns or firearms written bare beside a barrel word or before a count
of rounds is a hit of prohibited.weapons with no product word; a calibre with a measure unit measures other goods.
Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_lead


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
    result = scorer.score({"title": title})
    assert not any(r["rule"] == "calibre_pattern_context" for r in result.rules), title
    assert result.category != "prohibited.weapons"

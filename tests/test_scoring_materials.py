"""Look-alike materials stated as what the goods are made of (水牛角雕的, 骆驼骨做的, 材质是树脂): a dealer's voice
beside them adds nothing, while the same words that deny the material (不是骆驼骨做的) keep the lead. Worded apart
from the shipped evaluation set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score

DEALER_TALK = "包浆厚，懂的来，私聊，不走平台"


@pytest.mark.parametrize(
    ("title", "description", "material"),
    [
        # a verb of making and 的 after the material
        ("犀角杯 仿古 整只 老工艺", f"牦牛角雕的仿古杯，{DEALER_TALK}", "牦牛角"),
        ("象牙 佛珠 108颗 老料", f"骆驼骨做的，白润，{DEALER_TALK}", "骆驼骨"),
        # a copula before it
        ("鹤顶红 挂件 雕刻 老货", f"材质是树脂，颜色做得像，{DEALER_TALK}", "树脂"),
        # a bare 的 that ends its clause, against a code word of the goods too
        ("白料 手镯 老料 懂的来", f"牛骨的，盘玩多年，{DEALER_TALK}", "牛骨"),
        # after a reveal of what the goods are
        ("穿山甲片 大片 完整", f"其实是塑料，颜色做旧，{DEALER_TALK}", "塑料"),
    ],
)
def test_a_look_alike_material_stated_as_the_goods_clears_dealer_talk(
    scorer: Scorer, title: str, description: str, material: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rules["material_stated"]["signal"] == material
    assert "私聊" in rules["material_stated"]["talk"]
    assert "evasion" not in rules


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # the same words denying the material vouch for the real goods
        ("犀角杯 仿古 整只 老工艺", f"不是牦牛角雕的，{DEALER_TALK}", "wildlife.rhino_horn"),
        ("象牙 佛珠 108颗 老料", f"不是骆驼骨做的，白润，{DEALER_TALK}", "wildlife.ivory"),
        # a denial earlier in the clause reaches the material
        ("穿山甲片 大片 完整", f"不是仿的塑料做的，火烧有焦味，{DEALER_TALK}", "wildlife.pangolin"),
        # the material of the vessel the goods come in, not of the goods
        ("虎骨酒 一瓶 老酒", f"瓶子是玻璃的，酒是真的，{DEALER_TALK}", "wildlife.tiger_leopard"),
        # an innocence word followed by 的 and more of its clause is no statement of the material
        ("麝香 整仁 一克 野生", f"人工的不值这个价，{DEALER_TALK}", "wildlife.musk"),
        # a claim is no material (如果是假的 of a guarantee)
        ("象牙 手镯 老料 白润", f"保真，如果是假的包退，{DEALER_TALK}", "wildlife.ivory"),
    ],
)
def test_a_denied_material_or_one_of_something_else_keeps_the_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    rules = rules_by_name(assert_lead(scorer, title, category, description))
    assert "material_stated" not in rules


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("犀角杯 老件 整只", "市面上都是牦牛角雕的，这个是真的，懂的来，私聊"),
        ("象牙 手镯 老料 白润", "外面都是骆驼骨，这个是真的，懂的来，私聊"),
    ],
)
def test_a_material_of_other_sellers_goods_is_not_the_listings(scorer: Scorer, title: str, description: str) -> None:
    assert "material_stated" not in rules_by_name(score(scorer, title, description))


def test_a_material_of_other_sellers_goods_leaves_the_dealer_talk(scorer: Scorer) -> None:
    assert_lead(scorer, "犀角杯 老件 整只", "wildlife.rhino_horn", "市面上都是牦牛角雕的，这个是真的，懂的来，私聊")

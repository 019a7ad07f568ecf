"""Prohibited goods told by what they hold or give off and the shape they come in, with no name of the goods: an
e-cigarette called a scented pen that holds nicotine, a vapour stick; a firework told by its report and the
flowers it makes in the sky. Each with the ordinary goods that share the words (a nicotine patch, a steam eye
mask, flowers for the new year). Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists
from tests.scoring_support import assert_clear, assert_lead


def test_the_defining_properties_and_shapes_are_category_data() -> None:
    tobacco = load_watchlists().categories["prohibited.tobacco"]
    assert "尼古丁" in tobacco.defining and "笔" in tobacco.shapes


@pytest.mark.parametrize(
    ("title", "description", "category", "word"),
    [
        ("柠檬味 舒缓笔 尼古丁3%", "含尼古丁 揣兜里 走路也能抽 一支顶一周 两支包邮", "prohibited.tobacco", "尼古丁"),
        ("冰爽蒸汽杆 一次性 迷你", "薄荷味 吸一口很凉 私聊 私下交易", "prohibited.tobacco", "蒸汽"),
        ("元宵 放的 大礼盒", "点着以后空中开花 一盒三十六发 只能自提 不走快递", "prohibited.fireworks", "空中开花"),
    ],
)
def test_goods_told_by_what_they_hold_or_do_are_a_lead(
    scorer: Scorer, title: str, description: str, category: str, word: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    hit = next(h for h in result.hits if h.category == category)
    assert hit.mechanism == "function_pattern" and hit.term == word


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("尼古丁透皮贴 戒烟 14mg", "一盒七片 药房同款 逐日减量"),  # a medicine: no shape of the goods
        ("草本能量棒 零尼古丁 坚果", "代餐 饱腹 不含尼古丁 一盒十根"),  # a negated nicotine is none
        ("热敷蒸汽眼罩 一次性", "自发热蒸汽 缓解眼疲劳 二十片 包邮"),  # steam, but no shape nor talk of the goods
        ("年宵花 君子兰 带花苞", "过年前后开花 盆栽 同城配送"),  # flowers that bloom, not in the sky
    ],
)
def test_ordinary_goods_sharing_the_words_are_no_lead(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert not any(h.mechanism == "function_pattern" for h in result.hits)


def test_a_shape_counts_only_as_the_head_of_a_title_word(scorer: Scorer) -> None:
    # the same words with the pen written apart and not in the title: the shape is no company
    heading = scorer.score({"title": "薄荷 舒缓笔 尼古丁", "description": "含尼古丁 也能抽"})
    apart = scorer.score({"title": "薄荷 舒缓 尼古丁", "description": "含尼古丁 也能抽 笔"})
    assert any(h.mechanism == "function_pattern" for h in heading.hits)
    assert not apart.hits

"""Diagnostic marks written as sellers write them (issue 13, disguised listings): 交叉的纹路 or 交叉纹理 for 交叉纹,
金钱状的斑 for 金钱斑, generated from each trait's mark word, tell the goods as the trait's own word does, and like it
only with support (a product form, talk, a denied look-alike). Examples are worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.tables import mark_heads, mark_paraphrases
from pipelines.scoring.watchlist import load_watchlists
from tests.scoring_support import assert_clear, assert_lead, rules_by_name


def test_a_mark_is_read_as_sellers_write_it() -> None:
    paraphrases = load_watchlists().signals.mark_paraphrases
    assert "交叉的纹路" in mark_paraphrases("交叉纹", paraphrases)
    assert "金钱状的斑" in mark_paraphrases("金钱斑", paraphrases)
    assert mark_paraphrases("牙纹", paraphrases) == ()  # a stem of one character is any word's


@pytest.mark.parametrize(
    ("title", "description", "category", "trait"),
    [
        ("白色老料 小把件", "侧面能看到菱形交叉的纹路，手感温润，不是树脂，可以上手验", "wildlife.ivory", "交叉纹"),
        ("黄底 大皮子 一张", "身上一个个金钱状的斑，私聊，不走快递", "wildlife.tiger_leopard", "金钱斑"),
    ],
)
def test_a_diagnostic_mark_written_out_tells_the_goods(
    scorer: Scorer, title: str, description: str, category: str, trait: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert rules_by_name(result)["diagnostic_trait_context"]["traits"] == [trait]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a honeycomb of a phone case's back is no rhino horn's: a mark alone, with no support, tells nothing
        ("手机壳 防摔", "背面蜂窝状的纹路，散热好"),
        ("白色 小摆件", "侧面有交叉的纹路，手感温润"),
    ],
)
def test_a_mark_written_out_without_support_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert "diagnostic_trait_context" not in rules_by_name(result)


def test_a_spotted_mark_is_read_in_the_other_heads_sellers_end_it_in() -> None:
    paraphrases = load_watchlists().signals.mark_paraphrases
    assert {"铜钱纹", "铜钱花"} <= set(mark_heads("铜钱斑", paraphrases, frozenset("黑白")))
    # a stem that ends in a colour makes the head a mark of its own: black stripes on yellow are a tiger's
    assert mark_heads("黄底黑斑", paraphrases, frozenset("黑白")) == ()
    assert mark_heads("牙纹", paraphrases, frozenset("黑白")) == ()


@pytest.mark.parametrize(
    ("title", "description", "pelt"),
    [
        ("铜钱纹 老皮子 一张", "东北老屋里收的，带头带尾，毛色还亮，懂的来，只面交", True),
        ("老褥子 整张皮 铜钱花", "黄底上满是黑色铜钱花，老人留下的，不走快递，同城自提", True),
        # 铜钱纹 is a motif of carvings, jade and prints too: with no animal's part it tells no pelt
        ("铜钱纹 紫檀手串 老料", "十八颗，油性好，私聊，懂的来", False),
        ("和田玉 铜钱纹 平安扣", "老货，包浆厚，私聊细节", False),
        ("铜钱花 窗花 剪纸", "手工剪的，过年贴窗户，量大私聊", False),
    ],
)
def test_another_head_of_a_spotted_mark_tells_a_pelt_only_beside_a_part(
    scorer: Scorer, title: str, description: str, pelt: bool
) -> None:
    if pelt:
        assert_lead(scorer, title, "wildlife.tiger_leopard", description)
    else:
        assert_clear(scorer, title, description)

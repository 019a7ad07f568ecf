"""Diagnostic marks written as sellers write them (issue 13, disguised listings): 交叉的纹路 or 交叉纹理 for 交叉纹,
金钱状的斑 for 金钱斑, generated from each trait's mark word, tell the goods as the trait's own word does, and like it
only with support (a product form, talk, a denied look-alike). Examples are worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.tables import mark_paraphrases
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

"""Goods never named, moved out of sight (issue 13, disguised listings): a title that shows one category's goods
(a trait of them beside a product form) and a listing that keeps the deal away from the platform in two phrases
of evasion (one of them maybe dealer talk of supply) is a lead of that category. One phrase of talk, dealer talk
alone, goods shown only in the description, or an innocence word (a model, a prop) leave it quiet. Examples are
worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, mechanisms_of, rules_by_name


@pytest.mark.parametrize(
    ("title", "description", "category", "talk"),
    [
        (
            "全国 可验 红本 一套",
            "要的私聊，不走快递，同城见面交易",
            "prohibited.documents",
            ["私聊", "不走快递", "见面交易"],
        ),
        ("代购 整条 一件", "私聊细说，不走快递，当面交货", "prohibited.tobacco", ["私聊", "不走快递"]),
        # dealer talk of supply beside evasion, counted once where one phrase holds another (货源 in 一手货源)
        ("代购 整条 一件", "一手货源，不走快递", "prohibited.tobacco", ["一手货源", "不走快递"]),
    ],
)
def test_goods_shown_in_the_title_and_moved_out_of_sight_are_a_lead(
    scorer: Scorer, title: str, description: str, category: str, talk: list[str]
) -> None:
    result = assert_lead(scorer, title, category, description)
    rule = rules_by_name(result)["evaded_goods_context"]
    assert rule["category"] == category and rule["talk"] == talk
    assert mechanisms_of(result) == {"trade_pattern"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # one phrase of talk is any seller's
        ("全国 可验 红本 一套", "要的私聊"),
        # dealer talk of supply alone is any wholesaler's
        ("代购 整条 一件", "一手货源 量大从优"),
        # the goods shown in the description alone: the title sells something the listing does not describe
        ("红本 一套", "全国可验 私聊 不走快递 见面交易"),
        # an innocence word says the goods are ordinary (a prop cigarette pack)
        ("代购 整条 一件", "私聊细说 不走快递 香烟模型 道具"),
    ],
)
def test_look_alikes_of_evaded_goods_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert "evaded_goods_context" not in rules_by_name(result)

"""Opium's names are a perfume's (YSL Opium, 黑鸦片 香水) and a war's (鸦片战争) too: the English name and the
dictionary's Chinese ones (大烟, 阿片, 阿芙蓉: "opium") are the drug only beside a word of preparing, smoking or
weighing it. Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists
from tests.scoring_support import assert_clear, assert_lead


def test_the_dictionary_gives_opiums_chinese_names_with_its_context() -> None:
    drugs = load_watchlists().categories["prohibited.drugs"]
    names = {spec.term: spec for spec in drugs.terms}
    for name in ("大烟", "阿片", "阿芙蓉"):
        assert names[name].kind == "trade_name" and "烟膏" in names[name].requires


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Raw opium, sold by the gram", "Dark resin, 5 grams a piece, message me, local pickup only"),
        ("老家带的阿芙蓉 自己熬膏", "按克出，熟人介绍，见面交易"),
        ("大烟 生膏 少量", "一克起卖，别在平台问，同城自提"),
    ],
)
def test_opium_beside_its_preparing_or_weighing_is_a_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_lead(scorer, title, "prohibited.drugs", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("YSL Opium 女士香水 90ml", "专柜正品，瓶身有划痕，私聊，同城可面交"),
        ("圣罗兰黑鸦片香水 正品", "香精纯度高，留香持久，包邮"),  # a perfume's 纯度 is its essence's
        ("Black Opium eau de parfum 30ml", "Bought duty free, used twice, message me for more photos"),
        ("鸦片战争 中国近代史 全新未拆", "历史读物，包邮，私聊"),
    ],
)
def test_a_perfume_or_a_war_named_opium_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)

"""A covert device is built into or hidden in everyday things (a plush toy, a curtain clip, under a blanket): for
covert surveillance those things are its carriers, so the kinds they belong to (toys, home goods) do not lower its
score, while they still clear every other category. Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists
from tests.scoring_support import assert_clear, assert_lead


def test_the_carrier_kinds_are_category_data() -> None:
    categories = load_watchlists().categories
    assert {"toy", "apparel_home"} <= set(categories["prohibited.surveillance"].innocence_ignored)
    assert "toy" not in categories["prohibited.weapons"].innocence_ignored


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("公仔 造型 偷录 小巧", "塞在公仔里 声控 续航十天"),
        ("窗帘 夹子 款 偷拍", "夹在窗帘上 拍得清楚 充一次用一周"),
        ("毛毯 下面 放的 监听", "放毛毯下面 打电话就能听 十米内清楚"),
    ],
)
def test_a_covert_device_in_an_everyday_carrier_is_a_lead(scorer: Scorer, title: str, description: str) -> None:
    result = assert_lead(scorer, title, "prohibited.surveillance", description)
    assert not any(rule["rule"] == "innocence" for rule in result.rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("儿童玩具 对讲机 一对", "能听到对方说话 三公里 小孩喜欢"),
        ("卡通 钥匙扣 公仔", "书包挂件 可爱 包邮"),
    ],
)
def test_toys_and_home_goods_alone_are_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_toy_still_clears_a_weapon(scorer: Scorer) -> None:
    # the same kind of word beside a gun's term: a toy is what the goods are
    result = assert_clear(scorer, "玩具 弹夹 儿童 塑料", "小朋友玩的 安全")
    assert any(rule["rule"] == "innocence" for rule in result.rules)

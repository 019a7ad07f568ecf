"""A poison told by what meeting it does (闻到就死, 吃了就倒, 沾上就死): each of a category's ``harms`` after a word
of meeting it and of how soon it acts is generated from three short lists, counts as a function of the category and
gives an everyday poison's name (老鼠药) the word of a banned product it needs. A trap that rats cannot leave and a
drink that knocks people out take other words and stay the category's or another's. Examples are worded apart from
the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists, told_by_harm, told_by_victim
from tests.scoring_support import assert_clear, assert_lead


def test_the_phrases_are_generated_from_harms_and_exposure_words() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_harm(watchlists.categories["prohibited.pesticides"], watchlists.signals))
    assert {"闻到就死", "吃了就倒", "沾上就死", "舔一口就死", "一粒倒", "一滴就死"} <= phrases
    # 喝了就倒 tells a knockout drug, 碰就倒 a stun gun: neither is a poison's
    assert not {"喝了就倒", "碰就倒"} & phrases
    assert told_by_harm(watchlists.categories["prohibited.weapons"], watchlists.signals) == ()


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("灭鼠药 农村 仓库用", "老鼠吃了就死 不用等第二天 不写品名 私聊"),
        ("老鼠药 一袋", "沾上就死 一窝都跑不了 快递单写饲料"),
        ("诱饵 颗粒 一包", "老鼠一粒倒 家里有狗的别买 私聊"),
    ],
)
def test_a_rat_poison_told_by_its_harm_is_a_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_lead(scorer, title, "prohibited.pesticides", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("粘鼠板 加厚 家用", "老鼠粘上跑不掉 二十张装 包邮"),
        ("灭鼠药 正规厂家 农药登记证", "按说明使用 对人畜低毒 超市同款"),
    ],
)
def test_rat_goods_without_a_harm_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_dose_poured_out_is_no_harm(scorer: Scorer) -> None:
    """倒 of 一粒倒入 pours (dào), it does not fell (dǎo): a registered rat poison's instructions tell no harm."""
    result = assert_clear(scorer, "灭鼠 老鼠药 家用", "每次一粒倒入 鼠洞 正规厂家 农药登记证")
    assert any(rule["rule"] == "phrase_not_a_word" and rule["word"] == "倒入" for rule in result.rules)


@pytest.mark.parametrize(
    "description",
    ["用量 一小勺倒入 温水 搅匀后拌饵 按说明书", "拆开后一滴倒掉也无妨 农药登记证齐全"],
)
def test_a_dose_poured_is_no_harm_whatever_the_dose(scorer: Scorer, description: str) -> None:
    assert_clear(scorer, "老鼠药 正规登记 一盒", description)


@pytest.mark.parametrize(
    "description",
    ["老鼠一粒倒地 不写品名 私聊", "吃了就倒下 走不了几步 私聊", "一滴倒，入口就见效 私聊"],
)
def test_a_harm_told_on_is_still_a_harm(scorer: Scorer, description: str) -> None:
    """A word that reads the harm as the phrase does (倒下, 倒地: dǎo) tells it further, and a break ends it."""
    assert_lead(scorer, "灭鼠药 仓库用", "prohibited.pesticides", description)


def test_what_befalls_a_weeds_root_is_generated_from_victims_and_decay_words() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_victim(watchlists.categories["prohibited.pesticides"], watchlists.signals))
    assert {"根烂", "根都死", "根全枯", "断根", "绝根"} <= phrases
    # 烂根 and 根腐 are what a potted plant's grower fears (防烂根, 根腐病), not what a herbicide does
    assert not {"烂根", "根腐"} & phrases
    assert told_by_victim(watchlists.categories["prohibited.weapons"], watchlists.signals) == ()


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("除草药 老款 大桶", "打一遍 根全烂 明年都不长 私聊"),
        ("除草剂 果园 荒地", "草死根也死 不是市面上那种 量大从优"),
    ],
)
def test_a_herbicide_told_by_killing_the_root_is_a_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_lead(scorer, title, "prohibited.pesticides", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("除草剂 草甘膦 正规厂家", "内吸传导 根都死 农药登记证齐全"),  # a registered herbicide kills roots too
        ("多肉 营养土 颗粒", "透气 不烂根 根都不会烂"),
    ],
)
def test_a_root_killed_by_registered_goods_or_a_plants_root_stays_quiet(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_root_that_rots_joins_the_traits_of_a_banned_herbicide(scorer: Scorer) -> None:
    # 老配方 and 停产 are two traits of the category; what befalls the weed's root is the third
    result = assert_lead(scorer, "自家存的除草水 一桶", "prohibited.pesticides", "老配方，喷上三天连根都烂，早停产了")
    traits = next(rule for rule in result.rules if rule["rule"] == "trait_pattern_context")["traits"]
    assert "根都烂" in traits


def test_a_root_that_rots_makes_no_pattern_of_its_own(scorer: Scorer) -> None:
    # a registered herbicide kills the root too: without the category's own traits, nothing
    assert_clear(scorer, "果园 除草水 一桶", "喷上三天连根都烂，一桶兑水二十次，正规登记")

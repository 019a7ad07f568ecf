"""The trade pattern read where its parts are worded apart from the lists: goods kept off every parcel route by a
note on the handover (自提, 不发快递), an animal's food that names a farmed animal, a young animal (崽子) and a
place abroad told with "over there" (东南亚那边带过来). Each with the look-alike that must stay quiet; examples
are worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer, ScoreResult
from tests.scoring_support import assert_clear, assert_lead, explanation, score


def trade_context(result: ScoreResult) -> dict[str, object]:
    return next(rule for rule in result.rules if rule["rule"] == "trade_pattern_context")


@pytest.mark.parametrize(
    "description",
    [
        "老乡自己熏的，野的，不支持自提，顺丰到付",
        "老乡自己熏的，野的，谢绝面交，只走快递",
        "老乡自己熏的，野的，不能自取",
    ],
)
def test_a_handover_the_seller_refuses_is_no_trade_pattern(scorer: Scorer, description: str) -> None:
    """A note refused (不支持自提) says the goods are shipped: no talk of keeping them off the courier's record."""
    result = score(scorer, "整只 带爪 黑毛 冻的", description)
    assert not result.is_lead, explanation(result, "整只 带爪 黑毛 冻的", description)
    assert score(scorer, "整只 带爪 黑毛 冻的", "老乡自己熏的，野的，只能同城自提").is_lead


@pytest.mark.parametrize(
    ("description", "note"),
    [
        ("老乡自己熏的，野的，只能同城自提", "自提"),
        ("野生的，太大了寄不了，快递不发，上门看", "快递不发"),
        ("纯野生，不发物流，买家开车来拉", "不发物流"),
    ],
)
def test_a_wild_part_kept_off_the_parcel_routes_is_a_trade_pattern(scorer: Scorer, description: str, note: str) -> None:
    result = score(scorer, "整只 带爪 黑毛 冻的", description)
    assert result.is_lead, explanation(result, "整只 带爪 黑毛 冻的", description)
    assert trade_context(result)["offline"] == note


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("野生 鲈鱼 整只 冰鲜", "今早出海的野生鲈鱼，同城自提，不发快递"),  # seafood of a fishmonger
        ("野生 土鸡 整只 现杀", "山上散养的，同城自提"),  # a farmed animal
        ("二手 整张 皮子 沙发垫", "纯手工，自提"),  # no word of wild provenance
        ("野生 松茸菌 整只 带土", "今早山上采的，同城自提"),  # a whole, which mushrooms are sold as too
    ],
)
def test_a_handover_note_without_a_wild_part_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_handover_note_alone_is_no_evasion_talk(scorer: Scorer) -> None:
    # the note is talk of the trade pattern only: beside a species named it adds no evasion points, where a
    # dealer's talk does (so the species' listing is one that evasion would raise)
    plain = score(scorer, "绿孔雀 一只 成年")
    noted = score(scorer, "绿孔雀 一只 成年", "同城自提，快递不发")
    assert noted.score == plain.score, explanation(noted, "绿孔雀 一只 成年", "同城自提，快递不发")
    assert all(rule["rule"] != "evasion" for rule in noted.rules)
    assert score(scorer, "绿孔雀 一只 成年", "私聊，懂的来").score > plain.score


def test_a_farmed_animal_the_animal_eats_is_no_farm_produce(scorer: Scorer) -> None:
    for food in ("一顿吃一只活鸡", "每周喂两个鸡蛋"):
        description = f"野生的，{food}，不发快递，自己来拉"
        result = score(scorer, "林子里逮的 花蛇 活的", description)
        assert result.is_lead, explanation(result, "林子里逮的 花蛇 活的", description)
    # a farmed animal named as goods of its own still is farm produce
    assert_clear(scorer, "林子里逮的 花蛇 活的", "野生的，另有散养土鸡，不发快递，自己来拉")


@pytest.mark.parametrize("goods", ["另有好吃的土鸡", "顺便卖点小吃鸭脖"])
def test_a_verb_of_feeding_inside_a_word_that_is_none_feeds_nothing(scorer: Scorer, goods: str) -> None:
    # 好吃 "tasty" and 小吃 "snack" are no verbs: the farmed animal after them is goods of its own, farm produce
    assert_clear(scorer, "林子里逮的 花蛇 活的", f"野生的，{goods}，不发快递，自己来拉")


@pytest.mark.parametrize("young", ["小崽子", "崽子", "小崽", "幼兽"])
def test_a_young_animal_is_a_part_of_the_trade_pattern(scorer: Scorer, young: str) -> None:
    title = f"林场带回的 {young} 一只 花斑"
    result = score(scorer, title, "边境那边的，野的，私聊，懂的来")
    assert result.is_lead, explanation(result, title, "")
    assert trade_context(result)["part"] in young


@pytest.mark.parametrize(
    "title", ["小猫崽子 三只 野外捡的", "土狗崽子 一窝 野外捡的", "小猪崽子 两只 野的", "野的 草鱼小崽子 一袋"]
)
def test_the_young_of_a_pet_or_farmed_animal_stays_quiet(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title, "私聊，懂的来")


@pytest.mark.parametrize("title", ["山上套的 野兔崽子 两只", "芦苇荡里掏的 野鸭小崽子 一窝"])
def test_the_young_of_a_farmed_animals_wild_kind_is_a_part_of_the_trade_pattern(scorer: Scorer, title: str) -> None:
    # 野 before 兔, 鸭 names the wild kind, as it does before a farmed animal named as goods
    result = score(scorer, title, "私聊，懂的来")
    assert result.is_lead, explanation(result, title, "私聊，懂的来")
    assert trade_context(result)["part"] in title


@pytest.mark.parametrize(("before", "tame"), [("鳄鱼", False), ("犀牛", False), ("疣鼻天鹅", False), ("土鸡", True)])
def test_a_wild_name_ending_in_a_farmed_one_is_no_farmed_animal(scorer: Scorer, before: str, tame: bool) -> None:
    # 鱼 ends 鳄鱼 and 牛 ends 犀牛: the young after a name the wildlife categories list are that wild animal's
    pattern = scorer._animals._tame_before
    assert pattern is not None
    found = pattern.search(f"江边的{before}")
    assert (found is not None and found.group("wild") is None) is tame


def test_a_place_of_the_wild_the_goods_are_used_in_is_no_provenance(scorer: Scorer) -> None:
    # 野外用的, 野外专用: where a lamp is used, not where it comes from; 整只 alone names no animal's whole
    assert_clear(scorer, "露营灯 户外 整只 充电", "野外用的露营灯，整只出，私聊，不走快递")
    # 用 alone before a tool of capture tells how the animal was taken there
    assert_lead(scorer, "雏鸟 两只 活的", "wildlife.live_bird", "野外用网套的，私聊，不走快递。")


@pytest.mark.parametrize("origin", ["越南那边带过来的", "边境那边带来的", "东南亚那边过来的"])
def test_a_place_abroad_told_with_over_there_is_wild_provenance(scorer: Scorer, origin: str) -> None:
    description = f"{origin}，背甲有花，私聊"
    result = score(scorer, "背甲 高拱 一只 十二公分", description)
    assert result.is_lead, explanation(result, "背甲 高拱 一只 十二公分", description)
    assert any(origin.startswith(word) for word in trade_context(result)["provenance"])  # type: ignore[attr-defined]


def test_a_place_at_home_told_with_over_there_is_no_provenance(scorer: Scorer) -> None:
    assert_clear(scorer, "背甲 高拱 一只 十二公分", "广东那边带过来的，背甲有花，私聊")

"""Wildlife goods told by what they are made of, where they come from or how they behave rather than by a name
(issue 13, class 3): a shell, an animal or goods caught in the wild, a part hunted by the seller, a material's
tell-tale marks. Each with the look-alike that must stay quiet. Examples are worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score


def test_a_shell_of_wild_provenance_is_an_animal_part(scorer: Scorer) -> None:
    result = assert_lead(
        scorer,
        "老 梳子 天然 壳 磨的",
        "wildlife.hawksbill",
        "不是亚克力，底色焦黄带斑纹，海里的老东西，别问来源，只面交",
    )
    assert rules_by_name(result)["trade_pattern_context"]["part"] == "壳"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("苹果 手机壳 透明 防摔", "野生动物图案，私聊改价"),  # 壳 inside another word
        ("海边 捡的 贝壳 一袋", "孩子玩的，私聊"),  # no wild provenance, gathered shells
    ],
)
def test_shells_of_ordinary_goods_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_tortoiseshell_told_by_its_marks_and_a_denied_resin(scorer: Scorer) -> None:
    assert_lead(scorer, "老料片 黑斑 泡热水能弯", "wildlife.hawksbill", "不是树脂做的，懂的来")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("后山林子里套的鸟 一对", "羽毛发亮，叫声好听", "wildlife.live_bird"),
        ("深山里掏的鸟崽 三只", "还没睁眼，不走快递", "wildlife.live_bird"),
        ("山里带出来的小家伙 会爬树", "手跟人手一样，抱着不撒手", "wildlife.primate"),
    ],
)
def test_an_animal_word_after_a_capture_is_a_live_wild_animal(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert "caught" in rules_by_name(result)["trade_pattern_context"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("山上采的鸟语花香 红茶 一斤", "自己炒的"),  # the animal word begins another word
        ("自家阳台 养的 鸟 一对 虎皮鹦鹉", "人工繁殖，带笼子"),  # no capture
        ("山里采的蘑菇 鲜活", "当天发"),  # alive, but nothing of an animal shown
    ],
)
def test_no_animal_caught_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_goods_word_after_a_capture_is_a_wild_part(scorer: Scorer) -> None:
    result = assert_lead(scorer, "海底捞上来的粉枝 一整枝", "wildlife.coral", "天然没上色，不是玻璃钢的，别问来源")
    assert rules_by_name(result)["trade_pattern_context"]["caught_goods"] == "枝"


def test_a_part_the_seller_says_was_hunted_needs_no_talk(scorer: Scorer) -> None:
    result = score(scorer, "野生 骨头 一副", "我舅舅自己打的，泡酒用")
    assert result.is_lead
    assert rules_by_name(result)["trade_pattern_context"]["hunted"] == "自己打的"
    # a farmed animal the seller killed is farm produce
    assert_clear(scorer, "野生 放养 鸡骨头 一副", "自己打的鸡，炖汤用")


def test_a_part_placed_in_the_wild_needs_no_talk(scorer: Scorer) -> None:
    result = score(scorer, "海里的 大龟壳 一整个", "渔船上带回来的，晒干了，放家里占地方")
    assert result.is_lead
    assert rules_by_name(result)["trade_pattern_context"]["place"] == "海里的大"
    # a word of wild provenance elsewhere in the listing does not place the part: without talk it stays quiet
    assert_clear(scorer, "大龟壳 一整个 野生", "晒干了，放家里占地方")
    # a farmed animal's part taken from the hills is farm produce
    assert_clear(scorer, "山里的 土鸡 骨头 一副", "晒干了，炖汤用")


def test_a_size_word_between_provenance_and_a_part(scorer: Scorer) -> None:
    result = score(scorer, "野生小胆 晾干", "一个三十克，不走快递，当面交易")
    assert result.is_lead
    # 大胆 as "bold" stays a word
    assert_clear(scorer, "大胆 撞色 野生风 卫衣", "不走快递，当面交易")


def test_a_counted_part_after_a_word_of_size_or_place_on_the_animal(scorer: Scorer) -> None:
    result = score(scorer, "林区带回的 前掌两只", "老林子里的，只见面交易，不问来路")
    # the place on the animal is read with its part (a placed part, as 背甲 and 腹甲 are)
    assert result.is_lead and rules_by_name(result)["trade_pattern_context"]["part"] == "前掌"
    # counted as people, 大胆 is still "bold"
    assert_clear(scorer, "大胆一个人 野生 徒步", "不走快递，当面交易")


def test_goods_of_one_category_placed_in_the_wild_are_of_that_category(scorer: Scorer) -> None:
    assert_lead(scorer, "山里 大掌 一对 冻着", "wildlife.bear", "山里的大掌一对，没有手续，只能自提")


def test_wild_provenance_counts_as_trade_talk_of_an_animal(scorer: Scorer) -> None:
    result = score(scorer, "珊瑚 断枝 活体", "野采，自取")
    assert "野采" in rules_by_name(result)["trade"]["signals"]


def test_aquascaping_does_not_clear_a_live_coral(scorer: Scorer) -> None:
    live = score(scorer, "活体珊瑚 断枝 野采", "适合海水缸造景，包活")
    assert not any(r["rule"] == "innocence" for r in live.rules)
    # without a live animal, aquascaping still reads as a decoration
    assert_clear(scorer, "珊瑚 枝 鱼缸造景 摆件")


def test_a_list_of_look_alikes_compared_with(scorer: Scorer) -> None:
    result = score(scorer, "祖传 白色 梳子", "名字不能写，写了会被删。手感跟牛骨、亚克力、塑料都不一样，私聊")
    assert not any(r["rule"] == "innocence" for r in result.rules)


def test_the_hill_name_of_a_musk_pod(scorer: Scorer) -> None:
    assert score(scorer, "香包 一个 带毛", "高原上来的，味道冲").category == "wildlife.musk"
    assert_clear(scorer, "车载香包 薰衣草味", "整个车都香")

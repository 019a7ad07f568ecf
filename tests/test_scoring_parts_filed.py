"""The form sold decides between a live-animal category and the one that files parts, worded apart from the shipped
evaluation set: a bird sold mounted, frozen or as tail feathers is filed under wildlife.other, a live one under
wildlife.live_bird, whatever else the listing says of its plumage or feed; a reptile sold dried, as a skin or a gall
bladder is filed under wildlife.other too, a live one under wildlife.live_reptile; a snake caught in the wild is a
live reptile, not an unnamed animal."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_lead, score


@pytest.mark.parametrize(
    "title",
    [
        "红隼标本 展翅 带底座 老件",  # mounted
        "苍鹰 标本 立姿 玻璃罩",
        "白鹇 两只 整只冻品 野味",  # frozen
        "绿孔雀 尾羽 五根 天然",  # tail feathers
    ],
)
def test_a_bird_sold_dead_or_as_parts_is_filed_apart_from_live_birds(scorer: Scorer, title: str) -> None:
    result = assert_lead(scorer, title, "wildlife.other")
    assert result.categories[0] == "wildlife.other"
    filed = next(r for r in result.rules if r["rule"] == "sold_as_parts")
    assert filed["category"] == "wildlife.live_bird" and filed["filed_as"] == "wildlife.other"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("红隼 活体 幼鸟 可上手", ""),
        ("雕鸮 活的 一只 标本级羽色", ""),  # a word of a live bird outweighs the specimen it is likened to
        # a part in the description is the live bird's trait or its feed, not the goods
        ("黑颈鹤 一只 成鸟 庄园观赏", "飞羽是黑的，平时吃冷冻小鱼。"),
    ],
)
def test_a_live_bird_stays_a_live_bird(scorer: Scorer, title: str, description: str) -> None:
    result = assert_lead(scorer, title, "wildlife.live_bird", description)
    assert not any(r["rule"] == "sold_as_parts" for r in result.rules)


def test_a_snake_caught_in_the_wild_is_a_live_reptile(scorer: Scorer) -> None:
    assert_lead(scorer, "山上刚抓的蛇 活的 一米多", "wildlife.live_reptile")
    assert score(scorer, "林子里逮的蛇 两条 活的").category == "wildlife.live_reptile"


@pytest.mark.parametrize(
    "title",
    [
        "金环蛇 晒干 盘成一盘 药酒料",  # dried
        "大壁虎干 五对 广西货 药材",
        "缅甸蟒 蛇皮 整张 四米二",  # a skin
        "眼镜王蛇 蛇胆 十颗 干货",  # gall bladders
        "山瑞鳖甲 两块 老药铺收的",  # a soft-shelled turtle's carapace, a medicine
    ],
)
def test_a_reptile_sold_dried_or_as_parts_is_filed_apart_from_live_reptiles(scorer: Scorer, title: str) -> None:
    result = assert_lead(scorer, title, "wildlife.other", "野生的，私聊。")
    filed = next(r for r in result.rules if r["rule"] == "sold_as_parts")
    assert filed["category"] == "wildlife.live_reptile" and filed["filed_as"] == "wildlife.other"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("大壁虎 活体 三对 叫声响", "野外抓的，晒干的是另一个价。"),  # a dead form in the description alone
        # a word of a live animal outweighs the dried goods it denies
        ("金环蛇 活的 一米五 不是干货", "野外抓的，私聊。"),
    ],
)
def test_a_live_reptile_stays_a_live_reptile(scorer: Scorer, title: str, description: str) -> None:
    result = assert_lead(scorer, title, "wildlife.live_reptile", description)
    assert not any(r["rule"] == "sold_as_parts" for r in result.rules)


def test_a_turtle_shell_from_the_sea_sold_dead_is_a_sea_turtles(scorer: Scorer) -> None:
    """Filed apart as a dead reptile's goods, a shell the listing places in the sea is still filed by its origin."""
    result = assert_lead(scorer, "海里的龟 标本 带壳 挂墙用", "wildlife.hawksbill", "渔民送的，背甲完整，私聊。")
    assert [r["rule"] for r in result.rules if r["rule"] in ("sold_as_parts", "filed_by_origin")] == [
        "sold_as_parts",
        "filed_by_origin",
    ]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("绿海龟 活体 一只 背甲三十公分", "渔船上带回来的，私聊。"),
        ("红海龟 幼体 两只 刚孵出来", "海边沙滩挖的蛋孵的，私聊。"),
    ],
)
def test_a_sea_turtle_sold_alive_is_a_live_reptile(scorer: Scorer, title: str, description: str) -> None:
    """The category of a sea turtle's goods (its shell, tortoiseshell) gives a live one to the live reptiles."""
    result = assert_lead(scorer, title, "wildlife.live_reptile", description)
    filed = next(r for r in result.rules if r["rule"] == "sold_alive")
    assert filed["category"] == "wildlife.hawksbill" and filed["filed_as"] == "wildlife.live_reptile"


def test_a_sea_turtle_shell_stays_the_sea_turtles(scorer: Scorer) -> None:
    """A dead word in the title (标本) keeps the goods a sea turtle's, though the seller says it was caught alive."""
    result = assert_lead(scorer, "绿海龟 标本 活的时候抓的 整只", "wildlife.hawksbill", "私聊。")
    assert not any(r["rule"] == "sold_alive" for r in result.rules)


def test_a_live_turtle_from_the_sea_is_no_shell_of_its_origin(scorer: Scorer) -> None:
    """A live turtle the listing places in the sea, with its shell's size, is not filed as a sea turtle's shell."""
    result = score(scorer, "大头龟 海里捞的 活的 壳长四十", "渔民网到的，野生，私聊。")
    assert result.is_lead and result.category != "wildlife.hawksbill"
    assert not any(r["rule"] == "filed_by_origin" for r in result.rules)

"""Goods no name of their category tells are filed by the origin and kind the listing states, worded apart from the
shipped evaluation set: a shell, shell plate or carapace from the sea is a sea turtle's (wildlife.hawksbill), not
pangolin scales that a code word (甲片) suggests nor a live reptile; a horn from Africa is a rhino's, not a saiga's,
and Africa moves no ivory; a listing that names its animal keeps the name's category."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_lead, explanation, score


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("海里捞上来的老龟板 一整块 懂的来", ""),  # an unnamed goods pattern that read a live reptile
        ("南海渔船带回的背甲 十三片 不方便说", ""),
        ("海边收的甲片 透光 做发簪", ""),  # pangolin's code word
        ("龟甲片 手链 老料", "真海龟的，不是树脂。"),  # a sea turtle named in the description
    ],
)
def test_a_shell_from_the_sea_is_a_sea_turtles(scorer: Scorer, title: str, description: str) -> None:
    result = score(scorer, title, description)
    assert result.category == "wildlife.hawksbill", explanation(result, title, description)
    filed = next(r for r in result.rules if r["rule"] == "filed_by_origin")
    assert filed["filed_as"] == "wildlife.hawksbill" and filed["category"] != "wildlife.hawksbill"


def test_the_origin_changes_the_category_not_the_score(scorer: Scorer) -> None:
    result = assert_lead(scorer, "海里带上来的老龟板 一整块 懂的来", "wildlife.hawksbill", "不方便说品种，只面交。")
    assert [r["points"] for r in result.rules if r["rule"] == "filed_by_origin"] == [0]


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("砗磲 原壳 海边收的 一对", "wildlife.other"),  # a named shellfish
        ("野生金钱龟 背甲 海南带回 活体", "wildlife.live_reptile"),  # a named freshwater turtle
        ("穿山甲片 海边老乡收的", "wildlife.pangolin"),  # pangolin named
    ],
)
def test_a_named_animal_keeps_its_category(scorer: Scorer, title: str, category: str) -> None:
    result = score(scorer, title)
    assert result.category == category, explanation(result, title, "")
    assert not any(r["rule"] == "filed_by_origin" for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("非洲带回的角 一整支 根部粗", "朋友在那边工作带回来的，退烧很灵，名字不方便写，只面交。"),
        ("南非带回来的角 整支 退烧", "底部蜂窝纹，名字不方便写，只面交。"),
    ],
)
def test_a_horn_from_africa_is_a_rhinos_not_a_saigas(scorer: Scorer, title: str, description: str) -> None:
    result = score(scorer, title, description)
    assert result.category == "wildlife.rhino_horn", explanation(result, title, description)
    filed = next(r for r in result.rules if r["rule"] == "filed_by_origin")
    assert filed["category"] == "wildlife.saiga"


def test_africa_moves_no_ivory_to_rhino_horn(scorer: Scorer) -> None:
    result = score(scorer, "非洲 白料 手镯 老货", "不是牛角，懂的来")
    assert result.category == "wildlife.ivory", explanation(result, "非洲 白料 手镯 老货", "不是牛角，懂的来")


def test_a_city_named_beside_a_code_word_moves_nothing(scorer: Scorer) -> None:
    """上海上门自提 (pick-up in Shanghai) holds 海上 but says nothing of where the goods come from."""
    result = assert_lead(scorer, "甲片 老货 一小包 懂的来", "wildlife.pangolin", "上海上门自提，不发快递。")
    assert not any(r["rule"] == "filed_by_origin" for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("阿卡 原枝 深海料 懂的来", "配贝壳底座，私聊", "wildlife.coral"),  # red coral is itself from the deep sea
        ("白料 手镯 懂的来", "海边收的，带壳盒", "wildlife.ivory"),  # ivory's code word, sold near the sea
    ],
)
def test_goods_not_mistaken_for_a_shell_keep_their_category(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    """Only the categories a sea turtle's shell is mistaken for move (instead_of): a code word of goods that
    come from the sea themselves, or of goods sold near it beside a 壳, keeps its category."""
    result = assert_lead(scorer, title, category, description)
    assert not any(r["rule"] == "filed_by_origin" for r in result.rules)


def test_an_origin_denied_moves_nothing(scorer: Scorer) -> None:
    """不是非洲的 says where the horn is not from: the fever remedy stays a saiga's."""
    title, description = "带回来的角 一整支 退烧", "不是非洲的，边境朋友带过来，退烧很灵，名字不方便写，只面交。"
    result = score(scorer, title, description)
    assert result.category == "wildlife.saiga", explanation(result, title, description)
    assert not any(r["rule"] == "filed_by_origin" for r in result.rules)

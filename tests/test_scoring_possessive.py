"""An animal's part written with a possessive or joined to the name, worded apart from the shipped evaluation set:
a folk or dictionary name of an animal (大象, 山猫) then 的 and a part (牙, 皮), or the part written right after it as
one word (山猫皮), is the animal's part where the listing sells it, and a watchlist name of a part (大猫骨, 山君爪) is
the same name written 大猫的骨; the bare animal, a toy, an imitation and a farmed animal's part are not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer, ScoreResult

ROOT = Path(__file__).resolve().parents[1]
ALIASES = ROOT / "pipelines" / "watchlists" / "dictionary_aliases.yaml"


def score(scorer: Scorer, title: str) -> ScoreResult:
    return scorer.score({"title": title})


@pytest.mark.parametrize(
    ("title", "term", "category"),
    [
        ("大象的牙 手串 老料 懂的来", "大象", "wildlife.ivory"),
        ("大笨象的牙 原料 两根 私聊", "大笨象", "wildlife.ivory"),
        ("山猫的皮 一整张 不走快递", "山猫", "wildlife.other"),
        ("山猫皮 一张 花斑 老皮", "山猫", "wildlife.other"),  # the part joined, the pelt counted
        ("长虫皮 两张 晒干的", "长虫", "wildlife.other"),  # a reptile sold dried: filed with the parts
    ],
)
def test_a_folk_animal_name_with_its_part_sold_is_a_lead(scorer: Scorer, title: str, term: str, category: str) -> None:
    result = score(scorer, title)
    assert result.is_lead and result.category == category
    hit = next(h for h in result.hits if h.term == term)
    assert hit.rule == "animal" and hit.mechanism == "dictionary_alias"


@pytest.mark.parametrize(
    "title",
    [
        "大象的鼻子 毛绒玩具 私聊",  # a possessive, but no part of the animal
        "大象 玩具 儿童 包邮",  # the animal itself, a toy
        "大象的牙 树脂 仿真 摆件",  # an imitation
        "山猫的皮 卡通 贴纸",  # a part, but nothing sold as one
        "牛的角 梳子 私聊",  # a farmed animal's part
        "山猫 皮 一张",  # the part written apart: not the name of the animal's part
        "山猫皮一样的花纹 抱枕",  # 一样 ("like") is no count of pieces
        "山猫皮纹 钱包 私聊 包邮",  # a longer word, a pattern, though the listing sells
        "大象皮 手机壳",  # the part joined, but nothing sold as one
    ],
)
def test_a_possessive_part_needs_the_animal_s_goods_sold(scorer: Scorer, title: str) -> None:
    assert not score(scorer, title).is_lead


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("大象身上的料 手镯 老货", "细纹一圈圈的，你懂的，不走快递"),
        ("大象身上来的 挂件 观音", "别问是什么，平台不让写，见面交易"),
        ("大象家的 手串 108颗", "名字不能写，懂的人看图就知道"),
    ],
)
def test_goods_said_to_come_from_the_animal_are_its_goods_where_the_listing_hides_them(
    scorer: Scorer, title: str, description: str
) -> None:
    result = scorer.score({"title": title, "description": description})
    assert result.is_lead and result.category == "wildlife.ivory"
    assert any(h.term == "大象" and h.rule == "animal" for h in result.hits)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("大象家的 小叶紫檀 手串", "喜欢的私聊"),  # a shop's name: it talks trade, hides nothing
        ("大象身上的 毛绒玩具", "儿童礼物，不走平台"),  # no goods of ivory shown
        ("大象身上的花纹 手镯 印花", "包邮，七天无理由"),  # a print, sold openly
    ],
)
def test_goods_of_the_animal_s_kind_or_body_need_them_hidden_and_shown(
    scorer: Scorer, title: str, description: str
) -> None:
    assert not scorer.score({"title": title, "description": description}).is_lead


@pytest.mark.parametrize(
    ("title", "matched"),
    [("山君的爪 一对 老货", "山君的爪"), ("大猫的皮 整张 见面交易", "大猫的皮"), ("大猫的骨头 一副 私聊", "大猫的骨")],
)
def test_a_part_s_name_is_also_written_with_a_possessive(scorer: Scorer, title: str, matched: str) -> None:
    result = score(scorer, title)
    assert result.is_lead and result.category == "wildlife.tiger_leopard"
    assert any(h.matched == matched and h.rule == "code_word" for h in result.hits)


def test_a_joined_part_that_a_longer_term_names_is_that_term(scorer: Scorer) -> None:
    # 山猫骨 is a tiger's code word: the folk word inside it with the joined part does not make it a lynx's bone
    result = score(scorer, "老山猫骨 泡酒 私聊")
    assert result.is_lead and result.category == "wildlife.tiger_leopard"
    # the folk word stays a generic animal word that no wild one sold lets through: not read with the bone joined
    assert [r["rule"] for r in result.rules if r.get("term") == "山猫"] == ["needs_wild_animal"]


def test_an_elephant_word_rejected_as_ivory_is_a_generic_animal_word() -> None:
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    kinds = {
        (str(term["term"]), category["id"]): term["kind"]
        for category in data["categories"]
        for term in category["terms"]
    }
    # the dictionary's slang and everyday names of the elephant count only as an animal sold, never as ivory
    assert kinds[("大笨象", "wildlife.ivory")] == "animal"
    assert kinds[("大象", "wildlife.ivory")] == "animal"

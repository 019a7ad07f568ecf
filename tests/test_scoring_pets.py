"""A pet animal's name inside prohibited goods' slang (气狗 of an air gun, 狗粮 of its pellets): beside a breed of
that pet from the dictionary (二哈 "husky (dog)") the name is the pet's; without one the slang keeps its goods.
Worded apart from the shipped evaluation set."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name


@pytest.mark.parametrize(
    ("title", "description", "breed"),
    [
        ("哈士奇 幼犬 一只 疫苗齐", "家里母狗生的，外号小气狗，脾气大，懂的来，私聊看视频", "哈士奇"),
        ("柯基 边牧 混 一窝", "边牧妈妈生的，最调皮那只叫气狗，私聊，同城自提", "边牧"),
    ],
)
def test_slang_holding_a_pet_s_name_beside_a_breed_of_it_is_the_pet(
    scorer: Scorer, title: str, description: str, breed: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rules["pet_breed_named"]["breed"] == breed
    assert rules["pet_breed_named"]["pet"] == "狗"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the same slang with nothing of a dog's breed: the goods
        ("气狗 一只 老款 疫苗级精度", "外号气狗，脾气大，打得准，懂的来，私聊看视频"),
        ("狗粮 铅弹 一盒 5.5 圆头", "配各种气狗用，私聊，同城自提"),
    ],
)
def test_the_same_slang_without_a_breed_keeps_its_goods(scorer: Scorer, title: str, description: str) -> None:
    rules = rules_by_name(assert_lead(scorer, title, "prohibited.weapons", description))
    assert "pet_breed_named" not in rules


def test_pet_breeds_come_from_the_dictionary_s_first_senses() -> None:
    script = runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts" / "build_dictionary_aliases.py"))
    glosses = {
        "狗": "dog/CL:隻|只[zhi1]",
        "猫": "cat/CL:隻|只[zhi1]",
        "二哈": "(coll.) silly but cute husky (dog)",
        "八哥狗": "pug (breed of dog)",
        "布偶猫": "ragdoll (cat breed)",
        "灵猫": "civet (arboreal cat)",
        "搜狗": "Sougou (searching dog) search engine, www.sogou.com",
    }
    entries = [(word, gloss.split("/")[0], gloss, line) for line, (word, gloss) in enumerate(glosses.items(), 1)]
    found = {item["word"]: item["pet"] for item in script["pet_breeds"](entries, ["猫", "狗"])}
    assert found == {"二哈": "狗", "八哥狗": "狗", "布偶猫": "猫"}

"""English names are found in the plural and in British spelling (passports, ID cards, driver licence, tiger
teeth), made by the rules of English from each listed name, except where the plural is another word (weeds of a
garden). Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.spellings import english_forms
from tests.scoring_support import assert_clear, assert_lead


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("passport", {"passports"}),
        ("driver license", {"driver licence", "driver licenses", "driver licences"}),
        ("butterfly knife", {"butterfly knives"}),
        ("tiger tooth", {"tiger teeth"}),
        ("e-cigarette", {"e-cigarettes"}),
        ("tranquilizer dart", {"tranquiliser dart", "tranquiliser darts"}),
    ],
)
def test_a_name_gives_its_plural_and_british_spelling(name: str, forms: set[str]) -> None:
    assert forms <= set(english_forms(name))


def test_a_name_ending_in_s_or_whose_plural_is_another_word_stays_as_listed() -> None:
    assert english_forms("cannabis") == ("cannabis",)
    assert english_forms("fireworks") == ("fireworks",)
    assert english_forms("weed", frozenset({"weed"})) == ("weed",)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Novelty ID cards", "Realistic, hologram, made with your photo and details", "prohibited.documents"),
        ("Driver licences and passports", "Custom made, scannable, any name you want", "prohibited.documents"),
        ("Switchblades lot of 5", "sharp, spring assisted, ships in parts", "prohibited.weapons"),
    ],
)
def test_goods_named_in_the_plural_or_british_spelling_are_leads(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


def test_a_garden_listing_of_weeds_is_no_drug(scorer: Scorer) -> None:
    assert_clear(scorer, "Garden tool for pulling weeds", "stainless steel")


@pytest.mark.parametrize(
    "text",
    ["Lawn weed killer ready to use, 2L", "Weed-killer for patios and gravel paths", "WEED KILLER refill 1 gallon"],
)
def test_a_weed_killer_is_no_drug(scorer: Scorer, text: str) -> None:
    """The dictionary's English of 除草剂 holds the drugs' ``weed``: the longer phrase says what is sold."""
    result = assert_clear(scorer, text)
    assert "prohibited.drugs" not in {hit.category for hit in result.hits}


def test_a_banned_herbicide_sold_as_weed_killer_reads_as_a_pesticide(scorer: Scorer) -> None:
    assert_lead(scorer, "Original paraquat, weed killer 20% liquid", "prohibited.pesticides", "kills roots fast")


def test_weed_outside_the_phrase_still_counts(scorer: Scorer) -> None:
    assert_lead(scorer, "Premium weed 3.5g, discreet delivery", "prohibited.drugs", "hits harder than weed killer")


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        (
            "bottle-nosed dolphin",
            {"bottlenosed dolphin", "bottle nosed dolphin", "bottle-nose dolphin", "bottlenose dolphin"},
        ),
        ("black-necked crane", {"blackneck crane", "black-neck cranes"}),
        ("spotted-bellied eagle-owl", {"spotted-belly eagle-owl", "spotted bellied eagle owl"}),
        ("long-tailed goral", {"longtail goral", "longtailed gorals"}),
        ("Rusty-naped pitta", {"Rustynape pitta"}),
    ],
)
def test_a_hyphened_name_gives_its_joined_and_spaced_forms_and_the_noun_of_an_ed_adjective(
    name: str, forms: set[str]
) -> None:
    assert forms <= set(english_forms(name))


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Bottle-nose dolphin 牙齿 吊坠", "海边老渔民的，没有来源证明", "wildlife.other"),  # bottle-nosed dolphin
        ("blackneck crane 幼鸟 一只", "高原带回，私聊", "wildlife.live_bird"),  # black-necked crane
    ],
)
def test_a_species_named_by_another_writing_of_its_hyphened_english_name_is_a_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


def test_the_joined_form_alone_names_nothing(scorer: Scorer) -> None:
    assert_clear(scorer, "Blackneck 运动鞋 黑色 43码", "全新")

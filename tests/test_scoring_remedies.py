"""The remedy pattern: a protected animal's part sold as a medicine told by what it cures (清热凉血 解毒定惊 of rhino
horn, 通经下乳 消肿排脓 of pangolin scales), in the words of its monograph, sold by the gram with trade talk. The
same words sell legal herbs and substitutes (水牛角, 王不留行, 菊花), which are sold openly by the packet or the jin:
each lead below has such a twin. Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from pipelines.scoring import Scorer, ScoreResult
from pipelines.scoring.remedies import PRICE_PER_GRAM_MIN, actions, price_per_gram
from pipelines.scoring.watchlist import load_watchlists
from tests.scoring_support import explanation, mechanisms_of, rules_by_name


def scored(scorer: Scorer, title: str, description: str, price: float | None) -> ScoreResult:
    return scorer.score({"title": title, "description": description, "price": price})


def remedy_context(result: ScoreResult) -> dict | None:
    return rules_by_name(result).get("remedy_pattern_context")


# (lead title, description, price, its category, an action it must be read by); its legal twin
PAIRS = [
    (
        ("家里老人留的角粉 清热凉血 解毒定惊", "灰白色的老角粉，清热凉血，解毒定惊，按克卖，不走快递，同城见面。", 900),
        "wildlife.rhino_horn",
        "凉血",
        ("水牛角粉 清热凉血 解毒定惊", "水牛角粉，清热凉血，解毒定惊，500克一袋，药店同款，正规厂家发货。", 45),
    ),
    (
        ("产后调理老药 通经下乳 消肿排脓", "早年存下的片状老药，通经下乳，消肿排脓，20克一份，私聊。", 760),
        "wildlife.pangolin",
        "下乳",
        ("王不留行 通经下乳 消肿", "王不留行籽，通经下乳，消肿止痛，500克装，药食同源，全国包邮。", 25),
    ),
    (
        ("黄澄澄的小颗粒 清热 清肝明目", "野外来的小颗粒，清热解毒，清肝明目，5克一瓶，量少私聊。", 1500),
        "wildlife.bear",
        "明目",
        ("杭白菊 清热解毒 清肝明目", "今年新菊，清热解毒，清肝明目，一斤装，批发价，量大私聊。", 30),
    ),
]


@pytest.mark.parametrize(("lead", "category", "action", "twin"), PAIRS)
def test_a_medicine_told_by_what_it_cures_is_a_lead_and_the_herb_told_so_is_not(
    scorer: Scorer, lead: tuple, category: str, action: str, twin: tuple
) -> None:
    result = scored(scorer, *lead)
    assert result.is_lead and result.category == category, explanation(result, lead[0], lead[1])
    assert mechanisms_of(result) == {"remedy_pattern"}
    context = remedy_context(result)
    assert context is not None and context["category"] == category and action in context["actions"]
    other = scored(scorer, *twin)
    assert not other.is_lead, explanation(other, twin[0], twin[1])
    assert remedy_context(other) is None


def test_the_dictionary_word_for_an_action_counts_as_the_action(scorer: Scorer) -> None:
    """催奶 is 下乳 ("to promote lactation") in the dictionary: with 通经 it is pangolin's two actions."""
    result = scored(scorer, "老药片 催奶 通经", "老药片，催奶通经，一两起卖，见面交易，不走物流。", 1500)
    assert result.is_lead and result.category == "wildlife.pangolin", explanation(result, "老药片 催奶 通经", "")
    context = remedy_context(result)
    assert context is not None and set(context["actions"]) == {"下乳", "通经"}


@pytest.mark.parametrize(
    ("title", "description", "price"),
    [
        # trade talk and two actions, but nothing sold by the gram: a herbal remedy's listing
        ("跌打老药 活血止痛 消肿", "祖传跌打药，活血止痛，消肿，私聊，不走快递", 80),
        # by the gram at a protected material's price, but with no talk beside it
        ("老角粉 清热凉血 解毒定惊", "老角粉，清热凉血，解毒定惊，2克一份", 600),
        # sold by the gram (按克卖), but at a herb's price per gram (500克 25元): the price given decides
        ("王不留行 通经下乳 消肿", "王不留行籽，通经下乳，消肿排脓，按克卖，500克25元，私聊，不走快递", 25),
        # one action only
        ("老药片 通经", "老药片，通经，10克一份，私聊，不走快递", 900),
        # two categories' actions in a tie (清热解毒 is rhino horn's, bear bile's and hawksbill's alike)
        ("祖传药粉 清热解毒", "祖传药粉，清热解毒，10克一瓶，私聊，不走快递", 900),
        # a herb's claims wander across monographs: 活血 is none of rhino horn's, 凉血 解毒 are
        ("伊朗西红花 活血化瘀 凉血解毒", "西红花，活血化瘀，凉血解毒，2克一瓶，私聊批发", 60),
        # cordyceps sold at a protected material's price by the words of the gecko's monograph, which is left out
        ("高原野生虫草 补肺益肾", "今年新采的野生虫草，补肺益肾，纳气定喘，5克一盒，量大私聊", 900),
    ],
)
def test_actions_without_the_trade_are_no_lead(scorer: Scorer, title: str, description: str, price: float) -> None:
    result = scored(scorer, title, description, price)
    assert not result.is_lead and remedy_context(result) is None, explanation(result, title, description)


def test_the_price_per_gram_reads_the_first_weight_given() -> None:
    assert price_per_gram(["10克一瓶，私聊"], 3200) == 320
    assert price_per_gram(["一两起卖"], 1500) == 30
    assert price_per_gram(["500g 包邮"], 25) == pytest.approx(0.05)
    assert price_per_gram(["没有重量"], 500) is None
    assert price_per_gram(["10克"], None) is None
    assert price_per_gram(["5 gb 内存"], 100) is None  # a unit that goes on is no gram
    herb = price_per_gram(["一斤装 二两一包"], 30)
    assert herb is not None and herb < PRICE_PER_GRAM_MIN


def test_every_remedy_is_actions_of_two_characters_of_a_wildlife_category() -> None:
    """The pattern reads a monograph's phrase as its actions: a phrase of another length would be one odd word."""
    with_remedies = [c for c in load_watchlists().categories.values() if c.remedies]
    assert {c.id for c in with_remedies} >= {"wildlife.rhino_horn", "wildlife.pangolin", "wildlife.bear"}
    for category in with_remedies:
        assert category.id.startswith("wildlife."), category.id
        for remedy in category.remedies:
            assert all(len(a) == 2 for a in actions(remedy)), remedy


def test_the_dictionary_synonyms_of_actions_name_an_action_and_their_source() -> None:
    watchlists = load_watchlists()
    known = {a for c in watchlists.categories.values() for r in c.remedies for a in actions(r)}
    synonyms = watchlists.signals.remedy_synonyms
    assert any(s.word == "催奶" and s.action == "下乳" for s in synonyms)
    for synonym in synonyms:
        assert synonym.action in known and (synonym.source or "").startswith("CC-CEDICT line ")


def test_watchlist_explain_names_the_remedy_pattern_and_its_actions() -> None:
    runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
    description = "早年存下的片状老药，通经下乳，消肿排脓，20克一份，私聊。"
    result = runner.invoke(
        app, ["watchlist", "explain", "产后调理老药 通经下乳 消肿排脓", "-d", description, "--price", "760"]
    )
    assert result.exit_code == 0, result.output
    assert "remedy pattern" in result.stdout
    assert "remedy_pattern_context" in result.stdout and "排脓" in result.stdout


def test_remedy_synonyms_share_a_sense_with_an_action_once_its_mark_of_medicine_is_dropped() -> None:
    script = runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts" / "build_dictionary_aliases.py"))
    glosses = {
        "下乳": "to promote lactation (TCM)",
        "催奶": "to promote lactation",
        "催乳剂": "to promote lactation",  # not of an action's length
        "凉血": "to cool the blood (TCM)",
        "冷血": "cold-blooded",
        "通经": "(TCM) to promote menstruation",
        "调经": "to regulate menstruation",
    }
    entries = [(word, gloss.split("/")[0], gloss, line) for line, (word, gloss) in enumerate(glosses.items(), 1)]
    found = script["remedy_synonyms"](entries, ["下乳", "凉血", "通经"])
    assert [(item["word"], item["action"]) for item in found] == [("催奶", "下乳")]
    assert found[0]["source"] == "CC-CEDICT line 2: 催奶 /to promote lactation/"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("深山野生 天麻 平肝息风", "云南深山野生天麻，平肝息风，一斤装。"),
        ("野生钩藤 平肝息风 清热", "山里野生钩藤，平肝息风，清热，500克一袋。"),
        ("野生天麻 平肝息风", "深山野生天麻，平肝息风，私聊。"),
    ],
)
def test_a_wild_herb_told_by_a_medicine_s_effects_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    result = scored(scorer, title, description, None)
    assert not result.is_lead, explanation(result, title, description)
    assert "trait_pattern_context" not in rules_by_name(result)


def test_a_medicine_s_effects_beside_its_material_are_its_traits(scorer: Scorer) -> None:
    title, description = "野生 老角 平肝息风 息风", "山里来的整支老角，平肝息风，懂的来。"
    result = scored(scorer, title, description, None)
    assert result.is_lead and result.category == "wildlife.saiga", explanation(result, title, description)
    context = rules_by_name(result)["trait_pattern_context"]
    assert {"平肝息风", "息风"} <= set(context["traits"])

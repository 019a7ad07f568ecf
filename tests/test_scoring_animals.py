"""Animals named by a generic word, and listed species a listing offers alive, worded apart from the shipped
evaluation set: dictionary words for a kind of animal the national list protects (四脚蛇 "lizard") make a lead
only when the listing sells a wild one, of the category the word names; a count of animals lets a live animal's
feed describe it; wild provenance in English gives a species name its context; a shell is the goods of a listed
mollusc; a falconer's name of a hawk (兔虎) and an idiom (生龙活虎) name no tiger."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, score

ROOT = Path(__file__).resolve().parents[1]
ALIASES = ROOT / "pipelines" / "watchlists" / "dictionary_aliases.yaml"


@pytest.fixture(scope="module")
def animal_terms() -> dict[str, dict[str, object]]:
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    return {
        str(term["term"]): {**term, "category": category["id"]}
        for category in data["categories"]
        for term in category["terms"]
        if term["kind"] == "animal"
    }


@pytest.mark.parametrize(
    ("title", "term", "category"),
    [
        ("四脚蛇 两条 山里刚抓的 要的私聊", "四脚蛇", "wildlife.live_reptile"),
        ("蝮蛇 一条 刚抓 泡酒用", "蝮蛇", "wildlife.live_reptile"),
        ("鹧鸪 两只 林子里逮的 活的", "鹧鸪", "wildlife.live_bird"),
        ("青蛙 野生 活的 一斤", "青蛙", "wildlife.other"),
        ("水老鸦 活的 一只 河边礁石上逮的", "水老鸦", "wildlife.live_bird"),
    ],
)
def test_a_generic_animal_word_of_wild_provenance_sold_is_a_lead(
    scorer: Scorer, title: str, term: str, category: str
) -> None:
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.term == term)
    assert hit.rule == "animal" and hit.mechanism == "dictionary_alias"
    assert hit.source and hit.source.startswith("CC-CEDICT line ")


@pytest.mark.parametrize(
    "title",
    [
        "四脚蛇 活体 人工繁殖 宠物 好养",  # bred, no word of the wild
        "四脚蛇 科普 挂图 野生动物",  # the wild, but nothing sold
        "蝮蛇 不是野生 活体 一条",  # the wild denied
        "鹧鸪 现杀 一只 农家散养",  # sold, but farm produce
        "水老鸦 捕鱼 摄影 照片 挂画",  # a photograph of the fishing birds
    ],
)
def test_a_generic_animal_word_needs_a_wild_one_sold(scorer: Scorer, title: str) -> None:
    result = assert_clear(scorer, title)
    assert any(r["rule"] == "needs_wild_animal" for r in result.rules)


def test_generic_animal_words_come_from_the_dictionary_by_the_list_s_kinds(
    animal_terms: dict[str, dict[str, object]],
) -> None:
    # the folk names of the dev misses, each in the category of the kind the list protects
    assert animal_terms["长虫"]["category"] == "wildlife.live_reptile"
    assert animal_terms["长虫"]["note"] == "= snake"
    assert animal_terms["盐蛇"]["category"] == "wildlife.live_reptile"
    assert animal_terms["壁虎"]["note"] == "= gecko"
    assert animal_terms["山鸡"]["category"] == "wildlife.live_bird"
    assert animal_terms["蝾螈"]["category"] == "wildlife.other"  # an amphibian of a genus of the list
    assert animal_terms["水老鸦"]["note"] == "= cormorant"  # gloss "common name for cormorant"
    for term in animal_terms.values():
        assert str(term["source"]).startswith("CC-CEDICT line ")


def test_the_kind_a_listed_name_ends_with_is_a_generic_animal_word(
    scorer: Scorer, animal_terms: dict[str, dict[str, object]]
) -> None:
    # the dictionary has no 巨松鼠 (the black giant squirrel, level II), but its ending 松鼠 "squirrel": the kind
    assert animal_terms["松鼠"]["category"] == "wildlife.other"
    assert animal_terms["松鼠"]["note"] == "= squirrel"
    result = assert_lead(scorer, "黑色大松鼠 活的 一只 林子里套的", "wildlife.other", "个头像猫，尾巴很长，会咬人。")
    assert any(h.term == "松鼠" and h.rule == "animal" for h in result.hits)
    # a bred pet squirrel, and nuts, are no lead; the wild form of a farmed kind (野骆驼) makes no camel a kind
    assert_clear(scorer, "魔王松鼠 活体 人工繁殖 宠物店 包活")
    assert_clear(scorer, "三只松鼠 坚果 礼盒 一箱")
    assert "骆驼" not in animal_terms


def test_farmed_and_pet_animals_are_no_generic_animal_words(animal_terms: dict[str, dict[str, object]]) -> None:
    # the senses the dictionary gives a farmed or pet animal (鸡 "fowl", 鱼 "fish", 猫 "cat") name no protected kind
    for word in ("鸡", "鸭", "鱼", "猫", "狗", "甲鱼", "牛蛙", "家鸡", "鸽子", "兔子"):
        assert word not in animal_terms
    farmed_senses = {"= fowl", "= chicken", "= duck", "= fish", "= cat", "= dog", "= pigeon", "= rabbit"}
    assert not {str(term["note"]) for term in animal_terms.values()} & farmed_senses
    # a word whose sense is an animal's but which names a thing is no animal: 吊机 "crane", 印章 "seal"
    assert "吊机" not in animal_terms and "印章" not in animal_terms
    # ... nor one of whose senses is a thing (铁轨 "rail/railroad track"), nor a one-sense word that ends with no
    # creature's character (封条 "seal")
    assert "铁轨" not in animal_terms and "封条" not in animal_terms and "亚洲" not in animal_terms


def test_a_word_every_sense_of_which_is_an_animal_needs_no_creature_s_character(
    scorer: Scorer, animal_terms: dict[str, dict[str, object]]
) -> None:
    # 守宫 "gecko/house lizard" ends with 宫 (a palace), but both its senses name the lizard
    assert animal_terms["守宫"]["category"] == "wildlife.live_reptile"
    assert_lead(scorer, "守宫 野生 活体 两只 石缝里抓的", "wildlife.live_reptile")
    assert_clear(scorer, "守宫砂 古风 红痣 贴纸")


def test_a_species_alias_inside_a_prohibited_term_is_kept_for_the_animal(scorer: Scorer) -> None:
    # 仙鹤 "red-crowned crane (Grus japonensis)" is also the brand of 仙鹤气枪: the air gun's hit is the longer one
    aliases = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    crane = next(t for c in aliases["categories"] for t in c["terms"] if t["term"] == "仙鹤")
    assert crane["note"] == "= 丹顶鹤" and crane["requires"]
    assert_lead(scorer, "仙鹤 活的 一只 滩涂上捡的 翅膀有伤", "wildlife.live_bird")
    assert_lead(scorer, "仙鹤 标本 一只 老物件", "wildlife.other")  # a dead bird's specimen is filed as parts
    result = assert_lead(scorer, "仙鹤气枪 配件 全套", "prohibited.weapons")
    assert not any(h.term == "仙鹤" for h in result.hits)
    assert_clear(scorer, "仙鹤 刺绣 挂画 松鹤延年")


def test_a_listed_species_offered_as_a_pair_is_a_live_animal_its_feed_does_not_clear(scorer: Scorer) -> None:
    result = assert_lead(scorer, "勺嘴鹬 一对 野生 吃鸟粮", "wildlife.live_bird")
    assert not [r for r in result.rules if r["rule"] == "innocence"]


def test_wild_provenance_in_english_gives_a_species_name_its_context(scorer: Scorer) -> None:
    assert score(scorer, "wild caught 脊蛇 adult 私聊").is_lead
    assert_clear(scorer, "脊蛇 adult 私聊")


def test_a_shell_is_the_goods_of_a_listed_mollusc(scorer: Scorer) -> None:
    assert_lead(scorer, "大珠母贝 贝壳 野生 大个", "wildlife.other")


@pytest.mark.parametrize(
    "title",
    [
        "野生大草龟 一只 四斤多",
        "河里摸到的草龟 老龟 三斤",
        "中华草龟 野外抓的 背甲完整",
    ],
)
def test_the_farm_trade_name_of_a_turtle_protected_in_the_wild_only_taken_from_the_wild_is_a_lead(
    scorer: Scorer, title: str
) -> None:
    result = assert_lead(scorer, title, "wildlife.live_reptile")
    assert any(h.term == "草龟" for h in result.hits)


@pytest.mark.parametrize(
    "title",
    [
        "草龟苗 外塘养殖 十只包邮",  # the farm trade's goods: no word of the wild
        "非野生 草龟 养殖场直发",  # the wild denied: a context word after a negation is none
        "草龟 不是野生的 自家繁殖",
    ],
)
def test_a_farmed_turtle_sold_by_its_trade_name_is_clear(scorer: Scorer, title: str) -> None:
    result = assert_clear(scorer, title)
    assert any(r["rule"] in ("needs_context", "bred_term") for r in result.rules)


def test_the_wild_denied_is_a_bred_animal_and_no_talk_of_provenance(scorer: Scorer) -> None:
    """非野生 says the animal was not taken from the wild: for a species protected only in the wild it is a claim of
    breeding, and the word 野生 after the negation is no wild provenance; the same listing saying 野生, or asking
    是不是野生 (a question, which denies nothing), is a lead."""
    result = assert_clear(scorer, "乌龟 非野生 三只 巴掌大", "私聊 同城")
    bred = next(r for r in result.rules if r["rule"] == "bred_term")
    assert bred["bred"] == "非野生"
    assert_lead(scorer, "乌龟 野生 三只 巴掌大", "wildlife.live_reptile", "私聊 同城")
    assert_lead(scorer, "乌龟 是不是野生 自己看 三只 巴掌大", "wildlife.live_reptile", "私聊 同城")


@pytest.mark.parametrize(
    "title",
    [
        "刚下山 大蛇 两条 活体 开车来拉",
        "有毒的蛇 活体 一条 山货 不寄",
    ],
)
def test_a_live_animal_called_by_a_generic_word_is_of_the_category_the_word_names(scorer: Scorer, title: str) -> None:
    """活体 is a live bird's, a live reptile's or a primate's: the listing's own word for the animal (蛇) decides."""
    result = assert_lead(scorer, title, "wildlife.live_reptile", "见面交易，私聊。")
    assert next(r for r in result.rules if r["rule"] == "trade_pattern_context")["part_of"] == "wildlife.live_reptile"


def test_a_falconer_s_name_and_an_idiom_are_no_tiger(scorer: Scorer) -> None:
    """兔虎 names a goshawk, and 虎 in an idiom of the dictionary (生龙活虎) a manner, not the animal."""
    result = assert_lead(scorer, "兔虎 成年母鸟 已经熬好", "wildlife.live_bird", "个头大，生龙活虎，拿兔子很猛。")
    assert "wildlife.tiger_leopard" not in result.categories


@pytest.mark.parametrize(
    "title",
    [
        "银鸡 公 长尾 前几天山上抓的",  # a capture told is wild provenance: the trade name needs no other word
        "银鸡 母的 羽色漂亮 林子里抓的",
    ],
)
def test_a_capture_gives_a_species_name_its_context(scorer: Scorer, title: str) -> None:
    result = assert_lead(scorer, title, "wildlife.live_bird")
    assert not any(r["rule"] == "needs_context" for r in result.rules)


def test_a_net_is_a_verb_of_capture(scorer: Scorer) -> None:
    result = score(scorer, "银鸡 公 长尾 林子里网的")
    assert any(h.term == "银鸡" for h in result.hits)


@pytest.mark.parametrize(
    "title",
    [
        "银鸡 公 长尾 自家孵的 笼养三年",  # no capture: the name still wants its context
        "草龟 背甲黑亮 外塘养殖 出售",
    ],
)
def test_a_species_name_without_a_capture_stays_clear(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a pet the title offers: the capture is how the kitten came home, not a wildcat's wild provenance
        ("小猫咪 送养 已驱虫", "前几天山上捡回来的小野猫，很粘人，懂的私聊"),
        # a kept animal: the same
        ("小野猫 送人 自己来接", "山里带回来的，当宠物养了半年，懂的私聊"),
    ],
)
def test_a_capture_beside_a_pet_gives_no_name_its_context(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert any(r["rule"] == "needs_context" and r["term"] == "野猫" for r in result.rules)


def test_a_dog_in_the_yard_leaves_the_capture_its_context(scorer: Scorer) -> None:
    # a pet only the description mentions is not what the listing offers
    assert_lead(scorer, "银鸡 母 长尾 林子里网的", "wildlife.live_bird", "院子里有条狗它也不怕，自提。")


def test_what_the_goods_are_made_into_is_no_part_of_them(scorer: Scorer) -> None:
    # herbs sold to make sachets (做香囊) offer no musk pod, evasion talk and all
    assert_clear(scorer, "艾叶 天然 干货 中药", "天然艾叶，晒干的，一斤装。泡脚、做香囊都行。加V详聊，不讲价。")
    assert_clear(scorer, "丁香 天然 花蕾 香料", "天然丁香，可以做成香包挂车里。加V报价。")
    # the pod itself, sold with the talk, stays a lead
    assert_lead(scorer, "天然 香囊 一个 带毛", "wildlife.musk", "整个的，原香，加V详聊，不讲价。")
    assert_clear(scorer, "薰衣草干花 一斤 新疆", "今年新货，可以做成香囊放衣柜，加V详聊，不讲价")

"""An innocence word counts only where it is a word of the text, and only as the material of the goods: 口红
across 胸口 + 红得 is no lipstick, 南红 of the spacer beads (南红隔珠) is no agate goods. Listings worded apart
from the shipped evaluation set."""

from __future__ import annotations

from pipelines.scoring import Scorer
from pipelines.scoring.fold_text import Normaliser
from pipelines.scoring.payloads import FieldView
from pipelines.scoring.words import WordEdges
from tests.scoring_support import assert_clear


def innocence_rules(scorer: Scorer, title: str, description: str = "") -> tuple[bool, dict[str, dict]]:
    result = scorer.score({"title": title, "description": description})
    return result.is_lead, {r["rule"]: r for r in result.rules if "innocence" in r["rule"]}


def view(text: str) -> FieldView:
    return FieldView("title", Normaliser().normalise(text), 0)


def test_the_likelier_segmentation_decides_with_the_dictionarys_counts() -> None:
    # 胸口|红 (2,299 x 14,915) is likelier than 胸|口红 (2,284 x 90); 大|红木 (60,000 x 161) than 大红|木 (753 x 5,000)
    counts = {"胸口": 2299, "红": 14915, "胸": 2284, "口红": 90, "口": 20778, "大红": 753, "木": 5000, "大": 60000,
              "红木": 161}  # fmt: skip
    edges = WordEdges(["口红", "红木"], counts)
    text = view("胸口红润 大红木箱")
    assert (text.norm.text[1:3], text.norm.text[5:7]) == ("口红", "红木")
    assert edges.crossed(text, 1, 3) == "胸口"
    assert edges.crossed(text, 5, 7) is None
    # a noun left at the end is the innocence word's head: 山茶花|苗 is a seedling still (花苗)
    seedling = WordEdges(["花苗"], {"茶花": 142, "苗": 1209, "茶": 10497, "花苗": 3}, frozenset({"苗"}))
    assert seedling.crossed(view("山茶花苗"), 2, 4) is None
    assert WordEdges(["花苗"], {"茶花": 142, "苗": 1209, "茶": 10497, "花苗": 3}).crossed(view("山茶花苗"), 2, 4)
    # written apart, the crossing word was never written: 胸口 口红 has the word 口红
    apart = view("胸 口红")
    assert apart.norm.text[1:3] == "口红"
    assert edges.crossed(apart, 1, 3) is None


def test_a_live_bird_keeps_its_lead_when_lipstick_is_only_characters_across_two_words(scorer: Scorer) -> None:
    lead, rules = innocence_rules(scorer, "红腹锦鸡 公鸟 活体 一只", "胸口红得像火，尾羽很长，笼养多年")
    assert lead
    assert rules["innocence_not_a_word"]["word"] == "胸口"
    assert "innocence" not in rules


def test_lipstick_written_as_a_word_still_clears(scorer: Scorer) -> None:
    lead, rules = innocence_rules(scorer, "象牙 口红 色号 滋润不拔干")
    assert not lead
    assert rules["innocence"]["signals"]["apparel_home"] == "口红"


def test_a_gemstone_of_the_spacer_beads_does_not_clear_the_goods(scorer: Scorer) -> None:
    lead, rules = innocence_rules(scorer, "老象牙手串 108颗 配绿松石隔珠", "包浆自然，私聊看细节")
    assert lead
    assert rules["innocence_fitting"]["fitting"] == "隔珠"
    lead, rules = innocence_rules(scorer, "象牙佛珠 手串 搭配碧玺", "老料，懂的来")
    assert lead and rules["innocence_fitting"]["fitting"] == "搭配"


def test_a_gemstone_that_is_the_goods_still_clears(scorer: Scorer) -> None:
    lead, rules = innocence_rules(scorer, "象牙 绿松石 手串 原矿 天然")
    assert not lead
    assert rules["innocence"]["signals"]["gemstone"] == "绿松石"


def test_an_imitation_stays_cleared_beside_a_fitting(scorer: Scorer) -> None:
    result = assert_clear(scorer, "仿象牙 手串 配南红隔珠")
    assert "imitation_term" in {r["rule"] for r in result.rules}


def test_a_chinese_character_is_one_of_the_listed_ranges_or_a_supplementary_ideograph() -> None:
    """is_cjk writes the ranges out as comparisons: it agrees with them at and around every edge."""
    from pipelines.scoring.fold_text import _CJK_RANGES, is_cjk

    ranges = (*_CJK_RANGES, (0x20000, 0x31350))
    edges = {edge + step for bounds in ranges for edge in bounds for step in (-1, 0, 1)}
    for code in sorted(edges | {0x41, 0x3001, 0x8C61, 0x7259, 0xFF21}):
        assert is_cjk(chr(code)) == any(start <= code < stop for start, stop in ranges), hex(code)
    assert is_cjk("象") and is_cjk("𠀀") and not is_cjk("A") and not is_cjk("，")

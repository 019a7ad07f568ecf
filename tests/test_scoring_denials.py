"""Hard negatives that name goods they do not sell (issue 13, false alarms): a term after a denial of its trade or
use (不卖任何电子烟, 不做偷拍用途), a term naming the style of other goods (沙图什风格), wild provenance denied across
a 的 (不是野生的绿孔雀) or by a denial of trading in it (不卖野外的), a breeder's permit named without 证 (驯养繁殖
许可), a trait of delivery and sale (同城) that shows no goods, traits told of an animal the title names by an
innocent phrase, a name read as a brand (穿山甲牌) with the code word inside it where it repeats, and a spoken form
(白面儿) whose plain word names flour. Each look-alike has the lead that must stay a lead. Examples are worded apart
from the labelled set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score

ROOT = Path(__file__).resolve().parents[1]


def test_a_term_after_a_denial_of_its_trade_is_not_the_goods(scorer: Scorer) -> None:
    result = assert_clear(scorer, "一次性打火机 批发", "普通打火机，只卖打火机，不卖任何电子烟，别问了。")
    assert rules_by_name(result)["negated_term"]["marker"].startswith("不卖")
    assert_lead(scorer, "电子烟 一次性 水果味", "prohibited.tobacco", "电子烟批发，口味齐全，私聊。")


def test_a_use_the_seller_denies_is_not_the_goods(scorer: Scorer) -> None:
    result = assert_clear(
        scorer, "家用看护摄像头 婴儿房", "看护摄像头，手机远程看，不做偷拍用途，居心不良的别来，老人小孩都能看。"
    )
    denied = rules_by_name(result)["negated_term"]
    assert denied["marker"] == "不做" and denied["category"] == "prohibited.surveillance"
    assert all(hit.matched != "偷拍" for hit in result.hits)
    assert_lead(
        scorer, "微型摄像头 隐藏式 针孔", "prohibited.surveillance", "针孔摄像头，藏在充电头里，偷拍用，懂的来私聊。"
    )


def test_a_use_the_seller_denies_is_no_context_for_a_name_that_needs_one(scorer: Scorer) -> None:
    """A name that counts only beside a word of its use (摄像头 beside 偷拍) gets none from the use denied."""
    result = assert_clear(scorer, "家用监控 摄像头 无线", "正规监控，不做偷拍，手机远程看家里老人小孩，支持回放。")
    assert "needs_context" in rules_by_name(result)
    assert_lead(scorer, "家用 摄像头 无线", "prohibited.surveillance", "不做偷拍用途 隐藏安装 看不出来，懂的私聊。")


def test_a_term_before_a_style_names_the_style_of_other_goods(scorer: Scorer) -> None:
    result = assert_clear(scorer, "沙图什风格 披肩 山羊绒", "沙图什风格的山羊绒披肩，柔软保暖，过年送礼，私聊。")
    assert rules_by_name(result)["shape_term"]["marker"] == "风格"
    assert_lead(scorer, "沙图什 披肩 藏羚羊绒 老货", "wildlife.other", "真沙图什，藏羚羊绒的，老货，私聊，不走平台。")


def test_wild_provenance_denied_before_the_animal_is_a_bred_animal(scorer: Scorer) -> None:
    result = assert_clear(
        scorer, "蓝孔雀 一对 养殖", "养殖场出的蓝孔雀一对，有驯养繁殖许可，不是野生的绿孔雀，农家乐观赏用。"
    )
    assert rules_by_name(result)["bred_term"]["licence"] == "繁殖许可"
    assert_lead(scorer, "绿孔雀 一只 野生", "wildlife.live_bird", "山里抓的野生绿孔雀，活体，私聊，不走快递。")


@pytest.mark.parametrize(
    ("title", "description", "marker"),
    [
        ("证件照 精修 换底色 冲印", "照相馆拍证件照，换底色、精修、冲印都行，只管拍照不办证，门店在地铁口。", "不办"),
        ("驾校 科目一 辅导班 报名", "驾校报名辅导，名额有限，本班不包过，加微信详聊，懂的来。", "不包"),
    ],
)
def test_a_denial_of_the_documents_trade_denies_its_names(
    scorer: Scorer, title: str, description: str, marker: str
) -> None:
    # 办 (issuing: 办证) and 包 (guaranteeing: 包过) are the documents trade's verbs: 不办证, 不包过 deny it
    result = assert_clear(scorer, title, description)
    assert rules_by_name(result)["negated_term"]["marker"] == marker
    assert_lead(scorer, "驾照 办证 包过 加急", "prohibited.documents", "不用考试，三天拿证，私聊。")


def test_a_negation_denies_the_wild_provenance_of_the_noun_phrase_it_denies(scorer: Scorer) -> None:
    # 不是 denies 山里那种野生豹猫 as a whole: 野生 a modifier after 山里 is denied with it, so the cattery's
    # papers stand
    result = assert_clear(
        scorer, "孟加拉豹猫 幼猫 一只", "猫舍自繁的孟加拉豹猫，不是山里那种野生豹猫，血统证书齐全，疫苗已打。"
    )
    assert rules_by_name(result)["bred_term"]["licence"] == "血统证"
    # a negation that ends its clause denies nothing after it
    assert_lead(
        scorer,
        "豹猫 幼崽 血统证书",
        "wildlife.other",
        "不是网上那些繁育的，山里野生豹猫，猫舍寄养过几天，私聊，不走快递。",
    )


def test_wild_provenance_denied_across_a_de_is_no_trait_of_the_named_animal(scorer: Scorer) -> None:
    # with no licence to clear it, the 野生 of 不是野生的绿孔雀 is denied: no suspicious trait of the peafowl
    result = score(scorer, "蓝孔雀 一对 养殖", "养殖场出的蓝孔雀一对，不是野生的绿孔雀，农家乐观赏用。")
    assert rules_by_name(result)["negated_signal"]["signal"] == "野生"
    assert not any(rule["rule"] == "suspicious" and "野生" in rule["signals"] for rule in result.rules)


def test_wild_ones_the_seller_will_not_sell_are_no_claim_of_wild_provenance(scorer: Scorer) -> None:
    result = assert_clear(scorer, "中华草龟 苗 十只", "养殖场的草龟苗，人工孵化，不卖野外的，适合新手。")
    denied = [r for r in result.rules if r["rule"] == "negated_signal" and r["signal"] == "野外"]
    assert denied and denied[0]["negation"] == "不卖" and denied[0]["points"] == 0
    assert_lead(scorer, "中华草龟 野生 老龟", "wildlife.live_reptile", "野外抓的草龟，老龟，私聊，同城面交。")


def test_a_trait_of_delivery_and_sale_shows_no_goods(scorer: Scorer) -> None:
    result = assert_clear(scorer, "大麻 纤维 麻布 桌布", "大麻纤维的桌布，棉麻混纺，同城自提。")
    assert rules_by_name(result)["head_term"]["category"] == "prohibited.drugs"
    assert_lead(scorer, "大麻 叶子 新货", "prohibited.drugs", "大麻叶子，新货，同城，懂的来私聊。")


def test_traits_of_an_animal_the_title_names_by_an_innocent_phrase_are_its_own(scorer: Scorer) -> None:
    result = assert_clear(scorer, "牡丹鹦鹉 一对 人工繁殖 带证", "牡丹鹦鹉一对，人工繁殖，带证，亲人，同城面交，私聊。")
    assert "trait_pattern_context" not in rules_by_name(result)
    # traits of the category the phrase names still tell its goods (羚羊挂角, an idiom, of a saiga's horn)
    assert_lead(scorer, "羚羊挂角 原角 整支 老料", "wildlife.saiga", "羚羊挂角原角一支，老料，环节十个，只约同城见面。")


def test_a_name_read_as_a_brand_takes_the_code_word_inside_it_along(scorer: Scorer) -> None:
    result = assert_clear(scorer, "穿山甲 破碎锤 二手 工地", "二手穿山甲牌液压破碎锤一台，工地撤场，成色好，价格可谈。")
    assert not result.hits and "read_aside_elsewhere" in rules_by_name(result)
    assert_lead(scorer, "穿山甲 甲片 整片 野生", "wildlife.pangolin", "野生穿山甲甲片，整片，私聊，不走快递。")


def test_a_spoken_form_of_flour_is_no_name_of_heroin(scorer: Scorer) -> None:
    result = assert_clear(scorer, "白面儿 五斤 纯的 石磨", "自家石磨磨的白面儿，纯的，五斤一袋，同城。")
    assert not result.hits


def test_a_spoken_form_whose_plain_word_names_other_goods_is_no_alias() -> None:
    spec = importlib.util.spec_from_file_location("build_aliases", ROOT / "scripts" / "build_dictionary_aliases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entries = [  # (word, first sense, gloss, line) as read_cedict gives them
        ("白面", "wheat flour", "wheat flour/flour/heroin", 1),
        ("白面儿", "heroin", "heroin", 2),
        ("烟卷", "cigarette", "cigarette/cigar", 3),
        ("烟卷儿", "cigarette", "cigarette/CL:棵[ke1]", 4),
        ("冰毒儿", "methamphetamine", "methamphetamine", 5),  # no plain word in the dictionary: nothing to share
    ]
    # 白面儿 is flour in speech as 白面 is; 烟卷儿 is the cigarette 烟卷 is
    assert module.erhua_namesakes(entries) == {"白面儿"}

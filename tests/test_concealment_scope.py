"""How far talk of hiding the goods reaches (issue 13, classes 3 and 4): a cover named in a few words, a photo
the seller withholds, the goods' identity left unsaid, hidden goods told by an animal part, and a product or a
young one written right after a colloquial name. Each lead has the look-alike that must stay quiet. Examples are
worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer, ScoreResult


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load(threshold=60)


def score(scorer: Scorer, title: str, description: str = "") -> ScoreResult:
    return scorer.score({"title": title, "description": description})


def rules_of(result: ScoreResult) -> set[str]:
    return {rule["rule"] for rule in result.rules}


def test_a_cover_named_in_a_few_words_is_still_the_cover(scorer: Scorer) -> None:
    result = score(scorer, "组合烟花 49发 礼盒", "快递发，外包装写生日派对道具，不包破损")
    assert result.is_lead and result.category == "prohibited.fireworks"
    cover = next(rule for rule in result.rules if rule["rule"] == "innocence_cover")
    assert cover["signal"] == "道具" and cover["cover"] == "包装写"


def test_a_cover_marker_does_not_reach_into_the_next_clause(scorer: Scorer) -> None:
    # 物流写 ends its clause: 道具 of the next one describes the goods
    result = score(scorer, "冷光喷泉 电子 婚庆道具", "物流写清楚地址，道具是电子的不会着火")
    assert not result.is_lead and "innocence_cover" not in rules_of(result)


def test_a_photo_the_seller_withholds_is_no_media_for_sale(scorer: Scorer) -> None:
    result = score(scorer, "刚下山 活的 一只 个头大", "照片不方便发，私聊，不走物流")
    assert result.is_lead and "innocence_withheld" in rules_of(result)


def test_a_photo_sold_as_a_photo_stays_media(scorer: Scorer) -> None:
    # a refusal with no verb of showing after it (不褪色) says something about the photo itself
    result = score(scorer, "丹顶鹤 摄影 照片 装裱 挂画", "照片不褪色，实木框，包邮")
    assert not result.is_lead and "innocence_withheld" not in rules_of(result)


def test_the_goods_identity_left_unsaid_is_concealment(scorer: Scorer) -> None:
    result = score(scorer, "老皮子 一张 花纹好", "名字不能说，懂的来，见面交易，不走物流")
    assert result.is_lead and result.category == "wildlife.other"
    context = next(rule for rule in result.rules if rule["rule"] == "trade_pattern_context")
    assert context["concealment"] == "名字不能说"


def test_a_cultivar_left_unnamed_stays_quiet(scorer: Scorer) -> None:
    assert not score(scorer, "多肉 盆栽 混搭 十棵", "品种不写了，随机发，私聊").is_lead


def test_hidden_goods_shown_by_an_animal_part_are_never_told_by_delivery_words(scorer: Scorer) -> None:
    # 顺丰 and 包邮 are fireworks' delivery traits, but a tooth is an animal's
    result = score(scorer, "老货 牙 一个 包浆", "是什么牙懂的都懂，顺丰包邮")
    assert result.category is None or result.category.startswith("wildlife.")


def test_hidden_goods_with_only_delivery_words_keep_their_category(scorer: Scorer) -> None:
    result = score(scorer, "礼盒 一箱 过年", "是什么懂的都懂，顺丰包邮，100发")
    assert result.category != "wildlife.other"


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("黑瞎子油 小瓶 冻疮", "山里熬的，发货写护手霜", "wildlife.bear"),  # bear fat after a colloquial name
        ("马骝仔 两只 好乖", "食香蕉，同城面交，唔好问手续", "wildlife.primate"),  # 仔: a young one
    ],
)
def test_a_product_or_young_one_after_a_colloquial_name_sells_the_animal(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and result.category == category


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("黑瞎子 毛绒公仔 玩具", "软萌可爱，送小朋友"),
        ("马骝 精 卡通 贴纸", "儿童贴纸一套"),
        ("狗熊油画棒 儿童 24色", "儿童画画用"),
    ],
)
def test_a_colloquial_name_in_other_goods_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert not score(scorer, title, description).is_lead

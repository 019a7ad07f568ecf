"""How far talk of hiding the goods reaches (issue 13, classes 3 and 4): a cover named in a few words, a photo
the seller withholds, the goods' identity left unsaid, hidden goods told by an animal part, and a product or a
young one written right after a colloquial name; innocence words in seller talk about the listing rather than the
goods (a photo offered, the buyers' trade, a drink mixed into, the vessel) and a caught animal's trait. Each lead
has the look-alike that must stay quiet. Examples are worded apart from the labelled set."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score


def test_a_cover_named_in_a_few_words_is_still_the_cover(scorer: Scorer) -> None:
    result = assert_lead(scorer, "组合烟花 49发 礼盒", "prohibited.fireworks", "快递发，外包装写生日派对道具，不包破损")
    cover = rules_by_name(result)["innocence_cover"]
    assert cover["signal"] == "道具" and cover["cover"] == "包装写"


def test_a_cover_marker_does_not_reach_into_the_next_clause(scorer: Scorer) -> None:
    # 物流写 ends its clause: 道具 of the next one describes the goods
    result = assert_clear(scorer, "冷光喷泉 电子 婚庆道具", "物流写清楚地址，道具是电子的不会着火")
    assert "innocence_cover" not in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description", "signal"),
    [
        ("跳刀 钢质好 带夹子", "寄出去拆开，写玩具 放心", "玩具"),
        ("蝴蝶刀 开刃", "寄的时候写模型 刀柄刀身分开包", "模型"),
    ],
)
def test_a_word_written_on_the_parcel_is_the_cover(scorer: Scorer, title: str, description: str, signal: str) -> None:
    # 写 alone, a few characters before the innocence word in its clause: what the parcel is labelled as
    result = assert_lead(scorer, title, "prohibited.weapons", description)
    cover = rules_by_name(result)["innocence_cover"]
    assert cover["signal"] == signal and cover["cover"] == "写"


@pytest.mark.parametrize(
    ("description", "signal", "cover"),
    [
        ("往地上一扔就响，快递不收，我这边夹在玩具里寄", "玩具", "夹在"),
        ("往地上一扔就响，快递不收，我这边换成零食盒子发", "零食", "换成"),
    ],
)
def test_goods_hidden_inside_other_goods_are_covered_by_them(
    scorer: Scorer, description: str, signal: str, cover: str
) -> None:
    result = assert_lead(scorer, "年货小纸炮 一箱四十盒", "prohibited.fireworks", description)
    assert rules_by_name(result)["innocence_cover"] == {
        "rule": "innocence_cover",
        "signal": signal,
        "cover": cover,
        "field": "description",
        "points": 0,
    }


def test_a_toy_in_the_title_is_no_cover(scorer: Scorer) -> None:
    # 写作业 says what the child does: the toy of the title, away from any 写, still clears the knife
    assert_clear(scorer, "跳刀 玩具 塑料", "儿童 写作业 奖励 不伤手")


def test_a_photo_the_seller_withholds_is_no_media_for_sale(scorer: Scorer) -> None:
    result = score(scorer, "刚下山 活的 一只 个头大", "照片不方便发，私聊，不走物流")
    assert result.is_lead and "innocence_withheld" in rules_by_name(result)


def test_a_photo_sold_as_a_photo_stays_media(scorer: Scorer) -> None:
    # a refusal with no verb of showing after it (不褪色) says something about the photo itself
    result = assert_clear(scorer, "丹顶鹤 摄影 照片 装裱 挂画", "照片不褪色，实木框，包邮")
    assert "innocence_withheld" not in rules_by_name(result)


def test_the_goods_identity_left_unsaid_is_concealment(scorer: Scorer) -> None:
    result = assert_lead(scorer, "老皮子 一张 花纹好", "wildlife.other", "名字不能说，懂的来，见面交易，不走物流")
    context = rules_by_name(result)["trade_pattern_context"]
    assert context["concealment"] == "名字不能说"


def test_what_the_goods_are_left_to_the_reader_is_concealment(scorer: Scorer) -> None:
    # a question of the goods' identity and a verb of the reader's knowing it, in one clause
    result = assert_lead(scorer, "老货 骨头 一副 个头大", "wildlife.other", "具体是啥大家都知道，见面交易，不走物流")
    context = rules_by_name(result)["trade_pattern_context"]
    assert context["concealment"] == "是啥大家都知道"
    result = assert_lead(scorer, "年货 大箱 36发", "prohibited.fireworks", "里面是什么大家都知道，快递不收，只能自提")
    context = rules_by_name(result)["concealed_goods_context"]
    assert context["concealment"] == "是什么大家都知道"


def test_a_verb_of_four_characters_at_the_reach_leaves_the_goods_to_the_reader(scorer: Scorer) -> None:
    # 电话里说 four characters after 是什么 (货色价格): the reach counts characters between, whatever the verb's length
    result = assert_lead(
        scorer, "年货 大箱 36发", "prohibited.fireworks", "里面是什么货色价格电话里说，快递不收，只能自提"
    )
    context = rules_by_name(result)["concealed_goods_context"]
    assert context["concealment"] == "是什么货色价格电话里说"
    # one character further (货色和价格) the verb is out of reach
    assert_clear(scorer, "年货 大箱 36发", "里面是什么货色和价格电话里说，快递不收，只能自提")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("老货 骨头 一副 个头大", "不知道是什么骨头，见面交易，不走物流"),  # the seller does not know
        ("年货 大箱 36发", "里面是什么颜色都有，快递不收，只能自提"),  # a question with no verb of knowing
        ("年货 大箱 36发", "里面是什么，看图。大家都知道，快递不收"),  # the verb in another clause
    ],
)
def test_a_question_of_the_goods_without_a_reader_who_knows_is_no_concealment(
    scorer: Scorer, title: str, description: str
) -> None:
    result = assert_clear(scorer, title, description)
    assert "concealed_goods_context" not in rules_by_name(result)


def test_a_cultivar_left_unnamed_stays_quiet(scorer: Scorer) -> None:
    assert_clear(scorer, "多肉 盆栽 混搭 十棵", "品种不写了，随机发，私聊")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("鳞片 半斤 炮制好的 下奶", "老家山里收的，片片金黄，别问药名，量少", "wildlife.pangolin"),
        ("纽扣 款 小镜头 录像", "缝在衣服上看不出来，发货不写东西名字", "prohibited.surveillance"),
        ("纽扣 款 小镜头 录像", "缝在衣服上看不出来，不敢挂名字", "prohibited.surveillance"),
    ],
)
def test_a_name_refused_before_its_noun_is_concealment(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    # generated pairs: a verb of naming refused (别问, 不写, 不敢挂) before a noun of what the goods are, the goods'
    # own name (药名, 东西名字) among them
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("多肉 盆栽 混搭 十棵", "别问品种名字，随机发，私聊"),  # a cultivar mix
        ("二手 童书 一箱", "书名不写了，别问名字，整箱卖"),  # a box of books
        ("感冒 冲剂 一盒", "家里多的，别问药名，看图"),  # a household medicine
    ],
)
def test_ordinary_goods_whose_name_is_refused_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("原液 一桶 除草 连根死", "老配方，现在买不到了，物流用别的品名发", "prohibited.pesticides"),
        ("纽扣 款 小镜头 录像", "缝在衣服上看不出来，发货用其他名义", "prohibited.surveillance"),
    ],
)
def test_goods_sent_under_another_name_are_concealed(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("多肉 盆栽 混搭 十棵", "这种还有别的名字，叫法不一样，同城自提"),  # a plant's other names
        ("收纳箱 大号 三个", "快递单上写清楚地址和电话，包邮"),  # a note on delivery
    ],
)
def test_other_names_and_notes_on_the_waybill_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


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
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("黑瞎子 毛绒公仔 玩具", "软萌可爱，送小朋友"),
        ("马骝 精 卡通 贴纸", "儿童贴纸一套"),
        ("狗熊油画棒 儿童 24色", "儿童画画用"),
    ],
)
def test_a_colloquial_name_in_other_goods_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_photos_the_seller_offers_are_no_media_for_sale(scorer: Scorer) -> None:
    result = score(scorer, "豹子牙 吊坠 一颗 老货", "豹子牙一颗，包银头。要的私聊，可以补几张细节照片给你")
    assert result.is_lead and "innocence_service" in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("穿山甲片 整片 带筋", "穿山甲片一斤，干货无杂质。要的私聊，可以发不同角度的照片给你看"),
        ("玳瑁 原片 一张 老料", "玳瑁原片一张，纹路清晰，私聊，能提供高清的照片"),
    ],
)
def test_photos_the_seller_offers_with_a_modifier_are_no_media_for_sale(
    scorer: Scorer, title: str, description: str
) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and "innocence_service" in rules_by_name(result)


def test_a_photo_print_for_sale_stays_media(scorer: Scorer) -> None:
    result = assert_clear(scorer, "东北虎 摄影 照片 装框 客厅挂画", "高清打印照片，实木框，尺寸六十乘九十")
    assert "innocence_service" not in rules_by_name(result)


def test_the_trade_of_the_buyers_is_not_the_goods(scorer: Scorer) -> None:
    result = score(scorer, "麝香仁 散仁 五克", "天然麝香仁五克，做香水的师傅都来拿，私聊")
    assert result.is_lead and "innocence_buyer" in rules_by_name(result)


def test_goods_made_for_a_use_keep_their_innocence(scorer: Scorer) -> None:
    # a mould makes drinks: 做 without a buyer after it is what the goods are for
    result = assert_clear(scorer, "熊掌造型 硅胶模具", "熊掌造型的硅胶模具，做饮料做冰块都好看，可定做logo")
    assert not {"innocence_buyer", "innocence_use"} & rules_by_name(result).keys()


def test_a_drink_the_goods_are_mixed_into_is_not_the_goods(scorer: Scorer) -> None:
    result = score(scorer, "听话水 一小瓶", "无色无味，混进饮料里喝不出来，匿名发货")
    assert result.is_lead and "innocence_use" in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("鹿角珊瑚 整枝 原色 海里的", "鹿角珊瑚一整枝，潜水捞上来的，晒干了。放鱼缸造景或者客厅摆着都好看，私聊"),
        ("砗磲 整扇 老渔民家的", "砗磲一整扇，四十公分，海里的老货。当盆景底座或者放门口都行，不走快递"),
    ],
)
def test_a_use_among_alternatives_the_goods_suit_is_not_the_goods(scorer: Scorer, title: str, description: str) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and "innocence_use" in rules_by_name(result)


def test_the_vessel_the_goods_travel_in_is_not_the_goods(scorer: Scorer) -> None:
    result = score(scorer, "熊胆粉 一两 野生", "野生熊胆粉一两，装在罐头瓶里寄，私聊")
    assert result.is_lead
    vessel = rules_by_name(result)["innocence_vessel"]
    assert vessel["signal"] == "罐头"


def test_food_sold_in_a_jar_stays_food(scorer: Scorer) -> None:
    result = assert_clear(scorer, "熊猫 饼干 罐头 礼盒", "熊猫造型饼干，铁罐装，送小朋友")
    assert "innocence_vessel" not in rules_by_name(result)


def test_a_caught_birds_trait_is_no_innocence(scorer: Scorer) -> None:
    result = score(scorer, "林子里套的鸟 一只 会学舌", "林子里套的，黑色，长大会学舌，懂的来，不走快递")
    assert result.is_lead and "innocence_captured" in rules_by_name(result)


def test_a_bred_bird_keeps_its_papers(scorer: Scorer) -> None:
    result = assert_clear(scorer, "八哥 人工繁育 会学舌", "人工繁育的八哥，有驯养证，会学舌，笼子一起送")
    assert "innocence_captured" not in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("金刚 鹦鹉 毛绒 玩具 会学舌", "毛绒鹦鹉玩具，录音会学舌，送孩子"),
        ("老虎 摄影 作品 照片", "草原上拍的老虎照片，可以发电子版给你看效果"),
    ],
)
def test_seller_talk_look_alikes_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_praised_print_stays_media(scorer: Scorer) -> None:
    # 的 ends a verb's reach: 拍得好看的照片 praises the print, and 看 is no service anyway
    assert_clear(scorer, "雪豹 照片 高清 冲印", "雪山上拍得好看的照片，冲印后发你的照片都是原图，装框另算")


def test_a_title_named_by_an_innocent_phrase_hides_nothing(scorer: Scorer) -> None:
    # the dictionary's namesake (象拔蚌, a clam) names the goods: fresh and talk of the platform are a fishmonger's
    result = assert_clear(scorer, "象拔蚌 鲜活 两只", "鲜活象拔蚌两只，平台上不方便说，加V看视频")
    assert "trade_pattern_context" not in rules_by_name(result)
    # the same talk with no name for the goods, and an animal of wild provenance, is still the trade pattern
    hidden = score(scorer, "鲜活 两只 刚到", "鲜活的，平台上不方便说，加V看视频，山里刚抓的")
    assert hidden.is_lead and "trade_pattern_context" in rules_by_name(hidden)


def test_a_name_beside_its_identity_left_to_the_reader_is_the_goods(scorer: Scorer) -> None:
    # 懂行的都知道是什么 leaves to the reader what 猢狲 is: the name needs no live animal's word, and the listing is a
    # primate's, not concealed goods of whatever category its delivery words would suggest
    assert_lead(scorer, "猢狲 小只 会握手", "wildlife.primate", "懂行的都知道是什么，只能上门自取，私聊")
    # a question that names the goods itself (是什么茶) leaves nothing unsaid about 白鹤
    assert_clear(scorer, "白鹤 茶叶 一斤", "是什么茶懂的都懂，私聊")


def test_a_photo_refused_right_before_it_is_withheld(scorer: Scorer) -> None:
    # the refusal and the verb of showing before the media word (不留照片, 不发视频) withhold it as after it
    result = assert_lead(scorer, "眼镜王蛇 一条 野外刚抓", "wildlife.live_reptile", "不留照片，当面看，不走快递")
    rules = rules_by_name(result)
    assert rules["innocence_withheld"]["signal"] == "照片" and "innocence" not in rules


def test_a_photo_for_sale_with_a_negative_withheld_stays_media(scorer: Scorer) -> None:
    assert_clear(scorer, "雪豹 摄影照片 装裱 高清", "不留底片，照片可以装框")


def test_a_basin_or_box_the_animal_is_kept_in_is_the_vessel(scorer: Scorer) -> None:
    result = assert_lead(scorer, "金钱龟 一只 野外的 溪边捡的", "wildlife.live_reptile", "养在塑料盆里，私聊，只面交")
    vessel = rules_by_name(result)["innocence_vessel"]
    assert vessel["signal"] == "塑料" and vessel["marker"] == "盆"


def test_a_plastic_basin_for_sale_stays_plastic(scorer: Scorer) -> None:
    assert_clear(scorer, "塑料盆 大号 加厚 洗衣盆", "家用塑料盆，盒装发货")


@pytest.mark.parametrize(
    ("title", "description", "category", "negation"),
    [
        ("羚羊角粉 五克 小儿退热", "纯的，没掺山羊角，懂的来", "wildlife.saiga", "没掺"),
        ("犀角片 五克 凉血", "没有掺杂水牛角，私聊，不走快递", "wildlife.rhino_horn", "没有掺杂"),
    ],
)
def test_a_look_alike_the_goods_are_not_mixed_with_is_denied(
    scorer: Scorer, title: str, description: str, category: str, negation: str
) -> None:
    # a purity claim names what the goods are not mixed with: another animal's horn or hoof, no innocence
    rules = rules_by_name(assert_lead(scorer, title, category, description))
    assert rules["innocence_negated"]["negation"] == negation


@pytest.mark.parametrize("denial", ["不算", "算不上"])
def test_goods_said_not_to_count_as_a_toy_are_not_a_toy(scorer: Scorer, denial: str) -> None:
    # 不算玩具 says the goods are more than the harmless kind they might be filed under: it vouches for them
    rules = rules_by_name(assert_lead(scorer, "弩 狩猎款 成人", "prohibited.weapons", f"{denial}玩具，力道大，私聊"))
    assert rules["innocence_negated"]["negation"] == denial
    assert "innocence" not in rules


def test_a_toy_crossbow_that_is_not_dear_stays_a_toy(scorer: Scorer) -> None:
    # 不算 before another word (不算贵) denies nothing of the toy
    assert_clear(scorer, "木制弩 小号", "儿童玩具，塑料箭头，不算贵")


def test_honey_not_mixed_with_sugar_stays_honey(scorer: Scorer) -> None:
    assert_clear(scorer, "农家土蜂蜜 两斤装", "不掺糖，自家山里放的蜂")

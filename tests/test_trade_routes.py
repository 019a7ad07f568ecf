"""Routes to a lead when no species or product word names the goods (issue 13, classes 3 and 6), each with the
look-alike that must stay quiet. Examples are worded apart from the labelled set."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.scoring import Scorer, ScoreResult
from pipelines.scoring.spellings import digit_spellings
from tests.scoring_support import assert_clear, assert_lead, score


def trade_context(result: ScoreResult) -> dict[str, object]:
    return next(rule for rule in result.rules if rule["rule"] == "trade_pattern_context")


def test_a_capture_in_the_wild_is_provenance(scorer: Scorer) -> None:
    result = assert_lead(
        scorer, "林子里前天逮的 活体 一只 尾巴蓬松", "wildlife.other", "别问叫什么，只能上门提货，不走快递"
    )
    assert {h.mechanism for h in result.hits} == {"trade_pattern"}
    assert trade_context(result)["capture"] == "林子里前天逮"


def test_a_capture_on_a_farm_stays_quiet(scorer: Scorer) -> None:
    # no place of the wild and no catching: a farmer's own produce
    assert_clear(scorer, "自家院里养的 活体 兔子 两只", "不走快递，同城自提")


def test_an_animal_sold_alive_or_just_killed_is_a_part_of_the_trade(scorer: Scorer) -> None:
    result = assert_lead(scorer, "后山下来的野物 活的 两只", "wildlife.other", "没有检疫，只能当面交易，不走物流")
    assert trade_context(result)["fresh"] == "活的"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("农家散养 土鸡 野生放养 现杀", "不走快递，同城见面交易"),  # a farmed animal, said so
        ("野生 河虾 活的 一斤", "不走快递，见面交易"),  # seafood sold alive
        ("野外 拓展 好养活的 绿萝", "不走快递，见面交易"),  # 活的 inside another word
    ],
)
def test_farm_produce_alive_or_just_killed_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("野鸭 活的 刚下山 三只", "不走物流，见面交易"),  # the wild kind of a farmed animal
        ("刚下山 活的 一只 大个", "不是牛也不是羊，不走物流，见面交易"),  # farmed animals denied
    ],
)
def test_a_farmed_name_denied_or_wild_does_not_stop_the_trade_pattern(
    scorer: Scorer, title: str, description: str
) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and trade_context(result)["fresh"] == "活的"


def test_concealing_the_animal_stands_in_for_provenance(scorer: Scorer) -> None:
    result = assert_lead(
        scorer, "爪 一副 老货 晒干的", "wildlife.other", "什么爪子懂的都懂，不多说。只接受见面交易，不走快递"
    )
    assert trade_context(result)["concealment"] == "懂的都懂"


def test_concealment_without_evasion_is_no_trade_pattern(scorer: Scorer) -> None:
    result = score(scorer, "老货 牙 一对 盘玩", "是什么牙懂的都懂，支持验货")
    assert all(rule["rule"] != "trade_pattern_context" for rule in result.rules)


@pytest.mark.parametrize(
    ("title", "description", "part"),
    [
        ("野生鞭 一根 泡酒用", "没有手续，同城当面交易", "鞭"),  # right after a word of wild provenance
        ("刚下山 胆粉 一小瓶", "不走物流，见面交易", "胆"),  # ground to powder
        ("刚打的 带皮带骨 二十斤", "没有检疫，不走物流", "骨"),  # with its hide and bones
    ],
)
def test_a_one_character_part_stands_beside_provenance_powder_or_hide(
    scorer: Scorer, title: str, description: str, part: str
) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and trade_context(result)["part"] == part


def test_a_one_character_part_inside_a_word_stays_quiet(scorer: Scorer) -> None:
    assert_clear(scorer, "野生 骨瓷 皮革 胆大 角落", "不走物流，见面交易")


@pytest.mark.parametrize(
    ("title", "description", "route", "shown"),
    [
        # a denied look-alike claims the real animal: it stands in for provenance, and beside it for the talk
        ("皮子 一张 带毛 挂墙", "不是羊皮也不是狗皮，只当面交易", "denied", "不是羊"),
        ("野生 骨头 一副 泡酒", "不是猪骨也不是牛骨，看货再说", "denied", "不是猪"),
        # papers denied, beside other talk
        ("兽皮 一整张 挂墙 收藏", "没有任何证件，私聊，只同城自提", "papers", "没有任何证件"),
        # a place of the wild right before the goods
        ("深林里的 皮子 一整张", "只当面交易，不走快递", "place", "林里的"),
        # ... or a few characters before a one-character part, in its clause
        ("山里大个子的胆 一个", "晒干的，只当面交易", "place", "山里大个子的"),
        # a source withheld is provenance the seller will not tell
        ("头骨 一个 带牙 完整", "出处别问，不走快递", None, None),
    ],
)
def test_provenance_told_without_a_word_of_it(
    scorer: Scorer, title: str, description: str, route: str | None, shown: str | None
) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and result.category.startswith("wildlife.")
    if route is not None:
        assert trade_context(result)[route] == shown


def test_a_place_of_the_wild_in_another_clause_tells_no_provenance(scorer: Scorer) -> None:
    assert_clear(scorer, "老家在山里，胆 一个 晒干的", "只当面交易，不走快递")


def test_a_wild_young_animal_needs_no_talk(scorer: Scorer) -> None:
    result = score(scorer, "野外捡的 幼崽 一只 还没睁眼", "每天喂奶，会养的来")
    assert result.is_lead and trade_context(result)["part"] == "幼崽"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("赛鸽 幼崽 一对 血统", "家鸽不属于野生动物，同城自提"),  # wild provenance denied, a farmed animal named
        ("牛角梳 手工 老货", "不是塑料不是树脂，支持验货"),  # a denied imitation, no part of its own
        ("证书 原件 丢了 补办", "没有证件怎么办，私聊"),  # papers denied, no animal part
        ("山里的 蘑菇 一斤", "来源别问，同城自提"),  # a source withheld, no animal
    ],
)
def test_the_new_provenance_routes_need_an_animal_part(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    "talk",
    [
        "只见面，地点我定",
        "仅限当面，外地勿扰",
        "价格实在，现金交易",
        "别问手续，便宜出",
        "不要打听证件",
        "只在本地见面，地点我定",  # the handover kept to a place near the seller
        "电话里不谈，价格见面说",  # talk of the goods refused where it is heard
        "网上不说，价格另谈",
        "只卖熟人，价格另谈",  # the deal kept to buyers the seller knows
        "只接熟客，地点我定",
    ],
)
def test_a_deal_kept_to_a_handover_or_papers_left_unasked_is_talk(scorer: Scorer, talk: str) -> None:
    # generated pairs: a word of "only" before a handover that leaves no record, the handover before 交易, and a
    # refused question before a word of papers
    result = score(scorer, "野生 骨 一副 老货", talk)
    assert result.is_lead and trade_context(result)["part"] == "骨"


def test_a_source_the_buyer_must_not_ask_about_is_provenance(scorer: Scorer) -> None:
    result = score(scorer, "头骨 一个 带牙 完整", "别打听来路，不走快递")
    assert result.is_lead and trade_context(result)["provenance"] == ["别打听来路"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("实木 老榆木 八仙桌 一张", "太重了不发货，只见面，自己拉走"),  # bulky furniture handed over in person
        ("布偶猫 幼猫 两只 已驱虫", "猫舍繁育，只能见面，现金交易"),  # a bred pet
        ("二手 冰箱 双开门 九成新", "只见面交易，现金交易，自己搬"),  # an appliance
        ("实木 老榆木 八仙桌 一张", "太重了，只在本地见面交易，电话里不谈价，自己拉走"),
        ("布偶猫 幼猫 两只 已驱虫", "猫舍繁育，只在同城见面，网上不聊价"),
        ("手工 蛋糕 定制", "只接熟客预订，提前三天，老客户优先"),  # a home bakery's regulars
        ("二手 自行车 九成新", "只卖给认识的人，同城自提"),
    ],
)
def test_ordinary_goods_handed_over_in_person_for_cash_stay_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_numeral_written_in_digits_is_a_generated_variant(scorer: Scorer) -> None:
    result = assert_lead(scorer, "老式 2踢脚 一箱", "prohibited.fireworks", "快递不发，只能自提")
    hit = next(h for h in result.hits if h.rule == "digits")
    assert hit.mechanism == "generated_variant" and hit.term == "烟花"


def test_digit_spellings_only_of_names_long_enough() -> None:
    assert [s.text for s in digit_spellings(["二踢脚", "二胡", "穿山甲"], plain=True)] == ["2踢脚"]


@pytest.mark.parametrize(
    "title", ["婚庆 冷光喷泉 一箱 室外", "冷焰火 舞台 开场 整箱", "仙女棒 手持 拍照 一盒", "sparklers 婚礼 入场"]
)
def test_fireworks_named_by_their_product_form(scorer: Scorer, title: str) -> None:
    assert_lead(scorer, title, "prohibited.fireworks")


@pytest.mark.parametrize(
    "title", ["冷光 美白 牙齿 仪器", "庭院 喷泉 水泵 静音", "电子仙女棒 LED 发光 儿童", "2号 电池 一板"]
)
def test_look_alikes_of_firework_forms_stay_quiet(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


def test_a_part_the_dictionary_names_inside_a_word_is_that_part(scorer: Scorer) -> None:
    # 苦胆 is "gall bladder" in CC-CEDICT: the part 胆 inside that word is the animal's
    result = score(scorer, "后山 野的 苦胆 风干 两个", "只能见面交易，不走快递")
    assert result.is_lead and trade_context(result)["part"] == "苦胆"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("野生 大胆 创意 手机壳", "只能见面交易，不走快递"),  # 大胆 "brazen"
        ("野外 主角 同款 帽子", "只能见面交易，不走快递"),  # 主角 "leading role"
        ("野生 皮肤 保湿 面霜", "只能见面交易，不走快递"),  # 皮肤: a person's skin
    ],
)
def test_a_part_character_inside_a_word_of_another_sense_is_no_part(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def _alias_builder() -> Any:
    """scripts/build_dictionary_aliases.py as a module, for its functions over made-up dictionary entries."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "build_dictionary_aliases.py"
    spec = importlib.util.spec_from_file_location("build_aliases_parts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_part_compounds_are_the_words_a_gloss_calls_a_part() -> None:
    module = _alias_builder()
    entries = [
        ("苦胆", "gall bladder", "gall bladder", 1),
        ("大胆", "brazen", "brazen/bold", 2),
        ("主角", "leading role", "leading role", 3),
        ("刷牙", "to brush one's teeth", "to brush one's teeth", 4),
        ("骨瓷", "bone china (fine white porcelain)", "bone china", 5),
        ("牛角", "cow horn", "cow horn", 6),
        ("鹿角", "antler", "antler/deer horn", 7),
        ("生皮", "pelt", "pelt/raw hide", 8),  # 野生 皮肤 holds it
        ("龟板", "tortoise plastron", "tortoise plastron/turtle shell", 9),  # a turtle's shell, no part's character
        ("贝壳", "shell", "shell/conch/cowry", 10),  # a seashell is no animal part sold
    ]
    found = module.part_compounds(entries, ["胆", "角", "牙", "骨", "皮", "壳"], ["牛"], set(), ["野生"])
    assert [(item["word"], item["part"]) for item in found] == [("苦胆", "胆"), ("鹿角", "角"), ("龟板", "壳")]
    assert found[0]["source"] == "CC-CEDICT line 1: 苦胆 /gall bladder/"


@pytest.mark.parametrize(
    "title",
    [
        "野生 老山檀香 边角料 一包",  # 边角料 "scrap" holds the part word 角料
        "野生 黄花梨 眼皮子底下 摆件",  # 眼皮子 "eyelid" holds 皮子
    ],
)
def test_a_part_word_inside_a_dictionary_word_of_another_sense_is_no_part(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title, "私聊，不走快递")


def test_a_part_word_standing_alone_is_still_the_part(scorer: Scorer) -> None:
    result = score(scorer, "野生 角料 一块 老货", "私聊，不走快递")
    assert result.is_lead and trade_context(result)["part"] == "角料"
    # a named category's scrap stays its goods: the container takes the part word only
    assert_lead(scorer, "象牙 边角料 一包 按克", "wildlife.ivory", "私聊，不走快递")


def test_part_containers_are_the_longer_words_a_gloss_gives_another_sense() -> None:
    module = _alias_builder()
    entries = [
        ("边角料", "scrap", "scrap/bits and pieces left over", 1),
        ("乌龟壳", "tortoise shell", "tortoise shell", 2),  # means the part itself
        ("眼皮子", "eyelid", "eyelid", 3),
        ("角料", "horn material", "horn material", 4),  # the part word, not a longer one
        ("主角", "leading role", "leading role", 5),  # holds a one-character part only
    ]
    found = module.part_containers(entries, ["角料", "皮子", "角"], ["龟壳"])
    assert [(item["word"], item["part"]) for item in found] == [("眼皮子", "皮子"), ("边角料", "角料")]
    assert found[1]["source"] == "CC-CEDICT line 1: 边角料 /scrap/bits and pieces left over/"


@pytest.mark.parametrize(
    "talk", ["no shipping, cash only", "meet in person only", "no questions asked", "only local pickup"]
)
def test_english_evasion_is_talk_of_the_trade_pattern(scorer: Scorer, talk: str) -> None:
    # a part of wild provenance needs talk: the English phrases are generated pairs, not a list
    result = score(scorer, "野生 骨 一副 老货", talk)
    assert result.is_lead and trade_context(result)["part"] == "骨"


@pytest.mark.parametrize("description", ["free shipping, cash on delivery", "casino chips, shipping in 3 days"])
def test_english_shipping_words_without_a_refusal_are_no_talk(scorer: Scorer, description: str) -> None:
    assert_clear(scorer, "野生 骨 一副 老货", description)


def test_a_part_counted_with_a_measure_word_is_the_goods(scorer: Scorer) -> None:
    # 一块角: the count makes the character a word of its own, where 角 inside a word (角度, 主角) is none
    result = score(scorer, "边境带回 一块角", "边境那边带回来的一块角，不是水牛角，见面交易")
    assert result.is_lead and trade_context(result)["part"] == "角"
    assert_clear(scorer, "牛角梳 一把", "一块角做的梳子，不是塑料")


@pytest.mark.parametrize("counted", ["兩塊角", "２块角"])
def test_a_count_in_traditional_or_full_width_characters_counts_the_part(scorer: Scorer, counted: str) -> None:
    # the count and the measure word are read folded, as the part is
    result = score(scorer, f"边境带回 {counted}", f"边境那边带回来的{counted}，不是水牛角，见面交易")
    assert result.is_lead and trade_context(result)["part"] == "角"


def test_a_count_written_apart_from_its_measure_word_counts_nothing(scorer: Scorer) -> None:
    # folding drops the space, but 一 块角 is no count of the part: the count and measure word stand together
    assert_clear(scorer, "边境带回 一 块角", "边境那边带回来的一 块角，不是水牛角，见面交易")


def test_goods_of_one_category_counted_as_animals_are_the_animal_alive(scorer: Scorer) -> None:
    # 小猴一只: a primate's goods word counted as animals names a live one, of wild provenance here
    result = assert_lead(scorer, "小猴 一只 野外来的", "wildlife.primate", "长尾小猴一只，野外来的，会爬树")
    assert trade_context(result)["counted"] == "小猴"
    # without a word of the wild it is a pet shop's, or a toy's
    assert_clear(scorer, "小猴 一只 亲人", "长尾小猴一只，会爬树，自己来拿")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("野生 小鸟 三只 带笼子", "", "wildlife.live_bird"),  # counted out
        ("山里的 雀 野的", "懂的私聊，不走快递", "wildlife.live_bird"),  # with evasion talk
    ],
)
def test_a_generic_animal_word_of_wild_provenance_sold_by_count_or_talk_is_the_live_animal(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert trade_context(result)["counted"] in ("小鸟", "雀")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("小鸟 三只 鹦鹉店", "手养亲人，可上手"),  # no word of the wild: a pet shop's
        ("人工繁育 小鸟 三只 非野生", "有驯养繁殖证明，手养亲人"),  # bred, with papers, the wild denied
        ("野生 鸟语林 门票 三张", ""),  # the generic word inside another word
    ],
)
def test_a_generic_animal_word_without_the_wild_or_inside_a_word_stays_quiet(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_farmed_animal_the_animal_hunts_or_a_tag_names_does_not_make_farm_produce(scorer: Scorer) -> None:
    # 会逮鸡: what the bird hunts; 【闲鱼】: where the listing comes from; neither is the goods
    result = assert_lead(scorer, "山上刚下来的 大鸟 一只 会逮鸡", "wildlife.live_bird")
    assert trade_context(result)["part"] == "鸟"
    assert_lead(scorer, "【闲鱼】山里刚抓的鸟 两只", "wildlife.live_bird")
    # a farmed animal named as the goods still is farm produce
    assert_clear(scorer, "后山刚抓的 鸡 两只 散养", "")
    assert_clear(scorer, "【土鸡】山里刚抓的鸡 两只", "")


def test_a_snare_that_caught_the_animal_is_a_capture(scorer: Scorer) -> None:
    # the snare (套子, the tool 套 names) does what a doer does: the seller says the animal was poached
    result = assert_lead(scorer, "骨头 一副 套子套的", "wildlife.other", "泡酒用的，便宜出")
    assert trade_context(result)["hunted"] == "套子套的"
    # a phone case is no snare, and nothing was caught with it
    assert_clear(scorer, "手机套子 一个 硅胶 套子来的", "旧的，送人，同城自提")


@pytest.mark.parametrize(
    ("title", "description"), [("生口 黄雀 两只", "刚上笼，私聊"), ("野口 黄雀 两只", "私聊，不走快递")]
)
def test_a_bird_keepers_word_for_a_wild_caught_bird_is_provenance(scorer: Scorer, title: str, description: str) -> None:
    result = assert_lead(scorer, title, "wildlife.live_bird", description)
    assert trade_context(result)["provenance"] == [title.split()[0]]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("熟口 黄雀 两只", "人工繁殖的，刚上笼，私聊"),  # tame, bred at home
        ("野口英世 传记 一本", "老版本，懂的来，私聊"),  # the surname, no animal
        ("一次性卫生口罩 50只", "独立包装，私聊，不走快递"),  # 生口 straddles 卫生 and 口罩
    ],
)
def test_no_wild_caught_bird_stays_quiet(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_goods_bought_up_in_the_wild_are_a_capture(scorer: Scorer) -> None:
    result = assert_lead(scorer, "皮子 一张 整张带头", "wildlife.other", "山里收的，私聊，不走快递")
    assert trade_context(result)["capture"] == "山里收"
    # bought in town, or a mushroom bought in the hills: nothing wild and animal
    assert_clear(scorer, "皮子 一张 整张带头", "城里收的，私聊，不走快递")
    assert_clear(scorer, "野生 蘑菇 干货 一斤", "山里收的，私聊")


def test_a_place_of_the_wild_from_the_dictionary_tells_a_capture(scorer: Scorer) -> None:
    # 沼泽地 "marsh" is no hand-listed place: the dictionary's sense makes it one of the wild
    result = assert_lead(scorer, "沼泽地里套的 活体 一只 毛色灰黄", "wildlife.other", "只能自提，不走物流")
    assert trade_context(result)["capture"] == "沼泽地里套"


def test_a_place_of_the_wild_without_a_capture_stays_quiet(scorer: Scorer) -> None:
    # the place alone tells nothing of how the animal was got, nor does a souvenir of the beach
    assert_clear(scorer, "沼泽地里 活体 一只 毛色灰黄", "只能自提，不走物流")
    assert_clear(scorer, "海滩上的贝壳 一对 摆件", "不走快递，同城自提")


@pytest.mark.parametrize("refusal", ["不接受托运", "不能走物流", "不寄快递"])
def test_a_route_refused_is_evasion_talk(scorer: Scorer, refusal: str) -> None:
    result = assert_lead(scorer, "野生 兽皮 一张 带爪", "wildlife.other", f"{refusal}，上门自取")
    assert trade_context(result)["part"]


def test_a_bulky_article_not_sent_stays_quiet(scorer: Scorer) -> None:
    # 不发 is a seller's note on bulky goods, not a route refused
    assert_clear(scorer, "实木 衣柜 两门 九成新", "不发快递，自己来搬")


@pytest.mark.parametrize(
    ("title", "description", "part"),
    [
        ("老渔民手里 整副背甲 挂墙", "海里来的，没有任何手续，只能见面交易", "背甲"),  # the carapace
        ("腹甲 一块 溪里的", "野外溪沟里抓的，价格私聊，不走快递", "腹甲"),  # the plastron
        ("山上老家伙的后掌 两只", "冻着的，现金交易，不走物流", "后掌"),  # after 的: a word of its own
    ],
)
def test_a_part_named_by_its_place_on_the_animal_is_the_part(
    scorer: Scorer, title: str, description: str, part: str
) -> None:
    result = score(scorer, title, description)
    assert result.is_lead and trade_context(result)["part"] == part


def test_a_fore_paw_placed_in_the_wild_is_the_one_category_that_sells_paws(scorer: Scorer) -> None:
    result = assert_lead(scorer, "山里大个头的前掌 一对", "wildlife.bear", "冻着的，现金交易，不走物流")
    assert trade_context(result)["part_of"] == "wildlife.bear"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("以前掌柜留下的 老算盘", "野生黄杨木框，私聊，当面交易"),  # 前 ends 以前: no paw
        ("学会以后掌握野外取火", "野外生存培训，私聊报名，不走平台"),  # 后 ends 以后
        ("甲鱼 野生 背甲 裙边厚", "私聊，当面交易"),  # a farmed animal's carapace, for the pot
        ("猫咪 前爪 受伤", "山里带回来的小野猫，有懂的私聊"),  # a pet's paw
        ("宠物龟 背甲 发白", "野外放生过的，求懂的私聊"),  # a pet turtle
        ("巴西龟 两只 背甲8cm", "腹甲干净，宠物龟，不走快递，同城见面"),
        ("人工繁育 陆龟 背甲20cm", "有证，当面交易，不走物流"),
    ],
)
def test_a_place_on_the_body_inside_a_word_or_of_a_tame_animal_is_no_part(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_part_compounds_may_hold_a_character_that_is_a_part_only_inside_a_word() -> None:
    module = _alias_builder()
    entries = [
        ("香腺", "perfume gland", "perfume gland/musk gland", 1),
        ("鳞甲", "scale", "scale/plate of armor", 2),
        ("腺体", "gland", "gland", 3),  # a person's gland as much as an animal's
        ("指甲", "fingernail", "fingernail", 4),
        ("龟甲", "tortoiseshell", "tortoiseshell", 5),  # a shell word is the shell
    ]
    found = module.part_compounds(entries, ["胆", "甲", "腺"], ["牛"], set(), ["野生"])
    assert [(item["word"], item["part"]) for item in found] == [("香腺", "腺"), ("鳞甲", "甲"), ("龟甲", "壳")]


def suspicious_words(scorer: Scorer, title: str, description: str) -> set[str]:
    result = score(scorer, title, description)
    return {word for rule in result.rules if rule["rule"] == "suspicious" for word in rule["signals"]}


def test_a_capture_told_with_a_verb_of_hunting_is_suspicious(scorer: Scorer) -> None:
    # 逮, 网 as 抓: the seller says the bird was taken in the wild, as the listed 抓的 says
    assert_lead(scorer, "山里刚逮的活鸟 大个", "wildlife.live_bird", "尾巴很长，头上一撮毛")
    assert "网的" in suspicious_words(scorer, "画眉 公鸟", "后山林子里网的")
    assert "网的" in suspicious_words(scorer, "画眉 公鸟", "坝子边山上网到的")


@pytest.mark.parametrize(
    "description",
    ["从山里打的回来，路上颠了一下", "笼子是山上网购的，一起送", "自己打的过来送货"],
)
def test_a_taxi_ride_or_online_shopping_is_no_capture(scorer: Scorer, description: str) -> None:
    # 打的 a taxi ride, 网购 online shopping: no verb of hunting took the bird
    assert suspicious_words(scorer, "画眉 公鸟", description).isdisjoint({"打的", "网的"})


def test_a_coop_the_wild_bird_is_kept_in_names_no_farmed_animal(scorer: Scorer) -> None:
    # 鸡笼: the coop the caught bird waits in, not a chicken for sale
    assert_lead(scorer, "山里刚逮的活鸟 一只", "wildlife.live_bird", "长尾巴，先放在鸡笼里，喂点米")
    # a chicken named apart from its coop is still farm produce
    assert_clear(scorer, "后山刚抓的鸡 两只", "散养的，装鸡笼带走")

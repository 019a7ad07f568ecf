"""Hard negatives and categories by mechanism: bred animals, goods made for an animal, pests named after goods,
goods of another kind (a coin, amber), a part word after another animal's name, a live animal's word in the trade
pattern, and a pesticide's number and formulation. Worded apart from the shipped evaluation set."""

from __future__ import annotations

import csv
import runpy
from pathlib import Path

import pytest

from pipelines.model.predict import cleared_by_rules
from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import WILD_ONLY_NOTE
from tests.scoring_support import assert_clear, assert_lead, rules_by_name

NATIONAL_LIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "national-protected-wildlife-2021.csv"


@pytest.mark.parametrize(
    ("title", "description", "how"),
    [
        # a species the national list protects only in the wild, kept as a pet
        ("小乌龟 活体 宠物 阳台养", "自家繁殖的小乌龟，当宠物养着玩，好养活，同城自取", "wild_only"),
        # a domestic breed with a breeder's papers
        ("豹猫 花纹 幼猫 猫舍 两个月", "猫舍繁育的孟加拉猫，驱虫疫苗做齐，带血统证，签协议", "licence"),
        # farmed coral with the papers of a legal trade
        ("珊瑚 断枝 人工繁殖 海缸 新手", "养殖场出的人工繁殖珊瑚，每批附驯养繁殖证明，包活", "licence"),
    ],
)
def test_a_bred_animal_with_papers_or_of_a_wild_only_species_is_no_lead(
    scorer: Scorer, title: str, description: str, how: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert how in rules["bred_term"]


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # wild provenance: a wild-only species taken from the wild is the offence
        ("乌龟 野生 溪沟 抓的 一对", "老家山沟里抓的野生乌龟，私聊", "wildlife.live_reptile"),
        # papers denied and the deal moved out of sight
        ("珊瑚 断枝 人工繁殖 海缸", "说是人工繁殖，其实没有繁育证，见面交易", "wildlife.coral"),
        # a protected species kept at home, with no papers: 家养 alone clears nothing
        ("猕猴 幼崽 家养 可上手", "家养的小猴子，会抱人，私聊", "wildlife.primate"),
    ],
)
def test_bred_words_without_papers_or_beside_evasion_keep_the_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    rules = rules_by_name(assert_lead(scorer, title, category, description))
    assert "bred_term" not in rules


@pytest.mark.parametrize(
    ("title", "description", "how"),
    [
        # a pet turtle (protected only in the wild) with a dealer's way of asking to talk in private
        ("小乌龟 宠物 阳台养 加V", "自家繁殖的小乌龟，宠物龟好养活，价格加V聊，懂的来", "wild_only"),
        # a cattery's kitten with its pedigree papers and the same talk
        ("豹猫 幼猫 猫舍 纯种", "猫舍繁育的孟加拉猫，带血统证，私信约看猫，懂的来", "licence"),
    ],
)
def test_dealer_talk_alone_does_not_undo_a_bred_claim(scorer: Scorer, title: str, description: str, how: str) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert how in rules["bred_term"]


@pytest.mark.parametrize(
    ("title", "description", "rule"),
    [
        # other goods' head noun after the name, in a dealer's voice
        ("穿山甲 工具 套装 五金店", "老板实在人，量大从优，私聊报价，不走平台", "head_term"),
        ("犀牛 建模 软件 安装包", "懂的来，私信发链接，老客户优惠", "head_term"),
        # goods made for the animal, sold by a dealer
        ("乌龟缸 带晒台 大号", "量大从优，私聊，不走平台", "accessory_term"),
    ],
)
def test_dealer_talk_alone_does_not_undo_a_reading_as_other_goods(
    scorer: Scorer, title: str, description: str, rule: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rule in rules


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # the goods of the animal beside the namesake: a part, a live animal, wild provenance, concealment
        ("穿山甲 工具 套装", "还有头骨，私聊", "wildlife.pangolin"),
        ("鹦鹉 笼子 连鸟一起", "笼子里是活体金刚鹦鹉，不走平台", "wildlife.live_bird"),
        ("犀牛 软件 教学", "其实是老料，懂的都懂，私聊", "wildlife.rhino_horn"),
        # a code word is a disguise already: its trade talk is enough
        ("溜冰 工具 一整套", "料也有，老客户优惠，私聊", "prohibited.drugs"),
    ],
)
def test_goods_of_the_animal_or_a_code_word_with_talk_undo_the_other_reading(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = scorer.score({"title": title, "description": description})
    assert result.category == category
    assert "head_term" not in rules_by_name(result) and "accessory_term" not in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("溜冰 工具+料 新手", "料是晶体，按克算，玻璃壶一套三件"),
        ("liu bing 工具+料", "晶体也有，只做熟客"),
    ],
)
def test_a_code_word_beside_a_form_of_its_goods_undoes_the_other_reading(
    scorer: Scorer, title: str, description: str
) -> None:
    """A name in disguise (溜冰) beside a form of its own goods (晶体) sells them: 工具 is their kit."""
    result = assert_lead(scorer, title, "prohibited.drugs", description)
    assert "head_term" not in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("溜冰 工具 护膝 护肘", "儿童轮滑护具一套，头盔另配"),  # no form of the drug: skating gear
        ("大麻 纤维 工具包", "帆布工具包，克重380，结实耐用"),  # a name written plainly: the bag's material
        ("鴛鴦 刺繡 靠墊一對 新婚", ""),  # an animal's form (一对 of birds) is every pair of goods'
    ],
)
def test_a_form_word_undoes_no_plain_name_nor_a_disguise_without_it(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_namesake_title_keeps_its_description_terms_under_dealer_talk(scorer: Scorer) -> None:
    # an electronic firecracker described by the real thing it imitates, with a dealer's way of selling
    rules = rules_by_name(assert_clear(scorer, "电子鞭炮 乔迁 开业", "声音跟真鞭炮一样响，量大从优，私聊"))
    assert "namesake_described" in rules
    # a reveal still says the namesake is a cover: the description's terms stand
    result = scorer.score({"title": "电子鞭炮 乔迁 开业", "description": "其实是真鞭炮，大地红一万响，私聊"})
    assert result.category == "prohibited.fireworks" and "namesake_described" not in rules_by_name(result)


def test_a_stage_smoke_machine_title_keeps_its_fluid_a_fluid(scorer: Scorer) -> None:
    # a smoke machine (烟雾机) runs on 烟油 too: named in the title, it is what the description's fluid is for
    told = "1500W烟雾机，加专用烟油就出雾，演出、婚礼、酒吧都能用，私聊"
    rules = rules_by_name(assert_clear(scorer, "舞台 烟雾机 1500W 演出", told))
    assert "namesake_described" in rules
    # e-liquid sold under its own name stays a lead
    assert_lead(scorer, "烟油 30ml 口味全", "prohibited.tobacco", "烟油30ml，口味全，大烟雾，私聊，发顺丰")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the same talk with the papers denied: the claim of breeding is the seller's word alone
        ("小乌龟 宠物 阳台养 加V", "自家繁殖的小乌龟，宠物龟，没有任何证件，价格加V聊"),
        ("豹猫 幼猫 猫舍", "猫舍繁育的豹猫，带血统证，没有其他手续，私信"),
        # goods hidden from the platform
        ("小乌龟 宠物 阳台养", "宠物龟，平台上不方便说名字，私信"),
    ],
)
def test_a_bred_claim_falls_where_papers_are_denied_or_goods_hidden(
    scorer: Scorer, title: str, description: str
) -> None:
    assert "bred_term" not in rules_by_name(scorer.score({"title": title, "description": description}))


@pytest.mark.parametrize(
    "title",
    [
        "黑熊品牌 保温杯 户外 大容量 私聊 见面交易",
        "穿山甲 商标 电锤钻头 五金 加微信 不走平台",
        "黑熊\u3000品牌 保温杯 户外 大容量 私聊 见面交易",  # a full-width space is a space too
        "穿山甲 商標 電錘鑽頭 五金 加微信 不走平台",  # the traditional form is the same mark
    ],
)
def test_a_term_right_before_a_brand_mark_names_the_brand(scorer: Scorer, title: str) -> None:
    rules = rules_by_name(assert_clear(scorer, title))
    assert rules["brand_term"]["marker"] in ("品牌", "商标")


@pytest.mark.parametrize("title", ["犀牛 牌 双肩包 户外 防水 私聊 量大从优", "金丝猴牌 奶糖 老牌子 加微信 批发"])
def test_an_animal_s_name_right_before_pai_names_the_brand(scorer: Scorer, title: str) -> None:
    # an animal is no material of a plaque: 牌 after its name, written apart or not, is the brand's
    rules = rules_by_name(assert_clear(scorer, title))
    assert rules["brand_term"]["marker"] == "牌"


@pytest.mark.parametrize(("title", "category"), [("犀牛角 牌 老料 包浆 私聊", "wildlife.rhino_horn"),
                                                 ("象牙 牌子 老料 无事牌 私聊", "wildlife.ivory")])  # fmt: skip
def test_a_plaque_is_no_brand(scorer: Scorer, title: str, category: str) -> None:
    # 牌 and 牌子 after a material are a plaque or a sign: the dictionary's first sense of neither is a brand
    rules = rules_by_name(assert_lead(scorer, title, category))
    assert "brand_term" not in rules


def test_brand_marks_and_breed_words_come_from_the_dictionary() -> None:
    script = runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts" / "build_dictionary_aliases.py"))
    glosses = {
        "品牌": "brand name/trademark",
        "商标": "trademark/logo",
        "牌": "mahjong tile/playing card/game pieces/signboard/plate/tablet/medal",
        "牌子": "sign/trademark/brand",
        "品种": "breed/variety",
        "犬种": "dog breed",
        "繁殖": "to breed/to reproduce",
    }
    entries = [(word, gloss.split("/")[0], gloss, line) for line, (word, gloss) in enumerate(glosses.items(), 1)]
    assert script["brand_marks"](entries) == ["品牌", "商标"]
    assert script["breed_words"](entries) == ["品种", "犬种"]


def test_an_animal_called_a_breed_with_its_papers_is_bred(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "豹猫 幼猫 孟加拉 品种猫 带血统证 疫苗齐"))
    assert rules["bred_term"]["bred"] == "品种"


def test_every_wild_only_species_of_the_national_list_carries_the_note(scorer: Scorer) -> None:
    with NATIONAL_LIST.open(encoding="utf-8-sig") as handle:
        wild_only = sum(1 for row in csv.DictReader(handle) if "仅限野外种群" in (row.get("备注") or ""))
    noted = {
        spec.term for category in scorer.categories.values() for spec in category.terms if spec.note == WILD_ONLY_NOTE
    }
    assert "乌龟" in noted
    assert len(noted) >= wild_only - 5  # a whole-genus row (闭壳龟属所有种) may be kept under another name


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("珊瑚灯 海缸 LED 全光谱 调光", "适合软体和SPS珊瑚缸，手机APP调光，送支架"),
        ("乌龟缸 带晒台 过滤 大号", "玻璃龟缸，带晒台和过滤盒，不含龟"),
        ("鹦鹉笼子 不锈钢 大号 带站杆", "加粗不锈钢鹦鹉笼子，适合玄凤牡丹"),
    ],
)
def test_goods_made_for_an_animal_are_not_the_animal(scorer: Scorer, title: str, description: str) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert "accessory_term" in rules


def test_goods_for_an_animal_with_evasion_stay_a_lead(scorer: Scorer) -> None:
    rules = rules_by_name(
        assert_lead(scorer, "珊瑚缸 整缸转让 野采", "wildlife.coral", "缸里都是海里直采的，懂的来，私聊")
    )
    assert "accessory_term" not in rules


def test_a_pest_named_after_a_prohibited_good_is_no_lead(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "白粉虱 黄板 诱虫 大棚", "大棚白粉虱和蚜虫用，一包二十张"))
    assert rules["creature_term"]["marker"] == "虱"
    assert_lead(scorer, "白粉 现货 一克起", "prohibited.drugs", "同城，老地方见，懂的来")


@pytest.mark.parametrize(
    ("title", "description", "name"),
    [
        ("斐豹蛱蝶 标本 展翅 一只", "常见蝴蝶，学校生物课教具，带相框", "豹蛱"),
        ("虎斑鱼 一条 野生", "河里钓的，养了两年，换缸出", "虎斑鱼"),
        ("狼蛛 活体 一只 宠物", "人工繁殖的，吃面包虫", "狼蛛"),
    ],
)
def test_a_one_character_animal_name_that_begins_another_creature_s_is_that_creature(
    scorer: Scorer, title: str, description: str, name: str
) -> None:
    # 豹 of 豹蛱蝶, 虎 of 虎斑鱼: a character with 虫, 鱼 or 鸟 written right after names another animal
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rules["creature_term"]["marker"] == name


def test_a_one_character_animal_name_before_its_own_goods_stays_a_lead(scorer: Scorer) -> None:
    # 蛋 of 鹰蛋 is the bird's egg (a form of its goods), not another creature; 豹 皮 is the leopard's
    assert_lead(scorer, "鹰蛋 两枚 野外捡的", "wildlife.live_bird", "山崖上掏的，私聊")
    assert_lead(scorer, "豹 皮 整张 老货", "wildlife.tiger_leopard", "山里来的，私聊")


def test_a_coin_with_an_animal_is_a_namesake_no_model_may_lift(scorer: Scorer) -> None:
    coin = assert_clear(scorer, "熊猫金币 大熊猫 纪念币 一盎司", "央行发行的大熊猫纪念金币，原盒带证书，私聊")
    assert cleared_by_rules(coin.to_dict())
    lead = scorer.score({"title": "大熊猫 皮 一张 老货", "description": "山里来的，私聊"})
    assert lead.is_lead and not cleared_by_rules(lead.to_dict())


def test_beads_named_as_amber_in_the_title_make_no_trait_pattern(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "琥珀 老料 圆珠 手串 天然", "缅甸琥珀，天然无优化，附证书，老料"))
    assert rules["homonym"]["signals"]


def test_amber_as_a_colour_in_the_description_clears_nothing(scorer: Scorer) -> None:
    assert_lead(scorer, "玳瑁 手镯 老件", "wildlife.hawksbill", "颜色像琥珀，带深斑，老物件，私聊")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # a part word another category uses as its code word (甲片: pangolin) after the name of an animal
        ("海龟 背甲片 一包 做工艺", "边角料，黄黑花色，按包卖，私聊", "wildlife.hawksbill"),
        # a live animal's word that one category alone sells decides the trade pattern over a shared trait
        ("野外 幼鸟 亲人 会站手", "树洞里掏的，亲人，不走快递，私聊", "wildlife.live_bird"),
        # a pesticide's number and its formulation
        ("1605 乳油 棉田 老牌子", "兑水打棉铃虫，懂的来，发货写化肥", "prohibited.pesticides"),
        # the trade's "red ivory", in Chinese
        ("红象牙 挂件 老料", "鸟头上的料，红皮黄心，懂的私聊", "wildlife.hornbill"),
        # a specimen of a hornbill is sold for its casque
        ("犀鸟 标本 一只 展翅", "老标本，羽毛完整，私聊", "wildlife.hornbill"),
    ],
)
def test_the_goods_word_decides_the_category(scorer: Scorer, title: str, description: str, category: str) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [("1605 房间 出租 朝南", "十六楼，拎包入住"), ("红象牙木 手串 非洲 木料", "红象牙木，木质细密")],
)
def test_a_number_or_a_wood_named_like_goods_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a code word the listing also writes inside a phrase of its everyday sense
        ("冰糖 单晶冰糖 一斤装", "单晶冰糖，煲汤用的，批发私聊，见面交易"),
        # a term the title reads as a print repeats in the description as the same print
        ("烟花 图案 抱枕 沙发", "抱枕上印满烟花，棉麻的，私聊"),
    ],
)
def test_a_word_the_listing_reads_in_another_sense_keeps_it_where_it_repeats(
    scorer: Scorer, title: str, description: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert "read_aside_elsewhere" in rules


def test_the_code_word_alone_is_still_a_lead(scorer: Scorer) -> None:
    assert_lead(scorer, "冰糖 一克 懂的来", "prohibited.drugs", "冰糖，纯度高，一克起，懂的来，见面交易")


@pytest.mark.parametrize(
    ("title", "description", "rule"),
    [
        # an ambiguous name made a brand: the goods are the brand's tea
        ("白鹤牌 茉莉花茶 罐装", "白鹤牌花茶，平台上不方便说，加V批发", "brand_term"),
        # a farmed animal named in the title, sold alive with dealer talk
        (
            "山鸡 养殖场 活体 二十只起",
            "养殖场人工养的山鸡，活体批发，见面交易，加V看视频，平台上不方便说",
            "needs_wild_animal",
        ),
    ],
)
def test_talk_that_hides_nothing_the_title_names_is_no_concealed_goods(
    scorer: Scorer, title: str, description: str, rule: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rule in rules and "concealed_goods_context" not in rules and "trade_pattern_context" not in rules


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # a name that lacks context in the title, with concealment: the goods are still hidden
        ("猪婆龙 苗子 一尺", "老家河里的猪婆龙，平台不让写全名，私聊看视频", "wildlife.live_reptile"),
        ("白鹤 幼鸟 一只", "刚抓的白鹤幼鸟，私聊", "wildlife.live_bird"),
    ],
)
def test_a_name_without_a_brand_mark_keeps_the_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the animal is the picture of a stamp or a museum's merchandise
        ("丹顶鹤 邮票 四方连", "丹顶鹤邮票四方连，邮局发行，品相好，私聊"),
        ("金丝猴 文创 徽章", "博物馆文创徽章，金属的，加V"),
    ],
)
def test_an_animal_depicted_on_a_stamp_or_merchandise_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert "innocence" in rules


def test_a_stamp_of_a_drug_trade_is_its_own_product_form(scorer: Scorer) -> None:
    assert_lead(scorer, "LSD 邮票 一张", "prohibited.drugs", "邮票纸，贴舌头，懂的来")


def test_a_term_the_listing_says_it_has_nothing_to_do_with_is_denied(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "穿山龙 切片 一斤", "穿山龙切片，跟穿山甲没关系，是植物的根，私聊"))
    assert rules["unrelated_term"]["marker"] == "没关系"


def test_an_answer_in_another_clause_denies_nothing(scorer: Scorer) -> None:
    assert_lead(scorer, "穿山甲 甲片 一两", "wildlife.pangolin", "穿山甲片，没关系，私聊")


def test_a_plaque_of_an_animal_s_material_is_no_brand(scorer: Scorer) -> None:
    # 砗磲 is the animal and its shell: 砗磲牌 is a carved plaque of it, as 象牙牌 is of ivory
    assert_lead(scorer, "天然砗磲牌 吊坠 老料", "wildlife.other", "砗磲牌子 手工雕刻 懂的来 私聊")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("砗磲牌子 挂件 一块", "老料 私聊 懂的来", "wildlife.other"),
        ("玳瑁牌 吊坠 老货", "玳瑁牌子 手工打磨 懂的来", "wildlife.hawksbill"),
    ],
)
def test_a_plaque_is_told_by_the_goods_form_it_begins_or_precedes(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    rules = rules_by_name(assert_lead(scorer, title, category, description))
    assert "brand_term" not in rules


def test_a_brand_mark_before_other_goods_is_still_a_brand(scorer: Scorer) -> None:
    rules = rules_by_name(assert_clear(scorer, "白鹤牌 绿茶 一斤", "明前茶 真空包装 包邮"))
    assert rules["brand_term"]["marker"] == "牌"


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the balm's brand 虎标 in English on its pack, sold wholesale
        ("虎标万金油 Tiger Balm 红色 30g", "新加坡产 批发价 量大从优"),
        # a rice cooker of the Tiger brand, 虎牌 in Chinese, from a wholesaler
        ("Tiger虎牌电饭煲 日本原装 3L", "正品保证 一手货源 支持批发"),
    ],
)
def test_a_species_english_name_beside_its_chinese_namesake_is_the_namesake(
    scorer: Scorer, title: str, description: str
) -> None:
    assert "english_of_namesake" in rules_by_name(assert_clear(scorer, title, description))


def test_english_parts_and_a_plain_english_name_stay_leads(scorer: Scorer) -> None:
    # a part's English name is no namesake's, whatever innocent phrase of the category the title holds
    assert_lead(scorer, "虎皮鹦鹉 顺带出 tiger skin 整张", "wildlife.tiger_leopard", "私聊 一手货源")
    # with no namesake in the field, the English name with trade talk is the animal
    assert_lead(scorer, "Tiger 幼崽 活体 出售", "wildlife.tiger_leopard", "一手货源 私聊")


@pytest.mark.parametrize(
    ("title", "description", "pet"),
    [
        # the red-eared slider, a pet of the trade the list does not protect, and 乌龟 as the everyday word for it
        ("巴西龟 小乌龟 五只 苗子", "自家缸里的巴西龟下的蛋孵的，五只一起带走，送个晒台，私聊，不发快递", "巴西龟"),
        ("鳄龟 乌龟 一对 宝宝", "小鳄龟一对，养了半年，能吃能拉，同城自提，私聊", "鳄龟"),
    ],
)
def test_a_wild_only_name_beside_an_unprotected_pet_of_its_kind_is_that_pet(
    scorer: Scorer, title: str, description: str, pet: str
) -> None:
    rules = rules_by_name(assert_clear(scorer, title, description))
    assert rules["bred_term"]["bred"] == pet


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the pet named only to be denied
        ("乌龟 老龟 一只 背甲", "不是巴西龟，老家水库边收来的，私聊，不走快递"),
        # the pet beside the wild one: wild provenance claimed
        ("乌龟 巴西龟 一起出", "乌龟是野生的，溪沟里抓的，巴西龟送你，私聊"),
    ],
)
def test_an_unprotected_pet_denied_or_beside_a_wild_claim_leaves_the_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    rules = rules_by_name(assert_lead(scorer, title, "wildlife.live_reptile", description))
    assert "bred_term" not in rules


def test_tea_words_say_a_listings_leaves_are_teas(scorer: Scorer) -> None:
    rules = rules_by_name(
        assert_clear(scorer, "叶子 茶 雨前 一斤装", "今年雨前的新茶，自家茶园炒的，叶子完整，不走平台，私聊")
    )
    assert rules["homonym"]["signals"] == {"tea": "雨前"}
    assert_lead(scorer, "叶子 新货 劲大 卷着抽", "prohibited.drugs", "一克起，同城闪送，懂的来，私聊")

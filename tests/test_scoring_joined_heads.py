"""Other goods named after an animal or its part, worded apart from the shipped evaluation set: a wildlife term that
begins a plant's name (a dictionary word for a plant, fungus or fruit ends the word: 虎头菇, 熊掌菌, 象牙兰) is the
plant, whatever the listing says; one joined to a word for a cage (画眉笼) is goods for keeping the animal unless
the listing shows the animal; one a few characters before the dictionary's word for manufactured goods (钻头,
双肩包) is their brand or motif, and one that begins a shop's name (犀牛旗舰店) names the shop. The animal's goods
written apart from such a word, or sold by such a shop, stay leads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score

ROOT = Path(__file__).resolve().parents[1]
ALIASES = ROOT / "pipelines" / "watchlists" / "dictionary_aliases.yaml"


@pytest.mark.parametrize(
    ("title", "description", "plant"),
    [
        ("虎头菇 干货 野生 私聊", "", "虎头菇"),
        ("熊掌菌 野生 一斤 不走快递", "山里的熊掌菌晒干的", "熊掌菌"),
        ("象牙兰 盆栽 私聊", "", "象牙兰"),
        ("犀角兰 盆栽 野生 私聊", "", "犀角兰"),
    ],
)
def test_a_wildlife_term_that_begins_a_plant_s_name_is_the_plant(
    scorer: Scorer, title: str, description: str, plant: str
) -> None:
    result = assert_clear(scorer, title, description)
    assert any(r["rule"] == "plant_term" and r["marker"] == plant for r in result.rules)


@pytest.mark.parametrize("title", ["麝香南瓜 种子 一包", "熊掌豆 种子 一袋"])
def test_what_a_plant_s_listing_shows_is_no_goods_pattern(scorer: Scorer, title: str) -> None:
    # 颗粒 of seeds and 私发 of pictures read as a pesticide's goods pattern, but the title names the plant it sells
    result = score(scorer, title, "自家留的种子，颗粒饱满，发芽率高，当天发货。价格私聊，加个微信报价，多图可私发。")
    assert result.score == 0
    assert not any(r["rule"] == "goods_pattern_context" for r in result.rules)


@pytest.mark.parametrize(
    "title",
    [
        "虎骨 老货 私聊",  # no word after the term
        "犀角 兰花图案 私聊 老货",  # a plant word apart from the term
        "象牙花件 老料 私聊",  # a plant's character inside a longer word
    ],
)
def test_the_animal_s_goods_apart_from_a_plant_word_stay_leads(scorer: Scorer, title: str) -> None:
    assert score(scorer, title).is_lead


@pytest.mark.parametrize("title", ["画眉笼 红木 老师傅手工 一手货源", "鹩哥鸟笼 竹编 手工 一手货源"])
def test_a_cage_joined_to_a_bird_s_name_is_goods_for_keeping_it(scorer: Scorer, title: str) -> None:
    result = assert_clear(scorer, title)
    assert any(r["rule"] == "accessory_term" for r in result.rules)


@pytest.mark.parametrize("title", ["画眉笼 野生 刚抓的 私聊 不走快递", "画眉 笼养 野生 一只 私聊"])
def test_a_caged_bird_sold_with_evasion_or_kept_in_a_cage_is_still_a_lead(scorer: Scorer, title: str) -> None:
    assert score(scorer, title).is_lead


def test_plant_and_cage_heads_come_from_the_dictionary() -> None:
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    plants, cages = set(signals["plant_heads"]), set(signals["cage_heads"])
    assert {"菌", "百合", "兰", "菇"} <= plants
    # verbs and figures of speech are no heads: 种 "to plant", 华 "magnificent/.../flower", 荐 "to recommend"
    assert not {"种", "华", "荐", "栽"} & plants
    assert {"笼", "鸟笼"} <= cages and "罐笼" not in cages
    assert "店" in set(signals["shop_heads"])


def test_goods_heads_come_from_the_dictionary() -> None:
    heads = set(yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]["goods_heads"])
    assert {"钻头", "双肩包", "显卡", "麻布", "麻袋", "扳手"} <= heads
    # quantities, blades, recorders, phones and a word holding a term are none: 一点 "a bit", 刀具 "cutting tool",
    # 录音机, 手机 (spyware is sold on one), 老虎机 "slot machine", 骨器 "bone tool"
    assert not {"一点", "刀具", "录音机", "手机", "老虎机", "骨器"} & heads


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("穿山甲 钻头 合金 开孔器", "五金店老板自己用的，量大从优，私聊"),
        ("犀牛 双肩包 旅行 大容量", "老货清仓，懂的来，不走平台"),
        ("大麻 麻袋 装粮食", "结实耐用，量大从优"),
    ],
)
def test_a_term_before_the_dictionary_s_goods_is_their_name(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert any(r["rule"] == "head_term" for r in result.rules)


def test_the_animal_s_parts_beside_the_dictionary_s_goods_stay_a_lead(scorer: Scorer) -> None:
    assert_lead(scorer, "穿山甲 钻头 一套", "wildlife.pangolin", "另有野生的头骨，私聊")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("犀牛旗舰店 新款 登山包", "店庆活动，老客户优惠，私聊"),
        ("穿山甲五金店 电动 扳手", "本店实体经营，量大从优"),
        ("店名叫穿山甲 五金 批发", "实体店，私聊报价"),
    ],
)
def test_a_shop_named_after_an_animal_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert any(r["rule"] in ("shop_term", "head_term") for r in result.rules)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # the shop sells the animal's goods: a product form of its category, or the animal's parts
        ("象牙店 清仓 手镯 挂件", "老料，私聊", "wildlife.ivory"),
        ("虎骨馆 存货", "还有虎牙，野生，私聊", "wildlife.tiger_leopard"),
    ],
)
def test_a_shop_of_the_animal_s_goods_stays_a_lead(scorer: Scorer, title: str, description: str, category: str) -> None:
    assert_lead(scorer, title, category, description)


def test_goods_heads_name_folders_wallets_and_selfie_sticks_and_their_characters() -> None:
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    assert {"文件夹", "皮夹", "自拍杆", "捕鼠器"} <= set(signals["goods_heads"])
    # 夹 "folder" and 钳 "pliers" end several goods heads and are such goods themselves; 包 "bag" ends too few
    assert {"夹", "钳"} <= set(signals["goods_characters"])
    assert "包" not in signals["goods_characters"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("甩棍 自拍杆 三节伸缩", "旅游拍照用，铝合金，量大从优"),
        ("代开发票夹 真皮 A4", "会计办公收纳，量大从优"),
        ("代 开 发 票 夹 透明 插袋", "财务办公 收纳整理"),
    ],
)
def test_a_prohibited_name_before_other_goods_or_their_character_names_those_goods(
    scorer: Scorer, title: str, description: str
) -> None:
    """自拍杆 "selfie stick" is a goods head from the dictionary; 夹 ending the word a prohibited name begins
    (发票夹) is a folder, where no name of the category ends in it."""
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "category", "description"),
    [
        ("弹夹 通用 加厚", "prohibited.weapons", "配件齐全 私聊 不走平台"),
        ("代开发票 各行业 可验真", "prohibited.documents", "当天出票 私聊"),
        ("玳瑁夹 老货 发饰", "wildlife.hawksbill", "懂的来 私聊"),
    ],
)
def test_a_name_that_ends_in_the_character_or_an_animal_material_keeps_its_reading(
    scorer: Scorer, title: str, category: str, description: str
) -> None:
    """弹夹 is a name of weapons, and an animal's material before 夹 is the clip's material (玳瑁发夹)."""
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("气枪机 配件 钢珠", "一手货源 私聊 不走快递"),
        ("仿真枪机 金属 全套", "可发射 私聊"),
        ("弩机 扳机 配件", "私聊 一手货源"),
    ],
)
def test_a_character_ending_a_gun_part_keeps_a_weapon_name_before_it(
    scorer: Scorer, title: str, description: str
) -> None:
    """机 ends the dictionary's gun parts (扳机 "(gun) trigger", 枪机 "bolt of gun"), so after a weapon's name it is
    the weapon's own part, never a machine of other goods."""
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    assert "枪机" in signals["gun_parts"]
    assert_lead(scorer, title, "prohibited.weapons", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("冷焰火机 舞台 一台 婚庆", "钛粉冷光花，不烫手，可遥控，同城送货，可租可买"),
        ("烟花机 出租 婚礼 舞台", "电动喷花的机器，一晚起租，同城上门，私聊档期"),
    ],
)
def test_a_machine_after_a_name_of_other_goods_is_that_machine(scorer: Scorer, title: str, description: str) -> None:
    """机 "machine" ends many goods heads: after a name of fireworks, ending the word, it is the stage machine that
    sprays cold sparks, not the fireworks; no name of fireworks ends in it, and no gun part begins with one."""
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    assert "机" in signals["goods_characters"]
    result = assert_clear(scorer, title, description)
    assert rules_by_name(result)["head_term"]["category"] == "prohibited.fireworks"
    # the fireworks themselves, with no machine after their name, stay a lead
    assert_lead(scorer, "冷焰火 喷泉 婚庆 一箱", "prohibited.fireworks", "室外燃放，快递发货写道具，私聊")


def test_a_goods_character_after_a_gap_does_not_end_a_name_written_solid(scorer: Scorer) -> None:
    """钳 "pliers" heads other goods only when written on from the name (老虎钳); after a name written solid and a
    gap it is a word of its own, and 麻醉枪 stays the weapon; a name spelled out with gaps still takes it across one."""
    assert_lead(scorer, "麻醉枪 钳 全套", "prohibited.weapons", "私聊 一手货源 不走快递")
    assert_clear(scorer, "代 开 发 票 夹 透明 插袋", "财务办公 收纳整理")


def test_a_name_read_across_a_space_into_a_cage_is_no_bird(scorer: Scorer) -> None:
    # 野生 and 鸟笼 are two words: no 野生鸟 is written, whatever talk the listing has
    result = assert_clear(scorer, "野生 鸟笼 两只 竹编", "手工编的鸟笼，私聊")
    assert any(r["rule"] == "accessory_term" for r in result.rules)
    # the bird itself, written apart, is still one
    assert score(scorer, "野生 鸟 两只", "山里网的，私聊").is_lead


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("手枪钻 12V 充电式 两电一充", "装修打孔拧螺丝都行，送十个钻头，量大从优"),
        ("锂电手枪钻 家用 小型", "木工师傅用剩的，电池还能用半天，同城自提"),
        ("气枪水泵 洗车 家用", "接水管就能用，清洗汽车空调，同城自提"),
    ],
)
def test_a_drill_or_a_pump_after_a_gun_name_is_that_tool(scorer: Scorer, title: str, description: str) -> None:
    """The dictionary glosses 钻 "an auger" and ends seven drills and augers in it (电钻, 冲击钻, 螺丝钻), and
    glosses 水泵 "water pump": a gun's name before them (手枪钻 "pistol drill") names the tool's shape."""
    signals = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["signals"]
    assert "钻" in signals["goods_characters"]
    assert {"水泵", "气筒", "螺丝钻"} <= set(signals["goods_heads"])
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("出手枪 带钻石纹握把", "金属仿真，可发射钢珠，私聊"),
        ("手枪 钻 全新 可发射", "不走平台 私聊"),
    ],
)
def test_a_gun_name_not_joined_to_a_drill_stays_a_lead(scorer: Scorer, title: str, description: str) -> None:
    """钻 must end the word the gun's name begins: 钻石 "diamond" goes on, and a 钻 written apart is no drill."""
    assert_lead(scorer, title, "prohibited.weapons", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("气枪打气筒 高压款 自行车用", "高压打气筒，轮胎皮球都能打，别想多了，就是个打气筒，小区门口自取。"),
        ("气枪水泵 高压 洗车", "高压的，院子里冲地能打很远，其实就是个普通水泵，接水管就能用。"),
    ],
)
def test_a_tool_the_listing_says_its_goods_are_takes_the_traits_it_shows(
    scorer: Scorer, title: str, description: str
) -> None:
    """高压 and 能打 of a pump named after a gun (气枪打气筒) are the pump's where the listing says the goods are the
    pump (就是个打气筒, 其实就是个普通水泵)."""
    result = assert_clear(scorer, title, description)
    assert "head_term" in rules_by_name(result)


def test_a_gun_said_to_look_like_a_tool_is_still_a_gun(scorer: Scorer) -> None:
    # 外观就是个打气筒 names the gun's disguise, not the goods: its 高压 and 能打 are the gun's
    assert_lead(scorer, "气枪打气筒 高压 能打", "prohibited.weapons", "外观就是个打气筒，实际高压能打，私聊。")


def test_spyware_named_after_a_phone_keeps_its_own_forms(scorer: Scorer) -> None:
    # the category's own goods (远程, 实时) beside spyware's name stay counted: no tool is said to be the goods
    assert_lead(scorer, "手机监听软件 远程安装", "prohibited.surveillance", "对方聊天记录实时同步，私聊。")

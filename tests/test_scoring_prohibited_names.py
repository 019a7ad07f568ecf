"""Prohibited goods named in ways no watchlist line spells out: a device's name with another head of its group
(电击棍 of 电击棒, 监听仪 of 监听器), a long name with one or two characters written as their pinyin (代开fa票,
代kai发piao) or one of three characters or more with one as its initial (百c枯), a product form in pinyin (专piao),
pinyin written with its tones (窃tīng器), a knife's shape word beside the marks of a real blade (匕首造型 开刃), the
goods of the firearms-explosives lexicon's knife and explosive lines (黑索金, 自动跳刀), street names of prescription
drugs (紫水, 小白片) and a forged seal's (萝卜章), market names of goods (钻天猴, 听声宝, 云霄货), a pesticide packed in
plastic and one sold by its number (3911), in digits or in Chinese numerals (三九一一), fireworks materials apart from
civil explosives (黑火药, 雷管), a cigarette's flavour capsule (爆珠), a drug in e-liquid (太空油) and fish poison
(闹鱼药), and a rat poison sold as its bait (鼠饵). Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from pipelines.scoring.spellings import numeral_spellings, one_initial, one_spelt, pinyin_spellings
from pipelines.scoring.watchlist import swapped_heads
from tests.scoring_support import assert_clear, assert_lead

ROOT = Path(__file__).resolve().parents[1]
GROUPS = (("器", "仪", "设备"), ("棒", "棍"))


def test_a_device_head_is_swapped_within_its_group_only() -> None:
    assert swapped_heads("监听器", GROUPS) == ("监听仪", "监听设备")
    assert swapped_heads("电击棒", GROUPS) == ("电击棍",)
    # a head after a single character is an everyday word's (充气棒 is no 充气器), and a head of another group stays
    assert swapped_heads("气棒", GROUPS) == ()
    assert swapped_heads("仿真枪", GROUPS) == ()


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("电击棍 充电款 夜跑随身", "按一下蓝光噼啪响，碰一下人就倒，快递写手电筒", "prohibited.weapons"),
        ("监听仪 插卡 远程", "放在车里，打电话就能听到车里说话，私聊", "prohibited.surveillance"),
        ("手机信号屏蔽仪 会议室 大功率", "开机后周围手机全没信号，外箱写路由器", "prohibited.surveillance"),
        # a bulk texter that needs no SIM card: a fake base station
        ("群发设备 面包车款", "开到商场门口，附近的手机都能收到，不用手机卡", "prohibited.surveillance"),
    ],
)
def test_a_device_named_with_another_head_is_a_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert any(hit.matched in title and hit.category == category for hit in result.hits)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # an instrument named like a jammer with nothing of its trade, and a filter of interference in a speaker
        ("干扰仪 电磁兼容 实验室 二手", "高校实验室淘汰，功能正常，附说明书"),
        ("音响 抗干扰仪 消除电流声", "接上就没有滋滋声，包邮"),
        # a bulk texter of a messaging app, which sends through the user's own account
        ("微信群发设备 营销软件 永久版", "一键群发好友，不限条数，包安装"),
    ],
)
def test_a_swapped_head_without_the_trade_or_inside_an_innocent_phrase_is_nothing(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_long_name_is_spelt_with_one_character_in_pinyin() -> None:
    assert one_spelt("代开发票")[:4] == ["dai开发票", "代kai发票", "代开fa票", "代开发piao"]
    assert one_spelt("手枪") == []  # a short name has its every mix (:func:`pinyin_forms`) instead
    plain = {s.text: s.needs for s in pinyin_spellings(["代开发票"], plain=True)}
    assert plain["代开发piao"] == ""
    # a species of the national list (not plain) is spelt so beside a product form or trade talk alone: its name
    # alone could be anything
    assert {s.text: s.needs for s in pinyin_spellings(["中华秋沙鸭"], plain=False)}["中华qiu沙鸭"] == "context"


def test_a_species_name_with_one_character_in_pinyin_counts_beside_its_goods(scorer: Scorer) -> None:
    result = assert_lead(scorer, "白颈长尾zhi 活体 一对 山里的", "wildlife.live_bird")
    assert any(h.term == "白颈长尾雉" and h.rule == "pinyin" for h in result.hits)
    # without a product form or trade talk it is no name: a sticker's motif
    assert not any(h.term == "白颈长尾雉" for h in assert_clear(scorer, "白颈长尾zhi 贴纸 图案 卡通").hits)


def test_a_name_of_up_to_six_characters_is_spelt_with_two_in_pinyin() -> None:
    assert {"代kai发piao", "daikai发票", "代开fapiao"} <= set(one_spelt("代开发票"))
    assert "zhen孔she像头" in one_spelt("针孔摄像头")
    # a longer name keeps all but one of its characters: two spelt of seven leave it no plainer than a mix
    assert len(one_spelt("增值税专用发票")) == len("增值税专用发票")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("zhen孔 she像机 烟感款", "吸顶装，宾馆民宿都能装", "prohibited.surveillance"),
        ("dai开 发piao 餐饮 住宿 会议费", "点数私聊，月底冲账找我", "prohibited.documents"),
    ],
)
def test_a_name_with_two_characters_in_pinyin_is_a_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert any(hit.rule == "pinyin" and hit.mechanism == "generated_variant" for hit in result.hits)


def test_a_product_form_in_pinyin_is_the_form(scorer: Scorer) -> None:
    result = assert_lead(scorer, "普piao 代开 税点低 各行业", "prohibited.documents")
    assert {"普票"} == {rule["form"] for rule in result.rules if rule["rule"] == "product_form"}
    # the goods' form spelt so still needs what the form needs: alone it is no lead
    assert_clear(scorer, "zhuan票 普piao 学习资料", "会计考试复习用")


def test_a_code_number_is_spelt_in_chinese_numerals() -> None:
    assert [s.text for s in numeral_spellings(["1605", "36", "二踢脚"])] == ["一六〇五", "一六零五"]


def test_a_code_number_in_chinese_numerals_is_a_lead_beside_its_context(scorer: Scorer) -> None:
    result = assert_lead(scorer, "一六〇五 乳油 一瓶", "prohibited.pesticides", "打棉铃虫蚜虫，库房翻出来的，私聊")
    hit = next(h for h in result.hits if h.rule == "numerals")
    assert hit.term == "1605" and hit.mechanism == "generated_variant"
    assert_clear(scorer, "门牌号 三九一一 铜制 定做", "按要求刻字，包邮")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("钻天猴 五十支一把 带响", "农村过年放的那种，快递不收走物流", "prohibited.fireworks"),
        ("冲天雷 一捆十根", "飞得老高再炸，乡下空地放，自提", "prohibited.fireworks"),
        ("雷鸣弹 一盒六个", "一个顶一挂鞭，同城自提不寄", "prohibited.fireworks"),
        ("地老鼠 一盒一百个", "点着在地上乱窜，过年小孩玩，走物流", "prohibited.fireworks"),
        ("听声宝 插卡款 声控录音", "放办公室抽屉里，老板都在用", "prohibited.surveillance"),
        ("断网神器 便携 八天线", "一开周围手机没信号，考场会场都行", "prohibited.surveillance"),
        ("古巴手卷 半盒十支 带雪松片", "朋友海外寄回来的，私聊", "prohibited.tobacco"),
        ("云霄货 中支 一件五十条", "包装和正品一样，开店的老板私聊", "prohibited.tobacco"),
        ("神农丹 颗粒 一袋五公斤", "种姜撒一次管一季，老库存", "prohibited.pesticides"),
        ("氯硝西泮 0.5mg 三板", "自己用剩的，不用处方，私聊", "prohibited.drugs"),
    ],
)
def test_a_market_name_of_prohibited_goods_is_a_lead(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("听声宝 老人助听器 声音放大", "充电款，耳背的老人戴着听得清"),
        ("断网神器 孩子定时上网 路由器", "家长手机设置，到点自动断网"),
        ("云霄货 枇杷 新鲜 五斤装", "福建云霄产地直发，口感甜"),
        ("神农丹 养生丸 老字号", "滋补调理，一天两粒"),
        ("地老鼠 烤串 云南小吃", "田里抓的竹鼠做的烧烤，麻辣味"),
    ],
)
def test_a_market_name_that_is_also_everyday_goods_needs_its_trade(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_name_with_one_character_as_its_initial_counts_beside_a_product_form(scorer: Scorer) -> None:
    assert one_initial("百草枯") == ["b草枯", "百c枯", "百草k"]
    assert {s.text: s.needs for s in pinyin_spellings(["百草枯"], plain=True)}["百c枯"] == "forms"
    assert_lead(scorer, "百c枯 原液 一桶", "prohibited.pesticides", "老配方，私聊")
    assert_clear(scorer, "百c枯 是什么 求科普", "听老人说过这个名字")


def test_a_name_with_one_character_in_pinyin_is_a_lead(scorer: Scorer) -> None:
    assert_lead(scorer, "增值税发piao代开 各行业", "prohibited.documents", "金额随你定，月底冲账找我")
    assert_lead(scorer, "代开发piao 建材 劳务", "prohibited.documents", "点数好商量")


def test_a_real_blade_in_a_shape_is_the_blade(scorer: Scorer) -> None:
    result = assert_lead(
        scorer,
        "户外匕首 全钢 带鞘",
        "prohibited.weapons",
        "经典匕首造型，刀身已开刃，钢材是D2，硬度高，走物流写五金",
    )
    assert {"genuine_over_shape", "genuine_over_innocence"} <= {rule["rule"] for rule in result.rules}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("匕首造型 开瓶器 钥匙扣", "锌合金，未开刃，送朋友小礼物"),
        ("匕首造型 书签 金属 文创", "不开刃，博物馆文创店买的，包邮"),
    ],
)
def test_a_dagger_shape_with_no_real_blade_is_other_goods(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_the_lexicon_adds_its_knives_and_explosives_and_not_the_hand_list_s_names() -> None:
    lexicon = yaml.safe_load((ROOT / "pipelines/watchlists/prohibited_weapons_lexicon.yaml").read_text("utf-8"))
    terms = {t["term"] for c in lexicon["categories"] for t in c["terms"]}
    assert {"黑索金", "自动跳刀", "防卫电棍"} <= terms
    # names prohibited.yaml gives already (one word, one term), a weapon's or a fireworks material's (黑火药), and a
    # knife shop's words
    assert not {"军刺", "气枪", "炸药", "黑火药", "军刀", "阳江刀具"} & terms
    # a possessive names the goods before it: no how-to phrase is a term
    assert not any("的" in t or "制造" in t for t in terms)


def test_a_lexicon_explosive_is_a_lead(scorer: Scorer) -> None:
    assert_lead(scorer, "黑索金 工业级 一公斤", "prohibited.weapons", "矿上用剩的，只能自提，私聊")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("震源药柱 物探队余货 两箱", "一箱二十四公斤，自己开车来拉。"),
        ("导爆索 十米一卷 另有导爆管", "隧道工程剩下的，低价转，电话联系。"),
    ],
)
def test_a_civil_explosive_of_the_national_list_is_a_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_lead(scorer, title, "prohibited.weapons", description)


def test_a_blasting_course_book_is_no_explosive(scorer: Scorer) -> None:
    assert_clear(scorer, "爆破工程 教材 第三版", "讲导爆索、导爆管起爆网路的设计，九成新，有笔记。")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # the materials of fireworks are fireworks (烟花爆竹安全管理条例 第二条), a detonator and its fuse explosives
        ("颗粒黑火药 半斤装 自己做礼花", "硝硫碳配好的，私聊", "prohibited.fireworks"),
        ("烟火药 两公斤 做喷花用", "自己配的，不走快递", "prohibited.fireworks"),
        ("引火线 防潮 二十米一卷", "燃速均匀，私聊", "prohibited.fireworks"),
        ("电雷管 导火索 矿上剩的", "一起出，只能自提", "prohibited.weapons"),
    ],
)
def test_fireworks_materials_and_civil_explosives_are_filed_apart(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # a cigarette's flavour capsule reads as 爆竹, and e-cigarette words carry a drug named beside them
        ("细支 薄荷爆珠 整条 外文包装", "免税渠道，私聊", "prohibited.tobacco"),
        ("太空油 通用烟弹 一口就飘", "老客户都懂，私聊", "prohibited.drugs"),
    ],
)
def test_the_goods_word_decides_between_tobacco_and_its_neighbours(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert "prohibited.fireworks" not in result.categories


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("紫水 六瓶 兑雪碧", "老版的，喝两口就上头，只发熟人", "prohibited.drugs"),
        ("小白片 一板 没处方", "睡不着吃半片，一觉睡死到天亮，私聊", "prohibited.drugs"),
        ("萝卜章 各种单位 当天出", "发图过来照着刻，一比一，私聊", "prohibited.documents"),
    ],
)
def test_a_street_name_with_its_trade_is_a_lead(scorer: Scorer, title: str, description: str, category: str) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("紫水晶 手链 巴西 原石", "颜色很正，盘久了会更透"),
        ("紫水 钢笔墨水 60ml", "颜色很正，不堵笔，包邮"),
        ("维生素C 小白片 一瓶", "每天一片，提高免疫力，正规药店购买"),
    ],
)
def test_a_street_name_in_everyday_goods_is_nothing(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_banned_pesticide_packed_in_plastic_film_is_still_a_lead(scorer: Scorer) -> None:
    result = assert_lead(
        scorer,
        "克百威颗粒 三公斤",
        "prohibited.pesticides",
        "撒地里治线虫，编织袋装，里面一层塑料膜",
    )
    assert not any(rule["rule"] == "innocence" for rule in result.rules)


def test_the_number_phorate_is_sold_under_is_a_lead_beside_the_pests_of_the_soil(scorer: Scorer) -> None:
    result = assert_lead(scorer, "3911 拌玉米种 一公斤", "prohibited.pesticides", "防蝼蛄地老虎，老配方，私聊")
    # 地老虎 is the cutworm, not a tiger
    assert not any(hit.category.startswith("wildlife.") for hit in result.hits)


def test_the_number_alone_is_nothing(scorer: Scorer) -> None:
    assert_clear(scorer, "轴承 3911 内径55 全新", "工厂库存，包邮")


def test_pinyin_with_its_tones_is_the_pinyin(scorer: Scorer) -> None:
    assert scorer.normaliser.fold("窃tīng器 lǜ Café") == "窃ting器lucafe"
    assert_lead(scorer, "窃tīng器 插卡 远程", "prohibited.surveillance", "放车里，私聊")


def test_a_business_licence_an_agent_applies_for_is_no_forged_document(scorer: Scorer) -> None:
    # the law lets an agent file a registration: 代办 is a registration agent's trade, not a forger's making to
    # order, as it is for an identity card or a diploma
    assert_clear(
        scorer,
        "个体户 营业执照 代办 核名",
        "代办个体户营业执照，核名、提交材料、领照全程跑腿，三个工作日下证，私聊报价。",
    )
    assert_lead(scorer, "毕业证 代办 加急", "prohibited.documents", "代办毕业证，三个工作日出，私聊报价。")
    # a licence made to order, or rented out, which the law forbids, is the forged or illicit document
    assert_lead(scorer, "营业执照 定制 钢印", "prohibited.documents", "营业执照定制，钢印齐全，信息按你要求，私聊。")
    assert_lead(scorer, "营业执照 出租 挂靠", "prohibited.documents", "公司营业执照出租，挂靠开票都行，按月付，私聊。")


def test_fish_poison_sold_by_its_trade_name_is_a_lead(scorer: Scorer) -> None:
    # no lawful product is sold to kill the fish of a river (渔业法 forbids 毒鱼): the trade name alone is the offence
    assert_lead(scorer, "闹鱼药 老牌子 一包管半条河", "prohibited.pesticides", "小河沟用，下去半小时见效，私聊。")
    assert_lead(scorer, "特效毒鱼粉 两斤装", "prohibited.pesticides", "水库用，量大优惠，发货隐蔽。")
    # the aquarium's fish medicine, and a poisonous fish, are not fish poison
    assert_clear(scorer, "观赏鱼药 白点净 鱼缸专用", "治白点病烂鳃，按说明用量，对水草无害。")
    assert_clear(scorer, "有毒鱼类图鉴 河豚 石头鱼", "科普读物，讲毒鱼的辨认，九成新。")


def test_a_rat_poison_sold_as_its_bait_is_a_banned_one_beside_a_word_of_one(scorer: Scorer) -> None:
    # a rat poison is sold as the bait it is mixed into (鼠饵), and a word of a banned one makes it that
    assert_lead(scorer, "强效鼠饵 老配方", "prohibited.pesticides", "无色无味，一点点拌进玉米里，不写名字发货。")
    # a registered bait and an empty bait box are everyday goods
    assert_clear(scorer, "灭鼠饵剂 颗粒 家用", "正规厂家，有农药登记证，放在鼠洞旁边，三天见效。")
    assert_clear(scorer, "鼠饵盒 塑料 加厚", "装饵用的空盒子，不含药，仓库餐馆常用。")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("2-溴苯丙酮 现货 含量98", "公斤起发，化工厂直供，之前一直给老客户走货，量大可谈。"),
        ("黄樟油 桶装 原料", "纯黄樟油，25公斤一桶，可做提取，私聊报价。"),
        ("N-苯乙基-4-哌啶酮 高纯", "实验室合成，纯度99，克级到公斤级都有，私聊。"),
        ("麻黄浸膏粉 大包装", "麻黄浸膏粉一公斤装，长期供应，需要的老板私聊。"),
    ],
)
def test_a_precursor_of_the_first_class_is_a_drugs_lead(scorer: Scorer, title: str, description: str) -> None:
    # the first class of 易制毒化学品分类和品种目录: sold to no one without a licence, and to the public never
    result = assert_lead(scorer, title, "prohibited.drugs", description)
    assert any(hit.term == "易制毒原料" for hit in result.hits)


def test_a_smoker_s_pipe_is_no_gun(scorer: Scorer) -> None:
    # 烟枪 and 老烟枪 are a smoker's pipe and a heavy smoker: the 枪 inside them is no gun
    assert_clear(scorer, "石楠木烟斗 老烟枪 手工 弯柄", "老烟枪都喜欢的款式，配皮套，不带烟丝，懂的来")
    # a bare 枪 beside a gun's traits stays a lead, whatever the listing says of smokers
    assert_lead(scorer, "枪 全金属 可发射", "prohibited.weapons", "老烟枪都懂，私聊")


def test_a_precursor_offered_for_industrial_use_is_still_a_lead(scorer: Scorer) -> None:
    # a precursor's licensed trade is an industrial one: 工业用 names its use, it does not make it ordinary goods
    result = assert_lead(scorer, "伪麻黄素 工业用 现货", "prohibited.drugs", "实验室和化工厂采购，公斤起发，可开票。")
    assert not any(rule["rule"] == "innocence" for rule in result.rules)
    # an anti-drug test kit is still one, whatever use the listing names
    assert_clear(scorer, "麻黄素检测试纸 工业用", "禁毒宣传用，一盒五十条。")


def test_a_chemical_of_the_lower_classes_or_with_an_everyday_use_is_no_precursor(scorer: Scorer) -> None:
    # propiophenone, acetone and piperonal (a perfume's) are sold freely, to registered buyers or to anyone
    assert_clear(scorer, "苯丙酮 分析纯 500g", "试剂级，学校实验室采购，开票，附检测报告。")
    assert_clear(scorer, "丙酮 工业级 清洗剂", "去胶去油污，20升一桶，物流发货。")
    assert_clear(scorer, "胡椒醛 天然香料 调香用", "香水调配常用，10毫升分装，有樱桃和杏仁的香气。")


def test_a_document_s_imitation_copy_is_its_forgery_unless_a_prop(scorer: Scorer) -> None:
    # 仿真件 is the forger's word for the copy (营业执照 仿真件), as 高仿 is
    assert_lead(
        scorer, "营业执照 正副本 仿真件", "prohibited.documents", "仿真件做工好，公司名字随便填，扫码能跳，私聊。"
    )
    assert_lead(scorer, "房产证 仿真件 现做", "prohibited.documents", "拿去办事看不出来，两天出，私聊。")
    # a film crew's prop says what it is, and the document's name alone sells nothing
    assert_clear(scorer, "营业执照 仿真件 影视道具", "剧组拍戏用的，印有样本字样，不能用于任何用途。")
    assert_clear(scorer, "营业执照 办理 咨询", "公司注册、营业执照办理指南，免费咨询。")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("单位公章 合同章 三小时出", "按你发的印模照做，跟原来那枚分不出来，顺丰寄，微信聊。"),
        ("财务章 发票专用章 急用", "不需要营业执照也能刻，圆形椭圆都有，今天下单明天到。"),
    ],
)
def test_a_unit_s_seal_copied_or_cut_without_its_licence_is_a_forged_document(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_lead(scorer, title, "prohibited.documents", description)


def test_a_unit_s_seal_as_shop_goods_or_a_holder_is_nothing(scorer: Scorer) -> None:
    assert_clear(scorer, "财务章 合同章 收纳盒 带锁", "办公室放印章用的收纳盒，四格，带密码锁。")
    assert_clear(scorer, "公章 光敏印油 10ml", "公章、财务章通用光敏印油，红色，一瓶可补充多次。")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a copy with the marks of a genuine pack is a counterfeit cigarette, not a model
        ("高仿 黄鹤楼 硬盒", "条盒小盒钢印都有，和店里的放一起认不出，五十条起批。"),
        # 中华's packs cut short in the trade
        ("软华 厂家货 整件", "烟盒防伪标齐全，开小卖部的老板拿得多，私聊。"),
    ],
)
def test_a_counterfeit_cigarette_with_the_marks_of_a_genuine_pack_is_a_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_lead(scorer, title, "prohibited.tobacco", description)


def test_a_prop_cigarette_or_soft_fabric_is_nothing(scorer: Scorer) -> None:
    assert_clear(scorer, "仿真香烟 拍戏道具 一盒", "剧组用的道具烟，塑料做的，不能点。")
    assert_clear(scorer, "纯棉短袖 柔软中带弹性", "面料柔软中带弹性，整条街的小店都在卖这款，两件包邮。")

"""Prohibited goods told without their name: a trade name dodged by its pinyin or initials (zhen孔, SXT), a ban the
seller tells aside (国家不让卖, 城里禁放), a street or loan name from the dictionary (克他命 "ketamine"), a product
the goods outdo (草甘膦比不了), a covert device told by going unnoticed, a person found through their number
(手机号查机主, 手机号定位). Each with the
ordinary listing it must leave alone. Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import (
    counted_forms,
    load_watchlists,
    shipped_paths,
    told_by_search,
    told_by_skipped_step,
)
from tests.scoring_support import assert_clear, assert_lead, rules_by_name
from tests.test_scoring_generalisation import alias_script


def _score(scorer: Scorer, title: str, description: str = "") -> tuple[bool, str | None, list, list]:
    result = scorer.score({"title": title, "description": description})
    return result.is_lead, result.category, result.hits, result.rules


@pytest.mark.parametrize(
    ("title", "description", "term"),
    [
        ("LYB 钥匙扣款 待机长", "放在对方车里，对方完全不知道，声控开始录，私聊，不走平台", "隐蔽摄录器材"),
        ("zhen孔 小方盒 一个", "插上就能录像，手机远程看，拍下私聊", "针孔"),
    ],
)
def test_a_trade_name_spelt_in_pinyin_or_initials_is_the_trade_name(
    scorer: Scorer, title: str, description: str, term: str
) -> None:
    lead, category, hits, _rules = _score(scorer, title, description)
    assert lead and category == "prohibited.surveillance"
    assert any(h.term == term and h.mechanism == "generated_variant" for h in hits)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("SXT 三脚架 支架 通用", "铝合金三脚架，可调高度，手机相机都能装"),
        ("LYB 办公 会议 记录", "高清降噪，会议记录，一键转文字"),
    ],
)
def test_initials_of_a_trade_name_need_its_trade_word(scorer: Scorer, title: str, description: str) -> None:
    lead, _category, hits, _rules = _score(scorer, title, description)
    assert not lead
    assert not any(h.category == "prohibited.surveillance" for h in hits)


@pytest.mark.parametrize(
    ("title", "description", "term", "matched"),
    [
        ("kuai le qi 一罐 派对", "同城闪送 私聊", "笑气", "kuai le qi"),
        ("xiao shu zhi 一克", "懂的来 私聊", "毒品", "xiao shu zhi"),
    ],
)
def test_a_code_word_spelt_in_pinyin_is_the_code_word_beside_its_trade(
    scorer: Scorer, title: str, description: str, term: str, matched: str
) -> None:
    result = assert_lead(scorer, title, "prohibited.drugs", description)
    assert any(h.term == term and h.matched == matched and h.rule == "pinyin" for h in result.hits)
    # without a product form or trade talk the spelling could be anything
    assert_clear(scorer, matched + " 手工 DIY", "干树枝 装饰 拍照道具")


def test_a_ban_told_aside_is_evasion_talk(scorer: Scorer) -> None:
    lead, category, _hits, rules = _score(
        scorer, "除草 老药 原装 一瓶", "国家不让卖了，最后几桶，一瓶兑一桶水，太阳一晒草就枯"
    )
    assert lead and category == "prohibited.pesticides"
    evasion = next(r for r in rules if r["rule"] == "evasion")
    assert "国家不让卖" in evasion["signals"]


@pytest.mark.parametrize("ban", ["国家不让生产", "国家不让用"])
def test_a_ban_on_making_or_using_the_goods_is_evasion_talk(scorer: Scorer, ban: str) -> None:
    title = "杀虫 老药 乳油 一瓶"
    result = assert_lead(scorer, title, "prohibited.pesticides", f"虫子一碰就死，{ban}了，家里还剩几瓶")
    assert ban in rules_by_name(result)["evasion"]["signals"]
    assert_clear(scorer, title, "虫子一碰就死，家里还剩几瓶")  # the ban is what makes the described goods a lead


def test_a_use_the_seller_will_not_ask_about_is_evasion_talk(scorer: Scorer) -> None:
    told = "吸在车下面，手机实时看轨迹，对方一点都不知道"
    lead, category, _hits, rules = _score(scorer, "强磁款 小盒子 贴车底", told + "，用途别问")
    assert lead and category == "prohibited.surveillance"
    evasion = next(r for r in rules if r["rule"] == "evasion")
    assert "用途别问" in evasion["signals"]
    lead, *_ = _score(scorer, "强磁款 小盒子 贴车底", told)
    assert not lead  # the talk is what makes the described goods a lead
    # a shop that asks what the tool is for is no evasion
    lead, *_ = _score(scorer, "强磁 吸盘 工具架", "磁铁吸在车下面放工具，请问用途再推荐型号")
    assert not lead


def test_a_courier_that_refuses_the_goods_is_a_ban_told_aside(scorer: Scorer) -> None:
    told = "往地上一扔就响，一箱四十盒"
    result = assert_lead(scorer, "年货小纸炮 过年", "prohibited.fireworks", told + "，快递不收")
    assert "快递不收" in rules_by_name(result)["evasion"]["signals"]
    assert_clear(scorer, "年货小纸炮 过年", told)  # the talk is what makes the described goods a lead
    # a parcel too big for the courier is no ban
    assert_clear(scorer, "大号毛绒玩具熊 一米二", "体积太大，快递不收，只能物流，同城自提")


def test_the_ban_pairs_are_generated_from_two_short_lists() -> None:
    signals = load_watchlists().signals
    assert "国家" in signals.ban_holders and "禁放" in signals.ban_verbs
    assert len(signals.ban_holders) * len(signals.ban_verbs) > 4 * (len(signals.ban_holders) + len(signals.ban_verbs))


def test_an_electronic_firecracker_sold_for_a_town_that_bans_them_is_no_lead(scorer: Scorer) -> None:
    lead, *_ = _score(scorer, "电子鞭炮 LED 声光 婚庆", "市区禁放也能用，插电就响，没有火药")
    assert not lead


def test_a_product_the_goods_outdo_does_not_clear_them(scorer: Scorer) -> None:
    lead, category, _hits, rules = _score(
        scorer, "老药 除草剂 剧毒 原液", "以前的配方，现在的草甘膦都比不了，打一遍一年不长，私聊"
    )
    assert lead and category == "prohibited.pesticides"
    assert any(r["rule"] == "innocence_compared" and r["marker"] == "比不了" for r in rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("台灯 书房 手机远程看画面", "放书房没人发现，夜视清楚，能录像录音，不走平台"),
        ("数据线 充电款 录像", "插着充电就在录，谁也发现不了，手机随时看回放，私聊"),
    ],
)
def test_a_covert_camera_on_an_everyday_carrier_is_told_by_going_unnoticed(
    scorer: Scorer, title: str, description: str
) -> None:
    lead, category, _hits, _rules = _score(scorer, title, description)
    assert lead and category == "prohibited.surveillance"


def test_an_ordinary_lamp_that_nobody_notices_is_no_lead(scorer: Scorer) -> None:
    lead, *_ = _score(scorer, "极简 台灯 书房", "放在书房没人发现它的存在感，护眼无频闪，三档调光")
    assert not lead


def test_an_heirloom_left_by_the_elders_is_no_goods_for_the_elderly(scorer: Scorer) -> None:
    lead, category, _hits, rules = _score(
        scorer, "台灯 带远程看画面 放客厅", "台灯带远程看画面，放客厅没人发现，夜视。家里老人留下的，面交"
    )
    assert lead and category == "prohibited.surveillance"
    assert not any(r["rule"] == "innocence" for r in rules)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("LED 烟花灯 儿童 玩具 装饰", "电池款，插电发光，儿童房装饰"),
        ("烟花 投影灯 星空 儿童 房间", "投影出烟花的样子，USB供电，睡前氛围"),
    ],
)
def test_a_lamp_or_toy_that_shows_fireworks_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    lead, *_ = _score(scorer, title, description)
    assert not lead


def test_an_aroma_word_does_not_clear_an_e_cigarette(scorer: Scorer) -> None:
    lead, category, *_ = _score(scorer, "香薰 雾化棒 一次性", "尼古丁盐5%，芒果味，抽完就扔")
    assert lead and category == "prohibited.tobacco"
    assert not _score(scorer, "香薰 蜡烛 大豆蜡 卧室", "助眠香薰蜡烛，燃烧四十小时")[0]


def test_a_street_name_from_the_dictionary_is_an_alias_of_its_term(scorer: Scorer) -> None:
    lead, category, hits, _rules = _score(scorer, "克他命 一小包", "夜场用，同城可送，一克起")
    assert lead and category == "prohibited.drugs"
    hit = next(h for h in hits if h.matched == "克他命")
    assert hit.mechanism == "dictionary_alias" and hit.source.startswith("CC-CEDICT line ")


def test_a_dictionary_alias_of_prohibited_goods_needs_their_context(scorer: Scorer) -> None:
    # 白面儿 "heroin" is flour in speech as 白面 is, so no alias at all; 几号 "(slang) heroin" was rejected on review,
    # as it asks a date
    assert not _score(scorer, "白面儿 五斤装 家用", "高筋面粉，蒸馒头包子")[0]
    assert not _score(scorer, "几号发货 一克 黄金 吊坠", "足金999，几号能到")[0]


def test_a_name_sharing_the_one_sense_of_a_terms_name_is_an_alias_of_that_term() -> None:
    # 甲基安非他命 is glossed "methamphetamine", the one sense 冰毒 (an alias of 毒品) has; 香粉 "face powder" shares
    # a sense of 白粉, which has three (face powder, chalk, heroin); 木仓 "bullet" would bridge 子弹 were it not for
    # a word of another category with that one sense too
    entries = [
        ("冰毒", "methamphetamine", "methamphetamine", 1),
        ("甲基安非他命", "methamphetamine", "methamphetamine/CL:克[ke4]", 2),
        ("白粉", "face powder", "face powder/chalk powder/heroin", 3),
        ("香粉", "face powder", "face powder/talcum powder", 4),
        ("子弹", "bullet", "bullet/CL:粒[li4]", 5),
        ("烟花", "bullet", "bullet", 6),
        ("木仓", "bullet", "bullet", 7),
    ]
    known = {"冰毒", "白粉", "子弹", "烟花"}  # the watchlists' own names are no aliases
    written = [path for path in shipped_paths() if path.name != "dictionary_aliases.yaml"]  # as the script reads
    found = alias_script().prohibited_aliases(load_watchlists(written), entries, known, {})
    terms = {str(item["term"]): item for items in found.values() for item in items}
    assert set(terms) == {"甲基安非他命"}
    alias = terms["甲基安非他命"]
    assert alias["note"] == "= 毒品 (methamphetamine, as 冰毒)"
    assert alias["source"] == "CC-CEDICT line 2: 甲基安非他命 /methamphetamine/CL:克[ke4]/"
    assert "纯度高" in alias["requires"]  # the drugs' own talk: a chemist's name alone is a textbook's


@pytest.mark.parametrize(
    ("title", "description", "category", "alias"),
    [
        ("甲基安非他命 一小包", "纯度高，同城可送，一克起", "prohibited.drugs", "甲基安非他命"),
        ("驾驶执照 照片用你的", "三天出，官网可查，钢印齐全", "prohibited.documents", "驾驶执照"),
        ("枪弹 一盒 老规矩", "全金属的，打猎用，私聊", "prohibited.weapons", "枪弹"),
    ],
)
def test_a_formal_or_old_name_of_prohibited_goods_is_read_through_the_dictionary(
    scorer: Scorer, title: str, description: str, category: str, alias: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    hit = next(h for h in result.hits if h.matched == alias)
    assert hit.mechanism == "dictionary_alias" and hit.source.startswith("CC-CEDICT line ")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("甲基安非他命 检测试纸 十条装", "尿检板，单位入职体检用，一盒十条"),
        ("驾驶执照 皮套 真皮 卡套", "证件保护套，男女通用，包邮"),
        ("枪杆子里出政权 书法 横幅", "手写书法作品，装裱好，送朋友"),
    ],
)
def test_a_dictionary_name_of_prohibited_goods_without_their_trade_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert not _score(scorer, title, description)[0]


def test_a_prohibited_categorys_talk_is_read_in_the_english_the_dictionary_gives_it() -> None:
    # 批发 "wholesale" and 快递 "express delivery" are the fireworks' talk; 上天 "heaven" is rejected on review and a
    # word of one character (发) or of no English sense is left out
    entries = [
        ("批发", "wholesale", "wholesale/bulk trade/distribution", 1),
        ("快递", "express delivery", "express delivery", 2),
        ("上天", "Heaven", "Heaven/Providence/God", 3),
        ("发", "to send out", "to send out/to show (one's feeling)", 4),
        ("引线", "fuse (for an explosive device)", "fuse (for an explosive device)/electrical lead", 5),
    ]
    written = [path for path in shipped_paths() if path.name != "dictionary_aliases.yaml"]
    talk = alias_script().english_talk(load_watchlists(written), entries, {"heaven": "the heavens"})
    assert talk["prohibited.fireworks"] == {
        "product_forms": ["fuse", "wholesale"],
        "suspicious": ["express delivery"],
    }
    assert "heaven" not in str(talk) and "send out" not in str(talk)


def test_an_english_listing_of_prohibited_goods_gets_the_talk_of_their_trade(scorer: Scorer) -> None:
    result = scorer.score(
        {"title": "Firecrackers, red, 1000 pops", "description": "Express delivery to your door, whole sky of sparks"}
    )
    assert result.is_lead and result.category == "prohibited.fireworks"
    talk = next(r for r in result.rules if r["rule"] == "suspicious")
    assert set(talk["signals"]) >= {"express delivery", "whole sky"}
    bare = scorer.score({"title": "Firecrackers, red, 1000 pops", "description": "To your door, lots of sparks"})
    assert result.score > bare.score


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Garden hose 30 m, wholesale", "Express delivery, high pressure nozzle, kit with fittings"),
        ("Wireless baby monitor, night vision", "Real time view on your phone, visible camera for the nursery"),
    ],
)
def test_the_english_talk_of_a_trade_alone_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert not _score(scorer, title, description)[0]


@pytest.mark.parametrize(
    ("title", "category", "chinese"),
    [
        ("Methamphetamine crystal, purity 99%", "prohibited.drugs", "冰毒"),
        ("Flick knife, spring-loaded, black handle", "prohibited.weapons", "弹簧刀"),
        ("Bullet, 100 rounds, cash on delivery", "prohibited.weapons", "子弹"),
    ],
)
def test_the_dictionarys_english_of_a_prohibited_name_is_an_english_name_of_the_goods(
    scorer: Scorer, title: str, category: str, chinese: str
) -> None:
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.mechanism == "dictionary_alias")
    assert hit.matched in title
    assert hit.source.startswith("CC-CEDICT line ") and f": {chinese} /" in hit.source


@pytest.mark.parametrize(
    "title",
    [
        "Bullet journal notebook A5, dotted pages",  # one word needs the trade's context, and is not its own
        "Hemp rope 10 m, natural fibre, wholesale",  # 大麻 "hemp" is rejected on review: the fibre plant
        "Face powder, translucent, 10 g",  # 白粉's first sense is make-up
    ],
)
def test_an_english_word_of_the_dictionary_that_names_other_goods_is_no_lead(scorer: Scorer, title: str) -> None:
    assert not _score(scorer, title)[0]


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("三步倒 老鼠 克星", "仓库耗子多 撒一点 第二天全没了 私发", "prohibited.pesticides"),
        ("三步倒 麻醉 箭头", "配弩用 打猎 一盒十支", "prohibited.weapons"),
    ],
)
def test_a_street_name_of_two_goods_is_told_by_its_context(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    # 三步倒 names tetramine and a crossbow's tranquilliser dart: beside a word of rodents it is the rat poison
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [("B.C.K 原粉 两斤", "打过的地方寸草不生 私聊 发物流"), ("D-S-Q 原粉 一小包", "粮仓用 私聊")],
)
def test_initials_written_apart_before_a_technical_powder_are_the_banned_pesticide(
    scorer: Scorer, title: str, description: str
) -> None:
    # 原粉, the technical powder, is a form pesticides are sold in, as 原药 and 原液 are: initials spelt apart
    # (B.C.K of 百草枯, D-S-Q of 毒鼠强) stand for the term right before it
    result = assert_lead(scorer, title, "prohibited.pesticides", description)
    assert result.hits[0].mechanism == "generated_variant"


def test_a_context_word_the_listing_denies_gives_a_trade_name_no_context(scorer: Scorer) -> None:
    # 隐藏 is the word a camera's trade name needs to be a covert camera; 不是隐藏款 says the camera is not one
    is_lead, _category, _hits, rules = _score(scorer, "婴儿监控摄像头 不是隐藏款 机身很大")
    assert not is_lead
    assert any(r["rule"] == "needs_context" and r["term"] == "隐蔽摄录器材" for r in rules)
    assert _score(scorer, "婴儿监控摄像头 隐藏款 机身很小")[:2] == (True, "prohibited.surveillance")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("代开 增值税专用发票 税点低", ""),
        ("专票 代开 税点低", "建材劳务都能开"),
    ],
)
def test_an_invoice_kind_is_company_of_a_function_of_forged_invoices(
    scorer: Scorer, title: str, description: str
) -> None:
    # the kinds of VAT invoice are the goods a forged-invoice seller issues: beside 代开 and 税点 they are company
    result = assert_lead(scorer, title, "prohibited.documents", description)
    context = next(r for r in result.rules if r["rule"] == "function_pattern_context")
    assert "代开" in context["functions"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("办公椅 人体工学 可开专票", "正规公司 增值税专用发票 13个点"),
        ("增值税发票 打印纸 一箱", "针式打印机用 发票专用纸"),
    ],
)
def test_an_invoice_kind_alone_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    lead, _category, _hits, _rules = _score(scorer, title, description)
    assert not lead


@pytest.mark.parametrize("count", ["8000口", "八千口", "一万口", "12000口"])
def test_a_puff_count_is_a_product_form_of_e_cigarettes(scorer: Scorer, count: str) -> None:
    told = "一支能抽一个月，平台不让卖，私聊"
    result = assert_lead(scorer, f"蜜桃味 随身款 {count}", "prohibited.tobacco", told)
    assert rules_by_name(result)["product_form"]["form"] == count
    assert_clear(scorer, "蜜桃味 随身款", told)  # the count is what makes the told use a lead
    # a count of wells drilled is no puff count without an e-cigarette's use
    assert_clear(scorer, "打井队 承接 农田灌溉", "已打井2000口，经验丰富，私聊报价")


def test_puff_counts_are_generated_in_thousands_not_typed() -> None:
    forms = counted_forms(["口"])
    assert {"6000口", "八千口", "两万口", "1.5万口"} <= set(forms)
    assert "一口" not in forms and "两口" not in forms  # a small count is everyday speech
    tobacco = load_watchlists().categories["prohibited.tobacco"]
    assert "五千口" in tobacco.product_forms


@pytest.mark.parametrize("skipped", ["无需考试", "不需要本人到场"])
def test_a_document_issued_without_its_issuing_step_is_a_forgery(scorer: Scorer, skipped: str) -> None:
    result = assert_lead(scorer, "驾照 C1 拿本", "prohibited.documents", f"{skipped}，一个月出证")
    assert result.category == "prohibited.documents"
    assert_clear(scorer, "驾照 C1 拿本", "一个月出证")  # the skipped step is what tells the forgery
    # a clinic that does the check names the step without skipping it
    assert_clear(scorer, "健康证 体检 门诊", "本院提供健康证体检，空腹抽血，三个工作日出证")


def test_skipped_steps_are_generated_from_the_documents_procedures() -> None:
    watchlists = load_watchlists()
    documents = watchlists.categories["prohibited.documents"]
    phrases = told_by_skipped_step(documents, watchlists.signals)
    assert {"不用体检", "免考试", "无需本人到场", "不需要培训"} <= set(phrases)
    assert not set(phrases) & set(documents.suspicious)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("远程看对方手机 相册同步", "他拍的照片你这边都能看到，全程不用碰手机，懂的来"),
        ("看对方手机相册 聊天记录", "删掉的照片也能恢复，苹果安卓都行，懂的来"),
    ],
)
def test_the_target_s_photos_are_no_media_goods_beside_a_covert_device(
    scorer: Scorer, title: str, description: str
) -> None:
    """A covert device or spyware takes pictures: 照片 in its listing are the ones it captures, not prints for
    sale, so media innocence says nothing about the category."""
    result = assert_lead(scorer, title, "prohibited.surveillance", description)
    assert "innocence" not in rules_by_name(result)


def test_a_doorbell_camera_with_its_photos_stays_clear(scorer: Scorer) -> None:
    assert_clear(scorer, "可视门铃 家用 高清", "门口来人手机就能看，照片清晰，送安装")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("找人服务 手机号查机主", "发个手机号过来，当天给你机主姓名和住址，私聊，不留记录。"),
        ("车牌号定位 追车找人", "给个车牌号就能查到车现在在哪，实时位置，精确到小区，不用对方同意。"),
    ],
)
def test_a_person_found_through_their_number_is_a_surveillance_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    """A number the buyer gives before a word of finding (手机号查, 车牌号定位, 车牌号就能查到) or such a word before
    what is found (查机主, 查到实时位置): generated from the category's subjects, searches and findings."""
    assert_lead(scorer, title, "prohibited.surveillance", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("儿童电话手表 实时定位 防水", "家长手机上随时查到位置，支持视频通话，学生款。"),
        ("手机号码 靓号 吉祥号", "三网都有，手机号码查询归属地免费，私聊选号。"),
    ],
)
def test_a_child_s_watch_and_a_number_shop_find_nobody(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_the_searches_for_a_person_are_generated_from_the_surveillance_data() -> None:
    watchlists = load_watchlists()
    surveillance = watchlists.categories["prohibited.surveillance"]
    phrases = set(told_by_search(surveillance, watchlists.signals))
    assert {"手机号查", "手机号就能查到", "车牌号定位", "查机主", "查到实时位置"} <= phrases
    assert not phrases & set(surveillance.suspicious)

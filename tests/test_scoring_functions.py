"""The function pattern: prohibited goods told by what they do (打电话就能听, 升空, 代开, 贴舌头), with no word that
names them. A function makes a lead only with company of its own category (another function, a trait, a product
form with trade talk); one function in an ordinary listing is none. Examples are worded apart from the shipped
evaluation set.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from pipelines.scoring import Scorer, ScoreResult
from pipelines.scoring.watchlist import (
    load_watchlists,
    told_by_appearance,
    told_by_dose,
    told_by_effect,
    told_by_likeness,
    told_by_missing_marks,
    told_by_wakefulness,
)
from tests.scoring_support import assert_clear, assert_lead, mechanisms_of, rules_by_name


def function_context(result: ScoreResult) -> dict | None:
    return rules_by_name(result).get("function_pattern_context")


@pytest.mark.parametrize(
    ("title", "description", "category", "function"),
    [
        ("小夜灯 插座款 卧室", "插上以后手机随时听房间里在说什么，对方一点不知道", "prohibited.surveillance", "随时听"),
        ("年夜 大礼盒 一箱", "点火后升空，在天上炸开，一箱49发，快递不收，私聊", "prohibited.fireworks", "升空"),
        ("各行业 专票 普票", "代开，税点低，真票可查验，私聊报金额", "prohibited.documents", "代开"),
        ("新到 小方块 彩色 一张", "贴舌头下面，一次一张，同城见面，不走快递", "prohibited.drugs", "贴舌头"),
        ("加长 精密 钢管 一根", "内壁有膛线，4.5口径，装上提高精度，懂的来", "prohibited.weapons", "口径"),
        ("冰西瓜 新口味 补货", "三颗一盒，通用一代杆，老客户懂的来", "prohibited.tobacco", "三颗一盒"),
        ("老牌子 打草 一瓶", "一瓶兑一桶水，第二天草就枯，私聊", "prohibited.pesticides", "兑一桶水"),
    ],
)
def test_goods_told_by_what_they_do_are_leads_of_their_category(
    scorer: Scorer, title: str, description: str, category: str, function: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert mechanisms_of(result) == {"function_pattern"}
    context = function_context(result)
    assert context is not None and function in context["functions"] and context["category"] == category


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # what an ordinary camera, drone or lens does, and product forms that are no function
        ("家用 监控摄像头 夜视 高清", "店铺家用都可以，手机远程实时看画面，夜视清晰，支持录像回放"),
        ("无人机 航拍 入门 折叠", "新手一键升空，一键返航，能飞上天三十分钟"),
        ("相机 UV镜 多层镀膜", "适用77mm口径镜头，防刮，超薄框"),
        # one function and a product form need trade talk beside them
        ("手机信号 放大器 家用", "基站信号增强，地下室也能用，无线"),
        # trade talk read across two words (大礼包 过年 is no 包过) is no talk
        ("老人手机 大礼包 过年 送礼", "无线充电，一键群发拜年短信"),
        ("企业 短信 平台 验证码", "企业短信群发平台，三网合一，正规签名报备"),
    ],
)
def test_a_function_without_company_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert "function_pattern" not in mechanisms_of(result) and function_context(result) is None


def test_a_live_animal_leaves_the_listing_to_the_wildlife_patterns(scorer: Scorer) -> None:
    """隐藏 and 别人不知道 are functions of covert cameras, but beside a live animal (活体) the goods are an
    animal, which the wildlife patterns judge."""
    result = assert_clear(scorer, "活体 一只 好养", "别人不知道的品种，能拍能录视频看状态，隐藏在纸箱里发")
    assert function_context(result) is None


def test_a_word_inside_another_one_shown_is_not_counted_twice(scorer: Scorer) -> None:
    """别人看不出来 holds the trait 看不出来: one word, so it and a product form make no lead without talk."""
    assert function_context(assert_clear(scorer, "便携 夜视 小巧", "别人看不出来")) is None


def test_functions_are_the_words_of_one_category_and_not_its_traits() -> None:
    """A function is counted once: it is no trait or product form of its category as well, and no two prohibited
    categories list the same one (it would tell neither)."""
    seen: dict[str, str] = {}
    for category in load_watchlists().categories.values():
        own = set(category.suspicious) | set(category.product_forms)
        assert not own & set(category.functions), category.id
        for word in category.functions:
            assert seen.setdefault(word, category.id) == category.id, word


def test_watchlist_explain_names_the_function_pattern_and_its_words() -> None:
    runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
    description = "三颗一盒，通用一代杆，老客户懂的来"
    result = runner.invoke(app, ["watchlist", "explain", "冰西瓜 新口味 补货", "-d", description])
    assert result.exit_code == 0, result.output
    assert "function pattern of prohibited goods" in result.stdout
    assert "function_pattern_context" in result.stdout and "三颗一盒" in result.stdout


# a toy that explodes when thrown, a stage prop that rises and bursts: what they do says what they are; a function
# denied, or the function pattern's own anchor, leaves the innocence standing
OUTDONE = [
    ("擦炮 儿童 玩具 一盒", "小孩玩的，地上一划就着，扔出去一摔就响", ("儿童", "一摔就响")),
    ("舞台 道具 冷焰火 一箱", "婚礼道具，点着以后升空，天上开花", ("道具", "升空")),
    ("儿童 玩具 礼花 彩带", "手拉的彩带礼花，不会升空，没有火药", None),
    ("电子鞭炮 LED 插电", "插电就响，响的声音逼真，不用火，城区禁放的地方也能用", None),
]


@pytest.mark.parametrize(("title", "description", "outdone"), OUTDONE)
def test_a_function_of_the_goods_outdoes_the_innocence_they_are_filed_under(
    scorer: Scorer, title: str, description: str, outdone: tuple[str, str] | None
) -> None:
    result = scorer.score({"title": title, "description": description})
    rule = next((r for r in result.rules if r["rule"] == "innocence_outdone"), None)
    assert result.is_lead is (outdone is not None)
    if outdone is None:
        assert rule is None
    else:
        assert result.category == "prohibited.fireworks" and rule is not None
        assert outdone[0] in rule["signals"].values() and outdone[1] in rule["functions"]


@pytest.mark.parametrize(
    ("title", "description", "function"),
    [
        ("电子小卡 照片信息你来定", "做好的卡能过闸机，车站酒店都能刷，加急两天，私聊发资料", "能过闸机"),
        ("出境用 小本 新版", "可过海关，边检刷得过，名字随便写，私聊", "可过海关"),
        ("住店用 卡 新做", "换成你的照片，前台能过刷卡，私聊发资料", "能过刷卡"),
        ("芯片卡 一张 五天好", "可以过机器，号码随你定，懂的来", "过机器"),
    ],
)
def test_a_document_told_by_the_check_it_passes_is_a_lead(
    scorer: Scorer, title: str, description: str, function: str
) -> None:
    """过闸机, 可过海关 are generated from the documents' ``checkpoints`` and the ``passing_verbs``: functions."""
    result = assert_lead(scorer, title, "prohibited.documents", description)
    context = function_context(result)
    assert context is not None and function in context["functions"], context


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a ship passes a lock (过闸), a traveller the customs (过海关): no goods of the documents beside them
        ("三峡游轮 船票 两日游", "游船过闸全程观光，船上有导游讲解，私聊订票"),
        ("海外代购 面霜 正品", "直邮过海关，小票齐全，量大私聊"),
        ("护照包 证件收纳 旅行", "出国过海关拿证件方便，防水面料，多卡位"),
    ],
)
def test_a_check_passed_by_ordinary_goods_or_people_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert function_context(assert_clear(scorer, title, description)) is None


@pytest.mark.parametrize(
    ("title", "description", "function"),
    [
        ("本科 硕士 都有 五天拿", "带红章和钢印，学信网都能查到，付定金开工", "学信网都能查到"),
        ("各类本子 一周拿", "做好以后能网上查，钢印清楚，先付一半，私信发资料", "能网上查"),
        ("普票 专票 都有 按点算", "税务系统也能验，点数低，懂的私", "系统也能验"),
    ],
)
def test_a_document_told_by_the_registry_it_claims_is_a_lead(
    scorer: Scorer, title: str, description: str, function: str
) -> None:
    """学信网都能查到, 能网上查 are generated from the documents' ``registries`` with the ``lookup_modals`` and the
    ``lookup_verbs``: functions that, with company, name no document and still tell a forged one."""
    result = assert_lead(scorer, title, "prohibited.documents", description)
    context = function_context(result)
    assert context is not None and function in context["functions"], context


def test_a_check_report_made_to_order_is_a_forged_document(scorer: Scorer) -> None:
    """体检报告 is a document's name: with a word of making it to order (代做) it is a forged one."""
    assert_lead(scorer, "入职用 体检报告 代做", "prohibited.documents", "各项都合格，两天寄到")


def test_the_registry_claimed_makes_a_document_name_a_forged_document(scorer: Scorer) -> None:
    """A document's name needs a word of making one to order; the registry it is said to be found in is one."""
    result = assert_lead(scorer, "雅思 成绩单 加急", "prohibited.documents", "成绩单官网也能查，分数你说了算")
    assert "成绩单" in {hit.matched for hit in result.hits}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # goods checked by their own code or a product register: no document, no company of its category
        ("进口 奶粉 罐装 正品", "每罐有追溯码，网上能查到批次，保质期新鲜"),
        ("二手 手机 国行 在保", "序列号官网可以查到，保修到明年，同城面交"),
        # a course whose certificate is looked up after an exam is a course
        ("焊工证 考前培训 周末班", "培训机构组织报名，本人参加考试，考过后官网可查，不承诺通过"),
    ],
)
def test_a_registry_of_ordinary_goods_or_a_course_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description", "function"),
    [
        ("专票 普票 各类目", "都能开，开出来可以抵扣，税点低，私聊报金额", "可以抵扣"),
        ("餐饮票 住宿票 小额", "报销专用，税点低，按张算，懂的来", "报销专用"),
        ("票据 长期合作", "做账报账都行，点数低，加微信", "做账报账"),
    ],
)
def test_an_invoice_told_by_the_buyer_s_books_is_a_forged_document(
    scorer: Scorer, title: str, description: str, function: str
) -> None:
    """可以抵扣, 报销专用, 做账报账 are generated from the documents' ``uses`` with the ``lookup_modals``, the
    ``use_markers`` or another use: what a bought invoice is for, with company, tells one without naming it."""
    result = assert_lead(scorer, title, "prohibited.documents", description)
    context = function_context(result)
    assert context is not None and function in context["functions"], context


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a shop that issues its own invoice for goods sold
        ("办公椅 人体工学 公司采购", "可开发票，可以抵扣，企业采购量大优惠，包邮"),
        # a bookkeeping service or course: the books are its work, not an invoice's use
        ("代理记账 小规模 公司", "专业会计做账报税，正规代理记账公司，按月收费"),
    ],
)
def test_an_invoice_issued_with_goods_or_bookkeeping_work_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_untaxed_goods_are_told_by_the_duty_marks_they_lack() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_missing_marks(watchlists.categories["prohibited.tobacco"], watchlists.signals))
    assert {"没有税票", "无税", "没条码", "无中文警示", "没贴防伪"} <= phrases
    # a bare mark is no phrase, and goods sold without a duty mark are the tobacco monopoly's alone
    assert "条码" not in phrases
    assert told_by_missing_marks(watchlists.categories["prohibited.weapons"], watchlists.signals) == ()


def test_the_market_a_duty_mark_is_of_may_stand_before_it() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_missing_marks(watchlists.categories["prohibited.tobacco"], watchlists.signals))
    assert {"没有国内税标", "无大陆的中文警示", "没贴内地条码"} <= phrases
    # a market alone is no mark
    assert "没有国内" not in phrases


@pytest.mark.parametrize(
    ("title", "description", "function"),
    [
        ("硬盒口粮 五条起", "包装上没有税票，也没有中文警示，一条一百二，私聊", "没有税票"),
        # goods brought across a border are smuggling talk, and a word of provenance inside the crossing with them
        ("红盒细支 两条起", "边境那边过来的，没有条码，两条起拿", "没有条码"),
        # cigarettes made for another market lack the home market's marks
        ("韩国 爱喜 细支 整条", "朋友从首尔带回来的，韩文包装，没有国内税票，一条一百，私聊", "没有国内税票"),
    ],
)
def test_cigarettes_told_by_a_missing_duty_mark_are_a_tobacco_lead(
    scorer: Scorer, title: str, description: str, function: str
) -> None:
    result = assert_lead(scorer, title, "prohibited.tobacco", description)
    context = function_context(result)
    assert context is not None and function in context["functions"] and context["talk"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # goods of other trades go without a bar code or Chinese label too
        ("散装手工饼干 一箱", "自家做的，没有条码，一箱十斤，同城配送"),
        ("海淘奶粉 无中文标", "海外直邮，罐身没有中文，一箱六罐，包邮"),
        ("越南过来的咖啡豆 一件", "越南那边带过来的咖啡豆，没有中文，一件十包，私聊"),
        ("日本带回 护手霜 三支装", "朋友从日本带回来的，日文包装，没有国内条码，三支一起出"),
    ],
)
def test_a_missing_mark_without_tobacco_company_or_talk_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_counterfeit_cigarettes_are_told_by_their_likeness_to_the_genuine_ones() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_likeness(watchlists.categories["prohibited.tobacco"], watchlists.signals))
    assert {"和正品差不多", "跟专卖店的一样", "与专柜没区别"} <= phrases


def test_a_drug_is_told_by_its_dose_counted_out() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_dose(watchlists.categories["prohibited.drugs"], watchlists.signals))
    assert {"半格", "半张", "半片", "一格一次", "一张一次"} <= phrases
    # a bare unit is no phrase, and no other category counts out a dose
    assert "格" not in phrases and "一张" not in phrases
    assert told_by_dose(watchlists.categories["prohibited.tobacco"], watchlists.signals) == ()


def test_a_stimulant_is_told_by_how_long_its_taker_stays_up() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_wakefulness(watchlists.categories["prohibited.drugs"], watchlists.signals))
    assert {"通宵不困", "三天不困", "整晚都不累", "小时就不困"} <= phrases
    # a working day is no span of a drug's (a shoe is worn 一整天不累), and a party is 整晚都嗨 without one
    assert not {"整天不累", "一天不累", "整晚都嗨"} & phrases
    assert told_by_wakefulness(watchlists.categories["prohibited.tobacco"], watchlists.signals) == ()


def test_a_drug_is_told_by_its_taker_s_whole_self_without_a_link() -> None:
    watchlists = load_watchlists()
    phrases = told_by_effect(watchlists.categories["prohibited.drugs"], watchlists.signals)
    assert {"整个人飘", "身体轻飘飘", "浑身都放空"} <= set(phrases)
    assert phrases["整个人飘"] == ("整个人", "", "飘")
    # a bare person still needs a link (人飘 would start 老人飘), and a stun device has no takers
    assert "人飘" not in phrases
    assert "整个人倒" not in told_by_effect(watchlists.categories["prohibited.weapons"], watchlists.signals)


@pytest.mark.parametrize(
    ("title", "description", "function"),
    [
        # a crystal that keeps its user up for days, with trade talk
        ("白色小晶体 一克", "熬夜的朋友都说好，吸一口两天不困，私聊", "两天不困"),
        # party sweets that keep one going all night
        ("彩色糖果 十颗起", "派对前吃一颗，通宵都不累，同城面交，懂的来", "通宵都不累"),
        # a powdered drink whose high is told by the whole body, with no word between
        ("冲饮 粉末 小袋", "喝下去浑身轻飘飘，懂的来", "浑身轻飘飘"),
    ],
)
def test_a_drug_told_by_wakefulness_or_its_taker_s_high_is_a_lead(
    scorer: Scorer, title: str, description: str, function: str
) -> None:
    result = assert_lead(scorer, title, "prohibited.drugs", description)
    context = function_context(result)
    assert context is not None and function in context["functions"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # coffee keeps one up through the working day, a trainer is walked in all day, a stay in the hills rests one
        ("挂耳咖啡 一盒十包", "早上一杯精神一整天，加班不困，一包10克，私聊"),
        ("气垫跑鞋 透气", "走一整天不累，鞋底软，私聊"),
        ("山里民宿 两晚", "住两晚整个人都放空了，私聊订房"),
        # a speaker for a night out, with no word of a drug's goods
        ("蓝牙音箱 户外", "露营整晚都嗨，低音足，送收纳包，私聊"),
    ],
)
def test_a_day_s_wakefulness_or_a_rest_without_a_drug_s_company_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


@pytest.mark.parametrize(
    ("title", "description", "category", "function"),
    [
        # a blotter cut into squares, one a time, with no word of trade talk
        ("彩虹小方块 一版五十格", "印在吸水纸上的，一格一次，颜色会动", "prohibited.drugs", "一格一次"),
        # a beginner's half dose of pills beside doing without a prescription
        ("进口小蓝片 一板八粒", "没处方也能拿，吃了劲大，第一次的朋友先试半粒", "prohibited.drugs", "半粒"),
        # cigarettes rolled in a back room, said to taste as the genuine ones do
        ("细支 厂家直发", "小作坊卷的，口感和正品差不多，五十条起，私聊", "prohibited.tobacco", "和正品差不多"),
        # a smoker's wink: those who smoked them know, beside the cartons
        ("白盒 整条", "抽过的都知道，劲大，一件起发", "prohibited.tobacco", "抽过的"),
    ],
)
def test_a_dose_a_likeness_or_a_smoker_s_word_with_its_category_s_company_is_a_lead(
    scorer: Scorer, title: str, description: str, category: str, function: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    context = function_context(result)
    assert context is not None and function in context["functions"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a pet's dewormer and a vitamin are dosed by the half tablet too, with no word of a drug's company
        ("猫咪体内驱虫药 一盒六片", "两公斤以下的小猫每次半片，拌在罐头里喂，三个月一次"),
        ("维生素C咀嚼片 一瓶一百片", "每天一片一次，饭后嚼碎，儿童减半"),
        # stamps are sold by the sheet and the half sheet
        ("生肖邮票 整版 原胶", "集邮收藏，整版或者半张都可以出，品相好"),
        # replica trainers and a tissue pack say as much as cigarettes, with no word of cigarettes beside it
        ("复刻跑鞋 一双", "做工和正品差不多，鞋盒齐全，私聊"),
        ("原木抽纸 一提十包", "抽过的都知道不掉屑，整箱更便宜"),
    ],
)
def test_a_dose_a_likeness_or_a_smoker_s_word_without_its_category_s_company_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_word_the_category_s_names_need_is_company_of_a_function(scorer: Scorer) -> None:
    # 考场 is what a jammer's trade name needs beside it (断网神器 考场): it tells a jammer as a trait does
    result = assert_lead(
        scorer, "桌上放的小盒子 一开手机全都没信号", "prohibited.surveillance", "考场和会议室用，八根天线，插电就能用"
    )
    context = function_context(result)
    assert context is not None and context["company"] == ["考场"]


def test_a_denied_function_is_no_function(scorer: Scorer) -> None:
    # 不是隐藏款 says the camera is no hidden one: with the camera's words beside it, still no lead
    result = assert_clear(scorer, "店门口 监控摄像头 室外", "装在墙上看得见，不是隐藏款，手机远程看，夜视清楚")
    assert function_context(result) is None


def test_a_step_the_goods_spare_the_buyer_denies_no_function(scorer: Scorer) -> None:
    # 无需对方手机: the tracker needs no access to the phone; what it does (对方手机) still tells it
    result = assert_lead(
        scorer, "定位小盒 放车上", "prohibited.surveillance", "无需对方手机，藏在座椅下面，出轨的跑不掉"
    )
    context = function_context(result)
    assert context is not None and context["functions"] == ["对方手机"]


def test_a_forgery_s_likeness_to_the_genuine_one_is_generated_from_data() -> None:
    watchlists = load_watchlists()
    phrases = told_by_likeness(watchlists.categories["prohibited.documents"], watchlists.signals)
    assert {"跟真的一样", "和备案的一模一样", "与原件没区别"} <= set(phrases)
    assert not {"和原车一样", "和原厂一样"} & set(phrases)  # every car part's fit
    assert not told_by_likeness(watchlists.categories["prohibited.fireworks"], watchlists.signals)


def test_a_seal_said_to_match_the_one_on_record_is_a_forged_document(scorer: Scorer) -> None:
    # 公章 is a document's name that needs a word of making it to order: its likeness to the seal on record is one
    result = assert_lead(scorer, "公章 财务章 刻制 当天取", "prohibited.documents", "和备案的一模一样，发图就行，私聊")
    assert "和备案的一模一样" in rules_by_name(result)["suspicious"]["signals"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("驾照 卡套 真皮", "卡套尺寸和原件一样大，放驾驶证刚好"),  # a holder's size: the likeness outdoes no innocence
        ("插电 鞭炮 一挂 开业", "电子的，插上就响，声音跟真的一样，不冒烟"),  # a likeness without a document's words
        # a car part fits like the maker's own: 和原车一样 is no likeness of a licence plate, even made to order
        ("车牌框 不锈钢 牌照架", "孔位和原车一样，可定制字样，免打孔安装"),
        ("行驶证套 汽车 真皮卡包", "车标可定制，做工和原厂一样"),
    ],
)
def test_a_likeness_of_other_goods_is_no_forged_document(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_disguise_is_generated_from_data() -> None:
    watchlists = load_watchlists()
    phrases = set(told_by_appearance(watchlists.categories["prohibited.surveillance"], watchlists.signals))
    assert {"外观就是个", "外形像", "看起来就是一"} <= phrases
    assert "外观是" not in phrases  # 外观是白色 says the colour
    assert not told_by_appearance(watchlists.categories["prohibited.drugs"], watchlists.signals)


def test_a_device_that_passes_for_an_everyday_thing_is_covert_surveillance(scorer: Scorer) -> None:
    result = assert_lead(
        scorer,
        "台灯 卧室 高清 远程看",
        "prohibited.surveillance",
        "外观就是个普通台灯，能正常开灯，灯罩里有镜头，手机远程看",
    )
    context = function_context(result)
    assert context is not None and context["functions"] == ["外观就是个"]


def test_a_device_that_looks_like_itself_is_no_disguise(scorer: Scorer) -> None:
    # before the device's own name the disguise says nothing: it is no word of hiding a recorder (录音笔 needs one)
    assert_clear(scorer, "采访录音笔 降噪 转文字", "外观就是普通录音笔，一键录音，转文字快，学生上课用")


@pytest.mark.parametrize(
    ("title", "description", "category", "function"),
    [
        # the consent lawful tracking takes, skipped: a covert tracker
        (
            "黑色小盒 强磁 超长待机",
            "往车底一放，手机上随时看轨迹，不需要对方同意",
            "prohibited.surveillance",
            "不需要对方同意",
        ),
    ],
)
def test_goods_told_by_the_step_they_skip_are_leads(
    scorer: Scorer, title: str, description: str, category: str, function: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    context = function_context(result)
    assert context is not None and function in context["functions"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a child's watch says the consent it takes; nothing is skipped
        ("儿童定位手表 4G 实时位置", "家长手机随时看孩子位置，绑定前需要对方同意，包邮"),
        # a clinic's check skips nothing but the queue
        ("入职体检 套餐 一人", "不用排队，当天出报告，医院盖章"),
    ],
)
def test_a_step_said_not_skipped_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_blotter_paper_put_under_the_tongue_is_a_drug_lead(scorer: Scorer) -> None:
    # LSD's blotter paper (纸片, 吸水纸) is the trait that keeps company with the tongue it is put under
    result = assert_lead(scorer, "方格小纸片 放舌头下面 一格一次", "prohibited.drugs", "吸水纸印的，量少出")
    context = function_context(result)
    assert context is not None and "舌头下" in context["functions"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # paper cut for a child's craft, and a lab's blotting paper, say no tongue
        ("儿童手工 彩色纸片 剪贴画 一包", "幼儿园做贴画用，颜色鲜艳"),
        ("吸水纸 实验室 滤纸 100张", "化学实验用，吸水性好"),
        # a medicine held under the tongue names no paper
        ("硝酸甘油片 舌下含服 心绞痛", "药店正品，遵医嘱"),
    ],
)
def test_paper_or_a_medicine_under_the_tongue_alone_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)

"""Hard negatives whose words point back at something other than the goods (issue 13, false alarms): a name inside
a longer animal's name set aside for want of context (虎 in 壁虎), a short form of the innocent phrase the title
names (虎皮 after 虎皮鹦鹉), wild provenance denied, likened or set apart rather than claimed (不是野生的, 口感接近野生,
跟野生的不是一回事), a trade denial whose verb begins the term (不卖 of 卖钢珠枪), and the steps of a genuine issue of
papers the seller holds the buyer to (公安备案, 本人实名认证), and a scale read as a comparison (一比一 模型). Each
look-alike has the lead that must stay a lead.
Examples are worded apart from the labelled set."""

from __future__ import annotations

from pipelines.scoring import Scorer, ScoreResult
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score


def signals_of(result: ScoreResult, rule: str) -> list[str]:
    return [word for r in result.rules if r["rule"] == rule for word in r["signals"]]


def test_a_one_character_name_inside_a_gecko_is_the_gecko(scorer: Scorer) -> None:
    # the national list holds 大壁虎 and 黑疣大壁虎 (level II): 壁虎 is a reptile's name, never the tiger's 虎
    result = assert_clear(scorer, "壁虎 一只 守宫 宠物", "家里抓的小壁虎一只，养了半个月，会吃面包虫，懂的来。")
    assert rules_by_name(result)["inside_other_name"]["name"] == "壁虎"
    assert all(hit.category != "wildlife.tiger_leopard" for hit in result.hits)
    assert_lead(scorer, "野生壁虎 活体 两只", "wildlife.live_reptile", "山上抓的野生壁虎，活体两只，懂的来私聊。")
    assert_lead(scorer, "东北虎 幼崽 一只", "wildlife.tiger_leopard", "东北虎幼崽一只，活体，私聊，只面交。")


def test_a_name_written_in_another_form_still_holds_the_name_inside_it(scorer: Scorer) -> None:
    # 大麻𫛚 is the bittern 大麻鳽 in the national list's variant character: written out, not spelled like it, so
    # its 大麻 is the bird's name, not the drug's
    result = assert_clear(scorer, "大麻𫛚 观鸟 图鉴 手绘 私聊", "")
    assert rules_by_name(result)["inside_other_name"]["name"] == "大麻鳽"
    assert_lead(scorer, "大麻 叶子 干货 私聊", "prohibited.drugs", "大麻叶子干货，懂的来，不走快递。")


def test_a_spelling_that_merely_sounds_like_a_longer_name_holds_nothing(scorer: Scorer) -> None:
    # 麝 香 毛 sounds like 麝香猫 but is musk written apart: the musk stays musk
    assert_lead(scorer, "麝 香 毛壳 两枚", "wildlife.musk", "麝 香毛壳两枚，天然，味道冲，私聊，不走快递。")


def test_a_short_form_of_the_phrase_the_title_names_is_that_phrase(scorer: Scorer) -> None:
    result = assert_clear(
        scorer, "虎皮鹦鹉 幼鸟 两只", "虎皮鹦鹉幼鸟两只，一黄一绿，会上手。虎皮不属于保护鸟，放心养，同城自提。"
    )
    assert "虎皮" in rules_by_name(result)["short_form_of_phrase"]["terms"]
    # a count after the short form sells the skin itself; a reveal names the goods in full after their namesake
    assert_lead(scorer, "虎皮鹦鹉 饲料 老虎皮", "wildlife.tiger_leopard", "送虎皮鹦鹉饲料，另出虎皮一张，老货，私聊。")
    assert_lead(scorer, "象牙白 手镯 老料", "wildlife.ivory", "象牙白手镯，其实是真象牙，老料。")


def test_a_short_form_beside_a_denied_wild_provenance_is_still_the_phrase(scorer: Scorer) -> None:
    # 不是野外抓的 denies wild provenance: it claims none, and the short form stays the bird's
    result = assert_clear(scorer, "虎皮鹦鹉 一对 自家繁殖", "自家繁殖的虎皮，很亲人，不是野外抓的，会上手，同城自提。")
    assert "虎皮" in rules_by_name(result)["short_form_of_phrase"]["terms"]
    # wild provenance claimed is talk that may name the skin in full
    assert_lead(scorer, "虎皮鹦鹉 一对 另出老货", "wildlife.tiger_leopard", "虎皮鹦鹉一对，另出野生虎皮，老货，私聊。")


def test_a_pictograph_right_before_a_phrase_holding_its_name_pictures_the_phrase(scorer: Scorer) -> None:
    # 🦜 stands for 鹦鹉; right before 虎皮鹦鹉, a bred budgerigar's name, it is that bird's picture
    result = assert_clear(scorer, "🦜虎皮鹦鹉 两只 自家繁殖", "🦜虎皮鹦鹉两只，手养会站手，自家繁殖，价格私聊。")
    assert all(hit.category != "wildlife.live_bird" for hit in result.hits)
    # the pictograph alone still names a parrot
    assert_lead(scorer, "🦜一对 手养 会说话", "wildlife.live_bird", "🦜一对，手养会说话，懂的来私聊，不走快递。")


def test_a_short_form_of_the_phrase_stays_that_phrase_where_wild_talk_is_denied(scorer: Scorer) -> None:
    # 不是野外的 denies the wild: no trade talk that would let the listing name a tiger's skin beside the budgerigar
    told = "家里孵出来的虎皮，不是野外的，虎皮本来就好养，会上手，每只四十。"
    result = score(scorer, "虎皮鹦鹉 幼鸟 手养 一窝", told)
    assert "虎皮" in rules_by_name(result)["short_form_of_phrase"]["terms"]
    assert result.category != "wildlife.tiger_leopard"
    # wild talk claimed, not denied, still lets the listing sell the skin it names
    assert_lead(scorer, "虎皮鹦鹉 鸟笼 转让", "wildlife.tiger_leopard", "另有虎皮，野外来的老货，整张带头，私聊。")


def test_a_name_that_starts_inside_a_longer_name_set_aside_is_that_name(scorer: Scorer) -> None:
    # 土豹子 is the falconers' buzzard: its 豹子 starts inside 土豹 and is no leopard, with or without context
    told = "今年秋天网的土豹子，刚熬了三天，还没上手，送鹰帽和一个铜挂件，懂鹰的来看。"
    result = score(scorer, "土豹子 新鹰 刚熬 送挂件", told)
    assert rules_by_name(result)["inside_other_name"]["name"] == "土豹"
    assert all(hit.category != "wildlife.tiger_leopard" for hit in result.hits)
    # counted after its noun suffix 子, the buzzard is sold; 豹子 of its own stays the leopard
    assert_lead(scorer, "土豹子 一只 已过拳", "wildlife.live_bird", "土豹子一只，熬好了，能追野兔。")
    assert_lead(scorer, "豹子皮 整张 老货", "wildlife.tiger_leopard", "豹子皮一整张，带头带爪，老货，私聊。")


def test_a_signal_inside_a_short_form_belongs_to_the_phrase(scorer: Scorer) -> None:
    # 偷拍 after 偷拍检测器 is the detector again: neither a name of a hidden camera nor a suspicious word
    told = "出差住酒店先扫一遍，能查出针孔摄像头，也能查窃听器，防止被偷拍，小巧好带。"
    result = score(scorer, "偷拍检测器 酒店 便携", told)
    assert "针孔摄像头" in rules_by_name(result)["short_form_of_phrase"]["terms"]
    assert "偷拍" not in signals_of(result, "suspicious")
    assert not result.is_lead


def test_wild_provenance_denied_is_no_trade_talk(scorer: Scorer) -> None:
    result = score(scorer, "画眉 一只 家养", "家养的画眉一只，不是野生的，私聊，会叫。")
    assert rules_by_name(result)["negated_signal"]["signal"] == "野生"
    assert "野生" not in signals_of(result, "trade")
    claimed = score(scorer, "画眉 一只 野生", "野生的画眉一只，私聊，会叫。")
    assert "野生" in signals_of(claimed, "trade")
    assert claimed.score > result.score


def test_wild_provenance_likened_or_set_apart_is_no_claim(scorer: Scorer) -> None:
    likened = assert_clear(
        scorer, "鲥鱼 养殖 冰鲜 一条", "养殖鲥鱼一条，两斤左右，冰鲜发货，肉质接近野生，正规水产店，量大从优。"
    )
    assert rules_by_name(likened)["compared_signal"]["marker"] == "接近"
    apart = score(scorer, "唐鱼 二十条", "家里缸里繁殖的唐鱼二十条，和野生原种完全不同，懂鱼的来。")
    assert rules_by_name(apart)["compared_signal"]["marker"] == "不同"
    assert "野生" not in signals_of(apart, "trade") + signals_of(apart, "suspicious")
    assert_lead(scorer, "鲥鱼 野生 一条", "wildlife.other", "江里打的野生鲥鱼一条，冰鲜，私聊，不走快递。")


def test_a_denial_whose_verb_begins_the_term_denies_it(scorer: Scorer) -> None:
    # 卖钢珠枪 is a dealer's phrase on the weapons list: 不卖 shares its 卖, and denies it
    result = assert_clear(scorer, "轴承钢珠 5mm 一千粒", "五金厂的轴承钢珠，只卖钢珠，不卖钢珠枪，别问了，量大私聊。")
    assert rules_by_name(result)["negated_term"]["marker"] == "不卖"
    assert_lead(scorer, "钢珠 配件 全套", "prohibited.weapons", "卖钢珠枪，配件全套，私聊，懂的来。")


def test_the_steps_of_a_genuine_issue_clear_papers_a_forger_waives(scorer: Scorer) -> None:
    result = assert_clear(
        scorer, "刻章 公安备案 新公司", "老字号刻章，已在公安备案，新公司公章财务章，带营业执照副本来办，当天取。"
    )
    assert rules_by_name(result)["innocence"]["signals"] == {"due_process": "公安备案"}
    assert_clear(scorer, "上岗证 报名 培训", "正规上岗证报名培训，要上课，考试合格发证，官网可查，学费一千二，可分期。")
    # the forger waives them: 不需要 denies the step
    waived = "刻公章合同章，不需要公安备案，一模一样，当天出，私聊。"
    assert_lead(scorer, "刻章 公章 合同章 加急", "prohibited.documents", waived)


def test_the_steps_of_a_genuine_issue_say_what_a_trade_word_of_the_documents_trade_means(scorer: Scorer) -> None:
    # 一条龙 of a school held to 本人参加考试 is its one-stop tutoring, not a forger's code word
    result = assert_clear(
        scorer,
        "成人本科 报名辅导 一条龙",
        "正规成人高考报名，本人参加考试，考试合格才能毕业，从报名到毕业一条龙辅导，名额有限，私聊报名。",
    )
    assert "code_word_overrides_innocence" not in rules_by_name(result)
    assert_lead(scorer, "学历 一条龙 包过 免考", "prohibited.documents", "不用本人到场，一条龙包过，私聊。")


def test_a_scale_is_no_comparison_that_clears_an_innocence_word(scorer: Scorer) -> None:
    # 一比一 is the model's scale: its 比 compares nothing, so 模型 still says what is sold
    result = assert_clear(
        scorer, "一比一 合金 拼装模型 摆件", "一比一合金拼装模型，可以拆装，枪管是实心的，不能发射，摆书架上看。"
    )
    assert "模型" in rules_by_name(result)["innocence"]["signals"].values()
    compared = score(scorer, "树脂 摆件 老虎", "比树脂模型重多了，老虎牙雕的摆件，私聊。")
    assert any(r["rule"] == "innocence_compared" and r["signal"] == "模型" for r in compared.rules)

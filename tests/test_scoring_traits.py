"""Diagnostic traits: wildlife goods described by the marks experts tell them by rather than named.

A trait of one category (交叉纹 of ivory, 毛发纤维 of rhino horn, 会抱人 of a primate) makes a lead of that category
only beside something that says the goods are sold as the real thing: a product form of that category, wild
provenance or evasion, a live animal, or the denial of a look-alike (不是牛角, 非塑料, 非猫非狗). The examples are
written for these tests, apart from the labelled set.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, explanation, mechanisms_of, rules_by_name, score


# one trait, each kind of support
@pytest.mark.parametrize(
    ("title", "description", "category", "support"),
    [
        # evasion
        ("老镯子一只 断面看得到交叉纹", "祖上传下来的，没有任何票据，只收现金当面交易", "wildlife.ivory", "当面交易"),
        # wild provenance
        ("野外 捡到的 角 有鬃丝", "山上放羊时捡的，整支，重七百多克", "wildlife.rhino_horn", "鬃丝"),
        # denial of a look-alike (an imitation material)
        ("老发簪 焦发味 非树脂", "烧一下有焦发味，绝对天然", "wildlife.hawksbill", "非树脂"),
        # denial of a look-alike (an ordinary pet)
        ("小家伙 晚上精神 会抱人", "不是猫也不是狗，吃香蕉苹果，看视频再说", "wildlife.primate", "不是猫"),
        # a product form of the category few others sell
        ("对光看 里面血丝明显", "整支 原角 老药铺出来的", "wildlife.saiga", "原角"),
    ],
)
def test_a_diagnostic_trait_with_support_is_a_lead_of_its_category(
    scorer: Scorer, title: str, description: str, category: str, support: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert mechanisms_of(result) == {"diagnostic_trait"}
    context = rules_by_name(result).get("diagnostic_trait_context")
    assert context is not None and context["category"] == category
    assert any(support in word for word in (*context["support"], *context["denied"], *context["traits"]))


# the trait alone, an imitation declared, a named ordinary pet, a look-alike affirmed rather than denied, a denial
# without any trait
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("复古手镯 交叉纹 设计", "925银 百搭 送女友"),
        ("树脂手镯 仿牙 有交叉纹", "工艺品 没有证书 当面交易"),
        ("仓鼠 昼伏夜出 会抱人", "自家繁殖，包活，同城自提，私聊"),
        ("牛角梳 鬃丝 纹路漂亮", "天然牦牛角，手工打磨"),
        ("宝宝 长牙期 牙胶", "硅胶材质 可水煮"),
        ("桃木梳 非塑料", "天然桃木 手工打磨 私聊"),
    ],
)
def test_a_trait_without_support_or_beside_ordinary_goods_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_a_mark_written_apart_in_one_clause_is_the_mark(scorer: Scorer) -> None:
    """交叉的细网格纹 is ivory's 交叉纹 with words between its modifier and its head, read without listing it."""
    result = assert_lead(scorer, "老料印章一方 侧面交叉的细网格纹", "wildlife.ivory", "没有票据，只在同城当面交易")
    context = rules_by_name(result)["diagnostic_trait_context"]
    assert context["traits"] == ["交叉纹"]
    # the same words across a clause, and the mark apart with no support, are nothing
    assert_clear(scorer, "老镯子 可以交叉叠戴，纹路清晰", "没有票据，只在同城当面交易")
    assert_clear(scorer, "复古手镯 交叉的菱形纹 设计", "925银 百搭 送女友")


@pytest.mark.parametrize("title", ["黑条白纹 斑马纹 地毯", "黑条白纹 加厚 地毯 客厅", "黑条红纹 地毯 私聊"])
def test_a_colour_right_before_the_head_of_a_mark_written_apart_is_a_mark_of_its_own(
    scorer: Scorer, title: str
) -> None:
    # 黑条白纹 is black bars and white stripes (a zebra's), not the tiger's 黑条纹 read across 白
    result = assert_clear(scorer, title)
    assert "diagnostic_trait_context" not in rules_by_name(result)


def test_a_colour_elsewhere_in_a_mark_written_apart_leaves_the_mark() -> None:
    scorer = Scorer.load(threshold=60)
    result = assert_lead(scorer, "老料印章 侧面交叉的白色网格纹 私聊", "wildlife.ivory")
    assert rules_by_name(result)["diagnostic_trait_context"]["traits"] == ["交叉纹"]


def test_denial_of_a_look_alike_is_one_pattern_over_substitutes() -> None:
    """Every imitation word, farmed or pet animal and a wildlife category's innocence word is a look-alike."""
    scorer = Scorer.load(threshold=60)
    denial = scorer._lookalike_denial
    assert denial is not None
    for text in ("不是牛角", "非塑料", "不是家养的猪", "非狗", "不是板材"):
        assert denial.search(scorer.normaliser.fold(text)), text
    # affirming a look-alike, or a contrast before it, is no denial
    for text in ("就是牛角", "不是这个是塑料"):
        assert not denial.search(scorer.normaliser.fold(text)), text


def test_explain_names_the_mechanism() -> None:
    result = CliRunner().invoke(app, ["watchlist", "explain", "老镯子 有交叉纹", "--description", "没有手续 私下交易"])
    assert result.exit_code == 0, result.output
    assert "diagnostic_trait_context" in result.output
    assert "交叉纹" in result.output


def test_a_material_before_colour_names_a_colour_not_the_goods(scorer: Scorer) -> None:
    # 琥珀色 is the colour of the shell held to the light, not amber the title sells
    description = "海边老渔民那收的，热水一泡能弯，火烧有头发焦味，不走平台，私下出"
    assert_lead(scorer, "老梳子 琥珀色 带黑斑", "wildlife.hawksbill", description)
    # amber named as the material still says what the goods are
    assert_clear(scorer, "琥珀 老料 手串", "天然带证书，透光有花，私聊，不走平台")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("老发梳 琥珀黄底 黑褐云斑", "海里的壳料做的，不是树脂，火烫有头发味，懂的来"),  # amber before a colour
        ("镜框 琥珀底 深褐花斑 老货", "壳料手工磨的，对光透，私聊"),  # amber before a ground
    ],
)
def test_a_material_before_a_colour_or_a_ground_names_a_colour(scorer: Scorer, title: str, description: str) -> None:
    assert_lead(scorer, title, "wildlife.hawksbill", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("琥珀黄 蜜蜡 桶珠 手串", "老料，不是树脂，私聊"),  # amber's colour on amber itself
        ("琥珀 吊坠 黄底 花斑", "波罗的海琥珀，天然，不是树脂，私聊"),  # amber, then a ground apart from it
    ],
)
def test_amber_sold_as_amber_stays_quiet_beside_its_colour(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


# the Pharmacopoeia's test of bear bile: a pinch in water sinks as a yellow thread, not spreading (黄线下沉而不扩散)
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("深山 干胆 一个 老猎户的", "掰一小粒丢进清水里，一条黄线旋转着往下沉，下沉不散，懂的来。"),
        ("金黄碎块 五克 一瓶 野外的", "入水像一根金线往下沉，不散不浑，不是养殖场抽的。"),
    ],
)
def test_bile_that_sinks_in_water_without_spreading_is_bear_bile(scorer: Scorer, title: str, description: str) -> None:
    result = assert_lead(scorer, title, "wildlife.bear", description)
    assert any(hit.term == "下沉不散" for hit in result.hits)


def test_the_water_test_of_a_spice_sold_as_such_is_no_lead(scorer: Scorer) -> None:
    # saffron is tried in water too (一条黄线): the trait alone, beside ordinary goods, sells nothing of a bear
    assert_clear(scorer, "藏红花 一克 罐装 正品", "泡水后一条黄线下沉不散，水慢慢变黄，支持七天无理由。")


# a pelt told by its ground colour and mark (pelt_marks of signals.yaml): the mark beside a pelt is the trait of the
# big cats' skins, within a few characters of its ground in one clause
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("老皮子 一张 头尾齐全", "金黄底上一圈圈黑色圆环，皮板硝得很软，老人手里留下的，没有手续，不走快递。"),
        ("高原收的老皮 一整张", "灰白底色带黑色环斑，毛很厚，尾巴又粗又长，来源别问，只能当面交易。"),
        # black spots on yellow are a tortoiseshell's too: beside a pelt they are a leopard's
        ("黄底黑斑 皮子 一整张", "深山里收来的老物件，只收现金，不走物流。"),
    ],
)
def test_a_pelts_ground_and_mark_beside_a_pelt_is_its_categorys_trait(
    scorer: Scorer, title: str, description: str
) -> None:
    result = assert_lead(scorer, title, "wildlife.tiger_leopard", description)
    shown = [word for rule in result.rules for word in (*rule.get("signals", ()), *rule.get("traits", ()))]
    assert any(word.startswith(("金黄底", "灰白底", "黄底黑斑")) for word in shown), shown


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a rug's print shows no pelt
        ("黄底黑纹 地毯 客厅 加厚", "短毛绒面料，防滑底，包邮，七天无理由退换，不走物流的偏远地区请先联系。"),
        # an imitation pelt
        ("仿真毛皮 黄底黑圈 坐垫", "人造毛，不掉毛，可机洗，没有手续费，当面交易也可以。"),
        # a cat's coat
        ("黄毛黑纹 小猫 三个月", "皮毛顺滑，很亲人，已驱虫，只能当面交易。"),
        # ground and mark in two clauses
        ("老皮子 一张", "黄底，边上补过，黑色条纹的布包着，没有手续，不走快递。"),
    ],
)
def test_a_pelts_colours_without_a_pelt_or_beside_ordinary_goods_is_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    result = score(scorer, title, description)
    assert not any(hit.rule == "diagnostic_trait" for hit in result.hits), explanation(result, title, description)


# a tortoiseshell told the same way (pelt_marks of signals.yaml): its amber or yellow ground and dark clouds beside
# the shell worked or raw, which a leopard's ground and mark (黄底黑斑) shares: the goods shown tell the category
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("老发簪 一支 民国", "金黄底子上一团团深褐色云斑，对光透亮，来源别问，只能当面交易。"),
        ("旧镜框 一副", "蜜黄底带红褐色花斑，压过的老料，没有手续，不走快递。"),
        ("老梳子 一把", "琥珀金底子上散着黑褐色云纹，南洋带回，懂的来。"),
    ],
)
def test_a_tortoiseshells_ground_and_clouds_beside_its_shell_are_its_trait(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_lead(scorer, title, "wildlife.hawksbill", description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # acetate frames and resin pins printed to look like it, and a rug's print beside no shell
        ("板材眼镜框 复古", "琥珀黄底带黑褐色花斑，醋酸板材，轻便不压鼻，包邮。"),
        ("复古发簪 树脂", "黄底黑花，树脂材质，七天无理由，没有手续费。"),
        ("黄底黑花 地毯 客厅", "短毛绒面料，防滑底，包邮，不走物流的偏远地区请先联系。"),
    ],
)
def test_a_tortoiseshells_colours_on_an_imitation_or_no_shell_are_no_lead(
    scorer: Scorer, title: str, description: str
) -> None:
    assert_clear(scorer, title, description)


def test_black_spots_on_yellow_without_a_pelt_stay_a_tortoiseshells(scorer: Scorer) -> None:
    description = "老梳子，热水里能弯，焦发味，没有手续，不走快递。"
    assert_lead(scorer, "老梳子 黄底黑斑 民国", "wildlife.hawksbill", description)

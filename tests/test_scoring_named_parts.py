"""Goods named plainly that the listing's own words must not clear, worded apart from the shipped evaluation set:
a listed species named with a part of its body (a specimen, teeth, tail feathers) whatever the listing says of the
specimen's pose, case or use; a label quoted after the word that writes it on the parcel; short names whose gate is
met by the listing's selling context; a stun device's arc beside the torch it is shaped as."""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, rules_by_name, score


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        # the pose and the acrylic case of a mounted eagle
        ("白尾海雕标本 俯冲 老件", "白尾海雕整只标本，俯冲造型，配亚克力罩子，放茶室很有气势。", "wildlife.other"),
        # a skull hung up as decoration
        ("黑熊头骨 标本 老件", "黑熊头骨标本一个，牙齐全，做装饰很霸气，放书房或者酒吧都好看。", "wildlife.bear"),
    ],
)
def test_a_listed_species_sold_as_a_part_is_a_lead_whatever_its_display(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert "display_of_named_part" in rules_by_name(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the title says it is resin: an ornament in the bird's shape
        ("白尾海雕 树脂摆件 展翅造型", "树脂做的白尾海雕摆件，展翅造型，颜色逼真，放书房。"),
        # a specimen of a bird bred in a zoo, with its papers
        (
            "白尾海雕 标本 人工繁育 有证",
            "动物园人工繁育个体自然死亡后制作的标本，有驯养繁殖许可证和来源证明，展翅造型。",
        ),
    ],
)
def test_a_specimen_of_resin_or_bred_with_papers_stays_clear(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_label_quoted_after_the_word_that_writes_it_is_the_cover(scorer: Scorer) -> None:
    description = "冷焰火36发一箱，发货外箱写“玩具”，不会被拦。"
    quoted = assert_lead(scorer, "冷焰火 36发 婚庆", "prohibited.fireworks", description)
    cover = rules_by_name(quoted)["innocence_cover"]
    assert cover["signal"] == "玩具"


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("实名卡 不用本人 收得到验证码", "已经实名的电话卡，不用本人去营业厅，收得到验证码。", "prohibited.documents"),
        ("甲胺 乳油 杀虫 老药", "甲胺乳油，老厂库存，杀虫效果猛，棉花果树都能用。", "prohibited.pesticides"),
    ],
)
def test_a_short_name_is_a_lead_in_its_selling_context(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    assert_lead(scorer, title, category, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("公交实名卡 学生卡 挂失补办流程", "实名卡丢了怎么补办，带身份证去营业网点就行。"),
        ("甲胺 水溶液 40% 化学试剂 500ml", "甲胺水溶液，分析纯，实验室用，需提供单位证明。"),
    ],
)
def test_a_short_name_without_its_context_is_other_goods(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_a_stun_device_shaped_as_a_torch_is_the_device_by_its_arc(scorer: Scorer) -> None:
    description = "电击加强光二合一，外形就是个大号手电，按下去电弧噼啪响，放包里不显眼。"
    result = assert_lead(scorer, "高压电击器 强光手电 充电款", "prohibited.weapons", description)
    assert "genuine_over_innocence" in rules_by_name(result)
    assert_clear(scorer, "玩具电击棍 儿童 发光 无电", "儿童玩具，外形像警棍，发光带音效，没有电。")


def test_weaning_to_the_cage_tells_a_wild_caught_songbird(scorer: Scorer) -> None:
    title = "草原 野口 百灵 一只"
    plain = score(scorer, title, "草原上的百灵，叫口全。").score
    weaned = score(scorer, title, "草原上的百灵，叫口全，已经过笼。").score
    assert weaned > plain


def test_a_specimen_stated_as_resin_stays_clear(scorer: Scorer) -> None:
    result = assert_clear(scorer, "白尾海雕标本 展翅 老件", "白尾海雕标本是树脂做的，展翅造型，放书房很好看。")
    assert not any(r["rule"] == "display_of_named_part" and "树脂" in r["signals"] for r in result.rules)


@pytest.mark.parametrize(
    "title",
    [
        "穿山鳞 一两 老货 炮制好的",  # 穿山 for 穿山甲, right before its scales
        "穿 山 鳞片 一公斤 药材",
        "穿山片 十克 下奶",
    ],
)
def test_the_pangolin_s_short_form_before_its_scales_names_it(scorer: Scorer, title: str) -> None:
    assert_lead(scorer, title, "wildlife.pangolin", "价格私聊，不走快递")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("穿山龙 干片 500克 祛风湿", "中药材，泡酒煲汤都行，私聊"),  # the herb's slices
        ("北仑 穿山片区 二手房 两室", "私聊，可以随时看房"),  # a district of Ningbo
    ],
)
def test_the_pangolin_s_short_form_elsewhere_is_no_name(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)

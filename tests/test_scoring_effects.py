"""Prohibited goods told by their effect (一摔就响 of a firecracker, 人就倒 of a stun device, 手机全没信号 of a
jammer): each of a category's ``triggers`` before one of its ``effects`` across an ``effect_links`` word is generated,
counts as a function of the category and needs its company; ``watchlist explain`` says what each phrase is made of.
A phone without signal that a repeater cures, and a self-defence class that throws a man down, stay clear. Examples
are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists, told_by_effect
from tests.scoring_support import assert_clear, assert_lead, mechanisms_of, rules_by_name


def test_the_phrases_are_generated_from_triggers_effects_and_links() -> None:
    watchlists = load_watchlists()
    categories, signals = watchlists.categories, watchlists.signals
    jammer = told_by_effect(categories["prohibited.surveillance"], signals)
    assert jammer["手机全没信号"] == ("手机", "全", "没信号") and "电话全打不进" in jammer
    # a link is never empty: a phone without signal is what a repeater cures, 人倒 starts 老人倒车
    assert "手机没信号" not in jammer
    assert "人就倒" in told_by_effect(categories["prohibited.weapons"], signals)
    assert "人倒" not in told_by_effect(categories["prohibited.weapons"], signals)
    assert {"摔就响", "扔就响"} <= set(told_by_effect(categories["prohibited.fireworks"], signals))
    assert told_by_effect(categories["prohibited.documents"], signals) == {}


@pytest.mark.parametrize(
    ("title", "description", "category", "effect"),
    [
        (
            "黑色小方盒 会议室用 可充电",
            "打开开关，方圆二十米手机都没信号，电话全打不进，屏蔽信号很稳定",
            "prohibited.surveillance",
            "手机都没信号",
        ),
        (
            "夜跑护身小手电 女生款",
            "侧面一推就放电，对着人一下就倒，防身好用，私聊",
            "prohibited.weapons",
            "人一下就倒",
        ),
        (
            "自卫小刀 口袋款",
            "侧键一推，刀刃就自动弹出并锁住，单刃十公分，私聊",
            "prohibited.weapons",
            "刀刃就自动弹出",
        ),
        (
            "喜庆红纸筒 一盘八千响",
            "点了连响三分钟，私聊，整盘发",
            "prohibited.fireworks",
            "点了连响",
        ),
        (
            "年货小纸包 一盒四十个",
            "往墙角一扔就响，一箱二十盒，私聊下单",
            "prohibited.fireworks",
            "扔就响",
        ),
        (
            "老厂 清塘粉 一瓶",
            "晚上撒进去，天亮前鱼就浮上来，原药兑水，一瓶一亩塘",
            "prohibited.pesticides",
            "鱼就浮上来",
        ),
    ],
)
def test_goods_told_by_their_effect_are_leads_of_their_category(
    scorer: Scorer, title: str, description: str, category: str, effect: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    assert "function_pattern" in mechanisms_of(result)
    context = rules_by_name(result)["function_pattern_context"]
    assert effect in context["functions"] and effect in context["effects"]


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # a repeater sells the cure for a phone without signal, with a product form and trade talk beside it
        ("手机信号放大器 家用 地下室", "解决地下室手机没信号，无线覆盖一百平，装上满格，私聊优惠"),
        # a self-defence class teaches the throw, it sells no stun device
        ("女子防身术 周末班", "防身术培训，教练一对一，学会一招对方马上倒地，学员满十人开班，私聊报名"),
        # a cap gun toy bangs when pressed, not when thrown or lit
        ("儿童玩具枪 声光", "按一下就响，带灯光，电池款，包邮"),
        # invisible insoles promise that nobody notices them: no one is filmed unawares
        ("隐形增高鞋垫 男士内增高", "穿上别人完全察觉不到，包邮"),
        # a pond short of oxygen: the fish come up gasping (浮头), an aerator's cure
        ("鱼塘增氧颗粒 速溶", "天热缺氧鱼都浮头了，撒一把颗粒十分钟缓解，一桶十斤，包邮"),
    ],
)
def test_an_effect_of_other_goods_is_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_explain_says_what_an_effect_is_made_of() -> None:
    result = CliRunner().invoke(
        app,
        ["watchlist", "explain", "黑色小方盒 会议室用", "-d", "方圆二十米手机都没信号，电话全打不进，屏蔽信号很稳定"],
    )
    assert result.exit_code == 0, result.output
    assert "手机 + 都 + 没信号" in result.output


def test_a_ban_online_told_aside_is_the_talk_an_effect_and_its_form_need(scorer: Scorer) -> None:
    title = "喜庆红纸卷 一盘五千响"
    assert_clear(scorer, title, "点着就噼里啪啦响，整箱发")
    assert_lead(scorer, title, "prohibited.fireworks", "点着就噼里啪啦响，现在网上不让卖，整箱发")

"""A forged document carries whatever holder the buyer names: a particular of the holder (名字, 照片, 号码) with a
word of the buyer's choice (要什么名字, 姓名随便填, 照片自己提供) is generated from two short lists, counts as a
function of forged documents and gives a document's everyday name the word of making it to order it needs. Name
labels, photo mugs and passport photos take particulars too, and stay quiet. The kit a bank card is sold in
(四件套) is a product form of documents, not bedding. Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists, made_to_order
from tests.scoring_support import assert_clear, assert_lead


def test_the_phrases_are_generated_from_particulars_and_choice_words() -> None:
    watchlists = load_watchlists()
    phrases = made_to_order(watchlists.categories["prohibited.documents"], watchlists.signals)
    assert {"要什么名字", "姓名随便", "照片自己提供"} <= set(phrases)
    assert made_to_order(watchlists.categories["prohibited.weapons"], watchlists.signals) == ()


@pytest.mark.parametrize(
    ("title", "description", "mechanism"),
    [
        ("小红本 烫金 带钢印", "姓名随便填 放钱包里够用 懂的来", "function_pattern"),
        ("做个证 全国通用", "想要什么名字就写什么名字 照片你定 一周到手 全国可查", "function_pattern"),
        # 行驶证 is everyday text: the particulars chosen are its word of making it to order
        ("行驶证 一套 跟原版一样", "号码自己定 照片自己提供 私聊 不走平台", "term"),
    ],
)
def test_a_document_made_to_the_buyers_particulars_is_a_lead(
    scorer: Scorer, title: str, description: str, mechanism: str
) -> None:
    result = assert_lead(scorer, title, "prohibited.documents", description)
    assert result.hits[0].mechanism == mechanism


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("姓名贴 幼儿园 防水", "名字随便改 一套一百张 包邮"),
        ("定制 马克杯 印照片", "照片自己提供 名字随意 生日礼物"),
        ("证件照 拍摄 冲印", "护照签证照片都可以 背景随意 包邮"),
    ],
)
def test_other_goods_made_to_order_are_no_lead(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)


def test_the_kit_a_bank_card_is_sold_in_is_no_bedding(scorer: Scorer) -> None:
    # 四件套 is the card, U盾, phone card and ID copy sold together: a product form of documents, not home goods
    kit = assert_lead(
        scorer, "对公户 四件套 齐全", "prohibited.documents", "对公账户出售 U盾 手机卡 全套 实名可过 人脸能过"
    )
    assert not any(rule["rule"] == "innocence" for rule in kit.rules)
    assert_clear(scorer, "结婚 四件套 大红 纯棉", "床单 被套 枕套 婚庆 喜庆 包邮")


def test_an_invoice_made_to_the_buyer_s_sum_and_payer_is_a_forged_document(scorer: Scorer) -> None:
    # 抬头 and 金额 are the particulars of an invoice: chosen by the buyer, they join the buyer's books (报销用)
    result = assert_lead(
        scorer, "住宿票 报销用 按张", "prohibited.documents", "要什么抬头都能写，金额随你定，财务看不出来"
    )
    context = next(rule for rule in result.rules if rule["rule"] == "function_pattern_context")
    assert {"要什么抬头", "金额随你定"} <= set(context["functions"])


def test_a_shop_asking_for_the_payer_of_its_own_invoice_is_no_lead(scorer: Scorer) -> None:
    assert_clear(scorer, "奶茶 套餐 可开发票", "需要发票的在备注写抬头和税号，金额按实付开")

"""The product a title names, worded apart from the shipped evaluation set: where no term names the goods, a mark of
an animal's goods (人字纹 of ivory, 鳞片 of a pangolin) or a trait of a gun (自己组装) in a title that sells flooring,
furniture or a fish describes that product. The goods' own product forms, wild provenance, concealment, a dictionary
word that names something else and a marketplace's tag keep the lead, and so do drugs and covert cameras, which ride
in or hide in ordinary products."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from pipelines.scoring.fold_text import Normaliser
from pipelines.scoring.payloads import FieldView
from pipelines.scoring.products import ProductHeads
from tests.scoring_support import assert_clear, assert_lead, rules_by_name


@pytest.mark.parametrize(
    ("title", "head", "kind"),
    [
        ("人字纹 地板 实木 私聊", "地板", "flooring"),
        ("交叉纹 实木复合地板 现货 私聊", "地板", "flooring"),
        ("交叉纹 地板砖 私聊", "地板砖", "flooring"),
        ("人字纹 墙纸 北欧风 私聊", "墙纸", "flooring"),
        ("交叉纹 书柜 实木 私聊", "书柜", "furniture"),
        ("鞋柜 多层 自己组装 私聊", "柜", "furniture"),
        ("满身鳞片 的鱼 活的 私聊", "鱼", "fish"),
        ("全身是鳞 活鱼 鲜活 私聊", "活鱼", "fish"),
    ],
)
def test_a_mark_or_an_effect_describes_the_ordinary_product_the_title_names(
    scorer: Scorer, title: str, head: str, kind: str
) -> None:
    result = assert_clear(scorer, title)
    product = rules_by_name(result)["ordinary_product"]
    assert (product["head"], product["kind"]) == (head, kind)
    assert result.score == 0 and not result.hits


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("人字纹 手镯 私聊", "wildlife.ivory"),  # the goods' own product form, no ordinary product
        ("浑身鳞 大鱼 活的 野生 私聊", "wildlife.pangolin"),  # wild provenance: the scales are the animal's
        ("牙套 隐形 谁都察觉不到 懂的都懂", "prohibited.surveillance"),  # hides what it sells
        ("满身鳞片 鲸鱼 活的 私聊", "wildlife.pangolin"),  # 鲸鱼 "whale" is no fish the dictionary sells
        ("【闲鱼】会抱人 小猴 私聊", "wildlife.primate"),  # the marketplace's tag names no product
        ("满身鳞片 气球状 私聊", "wildlife.pangolin"),  # 气球 inside a longer word heads nothing
        # drugs and covert cameras ride in or hide in ordinary products: laughing gas in a party balloon, a camera in
        # a toothbrush or a bookcase; what such a listing says of their effect stays theirs
        ("派对气球 吸一口整个人都飘起来 私聊", "prohibited.drugs"),
        ("电动牙刷 高清 手机远程看 谁都察觉不到", "prohibited.surveillance"),
        ("书柜 摆件 内置高清 远程看 谁都发现不了", "prohibited.surveillance"),
    ],
)
def test_a_mark_stays_a_lead_where_no_ordinary_product_sells_it(scorer: Scorer, title: str, category: str) -> None:
    result = assert_lead(scorer, title, category)
    assert "ordinary_product" not in rules_by_name(result)


def test_a_head_that_ends_a_product_form_of_the_category_clears_nothing_of_it() -> None:
    # a tiger's skin is sold as a 地毯: a carpet may be those goods, and a mark beside it stays theirs
    heads = ProductHeads({"地毯": "flooring", "鱼": "fish"}, ["鲸鱼"], {"wildlife.tiger_leopard": ["地毯", "皮"]})
    view = FieldView("title", Normaliser().normalise("黄底黑条纹 地毯"), 0)
    assert heads.named(view, "wildlife.tiger_leopard") is None
    assert heads.named(view, "wildlife.ivory") == ("地毯", "flooring")


@pytest.mark.parametrize(("title", "named"), [("满身鳞片 的鱼", ("鱼", "fish")), ("满身鳞片 鲸鱼", None)])
def test_a_one_character_head_is_no_head_of_a_word_that_names_something_else(
    title: str, named: tuple[str, str] | None
) -> None:
    heads = ProductHeads({"鱼": "fish"}, ["鲸鱼"], {})
    assert heads.named(FieldView("title", Normaliser().normalise(title), 0), "wildlife.pangolin") == named


def test_product_heads_come_from_the_dictionary_with_their_line() -> None:
    aliases = Path(__file__).resolve().parents[1] / "pipelines" / "watchlists" / "dictionary_aliases.yaml"
    signals = yaml.safe_load(aliases.read_text(encoding="utf-8"))["signals"]
    heads = {item["word"]: item for item in signals["product_heads"]}
    for word in ("地板", "气球", "牙套", "放大器", "鱼"):
        assert heads[word]["source"].startswith("CC-CEDICT line ") and f" {word} /" in heads[word]["source"]
    # skins and furs are sold as rugs, mattresses and scarves; 台 is also a platform and a typhoon
    assert not {"地毯", "褥子", "围脖", "台"} & heads.keys()
    assert {"鲸鱼", "掌柜"} <= set(signals["product_head_others"])

"""A two-character name of a watchlist term or product with one character written as its pinyin initial (Q支 for
枪支, X牙 for 象牙): generated from the term, it counts only beside a product form of the category. Examples are
worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from pipelines.scoring.spellings import pinyin_spellings
from tests.scoring_support import assert_clear, assert_lead


def test_a_two_character_name_gives_both_mixed_spellings() -> None:
    texts = {s.text: s for s in pinyin_spellings(["枪支"], plain=True)}
    assert texts["q支"].needs == "forms" and texts["枪z"].needs == "forms"
    # a species (not plain) keeps to its capitals: one letter and a character are too short without its goods
    assert "h鹤" not in {s.text for s in pinyin_spellings(["灰鹤"], plain=False)}


@pytest.mark.parametrize(
    ("title", "category"),
    [("Q支 散件 自己装 包教会", "prohibited.weapons"), ("X牙 手镯 老料 一只", "wildlife.ivory")],
)
def test_a_mixed_spelling_beside_a_product_form_is_its_term(scorer: Scorer, title: str, category: str) -> None:
    result = assert_lead(scorer, title, category)
    assert any(h.rule == "initials" and h.category == category for h in result.hits)


@pytest.mark.parametrize("title", ["Q支 口红 滋润 不拔干", "Q弹 麻薯 夹心 一盒", "X牙 美白 牙膏 清新"])
def test_a_mixed_spelling_without_a_product_form_is_nothing(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)

"""A dealer's shorthand of a wildlife term: a character the dictionary gives only for the term (瑁, which every
CC-CEDICT entry holds inside 玳瑁) or as the animal itself (兕 "rhinoceros"), written right before a part (瑁甲,
兕角). The characters are read off the dictionary by scripts/build_dictionary_aliases.py, never listed by hand."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from pipelines.scoring import Scorer
from pipelines.scoring.watchlist import load_watchlists
from tests.scoring_support import assert_clear, assert_lead

ROOT = Path(__file__).resolve().parents[1]


def alias_script() -> Any:
    spec = importlib.util.spec_from_file_location("build_aliases", ROOT / "scripts" / "build_dictionary_aliases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("瑁片 发簪 老工", "民国老瑁片做的发簪一支，透光有花，懂的来", "wildlife.hawksbill"),
        ("兕角杯 老雕工", "老兕角杯一只，懂行的来，不走物流", "wildlife.rhino_horn"),
        ("罴胆 一个 干的", "山里来的罴胆，晒干了，私聊，不走快递", "wildlife.bear"),
    ],
)
def test_a_shorthand_before_a_part_with_trade_talk_is_the_term(
    scorer: Scorer, title: str, description: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    hit = next(h for h in result.hits if h.rule == "shorthand")
    assert hit.mechanism == "generated_variant"
    assert hit.source and hit.source.startswith("CC-CEDICT line ")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # the vessel's name: 兕 before no part
        ("兕觥 青铜器 仿古 摆件", "博物馆文创，仿古兕觥摆件，树脂材质"),
        # a part after the character, with nothing of the goods or their trade around it
        ("瑁甲 美甲贴 亮片", "美甲贴纸，款式多，一张十个指甲"),
        # the name written whole in a colour's word
        ("玳瑁色 眼镜框 板材", "玳瑁色板材眼镜框，可配近视镜片"),
    ],
)
def test_the_character_without_a_part_or_without_trade_is_no_hit(scorer: Scorer, title: str, description: str) -> None:
    result = assert_clear(scorer, title, description)
    assert not any(h.rule == "shorthand" for h in result.hits)


def test_the_name_written_whole_is_one_hit_of_the_term_not_its_shorthand_too(scorer: Scorer) -> None:
    result = assert_lead(scorer, "玳瑁壳 老料", "wildlife.hawksbill", "懂的来")
    assert [h.rule for h in result.hits] == ["alias"]


ENTRIES = [
    ("玳瑁", "hawksbill turtle (Eretmochelys imbricata)", "hawksbill turtle (Eretmochelys imbricata)/tortoiseshell", 1),
    ("玳瑁壳", "tortoise shell", "tortoise shell", 2),
    ("瑁", "(jade)", "(jade)", 3),
    ("马骝", "monkey (dialect)", "monkey (dialect)", 4),
    ("骝", "bay horse with black mane", "bay horse with black mane", 5),
    ("兕", "(meaning uncertain); rhinoceros (possibly female) or bull", "(meaning uncertain); rhinoceros", 6),
    ("忍", "to bear", "to bear/to endure", 7),
    ("虓", "roar of a tiger", "roar of a tiger", 8),
    ("罴", "brown bear", "brown bear", 9),
]


def test_shorthands_are_read_off_the_dictionary() -> None:
    module = alias_script()
    shipped = ROOT / "pipelines" / "watchlists"
    watchlists = load_watchlists([p for p in sorted(shipped.glob("*.yaml")) if p.name != "dictionary_aliases.yaml"])
    found = {item["char"]: item for item in module.shorthands(ENTRIES, watchlists)}
    # 瑁: every entry that holds it holds 玳瑁, and its own entry says nothing else
    assert (found["瑁"]["term"], found["瑁"]["category"]) == ("玳瑁", "wildlife.hawksbill")
    assert "line 1" in found["瑁"]["source"]
    # the animal of a category as the character's own first sense: the category's goods
    assert found["兕"]["category"] == "wildlife.rhino_horn"
    assert found["罴"]["category"] == "wildlife.bear"
    # 骝 alone is a horse; "to bear" is a verb; a tiger's roar is no tiger
    assert not {"骝", "忍", "虓"} & set(found)


def test_explain_shows_the_shorthand_and_its_dictionary_line() -> None:
    result = CliRunner().invoke(app, ["watchlist", "explain", "瑁甲 边角料 老料", "-d", "按克出，懂的来"])
    assert result.exit_code == 0, result.output
    assert "dealer's shorthand of 玳瑁" in result.stdout
    assert "CC-CEDICT line" in result.stdout

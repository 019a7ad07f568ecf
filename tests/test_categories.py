"""Every table keyed by category covers exactly the design's category ids, so none is scored, ranked or
shown without its severity, name or watchlist terms."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
import yaml

from cli.labels import CATEGORY_NAMES, FAMILY_NAMES
from core.categories import CATEGORY_IDS, FAMILIES, family_of
from crawler.demo_market.catalogue import build_catalogue
from leads.priority import CATEGORY_SEVERITY, FAMILY_SEVERITY
from pipelines.scoring import Scorer

ROOT = Path(__file__).resolve().parents[1]
SPECIES = ROOT / "pipelines" / "watchlists" / "wildlife_species.yaml"
NATIONAL_LIST = ROOT.parent / "shared" / "data" / "national-protected-wildlife-2021.csv"


def test_severity_and_names_cover_every_category_and_family():
    assert set(CATEGORY_SEVERITY) == set(CATEGORY_IDS)
    assert set(CATEGORY_NAMES) == set(CATEGORY_IDS)
    assert set(FAMILY_SEVERITY) == set(FAMILY_NAMES) == set(FAMILIES)
    assert {family_of(category) for category in CATEGORY_IDS} == set(FAMILIES)


def test_every_category_has_search_terms_and_the_demo_catalogue_uses_only_design_ids():
    scorer = Scorer.load()
    for category in CATEGORY_IDS:
        assert scorer.search_terms([category]), category
    used = {listing.category for listing in build_catalogue().listings if listing.category}
    assert used == set(CATEGORY_IDS)


def test_the_national_lists_amphibians_are_other_wildlife_and_its_reptiles_live_reptiles():
    """The live-reptile category is the reptiles (爬行纲); an amphibian (两栖纲: 大鲵, 蛙, 蝾螈) is other wildlife."""
    if not NATIONAL_LIST.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{NATIONAL_LIST} is missing", pytrace=False)
        pytest.skip(f"the national list is not present at {NATIONAL_LIST}")
    generated = yaml.safe_load(SPECIES.read_text("utf-8"))
    category_of = {term["term"]: block["id"] for block in generated["categories"] for term in block["terms"]}
    expected_of = {"两栖纲": "wildlife.other", "爬行纲": "wildlife.live_reptile"}
    checked = {"wildlife.other": 0, "wildlife.live_reptile": 0}
    with NATIONAL_LIST.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["种"].replace("\u3000", "").replace("#", "").lstrip("*").strip()
            sea_turtle = "海龟科" in row["科"] or "棱皮龟科" in row["科"]  # the hawksbill category's trade
            for cls, expected in expected_of.items():
                if cls in row["纲"] and name in category_of and not sea_turtle:
                    assert category_of[name] == expected, (name, category_of[name])
                    checked[expected] += 1
    assert min(checked.values()) > 20, checked

    scorer = Scorer.load(threshold=60)
    salamander = scorer.score({"title": "野生 大鲵 活体 三斤", "description": "山溪里的娃娃鱼，活的，私聊"})
    python = scorer.score({"title": "野生 缅甸蟒 活体 两米", "description": "山里的，活的，私聊"})
    assert salamander.is_lead and salamander.category == "wildlife.other"
    assert python.is_lead and python.category == "wildlife.live_reptile"

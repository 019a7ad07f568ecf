"""Every table keyed by category covers exactly the design's category ids, so none is scored, ranked or
shown without its severity, name or watchlist terms."""

from __future__ import annotations

from cli.labels import CATEGORY_NAMES, FAMILY_NAMES
from core.categories import CATEGORY_IDS, FAMILIES, family_of
from crawler.demo_market.catalogue import build_catalogue
from leads.priority import CATEGORY_SEVERITY, FAMILY_SEVERITY
from pipelines.scoring import Scorer


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

"""Property tests (hypothesis, bounded): the normaliser, the scorer, profile extraction on generated HTML and the
sanitiser take any text without raising and keep their promises."""

from __future__ import annotations

import html
from functools import cache

from babel.numbers import list_currencies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parsel import Selector

from core.safe_text import FORMULA_TRIGGERS, is_safe, neutralise_formula, safe_str
from crawler.extract import parse_results
from crawler.profiles import load_profile
from crawler.stored_values import parse_price
from leads.export import export_cell
from pipelines.normalise_item import MAX_CHARS, clean_text
from pipelines.scoring import Scorer

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOSTILE_BITS = ["'); DROP TABLE listing;--", "../", "..\\", "\x00", "\x1b]52;c;eA==\x07", "\x1b[2J", "=1+1", "\u202e"]
text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["象牙", "穿山甲", "犀牛角", "手镯", " ", "\n", "¥", "12.5", *HOSTILE_BITS])).map("".join),
)


@cache
def scorer() -> Scorer:
    return Scorer.load(threshold=60)


@FUZZ
@given(text, st.booleans())
def test_clean_text_has_no_nul_no_double_spaces_and_is_idempotent(value: str, multiline: bool):
    cleaned = clean_text(value, multiline=multiline)
    assert "\x00" not in cleaned
    assert "  " not in cleaned and cleaned == cleaned.strip()
    assert clean_text(cleaned, multiline=multiline) == cleaned
    assert multiline or "\n" not in cleaned


@FUZZ
@given(text)
def test_parse_price_gives_a_non_negative_number_or_nothing(value: str):
    price = parse_price(value)
    assert price.amount is None or price.amount >= 0
    assert price.currency is None or price.currency in list_currencies()


@FUZZ
@given(title=text, description=text, price=st.one_of(st.none(), st.floats(allow_nan=False, min_value=0, max_value=1e9)))
def test_the_scorer_takes_any_listing(title: str, description: str, price: float | None):
    result = scorer().score({"title": title, "description": description, "price": price})
    assert 0 <= result.score <= 100
    assert result.is_lead == (result.score >= 60)


@FUZZ
@given(
    st.lists(st.tuples(text, text), max_size=6),
    st.sampled_from(["", "<div>" * 300, "<table><tr><td>", "<!--", "<script>", "</ul></li>", "\x00\x1b"]),
)
def test_profile_extraction_on_generated_html(listings: list[tuple[str, str]], noise: str):
    profile = load_profile("demo")
    cards = "".join(
        f'<li class="listing" data-id="{html.escape(lid)}"><a class="title" href="/plain/item/{index}">'
        f'{html.escape(title)}</a><span class="price">¥1</span>{noise}</li>'
        for index, (lid, title) in enumerate(listings)
    )
    page = f'<html><body>{noise}<ul class="results">{cards}</ul>{noise}</body></html>'
    results = parse_results(profile, Selector(text=page), "http://127.0.0.1:8765/plain/search?q=x")
    for listing in results.listings:
        assert listing["listing_id"] and listing["url"].startswith("http")
    assert len(results.listings) <= len(listings)


@FUZZ
@given(text, st.booleans())
def test_the_sanitiser_leaves_nothing_a_terminal_would_interpret(value: str, multiline: bool):
    shown = safe_str(value, multiline=multiline)
    assert is_safe(shown)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert multiline or "\n" not in shown


@FUZZ
@given(text)
def test_exported_cells_never_start_a_formula(value: str):
    cell = export_cell(value)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert not neutralise_formula(value).startswith(FORMULA_TRIGGERS)
    assert "\x1b" not in cell


def test_field_caps_are_bounded():
    assert MAX_CHARS["title"] <= 1_000 and MAX_CHARS["description"] <= 100_000

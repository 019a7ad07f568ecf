"""Prices and posted times as the store keeps them, read from saved pages the way a sweep reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from crawler.items import ListingItem
from crawler.page_check import PageCheck, check_page
from crawler.profiles import Profile
from crawler.stored_values import (
    PREFERRED,
    _code_from_tables,
    currency_code,
    parse_posted,
    parse_price,
    read_price_text,
)
from pipelines.normalise_item import NormaliseListingPipeline

PAGES = Path(__file__).parent / "pages"
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, when the pages were saved

BAZAAR = {
    "name": "bazaar",
    "display_name": "海外淘集市 / Overseas bazaar",
    "base_url": "https://bazaar.example",
    "search": {"url": "{base_url}/s?q={keyword}"},
    "results": {
        "item": {"css": "li.listing"},
        "fields": {
            "listing_id": {"xpath": "@data-id"},
            "title": {"css": "a.title::text"},
            "url": {"css": "a.title::attr(href)"},
            "price": {"css": "span.price::text"},
            "posted_at": {"css": "time.posted::text"},
        },
    },
}
LOTS = {
    "name": "lots",
    "display_name": "Аукцион / Auction lots",
    "base_url": "https://lots.example",
    "currency": "RUB",
    "timezone": "Europe/Moscow",
    "search": {"url": "{base_url}/s?q={keyword}"},
    "results": {
        "item": {"css": "div.item"},
        "fields": {
            "listing_id": {"xpath": "@data-id"},
            "title": {"css": "a.name::text"},
            "url": {"css": "a.name::attr(href)"},
            "price": {"css": "b.cost::text"},
            "posted_at": {"css": "span.date::text"},
        },
    },
}


def checked(profile: dict, page: str) -> PageCheck:
    return check_page(Profile.model_validate(profile), (PAGES / page).read_bytes(), profile["base_url"] + "/s", now=NOW)


def stored_by_id(result: PageCheck) -> dict[str, dict]:
    return {stored["listing_id"]: stored for stored in result.stored}


# listing id, price as shown, stored price, stored currency, time as shown, stored time (UTC)
BAZAAR_ROWS = [
    ("7001", "€ 15,90", 15.9, "EUR", "1717200000", "2024-06-01T00:00:00Z"),
    ("7002", "12 500 ₽", 12500.0, "RUB", "2010-03-02, 9:15AM EST", "2010-03-02T14:15:00Z"),
    ("7003", "R$ 1.299,00", 1299.0, "BRL", "3天前", "2026-11-28T02:00:00Z"),
    ("7004", "¥12,800.00", 12800.0, "CNY", "昨天 21:05", "2026-11-30T13:05:00Z"),
    ("7005", "￥ 35", 35.0, "CNY", "1717200000123", "2024-06-01T00:00:00.123000Z"),
    ("7006", "3,200元", 3200.0, "CNY", "2024-05-01T16:30:00+08:00", "2024-05-01T08:30:00Z"),
    ("7007", "NT$1,200", 1200.0, "TWD", "5分钟前", "2026-12-01T01:55:00Z"),
    ("7008", "1.234,56 EUR", 1234.56, "EUR", "刚刚", "2026-12-01T02:00:00Z"),
    ("7009", "£9.99", 9.99, "GBP", "2024年5月1日 10:30", "2024-05-01T02:30:00Z"),
    ("7010", "US$ 45.50", 45.5, "USD", "2 hours ago", "2026-12-01T00:00:00Z"),
    ("7011", "CHF 12.50", 12.5, "CHF", "Jun 3, 2024", "2024-06-02T16:00:00Z"),
]


@pytest.mark.parametrize(("ident", "shown", "price", "currency", "posted", "posted_utc"), BAZAAR_ROWS)
def test_each_price_and_time_form_is_stored_as_number_iso_code_and_utc(
    ident, shown, price, currency, posted, posted_utc
):
    result = checked(BAZAAR, "market-prices-dates.html")
    listing = next(listing for listing in result.listings if listing["listing_id"] == ident)
    assert (listing["price"], listing["posted_at"]) == (shown, posted)
    stored = stored_by_id(result)[ident]
    assert (stored["price"], stored["currency"], stored["posted_at"]) == (price, currency, posted_utc)
    assert stored["url"] == f"https://bazaar.example/item/{ident}"


def test_an_unreadable_price_or_time_is_kept_raw_beside_an_empty_value_and_counted():
    result = checked(BAZAAR, "market-prices-dates.html")
    stored = stored_by_id(result)["7012"]
    assert (stored["price"], stored["currency"], stored["posted_at"]) == (None, None, None)
    assert (stored["price_raw"], stored["posted_raw"]) == ("面议", "不是时间")
    assert result.unparsed == {"price": 1, "posted_at": 1}


def test_a_windows_1251_page_is_read_in_the_profiles_currency_and_time_zone():
    result = checked(LOTS, "market-ru.html")
    assert result.encoding == "cp1251"
    assert [listing["title"] for listing in result.listings] == [
        "Бивень мамонта, резьба",
        "Рог сайгака",
        "Панцирь черепахи",
    ]
    assert [(stored["price"], stored["currency"], stored["posted_at"]) for stored in result.stored] == [
        (3400.0, "RUB", "2026-06-03T11:05:00Z"),  # 3 июня в 14:05 Moscow time; a bare number takes `currency:`
        (12500.0, "RUB", "2026-11-30T06:30:00Z"),  # вчера в 09:30
        (990.0, "RUB", "2024-05-14T21:00:00Z"),  # 15.05.2024, midnight in Moscow
    ]


@pytest.mark.parametrize(
    ("shown", "fallback", "expected"),
    [
        ("120", None, (120.0, None)),  # no sign and no `currency:`: the currency is not guessed
        ("120", "EUR", (120.0, "EUR")),
        ("$1,280", "TWD", (1280.0, "TWD")),  # a shared sign is the profile's currency when it is written so
        ("$1,280", None, (1280.0, "USD")),
        ("¥ 3000", "JPY", (3000.0, "JPY")),
        ("Kč 250", None, (250.0, "CZK")),
        ("HK$ 880", None, (880.0, "HKD")),
        ("人民币 66.6", None, (66.6, "CNY")),
        ("面议", "CNY", (None, None)),
    ],
)
def test_price_parser_forms_and_the_profiles_fallback(shown, fallback, expected):
    price = parse_price(shown, fallback)
    assert (price.amount, price.currency) == expected


# A sign and digits with or without decimals (the plain shape read without price-parser, and its near misses:
# leading zeros, three decimals, a bare point), and any short text of signs, digits and separators.
PRICE_LIKE = st.one_of(
    st.from_regex(r"[¥￥$]?[0-9]{1,14}(\.[0-9]{0,4})?", fullmatch=True),
    st.text(alphabet="¥￥$0123456789.,元 -", max_size=14),
)


@settings(max_examples=500, deadline=None)
@given(shown=PRICE_LIKE, fallback=st.sampled_from([None, "CNY", "JPY", "USD", "TWD"]))
@example(shown="¥1366.90", fallback="CNY")
@example(shown="¥1.299", fallback="CNY")  # three decimals: thousands, as price-parser reads them
@example(shown="¥01366", fallback=None)
@example(shown="$5", fallback="TWD")
def test_a_plain_price_is_read_as_price_parser_reads_it(shown, fallback):
    assert parse_price(shown, fallback) == read_price_text(shown, fallback)


def test_a_plain_price_is_read_without_price_parser(monkeypatch: pytest.MonkeyPatch):
    """The commonest prices skip price-parser's regular expressions; a price with separators still needs it."""
    import price_parser

    def refused(text: str) -> None:
        raise AssertionError(f"price-parser asked to read {text!r}")

    monkeypatch.setattr(price_parser.Price, "fromstring", refused)
    shown = [parse_price(text, "CNY") for text in ("¥1366.90", "￥380", "12800", "$5")]
    assert [(price.amount, price.currency) for price in shown] == [
        (1366.9, "CNY"),
        (380.0, "CNY"),
        (12800.0, "CNY"),
        (5.0, "USD"),
    ]
    with pytest.raises(AssertionError, match="price-parser"):
        parse_price("¥12,800", "CNY")


def test_a_currency_shown_apart_from_the_price_is_read_as_an_iso_code():
    assert currency_code("¥") == "CNY"
    assert currency_code("руб.") == "RUB"
    assert currency_code("eur") == "EUR"
    assert currency_code("", "USD") == "USD"


def test_a_preferred_sign_is_read_as_the_currency_tables_read_it():
    """A sign the bureau reads one way (¥ as yuan) with no profile currency, or with that one, is answered
    without Babel's and price-parser's tables; with any other profile currency the tables still decide."""
    from babel.numbers import list_currencies

    for sign in PREFERRED:
        stripped = sign.strip().rstrip(".")
        for fallback in (None, *sorted(list_currencies())):
            assert currency_code(sign, fallback) == _code_from_tables(stripped, fallback), (sign, fallback)
    assert currency_code("¥", "JPY") == "JPY"  # a Japanese shop's yen sign stays yen
    assert currency_code("$", "HKD") == "HKD"


def test_plain_prices_are_read_without_loading_babel_or_price_parser():
    """A sweep whose prices are a sign and a plain number (`¥1366.90`) never imports Babel or price-parser:
    their import and currency tables cost a crawl process some 50 ms of CPU at start-up."""
    code = (
        "import json, sys\n"
        "from crawler.profiles import load_profile\n"
        "from crawler.stored_values import parse_price\n"
        "load_profile('demo')\n"
        "read = [parse_price(text).__dict__ for text in ('¥1366.90', '￥380', '12800', '$5')]\n"
        "print(json.dumps([read, sorted({m.split('.')[0] for m in sys.modules} & {'babel', 'price_parser'})]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    read, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert read == [
        {"amount": 1366.9, "currency": "CNY"},
        {"amount": 380.0, "currency": "CNY"},
        {"amount": 12800.0, "currency": None},
        {"amount": 5.0, "currency": "USD"},
    ]
    assert loaded == []


@pytest.mark.parametrize(
    ("shown", "zone", "expected"),
    [
        ("1717200000", "Asia/Shanghai", datetime(2024, 6, 1, tzinfo=UTC)),
        ("2024-05-01 12:00", "Asia/Shanghai", datetime(2024, 5, 1, 4, 0, tzinfo=UTC)),  # no offset: the zone's
        ("2024-05-01 12:00", "Europe/Moscow", datetime(2024, 5, 1, 9, 0, tzinfo=UTC)),
        ("今天 08:00", "Asia/Shanghai", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
        ("2 дня назад", "Europe/Moscow", datetime(2026, 11, 29, 2, 0, tzinfo=UTC)),
        ("Tue, 03 Jun 2024 14:05:00 GMT", "Asia/Shanghai", datetime(2024, 6, 3, 14, 5, tzinfo=UTC)),
        ("下架了", "Asia/Shanghai", None),
    ],
)
def test_dateparser_forms_in_the_profiles_time_zone(shown, zone, expected):
    assert parse_posted(shown, zone, NOW) == expected


def test_the_normalise_pipeline_stores_what_check_shows_and_counts_unparsed_fields():
    crawler = get_crawler()
    pipeline = NormaliseListingPipeline.from_crawler(crawler)
    profile = Profile.model_validate(LOTS)
    result = checked(LOTS, "market-ru.html")
    for listing, stored in zip(result.listings, result.stored, strict=True):
        item = ListingItem(
            platform="lots",
            listing_id=listing["listing_id"],
            url=listing["url"],
            title=listing["title"],
            price=listing["price"],
            posted_at=listing["posted_at"],
            default_currency=profile.currency,
            timezone=profile.timezone,
            fetched_at=NOW,
        )
        pipeline.process_item(item)
        assert (item.price, item.currency) == (stored["price"], stored["currency"])
        assert item.posted_at.isoformat().replace("+00:00", "Z") == stored["posted_at"]
    odd = ListingItem(platform="lots", listing_id="9", url="https://lots.example/lot/9", title="Клык",
                      price="договорная", posted_at="давно", timezone="Europe/Moscow", fetched_at=NOW)  # fmt: skip
    pipeline.process_item(odd)
    assert (odd.price, odd.price_raw, odd.posted_at, odd.posted_raw) == (None, "договорная", None, "давно")
    assert crawler.stats.get_value("tradewatch/field/price/unparsed") == 1
    assert crawler.stats.get_value("tradewatch/field/posted_at/unparsed") == 1
    assert odd.listing_fields()["price_raw"] == "договорная"

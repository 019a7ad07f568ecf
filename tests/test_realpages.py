"""Profiles against real marketplace pages saved in ../shared/realpages (read in place, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from crawler.page_check import check_page
from crawler.profiles import load_profile

pytestmark = pytest.mark.realpages
runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English


def check(realpages: Path, platform: str, page: str, url: str):
    return check_page(load_profile(platform), (realpages / page).read_bytes(), url)


# platform, page, url, listings, {field: listings that have it}
SEARCH_PAGES = [
    ("taobao", "taobao-search-ipad-2018.html", "https://s.taobao.com/search?q=ipad", 48,
     {"title": 48, "price": 48, "url": 48, "seller": 44, "location": 48}),
    # 30 cards, one of them a "索尼（SONY）特惠" advertisement tile without a SKU
    ("jd", "jd-search-sony-headphones-2016.html", "https://search.jd.com/Search?keyword=%E7%B4%A2%E5%B0%BC", 29,
     {"title": 29, "price": 29, "url": 29}),
    ("jd", "jd-search-123-2016.html", "https://search.jd.com/Search?keyword=123", 60,
     {"title": 60, "price": 60, "url": 60}),
    # 60 cards, six SKUs shown twice: 54 listings (coverage is over every card matched)
    ("jd", "jd-search-phone-2024.html", "https://search.jd.com/Search?keyword=%E6%89%8B%E6%9C%BA", 54,
     {"title": 60, "price": 60, "url": 60, "seller": 60}),
    ("1688", "1688-search-cable-2024.html", "https://s.1688.com/selloffer/offer_search.htm", 20,
     {"title": 20, "price": 20, "url": 20, "seller": 20}),
    # every goods object appears twice in the page's streamed JSON: 30 listings
    ("momo", "momo-search-traditional.html", "https://www.momoshop.com.tw/search/searchShop.jsp?keyword=iphone", 30,
     {"title": 60, "price": 60, "url": 60}),
    # 26 of the 120 listings show no price
    ("craigslist", "craigslist-search.html", "https://boston.craigslist.org/search/sss", 120,
     {"title": 120, "price": 94, "url": 120, "location": 120}),
    ("craigslist", "craigslist-search-last-page.html", "https://boston.craigslist.org/search/sss?query=aaa", 4,
     {"title": 4, "price": 4, "url": 4, "location": 4}),
]  # fmt: skip


@pytest.mark.parametrize(("platform", "page", "url", "count", "present"), SEARCH_PAGES, ids=lambda v: str(v)[:30])
def test_every_listing_on_a_search_page_is_extracted(realpages, platform, page, url, count, present):
    result = check(realpages, platform, page, url)
    assert result.kind == "results"
    assert result.blocked is None
    assert len(result.listings) == count
    assert len({listing["listing_id"] for listing in result.listings}) == count
    for field, expected in present.items():
        assert result.coverage[field] == (expected, result.matched), field
    assert all(listing["url"].startswith("https://") for listing in result.listings)


def test_taobao_values(realpages):
    result = check(realpages, "taobao", "taobao-search-ipad-2018.html", "https://s.taobao.com/search?q=ipad")
    first = result.listings[0]
    assert (result.stored[0]["price"], result.stored[0]["currency"]) == (2288.0, "CNY")
    assert first["listing_id"] == "566741234264"
    assert first["title"] == "2018新款 Apple/苹果 9.7英寸iPad 智能平板电脑 正品国行新品"
    assert first["price"] == "2288.00"
    assert first["seller"] == "苏宁易购官方旗舰店"
    assert first["location"] == "江苏 南京"
    assert first["url"].startswith("https://detail.tmall.com/item.htm?id=566741234264")


def test_jd_values_in_both_layouts(realpages):
    old = check(realpages, "jd", "jd-search-sony-headphones-2016.html", "https://search.jd.com/Search").listings[0]
    assert old == old | {
        "listing_id": "940275",
        "title": "索尼（SONY） MDR-EX15LP 小巧入耳式耳机,佩戴舒适 半透明果冻色渐变机身 黑色",
        "price": "55.00",
        "url": "https://item.jd.com/940275.html",
    }
    new = check(realpages, "jd", "jd-search-phone-2024.html", "https://search.jd.com/Search").listings[0]
    assert new["listing_id"] == "100105483276"
    assert new["price"] == "1999.00"
    assert new["seller"] == "iQOO京东自营官方旗舰店"
    assert new["title"].startswith("vivoiQOO Z9 Turbo 12GB+256GB 星芒白")


def test_1688_split_prices_and_encoded_sellers(realpages):
    listings = check(realpages, "1688", "1688-search-cable-2024.html", "https://s.1688.com/").listings
    assert [listing["price"] for listing in listings[:3]] == ["1.74", "1.45", "1.00"]
    assert listings[0]["title"] == "双Type-c头PD数据传输公对公适用华为小米三星笔记本快充数据线"
    assert listings[1]["seller"] == "东莞市励图电子有限公司"
    assert listings[-1]["listing_id"] == "662778980590"  # a direct offer link gives the offer id


def test_momo_traditional_chinese_from_embedded_json(realpages):
    result = check(realpages, "momo", "momo-search-traditional.html", "https://www.momoshop.com.tw/")
    first = result.listings[0]
    assert first["listing_id"] == "14985082"
    assert first["title"] == "【Apple】iPhone 16(128G/6.1吋)(45W雙孔閃充組)"
    assert first["price"] == "22,300"
    assert (result.stored[0]["price"], result.stored[0]["currency"]) == (22300.0, "TWD")


def test_craigslist_search_values_and_last_page(realpages):
    result = check(realpages, "craigslist", "craigslist-search.html", "https://boston.craigslist.org/search/sss")
    assert result.listings[0] == result.listings[0] | {
        "listing_id": "7692736931",
        "title": "Solar tea light",
        "price": "$5",
        "location": "Peabody",
    }
    assert result.next_url is not None
    last = check(realpages, "craigslist", "craigslist-search-last-page.html", "https://boston.craigslist.org/")
    assert last.next_url is None


@pytest.mark.parametrize(
    ("page", "url", "price"),
    [
        ("craigslist-item.html",
         "https://boston.craigslist.org/nos/for/d/peabody-solar-tea-light/7692736931.html", "$5"),
        ("craigslist-item-no-price.html",
         "https://boston.craigslist.org/nos/mcd/d/salem-2019-suzuki-dr650-skuuk-ca-suzuki/7647523987.html", None),
    ],
)  # fmt: skip
def test_craigslist_item_pages(realpages, page, url, price):
    result = check(realpages, "craigslist", page, url)
    assert result.kind == "item"
    [listing] = result.listings
    assert listing.get("price") == price
    assert listing["listing_id"] == url.rsplit("/", 1)[1].removesuffix(".html")
    assert listing["posted_at"].startswith("2023-")
    assert listing["description"]


def test_tmall_item_declared_gbk_is_read_as_gb18030(realpages):
    result = check(realpages, "tmall", "tmall-item-gbk.html", "https://detail.tmall.com/item.htm?id=605258110430")
    assert result.encoding == "gb18030"
    [listing] = result.listings
    assert listing["title"] == "【官网价直降】Apple/苹果 iPhone 11 4G全网通智能手机正品苏宁易购官方旗舰店苹果11"
    assert listing["price"] == "5499.00-6799.00"
    assert listing["seller"] == "苏宁易购官方旗舰店"
    assert listing["listing_id"] == "605258110430"


def test_taobao_item_declared_gbk_but_utf8_is_read_as_utf8(realpages):
    result = check(realpages, "taobao-item", "taobao-item-charset-mismatch.html",
                   "https://item.taobao.com/item.htm?id=562283240178")  # fmt: skip
    assert result.encoding == "utf-8"
    [listing] = result.listings
    assert listing["title"] == "乳白亚克力外壳 60%键盘外壳 poker外壳无加强筋底壳透光外壳"
    assert listing["price"] == "149.00 - 159.00"
    assert listing["seller"] == "paipailaji"


def test_taobao_antibot_shell_is_a_block_page(realpages):
    result = check(realpages, "taobao", "taobao-search-antibot-shell-utf16.html", "https://s.taobao.com/search?q=x")
    assert result.encoding == "utf-16"
    assert result.blocked == "请不要禁用JS"
    assert result.listings == []


def test_platforms_check_command_prints_listings_and_coverage(realpages):
    result = runner.invoke(
        app, ["platforms", "check", "jd", "--file", str(realpages / "jd-search-123-2016.html"), "--limit", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "Listings found: 60" in result.output
    assert "11371342" in result.output
    assert "100%" in result.output


def test_platforms_check_json_and_block_exit_code(realpages):
    result = runner.invoke(
        app,
        ["platforms", "check", "taobao", "--file", str(realpages / "taobao-search-antibot-shell-utf16.html"), "--json"],
    )
    assert result.exit_code == 1
    assert '"blocked": "请不要禁用JS"' in result.output

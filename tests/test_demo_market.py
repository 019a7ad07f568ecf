"""The demo marketplace: deterministic catalogue, the three site variants, misbehaviour and the CLI."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, timedelta, timezone
from decimal import Decimal
from email.message import Message
from typing import Any

import pytest
import typer
from parsel import Selector
from typer.testing import CliRunner

from cli.demo_market import register
from crawler.demo_market.catalogue import (
    CATEGORY_IDS,
    DEFAULT_SEED,
    EPOCH,
    HARD_NEGATIVE_TRIGGERS,
    KINDS,
    build_catalogue,
)
from crawler.demo_market.options import MarketOptions
from crawler.demo_market.pages import NO_RESULTS, PAGE_SIZE
from tests.demo_market_fixture import running_market

pytest_plugins = ["tests.demo_market_fixture"]

# The plain keyword every plainly named offence of a category carries in its title.
PLAIN_KEYWORDS = {
    "wildlife.ivory": ("象牙",),
    "wildlife.rhino_horn": ("犀牛角",),
    "wildlife.pangolin": ("穿山甲",),
    "wildlife.tiger_leopard": ("虎骨", "豹皮", "虎牙", "虎皮", "虎鞭"),
    "wildlife.bear": ("熊胆", "熊掌"),
    "wildlife.hawksbill": ("玳瑁",),
    "wildlife.hornbill": ("盔犀鸟", "鹤顶红"),
    "wildlife.saiga": ("羚羊角",),
    "wildlife.musk": ("麝香",),
    "wildlife.coral": ("红珊瑚",),
    "wildlife.live_bird": ("鹦鹉", "犀鸟", "鹩哥"),
    "wildlife.live_reptile": ("陆龟", "星龟", "鳄"),
    "wildlife.primate": ("猴",),
    "wildlife.other": ("鲸牙", "藏羚羊", "标本"),
    "prohibited.weapons": ("刀", "三棱刺", "甩棍", "仿真枪", "铅弹"),
    "prohibited.drugs": ("曲马多", "可待因", "笑气", "依托咪酯"),
    "prohibited.tobacco": ("电子烟",),
    "prohibited.fireworks": ("烟花", "礼花弹", "鞭炮"),
    "prohibited.documents": ("证",),
    "prohibited.surveillance": ("针孔", "窃听器", "摄像头"),
    "prohibited.pesticides": ("百草枯", "甲胺磷", "克百威"),
}


def fetch(url: str, method: str = "GET") -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def page(url: str) -> Selector:
    status, headers, body = fetch(url)
    assert status == 200, url
    return Selector(text=body.decode(headers.get_content_charset() or "utf-8"))


def q(keyword: str, encoding: str = "utf-8") -> str:
    return urllib.parse.quote(keyword, encoding=encoding)


# ----------------------------------------------------------------------------------------------------------
# Catalogue
# ----------------------------------------------------------------------------------------------------------


def test_catalogue_is_deterministic_and_ids_are_unique() -> None:
    first = build_catalogue.__wrapped__(DEFAULT_SEED)
    second = build_catalogue.__wrapped__(DEFAULT_SEED)
    assert first.listings == second.listings
    assert len(first) >= 2400
    ids = [li.listing_id for li in first.listings]
    assert len(set(ids)) == len(ids)
    assert all(i.isdigit() and len(i) == 6 for i in ids)
    assert build_catalogue() is build_catalogue()
    other = build_catalogue.__wrapped__(DEFAULT_SEED + 1)
    assert [li.title for li in other.listings] != [li.title for li in first.listings]


def test_catalogue_mixes_kinds_in_the_expected_shares() -> None:
    catalogue = build_catalogue()
    total = len(catalogue)
    counts = {kind: len(catalogue.of_kind(kind)) for kind in KINDS}
    assert all(counts[kind] > 0 for kind in KINDS)
    assert counts["ordinary"] / total >= 0.6
    assert 0.10 <= (counts["plain"] + counts["disguised"]) / total <= 0.15
    assert 0.08 <= counts["hard_negative"] / total <= 0.12


def test_every_category_has_plainly_named_offences_with_the_keyword_in_the_title() -> None:
    catalogue = build_catalogue()
    plain = catalogue.of_kind("plain")
    assert {li.category for li in plain} == set(CATEGORY_IDS)
    for listing in plain:
        assert listing.category is not None
        assert any(word in listing.title for word in PLAIN_KEYWORDS[listing.category]), listing.title
    assert {li.category for li in catalogue.of_kind("disguised")} == set(CATEGORY_IDS)
    for listing in catalogue.of_kind("ordinary") + catalogue.of_kind("hard_negative"):
        assert listing.category is None


def test_disguised_offences_use_evasion_and_hard_negatives_use_trigger_words() -> None:
    catalogue = build_catalogue()
    disguised = catalogue.of_kind("disguised")
    texts = [f"{li.title}\n{li.description}" for li in disguised]
    for marker in ("象 牙", "白料", "黑料", "甲片", "象芽", "xiangya", "製品", "鱗片", "私聊", "懂的来"):
        assert any(marker in text for text in texts), marker
    for listing in catalogue.of_kind("hard_negative"):
        assert any(word in listing.title for word in HARD_NEGATIVE_TRIGGERS), listing.title
    hard_titles = " ".join(li.title for li in catalogue.of_kind("hard_negative"))
    for legal in ("象牙白", "牛角梳", "老虎钳", "珊瑚绒", "玳瑁色"):
        assert legal in hard_titles


def test_listing_fields_are_well_formed_and_gbk_encodable() -> None:
    catalogue = build_catalogue()
    for listing in catalogue.listings:
        assert 60 <= len(listing.description) <= 300
        assert listing.posted_at.tzinfo is UTC and listing.posted_at < EPOCH
        assert listing.price > 0 and listing.price == listing.price.quantize(Decimal("0.01"))
        assert listing.image == f"/static/img/{listing.listing_id}.svg"
        assert catalogue.sellers[listing.seller_id].name == listing.seller
        for text in (listing.title, listing.description, listing.seller, listing.location):
            text.encode("gbk")
    order = [(-li.posted_at.timestamp(), li.listing_id) for li in catalogue.listings]
    assert order == sorted(order)


def test_catalogue_search_is_case_insensitive_substring_on_title_or_description() -> None:
    catalogue = build_catalogue()
    assert catalogue.search("iphone") == catalogue.search("IPHONE") != ()
    hits = catalogue.search("懂的来")
    assert hits and all("懂的来" in li.title + li.description for li in hits)
    assert any("懂的来" not in li.title for li in hits)
    assert catalogue.search("") == catalogue.listings
    assert catalogue.search("不存在的关键词xyz") == ()


# ----------------------------------------------------------------------------------------------------------
# Plain variant
# ----------------------------------------------------------------------------------------------------------


def test_search_pages_are_consistent_and_paginated(demo_market: str) -> None:
    keyword = "象牙"
    expected = [li.listing_id for li in build_catalogue().search(keyword)]
    assert len(expected) > PAGE_SIZE
    seen: list[str] = []
    url: str | None = f"{demo_market}/plain/search?q={q(keyword)}&page=1"
    pages = 0
    while url:
        sel = page(url)
        pages += 1
        assert sel.css("div.result-count::text").get() == f"共 {len(expected)} 件宝贝"
        items = sel.css("ul.results > li.listing")
        assert 1 <= len(items) <= PAGE_SIZE
        for li in items:
            listing_id = li.attrib["data-id"]
            assert li.css("a.title::attr(href)").get() == f"/plain/item/{listing_id}"
            assert li.css("span.price::text").re_first(r"^¥\d+\.\d{2}$")
            assert li.css("a.seller::attr(href)").get().startswith("/plain/seller/u")
            assert li.css("span.location::text").get()
            seen.append(listing_id)
        next_href = sel.css("a.next::attr(href)").get()
        if next_href:
            assert len(items) == PAGE_SIZE
            assert next_href == f"/plain/search?q={q(keyword)}&page={pages + 1}"
        url = demo_market + next_href if next_href else None
    assert seen == expected
    beyond = page(f"{demo_market}/plain/search?q={q(keyword)}&page={pages + 1}")
    assert beyond.css("li.listing") == []
    assert NO_RESULTS in beyond.css("p.empty::text").get()
    assert beyond.css("a.next") == []


def test_empty_query_shows_the_newest_listings(demo_market: str) -> None:
    newest = [li.listing_id for li in build_catalogue().listings[:PAGE_SIZE]]
    for path in ("/plain/search?q=", "/plain/"):
        sel = page(demo_market + path)
        assert sel.css("li.listing::attr(data-id)").getall() == newest


def test_item_page_has_every_field(demo_market: str) -> None:
    listing = build_catalogue().of_kind("plain")[0]
    sel = page(f"{demo_market}/plain/item/{listing.listing_id}")
    item = sel.css(f'div.item[data-id="{listing.listing_id}"]')
    assert item.css("h1.title::text").get() == listing.title
    assert item.css("span.price::text").get() == f"¥{listing.price:.2f}"
    assert item.css("div.description p::text").getall() == listing.description.split("\n")
    seller = item.css("a.seller")
    assert seller.attrib["data-seller-id"] == listing.seller_id
    assert seller.attrib["href"] == f"/plain/seller/{listing.seller_id}"
    assert seller.css("::text").get() == listing.seller
    assert item.css("span.location::text").get() == listing.location
    posted = item.css("time.posted")
    assert posted.attrib["datetime"] == listing.posted_at.isoformat()
    assert posted.attrib["datetime"].endswith("+00:00")
    local = listing.posted_at.astimezone(timezone(timedelta(hours=8)))
    assert posted.css("::text").get() == local.strftime("%Y-%m-%d %H:%M")
    assert item.css("img.photo::attr(src)").get() == f"/static/img/{listing.listing_id}.svg"
    status, headers, body = fetch(f"{demo_market}/static/img/{listing.listing_id}.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and body.startswith(b"<svg")


def test_unknown_item_and_seller_answer_404(demo_market: str) -> None:
    status, _, body = fetch(f"{demo_market}/plain/item/999")
    assert status == 404 and "宝贝不存在" in body.decode()
    status, _, _ = fetch(f"{demo_market}/plain/seller/nobody")
    assert status == 404
    status, _, body = fetch(f"{demo_market}/api/item/999")
    assert status == 404 and json.loads(body) == {"error": "not_found", "removed": False}


def test_seller_page_lists_the_sellers_listings(demo_market: str) -> None:
    catalogue = build_catalogue()
    listing = catalogue.of_kind("plain")[0]
    seller = catalogue.sellers[listing.seller_id]
    sel = page(f"{demo_market}/plain/seller/{seller.seller_id}")
    assert sel.css("div.seller-profile::attr(data-seller-id)").get() == seller.seller_id
    assert sel.css("h1.seller-name::text").get() == seller.name
    assert sel.css("div.seller-profile span.location::text").get() == seller.location
    ids = sel.css("ul.results li.listing::attr(data-id)").getall()
    assert ids == [li.listing_id for li in catalogue.by_seller(seller.seller_id)]
    assert listing.listing_id in ids


def test_home_and_robots(demo_market: str) -> None:
    home = page(demo_market + "/")
    assert home.css("a.variant::attr(href)").getall() == ["/plain/", "/js/", "/gbk/"]
    status, _, body = fetch(demo_market + "/robots.txt")
    robots = body.decode()
    assert status == 200 and "Disallow: /admin/" in robots and "Allow: /api/" in robots
    assert robots.count("Disallow") == 1


def test_catalogue_text_is_html_escaped(demo_market: str) -> None:
    listing = next(li for li in build_catalogue().listings if "《" in li.title)
    _, _, body = fetch(f"{demo_market}/plain/search?q={q('<script>')}")
    assert b"<script>" not in body.split(b"<main")[1]
    assert b"&lt;script&gt;" in body
    assert page(f"{demo_market}/plain/item/{listing.listing_id}").css("h1.title::text").get() == listing.title


# ----------------------------------------------------------------------------------------------------------
# GBK and JavaScript variants
# ----------------------------------------------------------------------------------------------------------


def test_gbk_variant_is_gbk_encoded_and_takes_gbk_queries(demo_market: str) -> None:
    keyword = "穿山甲"
    listing = build_catalogue().search(keyword)[0]
    status, headers, body = fetch(f"{demo_market}/gbk/item/{listing.listing_id}")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=GBK"
    assert b'<meta charset="gbk">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    sel = Selector(text=body.decode("gbk"))
    assert sel.css("h1.title::text").get() == listing.title
    assert sel.css("span.price::text").get() == f"¥{listing.price:.2f}"

    expected = [li.listing_id for li in build_catalogue().search(keyword)[:PAGE_SIZE]]
    _, _, body = fetch(f"{demo_market}/gbk/search?q={q(keyword, 'gbk')}")
    gbk_sel = Selector(text=body.decode("gbk"))
    assert gbk_sel.css("li.listing::attr(data-id)").getall() == expected
    next_href = gbk_sel.css("a.next::attr(href)").get()
    if next_href:
        assert next_href == f"/gbk/search?q={q(keyword, 'gbk')}&page=2"
    _, _, fallback = fetch(f"{demo_market}/gbk/search?q={q('iPhone')}")
    assert Selector(text=fallback.decode("gbk")).css("li.listing")


def test_js_shell_has_no_listing_data_and_api_matches_plain_search(demo_market: str) -> None:
    keyword = "象牙"
    plain_ids = page(f"{demo_market}/plain/search?q={q(keyword)}&page=2").css("li.listing::attr(data-id)").getall()
    status, _, shell = fetch(f"{demo_market}/js/search?q={q(keyword)}&page=2")
    assert status == 200
    shell_text = shell.decode()
    assert 'class="listing"' not in shell_text
    for listing in build_catalogue().search(keyword):
        assert listing.title not in shell_text
        assert listing.listing_id not in shell_text
    assert "textContent" in shell_text and "innerHTML" not in shell_text

    _, headers, body = fetch(f"{demo_market}/api/search?q={q(keyword)}&page=2")
    data = json.loads(body)
    assert headers["Content-Type"].startswith("application/json")
    assert [it["id"] for it in data["items"]] == plain_ids
    assert data["total"] == len(build_catalogue().search(keyword))
    listing = build_catalogue().by_id[plain_ids[0]]
    status, _, item_shell = fetch(f"{demo_market}/js/item/{listing.listing_id}")
    assert status == 200 and listing.title not in item_shell.decode()
    detail = json.loads(fetch(f"{demo_market}/api/item/{listing.listing_id}")[2])
    assert detail["title"] == listing.title and detail["description"] == listing.description


_DOM_SHIM = r"""
const [base, path, script] = [process.argv[1], process.argv[2], require("fs").readFileSync(0, "utf8")];
class El {
  constructor(tag) { this.tag = tag; this.attrs = {}; this.children = []; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  appendChild(c) { this.children.push(c); return c; }
  set textContent(t) { this.children = t === "" ? [] : [{text: String(t)}]; }
}
const app = new El("main");
globalThis.document = {createElement: (t) => new El(t), createTextNode: (t) => ({text: String(t)}),
  getElementById: () => app, querySelector: () => null, title: ""};
globalThis.window = {location: new URL(base + path)};
const realFetch = fetch;
globalThis.fetch = (url, opts) => realFetch(new URL(url, base), opts);
const tree = (n) => n.text !== undefined ? n.text : [n.tag, n.attrs, ...n.children.map(tree)];
process.on("beforeExit", () => { process.stdout.write(JSON.stringify(app.children.map(tree))); process.exit(0); });
eval(script);
"""


def _lxml_tree(node: Any) -> list[Any]:
    children: list[Any] = []
    if node.text:
        children.append(node.text)
    for child in node:
        attrs = {k: v.replace("/plain/", "/js/") for k, v in child.attrib.items()}
        children.append([child.tag, attrs, *_lxml_tree(child)])
        if child.tail:
            children.append(child.tail)
    return children


def _js_dom(base_url: str, path: str) -> list[Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    shell = fetch(base_url + path)[2].decode()
    script = Selector(text=shell).css("script::text").get()
    done = subprocess.run(
        [node, "-e", _DOM_SHIM, base_url, path], input=script, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("layout", ["v1", "v2"])
def test_js_variant_builds_the_same_dom_as_the_plain_variant(demo_market_factory: Any, layout: str) -> None:
    base_url = demo_market_factory(MarketOptions(layout=layout))
    listing = build_catalogue().of_kind("disguised")[0]
    for path in (f"/search?q={q('象牙')}&page=2", f"/search?q={q('象牙')}&page=99", f"/item/{listing.listing_id}"):
        plain = page(f"{base_url}/plain{path}").css("main#app")[0].root
        assert _js_dom(base_url, f"/js{path}") == _lxml_tree(plain), path


# ----------------------------------------------------------------------------------------------------------
# Misbehaviour
# ----------------------------------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(demo_market_factory: Any) -> None:
    base_url = demo_market_factory(rate_limit=2)
    answers = [fetch(f"{base_url}/plain/item/999999")[:2] for _ in range(12)]
    assert answers[0][0] == 404
    limited = [headers for status, headers in answers if status == 429]
    assert len(limited) >= 8
    assert all(headers["Retry-After"] == "1" for headers in limited)
    assert fetch(f"{base_url}/admin/reset", method="POST")[0] == 200


def test_error_rate_is_deterministic(demo_market_factory: Any) -> None:
    statuses = []
    for _ in range(2):
        base_url = demo_market_factory(error_rate=0.5)
        statuses.append([fetch(f"{base_url}/plain/")[0] for _ in range(40)])
    assert statuses[0] == statuses[1]
    assert set(statuses[0]) <= {200, 500, 503}
    assert 200 in statuses[0] and {500, 503} & set(statuses[0])
    always = demo_market_factory(error_rate=1.0)
    assert fetch(f"{always}/robots.txt")[0] in (500, 503)


@pytest.mark.parametrize(
    ("wall", "css", "text"),
    [("captcha", "div.captcha", "请拖动滑块完成验证"), ("login", "div.login-wall", "请登录后查看")],
)
def test_walls_answer_200_without_listings(demo_market_factory: Any, wall: str, css: str, text: str) -> None:
    base_url = demo_market_factory(wall=wall)
    listing = build_catalogue().listings[0]
    for path in (f"/plain/search?q={q('象牙')}", f"/plain/item/{listing.listing_id}", "/js/search?q=", "/gbk/search"):
        status, headers, body = fetch(base_url + path)
        sel = Selector(text=body.decode(headers.get_content_charset()))
        assert status == 200
        assert sel.css(css) and text in sel.css(f"{css} ::text").getall()
        assert sel.css("li.listing") == [] and sel.css("div.item") == []
    assert json.loads(fetch(f"{base_url}/api/search?q=")[2]) == {"wall": wall}


def test_layout_v2_defeats_v1_selectors(demo_market_factory: Any) -> None:
    base_url = demo_market_factory(layout="v2")
    listing = build_catalogue().listings[0]
    search = page(f"{base_url}/plain/search?q=")
    assert search.css("li.listing") == [] and search.css("ul.results") == [] and search.css("a.next") == []
    assert len(search.css("div.goods-card")) == PAGE_SIZE
    assert search.css("div.goods-card h3.goods-name a::text").get() == listing.title
    assert search.css("a.pager-next::attr(href)").get() == "/plain/search?q=&page=2"
    item = page(f"{base_url}/plain/item/{listing.listing_id}")
    assert item.css("div.item") == [] and item.css("h1.title") == [] and item.css("span.price") == []
    assert item.css("h2.goods-name::text").get() == listing.title
    assert item.css("em.goods-price::text").get() == f"{listing.price:.2f}元"


def test_admin_remove_and_price_change(demo_market_factory: Any) -> None:
    base_url = demo_market_factory()
    keyword = "玳瑁"
    listing = build_catalogue().search(keyword)[0]
    item_url = f"{base_url}/plain/item/{listing.listing_id}"
    search_url = f"{base_url}/plain/search?q={q(keyword)}"
    before = page(search_url)
    assert listing.listing_id in before.css("li.listing::attr(data-id)").getall()

    status, _, body = fetch(f"{base_url}/admin/listing/{listing.listing_id}/price?value=123.45", method="POST")
    assert status == 200 and json.loads(body)["price"] == "123.45"
    assert page(item_url).css("span.price::text").get() == "¥123.45"
    assert page(search_url).css(f'li[data-id="{listing.listing_id}"] span.price::text').get() == "¥123.45"
    assert json.loads(fetch(f"{base_url}/api/item/{listing.listing_id}")[2])["price"] == "123.45"
    assert fetch(f"{base_url}/admin/listing/{listing.listing_id}/price?value=abc", method="POST")[0] == 400

    assert fetch(f"{base_url}/admin/listing/{listing.listing_id}/remove", method="POST")[0] == 200
    status, _, body = fetch(item_url)
    assert status == 404 and "宝贝已下架" in body.decode()
    assert fetch(f"{base_url}/js/item/{listing.listing_id}")[0] == 404
    after = page(search_url)
    assert listing.listing_id not in after.css("li.listing::attr(data-id)").getall()
    assert after.css("div.result-count::text").get() == f"共 {len(build_catalogue().search(keyword)) - 1} 件宝贝"
    assert fetch(f"{base_url}/admin/listing/000000/remove", method="POST")[0] == 404
    assert fetch(f"{base_url}/admin/listing/{listing.listing_id}/remove")[0] == 405
    assert fetch(f"{base_url}/admin/listing/{listing.listing_id}/restore", method="POST")[0] == 200
    assert fetch(item_url)[0] == 200


def test_market_overlay_is_per_app() -> None:
    listing = build_catalogue().listings[0]
    with running_market() as first, running_market() as second:
        assert first != second
        fetch(f"{first}/admin/listing/{listing.listing_id}/remove", method="POST")
        assert fetch(f"{first}/plain/item/{listing.listing_id}")[0] == 404
        assert fetch(f"{second}/plain/item/{listing.listing_id}")[0] == 200
    assert build_catalogue().by_id[listing.listing_id] is listing


# ----------------------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------------------


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    register(app)
    return app


def test_cli_catalogue_counts_and_json_lines() -> None:
    runner = CliRunner()
    result = runner.invoke(_cli(), ["demo-market", "catalogue"])
    assert result.exit_code == 0, result.output
    assert "wildlife.ivory" in result.output and "hard_negative" in result.output
    result = runner.invoke(_cli(), ["demo-market", "catalogue", "--json"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(build_catalogue())
    first = json.loads(lines[0])
    assert first["listing_id"] == build_catalogue().listings[0].listing_id
    assert set(first) >= {"title", "price", "kind", "category", "posted_at", "seller_id"}


def test_cli_help_has_examples() -> None:
    for command in ("serve", "catalogue"):
        result = CliRunner().invoke(_cli(), ["demo-market", command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_cli_serve_reports_a_port_in_use_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(_cli(), ["demo-market", "serve", "--port", str(port)])
    assert result.exit_code != 0
    assert f"{port}" in result.output and "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_slow_responses_trip_a_client_timeout(demo_market_factory: Any) -> None:
    base_url = demo_market_factory(slow_ms=800)
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(f"{base_url}/robots.txt", timeout=0.1)
    with urllib.request.urlopen(f"{base_url}/admin/reset", data=b"", timeout=10) as response:
        assert response.status == 200

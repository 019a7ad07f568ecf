"""Fields run as compiled lxml queries give what parsel gives: item-page fields that share a leading CSS scope
(`div.item h1.title`, `div.item span.price`) find the scope once and look within it, and the values are exactly
those of each field's whole query, whatever the page holds; an XPath field may call EXSLT's functions."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.css_scope import split_scope
from crawler.extract import _fast_strings, _strings, extract_field, parse_item, select
from crawler.profiles import URL_FIELDS, FieldSelector, ListingFields, load_profile

DEMO = load_profile("demo")
URL = "http://127.0.0.1:8765/plain/item/100231"

ONE_ITEM = """<html><head><meta charset="utf-8"></head><body><main><div class="item" data-id="100231">
<img class="photo" src="/static/img/100231.svg"><h1 class="title">老象牙手镯 包老保真</h1>
<div class="meta"><span class="price">¥12800</span><span class="location">广州</span>
<time class="posted" datetime="2026-03-05T02:00:00+00:00">3月5日</time></div>
<div class="seller-box">卖家：<a class="seller" data-seller-id="u1001">古玩老张</a></div>
<div class="description"><p>祖传老货，懂的来。</p><p>同城可面交。</p></div>
<img class="shot" src="/static/img/100231-1.jpg"><img class="shot" src="/static/img/100231-2.jpg"></div>
<aside><h1 class="title">猜你喜欢</h1><span class="price">¥99</span></aside></main></body></html>"""

# Two listings' blocks on one page, one inside the other's description: the whole queries see both.
TWO_ITEMS = """<html><body><div class="item"><h1 class="title">红木手串</h1><span class="price">¥380</span>
<img class="shot" src="/a.jpg"><div class="description"><p>附赠：</p>
<div class="item"><h1 class="title">檀香木珠</h1><img class="shot" src="/b.jpg"><a class="seller">小李</a></div>
</div></div><div class="item"><span class="price">¥15</span><img class="shot" src="/c.jpg"></div></body></html>"""

NO_ITEM = """<html><body><div class="captcha"><h1 class="title">安全验证</h1><span class="price">¥0</span></div>
</body></html>"""


def whole_query(page: Selector, fields: ListingFields) -> dict[str, list[str]]:
    """Each field's matches by its whole query through parsel, no scope shared."""
    return {name: _strings(select(page, spec), spec.attr) for name, spec in fields.selector_items}


@pytest.mark.parametrize("html", [ONE_ITEM, TWO_ITEMS, NO_ITEM], ids=["one scope", "nested scopes", "no scope"])
def test_fields_within_a_shared_scope_are_those_of_their_whole_queries(html: str) -> None:
    fields = DEMO.item_page.fields if DEMO.item_page else None
    assert fields is not None and fields.shared_scopes  # the demo's item page fields all start with `div.item`
    page = Selector(text=html)
    expected = whole_query(page, fields)
    scopes = dict.fromkeys(fields.shared_scopes)
    for name, spec in fields.selector_items:
        alone = extract_field(page, spec, single=name in URL_FIELDS)
        within = extract_field(page, spec, single=name in URL_FIELDS, scopes=scopes)
        assert within == alone, name
    # the scope was looked for, and what it found kept for the node's other fields: one block here, two (each
    # field's whole query run instead) or none
    blocks = {ONE_ITEM: 1, TWO_ITEMS: 3, NO_ITEM: 0}[html]
    assert [len(found) if found is not None else None for found in scopes.values()] == [blocks]
    item = parse_item(DEMO, page, URL)
    if html is TWO_ITEMS:  # every block's matches, in page order, as the whole query finds them
        assert expected["images"] == ["/a.jpg", "/b.jpg", "/c.jpg"]
        assert item.fields["images"] == "/a.jpg /b.jpg /c.jpg"
        assert item.fields["price"] == "¥380 ¥15"
        assert item.fields["seller"] == "小李"
    elif html is ONE_ITEM:
        assert item.fields["title"] == "老象牙手镯 包老保真"  # not the aside's title, outside the listing
        assert item.fields["description"] == "祖传老货，懂的来。\n同城可面交。"
        assert item.fields["seller_id"] == "u1001"
        assert item.fields["image_url"] == "http://127.0.0.1:8765/static/img/100231.svg"
        assert item.fields["images"] == "/static/img/100231-1.jpg /static/img/100231-2.jpg"
    else:
        assert item.fields == {} and item.blocked == "安全验证"


def test_a_scope_is_shared_only_by_selectors_that_start_with_it() -> None:
    fields = ListingFields.model_validate(
        {
            "title": {"css": "div.item > h1::text"},
            "price": {"css": "div.item span.price::text"},
            "seller": {"css": "a.seller::text"},
            "location": {"css": "div.meta span.location::text"},
            "description": {"css": "div.item p::text, div.note p::text"},
        }
    )
    (scope,) = fields.shared_scopes
    assert scope == split_scope("div.item span.price")[0]  # type: ignore[index]
    assert split_scope("div.item > h1::text") == (scope, "./h1/text()")
    assert split_scope("a.seller::text") is None  # one compound: nothing to share
    assert split_scope("div.item p::text, div.note p::text") is None  # a group: each part has its own scope


def test_an_xpath_field_may_call_exslt_regular_expressions_and_sets() -> None:
    links_html = '<a href="/item/12">老象牙</a><a href="/shop/3">店铺</a><a href="/item/12">老象牙</a>'
    page = Selector(text=f"<html><body>{links_html}</body></html>")
    links = FieldSelector(xpath=r'//a[re:test(@href, "^/item/\d+$")]/@href', join=" ")
    assert extract_field(page, links) == "/item/12 /item/12"
    assert _fast_strings(page, links) == ["/item/12", "/item/12"]  # run by lxml itself, not handed to parsel
    names = FieldSelector(xpath="set:distinct(//a/text())", join=",")
    assert extract_field(page, names) == "老象牙,店铺"


def test_each_selector_is_read_as_its_own_query_however_many_come_and_go() -> None:
    page = Selector(text='<html><body><p class="a">甲</p><p class="b">乙</p><a href="/x">丙</a></body></html>')
    for round_number in range(50):  # selectors made and dropped: a new one may take a dropped one's address
        css = ("p.a::text", "p.b::text", "a::attr(href)")[round_number % 3]
        spec = FieldSelector(css=css)
        assert extract_field(page, spec) == {"p.a::text": "甲", "p.b::text": "乙", "a::attr(href)": "/x"}[css]
        del spec

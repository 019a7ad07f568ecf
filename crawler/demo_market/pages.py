"""HTML, JSON and SVG of the demo marketplace, built from plain string templates.

Markup contract of layout ``v1`` (crawler profiles depend on it):

- search page: ``div.result-count`` ("共 N 件宝贝"), ``ul.results`` with one ``li.listing[data-id]`` per
  listing holding ``a.title``, ``span.price`` ("¥1234.00"), ``a.seller``, ``span.location``; ``p.empty``
  ("没有找到相关宝贝") when the page has no listing; ``a.next`` ("下一页") only when a next page exists.
- item page: ``div.item[data-id]`` holding ``h1.title``, ``span.price``, ``div.description`` (one ``<p>`` per
  line), ``a.seller[data-seller-id]``, ``span.location``, ``time.posted[datetime]`` (UTC ISO 8601 in the
  attribute, the bureau's local time as text) and ``img.photo``.
- category page (``/<v>/category/<slug>?page=N``) and newest listings (``/<v>/newest?page=N``): like a search
  page, newest first, 20 listings a page.
- seller page: ``div.seller-profile[data-seller-id]`` with ``h1.seller-name`` and ``span.location``, then the
  seller's listings as an ``ul.results`` like the search page.

Layout ``v2`` renames every class and changes the structure (``div.goods-card`` / ``h3.goods-name`` ...), so
v1 selectors find nothing. The JavaScript of the ``js`` variant builds the same DOM inside ``main#app``
as the server renders for the ``plain`` variant; `tests/test_demo_market.py` checks that they agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any, Literal
from urllib.parse import quote

from core.workdays import BUREAU_TZ
from crawler.demo_market.catalogue import DemoListing, DemoSeller, format_price
from crawler.demo_market.options import Layout, Wall

Variant = Literal["plain", "js", "gbk"]
VARIANTS: tuple[Variant, ...] = ("plain", "js", "gbk")
PAGE_SIZE = 20
SITE_NAME = "闲置集市"
NO_RESULTS = "没有找到相关宝贝"


# Characters JavaScript's encodeURIComponent leaves alone, so server and script build identical links.
_URI_COMPONENT_SAFE = "-_.!~*'()"


def e(text: object) -> str:
    """HTML-escape catalogue text (also quotes, so it is safe inside attributes)."""
    return escape(str(text), quote=True)


def query_component(text: str, variant: Variant) -> str:
    """Percent-encode a search keyword as the variant's pages do: GBK on the gbk site, UTF-8 elsewhere."""
    encoding = "gbk" if variant == "gbk" else "utf-8"
    return quote(text, safe=_URI_COMPONENT_SAFE, encoding=encoding, errors="xmlcharrefreplace")


def search_url(variant: Variant, keyword: str, page: int) -> str:
    return f"/{variant}/search?q={query_component(keyword, variant)}&page={page}"


def local_time(moment: datetime) -> str:
    return moment.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M")


def encode_page(html: str, variant: Variant) -> bytes:
    if variant == "gbk":
        return html.encode("gbk", errors="xmlcharrefreplace")
    return html.encode("utf-8")


def content_type(variant: Variant) -> str:
    return "text/html; charset=GBK" if variant == "gbk" else "text/html; charset=utf-8"


_STYLE = (
    "body{font-family:sans-serif;margin:0;background:#f6f6f6;color:#222}"
    "header{background:#ffda44;padding:8px 16px}main{padding:16px;max-width:960px;margin:auto}"
    ".results,.goods-list{list-style:none;padding:0}.listing,.goods-card{background:#fff;margin:6px 0;padding:8px}"
    ".price,.goods-price{color:#e4393c;font-weight:bold;margin:0 8px}.location,.goods-area{color:#888}"
    "img{width:60px;height:60px;vertical-align:middle;margin-right:8px}"
    ".item img,.goods-detail img{width:240px;height:240px}"
)


def layout_page(variant: Variant, title: str, body: str, keyword: str = "", script: str = "") -> str:
    """The frame every page shares: header with a search form, ``main#app`` holding `body`."""
    charset = "gbk" if variant == "gbk" else "utf-8"
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} - {SITE_NAME}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<header class="site-header"><a class="logo" href="/{variant}/">{SITE_NAME}</a>\n'
        f'<form class="search-form" action="/{variant}/search" method="get">'
        f'<input class="search-input" name="q" value="{e(keyword)}" placeholder="搜索宝贝">'
        f'<button type="submit">搜索</button></form></header>\n'
        f'<main id="app">{body}</main>\n'
        f'<footer class="site-footer">演示站点，所有商品均为虚构 / Demo site, all listings are fictitious</footer>\n'
        f"{script}</body>\n</html>\n"
    )


def home_page() -> str:
    links = "".join(
        f'<li><a class="variant" href="/{v}/">{label}</a></li>'
        for v, label in (
            ("plain", "服务端渲染 / server-rendered HTML"),
            ("js", "前端渲染 / rendered by JavaScript"),
            ("gbk", "GBK 编码 / GBK-encoded pages"),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{SITE_NAME} - 演示市场 / Demo marketplace</title>\n</head>\n<body>\n"
        f"<h1>{SITE_NAME} 演示市场 / Demo marketplace</h1>\n"
        "<p>本站为 tradewatch 的本地演示站点，商品均为虚构。 / A local demo site for tradewatch; "
        "every listing is fictitious.</p>\n"
        f'<ul class="variants">{links}</ul>\n</body>\n</html>\n'
    )


ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nAllow: /api/\nAllow: /\n"


def listing_svg(listing_id: str) -> bytes:
    """A small placeholder picture whose colour depends on the id."""
    number = int(listing_id) if listing_id.isdigit() else sum(map(ord, listing_id))
    hue = number * 37 % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">'
        f'<rect width="240" height="240" fill="hsl({hue},55%,75%)"/>'
        f'<text x="120" y="128" font-size="28" text-anchor="middle" fill="#333">#{e(listing_id)}</text></svg>'
    ).encode()


# --------------------------------------------------------------------------------------------------------------
# Walls and errors (same for both layouts)
# --------------------------------------------------------------------------------------------------------------


def wall_body(wall: Wall) -> str:
    if wall == "captcha":
        return (
            '<div class="captcha"><h1>安全验证</h1><p>请拖动滑块完成验证</p>'
            '<div class="slider"><span class="slider-button">&gt;&gt;</span></div></div>'
        )
    return (
        '<div class="login-wall"><h1>请登录后查看</h1><p>登录后才能浏览宝贝详情</p>'
        '<a class="login-button" href="#login">登录</a></div>'
    )


def wall_title(wall: Wall) -> str:
    return "安全验证" if wall == "captcha" else "请登录"


def not_found_body(removed: bool) -> str:
    if removed:
        return '<div class="not-found removed"><h1>宝贝已下架</h1><p>该宝贝已被卖家下架或删除</p></div>'
    return '<div class="not-found"><h1>宝贝不存在</h1><p>您访问的页面不存在</p></div>'


# --------------------------------------------------------------------------------------------------------------
# Layout-dependent fragments
# --------------------------------------------------------------------------------------------------------------


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{e(line)}</p>" for line in text.split("\n") if line)


class Markup:
    """Fragments of one layout for one site variant."""

    def __init__(self, variant: Variant, layout: Layout) -> None:
        self.variant = variant
        self.layout = layout

    def card(self, listing: DemoListing, price: Decimal) -> str:
        v, lid = self.variant, listing.listing_id
        if self.layout == "v1":
            return (
                f'<li class="listing" data-id="{lid}"><img class="thumb" src="/static/img/{lid}.svg" alt="">'
                f'<a class="title" href="/{v}/item/{lid}">{e(listing.title)}</a>'
                f'<span class="price">{format_price(price)}</span>'
                f'<a class="seller" href="/{v}/seller/{listing.seller_id}">{e(listing.seller)}</a>'
                f'<span class="location">{e(listing.location)}</span></li>'
            )
        return (
            f'<div class="goods-card" data-goods-id="{lid}">'
            f'<img class="goods-thumb" src="/static/img/{lid}.svg" alt="">'
            f'<h3 class="goods-name"><a href="/{v}/item/{lid}">{e(listing.title)}</a></h3>'
            f'<div class="goods-info"><em class="goods-price">{price:.2f}元</em>'
            f'<a class="goods-shop" href="/{v}/seller/{listing.seller_id}">{e(listing.seller)}</a>'
            f'<span class="goods-area">{e(listing.location)}</span></div></div>'
        )

    def search_body(
        self,
        keyword: str,
        page: int,
        total: int,
        cards: list[str],
        has_next: bool,
        link: Callable[[int], str] | None = None,
    ) -> str:
        """A result page: of a search for `keyword`, or (with `link`, the URL of a page number) of a category or
        the newest listings."""
        v = self.variant
        if link is None:
            link = lambda number: search_url(v, keyword, number)  # noqa: E731
        if self.layout == "v1":
            parts = [f'<div class="result-count">共 {total} 件宝贝</div>', '<ul class="results">', *cards, "</ul>"]
            if not cards:
                parts.append(f'<p class="empty">{NO_RESULTS}</p>')
            parts.append('<div class="pager">')
            if page > 1:
                parts.append(f'<a class="prev" href="{link(page - 1)}">上一页</a>')
            parts.append(f'<span class="page-no">第 {page} 页</span>')
            if has_next:
                parts.append(f'<a class="next" href="{link(page + 1)}">下一页</a>')
            parts.append("</div>")
            return "".join(parts)
        parts = [f'<div class="goods-total">共找到 <b>{total}</b> 件商品</div>', '<div class="goods-list">', *cards]
        parts.append("</div>")
        if not cards:
            parts.append(f'<div class="no-goods">{NO_RESULTS}</div>')
        parts.append('<nav class="pagination">')
        if page > 1:
            parts.append(f'<a class="pager-prev" href="{link(page - 1)}">&lt; 上一页</a>')
        parts.append(f'<em class="pager-current">{page}</em>')
        if has_next:
            parts.append(f'<a class="pager-next" href="{link(page + 1)}">下一页 &gt;</a>')
        parts.append("</nav>")
        return "".join(parts)

    def item_body(self, listing: DemoListing, price: Decimal) -> str:
        v, lid = self.variant, listing.listing_id
        posted = listing.posted_at
        if self.layout == "v1":
            return (
                f'<div class="item" data-id="{lid}">'
                f'<img class="photo" src="/static/img/{lid}.svg" alt="{e(listing.title)}">'
                + "".join(f'<img class="shot" src="/static/photo/{name}" alt="">' for name in listing.photos)
                + f'<h1 class="title">{e(listing.title)}</h1>'
                f'<div class="meta"><span class="price">{format_price(price)}</span>'
                f'<span class="location">{e(listing.location)}</span>'
                f'<time class="posted" datetime="{posted.isoformat()}">{local_time(posted)}</time></div>'
                f'<div class="seller-box">卖家：<a class="seller" href="/{v}/seller/{listing.seller_id}" '
                f'data-seller-id="{listing.seller_id}">{e(listing.seller)}</a></div>'
                f'<div class="description">{_paragraphs(listing.description)}</div></div>'
            )
        return (
            f'<section class="goods-detail" data-goods-id="{lid}">'
            f'<img class="goods-pic" src="/static/img/{lid}.svg" alt="{e(listing.title)}">'
            f'<h2 class="goods-name">{e(listing.title)}</h2>'
            f'<div class="goods-info"><em class="goods-price">{price:.2f}元</em>'
            f'<span class="goods-area">{e(listing.location)}</span>'
            f'<span class="goods-time" data-ts="{int(posted.timestamp())}">发布于 {local_time(posted)}</span></div>'
            f'<div class="goods-shop-box">卖家 <a class="goods-shop" href="/{v}/seller/{listing.seller_id}" '
            f'data-shop-id="{listing.seller_id}">{e(listing.seller)}</a></div>'
            f'<article class="goods-desc">{_paragraphs(listing.description)}</article></section>'
        )

    def seller_body(self, seller: DemoSeller, cards: list[str]) -> str:
        if self.layout == "v1":
            return (
                f'<div class="seller-profile" data-seller-id="{seller.seller_id}">'
                f'<h1 class="seller-name">{e(seller.name)}</h1><span class="location">{e(seller.location)}</span>'
                f'<span class="listing-count">在售 {len(cards)} 件宝贝</span></div>'
                f'<ul class="results">{"".join(cards)}</ul>'
            )
        return (
            f'<section class="shop-profile" data-shop-id="{seller.seller_id}">'
            f'<h2 class="shop-name">{e(seller.name)}</h2><span class="goods-area">{e(seller.location)}</span>'
            f'<span class="shop-count">{len(cards)} 件在售</span></section>'
            f'<div class="goods-list">{"".join(cards)}</div>'
        )


# --------------------------------------------------------------------------------------------------------------
# JSON API
# --------------------------------------------------------------------------------------------------------------


def listing_summary(listing: DemoListing, price: Decimal) -> dict[str, Any]:
    return {
        "id": listing.listing_id,
        "title": listing.title,
        "price": f"{price:.2f}",
        "price_text": format_price(price),
        "seller": listing.seller,
        "seller_id": listing.seller_id,
        "location": listing.location,
        "image": listing.image,
    }


def listing_detail(listing: DemoListing, price: Decimal) -> dict[str, Any]:
    return {
        **listing_summary(listing, price),
        "description": listing.description,
        "posted_at": listing.posted_at.isoformat(),
        "posted_local": local_time(listing.posted_at),
        "posted_ts": int(listing.posted_at.timestamp()),
    }


def dumps(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------------------------------------------
# Client-side rendering (the js variant)
# --------------------------------------------------------------------------------------------------------------

_JS_COMMON = r"""
(function () {
  "use strict";
  var app = document.getElementById("app");
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { for (var k in attrs) { node.setAttribute(k, attrs[k]); } }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent, children) {
    for (var i = 0; i < children.length; i++) { parent.appendChild(children[i]); }
    return parent;
  }
  function txt(text) { return document.createTextNode(text); }
  function searchUrl(q, page) { return "/js/search?q=" + encodeURIComponent(q) + "&page=" + page; }
  function paragraphs(parent, text) {
    var lines = text.split("\n");
    for (var i = 0; i < lines.length; i++) { if (lines[i]) { parent.appendChild(el("p", null, lines[i])); } }
    return parent;
  }
  function show(data, render) {
    app.textContent = "";
    if (data.wall) { app.appendChild(wall(data.wall)); return; }
    render(data);
  }
  function wall(kind) {
    if (kind === "captcha") {
      return add(el("div", {"class": "captcha"}), [el("h1", null, "安全验证"), el("p", null, "请拖动滑块完成验证"),
        add(el("div", {"class": "slider"}), [el("span", {"class": "slider-button"}, ">>")])]);
    }
    return add(el("div", {"class": "login-wall"}), [el("h1", null, "请登录后查看"),
      el("p", null, "登录后才能浏览宝贝详情"), el("a", {"class": "login-button", "href": "#login"}, "登录")]);
  }
  function notFound(removed) {
    if (removed) {
      return add(el("div", {"class": "not-found removed"}), [el("h1", null, "宝贝已下架"),
        el("p", null, "该宝贝已被卖家下架或删除")]);
    }
    return add(el("div", {"class": "not-found"}), [el("h1", null, "宝贝不存在"),
      el("p", null, "您访问的页面不存在")]);
  }
  function fetchJson(url) {
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); });
  }
"""

_JS_V1 = r"""
  function card(it) {
    return add(el("li", {"class": "listing", "data-id": it.id}), [
      el("img", {"class": "thumb", "src": "/static/img/" + it.id + ".svg", "alt": ""}),
      el("a", {"class": "title", "href": "/js/item/" + it.id}, it.title),
      el("span", {"class": "price"}, it.price_text),
      el("a", {"class": "seller", "href": "/js/seller/" + it.seller_id}, it.seller),
      el("span", {"class": "location"}, it.location)]);
  }
  function renderSearch(data) {
    app.appendChild(el("div", {"class": "result-count"}, "共 " + data.total + " 件宝贝"));
    var ul = app.appendChild(el("ul", {"class": "results"}));
    for (var i = 0; i < data.items.length; i++) { ul.appendChild(card(data.items[i])); }
    if (!data.items.length) { app.appendChild(el("p", {"class": "empty"}, "没有找到相关宝贝")); }
    var pager = app.appendChild(el("div", {"class": "pager"}));
    if (data.page > 1) {
      pager.appendChild(el("a", {"class": "prev", "href": searchUrl(data.query, data.page - 1)}, "上一页"));
    }
    pager.appendChild(el("span", {"class": "page-no"}, "第 " + data.page + " 页"));
    if (data.next_page) {
      pager.appendChild(el("a", {"class": "next", "href": searchUrl(data.query, data.next_page)}, "下一页"));
    }
  }
  function renderItem(it) {
    var box = add(el("div", {"class": "seller-box"}), [txt("卖家："),
      el("a", {"class": "seller", "href": "/js/seller/" + it.seller_id, "data-seller-id": it.seller_id}, it.seller)]);
    app.appendChild(add(el("div", {"class": "item", "data-id": it.id}), [
      el("img", {"class": "photo", "src": "/static/img/" + it.id + ".svg", "alt": it.title}),
      el("h1", {"class": "title"}, it.title),
      add(el("div", {"class": "meta"}), [el("span", {"class": "price"}, it.price_text),
        el("span", {"class": "location"}, it.location),
        el("time", {"class": "posted", "datetime": it.posted_at}, it.posted_local)]),
      box, paragraphs(el("div", {"class": "description"}), it.description)]));
  }
"""

_JS_V2 = r"""
  function card(it) {
    return add(el("div", {"class": "goods-card", "data-goods-id": it.id}), [
      el("img", {"class": "goods-thumb", "src": "/static/img/" + it.id + ".svg", "alt": ""}),
      add(el("h3", {"class": "goods-name"}), [el("a", {"href": "/js/item/" + it.id}, it.title)]),
      add(el("div", {"class": "goods-info"}), [el("em", {"class": "goods-price"}, it.price + "元"),
        el("a", {"class": "goods-shop", "href": "/js/seller/" + it.seller_id}, it.seller),
        el("span", {"class": "goods-area"}, it.location)])]);
  }
  function renderSearch(data) {
    app.appendChild(add(el("div", {"class": "goods-total"}),
      [txt("共找到 "), el("b", null, data.total), txt(" 件商品")]));
    var list = app.appendChild(el("div", {"class": "goods-list"}));
    for (var i = 0; i < data.items.length; i++) { list.appendChild(card(data.items[i])); }
    if (!data.items.length) { app.appendChild(el("div", {"class": "no-goods"}, "没有找到相关宝贝")); }
    var nav = app.appendChild(el("nav", {"class": "pagination"}));
    if (data.page > 1) {
      nav.appendChild(el("a", {"class": "pager-prev", "href": searchUrl(data.query, data.page - 1)}, "< 上一页"));
    }
    nav.appendChild(el("em", {"class": "pager-current"}, data.page));
    if (data.next_page) {
      nav.appendChild(el("a", {"class": "pager-next", "href": searchUrl(data.query, data.next_page)}, "下一页 >"));
    }
  }
  function renderItem(it) {
    app.appendChild(add(el("section", {"class": "goods-detail", "data-goods-id": it.id}), [
      el("img", {"class": "goods-pic", "src": "/static/img/" + it.id + ".svg", "alt": it.title}),
      el("h2", {"class": "goods-name"}, it.title),
      add(el("div", {"class": "goods-info"}), [el("em", {"class": "goods-price"}, it.price + "元"),
        el("span", {"class": "goods-area"}, it.location),
        el("span", {"class": "goods-time", "data-ts": it.posted_ts}, "发布于 " + it.posted_local)]),
      add(el("div", {"class": "goods-shop-box"}), [txt("卖家 "),
        el("a", {"class": "goods-shop", "href": "/js/seller/" + it.seller_id, "data-shop-id": it.seller_id},
          it.seller)]),
      paragraphs(el("article", {"class": "goods-desc"}), it.description)]));
  }
"""

_JS_SEARCH_MAIN = r"""
  var params = new URLSearchParams(window.location.search);
  var q = params.get("q") || "";
  var page = params.get("page") || "1";
  var input = document.querySelector("input[name=q]");
  if (input) { input.value = q; }
  fetchJson("/api/search?q=" + encodeURIComponent(q) + "&page=" + encodeURIComponent(page)).then(function (data) {
    if (!data.wall) { document.title = (q ? q + " - " : "") + "搜索结果 - 闲置集市"; }
    show(data, renderSearch);
  });
})();
"""

_JS_ITEM_MAIN = r"""
  var id = window.location.pathname.split("/").pop();
  fetchJson("/api/item/" + encodeURIComponent(id)).then(function (data) {
    if (data.error) { app.textContent = ""; app.appendChild(notFound(data.removed)); return; }
    document.title = data.title + " - 闲置集市";
    show(data, renderItem);
  });
})();
"""


def js_script(layout: Layout, page: Literal["search", "item"]) -> str:
    """The inline script of a js-variant page: it fetches the JSON API and builds the DOM with textContent."""
    body = _JS_V1 if layout == "v1" else _JS_V2
    main = _JS_SEARCH_MAIN if page == "search" else _JS_ITEM_MAIN
    return f"<script>{_JS_COMMON}{body}{main}</script>\n"


def js_shell(layout: Layout, page: Literal["search", "item"]) -> str:
    """A js-variant page without any listing data: ``main#app`` is filled by the script."""
    title = "搜索结果" if page == "search" else "宝贝详情"
    return layout_page("js", title, '<div class="loading">加载中…</div>', script=js_script(layout, page))


SITEMAP_SIZE = 500  # item URLs per sitemap file


def sitemap_index(base_url: str, parts: int) -> bytes:
    """The sitemap index: one sitemap file per `SITEMAP_SIZE` listings."""
    entries = "".join(f"<sitemap><loc>{base_url}/sitemap-{n}.xml</loc></sitemap>" for n in range(1, parts + 1))
    xml = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{_SITEMAP_NS}">{entries}</sitemapindex>'
    return xml.encode()


def sitemap_urls(base_url: str, listings: list[DemoListing]) -> bytes:
    """A sitemap URL set of the plain site's item pages, with each listing's posting time as lastmod."""
    entries = "".join(
        f"<url><loc>{base_url}/plain/item/{li.listing_id}</loc><lastmod>{li.posted_at:%Y-%m-%d}</lastmod></url>"
        for li in listings
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{_SITEMAP_NS}">{entries}</urlset>'.encode()


_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

"""`tradewatch platforms check` shows what a sweep would store, reject and judge; selectors never crash it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from parsel import Selector
from typer.testing import CliRunner

from cli.app import app
from core.errors import InputFileError
from crawler.extract import parse_results
from crawler.profiles import Profile, load_profile_file

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
PAGE = """<html><head><meta charset="utf-8"><title>搜索 象牙 - 闲置集市</title></head><body>
<ul class="results">
<li class="listing"><a class="title" href="/item/1001">老象牙手镯 保真</a><a class="title" href="/reb/1001">返利</a>
  <img src="/img/1001.jpg"><img src="/img/1001b.jpg"><span class="price">¥3,800</span><i class="seller">古玩老张</i>
  <script type="application/json">{"sku": {"tags": null}, "city": "广州"}</script></li>
<li class="listing"><a class="title" href="/item/1002">穿山甲鳞片 中药材</a><span class="price">260元</span>
  <script type="application/json">{"sku": {"tags": ["药材", "鳞片"]}, "city": "昆明"}</script></li>
<li class="listing"><a class="title" href="/item/1003">犀牛角 雕件</a><span class="price">面议</span>
  <i class="seller">藏友</i>
  <script type="application/json">{"sku": {"tags": ["摆件"]}, "city": "北京"}</script></li>
</ul>
<a class="next" href="/search?q=象牙&page=2">下一页</a> <a class="next" href="/reb/next">返利</a>
</body></html>"""
PROFILE = {
    "name": "xianzhi",
    "display_name": "闲置集市 / Xianzhi market",
    "base_url": "http://127.0.0.1:8765",
    "currency": "CNY",
    "search": {"url": "{base_url}/plain/search?q={keyword}&page={page}"},
    "results": {
        "item": {"css": "ul.results li.listing"},
        "fields": {
            "title": {"css": "a.title::text", "first": True},
            "url": {"css": "a.title::attr(href)"},
            "image_url": {"css": "img::attr(src)"},
            "price": {"css": "span.price::text"},
            "seller": {"css": "i.seller::text"},
            "location": {"css": "script::text", "json_path": "city"},
            "extra": {"tags": {"css": "script::text", "json_path": "join(',', sku.tags)"}},
        },
    },
    "listing_id": {"url_pattern": r"/item/(\d+)"},
    "pagination": {"next_link": {"css": "a.next::attr(href)"}},
    "health": {"min_coverage": 0.9, "fields": ["title", "url", "price", "seller"]},
}
URL = "http://127.0.0.1:8765/plain/search?q=象牙"


def write(tmp_path: Path, profile: dict, page: str = PAGE) -> tuple[Path, Path]:
    profile_path, page_path = tmp_path / "xianzhi.yaml", tmp_path / "saved-search.html"
    profile_path.write_text(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page_path.write_text(page, encoding="utf-8")
    return profile_path, page_path


def check_json(tmp_path: Path, profile: dict, page: str = PAGE):
    profile_path, page_path = write(tmp_path, profile, page)
    result = runner.invoke(app, ["platforms", "check", str(profile_path), "--file", str(page_path), "--url", URL,
                                 "--json"])  # fmt: skip
    return result, json.loads(result.stdout)


def test_url_like_fields_take_the_first_match_unless_join_is_given():
    profile = Profile.model_validate(PROFILE)
    results = parse_results(profile, Selector(text=PAGE), URL)
    first = results.listings[0]
    assert first["url"] == "http://127.0.0.1:8765/item/1001"
    assert first["image_url"] == "http://127.0.0.1:8765/img/1001.jpg"
    assert results.next_url == "http://127.0.0.1:8765/search?q=象牙&page=2"
    joined = {**PROFILE["results"]["fields"], "image_url": {"css": "img::attr(src)", "join": " "}}
    profile = Profile.model_validate({**PROFILE, "results": {**PROFILE["results"], "fields": joined}})
    assert (
        parse_results(profile, Selector(text=PAGE), URL)
        .listings[0]["image_url"]
        .endswith("/img/1001.jpg /img/1001b.jpg")
    )


def test_check_json_shows_raw_and_stored_values_rejects_errors_and_the_health_verdict(tmp_path: Path):
    result, out = check_json(tmp_path, PROFILE)
    assert out["matched"] == 3
    stored = [listing["stored"] for listing in out["listings"]]
    assert [listing["price"] for listing in out["listings"]] == ["¥3,800", "260元", "面议"]
    assert [(row["price"], row["currency"]) for row in stored] == [(3800.0, "CNY"), (260.0, "CNY"), (None, None)]
    assert stored[2]["price_raw"] == "面议"
    assert out["unparsed"] == {"price": 1}
    # join() over a null is a JMESPath type error on that listing only: counted, the listing kept
    assert out["field_errors"] == {"tags": 1}
    assert "invalid type for value: None" in out["field_error_details"]["tags"]
    assert [listing.get("tags") for listing in out["listings"]] == [None, "药材,鳞片", "摆件"]
    assert out["coverage"]["seller"] == {"present": 2, "total": 3}
    assert out["health"]["outcome"] == "degraded"
    assert "coverage of seller 67% is under 90%" in out["health"]["reasons"]
    assert result.exit_code == 3
    assert "would be degraded" in result.stderr


def test_when_the_title_regex_fails_on_every_row_check_counts_the_rejects_and_names_the_field(tmp_path: Path):
    fields = {**PROFILE["results"]["fields"], "title": {"css": "a.title::text", "regex": r"^(\d{6})$"}}
    result, out = check_json(tmp_path, {**PROFILE, "results": {**PROFILE["results"], "fields": fields}})
    assert result.exit_code == 1
    assert out["listings"] == []
    assert out["matched"] == 3
    assert out["rejected"] == {"missing: title": 3}
    assert {row["field"] for row in out["rejected_listings"]} == {"title"}
    assert out["coverage"]["title"] == {"present": 0, "total": 3}
    assert out["coverage"]["url"] == {"present": 3, "total": 3}
    assert out["health"]["outcome"] == "broken"
    assert "no listing kept: 3 matched, all rejected (missing: title: 3)" in result.stderr


def test_a_jmespath_error_on_a_required_field_rejects_that_listing_as_a_field_error(tmp_path: Path):
    fields = {**PROFILE["results"]["fields"], "title": {"css": "script::text", "json_path": "join(',', sku.tags)"}}
    result, out = check_json(tmp_path, {**PROFILE, "results": {**PROFILE["results"], "fields": fields}})
    assert "Traceback" not in result.output
    assert out["rejected"] == {"field_error: title": 1}
    assert "JSON path" in out["rejected_listings"][0]["detail"]
    assert [listing["title"] for listing in out["listings"]] == ["药材,鳞片", "摆件"]


def test_check_table_keeps_a_readable_title_at_80_columns(tmp_path: Path):
    profile_path, page_path = write(tmp_path, PROFILE)
    result = runner.invoke(app, ["platforms", "check", str(profile_path), "--file", str(page_path), "--url", URL],
                           env={"COLUMNS": "80", "TRADEWATCH_LANG": "en"})  # fmt: skip
    assert result.exit_code == 3
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "老象牙手镯" in result.stdout and "穿山甲鳞片" in result.stdout
    assert "3800 CNY" in result.stdout
    assert "Listings found: 3 of 3 matched" in result.stdout


def test_unknown_field_names_are_refused_with_did_you_mean(tmp_path: Path):
    fields = {**PROFILE["results"]["fields"], "locaton": {"css": "b::text"}}
    path, _ = write(tmp_path, {**PROFILE, "results": {**PROFILE["results"], "fields": fields}})
    with pytest.raises(InputFileError, match=r"unknown field 'locaton' \(did you mean 'location'\?; known: .*seller"):
        load_profile_file(path)
    result = runner.invoke(app, ["platforms", "check", str(path), "--file", str(path)])
    assert result.exit_code == 2
    assert "did you mean 'location'" in result.output

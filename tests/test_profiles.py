"""Platform profiles: every shipped profile is valid; malformed ones are refused with file, field and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.errors import InputFileError, TradewatchError
from crawler.profiles import PACKAGED_PROFILES, available_profiles, load_profile, load_profile_file

MINIMAL = {
    "name": "xianyu",
    "display_name": "闲鱼 / Xianyu",
    "base_url": "https://www.goofish.com",
    "search": {"url": "{base_url}/search?q={keyword}&page={page}"},
    "results": {
        "item": {"css": "div.feeds-item"},
        "fields": {
            "title": {"css": "span.main-title::text"},
            "url": {"css": "a::attr(href)"},
            "price": {"css": "span.number::text"},
        },
    },
    "listing_id": {"url_pattern": r"[?&]id=(\d+)"},
}


def write(tmp_path: Path, data: dict, name: str = "xianyu.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_every_shipped_profile_is_valid():
    names = {path.stem for path in PACKAGED_PROFILES.glob("*.yaml")}
    assert {"demo", "demo-js", "demo-gbk", "taobao", "jd", "1688", "tmall", "momo", "craigslist"} <= names
    for path in PACKAGED_PROFILES.glob("*.yaml"):
        profile = load_profile_file(path)
        assert profile.name == path.stem


def test_a_minimal_profile_loads_with_defaults(tmp_path: Path):
    profile = load_profile_file(write(tmp_path, MINIMAL))
    assert profile.render.mode == "static"
    assert profile.politeness.obey_robots is True
    assert profile.pagination.max_pages == 5
    assert profile.domains == ["www.goofish.com"]
    assert profile.all_fields() == ["title", "url", "price"]


def test_a_profile_shows_photos_when_a_page_it_reads_names_them(tmp_path: Path):
    assert load_profile_file(PACKAGED_PROFILES / "demo.yaml").shows_photos  # on the listing's own page
    assert not load_profile_file(write(tmp_path, MINIMAL)).shows_photos
    on_results = {**MINIMAL["results"], "fields": {**MINIMAL["results"]["fields"], "images": {"css": "img::attr(src)"}}}
    assert load_profile_file(write(tmp_path, {**MINIMAL, "results": on_results})).shows_photos
    unread_page = {"follow": False, "fields": {"images": {"css": "img::attr(src)"}}}
    assert not load_profile_file(write(tmp_path, {**MINIMAL, "item_page": unread_page})).shows_photos


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"colour": "red"}, "colour", "unknown field"),
        ({"results": {**MINIMAL["results"], "item": {"css": "div..feeds"}}}, "results.item", "bad CSS selector"),
        (
            {
                "results": {
                    **MINIMAL["results"],
                    "fields": {"url": {"css": "a::attr(href)"}, "extra": {"x": {"xpath": "//a["}}},
                }
            },
            "results.fields.extra.x",
            "bad XPath",
        ),
        (
            {
                "results": {
                    **MINIMAL["results"],
                    "fields": {**MINIMAL["results"]["fields"], "locaton": {"css": "b::text"}},
                }
            },
            "results.fields",
            "unknown field 'locaton' (did you mean 'location'?; known: listing_id, title, url, price,",
        ),
        ({"helth": {"min_coverage": 0.5}}, "(profile)", "unknown field 'helth' (did you mean 'health'?"),
        ({"currency": "€"}, "currency", "not an ISO 4217 currency code"),
        ({"timezone": "Beijing"}, "timezone", "unknown time zone 'Beijing'"),
        ({"search": {"keyword_encoding": "gbk"}}, "search", "give a search url template"),
        ({"search": {"url": "{base_url}/search"}}, "search.url", "must contain {keyword}"),
        ({"base_url": "ftp://example.com"}, "base_url", "http(s) URL"),
        ({"listing_id": None}, "(profile)", "listing_id: no field 'listing_id'"),
        ({"results": {**MINIMAL["results"], "fields": {"title": {"css": "a::text"}}}}, "results", "must include url"),
        ({"name": "../etc"}, "name", "should match pattern"),
    ],
)
def test_a_malformed_profile_is_refused_naming_file_field_and_reason(tmp_path: Path, change, field, reason):
    data = {key: value for key, value in {**MINIMAL, **change}.items() if value is not None}
    path = write(tmp_path, data)
    with pytest.raises(InputFileError) as raised:
        load_profile_file(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    assert field in message
    assert reason in message


def test_every_shipped_profile_reads_as_the_pure_python_safe_loader_reads_it(monkeypatch: pytest.MonkeyPatch):
    """Profiles are parsed by libyaml (`crawler.profiles._YAML_LOADER`, ten times faster): the same profiles."""
    paths = sorted(PACKAGED_PROFILES.glob("*.yaml"))
    fast = [load_profile_file(path) for path in paths]
    monkeypatch.setattr("crawler.profiles._YAML_LOADER", yaml.SafeLoader)
    assert fast == [load_profile_file(path) for path in paths]
    assert [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in paths] == [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths
    ]


def test_yaml_syntax_errors_name_the_line(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nresults: [\n", encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        load_profile_file(path)
    assert "not valid YAML" in str(raised.value)
    assert raised.value.line is not None


def test_a_profile_in_the_bureau_folder_is_found_and_overrides_a_shipped_one(tw_home: Path):
    folder = tw_home / "platforms"
    folder.mkdir(parents=True)
    write(folder, MINIMAL)
    write(folder, {**MINIMAL, "name": "demo", "display_name": "本局演示 / Bureau demo"}, "demo.yaml")
    found = available_profiles()
    assert found["xianyu"] == folder / "xianyu.yaml"
    assert load_profile("demo").display_name == "本局演示 / Bureau demo"
    assert load_profile("taobao").name == "taobao"


def test_an_unknown_platform_names_the_known_ones(tw_home: Path):
    with pytest.raises(TradewatchError, match=r"unknown platform 'pinduoduo'.*taobao"):
        load_profile("pinduoduo")

"""Links on a page are made absolute exactly as `urljoin` makes them, plain paths from the site's root included."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.extract import _site, absolute

PAGES = [
    "http://127.0.0.1:8765/plain/search?q=%E8%B1%A1%E7%89%99&page=2",
    "https://s.taobao.com/search?q=象牙",
    "HTTPS://User:pw@Shop.Example:8443/a/b/item.htm?id=1#top",
    "http://[::1]:8080/",
    "ftp://files.example/dir/",
]
LINKS = st.one_of(
    st.from_regex(r"(/[A-Za-z0-9._~%+-]{0,6}){1,4}/?(\?[A-Za-z0-9=&.%+-]{0,6})?", fullmatch=True),
    st.text(alphabet="/.?=&%+~-_aZ09#;:@ \t", max_size=16),
)


@settings(max_examples=300, deadline=None)
@given(page=st.sampled_from(PAGES), link=LINKS)
@example(page=PAGES[0], link="/plain/item/690787")
@example(page=PAGES[0], link="/static/img/690787.svg?v=2")
@example(page=PAGES[0], link="/a/../b")  # dot segments are resolved
@example(page=PAGES[0], link="/a//b")  # an empty segment is dropped
@example(page=PAGES[0], link="/a?")  # an empty query is dropped
@example(page=PAGES[0], link="//cdn.example/x.jpg")  # another host
@example(page=PAGES[4], link="/x")
def test_a_link_is_made_absolute_as_urljoin_makes_it(page: str, link: str) -> None:
    assert absolute(page, link) == urljoin(page, link)


def _site_as_urlsplit_reads_it(page: str) -> str | None:
    parts = urlsplit(page)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


ADDRESSES = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["http", "https", "HTTP", "ftp", ":", "//", "/", "?", "#", "@", "[", "]", "::1", " ", "\t",
                         "\n", "\x00", "a", "Z", "0", ".", "-", "%41", "_", "~", "象", "ｅ", "=", "&"]),
        max_size=12,
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(page=st.one_of(st.sampled_from(PAGES), ADDRESSES, st.text(max_size=24)))
@example(page="http://127.0.0.1:8765/plain/item/690787")
@example(page="https://shop.example")
@example(page="https://user@shop.example:8443?x#y")
@example(page="http://sho\tp.example/x")  # urlsplit drops the tab
@example(page=" http://shop.example/")  # and leading blanks
@example(page="http://[::1]:8080/")
def test_a_page_site_is_read_as_urlsplit_reads_it(page: str) -> None:
    try:
        expected = _site_as_urlsplit_reads_it(page)
    except ValueError:  # an address urlsplit refuses (a bracket left open)
        with pytest.raises(ValueError):
            _site.__wrapped__(page)
        return
    assert _site.__wrapped__(page) == expected

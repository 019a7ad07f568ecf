"""Pytest fixtures that run the demo marketplace on 127.0.0.1 for the duration of a test or session.

Load them from ``tests/conftest.py`` with ``pytest_plugins = ["tests.demo_market_fixture"]``, then::

    def test_search(demo_market):  # session-wide site, default options
        html = urllib.request.urlopen(f"{demo_market}/plain/search?q=...").read()

    def test_walled(demo_market_factory):  # a fresh site per call, own options and admin state
        base_url = demo_market_factory(MarketOptions(wall="captcha"))

Outside pytest, ``with running_market(options) as base_url:`` does the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

import pytest

from crawler.demo_market.options import MarketOptions
from crawler.demo_market.server import background_market


@contextmanager
def running_market(options: MarketOptions | None = None) -> Iterator[str]:
    """Run a demo marketplace on a free port of 127.0.0.1 in a background thread; yields the base URL.

    The site is bound and answering when the block starts, and stopped when it ends.
    """
    with background_market(options, host="127.0.0.1", port=0) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def demo_market() -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``) of a well-behaved demo marketplace shared by the session.

    Tests that change listings through /admin/ should use `demo_market_factory` instead.
    """
    with running_market() as base_url:
        yield base_url


@pytest.fixture
def demo_market_factory() -> Iterator[Callable[..., str]]:
    """Start demo marketplaces with given options; each call returns a new base URL.

    Accepts a `MarketOptions` or its fields as keywords: ``demo_market_factory(rate_limit=5)``.
    Every site started by the test is stopped after it.
    """
    with ExitStack() as stack:

        def start(options: MarketOptions | None = None, **fields: object) -> str:
            if options is None:
                options = MarketOptions.model_validate(fields)
            market: AbstractContextManager[str] = running_market(options)
            return stack.enter_context(market)

        yield start

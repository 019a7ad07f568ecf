"""A local stand-in for a Chinese second-hand marketplace, used by tests and demonstrations.

It serves a deterministic catalogue (`build_catalogue`) in three variants (server-rendered HTML,
JavaScript-rendered from a JSON API, GBK-encoded pages) and can misbehave on demand (`MarketOptions`):
rate limits, server errors, captcha or login walls, a changed layout, slow responses.

Start it with ``tradewatch demo-market serve`` or, from Python, with `background_market` / `create_app`.
"""

from crawler.demo_market.catalogue import (
    CATEGORY_IDS,
    DEFAULT_SEED,
    Catalogue,
    DemoListing,
    DemoSeller,
    build_catalogue,
)
from crawler.demo_market.options import MarketOptions
from crawler.demo_market.server import background_market, create_app, start_market

__all__ = [
    "CATEGORY_IDS",
    "DEFAULT_SEED",
    "Catalogue",
    "DemoListing",
    "DemoSeller",
    "MarketOptions",
    "background_market",
    "build_catalogue",
    "create_app",
    "start_market",
]

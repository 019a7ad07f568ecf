"""Scrapy settings for a crawl whose opening is held whatever the stop: it never closes (tests/held_opening.py)."""

from tests.held_opening import *  # noqa: F403  (its settings, every one)

HELD_OPENING_FOREVER = True

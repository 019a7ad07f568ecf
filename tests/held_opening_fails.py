"""Scrapy settings for a crawl stopped while its spider opens, whose opening then fails (tests/held_opening.py)."""

from tests.held_opening import *  # noqa: F403  (its settings, every one)

HELD_OPENING_FAILS = True

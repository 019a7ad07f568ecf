"""The lead store: listings, leads, runs, the verification queue and its audit trail.

Nothing here imports the crawl side, so officers can triage on a laptop without Scrapy running.
"""

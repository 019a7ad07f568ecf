"""The Scrapy project: settings, items, middlewares, profiles and the demo marketplace."""

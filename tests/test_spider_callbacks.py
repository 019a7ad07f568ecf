"""The spiders' generator callbacks return no value: checked here once, as the crawls do not check it per response."""

from __future__ import annotations

import inspect

import pytest
import scrapy
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings

from crawler import settings as crawl_settings
from spiders.listing import ListingSpider


def _project_spiders() -> list[type[scrapy.Spider]]:
    """Every spider the crawls can run, as Scrapy finds them (SPIDER_MODULES): a new one is checked unlisted."""
    loader = get_spider_loader(Settings({"SPIDER_MODULES": crawl_settings.SPIDER_MODULES}))
    return [loader.load(name) for name in loader.list()]


SPIDERS = _project_spiders()


def _generator_methods(spider: type[scrapy.Spider]) -> list[str]:
    """The generator functions a spider has of the project's writing, its own and inherited (Scrapy's are not ours)."""
    ours = [cls for cls in spider.__mro__ if not cls.__module__.startswith(("scrapy.", "builtins"))]
    return sorted({name for cls in ours for name, value in vars(cls).items() if inspect.isgeneratorfunction(value)})


@pytest.mark.parametrize("spider", SPIDERS, ids=lambda spider: spider.__name__)
def test_no_generator_callback_returns_a_value(spider):
    names = _generator_methods(spider)
    assert names, f"{spider.__name__} has no generator callback to check"
    returning = [name for name in names if is_generator_with_return_value(getattr(spider, name))]
    assert returning == []


def test_the_project_s_spiders_are_all_found() -> None:
    assert ListingSpider in SPIDERS and len(SPIDERS) == len(set(SPIDERS)) >= 3


def test_the_check_sees_a_generator_that_returns_a_value():
    class Returning(scrapy.Spider):
        name = "returning"

        def parse(self, response, **_):
            yield response
            return 1

    assert _generator_methods(Returning) == ["parse"]
    assert is_generator_with_return_value(Returning.parse)


def test_crawls_do_not_check_the_callbacks_per_response(monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    assert get_project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False

"""The crawl keeps the garbage collector off the objects it was built on, once per process."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy.utils.test import get_crawler

from crawler import gc_tuning


@pytest.fixture
def fresh_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    thresholds = gc.get_threshold()
    monkeypatch.setattr(gc_tuning, "_frozen", False)
    monkeypatch.setattr(gc_tuning, "_paused", False)
    enabled = gc.isenabled()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    gc.enable() if enabled else gc.disable()


def test_opening_the_spider_freezes_what_was_built_and_sets_the_threshold(fresh_collector: None):
    built = [{"term": f"象牙{number}"} for number in range(1000)]  # stands in for the compiled watchlists
    extension = gc_tuning.GarbageCollectorTuning.from_crawler(
        get_crawler(settings_dict={"TRADEWATCH_GC_THRESHOLD": 4321})
    )
    assert gc.get_freeze_count() == 0

    extension.spider_opened()

    assert gc.get_freeze_count() >= len(built)
    assert gc.get_threshold()[0] == 4321


def test_a_second_crawl_in_the_process_does_not_freeze_the_first_ones_objects(fresh_collector: None):
    first = gc_tuning.GarbageCollectorTuning(threshold=0)
    first.spider_opened()
    frozen = gc.get_freeze_count()
    in_flight = [[number] for number in range(5000)]  # objects of the first crawl, made after its spider opened

    gc_tuning.GarbageCollectorTuning(threshold=0).spider_opened()

    assert gc.get_freeze_count() == frozen  # the first crawl's live objects stay collectable
    del in_flight


def test_the_collector_paused_while_the_crawl_is_built_runs_again_once_the_spider_opens(fresh_collector: None):
    gc.enable()
    paused = gc_tuning.pause_collector()
    assert paused and not gc.isenabled()
    gc_tuning.GarbageCollectorTuning(threshold=0).spider_opened()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    gc_tuning.resume_collector(paused)  # after the crawl: nothing left to do
    assert gc.isenabled()


def test_a_crawl_that_never_opens_switches_the_collector_on_again(fresh_collector: None):
    gc.enable()
    paused = gc_tuning.pause_collector()
    gc_tuning.resume_collector(paused)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_switched_off_by_someone_else_stays_off(fresh_collector: None):
    gc.disable()
    paused = gc_tuning.pause_collector()
    gc_tuning.GarbageCollectorTuning(threshold=0).spider_opened()
    gc_tuning.resume_collector(paused)
    assert not paused and not gc.isenabled()

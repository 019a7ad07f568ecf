"""The crawl keeps the garbage collector off the objects it was built on, once per process."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest
from scrapy.utils.test import get_crawler

from crawler import gc_tuning


@pytest.fixture
def fresh_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    thresholds = gc.get_threshold()
    monkeypatch.setattr(gc_tuning, "_frozen", False)
    monkeypatch.setattr(gc_tuning, "_paused", False)
    monkeypatch.setattr(gc_tuning, "_lasting_frozen", False)
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


def _collectable(thing: object) -> bool:
    """Whether the collector still walks `thing` (frozen objects are in none of its generations)."""
    return any(found is thing for found in gc.get_objects())


def test_what_a_lasting_build_makes_is_built_with_the_collector_off_and_frozen_the_first_time(fresh_collector: None):
    gc.enable()
    with gc_tuning.lasting_build():
        assert not gc.isenabled()
        first = {"象牙": ["猛犸牙", "老料"]}  # stands in for a scorer's tables
    assert gc.isenabled()
    assert not _collectable(first)

    with gc_tuning.lasting_build():
        second = {"穿山甲": ["鳞片", "甲片"]}  # a second crawl's scorer: built with the collector off, not frozen
    assert gc.isenabled()
    assert _collectable(second)  # the first crawl's pages in flight at that moment stay collectable


def test_a_build_that_fails_freezes_nothing_and_switches_the_collector_on_again(fresh_collector: None):
    gc.enable()
    with pytest.raises(ValueError), gc_tuning.lasting_build():
        half_built = {"犀角": []}
        raise ValueError("watchlist broken")
    assert gc.isenabled() and _collectable(half_built)


def test_overlapping_builds_keep_the_collector_off_until_the_last_one_ends(fresh_collector: None):
    gc.enable()
    first, second = gc_tuning.lasting_build(), gc_tuning.lasting_build()  # two crawls' scorers, two threads
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second is still being built
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_lasting_build_leaves_a_collector_switched_off_by_someone_else_off(fresh_collector: None):
    gc.disable()
    with gc_tuning.lasting_build():
        pass
    assert not gc.isenabled()


def test_the_frozen_objects_are_counted_only_for_a_debug_log(
    fresh_collector: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    """Counting the frozen objects walks every one of them (about 0.01 CPU s at a crawl's start): a crawl
    that does not log at debug level does not count them."""
    counted: list[int] = []
    count = gc.get_freeze_count

    def counting() -> int:
        counted.append(count())
        return counted[-1]

    monkeypatch.setattr(gc, "get_freeze_count", counting)
    caplog.set_level(logging.INFO, logger=gc_tuning.__name__)
    gc_tuning.GarbageCollectorTuning(threshold=0).spider_opened()
    assert counted == []
    monkeypatch.setattr(gc_tuning, "_frozen", False)
    caplog.set_level(logging.DEBUG, logger=gc_tuning.__name__)
    gc_tuning.GarbageCollectorTuning(threshold=0).spider_opened()
    assert len(counted) == 1 and f"{counted[0]} objects frozen" in caplog.text

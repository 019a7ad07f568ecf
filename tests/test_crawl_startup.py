"""What a sweep's start-up and exit leave out or overlap: extensions never imported, the scorer loaded while
the crawl opens, and the `tradewatch` process ending without tearing its modules down."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem
from sqlmodel import Session
from twisted.internet.defer import Deferred, succeed

from crawler.browser import DRIVER_NODE_OPTIONS, NODE_COMPILE_CACHE, NODE_OPTIONS, driver_environment
from crawler.items import ListingItem
from leads.db import get_engine
from leads.models import CrawlRun
from pipelines.score import ScoreListingPipeline, crawl_scorer, load_crawl_scorer, would_be_lead
from pipelines.scoring import Scorer
from runners.child import RESULT_PREFIX
from runners.sweep_request import SweepRequest
from spiders.listing import ListingSpider
from spiders.sweep_params import SweepParams
from tests.crawl_support import project_crawler

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(home), "TRADEWATCH_LANG": "en"}
    env.pop("TRADEWATCH_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _printed_json(code: str, home: Path) -> Any:
    """What `code`, run in a fresh interpreter, printed as JSON on its last line."""
    done = _python(code, home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_crawl_lists_its_extensions_without_importing_the_telnet_console_or_the_remote_control(tmp_path: Path):
    code = (
        "import json, os, sys\n"
        "os.environ['SCRAPY_SETTINGS_MODULE'] = 'crawler.settings'\n"
        "from scrapy.utils.project import get_project_settings\n"
        "from scrapy.utils.conf import build_component_list\n"
        "settings = get_project_settings()\n"
        "names = build_component_list(settings.get_component_priority_dict_with_base('EXTENSIONS'))\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('aiohttp', 'twisted.conch', 'scrapy.extensions.')))\n"
        "print(json.dumps([names, loaded]))\n"
    )
    names, loaded = _printed_json(code, tmp_path)
    assert "crawler.run_record.RunRecorder" in names and "scrapy.extensions.corestats.CoreStats" in names
    assert "scrapy.extensions.closespider.CloseSpider" in names  # the rest of Scrapy's list is kept
    assert not any("telnet" in name or "remote_control" in name for name in names)
    assert not [module for module in loaded if module.startswith(("aiohttp", "twisted.conch"))]
    assert "scrapy.extensions.remote_control" not in loaded and "scrapy.extensions.telnet" not in loaded


def test_the_score_pipeline_opens_while_its_scorer_is_still_loading(monkeypatch: pytest.MonkeyPatch):
    load = Scorer.load
    release = threading.Event()
    loading = threading.Event()

    def slow_load(*args: object, **kwargs: object) -> Scorer:
        loading.set()
        assert release.wait(60)
        return load(*args, **kwargs)

    monkeypatch.setattr(Scorer, "load", slow_load)
    crawler = project_crawler(TRADEWATCH_LEAD_THRESHOLD=60)
    pipeline = ScoreListingPipeline.from_crawler(crawler)
    pipeline.open_spider()
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)  # returns with the scorer not loaded yet
    assert loading.wait(60)
    release.set()
    item = ListingItem(platform="demo", listing_id="9", url="http://127.0.0.1:8765/plain/item/9", title="象牙手镯 老货")
    assert pipeline.process_item(item).score["is_lead"] is True  # the first item waited for it
    assert crawl_scorer(crawler) is pipeline.scorer  # one scorer for the crawl, the spider's too


def test_the_spider_screenshots_what_the_pipeline_will_make_a_lead(tw_home: Path):
    """A rendered page's screenshot is taken when its listing will be a lead, and the model in use (here the
    seed shipped with tradewatch) makes leads the rules alone score below the threshold."""
    crawler = project_crawler()
    pipeline = ScoreListingPipeline.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    # an example the seed lifts well clear of its lift probability (0.986 against 0.9), so that relearning it on
    # a grown set does not move it under (a bile sold by its look and origin, no species named; the example
    # before it, an heirloom carving told only by dealer talk, fell to 0.82 once the sixteenth blind batch's
    # look-alikes taught the seed that such talk alone sells legal goods too)
    disguised = {"title": "山货 黑色老胆 晒干的 整个", "description": "山里老乡自己弄的 懂的来 不发物流", "price": None}
    assert crawl_scorer(crawler).score(disguised).is_lead is False  # the rules alone
    assert would_be_lead(crawler, disguised) is True
    assert pipeline.score(disguised)["model"]["lifted"] is True
    spider = SimpleNamespace(crawler=crawler)  # what the spider asks for a rendered item page's fields
    assert ListingSpider._is_lead(spider, {"title": disguised["title"], "description": disguised["description"]})  # type: ignore[arg-type]
    ordinary = {"title": "白色陶瓷马克杯 大容量", "description": "家用办公 微波炉可用", "price": 29.0}
    assert would_be_lead(crawler, ordinary) is False


def test_a_scorer_that_cannot_load_fails_where_it_is_asked_for(monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object, **kwargs: object) -> Scorer:
        raise ValueError("watchlist 象牙.yaml: bad term")

    monkeypatch.setattr(Scorer, "load", broken)
    crawler = project_crawler()
    pipeline = ScoreListingPipeline.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    item = ListingItem(platform="demo", listing_id="9", url="http://127.0.0.1:8765/plain/item/9", title="象牙手镯")
    with pytest.raises(DropItem, match="not scored"):
        pipeline.process_item(item)
    with pytest.raises(ValueError, match="bad term"):
        crawl_scorer(crawler)


def test_a_crawl_whose_scorer_fails_to_load_stops_and_says_so(demo_market: str, tmp_path: Path):
    # The sweep checks the watchlists before it starts; should the crawl's own load still fail (a file broken
    # in between), the crawl stops at once and the run reads failed with the reason, not ok with 0 listings.
    code = (
        "import sys\n"
        "from pipelines.scoring import Scorer\n"
        "def broken(*args, **kwargs):\n"
        "    raise ValueError('watchlist 象牙.yaml: bad term')\n"
        "Scorer.check = classmethod(lambda cls, paths=None: None)\n"
        "Scorer.load = classmethod(broken)\n"
        "sys.argv = ['tradewatch', 'sweep', '--platform', 'demo', '--keywords', '象牙',"
        f" '--base-url', {demo_market!r}]\n"
        "from cli.app import main\n"
        "main()\n"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 3, done.stderr
    assert "scorer not loaded: watchlist 象牙.yaml: bad term" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_the_tradewatch_process_ends_as_python_would_threads_waited_for_and_exit_handlers_run(tmp_path: Path):
    code = (
        "import atexit, sys, threading, time\n"
        "atexit.register(lambda: print('exit handler ran', flush=True))\n"
        "def late():\n"
        "    time.sleep(0.2)\n"
        "    sys.stdout.write('thread finished\\n')\n"
        "threading.Thread(target=late).start()\n"
        "sys.argv = ['tradewatch', 'runs', 'show', '4711']\n"
        "from cli.app import main\n"
        "main()\n"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 2, done.stderr  # the command's own exit code: no such run
    assert "4711" in done.stderr
    assert done.stdout.splitlines()[-2:] == ["thread finished", "exit handler ran"]


def test_the_scorer_scores_a_listing_in_its_loading_thread_before_the_crawl_gets_it(monkeypatch: pytest.MonkeyPatch):
    score = Scorer.score
    threads: list[str] = []

    def recorded(self: Scorer, listing: dict) -> object:
        threads.append(threading.current_thread().name)
        return score(self, listing)

    monkeypatch.setattr(Scorer, "score", recorded)
    crawler = project_crawler()
    pipeline = ScoreListingPipeline.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    assert pipeline.scorer is crawl_scorer(crawler)
    assert threads == ["tradewatch-scorer"]  # what its first listing builds is built there, off the crawl's thread


def _join_scorer_threads() -> None:
    for thread in threading.enumerate():
        if thread.name == "tradewatch-scorer":
            thread.join(60)


def test_the_crawl_s_scorer_loads_with_the_collector_off_and_is_frozen_once_loaded(monkeypatch: pytest.MonkeyPatch):
    from crawler import gc_tuning

    _join_scorer_threads()  # the earlier tests' crawls: loaded and frozen before this one starts
    monkeypatch.setattr(gc_tuning, "_lasting_frozen", False)
    score = Scorer.score
    collecting: list[bool] = []

    def recorded(self: Scorer, listing: dict) -> object:
        collecting.append(gc.isenabled())
        return score(self, listing)

    monkeypatch.setattr(Scorer, "score", recorded)
    gc.enable()
    try:
        crawler = project_crawler()
        scorer = load_crawl_scorer(crawler).result(timeout=120)
        _join_scorer_threads()  # frozen once its future's callbacks ran too
        assert collecting == [False]  # its warm-up, in the loading thread
        assert gc.isenabled()
        assert not any(found is scorer for found in gc.get_objects())  # frozen: no collection walks its tables
    finally:
        gc.unfreeze()


def test_the_model_in_use_is_read_in_the_scorer_s_loading_thread_not_as_the_crawl_is_built(
    monkeypatch: pytest.MonkeyPatch,
):
    from pipelines.model.registry import current_combiner

    threads: list[str] = []

    def recorded() -> object:
        threads.append(threading.current_thread().name)
        return current_combiner()

    monkeypatch.setattr("pipelines.score.current_combiner", recorded)
    crawler = project_crawler()
    pipeline = ScoreListingPipeline.from_crawler(crawler)
    assert threads == []  # building the crawl does not read it
    crawler.signals.send_catch_log(signals.spider_opened, spider=None)
    for thread in threading.enumerate():
        if thread.name == "tradewatch-scorer":
            thread.join(60)
    item = ListingItem(platform="demo", listing_id="9", url="http://127.0.0.1:8765/plain/item/9", title="象牙手镯 老货")
    assert pipeline.process_item(item).score["is_lead"] is True
    assert threads == ["tradewatch-scorer"]  # read once, beside the scorer, and used by the first item


def test_a_crawl_process_loads_pillow_with_its_first_photo_not_as_it_starts(tmp_path: Path):
    code = (
        "import base64, json, sys\n"
        "import cli.sweep, runners.sweep, spiders.listing, pipelines.images.download, pipelines.images.pool\n"
        "before = 'PIL' in sys.modules\n"
        "from pipelines.images.reading import check_header\n"
        "png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLv'\n"
        "                       'AAAAAElFTkSuQmCC')\n"
        "print(json.dumps([before, check_header(png, 100), 'PIL' in sys.modules]))\n"
    )
    before, header, after = _printed_json(code, tmp_path)
    assert before is False
    assert header == ["PNG", 1, 1] and after is True


def test_a_crawl_s_scorer_reads_homophones_without_loading_numpy(tmp_path: Path):
    """The scorer a crawl loads and warms up reads a listing's sound without numpy, whose import alone cost a
    crawl process more CPU than the readings of all its listings."""
    code = (
        "import json, sys\n"
        "from pipelines.score import WARM_UP_LISTING\n"
        "from pipelines.scoring import Scorer\n"
        "scorer = Scorer.load()\n"
        "scorer.score(WARM_UP_LISTING)\n"
        "result = scorer.score({'title': '川山钾 鳞片 下奶 懂的来'})\n"
        "found = [hit.term for hit in result.hits if hit.mechanism == 'homophone']\n"
        "print(json.dumps([found, 'numpy' in sys.modules]))\n"
    )
    found, numpy_loaded = _printed_json(code, tmp_path)
    assert found == ["穿山甲"]
    assert numpy_loaded is False


def test_a_crawl_s_scorer_reads_a_few_hundred_listings_without_loading_numpy(tmp_path: Path):
    """The homophone finder reads through a numpy table only once a process has read enough texts to repay the
    import: a crawl's few hundred listings with trade talk are read by str.translate."""
    code = (
        "import json, sys\n"
        "from pipelines.scoring import Scorer\n"
        "scorer = Scorer.load()\n"
        "found = set()\n"
        "for number in range(300):\n"
        "    result = scorer.score({'title': f'川山钾 鳞片 {number}', 'description': '下奶 懂的来，个人闲置。' * 8})\n"
        "    found.update(hit.term for hit in result.hits if hit.mechanism == 'homophone')\n"
        "print(json.dumps([sorted(found), 'numpy' in sys.modules]))\n"
    )
    found, numpy_loaded = _printed_json(code, tmp_path)
    assert found == ["穿山甲"]
    assert numpy_loaded is False


def test_a_crawl_builds_scrapy_s_media_machinery_with_its_first_listing_that_shows_a_photo(tmp_path: Path):
    """Scrapy's files pipeline, and the item adapters it imports (itemadapter, pydantic's version 1: about 0.06 CPU
    s of a crawl process), come with the first listing that shows a photo; a listing without one passes as that
    pipeline would pass it, with no photo read."""
    code = (
        "import asyncio, json, sys\n"
        "import scrapy\n"
        "from crawler.items import ListingItem\n"
        "from pipelines.images.download import PhotoDownloadsPipeline\n"
        "from pipelines.images.photos import ImageBudget\n"
        "from tests.crawl_support import project_crawler\n"
        "crawler = project_crawler(TRADEWATCH_IMAGE_BUDGET=ImageBudget(0))\n"
        "crawler.spider = scrapy.Spider(name='demo')\n"
        "crawler.stats.open_spider()\n"
        "pipeline = PhotoDownloadsPipeline.from_crawler(crawler)\n"
        "plain = ListingItem(platform='demo', listing_id='100001', url='http://127.0.0.1:8765/', title='手镯')\n"
        "plain.image_readings = [{'path': 'images/stale'}]\n"
        "out = asyncio.run(pipeline.process_item(plain))\n"
        "loaded = [m in sys.modules for m in ('scrapy.pipelines.files', 'itemadapter', 'pydantic.v1')]\n"
        "before = [out.image_readings, pipeline.downloads is None, *loaded]\n"
        "shown = ListingItem(platform='demo', listing_id='100002', url='http://127.0.0.1:8765/', title='手镯')\n"
        "shown.images = ['http://127.0.0.1:8765/static/photo/card-ivory.jpg']\n"
        "out = asyncio.run(pipeline.process_item(shown))\n"  # the budget is spent: no photo is downloaded
        "after = [out.image_readings, type(pipeline.downloads).__name__, 'scrapy.pipelines.files' in sys.modules]\n"
        "print(json.dumps([before, after, crawler.stats.get_value('tradewatch/images/over_budget')]))\n"
    )
    from crawler.settings import ITEM_PIPELINES

    assert "pipelines.images.download.PhotoDownloadsPipeline" in ITEM_PIPELINES  # what crawls run
    before, after, over_budget = _printed_json(code, tmp_path)
    assert before == [[], True, False, False, False]
    assert after == [[], "ListingImagesPipeline", True] and over_budget == 1


def test_a_crawl_process_leaves_rich_out(tmp_path: Path):
    """Rich draws the command line's output: a crawl child (the scheduler's) makes scraped text safe with
    `safe_str` and never builds a Rich Text."""
    code = (
        "import json, sys\n"
        "import runners.sweep, spiders.listing, crawler.run_record, core.failures\n"
        "import pipelines.normalise_item, pipelines.score, pipelines.store, pipelines.images.download\n"
        "from core.safe_text import safe_str\n"
        "safe_str('\\x1b[31m 象牙')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))\n"
    )
    assert _printed_json(code, tmp_path) == []


def test_the_tradewatch_process_closes_the_store_as_it_leaves(tmp_path: Path):
    done = _python(
        "import sys\nsys.argv = ['tradewatch', 'runs', 'list']\nfrom cli.app import main\nmain()\n", tmp_path
    )
    assert done.returncode == 0, done.stderr
    # the last connection closed: SQLite checkpointed its write-ahead log into the database and removed it
    assert sorted(path.name for path in tmp_path.glob("tradewatch.db*")) == ["tradewatch.db"]


def _teardown_marker(path: Path) -> str:
    """Code that keeps an object whose finaliser, which creates `path`, only Python's module teardown calls."""
    return (
        "import os\n"
        "class Teardown:\n"
        f"    path, open, close = {str(path)!r}, os.open, os.close\n"
        "    def __del__(self):\n"
        "        self.close(self.open(self.path, os.O_CREAT | os.O_WRONLY))\n"
        "kept = Teardown()\n"
    )


@pytest.mark.browser
@pytest.mark.slow
def test_a_sweep_child_leaves_without_teardown_once_its_run_is_committed_and_its_browser_gone(
    demo_market: str, tmp_path: Path
):
    from tests.test_js_cleanup import RUN_TAG, chromium_pids

    tag = uuid.uuid4().hex
    request = SweepRequest(
        platforms=["demo-js"],
        params=SweepParams(keywords="象牙", max_pages=1),
        base_url=demo_market,
        log_file=tmp_path / "sweep.log",
        distributed=False,
    )
    request_file = tmp_path / "request.json"
    request_file.write_text(request.model_dump_json(), encoding="utf-8")
    torn_down = tmp_path / "torn-down"
    # `python -m runners.sweep_child FILE`, with an exit handler that must run and an object whose finaliser only
    # Python's module teardown would call
    code = (
        _teardown_marker(torn_down) + "import atexit, runpy, sys\n"
        "atexit.register(lambda: print('exit handler ran', flush=True))\n"
        f"sys.argv = ['runners.sweep_child', {str(request_file)!r}]\n"
        "runpy.run_module('runners.sweep_child', run_name='__main__', alter_sys=True)\n"
    )
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(home), "TRADEWATCH_LANG": "en", RUN_TAG: tag}
    env.pop("TRADEWATCH_DATABASE_URL", None)
    env.pop("TRADEWATCH_REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    # the browser is gone and the run committed by the time the child has exited; nothing was torn down
    assert chromium_pids(tag) == set()
    assert done.stdout.splitlines()[-1] == "exit handler ran"
    assert not torn_down.exists()
    # the child's last connection closed: SQLite checkpointed its write-ahead log into the database and removed it
    assert sorted(path.name for path in home.glob("tradewatch.db*")) == ["tradewatch.db"]
    answer = next(line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX))
    (run_id,) = json.loads(answer[len(RESULT_PREFIX) :])["result"]
    url = f"sqlite:///{home / 'tradewatch.db'}"
    with Session(get_engine(url)) as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None and run.outcome == "ok" and run.finished_at is not None
        assert run.stats["tradewatch/js/screenshots"] == run.leads_new > 0


def test_python_s_own_exit_would_have_torn_the_child_down(tmp_path: Path):
    # the finaliser above does run where the process ends as Python ends it: its absence means something
    torn_down = tmp_path / "torn-down"
    done = _python(_teardown_marker(torn_down), tmp_path)
    assert done.returncode == 0, done.stderr
    assert torn_down.exists()


def test_the_browser_driver_s_code_cache_is_named_only_while_the_driver_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv(NODE_COMPILE_CACHE, raising=False)
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    with driver_environment():
        assert os.environ[NODE_COMPILE_CACHE] == str(tmp_path / "cache" / "node")
        assert (tmp_path / "cache" / "node").is_dir()
    assert NODE_COMPILE_CACHE not in os.environ
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", "off")
    with driver_environment():
        assert NODE_COMPILE_CACHE not in os.environ
    monkeypatch.setenv(NODE_COMPILE_CACHE, str(tmp_path / "own"))  # an operator's own setting is kept
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    with driver_environment():
        assert os.environ[NODE_COMPILE_CACHE] == str(tmp_path / "own")
    assert os.environ[NODE_COMPILE_CACHE] == str(tmp_path / "own")


def test_the_browser_driver_starts_with_a_small_young_generation_unless_the_operator_set_node_s_options(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.delenv(NODE_OPTIONS, raising=False)
    with driver_environment():
        assert os.environ[NODE_OPTIONS] == "--max-semi-space-size=1" == DRIVER_NODE_OPTIONS
    assert NODE_OPTIONS not in os.environ
    monkeypatch.setenv(NODE_OPTIONS, "--max-old-space-size=512")
    with driver_environment():
        assert os.environ[NODE_OPTIONS] == "--max-old-space-size=512"
    assert os.environ[NODE_OPTIONS] == "--max-old-space-size=512"


@pytest.mark.browser
@pytest.mark.slow
def test_a_js_sweep_takes_the_driver_started_while_the_crawl_was_built_and_caches_its_compiled_code(
    demo_market: str, tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from typer.testing import CliRunner

    from cli.app import app

    monkeypatch.delenv(NODE_COMPILE_CACHE, raising=False)
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["sweep", "--platform", "demo-js", "--keywords", "象牙", "--max-pages", "1",
                                      "--base-url", demo_market])  # fmt: skip
    assert result.exit_code == 0, result.output
    (log,) = (tw_home / "logs").glob("sweep-*.log")
    text = log.read_text(encoding="utf-8")
    assert "Playwright driver started early" in text
    # Chromium launches once the spider is open, as bare scrapy-playwright's does: on two cores a launch during
    # start-up overlapped nothing and only moved its time out of the crawl into start-up
    assert text.index("Spider opened") < text.index("Launching browser chromium")
    assert [path for path in (tmp_path / "cache" / "node").rglob("*") if path.is_file()]  # read by the next start


@pytest.mark.browser
def test_a_driver_started_early_that_no_crawl_took_is_stopped(tmp_path: Path):
    code = (
        "import psutil\n"
        "from crawler.browser_driver import start_driver_early, stop_unused_driver\n"
        "def drivers():\n"
        "    return [c for c in psutil.Process().children() if c.is_running() and c.status() != 'zombie']\n"
        "start_driver_early('twisted.internet.asyncioreactor.AsyncioSelectorReactor', None)\n"
        "print(len(drivers()))\n"
        "stop_unused_driver()\n"
        "print(len(drivers()))\n"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "0"]  # spawned at once, then stopped


def test_scrapy_s_http_handler_is_imported_without_reading_the_source_of_the_frames_below(tmp_path: Path):
    # its deprecated aliases only want the module of the frame that made them, not the frames' source lines
    code = (
        "import json, linecache\n"
        "from runners.crawl_settings import import_http_handler\n"
        "before = set(linecache.cache)\n"
        "import_http_handler()\n"
        "import inspect, sys\n"
        "read = [name for name in set(linecache.cache) - before if name.endswith('.py')]\n"
        "from scrapy.core.downloader import contextfactory\n"
        "made_in = contextfactory.ScrapyClientContextFactory.__module__\n"
        "looked_up = len(inspect._filesbymodname)\n"
        "print(json.dumps([read, made_in, looked_up, inspect.stack.__module__, inspect.getmodule.__module__]))\n"
    )
    read, made_in, looked_up, stack_of, getmodule_of = _printed_json(code, tmp_path)
    assert read == []
    assert made_in == "scrapy.core.downloader.contextfactory"  # each alias still names the module that made it
    assert looked_up == 0  # found by the frame's globals, not by the file of every module loaded
    assert (stack_of, getmodule_of) == ("inspect", "inspect")  # and inspect's functions are themselves again


class _Imported(Exception):
    """Raised in place of importing Scrapy's HTTP handler, to show which step of a crawl process comes first."""


def test_a_crawl_process_imports_scrapy_s_http_handler_first_where_its_deprecated_aliases_are_cheap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Each deprecated alias of the handler's modules reads the stack (inspect.stack()), whose cost grows with the frames
    # below it times the modules loaded: imported as Scrapy's engine is built, some 40 frames deep.
    code = (
        "import inspect, json, sys\n"
        "import scrapy.utils.deprecate as deprecate\n"
        "depths, make = [], deprecate.create_deprecated_class\n"
        "def counted(*args, **kwargs):\n"
        "    frame, depth = sys._getframe(1), 0\n"
        "    while frame is not None:\n"
        "        frame, depth = frame.f_back, depth + 1\n"
        "    depths.append(depth)\n"
        "    return make(*args, **kwargs)\n"
        "deprecate.create_deprecated_class = counted\n"
        "from runners.crawl_settings import import_http_handler\n"
        "import_http_handler()\n"
        "print(json.dumps([depths, 'scrapy.core.downloader.contextfactory' in sys.modules]))\n"
    )
    depths, loaded = _printed_json(code, tmp_path)
    assert loaded and len(depths) == 3 and max(depths) <= 25
    # and a sweep, a re-check and a rules sweep do it before anything else
    from runners import recheck, rules, sweep
    from runners.recheck import RecheckRequest
    from runners.rules import RulesSweepRequest

    def imported() -> None:
        raise _Imported

    monkeypatch.setattr("runners.crawl_settings.import_http_handler", imported)
    for module in (sweep, rules):
        monkeypatch.setattr(module, "import_http_handler", imported)
    with pytest.raises(_Imported):
        sweep.crawl_here(SweepRequest(platforms=["demo"], params=SweepParams(keywords=["象牙"])))
    with pytest.raises(_Imported):
        rules.crawl_here(RulesSweepRequest(platforms=["demo"]))
    with pytest.raises(_Imported):
        recheck.crawl_here(RecheckRequest(database_url="sqlite://", lead_threshold=60))


def test_a_sweep_that_crawls_here_builds_with_the_collector_off_from_its_start(
    tw_home: Path, monkeypatch: pytest.MonkeyPatch
):
    from crawler import gc_tuning
    from runners import sweep
    from runners.sweep_request import SweepResult

    monkeypatch.setattr(gc_tuning, "_paused", False)
    collecting: list[bool] = []

    def recorded(request: SweepRequest, timeout: float | None, **_: object) -> SweepResult:
        collecting.append(gc.isenabled())  # the profiles, the store and the watchlists' check are built here
        return SweepResult(run_ids=[], log_file=tw_home / "sweep.log")

    monkeypatch.setattr(sweep, "_run_sweep", recorded)
    request = SweepRequest(platforms=["demo"], params=SweepParams(keywords=["象牙"]))
    gc.enable()
    sweep.run_sweep(request, here=True)
    assert gc.isenabled()  # no spider opened to switch it on: on again as the sweep returns
    sweep.run_sweep(request)  # crawled by a child process: this one goes on with its collector
    assert collecting == [False, True]


def test_the_collector_is_paused_before_scrapy_is_imported(tmp_path: Path):
    """Pausing the collector imports no part of Scrapy: a crawl process pauses it before importing Scrapy and
    Twisted (some 100,000 objects), whose import otherwise ran a full collection and a hundred young ones, about
    0.04 CPU s of a sweep's start-up."""
    code = (
        "import json, sys\n"
        "from crawler.gc_tuning import pause_collector\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted'))))\n"
    )
    assert _printed_json(code, tmp_path) == []


def test_a_sweep_child_imports_its_modules_with_the_collector_paused(tmp_path: Path):
    """`python -m runners.sweep_child` pauses the collector before it imports the sweep's modules (pydantic, the
    settings, the store's models, the profiles), whose long-lived objects set off some seventy collections, about
    20 ms of a child's start-up, before `crawl_here` paused it; the first spider to open switches it on."""
    code = (
        "import gc, json, runpy, sys\n"
        "collections = []\n"
        "def counted(phase, info):\n"
        "    if phase == 'start' and 'pydantic' in sys.modules:\n"  # from the sweep's first import on
        "        collections.append(info['generation'])\n"
        "gc.callbacks.append(counted)\n"
        f"sys.argv = ['runners.sweep_child', {str(tmp_path / 'missing.json')!r}]\n"
        "try:\n"
        "    runpy.run_module('runners.sweep_child', run_name='__main__', alter_sys=True)\n"
        "except FileNotFoundError:\n"  # the request is read once every module is in
        "    pass\n"
        "from crawler import gc_tuning\n"
        "print(json.dumps([collections, gc.isenabled(), gc_tuning._paused, 'runners.sweep' in sys.modules]))\n"
    )
    assert _printed_json(code, tmp_path) == [[], False, True, True]


def test_a_platform_crawl_leaves_out_the_scrapy_components_its_settings_leave_idle():
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.project import get_project_settings

    from crawler.profiles import load_profile
    from runners.crawl_settings import platform_settings

    def components(settings: Any) -> list[str]:
        return [
            path
            for setting in ("EXTENSIONS", "SPIDER_MIDDLEWARES", "DOWNLOADER_MIDDLEWARES")
            for path in build_component_list(settings.get_component_priority_dict_with_base(setting))
        ]

    profile = load_profile("demo")
    used = components(platform_settings(get_project_settings(), profile, None))
    idle = ["FeedExporter", "SpiderState", "MemoryDebugger", "CloseSpider", "HttpCacheMiddleware", "DepthMiddleware"]
    assert [path for path in used if path.rsplit(".", 1)[1] in idle] == []
    assert "scrapy.spidermiddlewares.referer.RefererMiddleware" in used and "crawler.run_record.RunRecorder" in used
    # a setting that gives a component work keeps it
    base = get_project_settings()
    base.setdict({"CLOSESPIDER_ITEMCOUNT": 500, "DEPTH_LIMIT": 3, "FEEDS": {"listings.jsonl": {"format": "jsonlines"}}})
    kept = components(platform_settings(base, profile, None))
    assert "scrapy.extensions.closespider.CloseSpider" in kept
    assert "scrapy.spidermiddlewares.depth.DepthMiddleware" in kept
    assert "scrapy.extensions.feedexport.FeedExporter" in kept


def test_a_crawl_process_imports_no_spider_module_but_its_own(tmp_path: Path):
    """The crawl is given its spider class: Scrapy's spider loader would import every module of the spiders
    package (the recheck and rules spiders) to list spiders by name."""
    code = (
        "import json, os, sys\n"
        "os.environ['SCRAPY_SETTINGS_MODULE'] = 'crawler.settings'\n"
        "from scrapy.utils.project import get_project_settings\n"
        "from crawler.profiles import load_profile\n"
        "from runners.crawl_settings import crawler_process\n"
        "process = crawler_process(get_project_settings(), [load_profile('demo')], None)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m in ('spiders.rules', 'spiders.recheck'))))\n"
    )
    assert _printed_json(code, tmp_path) == []


def test_a_sweep_that_reads_photos_starts_its_ocr_workers_before_its_crawl_is_built(
    tw_home: Path, monkeypatch: pytest.MonkeyPatch
):
    """A sweep that reads the text of its photos forks its OCR workers before Scrapy builds the crawls, so that
    their start-up overlaps the build (spawned with the first photo instead, it fell inside the crawl: bench_ocr's
    OCR on/off pages/s ratio fell from 0.80 to 0.66 and 0.81 in the same window, load 12-18). They load the
    recogniser as the first photo is requested (`ImagePool.prepare`), not as they start: a sweep that meets no
    photo pays a fork, not the recogniser's libraries and models (about 0.3 CPU s)."""
    import scrapy.crawler

    from pipelines.images.pool import ImagePool
    from runners import sweep

    pools: list[ImagePool] = []
    started: list[bool] = []

    class Built:
        def __init__(self, spider: object, settings: Any, init_reactor: bool = False) -> None:
            pools.append(settings["TRADEWATCH_IMAGE_POOL"])
            started.append(pools[-1]._executor is not None)
            self.stats = SimpleNamespace(get_value={"tradewatch/run_id": 7}.get)  # as the run's record leaves them

    class Process:
        forced = False

        def crawl(self, crawler: Built, **_: object) -> Deferred[None]:
            return succeed(None)

        def start(self) -> None:
            pass

    monkeypatch.setattr(scrapy.crawler, "Crawler", Built)
    monkeypatch.setattr(sweep, "crawler_process", lambda *_: Process())
    monkeypatch.setattr(sweep, "start_store_writers", lambda *_: None)
    forks: list[bool] = []
    loads: list[bool] = []

    def start(self: ImagePool, *, fork: bool = False, load: bool = True) -> None:
        forks.append(fork)
        loads.append(load)
        self._executor = object()  # type: ignore[assignment]

    monkeypatch.setattr(ImagePool, "start", start)
    monkeypatch.setattr(ImagePool, "close", lambda self, **_: None)
    assert sweep.crawl_here(SweepRequest(platforms=["demo"], params=SweepParams(keywords=["象牙"]))) == [7]
    (pool,) = pools
    assert started == [True] and pool.warm is True
    assert forks == [True]  # forked from the crawl process where it runs no other thread yet
    assert loads == [False]  # the recogniser loads with the first photo's request
    pools.clear()
    started.clear()
    # a sweep that only hashes its photos starts them with its first photo
    assert sweep.crawl_here(SweepRequest(platforms=["demo"], params=SweepParams(keywords=["象牙"], ocr=False))) == [7]
    (pool,) = pools
    assert started == [False] and pool.warm is False


# What a static sweep's crawl process never imports. The store's modules (SQLAlchemy, SQLModel and the models) and
# pydantic's stay: the process records its crawl run and reads the sweep's memory through the store, and the
# store writer, forked from it before Scrapy is built, inherits them instead of importing them a second time.
LEFT_TO_OTHER_PROCESSES = {
    # the OCR workers' own: a worker is spawned and imports them itself
    "numpy": "OCR worker",
    "cv2": "OCR worker",
    "onnxruntime": "OCR worker",
    "rapidocr_onnxruntime": "OCR worker",
    "scipy": "nobody (the perceptual hash is numpy's)",
    # the store writer's own, imported after the fork
    "warcio": "store writer",
    # the JS path's and the command line's
    "playwright": "JS sweeps",
    "scrapy_playwright": "JS sweeps",
    "rich": "command line",
    "typer": "command line",
    "apscheduler": "scheduler",
    "alembic": "migrations (the store is at its head)",
    # the demo's prices are a sign and a plain number, and its profile names no currency
    "babel": "profiles naming their currency, prices written with other signs",
    "price_parser": "prices written otherwise than a sign and a plain number",
    "redis": "distributed sweeps",
    "scrapy_redis": "distributed sweeps",
}


def test_a_static_sweep_s_crawl_process_imports_only_what_it_uses(demo_market: str, tmp_path: Path):
    """A whole sweep of the static demo (listings, leads, their evidence: the writer busy), as `python -m
    runners.sweep_child` runs it: afterwards the crawl process holds none of the packages other processes use."""
    request = SweepRequest(
        platforms=["demo"],
        params=SweepParams(keywords=["象牙"], max_pages=1),
        base_url=demo_market,
        log_file=tmp_path / "sweep.log",
        distributed=False,
    )
    request_file = tmp_path / "request.json"
    request_file.write_text(request.model_dump_json(), encoding="utf-8")
    code = (
        "import json, sys\n"
        "from runners.child import child_main\n"
        "from runners.sweep import SweepRequest, crawl_here\n"
        f"sys.argv = ['runners.sweep_child', {str(request_file)!r}]\n"
        "assert child_main('sweep', SweepRequest, crawl_here) == 0\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    store = get_engine(f"sqlite:///{tmp_path / 'home' / 'tradewatch.db'}")  # migrated before, as an officer's is
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(tmp_path / "home"), "TRADEWATCH_LANG": "en"}
    for name in ("TRADEWATCH_DATABASE_URL", "TRADEWATCH_REDIS_URL"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    answer = next(line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX))
    (run_id,) = json.loads(answer[len(RESULT_PREFIX) :])["result"]
    with Session(store) as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None and run.outcome == "ok" and run.leads_new > 0  # the writer stored leads' evidence
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {"scrapy", "sqlalchemy", "pipelines"} <= loaded  # the list is the crawl process's
    assert sorted(loaded & set(LEFT_TO_OTHER_PROCESSES)) == []

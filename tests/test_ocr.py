"""Reading listing photos: text, hashes, hostile images refused, the pool's cache and back-pressure, `tradewatch ocr`.

OCR is CPU-heavy on a shared machine: the few photos here are the demo's smallest, each read once or twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import platform
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from crawler.demo_market.photos import PHOTOS, FontMissing, cjk_font_path, photo_bytes
from pipelines.images.pool import ImagePool, ReadingCache
from pipelines.images.reading import BROKEN, NOT_AN_IMAGE, TOO_LARGE, read_image
from tests.image_support import write_hostile
from tests.worker_probe import blas_threads, faults_of_a_block_freed_and_taken_again, mark_at_exit, modules_loaded

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})
MAX_PIXELS = 30_000_000


@pytest.fixture(scope="module")
def rhino_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "card-rhino.jpg"
    path.write_bytes(photo_bytes("card-rhino"))
    return path


def test_demo_photos_are_the_same_bytes_every_time() -> None:
    from crawler.demo_market.photos import render_photo

    assert render_photo(PHOTOS["lookalike-comb"]) == render_photo(PHOTOS["lookalike-comb"])


def test_missing_font_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cjk_font_path.cache_clear()
    monkeypatch.setenv("TRADEWATCH_CJK_FONT", str(tmp_path / "none.ttc"))
    with pytest.raises(FontMissing, match="fonts-wqy-zenhei"):
        cjk_font_path()
    cjk_font_path.cache_clear()


def test_text_and_hashes_of_a_photo(rhino_photo: Path) -> None:
    reading = read_image(rhino_photo, ocr=True, max_pixels=MAX_PIXELS)
    assert reading.problem is None
    assert (reading.width, reading.height) == PHOTOS["card-rhino"].size
    text = reading.text.replace(" ", "")
    assert "犀牛角杯" in text and "微信详谈" in text
    assert reading.phash and len(reading.phash) == 16
    unread = read_image(rhino_photo, ocr=False, max_pixels=MAX_PIXELS)
    assert unread.lines is None and unread.phash == reading.phash and unread.sha256 == reading.sha256


def test_text_is_found_in_a_smaller_copy_and_read_at_full_size(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    from PIL import Image

    from pipelines.images import reading as module

    class Engine:
        """RapidOCR's calls as `recognise` makes them: find on the copy, read each line from the photo."""

        text_score = 0.5

        def __init__(self) -> None:
            self.found_in: tuple[int, ...] = ()
            self.cropped_from: tuple[int, ...] = ()
            self.boxes: list[np.ndarray] = []

        def __call__(self, image: np.ndarray, **steps: bool) -> tuple[list, list]:
            if steps.get("use_det") is False:
                return [["象牙手镯", 0.97]], [0.0]
            self.found_in = image.shape
            return [[[10, 20], [110, 20], [110, 40], [10, 40]]], [0.0]

        def get_crop_img_list(self, image: np.ndarray, boxes: list[np.ndarray]) -> list[np.ndarray]:
            self.cropped_from, self.boxes = image.shape, boxes
            return [image[:10, :10]]

    engine = Engine()
    monkeypatch.setattr(module, "_ENGINE", engine)
    lines = module.recognise(Image.new("RGB", (2000, 1500), (250, 248, 240)), detect_side=640)
    assert engine.found_in[:2] == (480, 640)  # the longest side at 640, the shape kept
    assert engine.cropped_from[:2] == (1500, 2000)  # the line is read from the photo itself
    assert engine.boxes[0].tolist()[0] == pytest.approx([31.25, 62.5])  # the box scaled back to the photo
    assert [(line.text, line.confidence) for line in lines] == [("象牙手镯", 0.97)]


def test_hostile_images_are_refused_with_their_reason(tmp_path: Path, rhino_photo: Path) -> None:
    files = write_hostile(tmp_path, rhino_photo.read_bytes())
    expected = {"too_large": TOO_LARGE, "bomb": TOO_LARGE, "broken": BROKEN, "not_an_image": NOT_AN_IMAGE}
    for key, path in files.items():
        reading = read_image(path, ocr=False, max_pixels=MAX_PIXELS)
        assert reading.problem == expected[key], (key, reading.detail)
        assert reading.lines is None and reading.phash is None


def test_pool_reads_off_the_loop_caches_by_hash_and_holds_back(tmp_path: Path, rhino_photo: Path) -> None:
    svg = write_hostile(tmp_path / "bad", rhino_photo.read_bytes())["not_an_image"]
    cache = ReadingCache(tmp_path / "readings")
    sha = hashlib.sha256(rhino_photo.read_bytes()).hexdigest()

    async def run() -> tuple[list[str | None], ImagePool]:
        pool = ImagePool(workers=1, queue_limit=1, max_pixels=MAX_PIXELS, cache=cache)
        try:
            first = await asyncio.gather(
                pool.read(rhino_photo, sha, ocr=False),
                pool.read(svg, hashlib.sha256(svg.read_bytes()).hexdigest(), ocr=False),
            )
            again = await pool.read(rhino_photo, sha, ocr=False)
            return [first[0].phash, first[1].problem, again.phash], pool
        finally:
            pool.close()

    (phash, problem, cached_phash), pool = asyncio.run(run())
    assert problem == NOT_AN_IMAGE and phash and cached_phash == phash
    assert pool.submitted == 2 and pool.cached == 1
    assert pool.waited == 1  # the second image waited for the single slot
    assert cache.get(sha, ocr=False) is not None and cache.get(sha, ocr=True) is None


def test_ocr_command_prints_text_and_names_bad_files(rhino_photo: Path, tmp_path: Path) -> None:
    svg = tmp_path / "drawing.svg"
    svg.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    result = runner.invoke(app, ["ocr", str(rhino_photo), str(svg), str(tmp_path / "absent.jpg")])
    assert result.exit_code == 1
    assert "懂的来" in result.stdout.replace(" ", "")
    assert "drawing.svg: skipped: not a photo" in result.stderr
    assert "absent.jpg: cannot read" in result.stderr
    zh = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(app, ["ocr", str(svg)])
    assert zh.exit_code == 1 and "跳过" in zh.stderr


def test_a_sweep_downloads_photos_within_its_budget(tw_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.items import ListingItem
    from pipelines.images.media import ListingImagesPipeline
    from pipelines.images.photos import ImageBudget
    from tests.crawl_support import project_crawler

    monkeypatch.setenv("TRADEWATCH_SWEEP_IMAGE_BUDGET", "3")
    alone = project_crawler()
    assert ListingImagesPipeline.from_crawler(alone).budget.left == 3  # the configured budget
    # two platforms of one sweep share its budget
    budget = ImageBudget(3)
    crawlers = [project_crawler(TRADEWATCH_IMAGE_BUDGET=budget) for _ in range(2)]
    pipelines = []
    for crawler in crawlers:
        crawler.stats.open_spider()
        pipelines.append(ListingImagesPipeline.from_crawler(crawler))
    photos = [f"http://127.0.0.1:8765/static/photo/{name}.jpg" for name in ("card-ivory", "card-rhino")]
    wanted = []
    for pipeline, listing_id in zip(
        (pipelines[0], pipelines[1], pipelines[0]), ("100001", "100002", "100003"), strict=True
    ):
        item = ListingItem(platform="demo", listing_id=listing_id, url="http://127.0.0.1:8765/", title="手镯")
        item.images = photos
        wanted.append([request.url for request in pipeline.get_media_requests(item, None)])
    assert wanted == [photos, photos[:1], []]
    assert crawlers[0].stats.get_value("tradewatch/images/over_budget") == 2
    assert crawlers[1].stats.get_value("tradewatch/images/over_budget") == 1
    assert crawlers[0].stats.get_value("tradewatch/images/requested") == 2


def test_a_photo_two_crawls_store_at_once_is_whole_for_the_one_that_finds_it_stored(
    tw_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crawls of a sweep each download a photo that both platforms show (099004 on demo and on demo-gbk):
    the one that finds it under its content path while the other still writes it must find all of it. Read
    half-written, it is a broken photo, and its listings lose the words in it and their leads."""
    import io
    import threading

    from scrapy import Request
    from scrapy.http import Response

    from pipelines.images.media import ListingImagesPipeline
    from pipelines.images.photos import photo_path
    from tests.crawl_support import project_crawler

    body = photo_bytes("shared-hornbill")
    url = "http://127.0.0.1:8765/static/photo/shared-hornbill.jpg"
    half_written, go_on = threading.Event(), threading.Event()
    real_open = io.open

    class PausedHalfway:
        """A file the first crawl's store writes: half of what it is given, then a pause until `go_on`."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> PausedHalfway:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            half_written.set()
            go_on.wait(30)
            return self.handle.write(data[len(data) // 2 :]) + len(data) // 2

    def open_pausing_once(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if mode != "wb" or half_written.is_set() or threading.current_thread() is threading.main_thread():
            return handle
        return PausedHalfway(handle)

    crawlers = [project_crawler() for _ in range(2)]
    for crawler in crawlers:
        crawler.stats.open_spider()
    first, second = (ListingImagesPipeline.from_crawler(crawler) for crawler in crawlers)
    request, response = Request(url), Response(url, body=body)

    async def store_twice() -> bytes:
        storing = asyncio.ensure_future(first.file_downloaded(response, request, object()))
        try:
            assert await asyncio.to_thread(half_written.wait, 30)
            sha256 = await second.file_downloaded(response, request, object())
            return (second.root / photo_path(sha256)).read_bytes()
        finally:
            go_on.set()
            await storing

    monkeypatch.setattr(io, "open", open_pausing_once)
    found = asyncio.run(store_twice())
    monkeypatch.undo()
    assert len(found) == len(body) and found == body
    assert [path.read_bytes() == body for path in (tw_home / "images").glob("??/*")] == [True]  # one copy, whole


def test_the_sweeps_pool_starts_as_its_first_photos_are_requested(tw_home: Path) -> None:
    """Its workers start up while the photos download, behind the pages queued before them; a listing without
    photos, or over the budget, starts none."""
    from crawler.items import ListingItem
    from pipelines.images.media import ListingImagesPipeline
    from pipelines.images.photos import ImageBudget
    from tests.crawl_support import project_crawler

    class Pool(ImagePool):
        starts = 0

        def start(self) -> None:
            self.starts += 1

    pool = Pool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=ReadingCache(tw_home / "readings"))
    crawler = project_crawler(TRADEWATCH_IMAGE_POOL=pool, TRADEWATCH_IMAGE_BUDGET=ImageBudget(1))
    crawler.stats.open_spider()
    pipeline = ListingImagesPipeline.from_crawler(crawler)
    plain = ListingItem(platform="demo", listing_id="100001", url="http://127.0.0.1:8765/", title="手镯")
    assert pipeline.get_media_requests(plain, None) == [] and pool.starts == 0
    shown = ListingItem(platform="demo", listing_id="100002", url="http://127.0.0.1:8765/", title="手镯")
    shown.images = ["http://127.0.0.1:8765/static/photo/card-ivory.jpg"]
    assert len(pipeline.get_media_requests(shown, None)) == 1 and pool.starts == 1
    assert pipeline.get_media_requests(shown, None) == [] and pool.starts == 1  # the budget is spent


def recogniser_loaded() -> tuple[int, bool]:
    """(niceness, recogniser loaded) of the pool worker that runs this."""
    import os

    from pipelines.images import reading

    return os.nice(0), reading._ENGINE is not None


def test_the_pool_starts_every_worker_on_the_first_photo_that_needs_reading(tmp_path: Path, rhino_photo: Path) -> None:
    """A sweep that meets only photos read before (or none) starts no worker process."""
    cache = ReadingCache(tmp_path / "readings")
    known = read_image(rhino_photo, ocr=False, max_pixels=MAX_PIXELS)
    cache.put(known)
    pool = ImagePool(workers=2, queue_limit=2, max_pixels=MAX_PIXELS, cache=cache)

    async def run() -> tuple[list[int], list[int], str | None]:
        await pool.read(rhino_photo, known.sha256, ocr=False)
        before = pool.worker_pids()
        fresh = await pool.read(rhino_photo, "0" * 64, ocr=False)  # the same bytes under a name not in the cache
        return before, pool.worker_pids(), fresh.phash

    try:
        before, after, phash = asyncio.run(run())
    finally:
        pool.close()
    assert before == [] and pool.cached == 1
    assert len(after) == 2 and phash == known.phash


def test_pool_starts_its_workers_early_at_lower_priority_with_the_recogniser_loaded(tmp_path: Path) -> None:
    import os

    cache = ReadingCache(tmp_path / "readings")
    for warm in (True, False):
        pool = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=cache, nice=5, warm=warm)
        try:
            pool.start()
            assert len(pool.worker_pids()) == 1  # started before any photo came
            assert pool._executor is not None
            niceness, loaded = pool._executor.submit(recogniser_loaded).result(timeout=300)
        finally:
            pool.close()
        assert niceness == min(19, os.nice(0) + 5)
        assert loaded is warm  # a sweep that only hashes photos does not load the recogniser


def test_workers_started_without_the_recogniser_load_it_when_the_first_photo_is_requested(tmp_path: Path) -> None:
    """A sweep that reads text starts its workers before its crawl but without the recogniser, which they load as
    its first photo is requested (`prepare`): a sweep that meets no photo never loads it."""
    pool = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=ReadingCache(tmp_path), warm=True)
    try:
        pool.start(load=False)
        assert pool._executor is not None and len(pool.worker_pids()) == 1
        _, loaded = pool._executor.submit(recogniser_loaded).result(timeout=300)
        assert loaded is False
        pool.prepare()
        pool.prepare()  # the first photo's request loads it, the next ones find it loaded
        _, loaded = pool._executor.submit(recogniser_loaded).result(timeout=300)
        assert loaded is True and len(pool.worker_pids()) == 1
    finally:
        pool.close()
    unstarted = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=ReadingCache(tmp_path))
    try:
        unstarted.prepare()  # a pool no sweep started early starts with the first photo's request
        assert len(unstarted.worker_pids()) == 1
    finally:
        unstarted.close()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc is the one tuned")
def test_a_worker_takes_a_freed_block_again_without_faulting_its_pages_in_anew(tmp_path: Path) -> None:
    """The recogniser's tensors are allocated and freed at each run: a worker reuses the memory of a freed block
    of 64 MiB (which glibc would map and unmap each time: 16,384 page faults at every use) from its heap."""
    pool = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=ReadingCache(tmp_path / "readings"))
    try:
        pool.start()
        assert pool._executor is not None
        faults = pool._executor.submit(faults_of_a_block_freed_and_taken_again, 64).result(timeout=300)
    finally:
        pool.close()
    assert faults < 1_000


def test_a_workers_maths_library_runs_on_one_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recogniser has a thread of its own; numpy's BLAS starts none beside it (one per core otherwise), and
    an officer's own setting is kept."""
    pytest.importorskip("threadpoolctl")
    cache = ReadingCache(tmp_path / "readings")
    for setting, expected in ((None, 1), ("2", 2)):
        if setting is None:
            monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
        else:
            monkeypatch.setenv("OPENBLAS_NUM_THREADS", setting)
        pool = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=cache)
        try:
            pool.start()
            assert pool._executor is not None
            threads = pool._executor.submit(blas_threads).result(timeout=300)
        finally:
            pool.close()
        assert threads and all(number == expected for number in threads)


def test_a_closed_pools_workers_leave_without_the_interpreters_teardown(tmp_path: Path, rhino_photo: Path) -> None:
    """Once the pool is closed its workers exit at once, cleanly (exit code 0), without the interpreter taking
    numpy, ONNX Runtime and the recogniser apart: nothing registered to run at the interpreter's exit runs."""
    cache = ReadingCache(tmp_path / "readings")
    mark = tmp_path / "torn-down"
    pool = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=cache)
    try:
        sha = hashlib.sha256(rhino_photo.read_bytes()).hexdigest()
        reading = asyncio.run(pool.read(rhino_photo, sha, ocr=True))
        assert pool._executor is not None
        processes = list(pool._executor._processes.values())  # type: ignore[attr-defined]
        pid = pool._executor.submit(mark_at_exit, str(mark)).result(timeout=300)
    finally:
        pool.close()
    assert reading.lines and [process.pid for process in processes] == [pid]
    assert [process.exitcode for process in processes] == [0]
    assert not mark.exists()


def test_workers_load_the_models_optimised_once_and_read_the_same_text(
    tmp_path: Path, rhino_photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recogniser's models are optimised once into the cache and loaded from there, reading what the wheel's
    models read; a damaged copy costs no photo its text and is made again by the next worker."""
    from pipelines.images import reading

    monkeypatch.setattr(reading, "_ENGINE", None)
    monkeypatch.setattr(reading, "_MODEL_CACHE", None)
    from_wheel = read_image(rhino_photo, ocr=True, max_pixels=MAX_PIXELS).lines
    folder = tmp_path / "ocr"
    pool = ImagePool(
        workers=1, queue_limit=1, max_pixels=MAX_PIXELS, cache=ReadingCache(tmp_path / "readings"), models=folder
    )
    try:
        sha = hashlib.sha256(rhino_photo.read_bytes()).hexdigest()
        from_copies = asyncio.run(pool.read(rhino_photo, sha, ocr=True)).lines
    finally:
        pool.close()
    copies = sorted(folder.glob("*.onnx"))
    assert len(copies) == 3 and not list(folder.glob(".*"))  # detector, classifier, recogniser; no temporaries
    assert from_copies and from_copies == from_wheel

    copies[0].write_bytes(b"not a model")
    monkeypatch.setattr(reading, "_ENGINE", None)
    monkeypatch.setattr(reading, "_MODEL_CACHE", folder)
    assert read_image(rhino_photo, ocr=True, max_pixels=MAX_PIXELS).lines == from_wheel
    assert not copies[0].exists()  # removed, to be made again


@pytest.mark.parametrize("cpu_named", [True, False])
def test_copies_laid_out_for_this_cpu_load_unoptimised_and_read_the_same_boxes_and_scores(
    tmp_path: Path, rhino_photo: Path, monkeypatch: pytest.MonkeyPatch, cpu_named: bool
) -> None:
    """Copies optimised at the "all" level for this CPU are loaded with ONNX Runtime's graph optimisation off
    (its passes find nothing left to do), and find the same boxes with the same scores, to the last bit, as the
    wheel's models optimised at load; copies made for any CPU ("extended") still get the layout at each load.
    RapidOCR's own session options are left as they were for any recogniser built after."""
    import numpy as np
    import onnxruntime
    from PIL import Image

    from pipelines.images import models

    if not cpu_named:
        monkeypatch.setattr(models, "cpu_identity", lambda: None)
    photo = np.asarray(Image.open(rhino_photo).convert("RGB"))[:, :, ::-1]
    config = models.default_config(tmp_path)
    paths, as_saved = models.optimised_models(tmp_path / "ocr", config)
    assert len(paths) == 3 and as_saved is cpu_named
    from_copies = models.recogniser(config, as_saved=as_saved, **paths)
    from_wheel = models.recogniser(config)
    levels = onnxruntime.GraphOptimizationLevel
    loaded = [
        {part.get_session_options().graph_optimization_level for part in sessions}
        for sessions in (
            [engine.text_det.infer.session, engine.text_cls.infer.session, engine.text_rec.session.session]
            for engine in (from_copies, from_wheel)
        )
    ]
    assert loaded == [{levels.ORT_DISABLE_ALL if cpu_named else levels.ORT_ENABLE_ALL}, {levels.ORT_ENABLE_ALL}]
    found, _elapsed = from_copies(photo)
    assert found and repr(found) == repr(from_wheel(photo)[0])


def test_a_copy_laid_out_for_one_cpu_is_not_loaded_on_another(tmp_path: Path) -> None:
    """A copy optimised at ONNX Runtime's "all" level has its convolutions laid out for the vector width of the
    CPU that made it: it is named by that CPU's model and instruction sets (not its clock), and a machine whose
    CPU cannot be named makes a copy for every CPU instead."""
    from pipelines.images.models import _name, cpu_identity

    def identity(clock: str, flags: str) -> str | None:
        second = "processor\t: 1\nmodel name\t: 英特尔 Xeon\nflags\t\t: fpu sse2\n"
        first = f"processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: 英特尔 Xeon\ncpu MHz\t\t: {clock}\n"
        (tmp_path / "cpuinfo").write_text(f"{first}flags\t\t: {flags}\n\n{second}", encoding="utf-8")
        return cpu_identity(tmp_path / "cpuinfo")

    avx2, avx512 = identity("2000.0", "fpu sse2 avx2 fma"), identity("2000.0", "fpu sse2 avx2 fma avx512f")
    assert avx2 is not None and avx512 is not None and avx2 != avx512
    assert identity("2394.6", "fpu sse2 avx2 fma") == avx2  # the clock changes, the layout does not
    (tmp_path / "cpuinfo").write_text("processor\t: 0\nBogoMIPS\t: 50.00\n", encoding="utf-8")
    assert cpu_identity(tmp_path / "cpuinfo") is None and cpu_identity(tmp_path / "missing") is None
    source = tmp_path / "ch_PP-OCRv4_det_infer.onnx"
    source.write_bytes(b"model")
    names = [_name(source, "1.32.0", cpu) for cpu in (avx2, avx512, None)]
    assert len(set(names)) == 3 and all(name.startswith("ch_PP-OCRv4_det_infer-") for name in names)


def test_the_crawls_of_a_sweep_share_its_pool_and_leave_it_open(tw_home: Path) -> None:
    from scrapy.settings import Settings

    from pipelines.images.download import ReadImagesPipeline, image_pool
    from tests.crawl_support import project_crawler

    shared = image_pool(warm=False)
    settings = Settings({"TRADEWATCH_IMAGE_POOL": shared})
    assert settings.copy()["TRADEWATCH_IMAGE_POOL"] is shared  # Scrapy copies each crawl's settings
    pipelines = [ReadImagesPipeline.from_crawler(project_crawler(TRADEWATCH_IMAGE_POOL=shared)) for _ in range(2)]
    assert all(pipeline.pool is shared for pipeline in pipelines)
    shared.start()
    try:
        pipelines[0].close_spider()
        assert shared._executor is not None and shared.worker_pids()  # the sweep closes it, after every crawl
    finally:
        shared.close()
    # a crawl built without the sweep's pool (a distributed worker's) starts its own as its spider opens
    crawler = project_crawler()
    alone = ReadImagesPipeline.from_crawler(crawler)
    assert alone.pool is not shared
    crawler.spider = SimpleNamespace(shows_photos=True, reads_images=False)
    alone.open_spider()
    try:
        assert alone.pool.warm is False and not alone.pool.worker_pids()  # none before a photo needs reading
        alone.pool.start()
    finally:
        alone.close_spider()
    assert alone.pool._executor is None  # closed with its crawl


_POOL_OWNER = """
import sys, time
from pathlib import Path
from pipelines.images.pool import ImagePool, ReadingCache

pool = ImagePool(workers=1, queue_limit=2, max_pixels=1000, cache=ReadingCache(Path(sys.argv[1])))
pool.start(fork=sys.argv[2] == "fork")
while not pool.worker_pids():
    time.sleep(0.05)
print(*pool.worker_pids(), flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("start", ["spawn", "fork"])
def test_a_worker_ends_when_the_sweep_that_started_it_is_killed(tmp_path: Path, start: str) -> None:
    """A sweep killed outright (SIGKILL, the out-of-memory killer) cannot close its pool: its OCR workers must
    not stay behind, each holding the recogniser's memory, whether spawned or forked from the sweep."""
    import os
    import signal
    import subprocess
    import sys
    import time

    workers: list[int] = []
    owner = subprocess.Popen(
        [sys.executable, "-c", _POOL_OWNER, str(tmp_path / "readings"), start],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert owner.stdout is not None
        workers += [int(pid) for pid in owner.stdout.readline().split()]
        assert workers
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
        deadline = time.monotonic() + 30
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.1)
            alive = [pid for pid in workers if _running(pid)]
        assert not alive, f"OCR workers {alive} outlived the killed sweep"
    finally:
        owner.kill()
        for pid in filter(_running, workers):
            os.kill(pid, signal.SIGKILL)


_FORKING_OWNER = """
import asyncio, gc, hashlib, json, signal, sys, threading
from multiprocessing import resource_tracker
from pathlib import Path
from pipelines.images.pool import ImagePool, ReadingCache
from tests.worker_probe import crawl_state_left_behind

photo, readings = Path(sys.argv[1]), Path(sys.argv[2])
if sys.argv[3] == "busy":  # another thread runs (the reactor's, the scorer's): a fork would copy its locks
    threading.Thread(target=threading.Event().wait, daemon=True).start()
gc.disable()  # as a crawl process is while it builds its crawls
signal.signal(signal.SIGINT, lambda *_: None)  # a handler of the crawl process's own
pool = ImagePool(workers=1, queue_limit=2, max_pixels=30_000_000, cache=ReadingCache(readings))
pool.start(fork=True)
(pid,) = pool.worker_pids()
reading = asyncio.run(pool.read(photo, hashlib.sha256(photo.read_bytes()).hexdigest(), ocr=True))
state = pool._executor.submit(crawl_state_left_behind).result(timeout=300)
name = Path(f"/proc/{pid}/comm").read_text().strip()
tracker = resource_tracker._resource_tracker._pid is not None
pool.close()
print(json.dumps([name, tracker, reading.text, *state]))
"""


@pytest.mark.skipif(platform.system() != "Linux", reason="workers are forked on Linux only")
def test_a_crawl_process_with_one_thread_forks_its_workers_and_starts_no_resource_tracker(
    tmp_path: Path, rhino_photo: Path
) -> None:
    """Started early by a crawl process that runs no other thread, the pool forks its workers: no new interpreter,
    and no resource tracker beside them (a spawned pool's named semaphores need one). A forked worker reads text
    as a spawned one does, with the cycle collector on and Python's own Ctrl-C, whatever the crawl process had
    set, and is named for the process table. With another thread running, the workers are spawned."""
    import json
    import subprocess
    import sys

    answers = {}
    for threads in ("idle", "busy"):
        done = subprocess.run(
            [sys.executable, "-c", _FORKING_OWNER, str(rhino_photo), str(tmp_path / threads), threads],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert done.returncode == 0, done.stderr
        answers[threads] = json.loads(done.stdout.strip().splitlines()[-1])
    for threads, (name, tracker, text, collecting, interruptible) in answers.items():
        assert "犀牛角杯" in text.replace(" ", "") and collecting and interruptible, threads
        assert (name == "tradewatch-ocr") is (threads == "idle") and tracker is (threads == "busy"), threads


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (not a zombie waiting for init to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _stripes(width: int, height: int, *, across: bool) -> Any:
    """Grey stripes (rows or columns of one value): most of their frequencies are exactly zero, so a hash
    computed with rounding errors of its own would differ from imagehash's on them."""
    import numpy as np
    from PIL import Image

    values = np.random.default_rng(width * height).integers(0, 256, height if across else width, dtype=np.uint8)
    grid = np.repeat(values[:, None], width, 1) if across else np.repeat(values[None, :], height, 0)
    return Image.fromarray(grid).convert("RGB")


def test_the_perceptual_hash_is_imagehash_s() -> None:
    """Stored photos are linked by their hash (leads.lead_query): the hash computed without scipy is the very one
    imagehash gives, for photos, noise, stripes and blank images alike."""
    import io

    import imagehash
    import numpy as np
    from PIL import Image

    from pipelines.images.reading import perceptual_hash

    rng = np.random.default_rng(7)
    images = [Image.open(io.BytesIO(photo_bytes(name))).convert("RGB") for name in PHOTOS]
    images += [Image.fromarray(rng.integers(0, 256, (90 + n, 160 - n, 3), dtype=np.uint8)) for n in range(0, 60, 3)]
    images += [_stripes(60 + n, 40 + 2 * n, across=n % 2 == 0) for n in range(20)]
    images += [Image.new("RGB", (64, 48), colour) for colour in ("white", "black", (200, 30, 30))]
    assert [perceptual_hash(image) for image in images] == [str(imagehash.phash(image)) for image in images]


def test_a_worker_imports_neither_scipy_nor_numpy_ma_nor_the_main_module_nor_the_configuration(
    tmp_path: Path, rhino_photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's start-up is part of every sweep with photos: it hashes and reads photos without scipy or
    numpy.ma, is not made to import the main module of the process that started it (the CLI, a sweep's child, a
    script), and reads the text of photos with the settings the pool was given, not the configuration's own
    imports."""
    import sys
    import types

    script = tmp_path / "sweep_main.py"
    script.write_text(f"MARK = 1\nopen({str(tmp_path / 'imported')!r}, 'w').close()\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    readings = ReadingCache(tmp_path / "readings")
    pool = ImagePool(workers=1, queue_limit=2, max_pixels=MAX_PIXELS, cache=readings, detect_side=640)
    try:
        sha = hashlib.sha256(rhino_photo.read_bytes()).hexdigest()
        reading = asyncio.run(pool.read(rhino_photo, sha, ocr=True))  # the first photo starts the worker
        assert pool._executor is not None
        probe = pool._executor.submit(modules_loaded).result(timeout=300)
        scipy_loaded, main_loaded, config_loaded, asyncio_loaded, masked_loaded = probe
    finally:
        pool.close()
    assert reading.phash and reading.problem is None and reading.lines
    assert not scipy_loaded
    assert not main_loaded and not (tmp_path / "imported").exists()
    assert not config_loaded
    assert not asyncio_loaded  # the pool's own module is not the worker's
    assert not masked_loaded  # the hash's median is taken without numpy.ma


def test_the_recogniser_is_built_from_a_json_copy_of_its_configuration_without_pyyaml(tmp_path: Path) -> None:
    """RapidOCR's configuration file is YAML: it is read once into a JSON copy in the cache, and a worker builds
    the recogniser from that copy without importing PyYAML (its import and parse were part of every start-up)."""
    import json
    import subprocess
    import sys

    from rapidocr_onnxruntime.utils import read_yaml

    from pipelines.images.models import _config_file, default_config

    made = default_config(tmp_path)
    (copy,) = tmp_path.glob("config-*.json")
    assert made == read_yaml(_config_file()) == json.loads(copy.read_text(encoding="utf-8"))
    assert default_config(tmp_path) == made and default_config(None) == made
    code = f"""
import sys
from pathlib import Path
from pipelines.images.models import default_config, recogniser
engine = recogniser(default_config(Path({str(tmp_path)!r})), det_limit_side_len=32, intra_op_num_threads=1)
print("yaml" in sys.modules, "shapely" in sys.modules, engine.text_score, engine.text_det.limit_side_len)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", str(made["Global"]["text_score"]), "32"]


def test_the_text_boxes_are_widened_by_shapelys_area_and_perimeter_to_the_last_bit() -> None:
    """RapidOCR's detector widens each box by its area over its perimeter (shapely's Polygon, in GEOS): the
    stand-in a worker gives it computes both as GEOS does, so the boxes, and the text read, are the same."""
    import cv2
    import numpy as np
    from shapely.geometry import Polygon

    from pipelines.images.models import BoxPolygon

    rng = np.random.default_rng(7)
    for n in range(3000):
        centre, size = tuple(rng.uniform(0, 2000, 2)), tuple(rng.uniform(0.5, 700, 2))
        box = cv2.boxPoints((centre, size, float(rng.uniform(-90, 90)))).astype(np.float32)
        if n % 3 == 0:
            box = np.round(box).astype(np.float32)  # boxes on whole pixels, as a detector's often are
        ours, theirs = BoxPolygon(box), Polygon(box)
        assert (ours.area, ours.length) == (theirs.area, theirs.length)


@pytest.mark.parametrize("damaged", ["{not json", "null", "{}", '{"Global": {}}', "\udcff"])
def test_a_damaged_copy_of_the_configuration_is_made_again_from_its_yaml(tmp_path: Path, damaged: str) -> None:
    import json

    from rapidocr_onnxruntime.utils import read_yaml

    from pipelines.images.models import _config_file, default_config

    expected = read_yaml(_config_file())
    default_config(tmp_path)
    (copy,) = tmp_path.glob("config-*.json")
    copy.write_bytes(damaged.encode("utf-8", "surrogateescape"))
    assert default_config(tmp_path) == expected
    assert json.loads(copy.read_text(encoding="utf-8")) == expected


def test_a_configuration_json_would_change_is_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy must read back as the YAML file reads: a configuration JSON cannot hold as it is is read each time."""
    import rapidocr_onnxruntime.utils

    from pipelines.images.models import default_config

    for config in ({"Global": {1: "one"}}, {"Global": {"since": {1, 2}}}):
        monkeypatch.setattr(rapidocr_onnxruntime.utils, "read_yaml", lambda _path, config=config: config)
        assert default_config(tmp_path) == config
        assert not list(tmp_path.glob("config-*.json"))


def test_a_rapidocr_that_imports_more_than_the_stand_ins_give_is_imported_as_it_is() -> None:
    """Should RapidOCR import more of shapely or PyYAML than the stand-ins give, it loads with both imported."""
    import subprocess
    import sys

    code = """
import sys, types
import pipelines.images.models as models
given = models._stand_ins
def fewer():
    stand_ins = given()
    stand_ins["shapely.geometry"] = types.ModuleType("shapely.geometry")  # no Polygon
    return stand_ins
models._stand_ins = fewer
main = models._import_rapidocr()
from rapidocr_onnxruntime.ch_ppocr_det import utils
import shapely.geometry
print(main.__name__, utils.Polygon is shapely.geometry.Polygon)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["rapidocr_onnxruntime.main", "True"]


def test_the_box_stand_in_answers_anything_else_as_shapely_does() -> None:
    from shapely.geometry import Polygon

    from pipelines.images.models import BoxPolygon

    box = [(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0)]
    assert BoxPolygon(box).centroid.equals(Polygon(box).centroid)
    assert BoxPolygon(box).bounds == Polygon(box).bounds
    assert not hasattr(BoxPolygon(box), "__setstate__")  # protocols (copy, pickle) are not passed on


def test_a_configuration_file_moved_is_found_where_rapidocr_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    import rapidocr_onnxruntime.main

    from pipelines.images import models

    real = importlib.util.find_spec("rapidocr_onnxruntime")
    assert real is not None
    moved = SimpleNamespace(origin=str(tmp_path / "__init__.py"))  # a package without config.yaml beside it
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: moved if name == real.name else None)
    assert models._config_file() == Path(rapidocr_onnxruntime.main.DEFAULT_CFG_PATH)


def test_a_configuration_changed_in_place_is_read_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configuration file rewritten with the same size and time (a release installed over another) is read anew."""
    import os

    from pipelines.images import models

    source = tmp_path / "config.yaml"
    monkeypatch.setattr(models, "_config_file", lambda: source)
    sections = "Det: {}\nCls: {}\nRec: {}\n"
    source.write_text("Global:\n    text_score: 0.5\n" + sections, encoding="utf-8")
    stamp = source.stat().st_mtime_ns
    assert models.default_config(tmp_path / "cache")["Global"] == {"text_score": 0.5}
    assert len(list((tmp_path / "cache").glob("config-*.json"))) == 1
    source.write_text("Global:\n    text_score: 0.7\n" + sections, encoding="utf-8")
    os.utime(source, ns=(stamp, stamp))
    assert models.default_config(tmp_path / "cache")["Global"] == {"text_score": 0.7}


_HUNG_UP_OWNER = """
import asyncio, hashlib, json, os, signal, sys
from pathlib import Path
from pipelines.images.pool import ImagePool, ReadingCache

photo, readings = Path(sys.argv[1]), Path(sys.argv[2])
pool = ImagePool(workers=1, queue_limit=2, max_pixels=30_000_000, cache=ReadingCache(readings))
pool.start(fork=sys.argv[3] == "fork")
before = pool._executor.submit(os.getpid).result(timeout=300)
os.kill(before, signal.SIGHUP)  # the terminal's hangup, which reaches the sweep's whole group
reading = asyncio.run(pool.read(photo, hashlib.sha256(photo.read_bytes()).hexdigest(), ocr=True))
after = pool._executor.submit(os.getpid).result(timeout=300) if pool._executor else None
pool.close()
print(json.dumps([reading.problem, before == after, reading.text]))
"""


@pytest.mark.parametrize("start", ["spawn", "fork"])
def test_a_worker_outlives_the_terminal_s_hangup_and_reads_on(tmp_path: Path, rhino_photo: Path, start: str) -> None:
    """`tradewatch sweep` crawls in the command's own process, its OCR workers in its group: a closed terminal's
    SIGHUP reaches them all, and the sweep takes it for a graceful stop that still reads the listings in hand.
    Before, the workers died of it and those photos' readings failed; now a worker ignores it and reads on."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _HUNG_UP_OWNER, str(rhino_photo), str(tmp_path / "readings"), start],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    problem, same_worker, text = json.loads(done.stdout.strip().splitlines()[-1])
    assert (problem, same_worker) == (None, True) and "犀牛角杯" in text.replace(" ", ""), done.stdout

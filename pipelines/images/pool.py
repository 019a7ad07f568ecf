"""OCR off the crawl thread: a bounded pool of worker processes with a queue limit, and a cache by image hash.

The reactor awaits a future of the pool (`asyncio.wrap_future`), never the work itself. At most
`queue_limit` images are with the pool at once; the item that would be one more waits for a slot, and so
holds Scrapy's item slots, which slows the downloader: back-pressure instead of a growing backlog.

The workers start all at once: before the crawls are built when a sweep reads the text of its photos
(`runners.sweep`; forked from the crawl process then, where it runs no other thread yet, and loading the
recogniser only as the sweep requests its first photo), else when it requests its first photo
(`ListingImagesPipeline`, so that they start up while the photos download), else with the first photo that needs
reading (one not in the cache): a sweep that meets no photo starts none, or loads no recogniser in the workers it
forked (the recogniser's libraries and models cost about 0.3 CPU s, more than the rest of a short sweep's start-up
beside Scrapy's own). `nice` can lower the workers'
CPU priority (TRADEWATCH_OCR_NICE): other work then gets the cores first. It is 0 by default: measured on a
shared machine, a lower priority made the crawl wait longer for its photos (likely because Linux shares the
CPU between sessions core by core, and a low-priority worker wins its session a smaller share of its core).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines.images.reading import ImageReading, read_image, warm_up
from pipelines.images.worker import ForkedWorkerContext, WorkerContext, start_worker

FAILED = "failed"  # the worker process died on the image (memory, a crash in a decoder)


class ReadingCache:
    """Readings by content hash under the home (`images/readings/ab/<sha256>.json`): a photo is read once,
    whichever listing or seller uses it again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str, *, ocr: bool) -> ImageReading | None:
        try:
            reading = ImageReading.from_dict(json.loads(self._path(sha256).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if ocr and reading.lines is None and reading.problem is None:
            return None  # hashed without OCR before: read it now
        return reading

    def put(self, reading: ImageReading) -> None:
        path = self._path(reading.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(reading.to_dict(), ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While workers are spawned: multiprocessing has a spawned process import the starting process's main module
    again (the CLI, `runners.sweep` and its crawl settings, a benchmark script) before it runs anything, for
    functions defined there. A worker runs only this package's functions, so it is shown an empty main module
    instead (a tenth of a CPU second to half a second less per worker). The swap lasts while the workers' processes
    are started; nothing in a crawl process looks its main module up."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class ImagePool:
    """Reads images in `workers` processes, `queue_limit` at most at once; readings cached by hash.

    `nice` is how much lower the workers' CPU priority is than the crawl's; `warm` loads the recogniser as
    each worker starts (a sweep that reads text): the first photo starts every worker, and the others are then
    ready for the next photos. `models` is the folder of the recogniser's optimised models (None: the wheel's
    models are loaded as they are, `pipelines.images.models`)."""

    def __init__(
        self,
        *,
        workers: int,
        queue_limit: int,
        max_pixels: int,
        cache: ReadingCache,
        detect_side: int | None = None,
        nice: int = 0,
        warm: bool = False,
        models: Path | None = None,
    ) -> None:
        self.workers, self.queue_limit, self.max_pixels, self.cache = workers, queue_limit, max_pixels, cache
        self.detect_side, self.nice, self.warm, self.models = detect_side, nice, warm, models
        self._executor: ProcessPoolExecutor | None = None
        self._unloaded = False  # workers started warm but without the recogniser, which `prepare` loads
        self._slots: asyncio.Semaphore | None = None
        self._pending: dict[tuple[str, bool], asyncio.Future[ImageReading]] = {}
        self.submitted = 0
        self.cached = 0
        self.waited = 0  # items held back because the queue was full

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self.start()
            assert self._executor is not None
        return self._executor

    def start(self, *, fork: bool = False, load: bool = True) -> None:
        """Start every worker now (the first photo that needs reading does, if nothing did before).

        `fork`: the caller is a crawl process that has built nothing of its crawls yet (no reactor, no sockets);
        the workers are then forked from it if it runs no other thread (Linux), else spawned as always. A forked
        worker starts without a new interpreter, its imports of multiprocessing's start-up and multiprocessing's
        resource tracker beside it (a spawned pool's locks are named semaphores that the tracker must clean up):
        about 0.1 CPU s less per sweep that reads text. `load` False: a warm pool's workers start without the
        recogniser (and its libraries) and load it when `prepare` is called, as the sweep requests its first photo."""
        if self._executor is not None:
            return
        self._unloaded = self.warm and not load
        forked = fork and sys.platform.startswith("linux") and threading.active_count() == 1
        # spawned otherwise: a worker never inherits the crawl's reactor, sockets or threads; either way it leaves
        # without the interpreter's teardown once the pool is closed (`WorkerContext`, `ForkedWorkerContext`)
        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=ForkedWorkerContext() if forked else WorkerContext(),
            initializer=start_worker,
            initargs=(self.nice, self.warm and load, self.models, forked),
        )
        self._executor = executor
        with _main_module_hidden():
            for _ in range(self.workers):
                executor.submit(os.getpid)  # each submission finding no idle worker starts one

    def prepare(self) -> None:
        """Get the workers ready for photos: start them if none runs, and have workers started without the
        recogniser (`start(load=False)`) load it now, while the first photos download. A forked worker's start
        costs little; importing numpy, ONNX Runtime, OpenCV and RapidOCR and loading the recogniser cost about
        0.3 CPU s, which a sweep that meets no photo no longer pays."""
        if self._executor is None:
            self.start()
            return
        if self._unloaded:
            self._unloaded = False
            for _ in range(self.workers):
                self._executor.submit(warm_up)  # an idle worker takes each; a worker loaded already returns at once

    def __deepcopy__(self, memo: dict[int, Any]) -> ImagePool:
        return self  # Scrapy copies a crawl's settings; the crawls of a sweep share its one pool

    def __copy__(self) -> ImagePool:
        return self

    async def read(self, path: Path, sha256: str, *, ocr: bool) -> ImageReading:
        """The reading of the stored image `path` whose content hash is `sha256`."""
        cached = self.cache.get(sha256, ocr=ocr)
        if cached is not None:
            self.cached += 1
            return cached
        key = (sha256, ocr)
        pending = self._pending.get(key)
        if pending is not None:  # the same photo in another listing of this sweep, already with the pool
            self.cached += 1
            return await asyncio.shield(pending)
        future: asyncio.Future[ImageReading] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            reading = await self._submit(path, sha256, ocr=ocr)
            future.set_result(reading)
            return reading
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters get it, nobody else is warned
            raise
        finally:
            del self._pending[key]

    async def _submit(self, path: Path, sha256: str, *, ocr: bool) -> ImageReading:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.queue_limit)
        if self._slots.locked():
            self.waited += 1
        async with self._slots:
            self.submitted += 1
            try:
                work = self._pool().submit(
                    read_image, str(path), ocr=ocr, max_pixels=self.max_pixels, detect_side=self.detect_side
                )
                reading = await asyncio.wrap_future(work)
            except BrokenProcessPool as error:
                self.close(wait=False)  # a new pool for the next image
                return ImageReading(sha256=sha256, problem=FAILED, detail=str(error))
        self.cache.put(reading)
        return reading

    @property
    def backlog(self) -> int:
        return len(self._pending)

    def worker_pids(self) -> list[int]:
        processes = getattr(self._executor, "_processes", None) or {}
        return list(processes)

    def close(self, *, wait: bool = True) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=not wait)
            self._executor = None

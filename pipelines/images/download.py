"""Listing photos downloaded through Scrapy's media machinery, then hashed and read in the pool.

`ListingImagesPipeline` is Scrapy's FilesPipeline: photo requests go through the downloader like pages do, so
the destination guard, allowed domains, robots.txt, politeness, retries and size caps apply to them. A photo is
stored once, by its content hash, under `TRADEWATCH_HOME/images/`. Its header is checked before it is stored:
SVG and other non-raster files, and photos with too many pixels (decompression bombs) are counted
(`tradewatch/images/skipped/<problem>`) and dropped; the listing goes on without them.

`ReadImagesPipeline` hands each stored photo to the OCR pool (pipelines/images/pool.py) and sets the listing's
`image_text` and `image_readings`. Stats: `tradewatch/images/requested|stored|over_budget|failed|read|ocr`.
"""

from __future__ import annotations

import asyncio
import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import FileException, FileInfoOrError

from core.config import get_settings
from crawler.items import ListingItem
from pipelines.images.models import configured_folder
from pipelines.images.pool import ImagePool, ReadingCache
from pipelines.images.reading import ImageProblem, check_header

IMAGES_FOLDER = "images"  # under the home: photos by content hash, and the readings cache
PHOTOS_PER_LISTING = 8


class ImageBudget:
    """Photos a sweep may still download, shared by the crawls of its platforms (`TRADEWATCH_IMAGE_BUDGET`)."""

    def __init__(self, total: int) -> None:
        self.left = total

    def __deepcopy__(self, memo: dict[int, Any]) -> ImageBudget:
        return self  # Scrapy copies a crawl's settings; the budget stays the sweep's one counter

    def __copy__(self) -> ImageBudget:
        return self

    def take(self, wanted: int) -> int:
        """How many of `wanted` photos may be downloaded; they are spent."""
        granted = max(0, min(wanted, self.left))
        self.left -= granted
        return granted


def photo_path(sha256: str) -> str:
    """Where a photo is stored, relative to the images folder: by content, so each photo is kept once."""
    return f"{sha256[:2]}/{sha256}"


class ListingImagesPipeline(FilesPipeline):
    """Downloads each listing's photos (at most `PHOTOS_PER_LISTING`, and the sweep's image budget)."""

    def __init__(self, store_uri: str, *, crawler: Crawler) -> None:
        super().__init__(store_uri, crawler=crawler)
        settings = get_settings()
        self.root = Path(store_uri)
        self.max_pixels = settings.image_max_pixels
        self.max_bytes = settings.image_max_bytes
        shared = crawler.settings.get("TRADEWATCH_IMAGE_BUDGET")
        self.budget: ImageBudget = (
            shared if isinstance(shared, ImageBudget) else ImageBudget(settings.sweep_image_budget)
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingImagesPipeline:
        return cls(str(get_settings().resolved_home / IMAGES_FOLDER), crawler=crawler)

    def count(self, key: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tradewatch/images/{key}", value)

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        if not isinstance(item, ListingItem) or not item.images:
            return []
        urls = item.images[:PHOTOS_PER_LISTING]
        allowed = self.budget.take(len(urls))
        if allowed < len(urls):
            self.count("over_budget", len(urls) - allowed)
        self.count("requested", allowed)
        if allowed:
            self.start_readers()
        meta = {"download_maxsize": self.max_bytes, "download_warnsize": self.max_bytes}
        return [Request(url, callback=NO_CALLBACK, meta=meta) for url in urls[:allowed]]

    def start_readers(self) -> None:
        """Start the sweep's OCR workers as its first photos are requested: they start up (and load the
        recogniser) while the photos download, queued behind pages, instead of after them. A sweep whose
        listings show no photo starts none."""
        pool = self.crawler.settings.get("TRADEWATCH_IMAGE_POOL")
        if isinstance(pool, ImagePool):
            pool.start()

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> None:
        return None  # stored by content: what a photo is is known only once it is downloaded

    def file_path(
        self, request: Request, response: Response | None = None, info: Any = None, *, item: Any = None
    ) -> str:
        if response is None:
            return "by-url/" + hashlib.sha1(request.url.encode(), usedforsecurity=False).hexdigest()
        return photo_path(hashlib.sha256(response.body).hexdigest())

    async def file_downloaded(self, response: Response, request: Request, info: Any, *, item: Any = None) -> str:
        try:
            check_header(response.body, self.max_pixels)
        except ImageProblem as problem:
            self.count(f"skipped/{problem.problem}")
            raise FileException(f"{problem.problem}: {problem.detail}") from None
        sha256 = hashlib.sha256(response.body).hexdigest()
        path = photo_path(sha256)
        if not (self.root / path).exists():
            await asyncio.to_thread(self.store.persist_file, path, BytesIO(response.body), info)
            self.count("stored")
        return sha256

    def item_completed(self, results: list[FileInfoOrError], item: Any, info: Any) -> Any:
        if not isinstance(item, ListingItem):
            return item
        readings = []
        for result in results:
            if result[0]:
                value = result[1]
                readings.append(
                    {"url": value["url"], "path": f"{IMAGES_FOLDER}/{value['path']}", "sha256": value["checksum"]}
                )
            else:
                self.count("failed")
        item.image_readings = readings
        return item


def image_pool(*, warm: bool) -> ImagePool:
    """The OCR pool as the settings size it; `warm`: its workers load the recogniser as they start."""
    settings = get_settings()
    return ImagePool(
        workers=settings.resolved_ocr_workers,
        queue_limit=settings.ocr_queue,
        max_pixels=settings.image_max_pixels,
        detect_side=settings.ocr_detect_side,
        nice=settings.ocr_nice,
        warm=warm,
        cache=ReadingCache(settings.resolved_home / IMAGES_FOLDER / "readings"),
        models=configured_folder(),
    )


class ReadImagesPipeline:
    """Hashes and (where the sweep and profile allow) reads the text of each stored photo, in the OCR pool.

    The pool is the sweep's (`TRADEWATCH_IMAGE_POOL`, shared by its crawls), else one of this crawl's own; either
    starts its workers on the first photo that needs reading. Its queue limit holds items here when OCR falls
    behind, which slows the crawl rather than piling up work; the crawl ends only once every item has passed,
    so the backlog is drained by then.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.home = get_settings().resolved_home
        shared = crawler.settings.get("TRADEWATCH_IMAGE_POOL")
        self.owns_pool = not isinstance(shared, ImagePool)
        self.pool: ImagePool = image_pool(warm=False) if self.owns_pool else shared

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReadImagesPipeline:
        return cls(crawler)

    def count(self, key: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tradewatch/images/{key}", value)

    def open_spider(self) -> None:
        if self.owns_pool:
            self.pool.warm = self.reads_text

    def close_spider(self) -> None:
        if self.owns_pool:
            self.pool.close()

    @property
    def reads_text(self) -> bool:
        return bool(getattr(self.crawler.spider, "reads_images", True))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem) or not item.image_readings:
            return item
        ocr = self.reads_text
        readings = await asyncio.gather(
            *(self.pool.read(self.home / entry["path"], entry["sha256"], ocr=ocr) for entry in item.image_readings)
        )
        kept, lines = [], []
        for entry, reading in zip(item.image_readings, readings, strict=True):
            if reading.problem:
                self.count(f"skipped/{reading.problem}")
                continue
            self.count("read")
            entry.update({"phash": reading.phash, "width": reading.width, "height": reading.height})
            if reading.lines is not None:
                self.count("ocr")
                entry["lines"] = [line.text for line in reading.lines]
                lines += entry["lines"]
            kept.append(entry)
        item.image_readings = kept
        item.image_text = "\n".join(lines)
        return item

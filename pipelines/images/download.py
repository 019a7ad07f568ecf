"""Listing photos downloaded through Scrapy's media machinery, then hashed and read in the pool.

`ListingImagesPipeline` (`pipelines.images.media`) is Scrapy's FilesPipeline: photo requests go through the
downloader like pages do, so the destination guard, allowed domains, robots.txt, politeness, retries and size caps
apply to them. A photo is stored once, by its content hash, under `TRADEWATCH_HOME/images/`. Its header is checked
before it is stored: SVG and other non-raster files, and photos with too many pixels (decompression bombs) are
counted (`tradewatch/images/skipped/<problem>`) and dropped; the listing goes on without them. A crawl runs it
through `PhotoDownloadsPipeline`, which builds it with the first listing that shows a photo: a sweep that meets
none never imports Scrapy's media machinery.

`ReadImagesPipeline` hands each stored photo to the OCR pool (pipelines/images/pool.py) and sets the listing's
`image_text` and `image_readings`. Stats: `tradewatch/images/requested|stored|over_budget|failed|read|ocr`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler

from core.config import get_settings
from crawler.items import ListingItem
from pipelines.images.models import configured_folder
from pipelines.images.photos import IMAGES_FOLDER, ImageBudget
from pipelines.images.pool import ImagePool, ReadingCache

if TYPE_CHECKING:
    from pipelines.images.media import ListingImagesPipeline

__all__ = ["ImageBudget", "PhotoDownloadsPipeline", "ReadImagesPipeline", "image_pool"]


class PhotoDownloadsPipeline:
    """`ListingImagesPipeline`, built and opened with the first listing that shows a photo. A listing without one
    passes as that pipeline would pass it (no photo requested, no photo read)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.downloads: ListingImagesPipeline | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PhotoDownloadsPipeline:
        return cls(crawler)

    def _opened(self) -> ListingImagesPipeline:
        if self.downloads is None:
            from pipelines.images.media import ListingImagesPipeline

            downloads = ListingImagesPipeline.from_crawler(self.crawler)
            downloads.open_spider()
            self.downloads = downloads
        return self.downloads

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingItem) and item.images:
            return await self._opened().process_item(item)
        if isinstance(item, ListingItem):
            item.image_readings = []
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

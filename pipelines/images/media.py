"""Scrapy's FilesPipeline for a listing's photos, built only once a sweep meets its first photo
(`pipelines.images.download.PhotoDownloadsPipeline`): Scrapy's media machinery, and the item adapters it imports
(itemadapter and pydantic's version 1 with it), cost a crawl process about 0.06 CPU s to import.
"""

from __future__ import annotations

import asyncio
import hashlib
from io import BytesIO
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline, FilesStoreProtocol, FSFilesStore
from scrapy.pipelines.media import FileException, FileInfoOrError

from core.config import get_settings
from core.files import write_bytes_atomically
from crawler.items import ListingItem
from pipelines.images.photos import IMAGES_FOLDER, PHOTOS_PER_LISTING, ImageBudget, photo_path
from pipelines.images.pool import ImagePool
from pipelines.images.reading import ImageProblem, check_header


class PhotoStore(FSFilesStore):
    """Scrapy's store of files in a folder, whose files appear under their path only once whole: a photo is
    written beside its path and renamed onto it. A photo's path is its content hash, so another crawl of the sweep
    (or another sweep on the same home) that downloads the same photo while it is being written finds no file and
    writes its own copy, rather than reading the first one half-written, which would read as broken."""

    def persist_file(
        self, path: str | PathLike[str], buf: BytesIO, info: Any, meta: Any = None, headers: Any = None
    ) -> None:
        absolute_path = self._get_filesystem_path(path)
        self._mkdir(absolute_path.parent, info)
        write_bytes_atomically(absolute_path, buf.getvalue(), sync=False)  # a photo can be downloaded again


class ListingImagesPipeline(FilesPipeline):
    """Downloads each listing's photos (at most `PHOTOS_PER_LISTING`, and the sweep's image budget)."""

    STORE_SCHEMES: ClassVar[dict[str, type[FilesStoreProtocol]]] = {
        **FilesPipeline.STORE_SCHEMES,
        "": PhotoStore,
        "file": PhotoStore,
    }

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
        """Get the sweep's OCR workers ready as its first photos are requested: they start up (or, forked before
        the crawl, load the recogniser) while the photos download, queued behind pages, instead of after them. A
        sweep whose listings show no photo starts none, or loads no recogniser in those it forked."""
        pool = self.crawler.settings.get("TRADEWATCH_IMAGE_POOL")
        if isinstance(pool, ImagePool):
            pool.prepare()

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

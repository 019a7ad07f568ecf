"""What the photo pipelines share, apart from Scrapy's media machinery (`pipelines.images.media`)."""

from __future__ import annotations

from typing import Any

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

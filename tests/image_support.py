"""Hostile images for the image tests (the demo marketplace serves the same ones): each small on disk, each
refused before it can cost memory or time."""

from __future__ import annotations

from pathlib import Path

from crawler.demo_market.photos import SVG_PHOTO, bomb_png, fifty_megapixel_jpeg


def write_hostile(folder: Path, photo: bytes) -> dict[str, Path]:
    """The four hostile images as files in `folder`, by the problem each must give (`photo` is cut in half)."""
    files = {
        "too_large": ("fifty.jpg", fifty_megapixel_jpeg()),
        "bomb": ("bomb.png", bomb_png()),
        "broken": ("cut.jpg", photo[: len(photo) // 2]),
        "not_an_image": ("drawing.svg", SVG_PHOTO),
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, (name, data) in files.items():
        (folder / name).write_bytes(data)
        paths[key] = folder / name
    return paths

"""Hostile images for the image tests: each small on disk, each refused before it can cost memory or time."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text y="50">象牙</text></svg>'.encode()


def fifty_megapixel_jpeg() -> bytes:
    """A real 8165x6124 JPEG (50 megapixels) of one grey: large in pixels, small in bytes."""
    out = io.BytesIO()
    Image.new("L", (8165, 6124), 128).save(out, format="JPEG", quality=50)
    return out.getvalue()


def bomb_png() -> bytes:
    """A 20000x20000 one-bit PNG of a few kilobytes: 400 megapixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def truncated_jpeg(photo: bytes) -> bytes:
    return photo[: len(photo) // 2]


def write_hostile(folder: Path, photo: bytes) -> dict[str, Path]:
    """The four hostile images as files in `folder`, by the problem each must give."""
    files = {
        "too_large": ("fifty.jpg", fifty_megapixel_jpeg()),
        "bomb": ("bomb.png", bomb_png()),
        "broken": ("cut.jpg", truncated_jpeg(photo)),
        "not_an_image": ("drawing.svg", SVG),
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, (name, data) in files.items():
        (folder / name).write_bytes(data)
        paths[key] = folder / name
    return paths

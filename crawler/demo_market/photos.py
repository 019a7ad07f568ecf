"""Listing photos of the demo marketplace, rendered when first asked for (never kept in git).

Words on a card or a price list photographed beside the goods, as sellers who know keyword filters write
them: a CJK font (WenQuanYi Zen Hei, Debian's fonts-wqy-zenhei) on a product-coloured background, with
sensor noise, JPEG compression, a slight rotation, and the sizes marketplaces serve phone photos at.
Every photo is the same bytes for the same name: the noise and layout come from a seed of its own.
"""

from __future__ import annotations

import glob
import io
import os
import random
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import TradewatchError

FONT_FILE = "wqy-zenhei.ttc"
FONT_PLACES = (
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/wqy-zenhei",
    "/usr/share/fonts/wenquanyi/wqy-zenhei",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
)


class FontMissing(TradewatchError):
    """No CJK font to render the demo's photos with."""

    def __init__(self) -> None:
        super().__init__(
            "未找到中文字体 / no CJK font for the demo's photos: install fonts-wqy-zenhei "
            "(apt-get install fonts-wqy-zenhei) or set TRADEWATCH_CJK_FONT to a .ttc/.ttf file"
        )


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """The CJK font: TRADEWATCH_CJK_FONT, else wqy-zenhei where distributions put it, else fontconfig's answer."""
    chosen = os.environ.get("TRADEWATCH_CJK_FONT")
    if chosen:
        if Path(chosen).is_file():
            return Path(chosen)
        raise FontMissing()
    for place in FONT_PLACES:
        if (Path(place) / FONT_FILE).is_file():
            return Path(place) / FONT_FILE
    found = sorted(glob.glob(f"/usr/share/fonts/**/{FONT_FILE}", recursive=True))
    if found:
        return Path(found[0])
    try:
        answer = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        answer = ""
    if answer and Path(answer).is_file() and Path(answer).suffix.lower() in (".ttc", ".ttf", ".otf"):
        return Path(answer)
    raise FontMissing()


@dataclass(frozen=True)
class PhotoSpec:
    """A photo: the lines written on it, its size, how far it is turned, its colours, its seed."""

    name: str
    lines: tuple[str, ...]
    size: tuple[int, int] = (720, 960)
    angle: float = 0.0
    background: tuple[int, int, int] = (226, 214, 190)
    ink: tuple[int, int, int] = (28, 24, 20)
    seed: int = 1


# Offending words only in the photo; look-alikes that say innocent things; one photo two sellers use.
PHOTOS: dict[str, PhotoSpec] = {
    spec.name: spec
    for spec in (
        PhotoSpec("card-ivory", ("正宗象牙手镯", "老料 包老 私聊"), angle=3.0, seed=11),
        PhotoSpec(
            "pricelist-pangolin",
            ("穿山甲鳞片 现货", "一克三百元 量大从优"),
            size=(960, 720),
            angle=-4.0,
            background=(240, 236, 228),
            seed=12,
        ),
        PhotoSpec("card-rhino", ("犀牛角杯 老货", "懂的来 微信详谈"), size=(600, 800), angle=6.0, seed=13),
        PhotoSpec(
            "shared-hornbill",
            ("鹤顶红 盔犀鸟头骨", "整块原料 可验货"),
            size=(800, 800),
            angle=-2.0,
            background=(214, 200, 176),
            seed=14,
        ),
        PhotoSpec("lookalike-porcelain", ("象牙白 陶瓷碗", "景德镇 全新未用"), angle=2.0, seed=21),
        PhotoSpec(
            "lookalike-comb",
            ("天然牛角梳 手工打磨", "送礼佳品 包邮"),
            size=(960, 720),
            angle=-3.0,
            background=(236, 228, 214),
            seed=22,
        ),
    )
}


def render_photo(spec: PhotoSpec) -> bytes:
    """The photo as JPEG bytes, identical for identical specs."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(spec.seed)
    width, height = spec.size
    image = Image.new("RGB", spec.size, spec.background)
    draw = ImageDraw.Draw(image)
    # the goods: a few soft shapes in darker tones of the background
    for _ in range(3):
        x, y = rng.randrange(width // 2), rng.randrange(height // 2, height)
        radius = rng.randrange(width // 10, width // 4)
        shade = tuple(max(0, c - rng.randrange(30, 70)) for c in spec.background)
        draw.ellipse((x, y, x + radius * 2, y + radius), fill=shade)
    image = image.filter(ImageFilter.GaussianBlur(6))
    # the card with the words
    font = ImageFont.truetype(str(cjk_font_path()), size=max(28, width // 17))
    card = Image.new("RGB", (width * 4 // 5, height // 3), (250, 248, 240))
    card_draw = ImageDraw.Draw(card)
    line_height = font.size * 3 // 2
    for number, line in enumerate(spec.lines):
        card_draw.text((font.size // 2, font.size // 2 + number * line_height), line, font=font, fill=spec.ink)
    card = card.rotate(spec.angle, expand=True, fillcolor=spec.background, resample=Image.Resampling.BICUBIC)
    image.paste(card, (width // 10, height // 8))
    # sensor noise, from the photo's own seed
    import numpy as np

    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(spec.seed).normal(0, 9, pixels.shape).astype(np.int16)
    image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()


@lru_cache(maxsize=32)
def photo_bytes(name: str) -> bytes:
    """The demo photo called `name` (KeyError for an unknown name)."""
    return render_photo(PHOTOS[name])


# Hostile files served as photos of one listing: each must be counted and skipped, the sweep going on.
def fifty_megapixel_jpeg() -> bytes:
    """A real 8165x6124 JPEG (50 megapixels) of one grey: huge in pixels, small in bytes."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (8165, 6124), 128).save(out, format="JPEG", quality=50)
    return out.getvalue()


def bomb_png() -> bytes:
    """A 20000x20000 one-bit PNG of a few kilobytes: 400 megapixels once decoded."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20000, 20000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


SVG_PHOTO = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text y="50">象牙</text></svg>'.encode()

HOSTILE = {
    "hostile-fifty.jpg": ("image/jpeg", fifty_megapixel_jpeg),
    "hostile-bomb.png": ("image/png", bomb_png),
    "hostile-cut.jpg": ("image/jpeg", lambda: photo_bytes("card-rhino")[:20_000]),
    "hostile-drawing.svg": ("image/svg+xml", lambda: SVG_PHOTO),
}


@lru_cache(maxsize=16)
def served_photo(file_name: str) -> tuple[bytes, str]:
    """(body, content type) of `/static/photo/<file_name>`; KeyError for an unknown name."""
    if file_name in HOSTILE:
        content_type, make = HOSTILE[file_name]
        return make(), content_type
    name, _dot, extension = file_name.rpartition(".")
    if extension != "jpg" or name not in PHOTOS:
        raise KeyError(file_name)
    return photo_bytes(name), "image/jpeg"


@dataclass(frozen=True)
class PhotoListing:
    """A listing whose photos carry what its text does not say: found only by reading the photos."""

    listing_id: str
    title: str
    description: str
    price: str
    photos: tuple[str, ...]  # file names under /static/photo/
    category: str | None  # what a correct reading finds; None for an innocent look-alike
    seller: int  # which of the catalogue's sellers (index), so two sellers can share a photo


PHOTO_KEYWORD = "详见图片"  # every photo listing says so, and no other listing does
_SHIPPING = "支持同城面交，外地走快递，拍下后两天内发货。不退不换，介意勿拍，有问题请留言咨询，诚心要的可小刀。"
PHOTO_LISTINGS: tuple[PhotoListing, ...] = tuple(
    PhotoListing(listing_id, title, f"{text}{_SHIPPING}详见图片。", price, photos, category, seller)
    for listing_id, title, text, price, photos, category, seller in (
        (
            "099001",
            "老物件手镯 家中旧藏",
            "家里老人留下的，成色如图。",
            "6800.00",
            ("card-ivory.jpg",),
            "wildlife.ivory",
            0,
        ),
        (
            "099002",
            "收藏品 现货供应",
            "量大可谈，规格价格看图。",
            "300.00",
            ("pricelist-pangolin.jpg",),
            "wildlife.pangolin",
            1,
        ),
        (
            "099003",
            "老杯子 茶具摆件",
            "一只老杯子，包浆自然。",
            "12000.00",
            ("card-rhino.jpg",),
            "wildlife.rhino_horn",
            2,
        ),
        (
            "099004",
            "原料摆件 整块",
            "整块原料，实物拍摄。",
            "8800.00",
            ("shared-hornbill.jpg",),
            "wildlife.hornbill",
            3,
        ),
        ("099005", "收藏摆件 实拍", "朋友转让的摆件。", "9200.00", ("shared-hornbill.jpg",), "wildlife.hornbill", 4),
        ("099006", "陶瓷碗 全新", "景德镇瓷器，没用过。", "58.00", ("lookalike-porcelain.jpg",), None, 5),
        ("099007", "手工梳子 送礼", "手工打磨的梳子。", "35.00", ("lookalike-comb.jpg",), None, 6),
        (
            "099008",
            "旧相机配件 一批",
            "相机配件打包出。",
            "120.00",
            ("hostile-fifty.jpg", "hostile-bomb.png", "hostile-cut.jpg", "hostile-drawing.svg", "lookalike-comb.jpg"),
            None,
            7,
        ),
    )
)

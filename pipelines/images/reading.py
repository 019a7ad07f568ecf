"""What one image holds: checked before it is decoded, its perceptual hash, its text.

Runs in the pool's worker processes (pipelines/images/pool.py) and in `tradewatch ocr`. RapidOCR's Chinese
models ship inside the `rapidocr_onnxruntime` wheel, so reading needs no network.
"""

from __future__ import annotations

import functools
import hashlib
import io
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Pillow is imported where an image is opened: a crawl process starts without it (0.02 CPU s)
    from PIL import Image

# Problems of an image that is not read (counted as `tradewatch/images/skipped/<problem>`)
NOT_AN_IMAGE = "not_an_image"  # SVG, HTML, anything Pillow does not know as a raster format
TOO_LARGE = "too_large"  # more pixels than TRADEWATCH_IMAGE_MAX_PIXELS (50-megapixel photos, decompression bombs)
BROKEN = "broken"  # truncated or corrupt data
PROBLEMS = (NOT_AN_IMAGE, TOO_LARGE, BROKEN)
RASTER_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"})


@dataclass
class TextLine:
    """One line of text found in an image, with the recogniser's confidence (0-1)."""

    text: str
    confidence: float


@dataclass
class ImageReading:
    """An image's hashes and size, and its lines of text (None: not read; `problem` says why it was skipped)."""

    sha256: str
    phash: str | None = None
    width: int = 0
    height: int = 0
    lines: list[TextLine] | None = None
    problem: str | None = None
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageReading:
        lines = data.get("lines")
        return cls(**{**data, "lines": None if lines is None else [TextLine(**line) for line in lines]})

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines or [])


class ImageProblem(Exception):
    def __init__(self, problem: str, detail: str) -> None:
        super().__init__(detail)
        self.problem, self.detail = problem, detail


def check_header(data: bytes, max_pixels: int) -> tuple[str, int, int]:
    """(format, width, height) from the header alone, nothing decoded; ImageProblem for what must not be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format or "", image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageProblem(TOO_LARGE, str(error)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageProblem(NOT_AN_IMAGE, str(error) or type(error).__name__) from None
    if fmt not in RASTER_FORMATS:
        raise ImageProblem(NOT_AN_IMAGE, f"format {fmt}")
    if width * height > max_pixels:
        raise ImageProblem(TOO_LARGE, f"{width}x{height} pixels")
    return fmt, width, height


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    from PIL import Image

    check_header(data, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()  # a truncated file fails here (Pillow refuses truncated images by default)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageProblem(TOO_LARGE, str(error)) from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageProblem(BROKEN, str(error) or type(error).__name__) from None
    return image.convert("RGB")


_ENGINE: Any = None
_UNSET: Any = object()
_MODEL_CACHE: Path | None = _UNSET


def use_model_cache(folder: Path | None) -> None:
    """Where the recogniser keeps its models' optimised graphs (None: nowhere), given to a pool worker, which
    does not import the configuration; a process that never calls this asks the configuration."""
    global _MODEL_CACHE
    _MODEL_CACHE = folder


def _model_cache() -> Path | None:
    if _MODEL_CACHE is _UNSET:
        from pipelines.images.models import configured_folder

        return configured_folder()
    return _MODEL_CACHE


def _engine() -> Any:
    """One recogniser per process, on one thread: the pool's size is the number of cores used. RapidOCR's own
    enlarging of the detector's input is off (`det_limit_side_len`): `recognise` sizes that input itself. Its
    models are loaded from their optimised copies in the cache (`pipelines.images.models`) where there are
    some, else from the wheel."""
    global _ENGINE
    if _ENGINE is None:
        from pipelines.images.models import default_config, discard, optimised_models, recogniser

        options: dict[str, Any] = {"intra_op_num_threads": 1, "inter_op_num_threads": 1, "det_limit_side_len": 32}
        folder = _model_cache()
        config = default_config(folder)
        paths, as_saved = optimised_models(folder, config) if folder is not None else ({}, False)
        try:
            _ENGINE = recogniser(config, as_saved=as_saved, **options, **paths)
        except Exception:  # an optimised copy that cannot be loaded (a damaged file): the wheel's models
            if not paths:
                raise
            discard(paths)
            _ENGINE = recogniser(config, **options)
    return _ENGINE


def _bgr(image: Image.Image) -> Any:
    import numpy as np

    return np.asarray(image)[:, :, ::-1]  # RapidOCR takes BGR arrays as OpenCV does


def recognise(image: Image.Image, detect_side: int | None = None) -> list[TextLine]:
    """The lines of text in an image, top to bottom, then left to right.

    Text is found in a copy whose longest side is `detect_side` (TRADEWATCH_OCR_DETECT_SIDE): finding costs
    in proportion to the pixels, and at 640 it still finds lines 16 px high in a phone photo. Each line found
    is then read from the photo at full size, so small writing keeps its detail."""
    import numpy as np

    if not detect_side:  # the pool's workers are given it: they start without the configuration's imports (0.1 CPU s)
        from core.config import get_settings

        detect_side = get_settings().ocr_detect_side
    engine = _engine()
    scale = detect_side / max(image.size)
    small = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    boxes, _elapsed = engine(_bgr(small), use_cls=False, use_rec=False)
    full = _bgr(image)
    found = []
    for box in boxes or []:
        points = np.asarray(box, dtype=np.float32) / scale
        (crop,) = engine.get_crop_img_list(full, [points])
        result, _elapsed = engine(crop, use_det=False)
        text, score = result[0] if result else ("", 0.0)
        if float(score) >= engine.text_score and str(text).strip():
            found.append((points, str(text), float(score)))
    found.sort(key=lambda line: (round(_top(line[0]) / 10), _left(line[0])))
    return [TextLine(text, round(score, 3)) for _box, text, score in found]


PHASH_SIDE = 32  # the photo is shrunk to 32x32 grey pixels; the hash is the sign of its 8x8 lowest frequencies
PHASH_BITS = 8


@functools.cache
def _dct_rows() -> Any:
    """The first PHASH_BITS rows of the unnormalised DCT-II matrix of size PHASH_SIDE (scipy.fftpack.dct's)."""
    import numpy as np

    k = np.arange(PHASH_BITS)[:, None]
    n = np.arange(PHASH_SIDE)[None, :]
    return 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2 * PHASH_SIDE))


def _median(values: Any) -> float:
    """`np.median` of an array of an even number of values, as it computes it (the mean of the two middle ones):
    `np.median` imports `numpy.ma` to check for masked arrays, about 0.03 CPU s of each OCR worker's start-up."""
    import numpy as np

    middle = values.size // 2
    ordered = np.partition(values, (middle - 1, middle), axis=None)
    return float((ordered[middle - 1] + ordered[middle]) / 2)


def perceptual_hash(image: Image.Image) -> str:
    """The photo's perceptual hash as 16 hex digits, the same as `str(imagehash.phash(image))`, which stored
    photos are linked by (leads.lead_query). Only the 8x8 lowest frequencies are computed, by two small matrix
    products: imagehash computes every frequency with scipy, whose import alone costs an OCR worker about
    0.2 CPU s."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L").resize((PHASH_SIDE, PHASH_SIDE), Image.Resampling.LANCZOS), dtype=float)
    rows = _dct_rows()
    low = np.round(rows @ pixels @ rows.T, 6)  # rounding errors of the products (~1e-10) are no frequency
    bits = (low > _median(low)).flatten()
    return f"{int(''.join('1' if bit else '0' for bit in bits), 2):016x}"


def warm_up() -> None:
    """Load the recogniser (about 0.08 CPU s from the optimised models) before the first photo comes. Its models
    are not also run once on a blank photo and line: such runs cost more than they saved the first photo (a
    worker's start-up and one photo, 3.04 G instructions with them, 2.70 G without), and a sweep that reads
    text paid them even when it met no photo."""
    _engine()


def _top(box: Any) -> float:
    return min(point[1] for point in box)


def _left(box: Any) -> float:
    return min(point[0] for point in box)


def read_image(path: str | Path, *, ocr: bool, max_pixels: int, detect_side: int | None = None) -> ImageReading:
    """Hashes, size and (with `ocr`) text of the image file at `path`; a bad image gives `problem`, never raises."""
    data = Path(path).read_bytes()
    reading = ImageReading(sha256=hashlib.sha256(data).hexdigest())
    try:
        image = _decode(data, max_pixels)
    except ImageProblem as problem:
        reading.problem, reading.detail = problem.problem, problem.detail
        return reading
    reading.width, reading.height = image.size
    reading.phash = perceptual_hash(image)
    if ocr:
        reading.lines = recognise(image, detect_side)
    return reading

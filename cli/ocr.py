"""`tradewatch ocr FILE…`: the text the crawl would read in photos, for checks by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.i18n import _
from cli.output import console, err_console
from core.config import get_settings
from core.safe_text import safe_text

OCR_HELP = """Print the text in image files, as a sweep reads listing photos (OCR, offline models).

Each file gets a heading with its SHA-256 and perceptual hash, then one line per line of text with the
recogniser's confidence. A file that is not a readable photo (SVG, truncated, too many pixels) is named
with the reason; the command then exits 1 after the other files.

Example:

    tradewatch ocr photo1.jpg photo2.png
"""


def problem_text(problem: str) -> str:
    """The officer's words for why an image was skipped."""
    texts = {
        "not_an_image": _("not a photo Pillow can read (SVG, HTML or an unknown format)"),
        "too_large": _("too many pixels (TRADEWATCH_IMAGE_MAX_PIXELS)"),
        "broken": _("truncated or corrupt"),
    }
    return texts.get(problem, problem)


def ocr_cmd(files: Annotated[list[Path], typer.Argument(help="Image files to read.")]) -> None:
    from pipelines.images.reading import read_image

    max_pixels = get_settings().image_max_pixels
    out, err = console(), err_console()
    failed = 0
    for path in files:
        try:
            reading = read_image(path, ocr=True, max_pixels=max_pixels)
        except OSError as error:
            failed += 1
            message = _("{path}: cannot read: {error}").format(path=path, error=error.strerror or error)
            err.print(safe_text(message))
            continue
        if reading.problem:
            failed += 1
            message = _("{path}: skipped: {reason}").format(path=path, reason=problem_text(reading.problem))
            err.print(safe_text(message))
            continue
        heading = _("{path} ({width}×{height}, sha256 {sha256}, perceptual hash {phash})").format(
            path=path, width=reading.width, height=reading.height, sha256=reading.sha256[:16], phash=reading.phash
        )
        out.print(safe_text(heading, style="bold"))
        if not reading.lines:
            out.print(safe_text("  " + _("(no text found)")))
        for line in reading.lines or []:
            out.print(safe_text(f"  {line.text}  [{line.confidence:.2f}]"))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("ocr", help=OCR_HELP)(ocr_cmd)

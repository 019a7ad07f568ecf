"""Notice documents: a DOCX rendered from a Word template with `docxtpl`, and a PDF where a converter is installed.

Templates are looked up by name: `TRADEWATCH_HOME/templates/NAME.docx` (the bureau's own letterhead and
wording) first, else the shipped Chinese default `leads/templates/NAME.docx` (built by
`scripts/build_notice_templates.py`). Scraped text in the context is escaped for XML by docxtpl's autoescape
and stripped of characters XML cannot hold, so a listing can never inject markup into the document.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger

from core.config import get_settings
from core.errors import InputFileError

SHIPPED_TEMPLATES = Path(__file__).resolve().parent / "templates"
PDF_CONVERTERS = ("soffice", "libreoffice")
PDF_TIMEOUT_SECONDS = 120
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class RenderedNotice:
    template: str
    docx: bytes
    pdf: bytes | None


def template_path(name: str) -> Path:
    """The bureau's template NAME.docx under TRADEWATCH_HOME/templates, else the shipped default."""
    own = get_settings().resolved_home / "templates" / f"{name}.docx"
    return own if own.is_file() else SHIPPED_TEMPLATES / f"{name}.docx"


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _XML_INVALID.sub("\ufffd", value)
    if isinstance(value, Mapping):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


def render_docx(name: str, context: Mapping[str, Any]) -> bytes:
    """The template NAME rendered with `context` (values escaped for XML), as DOCX bytes."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    path = template_path(name)
    try:
        document = DocxTemplate(str(path))
        document.render(_xml_safe(dict(context)), autoescape=True)
    except (OSError, KeyError, ValueError, TemplateError) as error:
        raise InputFileError(path, f"cannot render the notice template: {error}") from None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_converter() -> str | None:
    """A LibreOffice executable on the PATH, if any."""
    return next((found for name in PDF_CONVERTERS if (found := shutil.which(name))), None)


def convert_to_pdf(docx: bytes) -> bytes | None:
    """The document as PDF through LibreOffice, or None when no converter is installed or it failed (logged)."""
    converter = pdf_converter()
    if converter is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tradewatch-notice-") as folder:
        source = Path(folder) / "notice.docx"
        source.write_bytes(docx)
        command = [converter, "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=True)
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning("PDF conversion of a notice failed: {}", error)
            return None
        target = source.with_suffix(".pdf")
        return target.read_bytes() if target.is_file() else None


def render_notice(name: str, context: Mapping[str, Any]) -> RenderedNotice:
    docx = render_docx(name, context)
    return RenderedNotice(template=name, docx=docx, pdf=convert_to_pdf(docx))

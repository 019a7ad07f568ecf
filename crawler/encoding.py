"""Decide how a page's bytes are text: encodings as marketplaces really send them.

Order of evidence: a byte-order mark; then bytes that are valid UTF-8 with non-ASCII text (a page that declares
GBK but is UTF-8 is common, and GBK text is practically never valid UTF-8); then the declared charsets (profile
override, HTTP header, `<meta>`), each widened to its superset when the strict codec fails (GBK and GB2312
pages routinely carry GB18030-only characters); then statistical detection. A page that mixes UTF-8 text into
another encoding, or that none of these decodes cleanly, raises `UndecodableError`: it is reported, never
stored as mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Declared charset -> the superset real pages need.
WIDER = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "big5": "big5hkscs",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Four UTF-8-encoded CJK characters in a row: in a page that is not UTF-8 as a whole, a UTF-8 fragment pasted
# into a GBK page (GBK text practically never forms such runs). Decoding it as GBK would "succeed" as mojibake.
UTF8_CJK_RUN = 4
_UTF8_CJK_RUN = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){%d,}" % UTF8_CJK_RUN)
# Detection must be this sure (charset-normalizer's chaos: 0 is clean text, 1 is noise) to be believed.
MAX_CHAOS = 0.2
# A page without `</head>` has its `<meta charset>` looked for in this many leading bytes only.
META_SEARCH_BYTES = 1 << 20
# What detection may propose: the marketplaces' own encodings and Western single-byte text.
DETECTABLE = ["gb18030", "big5", "cp932", "euc_kr", "cp1252"]
# A page declared in one of these is CJK text: detection may only propose another CJK encoding, since any
# bytes at all "decode" as cp1252, which would turn invalid CJK bytes into mojibake instead of a report.
CJK = frozenset({"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp932", "shift_jis", "euc_jp",
                 "iso2022_jp", "euc_kr", "cp949", "johab"})  # fmt: skip


class UndecodableError(ValueError):
    """No encoding decodes the page cleanly."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name that decodes the whole body strictly (BOM included where there is one)
    declared: str | None  # what the page or server claimed, if anything
    how: str  # bom | utf-8 | declared | widened | detected | ascii


def normalise_name(name: str | None) -> str | None:
    """Python's canonical codec name, or None for an unknown or empty name."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def content_type_text(value: bytes | None, limit: int = 80) -> str:
    """A Content-Type header as text to report (latin-1, as HTTP headers are), at most `limit` characters;
    empty when there is none."""
    return (value or b"").decode("latin-1")[:limit]


def header_charset(content_type: str | bytes | None) -> str | None:
    if not content_type:
        return None
    text = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
    match = _HEADER.search(text)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in its head (ASCII-compatible encodings only).

    Real pages put hundreds of KB of inline scripts before their `<meta charset>`, so the whole head is searched.
    """
    head_end = body.find(b"</head")
    if head_end < 0:
        head_end = body.find(b"</HEAD")
    match = _META.search(body[: head_end if head_end > 0 else META_SEARCH_BYTES])
    return match.group(1).decode("ascii") if match else None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, *, content_type: str | bytes | None = None, override: str | None = None) -> Decoded:
    """The page as text and the codec that produced it. Raises UndecodableError."""
    for bom, encoding in BOMS:
        if body.startswith(bom):
            text = _strict(body[len(bom) :], encoding)
            if text is None:
                raise UndecodableError(f"byte-order mark says {encoding} but the bytes are not")
            python_name = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)
            if encoding.startswith("utf-32"):
                python_name = "utf-32"
            return Decoded(text, python_name, meta_charset(body) or header_charset(content_type), "bom")
    # What the page claims: the override, else the server's header, else its own <meta> (searched for only then:
    # a real page's head can hold hundreds of KB of scripts, and a page that decodes as UTF-8 needs no more).
    header = header_charset(content_type)
    claimed = override or header
    meta = None if claimed else meta_charset(body)
    declared = claimed or meta or None
    if body.isascii():
        return Decoded(body.decode("ascii"), "utf-8", declared, "ascii")
    # An explicit override is believed before the UTF-8 check: the bureau knows this site.
    candidates = [normalise_name(override)] if override else []
    if not override:
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8", declared, "utf-8")
    if claimed:
        meta = meta_charset(body)  # not searched for above
    candidates += [normalise_name(name) for name in (header, meta)]
    if _UTF8_CJK_RUN.search(body):
        text = _strict(body, "utf-8")
        if text is not None:  # an override said otherwise, but the bytes are UTF-8 through and through
            return Decoded(text, "utf-8", declared, "utf-8")
        claimed = f" (declared {declared})" if declared else ""
        raise UndecodableError(f"the page mixes UTF-8 text with another encoding{claimed}")
    for encoding in dict.fromkeys(name for name in candidates if name):
        text = _strict(body, encoding)
        if text is not None:
            return Decoded(text, encoding, declared, "declared")
        wider = WIDER.get(encoding)
        if wider:
            text = _strict(body, wider)
            if text is not None:
                return Decoded(text, wider, declared, "widened")
    if override:
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8", declared, "utf-8")
    cjk_declared = any(name in CJK for name in candidates if name)
    return _detect(body, declared, cjk_only=cjk_declared)


def _detect(body: bytes, declared: str | None, *, cjk_only: bool = False) -> Decoded:
    from charset_normalizer import from_bytes

    detectable = [name for name in DETECTABLE if name in CJK] if cjk_only else DETECTABLE
    best = from_bytes(body, cp_isolation=detectable, threshold=MAX_CHAOS).best()
    if best is not None and best.chaos <= MAX_CHAOS:
        encoding = normalise_name(best.encoding)
        text = _strict(body, encoding) if encoding else None
        if encoding and text is not None and (not cjk_only or encoding in CJK):
            return Decoded(text, encoding, declared, "detected")
    claimed = f" (declared {declared})" if declared else ""
    raise UndecodableError(f"no encoding decodes the page cleanly{claimed}")

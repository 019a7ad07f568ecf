"""Clause segmentation of a rules page's main text: numbered articles and paragraphs become clauses.

A line that starts with an article or item number (第十二条, 12., 3.2, （三）, 三、, 1）) starts a clause; a
chapter or section heading (第二章 用户权利) is kept as the section of the clauses under it; any other line
continues the clause before it, or is a clause of its own where no numbering is in use. Versions are compared
on `normalised_text`, so whitespace, full-width forms and line breaks never make a new version.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

_CN_NUMBER = "一二三四五六七八九十百零〇两"
HEADING = re.compile(rf"^(第[{_CN_NUMBER}\d]+[章节编]|[{_CN_NUMBER}]+、)[^。；，,;:：]{{0,16}}$")
ARTICLE = re.compile(
    rf"^(第[{_CN_NUMBER}\d]+条|\d+(?:[.．]\d+)+|\d+[.．、）)](?!\d)|[（(][{_CN_NUMBER}\d]+[）)]|[{_CN_NUMBER}]+、)"
)


@dataclass(frozen=True)
class Clause:
    """One clause: its position on the page (1-based), its number as printed (or ''), section and text."""

    index: int
    number: str
    text: str
    section: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC) and every run of whitespace removed: what counts as the same wording."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalised_text(clauses: list[Clause]) -> str:
    """The page's wording as compared between versions."""
    return "\n".join(normalise(f"{clause.number}{clause.text}") for clause in clauses)


def _lines(text: str) -> list[str]:
    """Non-blank lines, trimmed; the wording itself is kept as the page has it."""
    return [line.strip(" \t\u3000\xa0") for line in text.splitlines() if line.strip(" \t\u3000\xa0")]


def segment(text: str) -> list[Clause]:
    """The clauses of a page's main text, in page order."""
    section = ""
    pieces: list[tuple[str, list[str], str]] = []  # (number, lines, section)
    numbered = any(ARTICLE.match(line) for line in _lines(text))
    for line in _lines(text):
        if HEADING.match(line):
            section = line
            continue
        match = ARTICLE.match(line)
        if match or not numbered or not pieces:
            number = match.group(1) if match else ""
            body = line[len(number) :].strip() if match else line
            pieces.append((number, [body] if body else [], section))
        else:
            pieces[-1][1].append(line)
    clauses: list[Clause] = []
    for number, lines, where in pieces:
        body = "".join(lines).strip()
        if body:
            clauses.append(Clause(index=len(clauses) + 1, number=number, text=body, section=where))
    return clauses

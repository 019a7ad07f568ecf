"""The bureau's own watchlist: terms officers accepted (``watchlist accept``), with who accepted them and when.

It is an ordinary watchlist file, ``TRADEWATCH_HOME/watchlists/bureau.yaml``, loaded beside the shipped ones
by every sweep, re-check and `score`. A change is validated before the file is replaced, and audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from core.errors import InputFileError, TradewatchError
from core.files import write_text_atomically
from core.safe_text import is_safe
from leads.audit import append_event
from leads.db import run_write

from .watchlist import bureau_dir, parse_file

BUREAU_FILE = "bureau.yaml"
MAX_TERM_LENGTH = 32
_HEADER = {"version": 1, "description": "本局接受的暗语和词条 / Terms accepted by the bureau", "categories": []}


class TermRefused(TradewatchError):
    """A term that cannot be accepted (empty, too long, unsafe, unknown category, already listed)."""


def bureau_file() -> Path:
    return bureau_dir() / BUREAU_FILE


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {**_HEADER, "categories": []}
    loaded, problems = parse_file(path)
    if problems or loaded is None:
        first = problems[0]
        raise InputFileError(first.path, first.message, first.line)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("categories", [])
    return data


def accept_term(
    term: str,
    category: str,
    *,
    weight: int,
    officer: str,
    known_categories: set[str],
    url: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Add ``term`` to ``category`` in the bureau's watchlist as a code word, and record it in the audit trail."""
    term = term.strip()
    if not term or len(term) > MAX_TERM_LENGTH or not is_safe(term) or "\n" in term:
        raise TermRefused(f"词条不可用 / not a usable term (1-{MAX_TERM_LENGTH} printable characters)")
    if category not in known_categories:
        raise TermRefused(f"未知类别 {category} / unknown category {category}")
    path = bureau_file()
    data = _read(path)
    entry = next((c for c in data["categories"] if c.get("id") == category), None)
    if entry is None:
        entry = {"id": category, "terms": []}
        data["categories"].append(entry)
    terms = entry.setdefault("terms", [])
    if any(t.get("term") == term for t in terms):
        raise TermRefused(f"{term} 已在本局词表中 / {term} is already in the bureau's watchlist ({category})")
    moment = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    terms.append({"term": term, "weight": weight, "kind": "code_word", "accepted_by": officer, "accepted_at": moment})
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _, problems = parse_file(path, text)
    if problems:
        raise TermRefused(f"{problems[0]}")
    write_text_atomically(path, text)
    details = {"term": term, "category": category, "weight": weight, "file": str(path)}
    run_write(
        lambda session: append_event(session, lead_pk=None, action="watchlist_accept", actor=officer, details=details),
        url=url,
    )
    return path

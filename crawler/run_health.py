"""Judge a finished crawl from its stats, so a run that silently scraped nothing is never called a success."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OK, DEGRADED, BROKEN, BLOCKED, UNREACHABLE = "ok", "degraded", "broken", "blocked", "unreachable"


def _count(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(key, 0) or 0)


def judge(stats: Mapping[str, Any], finish_reason: str) -> str:
    """The run's outcome: ok, degraded, broken, blocked or unreachable."""
    responses = _count(stats, "downloader/response_count")
    search_pages = _count(stats, "tradewatch/pages/search")
    if _count(stats, "tradewatch/pages/blocked"):
        return BLOCKED
    if responses == 0 or (search_pages == 0 and _count(stats, "downloader/exception_count")):
        return UNREACHABLE
    if finish_reason != "finished":
        return BROKEN
    parsed = _count(stats, "tradewatch/results/seen")
    if search_pages and parsed == 0 and _count(stats, "tradewatch/pages/unparsed"):
        return BROKEN
    errors = _count(stats, "tradewatch/errors/request") + _count(stats, "spider_exceptions/count")
    if errors and errors * 10 > max(responses, 1):
        return DEGRADED
    return OK


def counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """The headline numbers a run keeps in its own columns."""
    return {
        "pages": _count(stats, "tradewatch/pages/search") + _count(stats, "tradewatch/pages/item"),
        "listings": _count(stats, "tradewatch/items/scored"),
        "hits": _count(stats, "tradewatch/items/leads"),
        "leads_new": _count(stats, "tradewatch/leads/new"),
        "leads_updated": _count(stats, "tradewatch/leads/updated"),
        "errors": _count(stats, "tradewatch/errors/request") + _count(stats, "spider_exceptions/count"),
    }

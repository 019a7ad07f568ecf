"""Judge a finished crawl from its stats, so a run that silently scraped nothing is never called a success.

`assess()` is a pure function of the stats, the finish reason and the profile's thresholds. Outcomes:

- `failed`: the lead store became unavailable mid-run (finish reason `store_unavailable`): fetching stopped, what
  was committed before stays;
- `blocked`: block pages were seen (captcha, login wall, anti-bot shell), or the sweep was stopped for one;
- `unreachable`: the site never gave a result page (connection errors, only HTTP errors);
- `broken`: the finish reason was not normal, or result pages answered but no listing could be parsed
  (a changed layout);
- `degraded`: listings came, but a watched field's coverage is under the threshold, many requests failed,
  or pages could not be decoded;
- `ok`: none of the above.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OK, DEGRADED, BROKEN, BLOCKED, UNREACHABLE = "ok", "degraded", "broken", "blocked", "unreachable"
FAILED = "failed"
OUTCOMES = (OK, DEGRADED, BROKEN, BLOCKED, UNREACHABLE, FAILED)
NORMAL_FINISH = "finished"
STORE_UNAVAILABLE = "store_unavailable"  # finish reason: the store pipeline lost the lead store
DEFAULT_FIELDS = ("title", "url", "price")


def _count(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(key, 0) or 0)


@dataclass(frozen=True)
class Health:
    outcome: str
    reasons: list[str] = field(default_factory=list)
    coverage: dict[str, float] = field(default_factory=dict)


def field_coverage(stats: Mapping[str, Any], fields: Sequence[str]) -> dict[str, float]:
    """Share of yielded listings that had each field (`url` and `title` are always there when yielded)."""
    yielded = _count(stats, "tradewatch/items/yielded")
    if not yielded:
        return {}
    out: dict[str, float] = {}
    for name in fields:
        if name in ("url", "title"):
            out[name] = 1.0
            continue
        present = _count(stats, f"tradewatch/field/{name}/present")
        out[name] = round(min(present / yielded, 1.0), 4)
    return out


def errors(stats: Mapping[str, Any]) -> int:
    return _count(stats, "tradewatch/errors/request") + _count(stats, "spider_exceptions/count")


def assess(
    stats: Mapping[str, Any],
    finish_reason: str,
    *,
    min_coverage: float = 0.8,
    fields: Sequence[str] = DEFAULT_FIELDS,
    max_error_ratio: float = 0.1,
) -> Health:
    """The run's outcome, why, and the coverage of the watched fields."""
    coverage = field_coverage(stats, fields)
    responses = _count(stats, "downloader/response_count")
    search_pages = _count(stats, "tradewatch/pages/search")
    blocked = _count(stats, "tradewatch/pages/blocked")
    if finish_reason == STORE_UNAVAILABLE:
        return Health(FAILED, ["store unavailable"], coverage)
    if blocked or finish_reason == BLOCKED:
        return Health(BLOCKED, [f"{blocked} block page(s) seen; the sweep was stopped"], coverage)
    if responses == 0:
        return Health(UNREACHABLE, ["no response from the site"], coverage)
    if search_pages == 0:
        return Health(UNREACHABLE, [f"no result page could be read ({errors(stats)} failed requests)"], coverage)
    if finish_reason != NORMAL_FINISH:
        return Health(BROKEN, [f"finish reason {finish_reason!r}"], coverage)
    unparsed = _count(stats, "tradewatch/pages/unparsed")
    if _count(stats, "tradewatch/results/seen") == 0 and unparsed:
        return Health(BROKEN, [f"{unparsed} result page(s) answered but no listing was parsed"], coverage)
    reasons = [
        f"coverage of {name} {share:.0%} is under {min_coverage:.0%}"
        for name, share in coverage.items()
        if share < min_coverage
    ]
    failed = errors(stats)
    if failed and failed > max_error_ratio * max(responses, 1):
        reasons.append(f"{failed} failed requests of {responses} responses")
    if unparsed:
        reasons.append(f"{unparsed} result page(s) without parsable listings")
    undecodable = _count(stats, "tradewatch/pages/undecodable")
    if undecodable:
        reasons.append(f"{undecodable} page(s) could not be decoded")
    return Health(DEGRADED if reasons else OK, reasons, coverage)


def judge(stats: Mapping[str, Any], finish_reason: str, **thresholds: Any) -> str:
    """The run's outcome: ok, degraded, broken, blocked or unreachable."""
    return assess(stats, finish_reason, **thresholds).outcome


def counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """The headline numbers a run keeps in its own columns."""
    return {
        "pages": _count(stats, "tradewatch/pages/search") + _count(stats, "tradewatch/pages/item"),
        "listings": _count(stats, "tradewatch/items/scored"),
        "hits": _count(stats, "tradewatch/items/leads"),
        "leads_new": _count(stats, "tradewatch/leads/new"),
        "leads_updated": _count(stats, "tradewatch/leads/updated"),
        "errors": errors(stats),
    }


def summary(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Numbers `tradewatch runs show` prints besides the headline counts."""
    fields = sorted({key.split("/")[2] for key in stats if key.startswith("tradewatch/field/") and key.count("/") == 3})
    return {
        "search_pages": _count(stats, "tradewatch/pages/search"),
        "item_pages": _count(stats, "tradewatch/pages/item"),
        "results_seen": _count(stats, "tradewatch/results/seen"),
        "items_yielded": _count(stats, "tradewatch/items/yielded"),
        "blocked_pages": _count(stats, "tradewatch/pages/blocked"),
        "unparsed_pages": _count(stats, "tradewatch/pages/unparsed"),
        "undecodable_pages": _count(stats, "tradewatch/pages/undecodable"),
        "retries": _count(stats, "tradewatch/retries/count"),
        "retries_429": _count(stats, "tradewatch/retries/429"),
        "retries_503": _count(stats, "tradewatch/retries/503"),
        "errors": errors(stats),
        "fields": {
            name: {
                "present": _count(stats, f"tradewatch/field/{name}/present"),
                "missing": _count(stats, f"tradewatch/field/{name}/missing"),
            }
            for name in fields
        },
    }

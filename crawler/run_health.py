"""Judge a finished crawl from its stats, so a run that silently scraped nothing is never called a success.

`assess()` is a pure function of the stats, the finish reason and the profile's thresholds. Outcomes:

- `interrupted`: the sweep was stopped by Ctrl-C or SIGTERM (finish reason `shutdown`), or a distributed sweep
  was abandoned (`worker --finish --abandon`, finish reason `abandoned`), at whatever stage: the run keeps what
  was read until then, and says which it was even when nothing was read;
- `failed`: the lead store became unavailable mid-run (finish reason `store_unavailable`): fetching stopped, what
  was committed before stays; the scorer could not be loaded; the browser of a JS sweep did not start
  (`browser_unavailable`, crawler/browser_launches.py); or every worker of a distributed sweep was lost, or
  ended before it joined (`workers_lost`, runners/distributed/coordinator.py);
- `blocked`: block pages were seen (captcha, login wall, anti-bot shell), or the sweep was stopped for one;
- `unreachable`: the site never gave a result page; the reason names the cause where the stats show it
  (a refused private address, robots.txt, DNS, HTTP 5xx, HTTP 404 on every search);
- `broken`: the finish reason was not normal, or result pages answered but no listing could be parsed
  (a changed layout);
- `degraded`: listings came, but a watched field's coverage is under the threshold, many requests failed,
  pages could not be decoded, or evidence could not be stored;
- `ok`: none of the above.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.destination_guard import BROWSER_FORBIDDEN_STAT, FORBIDDEN_STAT
from leads.runs import INTERRUPTED

OK, DEGRADED, BROKEN, BLOCKED, UNREACHABLE = "ok", "degraded", "broken", "blocked", "unreachable"
FAILED = "failed"
OUTCOMES = (OK, DEGRADED, BROKEN, BLOCKED, UNREACHABLE, FAILED, INTERRUPTED)
NORMAL_FINISH = "finished"
SHUTDOWN = "shutdown"  # Scrapy's finish reason when a signal (Ctrl-C, SIGTERM) stopped the crawl
ABANDONED = "abandoned"  # finish reason: a distributed sweep whose queue was dropped (`worker --finish --abandon`)
STORE_UNAVAILABLE = "store_unavailable"  # finish reason: the store pipeline lost the lead store
SCORER_FAILED = "scorer_failed"  # finish reason: the crawl's scorer could not be loaded (a broken watchlist)
SCORER_FAILED_STAT = "tradewatch/scoring/failed"  # the first line of what was wrong
BROWSER_UNAVAILABLE = "browser_unavailable"  # finish reason: the browser of a JS sweep did not start
WORKERS_LOST = "workers_lost"  # finish reason: a distributed sweep's workers were lost and none took their place
LAUNCH_FAILED_STAT = "tradewatch/browser/launch_failed"  # the browser's failed launches
LAUNCH_RECOVERED_STAT = "tradewatch/browser/launch_recovered"  # launches that succeeded after failed ones
LAUNCH_ERROR_STAT = "tradewatch/browser/launch_error"  # the first line of the last failed launch's error
NEVER_READ_STAT = "tradewatch/sweep/never_read"  # queued requests of a distributed sweep no worker could read
WORKER_FAILED_STAT = "tradewatch/sweep/worker_failed"  # why a local worker of a distributed sweep ended unjoined
DEFAULT_FIELDS = ("title", "url", "price")
REASONS_STAT = "tradewatch/health/reasons"  # the run's stats keep why it was judged so
# Stats that hold text, not a count: a distributed sweep carries them across its workers (the last one written
# wins) so the run it judges on the summed counts still says what went wrong.
TEXT_STATS = (SCORER_FAILED_STAT, LAUNCH_ERROR_STAT)

# Why a run was judged so, as its record keeps it: English, with `{name}` fields filled in. The command line
# shows each in the officer's language (cli.runs), so every reason `assess` can give is one of these.
STORE_LOST = "store unavailable"
SCORER_NOT_LOADED = "scorer not loaded: {error}"
BROWSER_NOT_STARTED = "the browser did not start: {error}"
NO_WORKER_LEFT = (
    "every worker of the sweep was lost (killed, or its machine stopped) and none took its place; "
    "{count} request(s) never read"
)
NO_WORKER_JOINED = (
    "a worker ended before it joined the sweep ({error}) and none took its place; {count} request(s) never read"
)
STOPPED_BY_SIGNAL = "stopped by Ctrl-C or a stop signal; the {pages} page(s) and {listings} listing(s) read are kept"
SWEEP_ABANDONED = (
    "the sweep was abandoned: what was still queued was dropped; the {pages} page(s) and {listings} listing(s) read "
    "are kept"
)
SEE_THE_LOG = "see the log"  # the {error} above when the stats kept none
BLOCK_PAGES_SEEN = "{count} block page(s) seen; the sweep was stopped"
REFUSED_PRIVATE = "refused: private address (allow it in allow_private_hosts)"
ROBOTS_DISALLOWS = "robots.txt disallows"
DNS_FAILURE = "DNS failure"
HTTP_5XX = "HTTP 5xx"
HTTP_404_EVERYWHERE = "HTTP 404 on every search"
NO_RESPONSE = "no response from the site ({count} failed requests)"
NO_RESULT_PAGE = "no result page could be read ({count} failed requests)"
ABNORMAL_FINISH = "finish reason {reason}"
NOTHING_PARSED = "{count} result page(s) answered but no listing was parsed"
NOTHING_PARSED_REJECTED = (
    "{count} result page(s) answered but no listing was parsed; {rejects} matched listing(s) rejected"
)
LOW_COVERAGE = "coverage of {field} {share} is under {minimum}"
MANY_FAILED = "{failed} failed requests of {responses} responses"
UNPARSED_PAGES = "{count} result page(s) without parsable listings"
UNDECODABLE_PAGES = "{count} page(s) could not be decoded"
NOT_TEXT_PAGES = "{count} page(s) were not web pages (a picture, PDF or download)"
EVIDENCE_NOT_STORED = "evidence of {count} lead(s) could not be stored (see the log)"
REASONS = (
    STORE_LOST, SCORER_NOT_LOADED, BROWSER_NOT_STARTED, NO_WORKER_LEFT, NO_WORKER_JOINED, STOPPED_BY_SIGNAL,
    SWEEP_ABANDONED, BLOCK_PAGES_SEEN, REFUSED_PRIVATE, ROBOTS_DISALLOWS, DNS_FAILURE, HTTP_5XX, HTTP_404_EVERYWHERE,
    NO_RESPONSE, NO_RESULT_PAGE, ABNORMAL_FINISH, NOTHING_PARSED, NOTHING_PARSED_REJECTED, LOW_COVERAGE, MANY_FAILED,
    UNPARSED_PAGES, UNDECODABLE_PAGES, NOT_TEXT_PAGES, EVIDENCE_NOT_STORED,
)  # fmt: skip


def _count(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(key, 0) or 0)


@dataclass(frozen=True)
class Health:
    outcome: str
    reasons: list[str] = field(default_factory=list)
    coverage: dict[str, float] = field(default_factory=dict)


def rejected_for(stats: Mapping[str, Any], name: str) -> int:
    """Listings the item selector matched but the spider rejected because this field was missing or failed."""
    return sum(_count(stats, f"tradewatch/results/rejected/{reason}/{name}") for reason in ("missing", "field_error"))


def field_coverage(stats: Mapping[str, Any], fields: Sequence[str]) -> dict[str, float]:
    """Share of listings that had each field, over the yielded ones and those rejected for lacking it.

    `url` and `title` are always there when yielded, so only their rejects lower their coverage.
    """
    yielded = _count(stats, "tradewatch/items/yielded")
    out: dict[str, float] = {}
    for name in fields:
        rejected = rejected_for(stats, name)
        if not yielded + rejected:
            continue
        present = yielded if name in ("url", "title") else _count(stats, f"tradewatch/field/{name}/present")
        out[name] = round(min(present / (yielded + rejected), 1.0), 4)
    return out


def _http_errors(stats: Mapping[str, Any], low: int, high: int) -> int:
    prefix = "tradewatch/errors/http_"
    return sum(
        _count(stats, key) for key in stats if key.startswith(prefix) and low <= int(key[len(prefix) :] or 0) <= high
    )


# Why a sweep never read a result page, most telling first: (it applies, the reason the run records).
UNREACHABLE_CAUSES: tuple[tuple[Callable[[Mapping[str, Any]], bool], str], ...] = (
    (
        lambda stats: _count(stats, FORBIDDEN_STAT) + _count(stats, BROWSER_FORBIDDEN_STAT) > 0,
        REFUSED_PRIVATE,
    ),
    (lambda stats: _count(stats, "robotstxt/forbidden") > 0, ROBOTS_DISALLOWS),
    (lambda stats: _count(stats, "tradewatch/errors/dns") > 0, DNS_FAILURE),
    (lambda stats: _http_errors(stats, 500, 599) > 0, HTTP_5XX),
    (
        lambda stats: _http_errors(stats, 404, 404) > 0 and _http_errors(stats, 404, 404) == errors(stats),
        HTTP_404_EVERYWHERE,
    ),
)


def unreachable_causes(stats: Mapping[str, Any]) -> list[str]:
    """The causes the stats show for a sweep that read no result page (empty when none is known)."""
    return [reason for applies, reason in UNREACHABLE_CAUSES if applies(stats)]


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
    search_pages = _count(stats, "tradewatch/pages/search") + _count(stats, "tradewatch/pages/sitemap")
    blocked = _count(stats, "tradewatch/pages/blocked")
    if finish_reason == STORE_UNAVAILABLE:
        return Health(FAILED, [STORE_LOST], coverage)
    if finish_reason == SCORER_FAILED:
        return Health(FAILED, [SCORER_NOT_LOADED.format(error=stats.get(SCORER_FAILED_STAT) or SEE_THE_LOG)], coverage)
    if finish_reason == BROWSER_UNAVAILABLE:
        error = stats.get(LAUNCH_ERROR_STAT) or SEE_THE_LOG
        return Health(FAILED, [BROWSER_NOT_STARTED.format(error=error)], coverage)
    if finish_reason == WORKERS_LOST:
        never_read = _count(stats, NEVER_READ_STAT)
        unjoined = stats.get(WORKER_FAILED_STAT)
        if unjoined:  # a worker that crashed on its way up: say why
            return Health(FAILED, [NO_WORKER_JOINED.format(error=unjoined, count=never_read)], coverage)
        return Health(FAILED, [NO_WORKER_LEFT.format(count=never_read)], coverage)
    if finish_reason in (SHUTDOWN, ABANDONED):  # stopped on purpose: never judged on what it had no time to read
        read = counts(stats)  # as the run's own columns keep them
        why = STOPPED_BY_SIGNAL if finish_reason == SHUTDOWN else SWEEP_ABANDONED
        return Health(INTERRUPTED, [why.format(pages=read["pages"], listings=read["listings"])], coverage)
    if blocked or finish_reason == BLOCKED:
        return Health(BLOCKED, [BLOCK_PAGES_SEEN.format(count=blocked)], coverage)
    if responses == 0 or search_pages == 0:
        default = NO_RESPONSE if responses == 0 else NO_RESULT_PAGE
        causes = unreachable_causes(stats) or [default.format(count=errors(stats))]
        return Health(UNREACHABLE, causes, coverage)
    if finish_reason != NORMAL_FINISH:
        return Health(BROKEN, [ABNORMAL_FINISH.format(reason=repr(finish_reason))], coverage)
    unparsed = _count(stats, "tradewatch/pages/unparsed")
    if _count(stats, "tradewatch/items/yielded") == 0 and unparsed:
        rejects = _count(stats, "tradewatch/results/seen")
        why = NOTHING_PARSED_REJECTED if rejects else NOTHING_PARSED
        return Health(BROKEN, [why.format(count=unparsed, rejects=rejects)], coverage)
    reasons = [
        LOW_COVERAGE.format(field=name, share=f"{share:.0%}", minimum=f"{min_coverage:.0%}")
        for name, share in coverage.items()
        if share < min_coverage
    ]
    failed = errors(stats)
    if failed and failed > max_error_ratio * max(responses, 1):
        reasons.append(MANY_FAILED.format(failed=failed, responses=responses))
    if unparsed:
        reasons.append(UNPARSED_PAGES.format(count=unparsed))
    undecodable = _count(stats, "tradewatch/pages/undecodable")
    if undecodable:
        reasons.append(UNDECODABLE_PAGES.format(count=undecodable))
    not_text = _count(stats, "tradewatch/pages/not_text")
    if not_text:
        reasons.append(NOT_TEXT_PAGES.format(count=not_text))
    no_evidence = _count(stats, "tradewatch/evidence/failed")
    if no_evidence:  # e.g. the disk is full: the leads are stored, their evidence is not
        reasons.append(EVIDENCE_NOT_STORED.format(count=no_evidence))
    return Health(DEGRADED if reasons else OK, reasons, coverage)


def judge(stats: Mapping[str, Any], finish_reason: str, **thresholds: Any) -> str:
    """The run's outcome: ok, degraded, broken, blocked, unreachable, failed or interrupted."""
    return assess(stats, finish_reason, **thresholds).outcome


def counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """The headline numbers a run keeps in its own columns."""
    return {
        "pages": sum(_count(stats, f"tradewatch/pages/{kind}") for kind in ("search", "item", "sitemap")),
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
        "no_results": _count(stats, "tradewatch/pages/empty"),
        "feed_pages": _count(stats, "tradewatch/feeds/pages"),
        "sitemap_pages": _count(stats, "tradewatch/pages/sitemap"),
        "feed_unchanged": _count(stats, "tradewatch/feeds/unchanged"),
        "budget": _count(stats, "tradewatch/budget/limit"),
        "budget_skipped": _count(stats, "tradewatch/budget/skipped"),
        "undecodable_pages": _count(stats, "tradewatch/pages/undecodable"),
        "not_text_pages": _count(stats, "tradewatch/pages/not_text"),
        "retries": _count(stats, "tradewatch/retries/count"),
        "retries_429": _count(stats, "tradewatch/retries/429"),
        "retries_503": _count(stats, "tradewatch/retries/503"),
        "browser_launch_failed": _count(stats, LAUNCH_FAILED_STAT),
        "browser_launch_recovered": _count(stats, LAUNCH_RECOVERED_STAT),
        "never_read": _count(stats, NEVER_READ_STAT),
        "errors": errors(stats),
        "fields": {
            name: {
                "present": _count(stats, f"tradewatch/field/{name}/present"),
                "missing": _count(stats, f"tradewatch/field/{name}/missing"),
            }
            for name in fields
        },
    }

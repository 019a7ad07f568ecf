"""Rules-page pipeline: segment a fetched rules page into clauses, score every clause against the
unfair-clause watchlist, and store the page as a new version when its text changed (`leads.rules`).

Each page's outcome (stored as version N, unchanged, or its problem: unreachable, http_404, blocked, not_text, empty) is
appended to the crawl stat `tradewatch/rules/outcomes`, which the sweep's runner reports. A page with a
problem, or whose text has no clause, is never stored. Other items pass through untouched.

Stats: `tradewatch/rules/outcomes`, `tradewatch/rules/versions_new|unchanged`, `tradewatch/rules/findings`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from typing import Any

from scrapy.crawler import Crawler

from core.config import get_settings
from crawler.items import RulesPageItem
from leads.db import run_write
from leads.rules import PageSighting, record_sighting
from pipelines.rules import ClauseScorer, normalised_text, segment
from pipelines.rules.clauses import normalise

log = logging.getLogger(__name__)
OUTCOMES = "tradewatch/rules/outcomes"


def scored_clauses(text: str, scorer: ClauseScorer) -> tuple[list[dict[str, Any]], str]:
    """The page's clauses with their scores, and the SHA-256 of its normalised text."""
    clauses = segment(text)
    scored = []
    for clause in clauses:
        result = scorer.score(clause.text)
        scored.append({**clause.to_dict(), "key": normalise(clause.text), **result.to_dict()})
    return scored, hashlib.sha256(normalised_text(clauses).encode()).hexdigest()


class StoreRulesPagePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL") or get_settings().resolved_database_url
        self.scorer = ClauseScorer.load()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreRulesPagePipeline:
        return cls(crawler)

    def _report(self, item: RulesPageItem, **outcome: Any) -> None:
        assert self.crawler.stats is not None
        entry = {"platform": item.platform, "page": item.page, "url": item.url, **outcome}
        self.crawler.stats.set_value(OUTCOMES, [*(self.crawler.stats.get_value(OUTCOMES) or []), entry])

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RulesPageItem):
            return item
        if item.problem or item.capture is None:
            self._report(item, problem=item.problem or "empty", detail=item.detail)
            return item
        clauses, digest = scored_clauses(item.text, self.scorer)
        if not clauses:
            self._report(item, problem="empty", detail="no clause in the main text")
            return item
        sighting = PageSighting(
            platform=item.platform,
            page=item.page,
            url=item.url,
            clauses=clauses,
            text_sha256=digest,
            capture=dataclasses.asdict(item.capture),
        )
        outcome = await asyncio.to_thread(
            run_write, lambda session: record_sighting(session, sighting), url=self.database_url
        )
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tradewatch/rules/versions_{'unchanged' if outcome.unchanged else 'new'}")
        self.crawler.stats.inc_value("tradewatch/rules/findings", len(outcome.findings))
        self._report(item, **outcome.to_dict())
        return item

"""What earlier sweeps of a platform tell the next one: which listings are stored already (so a newest-first
feed can stop paging), and how many leads each search term has yielded per search (so the best terms go first).

A term's yield is recorded per run in the run's stats: `tradewatch/terms` (term -> searches made) by the
spider, `tradewatch/term_leads` (term -> leads found by that term's searches) by the score pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from leads.models import CrawlRun, Listing

SEARCHES_STAT = "tradewatch/terms"
LEADS_STAT = "tradewatch/term_leads"
_UNTRIED = 1e-6  # a term never searched goes after every term that found something, before those that never did


@dataclass(frozen=True)
class TermYield:
    term: str
    searches: int
    leads: int
    runs: int

    @property
    def per_search(self) -> float:
        return self.leads / self.searches if self.searches else 0.0


def stored_listings(session: Session, platform: str) -> dict[str, tuple[str | None, str | None]]:
    """Listing id -> (title, price as text) of every listing of `platform` in the store."""
    rows = session.exec(select(Listing.listing_id, Listing.title, Listing.price).where(Listing.platform == platform))
    return {str(ident): (title, None if price is None else str(price)) for ident, title, price in rows}


def term_yields(session: Session, platform: str) -> dict[str, TermYield]:
    """Each term's searches, leads and runs over every recorded run of `platform`."""
    searches: dict[str, int] = {}
    leads: dict[str, int] = {}
    runs: dict[str, int] = {}
    rows = session.exec(select(CrawlRun.stats).where(CrawlRun.platform == platform, col(CrawlRun.stats).is_not(None)))
    for stats in rows:
        made = (stats or {}).get(SEARCHES_STAT) or {}
        found = (stats or {}).get(LEADS_STAT) or {}
        for term, count in made.items():
            searches[term] = searches.get(term, 0) + int(count)
            runs[term] = runs.get(term, 0) + 1
        for term, count in found.items():
            leads[term] = leads.get(term, 0) + int(count)
    return {term: TermYield(term, searches[term], leads.get(term, 0), runs[term]) for term in searches}


def by_yield(terms: Sequence[str], yields: dict[str, TermYield]) -> list[str]:
    """The terms, highest past yield (leads per search) first; untried terms after those that found leads,
    terms that never found one last; ties keep their watchlist order."""

    def key(term: str) -> float:
        known = yields.get(term)
        return -(known.per_search if known else _UNTRIED)

    return sorted(dict.fromkeys(terms), key=key)

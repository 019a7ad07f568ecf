"""Code-word discovery: terms over-represented in confirmed leads against dismissed leads and ordinary listings.

Candidates are n-grams (2-4 characters) of the normalised title and description that overlap no watchlist
pattern. Each is ranked by the smoothed log-odds of appearing in a confirmed lead rather than in a dismissed
lead or an ordinary listing, with the support of trade talk around it and of distinct sellers as tie-breaks,
so that one seller's pet phrase ranks below a word several sellers use while trading.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from leads.models import Lead, Listing
from pipelines.model.features import fold_fields
from pipelines.model.labels import Example, store_examples
from pipelines.scoring.fold_text import Normaliser
from pipelines.scoring.matcher import Matcher
from pipelines.scoring.scorer import Scorer

CANDIDATE_SIZES = (2, 3, 4)
MIN_CONFIRMED = 2  # a term must appear in at least this many confirmed leads
SMOOTHING = 0.5
EXAMPLES_SHOWN = 3
ORDINARY_SAMPLE = 5000  # ordinary listings (never a lead) compared against, newest first


@dataclass
class Suggestion:
    term: str
    confirmed: int
    dismissed: int
    ordinary: int
    with_trade_talk: int
    sellers: int
    log_odds: float
    examples: list[str] = field(default_factory=list)


def _candidates(texts: Sequence[str], matcher: Matcher) -> set[str]:
    """N-grams of the texts that overlap no watchlist pattern (so neither 私聊 nor its part 私聊 counts)."""
    grams: set[str] = set()
    for text in texts:
        chars = list(text)
        for _pattern, start, end in matcher.find(text):
            chars[start:end] = "\x00" * (end - start)
        for piece in "".join(chars).split("\x00"):
            for size in CANDIDATE_SIZES:
                grams.update(piece[i : i + size] for i in range(len(piece) - size + 1))
    return {gram for gram in grams if not gram.isdigit() and not gram.isspace()}


def _ordinary(session: Session, limit: int) -> list[Example]:
    rows = session.exec(
        select(Listing)
        .outerjoin(Lead, col(Lead.listing_id) == col(Listing.id))
        .where(col(Lead.id).is_(None))
        .order_by(col(Listing.id).desc())
        .limit(limit)
    )
    return [Example(row.title, row.description or "", row.price, False, f"listing {row.id}") for row in rows]


def suggest(session: Session, scorer: Scorer, *, limit: int = 20) -> list[Suggestion]:
    """The terms most over-represented in confirmed leads, best first."""
    labelled = store_examples(session)
    confirmed = [e for e in labelled if e.label]
    dismissed = [e for e in labelled if not e.label]
    ordinary = _ordinary(session, ORDINARY_SAMPLE)
    normaliser = Normaliser()

    def grams_of(examples: Sequence[Example]) -> list[set[str]]:
        return [_candidates(fold_fields(normaliser, e.listing()), scorer.matcher) for e in examples]

    confirmed_grams = grams_of(confirmed)
    in_confirmed = Counter(gram for grams in confirmed_grams for gram in grams)
    wanted = {gram for gram, count in in_confirmed.items() if count >= MIN_CONFIRMED}
    elsewhere = Counter(gram for grams in grams_of([*dismissed, *ordinary]) for gram in grams & wanted)
    in_dismissed = Counter(gram for grams in grams_of(dismissed) for gram in grams & wanted)
    signals = scorer.watchlists.signals
    talk_words = {folded for word in (*signals.evasion, *signals.trade) if (folded := normaliser.fold(word))}
    trade_talk: Counter[str] = Counter()
    sellers: dict[str, set[str]] = {}
    for example, grams in zip(confirmed, confirmed_grams, strict=True):
        text = "\n".join(fold_fields(normaliser, example.listing()))
        talk = any(word in text for word in talk_words)
        for gram in grams & wanted:
            trade_talk[gram] += talk
            sellers.setdefault(gram, set()).add(example.seller or example.source)
    positives, others = len(confirmed), len(dismissed) + len(ordinary)
    suggestions = []
    for gram in wanted:
        odds_in = (in_confirmed[gram] + SMOOTHING) / (positives - in_confirmed[gram] + SMOOTHING)
        odds_out = (elsewhere[gram] + SMOOTHING) / (others - elsewhere[gram] + SMOOTHING)
        suggestions.append(
            Suggestion(
                term=gram,
                confirmed=in_confirmed[gram],
                dismissed=in_dismissed[gram],
                ordinary=elsewhere[gram] - in_dismissed[gram],
                with_trade_talk=trade_talk[gram],
                sellers=len(sellers.get(gram, ())),
                log_odds=round(math.log(odds_in / odds_out), 3),
            )
        )
    suggestions.sort(key=lambda s: (-s.log_odds, -s.sellers, -s.with_trade_talk, -len(s.term), s.term))
    chosen = _without_fragments(suggestions)[:limit]
    for suggestion in chosen:
        suggestion.examples = [
            f"{e.source}: {e.title}"
            for e, grams in zip(confirmed, confirmed_grams, strict=True)
            if suggestion.term in grams
        ][:EXAMPLES_SHOWN]
    return chosen


def _without_fragments(ranked: list[Suggestion]) -> list[Suggestion]:
    """Drop a term that is part of a longer one found in the same confirmed leads (糖霜 beside 糖霜料),
    and a longer one that adds nothing to a term it contains with the same counts (糖霜料手 beside 糖霜料)."""
    kept: list[Suggestion] = []
    for suggestion in ranked:
        seen_elsewhere = suggestion.ordinary + suggestion.dismissed
        if any(
            (suggestion.term in k.term or k.term in suggestion.term)
            and k.confirmed == suggestion.confirmed
            and k.ordinary + k.dismissed <= seen_elsewhere
            for k in kept
        ):
            continue
        kept.append(suggestion)
    return kept

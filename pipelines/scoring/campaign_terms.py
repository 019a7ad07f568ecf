"""A campaign's keywords as scored terms in that campaign's sweeps.

The rule, in order:

1. A keyword the watchlists already catch (the shipped ones or the bureau's own, in any spelling the scorer
   knows) is scored as they say: it needs nothing more.
2. Any other keyword is scored with the campaign's category: the category the watchlists give most of the
   campaign's other keywords (on a tie, that of the earliest of them), as a term of kind ``campaign``.
3. A campaign none of whose keywords the watchlists know has no category: its new keywords are searched for
   but not scored, and the sweep's log says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .scorer import Scorer


def campaign_terms(keywords: Sequence[str], scorer: Scorer) -> tuple[dict[str, list[str]], list[str]]:
    """The keywords the watchlists do not catch, under the category they are scored with; and those left
    without a category (rule 3)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    new: list[str] = []
    for position, keyword in enumerate(dict.fromkeys(k.strip() for k in keywords if k and k.strip())):
        categories = dict.fromkeys(hit.category for hit in scorer.score({"title": keyword}).hits)
        if not categories:
            new.append(keyword)
        for category in categories:
            counts[category] += 1
            first.setdefault(category, position)
    if not new:
        return {}, []
    if not counts:
        return {}, new
    category = max(counts, key=lambda c: (counts[c], -first[c]))
    return {category: new}, []


def campaign_scorer(scorer: Scorer, keywords: Sequence[str]) -> tuple[Scorer, list[str]]:
    """``scorer`` with the campaign's new keywords added as terms (a new scorer when there are any); and the
    keywords left without a category."""
    extra, unplaced = campaign_terms(keywords, scorer)
    if not extra:
        return scorer, unplaced
    return Scorer.load(threshold=scorer.threshold, extra_terms=extra), unplaced

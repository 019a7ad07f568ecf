"""Platform rules pages: clause segmentation, the unfair-clause watchlist and its scorer, and their evaluation.

Usable without Scrapy, like `pipelines.scoring`: `tradewatch rules score` and `tradewatch eval --rules` use it
directly, and the rules-page pipeline during a sweep.
"""

from .clauses import Clause, normalised_text, segment
from .scorer import ClauseResult, ClauseScorer

__all__ = ["Clause", "ClauseResult", "ClauseScorer", "normalised_text", "segment"]

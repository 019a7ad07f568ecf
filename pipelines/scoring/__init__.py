"""Scoring engine: watchlists, normaliser, one-pass matcher and the explainable scorer.

from pipelines.scoring import Scorer
scorer = Scorer.load()                       # shipped watchlists, configured threshold
result = scorer.score({"title": "...", "description": "...", "price": 1200.0})
result.score, result.is_lead, result.category, result.hits, result.rules
"""

from .fold_text import Normaliser, NormText
from .hits import Hit, ScoreResult
from .scorer import Scorer
from .watchlist import load_watchlists, shipped_paths

__all__ = ["Hit", "NormText", "Normaliser", "ScoreResult", "Scorer", "load_watchlists", "shipped_paths"]

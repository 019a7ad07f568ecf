"""What the scoring tests assert of one listing, said once: a failure shows how the scorer read the listing (its
score, hits and rules), which is what a reader needs to see why a rule did or did not fire."""

from __future__ import annotations

from typing import Any

from pipelines.scoring import Scorer
from pipelines.scoring.hits import ScoreResult


def explanation(result: ScoreResult, title: str, description: str) -> str:
    """The scorer's reading of a listing, one line a hit and a rule."""
    lines = [
        f"title {title!r}, description {description!r}",
        f"score {result.score}, lead {result.is_lead}, category {result.category}, categories {result.categories}",
        *(f"hit {hit.matched!r} -> {hit.term} ({hit.category}, {hit.rule}, {hit.mechanism})" for hit in result.hits),
        *(f"rule {rule}" for rule in result.rules),
    ]
    return "\n".join(lines)


def score(scorer: Scorer, title: str, description: str = "") -> ScoreResult:
    """A listing of a title and a description, scored."""
    return scorer.score({"title": title, "description": description})


def assert_lead(scorer: Scorer, title: str, category: str, description: str = "") -> ScoreResult:
    """The listing is a lead of ``category``; its result, for what a test asserts further."""
    result = score(scorer, title, description)
    assert result.is_lead and result.category == category, explanation(result, title, description)
    return result


def assert_clear(scorer: Scorer, title: str, description: str = "") -> ScoreResult:
    """The listing is no lead; its result, for what a test asserts further (which rule cleared it)."""
    result = score(scorer, title, description)
    assert not result.is_lead, explanation(result, title, description)
    return result


def rules_by_name(result: ScoreResult) -> dict[str, dict[str, Any]]:
    """The rules that fired, by name, each with its details (the marker, the signals): the first of a name that
    fired more than once (one context a category)."""
    named: dict[str, dict[str, Any]] = {}
    for rule in result.rules:
        named.setdefault(rule["rule"], rule)
    return named


def mechanisms_of(result: ScoreResult) -> set[str]:
    """How the result's hits came about (term, dictionary_alias, generated_variant, trade_pattern ...)."""
    return {hit.mechanism for hit in result.hits}

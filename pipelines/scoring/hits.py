"""What a scored listing reports: the hits (a term, where, by which rule), how each came about (its mechanism),
the rules that clear a hit, and the listing's result: the explanation's vocabulary, defined once for the scorer,
the model and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fold_text import FIRST_PICTOGRAPH

SHAPE_RULES = frozenset(("split", "lookalike"))  # a character written by its parts (:mod:`.shapes`)
# Explanation rules that say a term hit means something else in this listing (what a learned model must not
# overrule): a namesake phrase, a negated, imitated or substituted term, a gemstone's code word.
CLEARING_RULES = frozenset(
    (
        "innocent_phrase",
        "negated_term",
        "imitation_term",
        "substitute_term",
        "unrelated_term",
        "simile_term",
        "shape_term",
        "head_term",
        "part_term",
        "brand_term",
        "homonym",
        "bred_term",
        "accessory_term",
        "creature_term",
        "plant_term",
        "shop_term",
        "everyday_goods",
        "ordinary_product",
    )
)


@dataclass(frozen=True, slots=True)
class Hit:
    """A watchlist term found in a listing; ``start:end`` index the original field text."""

    term: str
    category: str
    field: str
    start: int
    end: int
    matched: str
    rule: str
    mechanism: str = "term"
    source: str | None = None
    reading: str | None = None  # a homophone's toneless pinyin (xiong zhang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "category": self.category,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "matched": self.matched,
            "rule": self.rule,
            "mechanism": self.mechanism,
            **({"source": self.source} if self.source else {}),
            **({"reading": self.reading} if self.reading else {}),
        }


# How a hit came about: a watchlist term as written, an alias found in a dictionary, a spelling generated from
# a term (pinyin, initials, homophone table, emoji, traditional or full-width forms), a spelling that reads
# like a term (:mod:`.homophones`), or the trade pattern.
# the end of the provenance of a form that scripts/build_wildlife_watchlist.py cut from a name of the list
GENERATED_FROM_LIST = "(national list)"
# the start of the provenance of a trade name of a listed species that the build script writes from its table
TRADE_NAME_SOURCE = "trade name of "
# the patterns that are mechanisms of their own, each named by its rule (the other patterns are trade patterns):
# a new one is added here alone
OWN_PATTERNS = ("goods_pattern", "function_pattern", "calibre_pattern", "diagnostic_trait", "remedy_pattern")
MECHANISMS = ("term", "dictionary_alias", "generated_variant", "homophone", "trade_pattern", *OWN_PATTERNS)
_GENERATED_RULES = frozenset(
    ("pinyin", "initials", "capitals", "variant", "emoji", "digits", "numerals", "shorthand", *SHAPE_RULES)
)
# the rules of a term found in disguise: a spelling generated from it or read like it
DISGUISED_RULES = _GENERATED_RULES | {"homophone"}
_OWN_PATTERN_RULES = frozenset(OWN_PATTERNS)
PATTERN_RULES = frozenset(("trade_pattern", "concealed_goods", "evaded_goods", "trait_pattern", *OWN_PATTERNS))


def has_emoji(text: str) -> bool:
    return any(ord(c) >= FIRST_PICTOGRAPH for c in text)


def mechanism(rule: str, source: str | None, matched: str) -> str:
    if rule in _OWN_PATTERN_RULES:
        return rule
    if rule in PATTERN_RULES:
        return "trade_pattern"
    if rule == "homophone":
        return "homophone"
    if rule in _GENERATED_RULES or has_emoji(matched):
        return "generated_variant"
    if source:
        # a short form cut from a name of the national list by rule, a trade name of a listed species (a watchlist
        # term with its attestation), or an alias found in a dictionary
        if source.endswith(GENERATED_FROM_LIST):
            return "generated_variant"
        return "term" if source.startswith(TRADE_NAME_SOURCE) else "dictionary_alias"
    return "term"


@dataclass
class ScoreResult:
    score: int
    is_lead: bool
    family: str | None
    category: str | None
    categories: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    # title and description as scored (normalised); not part of the result, saves the model folding them again
    folded: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "is_lead": self.is_lead,
            "family": self.family,
            "category": self.category,
            "categories": list(self.categories),
            # map, not a comprehension: most listings have neither, and a comprehension is a call of its own
            "hits": list(map(Hit.to_dict, self.hits)),
            "rules": list(map(dict, self.rules)),
        }

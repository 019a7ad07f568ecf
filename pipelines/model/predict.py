"""Scoring with the bureau's model: a probability per listing, and how it combines with the rules' score.

The model is a linear classifier stored as plain weights (see :mod:`pipelines.model.registry`), so scoring
needs neither scikit-learn nor anything that could run code from the model file. Its n-grams are found in one
Aho-Corasick pass over the normalised text (the sweep scores every listing, and looking up each of a
listing's ~800 n-grams in Python costs more than the rules). The rules stay in charge:
the model can lift a listing the rules scored below the threshold into a lead, and lower a rule lead's
queue priority (``leads.priority``), but never takes a rule lead away.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import ahocorasick_rs

from pipelines.model.features import fold_fields, rule_features
from pipelines.scoring.fold_text import Normaliser
from pipelines.scoring.scorer import CLEARING_RULES

# How many n-grams the explanation names.
EXPLAINED_NGRAMS = 3


@dataclass(frozen=True, slots=True)
class Prediction:
    probability: float
    ngrams: list[str]  # the n-grams that pushed the probability most, in the direction it went


class Model:
    """A trained model in memory: n-gram weights, rule-feature weights, intercept, and what it was trained on.

    Single characters are looked up as a set (most matches are single characters, and one set intersection
    in C is cheaper than a match each); longer n-grams are found by one Aho-Corasick pass. Those are numbered by
    weight, strongest first (ties by the n-gram, as ``(weight, n-gram)`` tuples sort), so the n-grams that
    pushed a probability most are the lowest or highest numbers found.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.version = int(data["version"])
        self.intercept = float(data["intercept"])
        self.ngram_weights: dict[str, float] = {str(k): float(v) for k, v in data["ngram_weights"].items() if v}
        self.rule_weights: dict[str, float] = {str(k): float(v) for k, v in data["rule_weights"].items()}
        self.normaliser = Normaliser()
        self._singles = {gram: weight for gram, weight in self.ngram_weights.items() if len(gram) == 1}
        self._single_set = frozenset(self._singles)
        ranked = sorted(((w, g) for g, w in self.ngram_weights.items() if len(g) > 1), reverse=True)
        self._grams = [gram for _, gram in ranked]
        self._weights = [weight for weight, _ in ranked]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self._grams, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self._grams
            else None
        )

    def predict(
        self, listing: Mapping[str, Any], rules: Mapping[str, Any], folded: tuple[str, str] | None = None
    ) -> Prediction:
        """The probability that officers would confirm this listing, given the rules' result for it;
        ``folded`` is its normalised title and description when the scorer has them (``ScoreResult.folded``)."""
        title, description = folded or fold_fields(self.normaliser, listing)
        singles = self._singles
        chars = self._single_set.intersection(title + description)
        # a newline is never part of a normalised text, so no n-gram spans the two fields
        matches = (
            self._automaton.find_matches_as_indexes(title + "\n" + description, overlapping=True)
            if self._automaton is not None
            else ()
        )
        found = set(map(_FIRST, matches))  # each n-gram counts once, however often it occurs
        logit = self.intercept + sum(map(self._weights.__getitem__, found)) + sum(map(singles.__getitem__, chars))
        rule_weights = self.rule_weights
        for name, value in rule_features(rules, listing.get("price")).items():
            weight = rule_weights.get(name)
            if weight:
                logit += weight * value
        probability = 1 / (1 + math.exp(-max(-50.0, min(50.0, logit))))
        named = EXPLAINED_NGRAMS * 3
        up = probability >= 0.5
        if found:
            ordered = sorted(found)
            grams = self._grams
            strongest = [grams[index] for index in (ordered[:named] if up else ordered[: -named - 1 : -1])]
        else:  # single characters say little to an officer: named only when no longer n-gram is found
            pairs = [(singles[char], char) for char in chars]
            strongest = [gram for _, gram in (heapq.nlargest if up else heapq.nsmallest)(named, pairs)]
        return Prediction(probability, _distinct(strongest))


_FIRST = itemgetter(0)


def _distinct(grams: Any) -> list[str]:
    """The first few n-grams, skipping one that lies inside an n-gram already named (象 inside 象牙)."""
    chosen: list[str] = []
    for gram in grams:
        if any(gram in other or other in gram for other in chosen):
            continue
        chosen.append(gram)
        if len(chosen) == EXPLAINED_NGRAMS:
            break
    return chosen


def is_combined_lead(rule_lead: bool, probability: float, lift_probability: float, *, cleared: bool = False) -> bool:
    """A rule lead stays a lead; the model adds the listings it is sure enough of, except those the rules
    cleared by reading them (a gemstone's 红料, 不含穿山甲, 仿犀角): there the words the model learned from
    leads are known to mean something else."""
    return rule_lead or (probability >= lift_probability and not cleared)


def cleared_by_rules(result: Mapping[str, Any]) -> bool:
    """Whether the rules' explanation says a term hit means something else here."""
    return any(rule.get("rule") in CLEARING_RULES for rule in result.get("rules", ()))


def combine(
    result: dict[str, Any],
    model: Model | None,
    listing: Mapping[str, Any],
    *,
    threshold: int,
    lift_probability: float,
    folded: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The rules' result (``ScoreResult.to_dict()``) with the model's opinion added; unchanged without a model.

    With a model: ``model`` holds version, probability and the n-grams behind it, and the explanation gets a
    ``model`` line. A listing below the threshold whose probability reaches ``lift_probability`` becomes a
    lead with the threshold's score; a rule lead stays a lead whatever the model says.
    """
    if model is None:
        return result
    prediction = model.predict(listing, result, folded)
    probability = round(prediction.probability, 4)
    lifted = not result["is_lead"] and is_combined_lead(
        False, probability, lift_probability, cleared=cleared_by_rules(result)
    )
    points = max(0, threshold - int(result["score"])) if lifted else 0
    result["model"] = {
        "version": model.version,
        "probability": probability,
        "ngrams": prediction.ngrams,
        "lifted": lifted,
    }
    result["rules"].append(
        {
            "rule": "model",
            "version": model.version,
            "probability": probability,
            "ngrams": prediction.ngrams,
            "lifted": lifted,
            "points": points,
        }
    )
    if lifted:
        result["score"] = int(result["score"]) + points
        result["is_lead"] = True
    return result


class ScoreCombiner:
    """What a scorer's caller holds: the model in use (or None) and the configured lift probability."""

    def __init__(self, model: Model | None, lift_probability: float) -> None:
        self.model = model
        self.lift_probability = lift_probability

    def __call__(
        self,
        result: dict[str, Any],
        listing: Mapping[str, Any],
        *,
        threshold: int,
        folded: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        return combine(
            result, self.model, listing, threshold=threshold, lift_probability=self.lift_probability, folded=folded
        )

"""Scoring with the bureau's model: a probability per listing, and how it combines with the rules' score.

The model is a linear classifier stored as plain weights (see :mod:`pipelines.model.registry`), with the words of
its meaning classes (:mod:`pipelines.model.meaning`), so scoring needs neither scikit-learn, nor the dictionary,
nor anything that could run code from the model file. Its n-grams are found in the
normalised text by compiled code (the sweep scores every listing, and looking up each of a listing's n-grams in
Python costs a large share of what the rules cost): an Aho-Corasick automaton over the title for a model of the
title alone (:class:`TitleIndex`), one walk of a trie over title and description for an older model of both
(:mod:`pipelines.model.ngram_index`). The rules stay in charge: the model can lift a listing the rules scored
below the threshold into a lead, and lower a rule lead's queue priority (``leads.priority``), but never takes a
rule lead away.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import ahocorasick_rs

from pipelines.model.features import (
    FIELD_SEPARATOR,
    PRICE_BAND_NAMES,
    PRICE_BANDS,
    Unweighed,
    fold_fields,
    has_chinese,
    ngrams,
    price_band,
    rule_features,
    title_only,
)
from pipelines.model.meaning import MeaningWeights
from pipelines.scoring.fold_text import Normaliser
from pipelines.scoring.hits import CLEARING_RULES
from pipelines.scoring.shown import TRADE_PATTERN_CATEGORY, WILDLIFE_PREFIX

# How many n-grams the explanation names.
EXPLAINED_NGRAMS = 3


class Prediction(NamedTuple):  # a tuple: built for every listing scored, cheaper than a frozen dataclass
    probability: float
    ngrams: list[str]  # the n-grams that pushed the probability most, in the direction it went


class _Index(Protocol):
    def find(self, text: str) -> tuple[float, Any]: ...


class TitleIndex:
    """A model's n-grams found in a title by an Aho-Corasick automaton (compiled code): a title holds two or three
    of a model's n-grams, so the automaton's matches, one tuple each, are few, and one call finds them all. Looking
    the title's n-grams up in a dict, a slice and a look-up at every place, cost twice as much; the compiled walk
    of :class:`NgramIndex` (which pays for a title and description together) needs numba, slow to import when a
    sweep or `tradewatch score` starts."""

    def __init__(self, grams: Sequence[str], weights: Sequence[float]) -> None:
        if not all(grams) or len(grams) != len(weights):
            raise ValueError("one weight for each n-gram, and no empty n-gram")
        self._weights = list(weights)
        self._matches = (
            ahocorasick_rs.AhoCorasick(grams, matchkind=ahocorasick_rs.MatchKind.Standard).find_matches_as_indexes
            if grams
            else None
        )

    def find(self, text: str) -> tuple[float, list[int]]:
        """The sum of the weights of the n-grams that occur in ``text`` (normalised: no lone surrogates), each
        once, and their numbers, ascending."""
        if self._matches is None:
            return 0, []
        matches = self._matches(text, overlapping=True)  # (number, start, end) of each occurrence
        if not matches:
            return 0, []
        if len(matches) == 1:
            number = matches[0][0]
            return 0 + self._weights[number], [number]  # what the loop below makes of one weight
        # sorted in place and added up in a loop: a title's few matches cost less so than through a set, a sorted
        # copy and sum(); the weights are added in ascending order of their numbers, from 0
        matches.sort()
        weights = self._weights
        total: float = 0
        ordered: list[int] = []
        last = -1
        for number, _start, _end in matches:
            if number != last:
                ordered.append(number)
                total += weights[number]
                last = number
        return total, ordered


class Model:
    """A trained model in memory: n-gram weights, rule-feature weights, intercept, and what it was trained on.

    The n-grams are numbered by weight, strongest first (ties by the n-gram, as ``(weight, n-gram)`` tuples
    sort), those of two or more characters before single characters, so that the n-grams that pushed a
    probability most are the lowest or highest numbers found; which of them overlap is worked out once here,
    not for every explanation.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.version = int(data["version"])
        self.intercept = float(data["intercept"])
        self.ngram_weights: dict[str, float] = {str(k): float(v) for k, v in data["ngram_weights"].items() if v and k}
        self.rule_weights: dict[str, float] = {str(k): float(v) for k, v in data["rule_weights"].items()}
        # what a result without a fired rule (most listings) adds to the logit: its score, and its price band
        self._score_weight = self.rule_weights.get("rule:score")
        self._band_weights = {band: self.rule_weights.get(band) for band in PRICE_BAND_NAMES}
        # the weight of a finite, non-negative float price's band, by ``bisect_right(PRICE_BANDS, price)``
        self._float_band_weights = [self._band_weights[band] for band in PRICE_BAND_NAMES[1:]]
        self.normaliser = Normaliser()
        longer = sorted(((w, g) for g, w in self.ngram_weights.items() if len(g) > 1), reverse=True)
        singles = sorted(((w, g) for g, w in self.ngram_weights.items() if len(g) == 1), reverse=True)
        self._grams = [gram for _, gram in longer + singles]
        self._longer = len(longer)
        self._overlaps = _overlaps(self._grams[: self._longer])
        # the seed shipped with tradewatch (learnt from the evaluation set's dev part), not a bureau's own
        self.is_seed = bool(data.get("seed"))
        self.title_only = title_only(data.get("parameters"))
        # the words cut from a title before its n-grams are looked up, as in training (features.UNWEIGHED_LIST)
        self._unweighed = Unweighed((data.get("parameters") or {}).get("unweighed") or ())
        weights = [weight for weight, _ in longer + singles]
        self._index: _Index
        if self.title_only:
            self._index = TitleIndex(self._grams, weights)
        else:  # title and description: the compiled walk (numpy and numba, imported only for such a model)
            from pipelines.model.ngram_index import NgramIndex

            self._index = NgramIndex(self._grams, weights)
        # normalised title -> what its n-grams give (see _title_entry), for a model of the title alone
        self._by_title: dict[str, list[Any]] = {}
        # the classes of words a model reads besides n-grams (pipelines.model.meaning); none in older models
        meaning = data.get("meaning")
        self._meaning = MeaningWeights(meaning) if meaning else None
        categories = data.get("categories") or {}
        self.category_intercepts = {str(c): float(b) for c, b in (categories.get("intercepts") or {}).items()}
        self._category_data: Mapping[str, Mapping[str, float]] = categories.get("ngram_weights") or {}
        self._category_weights: dict[str, list[tuple[str, float]]] | None = None  # built when first asked

    def predict(
        self, listing: Mapping[str, Any], rules: Mapping[str, Any], folded: tuple[str, str] | None = None
    ) -> Prediction:
        """The probability that officers would confirm this listing, given the rules' result for it;
        ``folded`` is its normalised title and description when the scorer has them (``ScoreResult.folded``)."""
        return Prediction(*self._predict(listing, rules, folded))

    def _predict(
        self, listing: Mapping[str, Any], rules: Mapping[str, Any], folded: tuple[str, str] | None
    ) -> tuple[float, list[str]]:
        """What ``predict`` says, as a plain tuple: ``combine`` runs for every listing a sweep scores, and making
        a named tuple calls its ``__new__`` in Python."""
        title, description = folded or fold_fields(self.normaliser, listing)
        # each n-gram counts once, however often it occurs; none spans the two fields
        entry: list[Any] | None
        if self.title_only:
            # what a title's n-grams give is kept per distinct title: listings of a sweep share titles
            entry = self._by_title.get(title)
            if entry is None:
                entry = self._title_entry(title)
            logit = entry[0]
        else:
            entry = None
            ngram_logit, numbers = self._index.find(title + FIELD_SEPARATOR + description)
            found = numbers.tolist()
            logit = self.intercept + ngram_logit
            meaning = self._meaning
            if meaning is not None:
                logit += meaning.logit(title)
        if rules.get("rules"):
            rule_weights = self.rule_weights
            for name, value in rule_features(rules, listing.get("price")).items():
                weight = rule_weights.get(name)
                if weight:
                    logit += weight * value
        else:  # the two features rule_features gives a result without rules, added in its order, without a dict
            weight = self._score_weight
            if weight:
                logit += weight * (int(rules.get("score") or 0) / 100)
            price = listing.get("price")
            # a price as the crawl stores it (a float) finds its band without price_band's type checks: a float
            # is finite and not negative exactly when it lies in [0, inf) (NaN compares false)
            if type(price) is float and 0.0 <= price < _INFINITY:
                weight = self._float_band_weights[bisect_right(PRICE_BANDS, price)]
            else:
                weight = self._band_weights[price_band(price)]
            if weight:
                logit += weight  # times the band's value, 1.0
        # the logit bounded to [-50, 50] (so that exp cannot overflow), by comparisons: cheaper than min and max
        if logit > 50.0:
            logit = 50.0
        elif logit < -50.0:
            logit = -50.0
        probability = 1 / (1 + math.exp(-logit))
        up = probability >= 0.5
        if entry is None:
            return probability, self._named(found, up)
        # the n-grams named for this title in the direction the probability went, worked out once per direction
        names = entry[1] if up else entry[2]
        if names is None:
            names = self._named(entry[3], up)
            entry[1 if up else 2] = names
        return probability, list(names)  # a copy: the result's owner may change its list

    def forget_titles(self) -> None:
        """Empty the per-title table, so that the next listings are scored as titles never seen: what a sweep of
        new listings costs (the scoring benchmark measures both)."""
        self._by_title.clear()

    def _title_entry(self, title: str) -> list[Any]:
        """``[intercept + the weights of the title's n-grams and meaning features, names if up, names if down, the
        n-grams' numbers]`` for a normalised title, the names left None until asked; kept in ``_by_title``, emptied
        when full."""
        by_title = self._by_title
        if len(by_title) >= _TITLES_KEPT:
            by_title.clear()
        ngram_logit, found = self._index.find(self._unweighed.cut(title))
        meaning = self._meaning
        if meaning is not None:
            ngram_logit += meaning.logit(title)
        entry: list[Any] = [self.intercept + ngram_logit, None, None, found]
        by_title[title] = entry
        return entry

    def _named(self, found: list[int], up: bool) -> list[str]:
        """The n-grams an explanation names, of those found (their numbers, ascending), for a probability that
        went up (``up``) or down."""
        longer = bisect_left(found, self._longer)  # how many of those found have two or more characters
        if longer == 1:  # what _explain makes of one n-gram, without the call
            return [self._grams[found[0]]]
        if longer:
            return self._explain(found[:longer], up=up)
        # single characters say little to an officer: named only when no longer n-gram is found (and as they
        # never lie inside one another, the strongest three are named)
        named = found[:EXPLAINED_NGRAMS] if up else found[: -EXPLAINED_NGRAMS - 1 : -1]
        return [self._grams[number] for number in named]

    def category(self, folded: tuple[str, str]) -> str | None:
        """The category the per-category weights give a listing (normalised title and description), or None
        for a model trained without categories. Asked only for a listing the model lifts, so it stays in Python."""
        if not self.category_intercepts:
            return None
        scores = dict(self.category_intercepts)
        table = self._category_weights
        if table is None:  # n-gram -> (category, weight): a listing's n-grams are looked up once for all
            table = self._category_weights = {}
            for category, weights in self._category_data.items():
                for gram, weight in weights.items():
                    table.setdefault(str(gram), []).append((str(category), float(weight)))
        for gram in ngrams(*folded):
            for category, weight in table.get(gram, ()):
                scores[category] += weight
        return max(sorted(scores), key=scores.__getitem__)

    def _explain(self, found: list[int], *, up: bool) -> list[str]:
        """The strongest n-grams found (their numbers, ascending) in the direction the probability went,
        skipping one that lies inside an n-gram already named (象 inside 象牙)."""
        candidates = found[:_CANDIDATES] if up else found[: -_CANDIDATES - 1 : -1]
        grams = self._grams
        if len(candidates) == 1:  # most titles hold one or two of a model's longer n-grams
            return [grams[candidates[0]]]
        overlaps = self._overlaps
        chosen: list[int] = []
        names: list[str] = []
        for index in candidates:
            # looked up in the few named so far: an n-gram inside many others would make a union costly
            for named in chosen:
                if index in overlaps.get(named, _NONE):
                    break
            else:
                chosen.append(index)
                names.append(grams[index])
                if len(chosen) == EXPLAINED_NGRAMS:
                    break
        return names


_INFINITY = math.inf
# How many distinct titles a model keeps what their n-grams give for (a few hundred bytes each).
_TITLES_KEPT = 1 << 15
# How many of the strongest n-grams found are looked at to name EXPLAINED_NGRAMS that do not overlap.
_CANDIDATES = EXPLAINED_NGRAMS * 3
_NONE: frozenset[int] = frozenset()


def _overlaps(grams: list[str]) -> dict[int, set[int]]:
    """For each n-gram (by its number), the numbers of the n-grams that lie inside it or contain it."""
    number = {gram: index for index, gram in enumerate(grams)}
    pairs: dict[int, set[int]] = {}
    for index, gram in enumerate(grams):
        for size in range(1, len(gram)):
            for start in range(len(gram) - size + 1):
                inside = number.get(gram[start : start + size])
                if inside is not None:
                    pairs.setdefault(index, set()).add(inside)
                    pairs.setdefault(inside, set()).add(index)
    return pairs


def round_4(probability: float) -> float:
    """``round(probability, 4)``, exactly, for a probability (0 to 1): the built-in formats the number as text
    and reads it back, a twentieth of what the model costs a listing. Four decimals are the multiple of 1/10,000
    nearest to 10,000 times the probability, halves to even; the product, rounded to a double, is within 1e-12
    of the exact one, so only a product that near a half could round the other way: that is left to the
    built-in. The quotient by 10,000 is the double nearest to the decimal, as the built-in's reading is."""
    scaled = probability * 10000.0
    whole = round(scaled)
    if abs(abs(scaled - whole) - 0.5) < 1e-9:
        return round(probability, 4)
    return whole / 10000


def is_combined_lead(
    rule_lead: bool, probability: float, lift_probability: float, *, cleared: bool = False, chinese: bool = True
) -> bool:
    """A rule lead stays a lead; the model adds the listings it is sure enough of, except those the rules
    cleared by reading them (a gemstone's 红料, 不含穿山甲, 仿犀角): there the words the model learned from
    leads are known to mean something else; and except titles without Chinese (see ``lift_allowed``)."""
    return rule_lead or (probability >= lift_probability and not cleared and chinese)


def lift_allowed(title: str) -> bool:
    """Whether a model may lift a listing with this normalised title: one with a Chinese character. The
    labelled listings written in English are nearly all offences (79 of the dev part's 84), so a model learns
    English itself as a sign of one and lifted ordinary English titles (a used bicycle, at 0.9); the rules
    still read English listings."""
    return has_chinese(title)


def named_by_talk_alone(result: Mapping[str, Any]) -> bool:
    """Whether the rules filed a listing under its category on the trade talk alone (a part or form word: 胆,
    爪子, 活体), no name of an animal: the talk of every animal's goods files under the catch-all wildlife
    category, where the seed, which learnt from the labelled leads which animal such talk sells (大家伙 的 胆 is
    a bear's, 大蛇 活体 a live reptile), names it better. Measured on the dev part's cross-validation (lifted at
    0.9): the model's category for these leads is right for 22 the rules filed wrongly, wrong for 15 they filed
    rightly."""
    category = result.get("category")
    hits = [hit for hit in result.get("hits", ()) if hit.get("category") == category]
    return bool(hits) and all(hit.get("rule") == "trade_pattern" for hit in hits)


def cleared_by_rules(result: Mapping[str, Any]) -> bool:
    """Whether the rules' explanation says a term hit means something else here."""
    return any(rule.get("rule") in CLEARING_RULES for rule in result.get("rules", ()))


def vetoes_lift(result: Mapping[str, Any], *categories: str | None) -> bool:
    """Whether the rules' explanation clears a term hit in a category a lift could file the listing under
    (``categories``: the rules' own and the model's). A clearing says what a word means in its own category only
    (点火器, an igniter, holds the firearm's 火器: no weapon, and still a fireworks lead's igniter beside 礼花弹), so it
    vetoes a lift into that category (不含象牙: not ivory, whatever weak pattern the rules read elsewhere); with no
    category known, any clearing vetoes."""
    cleared = {rule.get("category") for rule in result.get("rules", ()) if rule.get("rule") in CLEARING_RULES}
    if not cleared:
        return False
    known = [category for category in categories if category is not None]
    return not known or None in cleared or not cleared.isdisjoint(known)


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
    lead with the threshold's score, and, where the rules gave it no category, the model's category (the
    ``model`` line then says ``category_from_model``); a rule lead stays a lead whatever the model says, and
    takes the model's category only where the rules filed it under the catch-all wildlife category on trade
    talk alone (``named_by_talk_alone``).
    """
    return ScoreCombiner(model, lift_probability)(result, listing, threshold=threshold, folded=folded)


class ScoreCombiner:
    """What a scorer's caller holds: the model in use (or None) and the configured lift probability; called for
    every listing a sweep scores, so :func:`combine`'s work is done here, without a second call."""

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
        """See :func:`combine`."""
        model = self.model
        if model is None:
            return result
        lift_probability = self.lift_probability
        exact, names = model._predict(listing, result, folded)
        probability = round_4(exact)
        # the rules' explanation is read for a clearing only where the probability could lift the listing, and
        # the model's category is asked only where a clearing may veto the lift
        lifted = (
            not result["is_lead"]
            and probability >= lift_probability
            and is_combined_lead(
                False,
                probability,
                lift_probability,
                cleared=cleared_by_rules(result)
                and vetoes_lift(
                    result, result.get("category"), model.category(folded or fold_fields(model.normaliser, listing))
                ),
                chinese=lift_allowed((folded or fold_fields(model.normaliser, listing))[0]),
            )
        )
        points = max(0, threshold - int(result["score"])) if lifted else 0
        version, seed = model.version, model.is_seed
        opinion = {"version": version, "seed": seed, "probability": probability, "ngrams": names, "lifted": lifted}
        # the same keys after "rule", written out: cheaper than unpacking the opinion for every listing
        line: dict[str, Any] = {
            "rule": "model",
            "version": version,
            "seed": seed,
            "probability": probability,
            "ngrams": names,
            "lifted": lifted,
            "points": points,
        }
        if lifted:
            result["score"] = int(result["score"]) + points
            result["is_lead"] = True
        told = result.get("category") if result["is_lead"] else None
        if (lifted and not told) or (told == TRADE_PATTERN_CATEGORY and named_by_talk_alone(result)):
            category = model.category(folded or fold_fields(model.normaliser, listing))
            if category is not None and category != told and (not told or category.startswith(WILDLIFE_PREFIX)):
                result["category"] = category
                result["family"] = category.split(".", 1)[0]
                result["categories"] = [category, *(c for c in result.get("categories", ()) if c != category)]
                line["category"] = category
                line["category_from_model"] = True
        result["model"] = opinion
        result["rules"].append(line)
        return result

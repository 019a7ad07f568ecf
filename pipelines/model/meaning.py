"""What a listing's title is about, as classes of words rather than its letters: features of the bureau's model
that carry over to words it never saw.

An n-gram weighs only where the labelled listings wrote it, so a species or part named otherwise is blank to the
model. Two sources put a word in a class:

* **concepts** (``concepts.json``, built from CC-CEDICT by ``scripts/build_model_concepts.py``): a word whose
  English sense is an animal part (胆 "gall bladder", 獠牙 "tusk"), a named taxon, a weapon, a plant, food, a gem,
  a tool … Each class found and each pair of classes is a feature (an animal beside a part is not an animal
  beside a tool).
* **talk** (the watchlists' signal lists, as the scorer folds them): wild provenance, animal parts, live forms,
  capture, papers, farmed or bred animals, imitation and substitutes, and each kind of innocence, ungated: the
  rules read such talk only beside a term they know, the model reads it always. A class stands for the whole
  list, so the model learns what wild provenance as such says, not a seller's phrase.

The title alone is read, as for n-grams (features.py). Measured on the dev part's cross-validation (five folds;
2,925 of 3,034 leads found without these features, 40 false alarms): read in the title, 2,931 and 41; read in the
description too (its concepts apart, talk with the title's), 2,933 and 40, but a scan of every description cost
about 15 % more instructions per listing on titles never seen, where the title's classes are kept per title.

A model stores the words of each class it was trained with (``meaning.classes``) and a weight per feature, so
scoring needs neither the dictionary nor the watchlists, and a later change of either leaves it as trained.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ahocorasick_rs

if TYPE_CHECKING:
    from pipelines.scoring.watchlist import SignalSpec

CONCEPTS_FILE = Path(__file__).resolve().with_name("concepts.json")
MEANING_PREFIX = "meaning:"  # of every meaning feature's name
CONCEPT = "concept:"
TALK = "talk:"
INNOCENCE = "innocence:"
# The signal lists whose words are talk classes (see signals.yaml for what each holds); innocence counts by kind.
# The talk of the trade's manner (evasion, trade, commerce, concealment: 私聊, 懂的来, 老物件, 见面交易) is left
# to the rules, which read it beside a term: read in the description as classes of their own, they taught the
# model the sellers' style, as description n-grams had (features.py), and an enamel mug sold 懂的来 私聊 rose from
# 0.07 to 0.79 (0.66 without them).
# The verbs of gathering or bringing out (capture_verbs: 采, 收, 来, 捡, 捞, 下来) tell a capture only after a place of
# the wild, where the rules read them (signals.yaml); read anywhere in a title they are parts of other words (玄采 a
# phone's colour, 收纳, 新来的), and once the twenty-fourth blind batch's titles of gathered goods (野采, 山里来的,
# 戈壁捡的) weighed them at 1.53, a real phone of the saved search pages (nubia 小牛 … 玄采 … 5G拍照手机) rose to 0.917.
TALK_LISTS = (
    "wild_provenance",
    "animal_parts",
    "live_forms",
    "fresh_forms",
    "capture_places",
    "hunting_verbs",
    "papers",
    "farmed_animals",
    "bred_provenance",
    "pet_animals",
    "imitation_markers",
    "substitute_markers",
    "term_negations",
    "licence_papers",
)


@cache
def concepts() -> dict[str, list[str]]:
    """Concept class -> its dictionary words (``concepts.json``)."""
    data = json.loads(CONCEPTS_FILE.read_text(encoding="utf-8"))
    return {str(name): [str(w) for w in words] for name, words in data["classes"].items()}


def classes_for(signals: SignalSpec, fold: Callable[[str], str]) -> dict[str, list[str]]:
    """Every class a model learns from, with its words in the scorer's folded form: the concepts, and the talk of
    these signal lists (a bureau's additions to the watchlists included)."""
    lists: dict[str, list[str]] = {CONCEPT + name: list(words) for name, words in concepts().items()}
    for name in TALK_LISTS:
        lists[TALK + name] = [w for w in getattr(signals, name) if isinstance(w, str)]
    for kind, words in sorted(signals.innocence.items()):
        lists[TALK + INNOCENCE + kind] = list(words)
    folded = {name: sorted({f for w in words if (f := fold(w))}) for name, words in lists.items()}
    return {name: words for name, words in folded.items() if words}


# How many combinations of masks an index or a model keeps what they give for, emptied when full.
_KEPT = 1 << 14


class MeaningIndex:
    """The classes found in a text, by one Aho-Corasick automaton over every class's words (compiled code), as two
    bit masks: the concept classes and the talk classes."""

    def __init__(self, classes: Mapping[str, Sequence[str]]) -> None:
        self.concept_names = sorted(n.removeprefix(CONCEPT) for n in classes if n.startswith(CONCEPT))
        self.talk_names = sorted(n.removeprefix(TALK) for n in classes if n.startswith(TALK))
        bits: dict[str, list[int]] = {}
        for number, name in enumerate(self.concept_names):
            for word in classes[CONCEPT + name]:
                bits.setdefault(word, [0, 0])[0] |= 1 << number
        for number, name in enumerate(self.talk_names):
            for word in classes[TALK + name]:
                bits.setdefault(word, [0, 0])[1] |= 1 << number
        words = sorted(bits)
        self._concept_bits = [bits[w][0] for w in words]
        self._talk_bits = [bits[w][1] for w in words]
        self._matches = (
            ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard).find_matches_as_indexes
            if words
            else None
        )
        # (concepts, talk) -> feature names, worked out once per combination
        self._named: dict[tuple[int, int], list[str]] = {}

    def masks(self, text: str) -> tuple[int, int]:
        """The concept and talk classes of the words found in a normalised text, as bit masks."""
        if self._matches is None or not text:
            return 0, 0
        concept = talk = 0
        concept_bits, talk_bits = self._concept_bits, self._talk_bits
        for number, _start, _end in self._matches(text, overlapping=True):
            concept |= concept_bits[number]
            talk |= talk_bits[number]
        return concept, talk

    def names(self, masks: tuple[int, int]) -> list[str]:
        """The features of a title with these masks (each of value 1)."""
        named = self._named.get(masks)
        if named is None:
            if len(self._named) >= _KEPT:
                self._named.clear()
            named = self._named[masks] = self._name(*masks)
        return named

    def features(self, title: str) -> dict[str, float]:
        """The features of a normalised title."""
        return dict.fromkeys(self.names(self.masks(title)), 1.0)

    def _name(self, concept: int, talk: int) -> list[str]:
        found = _members(self.concept_names, concept)
        return [
            *(f"{MEANING_PREFIX}title:{name}" for name in found),
            *(f"{MEANING_PREFIX}title:{a}&{b}" for a, b in combinations(found, 2)),
            *(f"{MEANING_PREFIX}talk:{name}" for name in _members(self.talk_names, talk)),
        ]


def _members(names: Sequence[str], mask: int) -> list[str]:
    return [name for number, name in enumerate(names) if mask >> number & 1]


class MeaningWeights:
    """A model's meaning features at scoring time: its classes' index and what a title's classes add to the logit
    (worked out once per combination: titles share few)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.index = MeaningIndex(data["classes"])
        self.weights: dict[str, float] = {str(k): float(v) for k, v in data["weights"].items()}
        self._logits: dict[tuple[int, int], float] = {}

    def logit(self, title: str) -> float:
        """What a normalised title's classes add to the logit."""
        masks = self.index.masks(title)
        value = self._logits.get(masks)
        if value is None:
            if len(self._logits) >= _KEPT:
                self._logits.clear()
            weights = self.weights
            value = self._logits[masks] = sum(weights.get(name, 0.0) for name in self.index.names(masks))
        return value

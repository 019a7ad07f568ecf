"""What the bureau's model sees of a listing: character n-grams of its normalised text and the rules' verdict.

Training and scoring both go through these functions, so a model always sees listings the way it was taught.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import Any

import ahocorasick_rs

from pipelines.scoring.fold_text import Normaliser

NGRAM_SIZES = (1, 2, 3, 4)
# Which text a model's n-grams come from (recorded in the model's ``parameters``): the title alone. The labelled
# listings' descriptions hold the trade talk of leads (面交, 诚心要的, 私聊) that ordinary second-hand listings
# share, so n-grams of descriptions taught a model to lift a used iPad sold 同城面交; the description still
# speaks through the rules' features (evasion, trade, …). Models saved before this say nothing: both fields.
# Measured again on the dev part's cross-validation (five folds, three shuffles) with the 60-300 character
# descriptions: description n-grams as a space of their own, or merged with the title's, raise recall from 0.957
# by 0.4 to 1.4 points, but their heaviest weights are how the set's sellers write (私聊, 懂的, 面交, and 包邮,
# 支持, 可以 against), and the variants that gain more than 0.5 point lift an ordinary enamel mug, old photo or
# tea cake whose description says 懂的来 私聊 at 0.93-0.98. Keeping only description n-grams particular
# to one category's leads keeps those below 0.45 and gains nothing (0.958).
NGRAM_FIELDS = "title"
# Joins the normalised title and description into the one text scoring searches: it never belongs to a
# normalised text, so no n-gram holds it and none is found across the two fields.
FIELD_SEPARATOR = "\n"
# The signal list whose words weigh nothing in a model's n-grams: ``commerce`` (批发, 包邮, 正品, 一件代发 …), what
# every shop says of selling and delivery, never which goods it sells. The labelled leads' wholesale vapes and
# fireworks taught a model 批发 as a sign of an offence (weight 1.67 once the fifteenth batch joined), and with 手机
# and 充电 it lifted a real charging cable (typec充电线…数据线批发) at 0.956 with the rules silent. The words are cut
# from the title before its n-grams are taken, in training and scoring alike, and recorded in the model's
# ``parameters`` (``unweighed``), so a model scores as it was taught; the rules still read them.
UNWEIGHED_LIST = "commerce"
# Upper bounds of the price bands (CNY); a price above the last is the last band. A listing without a usable
# price has a band of its own, the first of PRICE_BAND_NAMES.
PRICE_BANDS = (10, 100, 1000, 10000)
PRICE_BAND_NAMES = ("price:none", *(f"price:<{bound}" for bound in PRICE_BANDS), f"price:>={PRICE_BANDS[-1]}")
# The band a model learns no weight for: a missing price. In the labelled set it is how the writers left leads (329
# of the 332 dev rows without a price are leads), never a trait of the goods, and a title read without its page (a
# search page, a background set) has none: with the twentieth batch's dev rows its weight rose to 2.14 and lifted
# real phones and charging cables (数据线…手机充电线) at 0.91 with the rules silent. Training leaves it out, so a
# model's missing price neither lifts nor lowers a listing.
UNWEIGHED_BAND = PRICE_BAND_NAMES[0]
# Rules whose firing the model learns a weight for (term rules are added as ``term:<kind>``).
SIGNAL_RULES = frozenset(
    (
        "evasion",
        "trade",
        "suspicious",
        "innocence",
        "product_form",
        "obfuscation",
        "corroboration",
        "code_word_overrides_innocence",
        "price_above_ordinary",
    )
)


def fold_fields(normaliser: Normaliser, listing: Mapping[str, Any]) -> tuple[str, str]:
    """Title and description in the scorer's canonical form (separators, traditional characters, case), read
    as the scorer reads them, so that ``ScoreResult.folded`` can stand in for this."""
    return normaliser.fold(_text(listing.get("title"))), normaliser.fold(_text(listing.get("description")))


def title_only(parameters: Mapping[str, Any] | None) -> bool:
    """Whether a model with these ``parameters`` reads n-grams of the title alone."""
    return (parameters or {}).get("ngram_fields") == "title"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def ngrams(*texts: str) -> set[str]:
    """Every character n-gram (sizes in NGRAM_SIZES) of each text; n-grams never span two texts."""
    grams: set[str] = set()
    for text in texts:
        length = len(text)
        for size in NGRAM_SIZES:
            grams.update(text[i : i + size] for i in range(length - size + 1))
    return grams


_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_chinese(text: str) -> bool:
    return _CHINESE.search(text) is not None


class Unweighed:
    """Cuts a model's unweighed words out of a normalised title: every character of each occurrence (overlapping
    ones too) becomes FIELD_SEPARATOR, so that no n-gram holds any part of one. Found by an Aho-Corasick automaton
    (compiled code); a title holds none of them as a rule, and is then returned as it is."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({word for word in words if word})
        self._matches = ahocorasick_rs.AhoCorasick(self.words).find_matches_as_indexes if self.words else None

    def cut(self, title: str) -> str:
        if self._matches is None:
            return title
        found = self._matches(title, overlapping=True)  # (number, start, end), in characters
        if not found:
            return title
        characters = list(title)
        for _number, start, end in found:
            characters[start:end] = FIELD_SEPARATOR * (end - start)
        return "".join(characters)


def title_ngrams(title: str) -> set[str]:
    """The n-grams a model learns from a normalised title: those holding a Chinese character. The labelled
    listings in English are nearly all offences (79 of the dev part's 84), so n-grams of Latin letters and digits
    taught a model that a headphone's model number (XBA-300AP) looks like a lead; the rules read those."""
    return {
        gram
        for gram in ngrams(title)
        if len(gram) > 1 and FIELD_SEPARATOR not in gram and _CHINESE.search(gram)  # none across a cut word
    }


def price_band(price: Any) -> str:
    if isinstance(price, bool) or not isinstance(price, (int, float)) or not math.isfinite(price) or price < 0:
        return PRICE_BAND_NAMES[0]
    return PRICE_BAND_NAMES[1 + bisect_right(PRICE_BANDS, price)]


def _rule_feature(kind: str) -> str | None:
    """The feature a fired rule of this kind sets, or None for a rule the model learns nothing from."""
    return f"rule:{kind}" if kind.startswith("term:") or kind in SIGNAL_RULES else None


# rule kind -> its feature (``_rule_feature``), filled as kinds are met: every listing scored passes here
_RULE_FEATURES: dict[str, str | None] = {}


def rule_features(result: Mapping[str, Any], price: Any) -> dict[str, float]:
    """The rules' verdict as named features: score, family scores, which rules fired, price band.

    Whether the score reached the threshold is left out on purpose: that step function would let the model
    copy the rules' decision instead of learning what the listings near it have in common.
    """
    features: dict[str, float] = {"rule:score": int(result.get("score") or 0) / 100, price_band(price): 1.0}
    rules = result.get("rules")
    if not rules:
        return features
    known = _RULE_FEATURES
    for rule in rules:
        kind = rule.get("rule", "")
        if kind == "category_score":
            family = str(rule.get("category", "")).split(".", 1)[0]
            key = f"score:{family}"
            features[key] = max(features.get(key, 0.0), int(rule.get("score") or 0) / 100)
            continue
        try:
            name = known[kind]
        except KeyError:
            name = known[kind] = _rule_feature(kind)
        if name is not None:
            features[name] = 1.0
    return features

"""A medicine told by what it cures, not by name: the remedy pattern.

Sellers of a protected animal's part sold as medicine often name neither the animal nor the part, only what the
medicine does (老料磨粉 凉血解毒定惊 按克出 of rhino horn; 通经下乳 消肿排脓 of pangolin scales). What each material
does is not a seller's word but the pharmacopoeia's: each wildlife category lists, as ``remedies``, the actions its
monograph gives (清热凉血, 解毒定惊). A four-character action is two actions of two characters (清热 + 凉血), and
the pattern reads those: an action (清热, 解毒) is shared by many materials, legal herbs among them, so

* the listing must show two actions or more (written anywhere, in any order) of which one wildlife category lists
  more than any other: an action two categories list counts for both (清热 明目 is bear bile's, which lists both,
  not saiga horn's or rhino horn's, which list one each), and a tie names none (清热解毒 of a herbal tea);
* that category must list every action the listing shows: a material's seller repeats its monograph, where a
  herb's claims wander across several (活血 凉血 解毒 of saffron are pangolin's, musk's and rhino horn's);
* and the goods sold by the gram: at a price per gram far above herbs' (10克一瓶 3200), or, where the listing
  gives no weight, by weight (按克, 论两); with another kind of corroboration beside it: evasion or concealment
  talk, wild provenance, dealer talk, or a look-alike denied (不是水牛角, 非替代品). A herbalist's listing says
  what the herb does too (菊花 清热解毒 清肝明目), in dealer talk as well (批发 私聊), but sells it by the packet
  or the jin, for cents a gram.

An innocence word of the category (水牛角 of rhino horn, 膏药 of musk) still lowers the hit like any other, and a
listing that names its goods (a term set aside, a namesake) is left to its name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .clauses import whole_words_across_spaces
from .payloads import FieldView, Signal, TermRef

# characters of one action in a monograph's list (清热凉血 is 清热 and 凉血)
ACTION_LENGTH = 2
# actions of one category a listing must show
REMEDY_MIN = 2
# kinds of corroboration a listing must show beside them, the sale by the gram among them
_SUPPORT_MIN = 2
# grams per unit of weight a medicine is sold by (克, the old 两 and 钱 of Chinese herbalists)
_GRAMS = {"克": 1.0, "g": 1.0, "两": 50.0, "钱": 5.0}
# yuan per gram above which the price itself corroborates: dried herbs sell for cents a gram, the protected
# materials of the list for tens to hundreds of yuan
PRICE_PER_GRAM_MIN = 10.0
# a count of a weight unit (50克, 10g, 二两) and a sale by weight (按克, 论两, 克价)
_NUMERALS = {
    "一": 1.0, "二": 2.0, "两": 2.0, "三": 3.0, "四": 4.0, "五": 5.0, "六": 6.0, "七": 7.0, "八": 8.0, "九": 9.0,
    "十": 10.0, "半": 0.5,
}  # fmt: skip
_WEIGHED = re.compile(
    f"([0-9]+(?:\\.[0-9]+)?|[{''.join(_NUMERALS)}])\\s*({'|'.join(_GRAMS)})(?![a-zA-Z])", re.IGNORECASE
)
_BY_WEIGHT = re.compile("(?:按|论|每)(?:克|两|钱)|克价")


def actions(remedy: str) -> list[str]:
    """The actions of a monograph's phrase (清热凉血 -> 清热, 凉血), each of ACTION_LENGTH characters."""
    if len(remedy) % ACTION_LENGTH:
        return [remedy]
    return [remedy[i : i + ACTION_LENGTH] for i in range(0, len(remedy), ACTION_LENGTH)]


def _grams(count: str, unit: str) -> float | None:
    amount = float(count) if count[0].isdigit() else _NUMERALS[count]
    return amount * _GRAMS[unit.lower()] if amount > 0 else None


def price_per_gram(texts: Iterable[str], price: float | None) -> float | None:
    """The listing's price per gram: its price over the first weight it gives (10克一瓶 3200 -> 320)."""
    if price is None or price <= 0:
        return None
    for text in texts:
        for match in _WEIGHED.finditer(text):
            grams = _grams(match.group(1), match.group(2))
            if grams:
                return price / grams
    return None


def sold_by_weight(views: Iterable[FieldView], price: float | None) -> str | None:
    """How the listing sells a medicine as the protected materials are sold: at a price per gram far above herbs'
    (``"320/g"``), or, where no price per gram can be told, by weight (按克, 论两). None if neither: a herb's price
    per gram, given, is not outdone by 按克."""
    texts = [view.norm.original for view in views]
    per_gram = price_per_gram(texts, price)
    if per_gram is None:
        return next((m.group() for text in texts for m in [_BY_WEIGHT.search(text)] if m), None)
    return f"{per_gram:.0f}/g" if per_gram >= PRICE_PER_GRAM_MIN else None


class Remedies:
    """The remedy pattern (see the module's doc), over the signals the scan found: ``remedy`` signals, one per
    category that lists the action."""

    def __init__(self, weights: Mapping[str, float], lookalike_denial: re.Pattern[str] | None) -> None:
        self.weights = weights
        self._lookalike_denial = lookalike_denial

    def remedy_pattern(
        self,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        views: list[FieldView],
        price: float | None,
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        shown: dict[str, dict[str, tuple[FieldView, int, int]]] = {}
        support: dict[str, str] = {}
        for signals, view, start, end in signal_places:
            for sig in signals:
                kind = sig.kind
                if kind == "remedy" and sig.category is not None:
                    shown.setdefault(sig.category, {}).setdefault(sig.word, (view, start, end))
                elif (
                    kind in ("evasion", "conceal", "provenance", "trade")
                    and sig.word not in support.values()  # 野外: a word of two kinds is one corroboration
                    and whole_words_across_spaces(view.norm.original, *view.span(start, end))
                ):
                    support.setdefault("talk" if kind in ("evasion", "conceal") else kind, sig.word)
        if not shown:
            return None
        counts = sorted(((len(words), cid) for cid, words in shown.items()), reverse=True)
        most, category = counts[0]
        if most < REMEDY_MIN or (len(counts) > 1 and counts[1][0] == most):
            return None
        if any(word not in shown[category] for words in shown.values() for word in words):
            return None  # a herb's claims wander across monographs (活血 凉血 解毒 of saffron): one material's do not
        weighed = sold_by_weight(views, price)
        if weighed is None:
            return None  # sold by the packet or the jin, as herbs are
        support["price"] = weighed
        pattern = self._lookalike_denial
        denied = None if pattern is None else next(filter(None, (pattern.search(v.norm.text) for v in views)), None)
        if denied is not None:
            support["denied"] = denied.group()
        if len(support) < _SUPPORT_MIN:
            return None
        words = shown[category]
        # the hit stands at the first action the listing shows, weighed as a trade pattern is
        word, (view, start, end) = min(words.items(), key=lambda item: (item[1][0].offset, item[1][1]))
        hit = (TermRef(category, word, "remedy_pattern", self.weights["trade_pattern"], False, False, False), view)
        told = {"actions": sorted(words), "support": sorted(support.values())}
        return (*hit, start, end, *view.span(start, end)), {
            "rule": "remedy_pattern_context", "category": category, **told, "points": 0
        }  # fmt: skip

"""Which one category's goods a listing shows most of, by its traits and product forms (通乳 鳞片 of pangolin
scales), and which words are a category's traits at all: how the patterns that read goods no term names choose
their category."""

from __future__ import annotations

from collections.abc import Iterable

from core.categories import WILDLIFE

from .payloads import FieldView, Signal

# A listing that names no known species but sells an animal part or a live animal (胆, 鞭, 头骨, 幼崽) of wild
# provenance (刚下山, 野生) with evasion talk (不走物流, 见面交易) is scored under this category.
TRADE_PATTERN_CATEGORY = "wildlife.other"
# a trait or product form that more categories than this share (活体, 手串, 同城) tells none of them apart
TRAIT_SPREAD_MAX = 2
# the wildlife family: its traits always need the talk, and its bred animals may be legal goods
WILDLIFE_PREFIX = WILDLIFE + "."
# the family whose goods may be sold by their trade alone (大家伙 全套 散件 自己装 懂的来)
GOODS_FAMILY = "prohibited."


class ShownGoods:
    """Built once per scorer: the words of delivery and sale every shop uses (``commerce``), and how many categories
    list each trait or product form (``trait_spread``)."""

    def __init__(self, commerce: frozenset[str], trait_spread: dict[str, int]) -> None:
        self._commerce = commerce
        self._trait_spread = trait_spread

    def shown_category(
        self,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        family: str = "",
        minimum: float = 2,
        need_trait: bool = False,
        counted: Iterable[tuple[str, str]] = (),
        commerce_fallback: bool = True,
        functions: bool = False,
    ) -> tuple[str | None, list[str]]:
        """The one category (of ``family`` if given) whose goods the listing shows most of, and the words shown:
        its traits (``suspicious`` words: 通乳, 马蹄底) count 2, its product forms (鳞片, 角料) 1, and a word that
        more than TRAIT_SPREAD_MAX categories share (活体, 手串) a quarter of that; it needs ``minimum`` points
        (with a trait among them if ``need_trait``), and a tie names none. ``counted`` adds (category, unit) forms
        read after a count (36发); words of delivery and sale (``commerce``: 发货, 快递) count for a category without
        a word of its own only where those of the others name none, and never without ``commerce_fallback``.
        A function (``functions``: 隐藏, 上天) is not counted: one alone would decide a category, where the function
        pattern asks for company; with ``functions`` (the caller has that company, a concealment phrase) it counts
        as a trait (5.5口径 of pellets sent as 渔具铅坠)."""
        shown: dict[str, dict[str, int]] = {}
        commerce = self._commerce
        for signals, _view, _start, _end in signal_places:
            for sig in signals:
                if (
                    sig.category is not None
                    and (
                        sig.kind in ("suspicious", "form")
                        # what the goods pass for (外观就是个手电) is the concealment again, not the goods
                        or (functions and sig.kind == "function" and sig.label != "appearance")
                    )
                    and sig.category.startswith(family)
                    and sig.category != TRADE_PATTERN_CATEGORY  # its traits tell provenance, not the animal
                ):
                    words = shown.setdefault(sig.category, {})
                    words[sig.word] = words.get(sig.word, 0) | (1 if sig.kind == "form" else 2)
        for category_id, word in counted:
            if category_id.startswith(family):
                words = shown.setdefault(category_id, {})
                words[word] = words.get(word, 0) | 1
        # words of delivery and sale (发货, 快递) are traits of fireworks, which may not be posted, but every
        # listing uses them: they count for a category only beside a word of its own, or where that names none
        telling = {cid for cid, words in shown.items() if any(w not in commerce for w in words)}
        if not commerce_fallback:
            return self._most_shown(
                {cid: {w: v for w, v in shown[cid].items() if w not in commerce} for cid in telling},
                minimum,
                need_trait,
            )
        if telling and len(telling) < len(shown):
            best = self._most_shown({cid: shown[cid] for cid in telling}, minimum, need_trait)
            if best[0] is not None:
                return best
        return self._most_shown(shown, minimum, need_trait)

    def _most_shown(
        self, shown: dict[str, dict[str, int]], minimum: float, need_trait: bool
    ) -> tuple[str | None, list[str]]:
        """The one category of ``shown`` (its words, 2 for a trait, 1 for a product form) with the most points."""
        if not shown:
            return None, []
        spread = self._trait_spread
        points = {
            cid: sum(v if spread.get(w, 0) <= TRAIT_SPREAD_MAX else v / 4 for w, v in words.items())
            for cid, words in shown.items()
        }
        most = max(points.values())
        best = [cid for cid, value in points.items() if value == most]
        if most < minimum or len(best) != 1 or (need_trait and not any(v & 2 for v in shown[best[0]].values())):
            return None, []
        return best[0], sorted(shown[best[0]])

    def is_trait(self, sig: Signal) -> bool:
        """A word that tells one category's goods apart by what they are or do (通乳 of pangolin scales, 远程看
        of a hidden camera): a ``suspicious`` word of that category alone, and no word every shop uses for delivery
        and sale (快递, 顺丰, 批发), which would make frozen dumplings fireworks."""
        return (
            sig.kind == "suspicious"
            and sig.category is not None
            and sig.category != TRADE_PATTERN_CATEGORY  # its traits tell provenance, not the animal
            and self._trait_spread.get(sig.word) == 1
            and sig.word not in self._commerce
        )

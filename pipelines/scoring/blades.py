"""Everyday cutting goods a title names (菜刀, 剔骨刀, 厨师刀, 剪刀, 剃须刀): the dictionary's words for them, or a
knife character after a word that names a use of an everyday knife (厨 "kitchen", 骨 "bone", 水果 "fruit"). A
prohibited category's traits (开刃, 锋利) then describe those goods, not a controlled knife, unless the listing
frames them as a means of defence (防身) or evades a ban on them (不走快递, 没有手续)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .fold_text import is_cjk
from .payloads import FieldView, Signal


class EverydayBlades:
    """The dictionary's everyday cutting goods (``signals.blade_goods``), knife characters, the uses of an
    everyday knife, the words of defence, and what a ban is evaded by (ban holders, papers), all folded."""

    def __init__(
        self,
        goods: Iterable[str],
        characters: Iterable[str],
        uses: Iterable[str],
        defence: Iterable[str],
        ban_words: Iterable[str],
    ) -> None:
        self._goods = tuple(sorted({g for g in goods if g}, key=len, reverse=True))
        self._characters = frozenset(c for c in characters if c)
        self._uses = frozenset(u for u in uses if u)
        self._longest_use = max(map(len, self._uses), default=0)
        self._defence = tuple(d for d in defence if d)
        self._ban_words = tuple(w for w in ban_words if w)

    def named(self, view: FieldView) -> str | None:
        """The everyday cutting goods the text names: a dictionary word for them, or a knife character right
        after a word of an everyday use (厨刀, 剔骨刀); None if it names none."""
        text = view.norm.text
        for word in self._goods:
            if word in text:
                return word
        for at, char in enumerate(text):
            if char not in self._characters:
                continue
            for length in range(min(self._longest_use, at), 0, -1):
                if text[at - length : at] in self._uses:
                    # the whole word as written (杀猪刀, not 猪刀)
                    original = view.norm.original
                    o_start, o_end = view.span(at - length, at + 1)
                    while o_start > 0 and is_cjk(original[o_start - 1]):
                        o_start -= 1
                    return original[o_start:o_end]
        return None

    def set_aside(
        self,
        views: list[FieldView],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        category: str,
    ) -> dict[str, Any] | None:
        """The rule that sets aside a pattern of ``category``'s traits where the title names everyday cutting goods
        and the listing neither frames them as a means of defence nor evades a ban (an evasion word naming a ban's
        holder or papers: 不走快递, 没有手续); None where it does not hold."""
        title = next((view for view in views if view.name == "title"), None)
        if title is None:
            return None
        goods = self.named(title)
        if goods is None:
            return None
        if any(word in view.norm.text for view in views for word in self._defence):
            return None
        for signals, _view, _start, _end in signal_places:
            for sig in signals:
                if sig.kind == "evasion" and any(word in sig.word for word in self._ban_words):
                    return None
        return {"rule": "everyday_goods", "category": category, "goods": goods, "field": "title", "points": 0}

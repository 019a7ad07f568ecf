"""Other goods named after an animal or its part, by the dictionary word that ends their name: a plant (虎掌菌 "tiger's
paw" mushroom, 麝香百合 the musk lily: a wildlife term joined, at most two characters apart, to a word that names a
plant, a fungus or a fruit) or a cage (画眉笼: the animal's name joined to a word for a cage)."""

from __future__ import annotations

from collections.abc import Iterable

from .fold_text import is_cjk
from .payloads import FieldView


class JoinedHeads:
    """Head words of the dictionary (``signals.plant_heads``, folded) and how many characters may stand between a
    term and one (掌 in 虎掌菌)."""

    def __init__(self, heads: Iterable[str], gap: int) -> None:
        self._heads = frozenset(h for h in heads if h)
        self._firsts = frozenset(h[0] for h in self._heads)
        self._longest = max(map(len, self._heads), default=0)
        self._gap = gap

    @property
    def firsts(self) -> frozenset[str]:
        """The characters a head starts with."""
        return self._firsts

    def named(self, view: FieldView, start: int, end: int) -> str | None:
        """The name of other goods a term at ``start:end`` begins (虎掌菌), where a head ends the word at most
        ``gap`` characters after it; None otherwise (虎皮 整张, 花纹 in 虎皮花纹 is no word's end)."""
        text = view.norm.text
        firsts = self._firsts
        # most terms have no head's first character after them: nothing to look up
        if firsts.isdisjoint(text[end : end + self._gap + 1]):
            return None
        original = view.norm.original
        size = len(text)
        o_start, o_end = view.span(start, end)
        # a name written across a space (野生 鸟笼) joins a head with its last word only (鸟笼: a cage)
        written = original[o_start:o_end]
        o_start += next((len(written) - i for i, c in enumerate(reversed(written)) if c.isspace()), 0)
        for gap in range(self._gap + 1):
            at = end + gap
            if at >= size:
                return None
            if text[at] not in firsts:
                continue
            for length in range(min(self._longest, size - at), 0, -1):
                stop = at + length
                if text[at:stop] not in self._heads:
                    continue
                # one word in the listing as written: no space or mark inside it, none of its characters after it
                o_stop = view.span(at, stop)[1]
                if all(map(is_cjk, original[o_start:o_stop])) and (
                    o_stop >= len(original) or not is_cjk(original[o_stop])
                ):
                    return text[start:stop]
        return None

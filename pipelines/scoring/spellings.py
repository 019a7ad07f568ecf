"""Spellings generated from a term, so that no one has to type them into a watchlist.

A seller who dodges a keyword filter writes the term's pinyin (xiangya, xiang牙, XY). Each spelling says how
much of the listing it needs beside it: a watchlist name or product spelt out in pinyin is plain enough alone,
but a species of the national list in pinyin (huamei) could be anything, so it counts only together with a
product form or trade talk, and two capitals of a species not at all. Homophones are read from the listing's
sound instead (:mod:`.homophones`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from .fold_text import emoji_names, pinyin_forms, pinyin_initials

# what a spelling needs in the listing: nothing, a product form of its category or trade/evasion talk, or a
# product form of its category (which also tells XY for 象牙 beside 手镯 from XY for 香烟)
Needs = Literal["", "context", "forms"]

_MIN_PINYIN = 5  # letters of a full-pinyin spelling (shorter ones, like "xiong", are ordinary syllables)


@dataclass(frozen=True, slots=True)
class Spelling:
    text: str
    rule: str  # pinyin (full or mixed), initials, or emoji
    needs: Needs


def pinyin_spellings(names: list[str], *, plain: bool) -> list[Spelling]:
    """The pinyin spellings of a term's folded names. ``plain`` names (watchlist names and products) stand
    alone in full pinyin; the rest (species) need a product form or trade talk."""
    out: list[Spelling] = []
    loose: Needs = "" if plain else "context"
    for name in names:
        for form in pinyin_forms(name):
            if len(form) >= _MIN_PINYIN or not form.isascii():
                out.append(Spelling(form, "pinyin", loose))
        initials = pinyin_initials(name)
        if len(initials) >= 3:
            out.append(Spelling(initials, "initials", loose))
        elif len(initials) == 2 and plain:
            # two capitals are too short to mean anything alone; those of a species (ML for 麋鹿 is also the
            # sizes M, L) not even beside a product form
            out.append(Spelling(initials, "initials", "forms"))
    return list(dict.fromkeys(out))


@cache
def _emoji_endings() -> dict[str, list[str]]:
    """Animal emoji names by each ending they may share with a name (熊猫 under 猫)."""
    endings: dict[str, list[str]] = {}
    for word in sorted(set(emoji_names().values())):
        for cut in range(1, len(word)):
            endings.setdefault(word[cut:], []).append(word)
    return endings


def emoji_spellings(names: list[str]) -> list[Spelling]:
    """A name whose end an animal emoji draws over the character before it: 小熊🐼 for 小熊猫 reads 小熊熊猫
    once folded (🐼 is 熊猫). An emoji that only completes a name (🦏角) needs nothing here: folded, it is the
    name. These count beside a product form or trade talk."""
    out: list[Spelling] = []
    endings = _emoji_endings()
    for name in names:
        for cut in range(1, len(name)):
            head, tail = name[:cut], name[cut:]
            for word in endings.get(tail, ()):
                if head.endswith(word[: len(word) - len(tail)]):
                    out.append(Spelling(head + word, "emoji", "context"))
    return list(dict.fromkeys(out))

"""Spellings generated from a term, so that no one has to type them into a watchlist.

A seller who dodges a keyword filter writes the term's pinyin (xiangya, xiang牙, XY, cs甲). Each spelling says how
much of the listing it needs beside it: a watchlist name or product spelt out in pinyin is plain enough alone,
but a species of the national list in pinyin (huamei) could be anything, so it counts only together with a
product form or trade talk, and two capitals of a species not at all. Homophones are read from the listing's
sound instead (:mod:`.homophones`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Literal

from .fold_text import emoji_names, pinyin_forms, pinyin_initials, syllables

# what a spelling needs in the listing: nothing, a product form of its category or trade/evasion talk, a
# product form of its category (which also tells XY for 象牙 beside 手镯 from XY for 香烟), or, for capitals
# that could stand for anything (RH, ＨＭ), a product form of two or more characters and (checked as the listing
# is scored) trade, evasion or wild-provenance talk
Needs = Literal["", "context", "forms", "goods_and_talk"]

_MIN_PINYIN = 5  # letters of a full-pinyin spelling (shorter ones, like "xiong", are ordinary syllables)
_ONE_SPELT_FROM = 4  # characters from which a name is written with one of them as its pinyin (代开fa票)
_TWO_SPELT_UPTO = 6  # characters up to which a name is also written with two of them as their pinyin (代kai发piao)
_ONE_INITIAL_FROM = 3  # characters from which a name is written with one of them as its initial (百c枯)


@dataclass(frozen=True, slots=True)
class Spelling:
    text: str
    rule: str  # pinyin (full or mixed), initials, capitals, emoji, digits or numerals
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
        if plain:
            out += [Spelling(form, "pinyin", "") for form in one_spelt(name)]
            # one character of three or more written as its initial (百c枯, 百草k): beside a product form
            out += [Spelling(form, "initials", "forms") for form in one_initial(name)]
        else:
            # a species' name of four characters or more with one of them in pinyin (中华雀mei, 红颈绿啄木niao), which
            # the mixes of a shorter name (猕hou) do not reach: beside a product form or trade talk, as its pinyin
            out += [Spelling(form, "pinyin", "context") for form in one_spelt(name)]
        initials = pinyin_initials(name)
        if len(initials) >= 3:
            out.append(Spelling(initials, "initials", loose))
            # the initials of the name's first or last two characters with the rest written out (圆鼻JX for
            # 圆鼻巨蜥, cs甲 for 穿山甲): beside a product form or trade talk
            out.append(Spelling(initials[:2] + name[2:], "initials", "context"))
            out.append(Spelling(name[:-2] + initials[-2:], "initials", "context"))
        elif len(initials) == 2:
            # two capitals are too short to mean anything alone; those of a species (ML for 麋鹿 is also the
            # sizes M, L) only as capitals beside the goods and the talk of their trade (ＨＭ 幼鸟 野山货)
            out.append(
                Spelling(initials, "initials", "forms") if plain else Spelling(initials, "capitals", "goods_and_talk")
            )
            if plain and len(name) == 2:
                # a two-character name with one character for its initial (Q支 for 枪支): beside a product form
                out.append(Spelling(initials[0] + name[1], "initials", "forms"))
                out.append(Spelling(name[0] + initials[1], "initials", "forms"))
    return list(dict.fromkeys(out))


def code_word_spellings(word: str) -> list[str]:
    """The full pinyin of a folded code word (liubing of 溜冰) long enough not to be an ordinary syllable; mixed forms
    (liu冰) are left out: half a code word is too short a word to tell anything."""
    return [form for form in pinyin_forms(word, mixed=False) if len(form) >= _MIN_PINYIN]


def one_spelt(name: str) -> list[str]:
    """A name of _ONE_SPELT_FROM characters or more with one of them written as its pinyin (代开fa票, 增值税专用fa票)
    and, up to _TWO_SPELT_UPTO characters, with two (代kai发piao, zhen孔she像头): the characters a keyword filter is
    dodged on, the rest left as typed. The characters left are at least half the name, as plain as the name itself;
    a shorter name has its every mix of pinyin and characters (:func:`.pinyin_forms`)."""
    if len(name) < _ONE_SPELT_FROM:
        return []
    reading = syllables(name)
    if not reading:
        return []
    out = [name[:at] + syllable + name[at + 1 :] for at, syllable in enumerate(reading)]
    if len(name) <= _TWO_SPELT_UPTO:
        for first, second in combinations(range(len(name)), 2):
            out.append(name[:first] + reading[first] + name[first + 1 : second] + reading[second] + name[second + 1 :])
    return out


def one_initial(name: str) -> list[str]:
    """A name of _ONE_INITIAL_FROM characters or more with one of them written as its pinyin initial (百c枯, 百草k):
    too short to stand alone, as two initials are, it counts beside a product form of its category."""
    if len(name) < _ONE_INITIAL_FROM:
        return []
    initials = pinyin_initials(name)
    if len(initials) != len(name):
        return []
    return [name[:at] + initial + name[at + 1 :] for at, initial in enumerate(initials)]


_DIGITS = str.maketrans("〇零一二两三四五六七八九", "001223456789")
# a number read out digit by digit: 〇 or 零 for nought, never 两 (a count, not a digit)
_NUMERALS = ("〇一二三四五六七八九", "零一二三四五六七八九")
_CODE_DIGITS_FROM = 3  # digits from which a number is a code (3911), not a count or size (36, 2mg)


def digit_spellings(names: list[str], *, plain: bool) -> list[Spelling]:
    """A name with a numeral in it written with Arabic digits, as sellers and input methods do (2踢脚 for 二踢脚, 424
    for 四二四). Only names of three or more characters: a shorter one (二胡) leaves a digit and one character that
    could be anything. ``plain`` as for pinyin."""
    out: list[Spelling] = []
    for name in names:
        digits = name.translate(_DIGITS)
        if digits != name and len(name) >= 3:
            out.append(Spelling(digits, "digits", "" if plain else "context"))
    return list(dict.fromkeys(out))


def numeral_spellings(names: list[str]) -> list[Spelling]:
    """A name that is a number of _CODE_DIGITS_FROM digits or more (3911 of phorate, 1605 of parathion) written
    digit by digit in Chinese numerals (三九一一, 一六〇五), as it is said aloud and as a seller writes it to keep the
    number out of a search. It needs what the number needs: a number alone could be anything."""
    out: list[Spelling] = []
    for name in names:
        if len(name) >= _CODE_DIGITS_FROM and name.isascii() and name.isdigit():
            out += [Spelling("".join(table[int(d)] for d in name), "numerals", "") for table in _NUMERALS]
    return list(dict.fromkeys(out))


def english_capitals(english: list[str]) -> list[Spelling]:
    """The initials of a term's English names of two or more words (RH for rhino horn, HH for helmeted hornbill),
    as sellers write them to keep the name out of a listing. Capitals that short stand for anything (RH is a blood
    group too), so they count only as capitals beside the goods and the talk of their trade."""
    out: list[Spelling] = []
    for name in english:
        words = re.findall(r"[A-Za-z]+", name)
        if len(words) >= 2:
            out.append(Spelling("".join(word[0] for word in words).lower(), "capitals", "goods_and_talk"))
    return list(dict.fromkeys(out))


# English plurals that are no regular ending (tiger teeth, wolves, butterfly knives) and the British spellings of
# American ones (driver licence, tranquiliser dart): rules of the language, applied to every English name
_IRREGULAR_PLURALS = {"tooth": "teeth", "foot": "feet", "goose": "geese", "mouse": "mice", "louse": "lice"}
_BRITISH = ((re.compile(r"(?<=[cf])ense\b"), "ence"), (re.compile(r"(?<=[a-z])iz(?=e|ation)"), "is"))


def english_forms(name: str, uncountable: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """An English name as listed, its plural and its British spelling (``driver license``: ``driver licenses``,
    ``driver licence``, ``driver licences``): a seller writes the goods in the plural (passports, ID cards,
    pangolin scales) and in the spelling of his school, and a listed name must find them. The plural is made on the
    last word by the rules of English (y to ies, s/x/ch/sh to es, f/fe to ves, tooth to teeth); a name that ends
    in s is left as it is (cannabis, cigarettes), and so is one whose plural is another word (``uncountable``:
    weeds of a garden)."""
    forms = [name, *_unhyphenated(name)]
    british = name
    for pattern, replacement in _BRITISH:
        british = pattern.sub(replacement, british)
    if british != name:
        forms.append(british)
    if name.lower() not in uncountable:
        forms += [plural for form in list(forms) if (plural := _plural(form))]
    return tuple(dict.fromkeys(forms))


# a word of two parts joined by a hyphen (bottle-nosed, blue-cheeked): its parts, and a compound adjective in -ed
_HYPHENED = re.compile(r"\b([A-Za-z]+)-([A-Za-z]+)\b")
_VOWELS = re.compile(r"[aeiou]+")


def _unhyphenated(name: str) -> list[str]:
    """A name whose word is written with a hyphen (``bottle-nosed dolphin``) as sellers write it too: joined
    (``bottlenosed dolphin``), spaced (``bottle nosed dolphin``) and, for a compound adjective in -ed, as the noun
    it is made of, hyphened or joined (``bottle-nose dolphin``, ``bottlenose dolphin``): rules of English spelling,
    for every English name."""
    if not _HYPHENED.search(name):
        return []
    forms = [_HYPHENED.sub(r"\1\2", name), _HYPHENED.sub(r"\1 \2", name)]

    def noun(match: re.Match[str]) -> str:
        second = match.group(2)
        stem = _ed_stem(second) if second.lower().endswith("ed") and len(second) > 4 else second
        return f"{match.group(1)}-{stem}"

    hyphened = _HYPHENED.sub(noun, name)
    forms += [hyphened, hyphened.replace("-", "")]
    return list(dict.fromkeys(f for f in forms if f != name))


def _ed_stem(word: str) -> str:
    """The noun an adjective in -ed is made of, by the rules of English spelling: ``nosed`` nose, ``cheeked``
    cheek, ``spotted`` spot, ``bellied`` belly (a doubled last consonant is one, ``i`` was ``y``, and a word of one
    syllable that ends in a single vowel and a consonant lost its silent ``e``)."""
    stem = word[:-2]
    lower = stem.lower()
    if lower.endswith("i"):
        return stem[:-1] + "y"
    if len(lower) >= 2 and lower[-1] == lower[-2] and lower[-1] not in "aeiouls":
        return stem[:-1]
    if lower[-1] in "aeiou":
        return stem + "e"
    one_syllable = len(_VOWELS.findall(lower)) == 1
    if (
        one_syllable
        and lower[-1] not in "wxy"
        and lower[-2:-1] in tuple("aeiou")
        and lower[-3:-2] not in tuple("aeiou")
    ):
        return stem + "e"
    return stem


def _plural(name: str) -> str | None:
    head, _sep, last = name.rpartition(" ")
    lower = last.lower()
    if not lower.replace("-", "").isalpha() or lower.endswith("s") or len(lower) < 3:
        return None
    if lower in _IRREGULAR_PLURALS:
        plural = _IRREGULAR_PLURALS[lower]
    elif lower.endswith(("x", "z", "ch", "sh")):
        plural = last + "es"
    elif lower.endswith("y") and lower[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif lower.endswith("fe"):
        plural = last[:-2] + "ves"
    elif lower.endswith(("lf", "af", "rf")):
        plural = last[:-1] + "ves"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


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

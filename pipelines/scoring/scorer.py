"""The scorer: 0-100 per listing from watchlist hits in title and description, and their context.

How a listing is scored (every step that changes the score is reported in ``rules``):

1. Title and description are normalised (:mod:`.fold_text`) and scanned once for every pattern: match
   terms and their spellings, innocent phrases, context signals.
2. A term hit inside an innocent phrase (象牙白, 虎皮鹦鹉, 老虎钳) or a book title (《象牙塔》) is dropped, so is
   a term that needs context (``requires``) when none of its context words is in the listing, and a term
   hit that starts inside an earlier hit of another category and runs past it (牙雕 in 鲸牙雕件: read left
   to right, the listing says 鲸牙), or a hit inside a longer hit of another category (犀鸟 in 盔犀鸟).
3. Per category: the best hit gives ``weight x field factor x category severity``; other distinct terms of
   the category add a little (corroboration); a product form (手镯, 鳞片, 活体, or 皮/骨/牙 right after a
   species name) adds; evasion and trade talk (私聊, 加V, 懂的来, 老货, 包老) and category-scoped
   suspicious words add, capped; a price above the category's ordinary-goods range adds. A best hit
   written to dodge a keyword filter (pinyin, a homophone, traditional characters, separators between its
   characters: 象*牙, 灰 鹦) is itself evasion and adds ``obfuscation``.
4. Innocence signals (imitation material, toy, colour, food, plant, book, media, virtual goods, shapes)
   subtract per kind, capped, from every hit except code words: 白色塑料 stays ivory code even though 塑料
   is an imitation material. A signal that lies inside a term hit (仿真 in 仿真枪, 塑料 in 白色塑料) or a
   neutral phrase (玻璃眼 of a specimen), or that is negated (不是树脂, 没有人工), does not count; a
   category may ignore kinds that say nothing about its goods (a live animal that eats fruit).
5. A term hit right after a negation (不含穿山甲), an imitation marker (仿犀角) or a substitute marker (代替犀角),
   or right before one (熊胆替代品), is dropped: the listing says the goods are not the thing.
6. With no term hit, an animal part or live animal of wild provenance sold with evasion talk
   (刚下山 野生 胆 见面交易) is a ``trade_pattern`` hit of ``wildlife.other``, or of the one wildlife category
   whose trait (its ``suspicious`` words) and product form the listing shows (通乳 鳞片), scored like a term.
   Goods described by what they are or do rather than named (偷听 对方不知情 of a hidden recorder) are a
   ``trait_pattern`` hit: two traits of one category with such talk, or three of one prohibited category.
   One diagnostic trait of a wildlife category (交叉纹 of ivory, 毛发纤维 of rhino horn: its ``traits``) with a
   product form of that category, wild provenance, evasion or the denial of a look-alike (不是牛角, 非塑料, 非猫非狗)
   is a ``diagnostic_trait`` hit of that category.
7. The listing's score is its best category's; ``categories`` lists all categories hit, best first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path
from typing import Any

from core.categories import WILDLIFE

from . import built
from .fold_text import (
    Normaliser,
    NormText,
    emoji_names,
    is_cjk,
    save_pinyin_cache,
    syllables,
)
from .homophones import FREE_SPELLING, ReadingFinder, build_table, usable
from .matcher import Matcher, build_matcher
from .shapes import creature_characters, shape_spellings
from .spellings import digit_spellings, emoji_spellings, english_capitals, pinyin_spellings
from .watchlist import WILD_ONLY_NOTE, Category, TermSpec, Watchlists, expand_paths, load_watchlists

FIELDS = ("title", "description", "image_text")  # image_text: the text read in the listing's photos (OCR)

DEFAULT_WEIGHTS: dict[str, float] = {
    "title_factor": 1.0,
    "description_factor": 0.9,
    "image_text_factor": 0.9,
    "corroboration": 5,
    "corroboration_cap": 10,
    "form": 12,
    "evasion": 12,
    "trade": 8,
    "suspicious": 10,
    "signals_cap": 30,
    "price": 10,
    "innocence": 35,
    "innocence_cap": 70,
    "pinyin_factor": 0.9,
    "initials_factor": 0.7,
    "homophone_factor": 0.9,
    "shape_factor": 0.9,
    "obfuscation": 10,
    "trade_pattern": 55,
    "lookalike_denial": 10,
    "concealed_goods": 55,
    "concealment": 12,
    "term_negation_gap": 2,
}
# A listing that names no known species but sells an animal part or a live animal (胆, 鞭, 头骨, 幼崽) of wild
# provenance (刚下山, 野生) with evasion talk (不走物流, 见面交易) is scored under this category.
TRADE_PATTERN_CATEGORY = "wildlife.other"
_SHAPE_RULES = frozenset(("split", "lookalike"))  # a character written by its parts (:mod:`.shapes`)
_OBFUSCATED_RULES = frozenset(("pinyin", "variant", "homophone", "emoji", *_SHAPE_RULES))
# Explanation rules that say a term hit means something else in this listing (what a learned model must not
# overrule): a namesake phrase, a negated, imitated or substituted term, a gemstone's code word.
CLEARING_RULES = frozenset(
    (
        "innocent_phrase",
        "negated_term",
        "imitation_term",
        "substitute_term",
        "simile_term",
        "shape_term",
        "head_term",
        "part_term",
        "brand_term",
        "homonym",
        "bred_term",
        "accessory_term",
        "creature_term",
    )
)
# rules that say a title's term names other goods (a brand, motif or part of them): the description's terms of
# the same family then describe those goods too (:meth:`Scorer._namesake_described`)
_NAMESAKE_RULES = frozenset(("innocent_phrase", "head_term", "part_term", "brand_term"))

# a trait or product form that more categories than this share (活体, 手串, 同城) tells none of them apart
_TRAIT_SPREAD_MAX = 2
# goods that say which term a word reading like one stands for (带帽 梳子, 带帽 手镯), if this many categories or
# fewer sell them (not 手串, 标本, 活体)
_HOMOPHONE_GOODS_SPREAD_MAX = 3
# characters (folded) a denial may reach across to the look-alike it denies (不是家养的猪)
_DENIAL_GAP = 3
# traits of one wildlife category alone a listing must show for the trait pattern
_TRAIT_PATTERN_MIN = 2
# traits of one category alone that describe its goods well enough without any evasion or trade talk
_TRAIT_PATTERN_ALONE = 3
# the wildlife family: its traits always need the talk, and its bred animals may be legal goods
_WILDLIFE_PREFIX = WILDLIFE + "."
# characters that may stand between a name and a code word that names its part (海龟背甲片: 背)
_OWNED_PART_GAP = 1
# the patterns that read an animal from what a listing shows of it, where goods of another kind may show the same
_DESCRIBED_PATTERNS = frozenset(("trait_pattern_context", "trade_pattern_context"))
# the family whose goods may be sold by their trade alone (大家伙 全套 散件 自己装 懂的来), with the points of its
# product forms and traits (:meth:`Scorer._shown_category`) such a listing must show
_GOODS_FAMILY = "prohibited."
_GOODS_PATTERN_MIN = 3
# words of one prohibited category (its functions, traits and product forms), a function among them, a listing
# must show for the function pattern with evasion or trade talk; without the talk, this many must be functions or
# traits, and one of them a trait or a further word beside them (:meth:`Scorer._function_pattern`)
_FUNCTION_PATTERN_WORDS = 2
# a count right before a one-character unit of a category's goods (36发, 100响, 一桶): the unit is a product form
_COUNTED = "0-9一二两三四五六七八九十百千几"
# a negation that says what the goods are made of (不含虎骨) holds for the term wherever else the listing names it
# (虎骨贴); 不是 and 没有 may be said of one thing among others (没有猛犸 but 非料)
_COMPOSITION_DENIAL = "不含"
# characters that end a negation's reach toward a term (不是树脂的犀角 does not negate 犀角)
_GAP_STOPS = frozenset("是的了")
# how far (folded characters) a negation reaches across a noun phrase to an innocence word, and the words of
# contrast that end its reach (不是象牙是树脂 says 树脂)
_NEGATION_REACH = 8
_NEGATION_STOPS = frozenset("是的但而却就")
# characters a shape word may reach across to the goods it shapes (蜡烛造型的冷烟花)
_SHAPE_REACH = 2
# Chinese characters of the same clause between a term and the head noun of the goods it names (穿山甲 管道疏通机);
# Latin letters and digits between them (Rhino 8 建模教程) are a model or version and do not count
_HEAD_REACH = 2
_HEAD_SPAN = 8
# a Latin brand of letters joined by a hyphen right beside a term (SK-II 神仙水); a model with digits (AK-47) is
# no brand here
_BRAND_BEFORE = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z]{2,}-[A-Za-z]+\s?$")
_BRAND_AFTER = re.compile(r"\s?[A-Za-z]{2,}-[A-Za-z]+(?![A-Za-z0-9-])")
# innocence clearings that make the word a cover for the whole listing
# how many characters an innocence word may stand after a cover marker and still be the cover (包装写 婚庆 道具)
_COVER_REACH = 6
# how far after a media word a refusal and a verb of showing are read for (照片 不方便发)
_WITHHELD_REACH = 7
_COVER_RULES = frozenset(("innocence_cover", "innocence_revealed", "innocence_made_into"))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# what may stand right before a one-character part (野生的胆, 带皮带骨) and right after it (胆粉) in a word of its own
_PART_AFTER = "的带"
_PART_BEFORE = "粉"
# what may end the word before a form of a live animal (刚下山的 活的, 是活的)
_WORD_ENDS = "的是刚都还也"
_WILD_KIND = "野"  # before a farmed animal's name, its wild kind (野兔, 野鸭)
_COUNTS = frozenset("0123456789一二两三四五六七八九十半整")  # what may follow a part's name: 皮一张, 骨两副
# characters that separate the items of a list: a term read across one (白、粉 in 黑、白、粉) is two words
_LIST_SEPARATORS = re.compile("[、/／]")
# a count and a classifier of animals (一只, 两条, 三头): Chinese counts animals with these measure words
_COUNTED_ANIMALS = re.compile(f"[{_COUNTED}][只条头]")
_COUNT_REACH = 6  # folded characters after a species name within which a count of animals offers it
_BOOK_TITLE = re.compile(r"《[^《》]{0,60}》|〈[^〈〉]{0,60}〉")


@dataclass(frozen=True, slots=True)
class Hit:
    """A watchlist term found in a listing; ``start:end`` index the original field text."""

    term: str
    category: str
    field: str
    start: int
    end: int
    matched: str
    rule: str
    mechanism: str = "term"
    source: str | None = None
    reading: str | None = None  # a homophone's toneless pinyin (xiong zhang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "category": self.category,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "matched": self.matched,
            "rule": self.rule,
            "mechanism": self.mechanism,
            **({"source": self.source} if self.source else {}),
            **({"reading": self.reading} if self.reading else {}),
        }


# How a hit came about: a watchlist term as written, an alias found in a dictionary, a spelling generated from
# a term (pinyin, initials, homophone table, emoji, traditional or full-width forms), a spelling that reads
# like a term (:mod:`.homophones`), or the trade pattern.
# the end of the provenance of a form that scripts/build_wildlife_watchlist.py cut from a name of the list
GENERATED_FROM_LIST = "(national list)"
# the start of the provenance of a trade name of a listed species that the build script writes from its table
TRADE_NAME_SOURCE = "trade name of "
MECHANISMS = (
    "term",
    "dictionary_alias",
    "generated_variant",
    "homophone",
    "trade_pattern",
    "goods_pattern",
    "function_pattern",
    "diagnostic_trait",
)
_GENERATED_RULES = frozenset(("pinyin", "initials", "capitals", "variant", "emoji", "digits", *_SHAPE_RULES))
# signals of the talk of a trade: what capitals (RH, ＨＭ) need beside them
_TALK = frozenset(("evasion", "trade", "provenance", "conceal"))
# short initials of a term that count only where they stand next to the goods (X Y 手串)
_INITIALS_RULES = frozenset(("initials", "capitals"))
_PATTERN_RULES = frozenset(
    ("trade_pattern", "concealed_goods", "trait_pattern", "goods_pattern", "function_pattern", "diagnostic_trait")
)


def _has_emoji(text: str) -> bool:
    return any(ord(c) >= 0x1F400 for c in text)


def _mechanism(rule: str, source: str | None, matched: str) -> str:
    if rule in ("goods_pattern", "function_pattern", "diagnostic_trait"):
        return rule
    if rule in _PATTERN_RULES:
        return "trade_pattern"
    if rule == "homophone":
        return "homophone"
    if rule in _GENERATED_RULES or _has_emoji(matched):
        return "generated_variant"
    if source:
        # a short form cut from a name of the national list by rule, a trade name of a listed species (a watchlist
        # term with its attestation), or an alias found in a dictionary
        if source.endswith(GENERATED_FROM_LIST):
            return "generated_variant"
        return "term" if source.startswith(TRADE_NAME_SOURCE) else "dictionary_alias"
    return "term"


@dataclass
class ScoreResult:
    score: int
    is_lead: bool
    family: str | None
    category: str | None
    categories: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    # title and description as scored (normalised); not part of the result, saves the model folding them again
    folded: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "is_lead": self.is_lead,
            "family": self.family,
            "category": self.category,
            "categories": list(self.categories),
            # map, not a comprehension: most listings have neither, and a comprehension is a call of its own
            "hits": list(map(Hit.to_dict, self.hits)),
            "rules": list(map(dict, self.rules)),
        }


# Pattern payloads ------------------------------------------------------------------------------------


def _by_fields(self: Any) -> tuple[Any, ...]:
    """Pickles a slotted dataclass as its constructor's arguments: loading a cached scorer (tens of thousands of
    these) then takes a fraction of the time that dataclasses' generic __setstate__ does."""
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class _TermRef:
    category: str
    term: str
    rule: str
    weight: float
    code: bool
    ascii_start: bool
    ascii_end: bool
    requires: tuple[str, ...] = ()
    source: str | None = None  # a dictionary alias's provenance; a homophone's reading

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class _Mask:
    category: str | None
    phrase: str

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class _Signal:
    kind: str  # evasion, trade, suspicious, form, innocence, neutral
    label: str  # innocence kind or the signal kind
    category: str | None
    word: str
    ascii_start: bool
    ascii_end: bool

    __reduce__ = _by_fields


_Payload = _TermRef | _Mask | _Signal


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


_ASCII_ALNUM = frozenset(ord(c) for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ascii_alnum_code = _ASCII_ALNUM.__contains__


def _drop_inner_code_words(
    live: list[tuple[_TermRef, _FieldView, int, int, int, int]],
) -> list[tuple[_TermRef, _FieldView, int, int, int, int]]:
    """A code word inside a name of its own category (山甲 in 穿山甲) is that name, not a code word: it must not
    escape the innocence the name's listing shows (a 穿山甲 logo on hiking boots). Nor is a short form inside the
    name it was cut from (圆斑蝰 in 泰国圆斑蝰) a second name that corroborates it."""
    names = [(view, start, end, ref.category) for ref, view, start, end, _o, _e in live if not ref.code]
    if not names:
        return live
    return [
        item
        for item in live
        if not (item[0].code or _cut_from_list(item[0]))
        or not any(
            v is item[1] and c == item[0].category and s <= item[2] and item[3] <= e
            and (item[0].code or e - s > item[3] - item[2])
            for v, s, e, c in names
        )
    ]  # fmt: skip


def _drop_owned_code_words(
    live: list[tuple[_TermRef, _FieldView, int, int, int, int]],
) -> list[tuple[_TermRef, _FieldView, int, int, int, int]]:
    """A code word of one category that stands right after a name of another (海龟 背甲片: 甲片 is pangolin's code
    word) is a part of the named animal: the name decides the category, not the part word."""
    names = [(view, end, ref.category) for ref, view, _start, end, _o, _e in live if not ref.code]
    if not names or len(names) == len(live):
        return live  # no name, or no code word beside the names
    return [
        item
        for item in live
        if not item[0].code
        or not any(
            v is item[1] and c != item[0].category and 0 <= item[2] - e <= _OWNED_PART_GAP
            and Scorer._one_clause(item[1], e - 1, item[2] + 1)
            for v, e, c in names
        )
    ]  # fmt: skip


def _cut_from_list(ref: _TermRef) -> bool:
    return ref.source is not None and ref.source.endswith(GENERATED_FROM_LIST)


class _Markers:
    """Marker words of rules tried in order, found by the text right before or after a position: one dict probe
    per word length instead of a ``startswith`` per word (they are tried at every term hit). The first rule with
    a word there wins, and its longest word there."""

    def __init__(self, rules: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._rules: dict[str, tuple[int, str]] = {}
        for index, (rule, words) in enumerate(rules):
            for word in words:
                self._rules.setdefault(word, (index, rule))
        self._lengths = tuple(sorted({len(word) for word in self._rules}, reverse=True))
        # the characters a marker starts and ends with: a position next to none of them has no marker, without a
        # probe per length (most positions tried)
        self._firsts = frozenset(word[0] for word in self._rules if word)
        self._lasts = frozenset(word[-1] for word in self._rules if word)
        self._has_empty = "" in self._rules

    def _best(self, text: str, start: int, end: int, ending: bool) -> tuple[str, str] | None:
        rules = self._rules
        best: tuple[int, str, str] | None = None
        for length in self._lengths:  # longest first: a later word of the same rule is shorter
            if ending:
                if length > end:
                    continue
                word = text[end - length : end]
            else:
                word = text[start : start + length]
            found = rules.get(word)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], found[1], word)
        return None if best is None else (best[1], best[2])

    def ending_at(self, text: str, position: int) -> tuple[str, str] | None:
        """(rule, word) of a marker that ends right before ``position``."""
        if 0 < position <= len(text) and not self._has_empty and text[position - 1] not in self._lasts:
            return None
        return self._best(text, position, position, True)

    def starting_at(self, text: str, position: int) -> tuple[str, str] | None:
        """(rule, word) of a marker that starts at ``position``."""
        if 0 <= position < len(text) and not self._has_empty and text[position] not in self._firsts:
            return None
        return self._best(text, position, position, False)


_first = itemgetter(0)  # the pattern id of a raw match, in compiled code


def _widest_first(place: tuple[int, int, str, str | None]) -> tuple[int, int]:
    return place[0], -place[1]


def _hit_order(hit: Hit) -> tuple[bool, int, int]:
    return hit.field != "title", hit.start, hit.end


@dataclass
class _FieldView:
    name: str
    norm: NormText
    offset: int  # position of this field in the scanned text
    _offsets: list[int] | None = None

    def offsets(self) -> list[int]:
        if self._offsets is None:
            self._offsets = self.norm.offsets()
        return self._offsets

    def span(self, start: int, end: int) -> tuple[int, int]:
        offsets = self.offsets()
        return offsets[start], offsets[end - 1] + 1


class Scorer:
    """Scores listings against the watchlists. Build once (:meth:`load`), call :meth:`score` per listing."""

    def __init__(
        self,
        watchlists: Watchlists,
        *,
        threshold: int,
        engine: str | None = None,
    ) -> None:
        self.watchlists = watchlists
        self._engine = engine
        self.threshold = threshold
        self.categories: dict[str, Category] = watchlists.categories
        self.weights = {**DEFAULT_WEIGHTS, **watchlists.signals.weights}
        self.normaliser = Normaliser()
        self._patterns: dict[str, list[_Payload]] = {}
        self._adjacent_forms: dict[str, str] = {}
        self._short_context: dict[str, tuple[str, ...]] = {}
        self._spelling_context: dict[str, tuple[str, ...]] = {}
        # a kind of form_kinds says nothing about a category that sells its goods in one of the kind's forms (ivory
        # carved into 挂件 is sold as 摆件 too), and everything about one that never does (鞭炮挂件)
        form_kinds = {
            kind: frozenset(watchlists.signals.innocence.get(kind, ())) for kind in watchlists.signals.form_kinds
        }
        self._ignored_innocence: dict[str, frozenset[str]] = {
            c.id: frozenset(
                (*c.innocence_ignored, *(kind for kind, words in form_kinds.items() if words & set(c.product_forms)))
            )
            for c in self.categories.values()
        }
        self._form_kinds = frozenset(form_kinds)
        self._own_innocence = {c.id: frozenset(c.innocence) for c in self.categories.values()}
        # a category's own goods and traits (糖果 of drugs sold as sweets) are never its innocence
        self._own_goods: dict[str, frozenset[str]] = {
            c.id: frozenset((*c.product_forms, *c.suspicious)) for c in self.categories.values()
        }
        self._negations = self._fold_words(watchlists.signals.negations)
        self._covers = self._fold_words(watchlists.signals.cover_markers)
        self._made_into = self._fold_words(watchlists.signals.made_into_markers)
        self._flavours = self._fold_words(watchlists.signals.flavour_markers)
        fold_all = self._fold_words
        term_negations = fold_all(watchlists.signals.term_negations)
        self._term_negations = term_negations
        self._before_term = _Markers(
            (
                ("negated_term", term_negations),
                ("imitation_term", fold_all(watchlists.signals.imitation_markers)),
                ("substitute_term", fold_all(watchlists.signals.substitute_markers)),
                ("simile_term", fold_all(watchlists.signals.simile_markers)),
                ("part_term", fold_all(watchlists.signals.part_owners)),
            )
        )
        self._goods_heads = _Markers((("head_term", fold_all(watchlists.signals.goods_heads)),))
        self._accessory_heads = _Markers((("accessory_term", fold_all(watchlists.signals.accessory_heads)),))
        self._creatures = creature_characters()
        self._shape_words = frozenset(fold_all(watchlists.signals.shape_markers))
        self._after_term = _Markers(
            (
                ("substitute_term", fold_all(watchlists.signals.substitute_markers)),
                ("shape_term", self._shape_words),
            )
        )
        sig_spec = watchlists.signals
        self._cover_after = fold_all(sig_spec.cover_after_markers)
        self._reveals = fold_all(sig_spec.reveal_markers)
        self._media_words = frozenset(fold_all(sig_spec.innocence.get("media", ())))
        self._refusals = fold_all(sig_spec.refusal_markers)
        self._showing = fold_all(sig_spec.showing_verbs)
        self._choice_words = frozenset(fold_all(sig_spec.choice_words))
        self._choice_markers = (*fold_all(sig_spec.choice_markers), *sig_spec.choice_markers)
        self._comparisons = fold_all(sig_spec.comparison_markers)
        self._differences = fold_all(sig_spec.difference_markers)
        self._comparatives = fold_all(sig_spec.comparative_markers)
        self._negation_gap = int(self.weights["term_negation_gap"])
        self._gap_negations = _Markers((("negated_term", [w for w in term_negations if len(w) > 1]),))
        self._composition_denial = _COMPOSITION_DENIAL
        self._imitation_words = fold_all(
            (*watchlists.signals.imitation_markers, *watchlists.signals.innocence.get("imitation", ()))
        )
        self._homonym_kinds = frozenset(watchlists.signals.homonym_kinds)
        self._namesake_kinds = frozenset(watchlists.signals.namesake_kinds)
        self._accessory_kinds = frozenset(watchlists.signals.accessory_kinds)
        self._commerce = frozenset((*watchlists.signals.commerce, *fold_all(watchlists.signals.commerce)))
        self._homophone_terms: dict[str, tuple[list[str], list[_TermRef]]] = {}
        self._shape_terms: dict[str, list[_TermRef]] = {}
        self._build()
        self._build_shapes()
        save_pinyin_cache()
        self._pattern_list = list(self._patterns)
        self._payloads = [self._patterns[p] for p in self._pattern_list]
        self._by_kind: tuple[list[tuple[_TermRef, ...]], list[tuple[_Mask, ...]], list[tuple[_Signal, ...]]] = (
            [tuple(x for x in ps if isinstance(x, _TermRef)) for ps in self._payloads],
            [tuple(x for x in ps if isinstance(x, _Mask)) for ps in self._payloads],
            [tuple(x for x in ps if isinstance(x, _Signal)) for ps in self._payloads],
        )
        self._kinds = list(zip(*self._by_kind, strict=True))
        self._build_homophones()
        # capitals (RH, ＨＭ) are two letters that ordinary words and units contain (500ml, PS): a pattern that is
        # only capitals makes no term by itself, and a listing with no other term is read for them only if it
        # also talks trade, as they need
        term_refs = self._by_kind[0]
        self._term_patterns = frozenset(
            i for i, refs in enumerate(term_refs) if any(r.rule != "capitals" for r in refs)
        )
        self._capital_patterns = frozenset(
            i for i, refs in enumerate(term_refs) if any(r.rule == "capitals" for r in refs)
        )
        self._talk_patterns = frozenset(
            i for i, signals in enumerate(self._by_kind[2]) if any(sig.kind in _TALK for sig in signals)
        )
        # a product form or trait of prohibited goods: with talk, the anchor of the goods pattern
        self._goods_patterns = frozenset(
            i for i, signals in enumerate(self._by_kind[2])
            if any(sig.kind in ("form", "suspicious") and (sig.category or "").startswith(_GOODS_FAMILY)
                   and sig.word not in self._commerce for sig in signals)
        )  # fmt: skip
        # a function of prohibited goods (打电话就能听, 升空): the anchor of the function pattern, talk or not
        self._function_patterns = frozenset(
            i for i, signals in enumerate(self._by_kind[2]) if any(sig.kind == "function" for sig in signals)
        )
        # per pattern: 1 an animal part, 2 a word of wild provenance (the trade pattern needs both), 3 talk that
        # hides what the goods are (the concealed-goods pattern), 0 none of them
        self._trade_anchors = [
            1 if any(sig.kind == "part" for sig in signals) else 2 if any(sig.kind == "provenance" for sig in signals)
            else 3 if any(sig.kind == "conceal" for sig in signals)
            else 5 if any(sig.word in self._diagnostic for sig in signals if sig.label == "trait")
            else 4 if any(self._is_trait(sig) for sig in signals)
            else 0
            for signals in self._by_kind[2]
        ]  # fmt: skip
        self._attach()

    # Made again when a cached scorer is loaded (pipelines.scoring.built): compiled automata and bound methods
    # do not pickle, and each comes quickly from its own cache or its tables.
    _REBUILT = ("normaliser", "_fold_table", "matcher", "_scan", "_fold_marked", "_homophone_find")

    def _attach(self) -> None:
        self._fold_table = self.normaliser._table
        self.matcher: Matcher = build_matcher(self._pattern_list, self._engine)
        self._scan = self.matcher.scan
        self._fold_marked = self.normaliser.fold_marked

    def __getstate__(self) -> dict[str, Any]:
        state = {name: value for name, value in self.__dict__.items() if name not in self._REBUILT}
        state["_normaliser_variants"] = dict(self.normaliser.variants)  # the watchlists' spellings, for display
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        variants = state.pop("_normaliser_variants", {})
        codes = state.get("_homophone_automaton_codes")
        finder = ReadingFinder(state["_homophone_codes"], codes, state["_engine"]) if codes else None
        self.__dict__.update(state, _homophone_find=finder)
        self.normaliser = Normaliser()
        self.normaliser.variants.update(variants)
        self._attach()

    # ------------------------------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        paths: Sequence[Path] | None = None,
        *,
        threshold: int | None = None,
        extra_terms: Mapping[str, Sequence[str]] | None = None,
        engine: str | None = None,
    ) -> Scorer:
        """Build a scorer from watchlist files (None: the shipped ones) plus campaign terms.

        ``threshold`` None reads the configured lead threshold (``core.config``).
        """
        if threshold is None:
            from core.config import get_settings

            threshold = get_settings().lead_threshold
        files = expand_paths(paths)
        name = built.entry_name(files, extra_terms, engine)
        scorer = built.load(name) if name else None
        if not isinstance(scorer, cls):
            scorer = cls(load_watchlists(files, extra_terms), threshold=threshold, engine=engine)
            if name:
                built.save(name, scorer)
        scorer.threshold = threshold
        return scorer

    @classmethod
    def check(cls, paths: Sequence[Path] | None = None) -> None:
        """Raise the first problem of the watchlists a crawl's scorer will be built from (`InputFileError`,
        naming the file and line), before the crawl starts: the crawl loads its scorer in the background, after
        its first requests. Costs a hash of the files when a scorer built from them is cached (they were read
        without a problem then), else a read of every file."""
        files = expand_paths(paths)
        name = built.entry_name(files, None, None)
        if name is None or not built.cached(name):
            load_watchlists(files)

    def _form_words(self, category: Category) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for f in (self.normaliser.fold(w) for w in category.product_forms) if f))

    def _shows_form(self, category_id: str, views: list[_FieldView]) -> bool:
        """Whether the listing names a product form of the category of two or more characters (手串, 鳞片): one
        character (皮 of 真皮) is inside too many ordinary words."""
        forms = self._form_words(self.categories[category_id])
        return any(len(form) > 1 and form in view.norm.text for form in forms for view in views)

    def _short_form_context(self, category: Category) -> tuple[str, ...]:
        """What a one-character term form needs beside it: the category's product forms or an evasion word
        (worked out once per category: it is asked for while the tables are built)."""
        context = self._short_context.get(category.id)
        if context is None:
            evasion = (self.normaliser.fold(w) for w in self.watchlists.signals.evasion)
            context = tuple(dict.fromkeys((*self._form_words(category), *(w for w in evasion if w))))
            self._short_context[category.id] = context
        return context

    def _homophone_context(self, category: Category) -> tuple[str, ...]:
        """What a homophone or another generated spelling needs in the listing: a product form of the category,
        trade or evasion talk (worked out once per category)."""
        context = self._spelling_context.get(category.id)
        if context is None:
            signals = self.watchlists.signals
            words = (*self._form_words(category), *self._fold_words((*signals.trade, *signals.evasion)))
            context = tuple(dict.fromkeys(w for w in words if len(w) > 1))
            self._spelling_context[category.id] = context
        return context

    def _build_homophones(self) -> None:
        """Pattern ids past the matcher's for each term's coded reading, and the automaton that finds them."""
        self._homophone_codes: dict[int, str] = {}
        self._homophone_find: Any = None  # a ReadingFinder when the watchlists have homophones
        if not self._homophone_terms:
            return
        table = build_table({term: reading for term, (reading, _refs) in self._homophone_terms.items()})
        by_code: dict[str, list[_TermRef]] = {}
        spellings: dict[str, list[str]] = {}
        for term, (reading, refs) in self._homophone_terms.items():
            code = table.code(reading)
            if code is not None:
                by_code.setdefault(code, []).extend(refs)
                spellings.setdefault(code, []).append(term)
        if not by_code:
            return
        codes = list(by_code)
        self._homophone_spellings = [tuple(spellings[c]) for c in codes]
        # the goods a homophone that is an ordinary word may stand right before (带帽 梳子 for 玳瑁): its terms'
        # product forms of two or more characters that few categories share
        spread = self._trait_spread
        self._homophone_goods = [
            tuple(dict.fromkeys(
                form for category_id in dict.fromkeys(ref.category for ref in by_code[c])
                for form in self._form_words(self.categories[category_id])
                if len(form) > 1 and spread.get(form, 0) <= _HOMOPHONE_GOODS_SPREAD_MAX
            ))
            for c in codes
        ]  # fmt: skip
        self._homophone_first = len(self._kinds)
        self._kinds.extend((tuple(dict.fromkeys(by_code[c])), (), ()) for c in codes)
        self._homophone_codes = table.codes
        # a listing is read for homophones only when it names one of the words a homophone needs beside it
        context = {word for refs in by_code.values() for ref in refs for word in ref.requires}
        self._homophone_context_patterns = frozenset(i for i, key in enumerate(self._pattern_list) if key in context)
        self._homophone_skip = table.ordinary | set(self._patterns)
        self._homophone_words = table.ordinary
        self._homophone_joins = table.joins
        self._homophone_automaton_codes = codes
        self._homophone_find = ReadingFinder(table.codes, codes, self._engine)

    def _build_shapes(self) -> None:
        """Patterns for the names written by the parts of their characters (木仓 for 枪, 能掌 for 熊掌)."""
        shapes = shape_spellings(self._shape_terms)
        self._shape_joins = shapes.joins
        for name, forms in shapes.forms.items():
            for form, rule in forms:
                if form not in self._patterns:
                    for ref in self._shape_terms[name]:
                        self._add(form, replace(ref, rule=rule), form)

    def _homophones(self, joined: str, talk: bool) -> list[tuple[int, int, int]]:
        """(pattern id, start, end) of spellings in ``joined`` that read like a term and are not written as one.

        A spelling of two syllables keeps one of the term's characters in its place (兄掌 for 熊掌): one with
        none of them (带毛 for 玳瑁, 蛇箱 for 麝香) is nearly always ordinary words that sound alike. Three
        syllables or more (船衫佳 for 穿山甲) rarely read like a term by chance, so every character may differ.
        A dictionary word that reads like the term (带帽) counts where the next word is a product form of the
        term's category that few categories share (带帽 梳子), and two syllables with none of the term's characters
        there too if the listing talks trade, evasion or wild provenance: context decides, not the word."""
        found = self._homophone_find(joined)
        if not found:
            return []
        skip, spellings, patterns = self._homophone_skip, self._homophone_spellings, self._patterns
        first, goods, ordinary = self._homophone_first, self._homophone_goods, self._homophone_words
        out = []
        for index, start, end in found:
            written = joined[start:end]
            stands = written not in skip and (
                end - start >= FREE_SPELLING
                or any(a == b for term in spellings[index] for a, b in zip(written, term, strict=True))
            )
            # a dictionary word that reads like the term is a pun a seller can pick (带帽 for 玳瑁): it counts right
            # before the term's goods (带帽 梳子); two syllables with none of the term's characters that are no word
            # (带毛) there too, in a listing that talks trade; never another term as written
            if not stands and (
                written in patterns
                or not (talk or written in ordinary)
                or not any(joined.startswith(form, end) for form in goods[index])
            ):
                continue
            out.append((first + index, start, end))
        return out

    def _homophone_stands(
        self,
        homophone: _TermRef,
        terms: list[tuple[_TermRef, _FieldView, int, int]],
        view: _FieldView,
        start: int,
        end: int,
        o_start: int,
        o_end: int,
    ) -> bool:
        """A homophone is written as one run of characters (not 话。没 across a sentence), neither of its edges
        forms a dictionary word with the character beside it (巴西龟, 杀草效果), and it overlaps no written
        spelling of another term (是珊瑚 is not 石珊瑚); one of its own (山甲 in 串山甲) it may hold."""
        if o_end - o_start != end - start:
            return False
        original, joins = view.norm.original, self._homophone_joins
        if original[max(o_start - 1, 0) : o_start + 1] in joins or original[o_end - 1 : o_end + 1] in joins:
            return False
        return not any(
            other is view and ref.rule != "homophone" and s < end and start < e
            and (ref.term != homophone.term or not (start <= s and e <= end))
            for ref, other, s, e in terms
        )  # fmt: skip

    def _joined(self, original: str, o_start: int, o_end: int) -> bool:
        """Whether a short spelling by shape makes a dictionary word with a character beside it (能骨 in 可能骨折)."""
        joins = self._shape_joins
        return original[max(o_start - 1, 0) : o_start + 1] in joins or original[o_end - 1 : o_end + 1] in joins

    def _fold_words(self, words: Iterable[str]) -> tuple[str, ...]:
        """Folded, non-empty, longest first (so 不含有 is tried before 不含), words of one length in text order so
        that a scorer built in any process (whatever its hash seed) explains a listing in the same words."""
        folded = {self.normaliser.fold(word) for word in words}
        return tuple(sorted((w for w in folded if w), key=lambda w: (-len(w), w)))

    def _add(self, text: str, payload: _Payload, key: str | None = None) -> None:
        key = self.normaliser.fold(text) if key is None else key
        if not key:
            return
        if isinstance(payload, _TermRef | _Signal):
            payload = replace(payload, ascii_start=_is_ascii_alnum(key[0]), ascii_end=_is_ascii_alnum(key[-1]))
        bucket = self._patterns.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)

    def _add_term(self, category: Category, spec: TermSpec) -> None:
        weight = float(spec.weight)
        code = spec.kind == "code_word"
        base_rule = spec.kind
        requires = tuple(dict.fromkeys(f for f in (self.normaliser.fold(w) for w in spec.requires) if f))

        def add(text: str, rule: str, w: float = weight, is_code: bool = code, gated: tuple[str, ...] = ()) -> None:
            # a form that folds to one character (槍 to 枪, 弩) is the last character of countless ordinary product
            # names (额温枪, 水枪): like two initials, it counts only beside one of the category's product forms or
            # a word that moves the deal out of sight
            key = self.normaliser.fold(text)
            needs = requires or gated or (self._short_form_context(category) if len(key) == 1 else ())
            ref = _TermRef(category.id, spec.term, rule, w, is_code, False, False, needs, spec.source)
            self._add(text, ref, key)
            if len(key) == 1 and is_cjk(key):
                # and so does the character written as its two parts (木仓 for 枪)
                shape = _TermRef(category.id, spec.term, "split", w * self.weights["shape_factor"], is_code, False,
                                 False, needs)  # fmt: skip
                self._shape_terms.setdefault(key, []).append(shape)

        add(spec.term, base_rule)
        for alias in spec.aliases:
            add(alias, "alias" if base_rule in ("name", "product") else base_rule)
        code_weight = float(spec.code_weight or spec.weight)
        for word in spec.code_words:
            add(word, "code_word", code_weight, True)
        for word in spec.tcm:
            add(word, "tcm")
        for word in spec.latin:
            add(word, "latin")
        # a species' English name ("snow leopard", "tortoiseshell") is also a pattern, a colour or a product line's
        # name: like its pinyin, it counts beside a product form of the category or trade talk
        english_needs = self._homophone_context(category) if spec.kind == "species" else ()
        for word in spec.english:
            add(word, "english", gated=english_needs)
        for word in spec.variants:
            add(word, "variant", weight, code)
            self.normaliser.add_variant(word, spec.term)
        pinyin_factor = self.weights["pinyin_factor"]
        for word in spec.pinyin:
            add(word, "pinyin", weight * pinyin_factor, code)
        auto = spec.auto_pinyin if spec.auto_pinyin is not None else spec.kind in ("name", "product")
        generated = spec.auto_pinyin is not False and spec.kind in ("name", "product", "species")
        # what a spelling that could be anything needs beside it: a product form of the category or trade talk
        context = (requires or self._homophone_context(category)) if generated else requires
        if generated:
            for name in (spec.term, *spec.aliases):
                folded = self.normaliser.fold(name)
                reading = syllables(folded)
                if usable(reading, folded):
                    ref = _TermRef(category.id, spec.term, "homophone", weight * self.weights["homophone_factor"],
                                   code, False, False, context, " ".join(reading))  # fmt: skip
                    self._homophone_terms.setdefault(folded, (reading, []))[1].append(ref)
                if folded:
                    ref = _TermRef(category.id, spec.term, "lookalike", weight * self.weights["shape_factor"], code,
                                   False, False, context)  # fmt: skip
                    self._shape_terms.setdefault(folded, []).append(ref)
        forms = self._form_words(category)
        needs = {"": requires, "context": context, "forms": requires or forms,
                 "goods_and_talk": requires or tuple(form for form in forms if len(form) > 1)}  # fmt: skip
        initials_factor = self.weights["initials_factor"]
        factors = {"pinyin": pinyin_factor, "initials": initials_factor, "capitals": initials_factor,
                   "emoji": pinyin_factor, "digits": pinyin_factor}  # fmt: skip
        spellings = english_capitals(spec.english)
        if auto or (generated and spec.auto_pinyin is None):
            # a species of the national list in pinyin (huamei) could be anything without context
            names = [self.normaliser.fold(name) for name in (spec.term, *spec.aliases, *spec.tcm)]
            spellings += [
                *pinyin_spellings(names, plain=auto),
                *emoji_spellings(names),
                *digit_spellings(names, plain=auto),
            ]
        for spelling in spellings:
            ref = _TermRef(category.id, spec.term, spelling.rule, weight * factors[spelling.rule], code, False,
                           False, needs[spelling.needs])  # fmt: skip
            self._add(spelling.text, ref)

    def _build(self) -> None:
        signals = self.watchlists.signals
        for word in signals.evasion:
            self._add(word, _Signal("evasion", "evasion", None, word, False, False))
        for word in signals.trade:
            self._add(word, _Signal("trade", "trade", None, word, False, False))
        for kind, words in signals.innocence.items():
            for word in words:
                self._add(word, _Signal("innocence", kind, None, word, False, False))
        for phrase in signals.innocent_phrases:
            self._add(phrase, _Mask(None, phrase))
        for phrase in signals.neutral_phrases:
            self._add(phrase, _Signal("neutral", "neutral", None, phrase, False, False))
        # one-character parts (胆, 骨) are everywhere in ordinary text: rather than patterns the matcher reports
        # in every listing, they are looked for only once a word of wild provenance was found
        single = []
        for word in signals.animal_parts:
            if len(self.normaliser.fold(word)) == 1:
                single.append(self.normaliser.fold(word))
            else:
                self._add(word, _Signal("part", "part", None, word, False, False))
        self._single_parts = re.compile(f"[{re.escape(''.join(single))}]") if single else None
        for word in signals.wild_provenance:
            self._add(word, _Signal("provenance", "provenance", None, word, False, False))
        for word in signals.fresh_forms:
            self._add(word, _Signal("part", "fresh", None, word, False, False))
        fold = self.normaliser.fold
        self._farmed = (
            re.compile(_alternatives(fold(w) for w in signals.farmed_animals)) if signals.farmed_animals else None
        )
        self._bred = (
            re.compile(_alternatives(fold(w) for w in signals.bred_provenance)) if signals.bred_provenance else None
        )
        self._licences = (
            re.compile(_alternatives(fold(w) for w in signals.licence_papers)) if signals.licence_papers else None
        )
        self._wild_only = frozenset(
            (category.id, spec.term)
            for category in self.categories.values()
            for spec in category.terms
            if spec.note == WILD_ONLY_NOTE
        )
        self._capture = _capture_pattern(
            [fold(w) for w in signals.capture_places],
            [fold(w) for w in signals.capture_doers],
            [fold(w) for w in signals.capture_verbs],
        )
        for word in signals.live_forms:
            self._add(word, _Signal("live", "live", None, word, False, False))
        self._live_words = frozenset(signals.live_forms)
        for word in signals.namesake_materials:
            self._add(word, _Signal("material", "material", None, word, False, False))
        # a noun for what the goods are and a verb of not telling it (品种不写) make a concealment phrase of their own
        paired = (noun + verb for noun in signals.identity_nouns for verb in signals.withholding_verbs)
        for word in dict.fromkeys((*signals.concealment, *paired)):
            self._add(word, _Signal("conceal", "conceal", None, word, False, False))
        for category in self.categories.values():
            for spec in category.terms:
                self._add_term(category, spec)
            for phrase in category.innocent_phrases:
                self._add(phrase, _Mask(category.id, phrase))
            for word in category.innocence:
                self._add(word, _Signal("innocence", "category", category.id, word, False, False))
            traits = frozenset(category.traits)
            for word in category.suspicious:
                label = "trait" if word in traits else "suspicious"
                self._add(word, _Signal("suspicious", label, category.id, word, False, False))
            for word in category.functions:
                self._add(word, _Signal("function", "function", category.id, word, False, False))
            # the words a product or trade name needs beside it (急性 原粉 of a rat poison, 制作 of a certificate) say
            # the listing sells the banned kind: they count as the category's suspicious words; a species name's
            # context (活体, 标本) only says an animal is meant
            for spec in category.terms:
                if spec.kind != "species":
                    for word in spec.requires:
                        if word not in category.suspicious and word not in category.product_forms:
                            self._add(word, _Signal("context", "context", category.id, word, False, False))
            adjacent = []
            for word in category.product_forms:
                folded = self.normaliser.fold(word)
                if len(folded) == 1:
                    adjacent.append(folded)
                else:
                    self._add(word, _Signal("form", "form", category.id, word, False, False))
            self._adjacent_forms[category.id] = "".join(dict.fromkeys(adjacent))
        spread: dict[str, set[str]] = {}
        for category in self.categories.values():
            for word in (*category.suspicious, *category.product_forms):
                spread.setdefault(word, set()).add(category.id)
        self._trait_spread = {word: len(ids) for word, ids in spread.items()}
        functions: dict[str, set[str]] = {}
        for category in self.categories.values():
            for word in category.functions:
                functions.setdefault(word, set()).add(category.id)
        self._function_spread = {word: len(ids) for word, ids in functions.items()}
        # a diagnostic trait that one wildlife category alone lists, and the look-alikes a listing denies being
        listed: dict[str, set[str]] = {}
        for category in self.categories.values():
            for word in category.traits:
                listed.setdefault(word, set()).add(category.id)
        self._diagnostic = {
            word: next(iter(ids)) for word, ids in listed.items()
            if len(ids) == 1 and next(iter(ids)).startswith(_WILDLIFE_PREFIX)
        }  # fmt: skip
        self._lookalike_denial = self._denial_pattern()
        self._pets = re.compile(_alternatives(fold(w) for w in signals.pet_animals)) if signals.pet_animals else None
        # a prohibited category's one-character units (发, 响, 桶) read as its product forms after a count (36发)
        units: dict[str, list[str]] = {}
        for category_id, chars in self._adjacent_forms.items():
            if category_id.startswith(_GOODS_FAMILY):
                for char in chars:
                    units.setdefault(char, []).append(category_id)
        units = {char: ids for char, ids in units.items() if len(ids) == 1}  # 克 of drugs and pesticides tells neither
        self._counted_units = units
        self._counted = re.compile(f"[{_COUNTED}]([{re.escape(''.join(units))}])") if units else None

    def _denial_pattern(self) -> re.Pattern[str] | None:
        """A term negation a few characters before a common substitute (不是牛角, 非塑料, 不是家养的猪, 非猫非狗): the
        imitation words, every wildlife category's innocence words, farmed and pet animals. One pattern for every
        look-alike, so that no listing's denial needs an entry of its own."""
        signals = self.watchlists.signals
        lookalikes = {
            *signals.innocence.get("imitation", ()), *signals.imitation_markers,
            *signals.farmed_animals, *signals.pet_animals,
            *(w for c in self.categories.values() if c.id.startswith(_WILDLIFE_PREFIX) for w in c.innocence),
        }  # fmt: skip
        negations = [w for w in self._term_negations if w]
        if not lookalikes or not negations:
            return None
        gap = f"[^{''.join(sorted(_NEGATION_STOPS - {'的'}))}\\s\\d]{{0,{_DENIAL_GAP}}}?"
        return re.compile(f"(?:{_alternatives(negations)}){gap}(?:{_alternatives(self._fold_words(lookalikes))})")

    # ------------------------------------------------------------------------------------------ queries

    def search_terms(self, categories: Iterable[str] | None = None) -> list[str]:
        """Search-box keywords of the given categories (all if None), in watchlist order, no duplicates."""
        wanted = list(categories) if categories is not None else list(self.categories)
        out: list[str] = []
        for category_id in wanted:
            category = self.categories.get(category_id)
            if category is not None:
                out.extend(category.search_terms)
        return list(dict.fromkeys(out))

    @property
    def pattern_count(self) -> int:
        return len(self._pattern_list)

    # ------------------------------------------------------------------------------------------ scoring

    def score(self, listing: Mapping[str, Any]) -> ScoreResult:
        # Fast path: most listings have no term hit. Both fields are folded and scanned as one text
        # (joined by a newline, which no pattern contains) and only pattern ids are looked at.
        title = listing.get("title")
        if not isinstance(title, str):
            title = "" if title is None else str(title)
        description = listing.get("description")
        if not isinstance(description, str):
            description = "" if description is None else str(description)
        image_text = listing.get("image_text")
        if not isinstance(image_text, str):
            image_text = "" if image_text is None else str(image_text)
        fold = self._fold_marked
        title_text, title_marked = fold(title)
        description_text, description_marked = fold(description)
        joined = title_text + "\n" + description_text
        if image_text:
            image_folded, image_marked = fold(image_text)
            joined += "\n" + image_folded
        found = self._scan(joined)
        folded = (title_text, description_text)
        if not found:
            return ScoreResult(0, self.threshold <= 0, None, None, folded=folded)
        # a homophone needs a product form or trade talk, which are patterns: only a listing with a pattern hit
        # is read for them
        ids = set(map(_first, found))
        homophones = (
            self._homophones(joined, not self._talk_patterns.isdisjoint(ids))
            if self._homophone_find is not None and not self._homophone_context_patterns.isdisjoint(ids)
            else []
        )
        if (
            not homophones
            and self._term_patterns.isdisjoint(ids)
            and (self._capital_patterns.isdisjoint(ids) or self._talk_patterns.isdisjoint(ids))
        ):
            # no term: only an animal part with a word of wild provenance can still make a trade pattern, talk
            # that hides what the goods are a concealed-goods pattern, or a function of prohibited goods a function
            # pattern
            anchors = self._trade_anchors
            kinds = set(map(anchors.__getitem__, ids))
            traits = list(map(anchors.__getitem__, map(_first, found))).count(4)
            if (
                3 not in kinds
                and 5 not in kinds
                and traits < _TRAIT_PATTERN_MIN
                and not (1 in kinds and traits)
                and (2 not in kinds or not (1 in kinds or (self._single_parts and self._single_parts.search(joined))))
                and (1 not in kinds or self._capture is None or not self._capture.search(joined))
                and (
                    self._talk_patterns.isdisjoint(ids)
                    or (self._goods_patterns.isdisjoint(ids) and not (self._counted and self._counted.search(joined)))
                )
                and self._function_patterns.isdisjoint(ids)
            ):
                return ScoreResult(0, self.threshold <= 0, None, None, folded=folded)
        table = self._fold_table
        views = [
            _FieldView("title", NormText(title, title_text, table, title_marked), 0),
            _FieldView(
                "description", NormText(description, description_text, table, description_marked), len(title_text) + 1
            ),
        ]
        if image_text:
            offset = len(title_text) + len(description_text) + 2
            views.append(_FieldView("image_text", NormText(image_text, image_folded, table, image_marked), offset))
        matches = self.matcher.resolve(joined, found)
        if homophones:
            matches = matches + homophones
        result = self._score_matches(listing, views, matches)
        result.folded = folded
        return result

    def _score_matches(
        self, listing: Mapping[str, Any], views: list[_FieldView], matches: list[tuple[int, int, int]]
    ) -> ScoreResult:
        by_name = {view.name: view for view in views}
        kinds = self._kinds
        terms: list[tuple[_TermRef, _FieldView, int, int]] = []
        masks: list[tuple[_Mask, _FieldView, int, int]] = []
        signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]] = []
        for pattern_id, start, end in matches:
            refs, phrases, signals = kinds[pattern_id]
            view = views[0]
            for later in views[1:]:
                if start >= later.offset:
                    view = later
            start -= view.offset
            end -= view.offset
            if refs:
                for ref in refs:
                    terms.append((ref, view, start, end))
            if phrases:
                for phrase in phrases:
                    masks.append((phrase, view, start, end))
            if signals:
                signal_places.append((signals, view, start, end))
        masked_rules: list[dict[str, Any]] = []
        books: dict[str, list[tuple[int, int]]] = {}
        live: list[tuple[_TermRef, _FieldView, int, int, int, int]] = []
        scoped_spans: list[tuple[_FieldView, int, int]] = []
        denied: set[tuple[str, str]] = set()
        capitals: set[tuple[str, str, int]] = set()
        boundary_ok = self._boundary_ok
        for ref, view, start, end in terms:
            if (ref.ascii_start or ref.ascii_end) and not boundary_ok(view, start, end, ref.ascii_start, ref.ascii_end):
                continue
            if ref.rule == "capitals":
                o_start, o_end = view.span(start, end)
                if not (view.norm.original[o_start:o_end].isupper() and self._trade_talk(signal_places)):
                    continue  # rh, hm in lower case are words and units; RH with nothing of a trade is a blood group
                if (ref.category, view.name, start) in capitals:
                    continue  # the same capitals of two species (one category's) are one hit, not corroboration
                capitals.add((ref.category, view.name, start))
            if (
                ref.requires
                and not any(w in other.norm.text for w in ref.requires for other in views)
                and not (
                    ref.rule == "species"
                    and (self._names_a_part(ref.category, view, end) or _count_after(view, end, 2) is not None)
                )
            ):
                masked_rules.append(
                    {
                        "rule": "needs_context",
                        "category": ref.category,
                        "term": ref.term,
                        "requires": list(ref.requires),
                        "field": view.name,
                        "points": 0,
                    }
                )
                continue
            marker = self._scope(view, start, end) or self._names_goods(ref, view, start, end, signal_places)
            if marker is not None:
                scoped_spans.append((view, start, end))
                if marker[0] == "substitute_term" or marker[1].startswith(self._composition_denial):
                    denied.add((ref.category, ref.term))
                masked_rules.append(
                    {"rule": marker[0], "category": ref.category, "term": ref.term, "marker": marker[1],
                     "field": view.name, "points": 0}
                )  # fmt: skip
                continue
            offsets = view.offsets()
            o_start, o_end = offsets[start], offsets[end - 1] + 1
            if ref.rule == "homophone" and not self._homophone_stands(ref, terms, view, start, end, o_start, o_end):
                continue
            if (
                end - start == 2
                and (ref.rule in _SHAPE_RULES or _cut_from_list(ref))
                and self._joined(view.norm.original, o_start, o_end)
            ):
                continue  # nor is a two-character short form of a listed name (鼠兔 in 仓鼠兔子)
            if _LIST_SEPARATORS.search(view.norm.original, o_start, o_end) or (
                ref.rule in _INITIALS_RULES
                and not view.norm.original[o_start:o_end].isalnum()
                and not self._shows_form(ref.category, views)
                and not self._form_follows(ref.category, view, end)
            ):
                # 黑、白、粉 lists colours, M、L sizes; initials written apart (X Y) stand for a term only beside
                # its goods (X Y 手串) or right before one of them, however short (L Y J 粉, S X 仁)
                continue
            if ref.rule == "emoji" and not _has_emoji(view.norm.original[o_start:o_end]):
                continue  # 小熊熊猫 spelt out is a stammer, not 小熊🐼
            if ref.code and not _whole_words_across_spaces(view.norm.original, o_start, o_end):
                continue
            if masks:
                category_id = ref.category
                mask = next(
                    (
                        m
                        for m, mview, ms, me in masks
                        if mview is view
                        and ms <= start
                        and end <= me
                        and (m.category is None or m.category == category_id)
                    ),
                    None,
                )
                if mask is not None:
                    masked_rules.append(
                        {
                            "rule": "innocent_phrase",
                            "category": ref.category,
                            "term": ref.term,
                            "phrase": mask.phrase,
                            "field": view.name,
                            "points": 0,
                        }
                    )
                    continue
            spans = books.get(view.name)
            if spans is None:
                spans = books[view.name] = _book_spans(view.norm.original)
            if spans:
                book = next((b for b in spans if b[0] < o_start and o_end < b[1]), None)
                if book is not None:
                    masked_rules.append(
                        {
                            "rule": "book_title",
                            "category": ref.category,
                            "term": ref.term,
                            "title": view.norm.original[book[0] : book[1]],
                            "field": view.name,
                            "points": 0,
                        }
                    )
                    denied.add((ref.category, ref.term))  # the listing is about the book wherever it names it
                    continue
            live.append((ref, view, start, end, o_start, o_end))
        if scoped_spans:  # 山甲 inside a negated 不含穿山甲 is negated with it
            live = [i for i in live if not any(v is i[1] and s <= i[2] and i[3] <= e for v, s, e in scoped_spans)]
        if denied and live:  # a term the listing itself denies (不含虎骨) means the same elsewhere in it (虎骨贴)
            kept = [i for i in live if (i[0].category, i[0].term) not in denied]
            if len(kept) < len(live):
                masked_rules.append({"rule": "denied_elsewhere", "terms": sorted({t for _c, t in denied}), "points": 0})
                live = kept
        if live and masked_rules:
            live = self._namesake_described(live, masked_rules, signal_places)
        if live and self._bred is not None:
            bred = self._bred_animal(live, views, signal_places)
            if bred is not None:
                live = [item for item in live if not item[0].category.startswith(_WILDLIFE_PREFIX)]
                masked_rules.append(bred)
                if not live:
                    return ScoreResult(0, self.threshold <= 0, None, None, [], [], masked_rules)
        if len(live) > 1:
            live = _drop_straddling(_drop_owned_code_words(_drop_inner_code_words(live)))
        if not live:
            pattern = (
                self._concealed_goods(signal_places, views)
                or self._trait_pattern(signal_places, views)
                or self._trade_pattern(signal_places, views)
                or self._function_pattern(signal_places, views)
                or self._diagnostic_trait(signal_places, views)
                or self._goods_pattern(signal_places, views)
            )
            if pattern is not None and pattern[0][0].category.startswith(_WILDLIFE_PREFIX):
                homonym = self._homonym_goods(signal_places)
                if homonym is not None and pattern[1]["rule"] in _DESCRIBED_PATTERNS:
                    masked_rules.append({"rule": "homonym", "category": pattern[0][0].category,
                                         "signals": homonym, "points": 0})  # fmt: skip
                    pattern = None
            if pattern is None:
                return ScoreResult(0, self.threshold <= 0, None, None, [], [], masked_rules)
            live = [pattern[0]]
            masked_rules.append(pattern[1])

        by_category: dict[str, list[tuple[_TermRef, _FieldView, int, int, int, int]]] = {}
        places: dict[tuple[str, str, str], list[tuple[int, int, str, str | None]]] = {}
        term_spans: dict[str, list[tuple[int, int]]] = {}
        for item in live:
            ref, view, start, end, o_start, o_end = item
            found_in = by_category.get(ref.category)
            if found_in is None:
                by_category[ref.category] = [item]
            else:
                found_in.append(item)
            key = (ref.term, ref.category, view.name)
            place = places.get(key)
            if place is None:
                places[key] = [(o_start, o_end, ref.rule, ref.source)]
            else:
                place.append((o_start, o_end, ref.rule, ref.source))
            spans_here = term_spans.get(view.name)
            if spans_here is None:
                term_spans[view.name] = [(start, end)]
            else:
                spans_here.append((start, end))
        hits: list[Hit] = []
        for (term, category_id, field_name), found in places.items():
            # one hit per term and place: the widest span wins over spans inside it
            if len(found) > 1:
                found.sort(key=_widest_first)
            original = by_name[field_name].norm.original
            last_end = -1
            for o_start, o_end, rule, source in found:
                if o_end <= last_end:
                    continue
                last_end = o_end
                matched = original[o_start:o_end]
                if rule == "homophone":
                    hits.append(Hit(term, category_id, field_name, o_start, o_end, matched, rule, "homophone",
                                    reading=source))  # fmt: skip
                else:
                    hits.append(
                        Hit(term, category_id, field_name, o_start, o_end, matched, rule,
                            _mechanism(rule, source, matched), source)
                    )  # fmt: skip

        # context signals count once, and never when they lie inside a term hit (塑料 in 白色塑料); an
        # innocence word inside a neutral phrase (玻璃眼) or right after a negation (不是树脂) does not count
        by_scope: dict[str | None, list[_Signal]] = {}
        neutral: list[tuple[_FieldView, int, int, str]] = [
            (view, start, end, payloads[0].word)
            for payloads, view, start, end in signal_places
            if payloads[0].kind == "neutral"
        ]
        negations = self._negations
        negated_ends: set[tuple[str, int]] = set()
        covers: set[str] = set()
        for payloads, view, start, end in signal_places:
            spans_here = term_spans.get(view.name)
            if spans_here and any(start < te and ts < end for ts, te in spans_here):
                continue
            first = payloads[0]
            if (first.ascii_start or first.ascii_end) and not boundary_ok(
                view, start, end, first.ascii_start, first.ascii_end
            ):
                continue
            cleared: bool | None = None
            # a trade word inside an innocent phrase is that phrase's (偷拍 in 防偷拍)
            in_phrase = bool(masks) and any(mv is view and ms <= start and end <= me for _m, mv, ms, me in masks)
            for sig in payloads:
                if sig.kind == "neutral" or (in_phrase and sig.kind in ("suspicious", "context")):
                    continue
                if sig.kind == "innocence":
                    if cleared is None and sig.word in self._shape_words and self._shapes_a_term(view, end, spans_here):
                        # 蜡烛造型冷烟花: the shape of the goods named right after it, not other goods
                        masked_rules.append({"rule": "innocence_shape_of_goods", "signal": sig.word,
                                             "field": view.name, "points": 0})  # fmt: skip
                        cleared = True
                    if cleared is None:
                        cleared = self._innocence_cleared(
                            view, start, end, neutral, negations, negated_ends, masked_rules, sig.word
                        )
                        if cleared and masked_rules[-1]["rule"] in _COVER_RULES:
                            covers.add(sig.word)
                    if cleared:
                        continue
                scope = sig.category
                if scope is None or scope in by_category:
                    in_scope = by_scope.get(scope)
                    if in_scope is None:
                        by_scope[scope] = [sig]
                    else:
                        in_scope.append(sig)
        if covers:  # a word the listing declares as its cover is the cover wherever it repeats it
            for scope, sigs in by_scope.items():
                by_scope[scope] = [x for x in sigs if x.kind != "innocence" or x.word not in covers]
        shared = by_scope.get(None, [])
        # a live animal for sale (活体, 幼鸟, 可上手): its cage, feed and colours are the animal's, not the goods
        live_goods = any(sig.kind == "live" for sig in shared)
        price = _price(listing.get("price"))
        scores: dict[str, int] = {}
        rules: dict[str, list[dict[str, Any]]] = {}
        categories = self.categories
        for category_id, items in by_category.items():
            scoped = by_scope.get(category_id)
            scores[category_id], rules[category_id] = self._score_category(
                categories[category_id], items, shared + scoped if scoped else shared, price, live_goods
            )
        if len(scores) == 1:
            ranked = list(scores)
            all_rules = rules[ranked[0]]
        else:
            ranked = sorted(scores, key=lambda c: (-scores[c], c))
            all_rules = []
            for category_id in ranked:
                all_rules.extend(rules[category_id])
            order = {c: i for i, c in enumerate(ranked)}
            hits.sort(key=lambda h: (order[h.category], h.field != "title", h.start, h.end))
        if len(scores) == 1 and len(hits) > 1:
            hits.sort(key=_hit_order)
        all_rules.extend(masked_rules)
        best = ranked[0]
        score = scores[best]
        return ScoreResult(
            score=score,
            is_lead=score >= self.threshold,
            family=best.split(".", 1)[0],
            category=best,
            categories=ranked,
            hits=hits,
            rules=all_rules,
        )

    def _form_follows(self, category_id: str, view: _FieldView, end: int) -> bool:
        """Whether a product form of the category, of any length, is the next word after ``end`` (S X 仁, L Y J
        粉): spelt-out initials and the goods they name, where a lone letter pair and a size would not be."""
        text = view.norm.text
        if end >= len(text):
            return False
        if text[end] in self._adjacent_forms.get(category_id, ""):
            return True
        return any(text.startswith(form, end) for form in self._form_words(self.categories[category_id]))

    def _namesake_described(
        self,
        live: list[tuple[_TermRef, _FieldView, int, int, int, int]],
        masked_rules: list[dict[str, Any]],
        signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]],
    ) -> list[tuple[_TermRef, _FieldView, int, int, int, int]]:
        """A title that names a namesake of a family's goods (射钉枪, 电子鞭炮) and no term says what is sold: a term
        of that family in the description alone (不用火药) describes the namesake, unless the listing talks trade,
        evasion or concealment (水枪 玩具 …其实是真枪 私聊)."""
        families = {
            rule["category"].split(".", 1)[0]
            for rule in masked_rules
            if rule["rule"] in _NAMESAKE_RULES and rule["field"] == "title"
        }
        if not families or any(item[1].name == "title" for item in live) or self._trade_talk(signal_places):
            return live
        dropped = [item for item in live if not item[0].code and item[0].category.split(".", 1)[0] in families]
        # a code word inside a dropped name is that name again (山甲 in 穿山甲牌)
        kept = [
            item
            for item in live
            if item not in dropped and not any(d[1] is item[1] and d[2] <= item[2] and item[3] <= d[3] for d in dropped)
        ]
        if len(kept) < len(live):
            masked_rules.append({"rule": "namesake_described", "terms": sorted({i[0].term for i in live} - {
                i[0].term for i in kept}), "points": 0})  # fmt: skip
        return kept

    def _names_a_part(self, category_id: str, view: _FieldView, end: int) -> bool:
        """Whether a species name is written with one of its category's one-character parts right after it, ending
        the word or before a count (石虎皮 一张, 豹猫骨一副): the name of a part of the animal, which sells it as the
        context words of a species do; a longer word is something else (大天鹅羽绒服)."""
        text = view.norm.text
        if end >= len(text) or text[end] not in self._adjacent_forms.get(category_id, ""):
            return False
        o_end = view.span(end, end + 1)[1]
        original = view.norm.original
        after = original[o_end] if o_end < len(original) else " "
        return not after.isalnum() or after in _COUNTS

    def _scope(self, view: _FieldView, start: int, end: int) -> tuple[str, str] | None:
        """(rule, marker) when a term hit is negated, imitated or substituted by the word next to it, names the
        shape or product line of other goods (电子烟造型笔), or is negated by a negation a short modifier away
        (不含现代象牙)."""
        text = view.norm.text
        marker = self._before_term.ending_at(text, start)
        if marker is not None:
            return marker
        gap = self._negation_gap
        if gap and start > 2:
            for skip in range(1, min(gap, start - 2) + 1):
                between = text[start - skip : start]
                if not all(is_cjk(c) and c not in _GAP_STOPS for c in between):
                    break
                if any(w in between for w in self._imitation_words):
                    break  # 不是人工麝香 denies the imitation: the goods are the real thing
                negation = self._gap_negations.ending_at(text, start - skip)
                if negation is not None:
                    return "negated_term", negation[1] + between
        return self._after_term.starting_at(text, end)

    def _shown_category(
        self,
        signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]],
        family: str = "",
        minimum: float = 2,
        need_trait: bool = False,
        counted: Iterable[tuple[str, str]] = (),
        commerce_fallback: bool = True,
    ) -> tuple[str | None, list[str]]:
        """The one category (of ``family`` if given) whose goods the listing shows most of, and the words shown:
        its traits (``suspicious`` words: 通乳, 马蹄底) count 2, its product forms (鳞片, 角料) 1, and a word that
        more than _TRAIT_SPREAD_MAX categories share (活体, 手串) a quarter of that; it needs ``minimum`` points
        (with a trait among them if ``need_trait``), and a tie names none. ``counted`` adds (category, unit) forms
        read after a count (36发); words of delivery and sale (``commerce``: 发货, 快递) count for a category without
        a word of its own only where those of the others name none, and never without ``commerce_fallback``.
        A function (``functions``: 隐藏, 上天) is not counted: one alone would decide a category, where the function
        pattern asks for company."""
        shown: dict[str, dict[str, int]] = {}
        commerce = self._commerce
        for signals, _view, _start, _end in signal_places:
            for sig in signals:
                if (
                    sig.category is not None
                    and sig.kind in ("suspicious", "form")
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
            cid: sum(v if spread.get(w, 0) <= _TRAIT_SPREAD_MAX else v / 4 for w, v in words.items())
            for cid, words in shown.items()
        }
        most = max(points.values())
        best = [cid for cid, value in points.items() if value == most]
        if most < minimum or len(best) != 1 or (need_trait and not any(v & 2 for v in shown[best[0]].values())):
            return None, []
        return best[0], sorted(shown[best[0]])

    def _concealed_goods(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]], views: list[_FieldView]
    ) -> tuple[tuple[_TermRef, _FieldView, int, int, int, int], dict[str, Any]] | None:
        """A listing that says it hides what its goods are (不方便写名字, 快递单写厨具, 字是故意写的), when no
        watchlist term names them: the one category whose traits (``suspicious`` words and product forms) the
        listing shows most (:meth:`_shown_category`) becomes a hit at its first concealment phrase."""
        conceal = next(
            ((sig, view, start, end) for signals, view, start, end in signal_places for sig in signals
             if sig.kind == "conceal"),
            None,
        )  # fmt: skip
        if conceal is None:
            return None
        # a listing that shows an animal part (a one-character one as a word of its own: 是什么牙), a live animal or
        # wild provenance hides wildlife
        animal = any(
            sig.kind in ("part", "live", "provenance") for signals, *_ in signal_places for sig in signals
        ) or self._shows_single_part(views)
        family = _WILDLIFE_PREFIX if animal else ""
        category, traits = self._shown_category(signal_places, family, 1.5)
        if category is None:
            return None
        sig, view, start, end = conceal
        ref = _TermRef(category, sig.word, "concealed_goods", self.weights["concealed_goods"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "concealed_goods_context", "category": category, "concealment": sig.word,
                       "traits": traits, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def _homonym_goods(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]]
    ) -> dict[str, str] | None:
        """The namesake kinds and materials the title names its goods by (蜜蜡 of amber beads, 纪念币), none negated
        (不是南红): goods of another kind, whose looks are not an animal's traits. None if it names none."""
        found: dict[str, str] = {}
        negations = self._term_negations
        for signals, view, start, _end in signal_places:
            if view.name != "title":
                continue
            for sig in signals:
                if (
                    sig.kind == "material" or (sig.kind == "innocence" and sig.label in self._namesake_kinds)
                ) and not self._negated_before(view.norm.text, start, negations):
                    found.setdefault(sig.label, sig.word)
        return found or None

    def _shows_single_part(self, views: list[_FieldView]) -> bool:
        """Whether a one-character animal part (牙, 骨, 胆) stands as a word of its own in the listing."""
        if self._single_parts is None:
            return False
        return any(
            self._stands_alone(view, match.start(), match.end())
            for view in views
            for match in self._single_parts.finditer(view.norm.text)
        )

    def _is_trait(self, sig: _Signal) -> bool:
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

    def _trait_pattern(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]], views: list[_FieldView]
    ) -> tuple[tuple[_TermRef, _FieldView, int, int, int, int], dict[str, Any]] | None:
        """A listing that describes its goods instead of naming them: two or more traits that belong to one
        category alone (鸟头, 红皮 of a hornbill; 偷听, 对方不知道 of a hidden recorder), with evasion, trade or
        wild-provenance talk, or three traits of one prohibited category, when no term names them, is a hit of
        that category at its first trait; a listing that names an ordinary pet (仓鼠 昼伏夜出) sells that pet."""
        traits: dict[str, list[tuple[str, _FieldView, int, int]]] = {}
        talk = False
        for signals, view, start, end in signal_places:
            for sig in signals:
                kind = sig.kind
                if kind in ("evasion", "trade", "provenance", "conceal"):
                    talk = True
                elif sig.category is not None and self._is_trait(sig):  # (_is_trait asks it too; mypy reads this)
                    shown = traits.setdefault(sig.category, [])
                    if all(word != sig.word for word, *_ in shown):
                        shown.append((sig.word, view, start, end))
        # a banned function (偷听, 炸石头, 不用考) says more than an animal's looks: only prohibited goods may go
        # without the talk
        need = _TRAIT_PATTERN_MIN if talk else _TRAIT_PATTERN_ALONE
        best = [
            cid for cid, shown in traits.items()
            if len(shown) >= need and (talk or not cid.startswith(_WILDLIFE_PREFIX))
        ]  # fmt: skip
        if len(best) != 1 or (best[0].startswith(_WILDLIFE_PREFIX) and self._names_pet(views, signal_places)):
            return None
        category = best[0]
        word, view, start, end = traits[category][0]
        ref = _TermRef(category, word, "trait_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "trait_pattern_context", "category": category,
                       "traits": sorted(w for w, *_ in traits[category]), "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def _diagnostic_trait(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]], views: list[_FieldView]
    ) -> tuple[tuple[_TermRef, _FieldView, int, int, int, int], dict[str, Any]] | None:
        """Goods told by the mark experts know them by (有交叉纹 of ivory, 毛发纤维 of rhino horn, 会抱人 of a
        primate) rather than named: a diagnostic trait of one wildlife category, shown with a product form of that
        category that few others share, wild provenance, evasion or concealment, a live animal, or the denial of a
        look-alike (不是牛角, 非塑料, 非猫非狗), is a hit of that category at its first trait. A listing that names
        an ordinary pet (仓鼠 昼伏夜出) sells that pet."""
        traits: dict[str, list[tuple[str, _FieldView, int, int]]] = {}
        for signals, view, start, end in signal_places:
            for sig in signals:
                owner = self._diagnostic.get(sig.word) if sig.label == "trait" else None
                if owner is not None and owner == sig.category:
                    shown = traits.setdefault(owner, [])
                    if all(word != sig.word for word, *_ in shown):
                        shown.append((sig.word, view, start, end))
        if not traits:
            return None
        most = max(map(len, traits.values()))
        best = [cid for cid, shown in traits.items() if len(shown) == most]
        if len(best) != 1 or self._names_pet(views, signal_places):
            return None
        category = best[0]
        own = {word for word, *_ in traits[category]}
        support: list[str] = []
        for signals, *_place in signal_places:
            for sig in signals:
                if sig.word in support or sig.word in own:
                    continue
                if sig.kind in ("evasion", "provenance", "conceal", "live") or (
                    sig.kind == "form"
                    and sig.category == category
                    and self._trait_spread.get(sig.word, 0) <= _TRAIT_SPREAD_MAX
                ):
                    support.append(sig.word)
        pattern = self._lookalike_denial
        denied = [] if pattern is None else [m.group() for view in views for m in pattern.finditer(view.norm.text)]
        if not support and not denied:
            return None
        # a denied look-alike is a claim of the real thing no other rule weighs: it adds to the trait's weight
        weight = self.weights["trade_pattern"] + (self.weights["lookalike_denial"] if denied else 0)
        word, view, start, end = traits[category][0]
        ref = _TermRef(category, word, "diagnostic_trait", weight, False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "diagnostic_trait_context", "category": category, "traits": sorted(own),
                       "support": support, "denied": denied, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def _names_pet(
        self, views: list[_FieldView], signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]]
    ) -> bool:
        """Whether the listing names an ordinary pet (猫, 仓鼠) other than to deny it (非猫非狗) or inside a word of a
        wildlife category (大猫 of a tiger)."""
        inside = [
            (view, start, end)
            for signals, view, start, end in signal_places
            if any((sig.category or "").startswith(_WILDLIFE_PREFIX) for sig in signals)
        ]
        return self._names_undenied(self._pets, views, "", inside)

    def _trade_pattern(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]], views: list[_FieldView]
    ) -> tuple[tuple[_TermRef, _FieldView, int, int, int, int], dict[str, Any]] | None:
        """An animal part or live animal of wild provenance (or showing the traits of one wildlife category),
        offered with evasion talk, when no watchlist term names the species: the first part becomes a hit of
        TRADE_PATTERN_CATEGORY, or of the category shown. The provenance may be told as a capture (山里刚抓的),
        and talk that hides what the animal is (是什么牙懂的都懂) stands in for it."""
        part: tuple[_Signal, _FieldView, int, int] | None = None
        fresh: list[tuple[_Signal, _FieldView, int, int]] = []
        provenance: list[str] = []
        concealment: str | None = None
        talk = False
        for signals, view, start, end in signal_places:
            for sig in signals:
                if sig.kind == "part" and sig.label == "fresh":
                    fresh.append((sig, view, start, end))
                elif sig.kind == "part" and part is None and self._stands_alone(view, start, end):
                    part = (sig, view, start, end)
                elif sig.kind == "provenance" and sig.word not in provenance:
                    provenance.append(sig.word)
                elif sig.kind in ("evasion", "conceal"):
                    talk = True
                    if sig.kind == "conceal" and concealment is None:
                        concealment = sig.word
        if not talk or TRADE_PATTERN_CATEGORY not in self.categories:
            return None
        route: dict[str, Any] = {}
        if not provenance and self._capture is not None:
            capture = next((m.group() for view in views if (m := self._capture.search(view.norm.text))), None)
            if capture is not None:
                provenance.append(capture)
                route["capture"] = capture
        if part is None and fresh and not self._names_farmed(views):
            part = next((place for place in fresh if self._stands_after_a_word(*place[1:])), None)
            if part is not None:
                route["fresh"] = part[0].word
        # the one wildlife category whose goods the listing shows most of (a trait and a product form) decides it;
        # a listing that shows them stands in for the word of wild provenance (黑条纹 整张皮 带头 见面交易)
        family = TRADE_PATTERN_CATEGORY.split(".")[0] + "."
        shown, _traits = self._shown_category(signal_places, family, 3, True)
        if not provenance and shown is None:
            # a listing that hides what its animal is, and moves the deal out of sight, says as much as provenance
            evasion = any(sig.kind == "evasion" for signals, *_ in signal_places for sig in signals)
            if concealment is None or not evasion:
                return None
            route["concealment"] = concealment
        if part is None and (provenance or concealment) and self._single_parts is not None:
            part = next(
                (
                    (_Signal("part", "part", None, match.group(), False, False), view, match.start(), match.end())
                    for view in views
                    for match in self._single_parts.finditer(view.norm.text)
                    if self._stands_alone(view, match.start(), match.end(), provenance)
                ),
                None,
            )
        if part is None:
            return None
        sig, view, start, end = part
        # a live animal's word only one category sells (幼鸟: a live bird) names the animal better than traits others
        # share (亲人); a part (皮, 头骨, 整张) may be any animal's
        owners = [c.id for c in self.categories.values() if c.id.startswith(family) and sig.word in c.product_forms]
        if len(owners) == 1 and owners[0] != TRADE_PATTERN_CATEGORY and sig.word in self._live_words:
            shown = owners[0]
            route["part_of"] = shown
        if shown is None:  # one trait alone (锥形, 黑毛) still names the category better than none
            shown = self._shown_category(signal_places, family, 2, True)[0]
        category = shown or TRADE_PATTERN_CATEGORY
        ref = _TermRef(category, sig.word, "trade_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "trade_pattern_context", "category": category, "part": sig.word,
                       "provenance": provenance, **route, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def _bred_animal(
        self,
        live: list[tuple[_TermRef, _FieldView, int, int, int, int]],
        views: list[_FieldView],
        signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]],
    ) -> dict[str, Any] | None:
        """The ``bred_term`` rule when the listing's animal is bred, not taken from the wild: it says so (人工繁殖,
        猫舍, 家养) and either names a species the national list protects only in the wild (乌龟 as a pet) or shows
        the papers of a legal trade in bred animals (驯养繁殖证明, 血统证), and it talks no evasion, concealment or
        wild provenance (不是野生 denies it). None otherwise."""
        terms = sorted({ref.term for ref, *_ in live if ref.category.startswith(_WILDLIFE_PREFIX)})
        if not terms:
            return None
        negations = self._term_negations
        for signals, view, start, _end in signal_places:
            for sig in signals:
                if sig.kind in ("evasion", "conceal") or (
                    sig.kind == "provenance" and not self._negated_before(view.norm.text, start, negations)
                ):
                    return None
        bred = self._first_unnegated(self._bred, views, negations)
        if bred is None:
            return None
        wild_only = sorted({ref.term for ref, *_ in live if (ref.category, ref.term) in self._wild_only})
        licence = self._first_unnegated(self._licences, views, negations)
        if not wild_only and licence is None:
            return None
        how = {"licence": licence} if licence is not None else {"wild_only": wild_only}
        return {"rule": "bred_term", "terms": terms, "bred": bred, **how, "points": 0}

    @staticmethod
    def _negated_before(text: str, start: int, negations: tuple[str, ...]) -> bool:
        before = text[max(0, start - 3) : start]
        return any(before.endswith(word) for word in negations)

    def _first_unnegated(
        self, pattern: re.Pattern[str] | None, views: list[_FieldView], negations: tuple[str, ...]
    ) -> str | None:
        """The first word of ``pattern`` in the listing that no negation stands right before (没有繁育证)."""
        if pattern is not None:
            for view in views:
                for match in pattern.finditer(view.norm.text):
                    if not self._negated_before(view.norm.text, match.start(), negations):
                        return match.group()
        return None

    def _names_farmed(self, views: list[_FieldView]) -> bool:
        """Whether the listing names a farmed animal (土鸡 现杀, 活的 鲫鱼) other than to deny it (不是牛鞭) or as the
        wild kind (野兔, 野鸭)."""
        return self._names_undenied(self._farmed, views, _WILD_KIND)

    def _names_undenied(
        self,
        pattern: re.Pattern[str] | None,
        views: list[_FieldView],
        wild_kind: str,
        inside: Sequence[tuple[_FieldView, int, int]] = (),
    ) -> bool:
        """Whether a word of ``pattern`` stands in the listing neither right after a negation nor, if ``wild_kind``
        is given, right after it, nor within one of the ``inside`` places."""
        if pattern is None:
            return False
        negations = self._term_negations
        for view in views:
            text = view.norm.text
            for match in pattern.finditer(text):
                before = text[max(0, match.start() - 3) : match.start()]
                if (
                    not (wild_kind and before.endswith(wild_kind))
                    and not any(before.endswith(w) for w in negations)
                    and not any(v is view and s <= match.start() and match.end() <= e for v, s, e in inside)
                ):
                    return True
        return False

    @staticmethod
    def _stands_after_a_word(view: _FieldView, start: int, end: int) -> bool:
        """A form of a live animal (活的) only where it starts a word: 刚下山的 活的, never 好养活的, 包活的."""
        o_start = view.span(start, end)[0]
        text = view.norm.original
        before = text[o_start - 1] if o_start else " "
        return not before.isalnum() or before in _WORD_ENDS

    def _counted_forms(self, views: list[_FieldView]) -> list[tuple[str, str, _FieldView, int, int]]:
        """(category, words, view, start, end) of each one-character unit of prohibited goods after a count (36发,
        一桶): a product form of each category that lists the unit."""
        counted: list[tuple[str, str, _FieldView, int, int]] = []
        if self._counted is not None:
            units = self._counted_units
            for view in views:
                for match in self._counted.finditer(view.norm.text):
                    for category_id in units[match.group(1)]:
                        counted.append((category_id, match.group(), view, match.start(1), match.end(1)))
        return counted

    def _goods_pattern(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]], views: list[_FieldView]
    ) -> tuple[tuple[_TermRef, _FieldView, int, int, int, int], dict[str, Any]] | None:
        """Prohibited goods sold by their trade with no product word (大家伙 全套 散件 自己装 懂的来; 一箱36发
        过年 快递不收): with evasion or concealment talk and nothing of an animal, the one prohibited
        category whose product forms (散件, a unit after a count: 36发, 一桶) and traits (自己装, 打野兔) the
        listing shows most, by at least _GOODS_PATTERN_MIN points and two words, becomes a hit at its first word
        shown."""
        talk = False
        for signals, *_place in signal_places:
            for sig in signals:
                if sig.kind in ("part", "live", "provenance"):
                    return None  # an animal's part or a live animal is wildlife's trade pattern
                if sig.kind in ("evasion", "conceal"):
                    talk = True
        if not talk:
            return None
        counted = self._counted_forms(views)
        # a word read across two words (包过 in 大礼包 过年) is not shown
        places = [
            place for place in signal_places
            if _whole_words_across_spaces(place[1].norm.original, *place[1].span(place[2], place[3]))
        ]  # fmt: skip
        category, shown = self._shown_category(
            places,
            _GOODS_FAMILY,
            _GOODS_PATTERN_MIN,
            counted=[(c, w) for c, w, *_ in counted],
            commerce_fallback=False,
        )
        if category is None or len(shown) < 2:  # a form and a trait, or two of either: never one word alone
            return None
        anchors = [
            (view, start, end)
            for signals, view, start, end in places
            for sig in signals
            if sig.category == category and sig.word in shown
        ] + [(view, start, end) for c, _w, view, start, end in counted if c == category]
        view, start, end = min(anchors, key=lambda a: (a[0].offset, a[1]))
        word = view.norm.text[start:end]
        ref = _TermRef(category, word, "goods_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "goods_pattern_context", "category": category, "shown": shown, "points": 0}
        return (ref, view, start, end, o_start, o_end), explanation

    def _function_pattern(
        self, signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]], views: list[_FieldView]
    ) -> tuple[tuple[_TermRef, _FieldView, int, int, int, int], dict[str, Any]] | None:
        """Prohibited goods told by what they do, not by name (打电话就能听 对方不知道; 点火 升空 一箱36发; 代开
        税点低 私聊): the one prohibited category of which the listing shows a function (``functions`` of
        prohibited.yaml) and company, _FUNCTION_PATTERN_WORDS words of that category in all (its functions, its
        traits, its product forms, a count of its unit), becomes a hit at its first function. Without evasion,
        concealment or trade talk the company must be a trait, or a third word with a second function or trait:
        an ordinary camera 能拍 远程 and a drone that 升空 上天 name what ordinary goods do. A word two categories
        list tells neither; a listing that shows an animal's part, a live animal or wild provenance is wildlife's
        (its trade pattern)."""
        if not any(sig.kind == "function" for signals, *_place in signal_places for sig in signals):
            return None  # the pattern is anchored on a function: without one, nothing below can make it
        spread = self._trait_spread
        commerce = self._commerce
        talk = False
        shown: dict[str, dict[str, tuple[int, _FieldView, int, int]]] = {}
        for signals, view, start, end in signal_places:
            for sig in signals:
                kind = sig.kind
                if kind in ("live", "provenance") or (kind == "part" and sig.label != "fresh"):
                    return None
                whole = _whole_words_across_spaces(view.norm.original, *view.span(start, end))
                if kind in ("evasion", "conceal", "trade") and sig.word not in commerce:
                    talk = talk or whole  # 包过 read across 大礼包 过年 is no talk
                elif (
                    kind in ("function", "suspicious", "form")
                    and sig.category is not None
                    and sig.category.startswith(_GOODS_FAMILY)
                    and sig.word not in commerce
                    and (kind == "function" or spread.get(sig.word, 0) == 1)
                    and whole
                ):
                    # 2 a function, 1 a trait, 0 a product form
                    rank = 2 if kind == "function" else 1 if kind == "suspicious" else 0
                    words = shown.setdefault(sig.category, {})
                    if rank > words.get(sig.word, (-1,))[0]:
                        words[sig.word] = (rank, view, start, end)
        for category_id, word, view, start, end in self._counted_forms(views):
            shown.setdefault(category_id, {}).setdefault(word, (0, view, start, end))
        functions = self._function_spread
        candidates = []
        for category_id, found in shown.items():
            # a word inside another one shown (看不出来 in 别人看不出来) is that word again
            words = {
                w: place for w, place in found.items()
                if not any(o != w and p[1] is place[1] and p[2] <= place[2] and place[3] <= p[3]
                           for o, p in found.items())
            }  # fmt: skip
            told = [w for w, (rank, *_p) in words.items() if rank == 2 and functions.get(w) == 1]
            ranks = [rank for rank, *_p in words.values()]
            strong = sum(1 for rank in ranks if rank > 0)
            alone = strong >= _FUNCTION_PATTERN_WORDS and (1 in ranks or len(words) > _FUNCTION_PATTERN_WORDS)
            if told and len(words) >= _FUNCTION_PATTERN_WORDS and (talk or alone):
                shown[category_id] = words
                candidates.append((sum(rank + 1 for rank in ranks), category_id, told))
        if not candidates:
            return None
        candidates.sort(reverse=True)
        if len(candidates) > 1 and candidates[1][0] == candidates[0][0]:
            return None  # a tie names none
        _points, category, told = candidates[0]
        words = shown[category]
        _rank, view, start, end = min((words[w] for w in told), key=lambda p: (p[1].offset, p[2]))
        word = view.norm.text[start:end]
        ref = _TermRef(category, word, "function_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {
            "rule": "function_pattern_context",
            "category": category,
            "functions": sorted(told),
            "company": sorted(w for w in words if w not in told),
            "talk": talk,
            "points": 0,
        }
        return (ref, view, start, end, o_start, o_end), explanation

    @staticmethod
    def _trade_talk(signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]]) -> bool:
        """Whether the listing talks trade, evasion or wild provenance (私聊, 不走物流, 野山货)."""
        return any(sig.kind in _TALK for signals, *_ in signal_places for sig in signals)

    @staticmethod
    def _stands_alone(view: _FieldView, start: int, end: int, provenance: Sequence[str] = ()) -> bool:
        """A one-character part (胆, 骨, 角) only as a word of its own: 野生 骨 一副, 野生的胆, 带皮带骨, right after a
        word of wild provenance (野生鞭), or ground to powder (胆粉); never inside another word (骨瓷, 角落, 胆大,
        牛角梳)."""
        if end - start > 1:
            return True
        o_start, o_end = view.span(start, end)
        text = view.norm.original
        before = text[o_start - 1] if o_start else " "
        after = text[o_end] if o_end < len(text) else " "
        after_word = (
            not before.isalnum() or before in _PART_AFTER or any(view.norm.text[:start].endswith(w) for w in provenance)
        )
        return after_word and (not after.isalnum() or after in _PART_BEFORE)

    def _innocence_cleared(
        self,
        view: _FieldView,
        start: int,
        end: int,
        neutral: list[tuple[_FieldView, int, int, str]],
        negations: tuple[str, ...],
        negated_ends: set[tuple[str, int]],
        rules: list[dict[str, Any]],
        word: str,
    ) -> bool:
        """True when an innocence word says nothing about the goods: inside a neutral phrase, a flavour of the
        goods (水果味 of an e-cigarette), the cover a listing declares the goods as (快递单写厨具, 写的是工艺品), what
        they were made into (做成了地毯), or negated (right after a negation, or right after another negated
        innocence word: 非人工合成)."""
        for nview, ns, ne, phrase in neutral:
            if nview is view and ns <= start and end <= ne:
                rules.append({"rule": "innocence_neutral", "signal": word, "phrase": phrase, "field": view.name,
                              "points": 0})  # fmt: skip
                return True
        if end - start > 1 and not self._one_clause(view, start, end):
            # folding drops punctuation, so 水，果园 reads 水果园; a word split by punctuation was never written
            rules.append({"rule": "innocence_across_clauses", "signal": word, "field": view.name, "points": 0})
            return True
        if self._scoped_out(view, start, end, word, rules):
            return True
        if word in self._media_words and self._withheld(view, start, end):
            rules.append({"rule": "innocence_withheld", "signal": word, "field": view.name, "points": 0})
            return True
        if self._flavours:
            text = view.norm.text
            for flavour in self._flavours:
                # in one clause: 植物，味道苦 says a plant, then its taste
                if text.startswith(flavour, end) and self._one_clause(view, start, end + len(flavour)):
                    rules.append({"rule": "innocence_flavour", "signal": word, "flavour": flavour, "field": view.name,
                                  "points": 0})  # fmt: skip
                    return True
        if start and (self._covers or self._made_into):
            # the cover may name the goods in a few words before the word (外包装写婚庆道具): the marker ends within
            # _COVER_REACH characters before it, in the same clause
            before = view.norm.text[max(0, start - _COVER_REACH - 8) : start]
            for rule, markers in (("innocence_cover", self._covers), ("innocence_made_into", self._made_into)):
                for cover in markers:
                    at = before.rfind(cover)
                    if (
                        at >= 0
                        and len(before) - at - len(cover) <= _COVER_REACH
                        and self._one_clause(view, start - len(before) + at, end)
                    ):
                        rules.append({"rule": rule, "signal": word, "cover": cover, "field": view.name, "points": 0})
                        return True
        if start and negations:
            text = view.norm.text
            found: str | None = None
            for candidate in negations:
                if (
                    start >= len(candidate)
                    and text.startswith(candidate, start - len(candidate))
                    and self._starts_a_word(view, start - len(candidate), candidate)
                ):
                    found = candidate
                    break
            else:
                found = "" if (view.name, start) in negated_ends else self._reaching_negation(view, start, negations)
            negation = found
            if negation is not None:
                negated_ends.add((view.name, end))
                rules.append({"rule": "innocence_negated", "signal": word, "negation": negation,
                              "field": view.name, "points": 0})  # fmt: skip
                return True
        return False

    @staticmethod
    def _starts_a_word(view: _FieldView, start: int, word: str) -> bool:
        """Whether a Latin negation (not, non) found at folded ``start`` begins a word of the original text: folding
        drops spaces, so the end of "cannot" or "piano" reads the same as "not" or "no"."""
        if not word.isascii():
            return True
        o_start = view.span(start, start + len(word))[0]
        return o_start == 0 or not view.norm.original[o_start - 1].isalpha()

    def _withheld(self, view: _FieldView, start: int, end: int) -> bool:
        """True when a refusal follows a media word (at once or one character later: 照片都不发) and a verb of showing
        follows the refusal within three characters, all in one clause (照片不方便发, 视频不给看)."""
        following = view.norm.text[end : end + _WITHHELD_REACH]
        for refusal in self._refusals:
            at = following.find(refusal)
            if 0 <= at <= 1:
                after = at + len(refusal)
                rest = following[after : after + 4]
                for verb in self._showing:
                    where = rest.find(verb)
                    if where >= 0 and self._one_clause(view, start, end + after + where + len(verb)):
                        return True
        return False

    def _reaching_negation(self, view: _FieldView, start: int, negations: tuple[str, ...]) -> str | None:
        """A negation of two or more characters a few words before an innocence word, in the same run of text,
        that reaches it across a noun phrase (不是那种塑料水弹, 不是水弹那种塑料玩具); a word of contrast or a
        modifier's 的 (是, 但, 的), or a space or punctuation between them ends its reach (不是象牙是树脂, 不是象牙
        树脂, 不是金属的那种塑料玩具)."""
        text = view.norm.text
        before = text[max(0, start - _NEGATION_REACH) : start]
        for candidate in negations:
            at = before.rfind(candidate) if len(candidate) > 1 else -1
            if at < 0:
                continue
            gap = before[at + len(candidate) :]
            offsets = view.offsets()
            between = view.norm.original[offsets[start - len(before) + at] : offsets[start]]
            if (
                gap
                and not any(c in _NEGATION_STOPS for c in gap)
                and all(c.isalnum() for c in between)
                and self._starts_a_word(view, start - len(before) + at, candidate)
            ):
                return candidate
        return None

    def _names_goods(
        self,
        ref: _TermRef,
        view: _FieldView,
        start: int,
        end: int,
        signal_places: list[tuple[tuple[_Signal, ...], _FieldView, int, int]],
    ) -> tuple[str, str] | None:
        """(rule, word) when a term names other goods rather than being sold: a Latin brand right beside it (SK-II
        神仙水); a creature's character joined to a prohibited term (白粉虱: a pest); goods made for an animal right
        after its name (珊瑚灯, 乌龟缸) unless the listing talks evasion; or the head noun of other goods a few
        characters after it in one clause (穿山甲 管道疏通机, 鸳鸯戏水刺绣枕套), unless that noun is the category's own
        goods, or the listing talks trade or shows a trait of the category's goods (监听 软件 看对方聊天记录)."""
        o_start, o_end = view.span(start, end)
        original = view.norm.original
        if "-" in original:
            brand = _BRAND_BEFORE.search(original, max(0, o_start - 40), o_start) or _BRAND_AFTER.match(original, o_end)
            if brand is not None:
                return "brand_term", brand.group().strip()
        text = view.norm.text
        after = original[o_end : o_end + 1]
        if (
            ref.category.startswith(_GOODS_FAMILY)
            and after in self._creatures
            and not any(after in word for word in self._own_goods.get(ref.category, ()))
        ):
            # 白粉虱, 白粉蝶 written as one word: a pest, not the goods; a creature the category's own traits name
            # (打鸟 of an air gun) is its prey
            return "creature_term", after
        # the head follows the name in the same word (珊瑚灯, not 蓝点颏 笼子), or ends a name written as one word (an
        # alias 珊瑚缸): the goods still follow two characters of it
        accessory = (
            None
            if not ref.category.startswith(_WILDLIFE_PREFIX)
            else (self._accessory_heads.starting_at(text, end) if after and not after.isspace() else None)
            or next(
                (
                    found
                    for back in range(1, end - start - 1)
                    if (found := self._accessory_heads.starting_at(text, end - back)) is not None
                    and len(found[1]) == back
                ),
                None,
            )
        )
        if accessory is not None and not any(
            sig.kind in ("evasion", "conceal") for signals, *_ in signal_places for sig in signals
        ):
            return accessory  # goods for the animal (珊瑚灯, 龟粮): its traits (海缸) are theirs too
        own = self._own_goods.get(ref.category, frozenset())
        chinese = 0
        for at in range(end, min(end + _HEAD_SPAN, len(text))):
            head = self._goods_heads.starting_at(text, at)
            if head is not None and head[1] not in own and self._one_clause(view, start, at + len(head[1])):
                shown = any(
                    sig.kind in _TALK or (sig.kind == "suspicious" and sig.category == ref.category)
                    for signals, *_ in signal_places
                    for sig in signals
                )
                return None if shown else head
            if is_cjk(text[at]):
                chinese += 1
                if chinese > _HEAD_REACH:
                    break
        return None

    def _scoped_out(self, view: _FieldView, start: int, end: int, word: str, rules: list[dict[str, Any]]) -> bool:
        """True when the sentence around an innocence word says it is not the goods: a colour word that describes
        the goods instead of offering a choice (颜色金黄), a comparison that sets the goods apart from it
        (和骨雕塑料差别很大, 比人工香), the cover it is declared as (工艺品名义发货) or takes back (工艺品 实为老料).
        The folded text finds the markers; the original text tells where a clause ends."""
        text = view.norm.text
        how: dict[str, str] | None = None
        if word in self._choice_words:
            o_end = view.span(start, end)[1]
            original = view.norm.original
            window = original[o_end : o_end + 4].lstrip()
            offers = any(m in window[: len(m) + 1] for m in self._choice_markers)
            if window and not _breaks_clause(window[0]) and not offers:
                how = {"rule": "innocence_descriptive", "describes": window}
        if how is None:
            before = text[max(0, start - 6) : start]
            if before:
                # 比 right before the word or a short modifier away (比现在的树脂货重)
                at, comparative = max(((before.rfind(m), m) for m in self._comparatives), default=(-1, ""))
                if at >= 0 and self._one_clause(view, start - len(before) + at, end):
                    how = {"rule": "innocence_compared", "marker": comparative}
                elif any(m in before for m in self._comparisons):
                    rest = text[end : end + 14]
                    for difference in self._differences:
                        at = rest.find(difference)
                        if at >= 0 and self._one_clause(view, start - 1, end + at + len(difference)):
                            how = {"rule": "innocence_compared", "marker": difference}
                            break
        if how is None and self._cover_after:
            # the cover may name the goods in a few words (儿童玩具的名义): the marker within four characters
            following = text[end : end + 8]
            for cover in self._cover_after:
                at = following.find(cover)
                if 0 <= at <= 4 and self._one_clause(view, start, end + at + len(cover)):
                    how = {"rule": "innocence_cover", "cover": cover}
                    break
        if how is None and self._reveals:
            following = text[end : end + 30]
            for marker in self._reveals:
                at = following.find(marker)
                if at >= 0:
                    revealed = following[at + len(marker) : at + len(marker) + 8]
                    if not any(w in revealed for w in self._imitation_words):
                        how = {"rule": "innocence_revealed", "marker": marker}
                    break
        if how is None:
            return False
        rules.append({**how, "signal": word, "field": view.name, "points": 0})
        return True

    @staticmethod
    def _shapes_a_term(view: _FieldView, end: int, spans: list[tuple[int, int]] | None) -> bool:
        """True when a term hit starts right after a shape word ending at ``end``, or a short modifier later
        (造型的冷烟花), in one clause."""
        return bool(spans) and any(
            end <= ts <= end + _SHAPE_REACH and Scorer._one_clause(view, end - 1, ts + 1) for ts, _te in spans or ()
        )

    @staticmethod
    def _one_clause(view: _FieldView, start: int, end: int) -> bool:
        """True when no punctuation lies between folded positions ``start`` and ``end`` in the original text."""
        if start < 0 or end > len(view.norm.text):
            return False
        o_start, o_end = view.span(start, end)
        return not any(_breaks_clause(c) for c in view.norm.original[o_start:o_end])

    def _boundary_ok(self, view: _FieldView, start: int, end: int, ascii_start: bool, ascii_end: bool) -> bool:
        """Latin-script patterns must start and end at word boundaries of the original text."""
        if not (ascii_start or ascii_end):
            return True
        offsets = view.offsets()
        o_start, o_end = offsets[start], offsets[end - 1] + 1
        original = view.norm.original
        table = self._fold_table
        if ascii_start and o_start > 0:
            before = table[ord(original[o_start - 1])]
            if before is not None and _ascii_alnum_code(before if isinstance(before, int) else ord(before[-1])):
                return False
        if ascii_end and o_end < len(original):
            after = table[ord(original[o_end])]
            if after is not None and _ascii_alnum_code(after if isinstance(after, int) else ord(after[0])):
                return False
        return True

    def _score_category(
        self,
        category: Category,
        items: list[tuple[_TermRef, _FieldView, int, int, int, int]],
        signals: list[_Signal],
        price: float | None,
        live_goods: bool = False,
    ) -> tuple[int, list[dict[str, Any]]]:
        w = self.weights
        cid = category.id
        severity = category.severity
        # innocence: one penalty per distinct kind (``innocence_<kind>`` weighs a kind apart from the
        # default), never from words inside a term hit
        innocence_kinds: dict[str, str] = {}
        ignored = self._ignored_innocence.get(cid, frozenset())
        form: str | None = None
        fired: dict[str, list[str]] = {}
        if live_goods:
            ignored = ignored | self._accessory_kinds
        if all(ref.rule in _PATTERN_RULES for ref, *_place in items):
            ignored = ignored | self._form_kinds  # goods no word names may be the ornament (猫王牙挂件)
        ignored_words: set[str] = set()
        own_goods = self._own_goods.get(cid, frozenset())
        own_innocence = self._own_innocence.get(cid, frozenset())
        for sig in signals:
            kind = sig.kind
            if kind == "innocence":
                label = sig.label
                # a word of a kind that says nothing here says nothing as the category's word either (鸟粮 of a
                # live bird for sale)
                if label in ignored:
                    ignored_words.add(sig.word)
                elif (
                    label not in innocence_kinds
                    and sig.word not in ignored_words
                    and sig.word not in own_goods
                    # a category's own innocence word (摆件 of a live bird) counts there, not again as a form
                    and not (label in self._form_kinds and sig.word in own_innocence)
                ):
                    innocence_kinds[label] = sig.word
            elif kind == "form":
                if form is None:
                    form = sig.word
            else:  # evasion, trade, suspicious
                words = fired.get(kind)
                if words is None:
                    fired[kind] = [sig.word]
                elif sig.word not in words:
                    words.append(sig.word)
        penalty = (
            min(w["innocence_cap"], sum(w.get(f"innocence_{kind}", w["innocence"]) for kind in innocence_kinds))
            if innocence_kinds
            else 0
        )

        # a homonym kind (a gemstone's 红料) says what a code word means here: it counts against code words too
        homonyms = [kind for kind in innocence_kinds if kind in self._homonym_kinds]
        code_penalty = (
            min(w["innocence_cap"], sum(w.get(f"innocence_{kind}", w["innocence"]) for kind in homonyms))
            if homonyms
            else 0
        )

        # a code word hides the name; where the listing names the goods in the open as well, the code word is
        # that name again and no longer stands above the listing's innocence (穿山甲 钥匙扣 甲片)
        named = any(not item[0].code for item in items)
        if named:
            code_penalty = penalty
        best_points = -math.inf
        best_item = items[0]
        for item in items:
            ref = item[0]
            factor = 1.0 if ref.rule in _PATTERN_RULES else w[f"{item[1].name}_factor"]
            points = ref.weight * factor * severity - (code_penalty if ref.code else penalty)
            if points > best_points:
                best_points, best_item = points, item
        ref, view = best_item[0], best_item[1]
        # a pattern's anchor (a concealment phrase, a trait) is no weaker in the description than in the title
        factor = 1.0 if ref.rule in _PATTERN_RULES else w[f"{view.name}_factor"]
        rules: list[dict[str, Any]] = [
            {
                "rule": f"term:{ref.rule}",
                "category": cid,
                "term": ref.term,
                "matched": view.norm.original[best_item[4] : best_item[5]],
                "field": view.name,
                "weight": ref.weight,
                "field_factor": factor,
                "severity": severity,
                "points": round(ref.weight * factor * severity, 1),
            }
        ]
        total = ref.weight * factor * severity
        if innocence_kinds:
            if ref.code and homonyms and not named:
                rules.append(
                    {
                        "rule": "homonym",
                        "category": cid,
                        "signals": {k: innocence_kinds[k] for k in sorted(homonyms)},
                        "points": -code_penalty,
                    }
                )
                total -= code_penalty
            elif ref.code and not named:
                rules.append(
                    {
                        "rule": "code_word_overrides_innocence",
                        "category": cid,
                        "signals": sorted(innocence_kinds.values()),
                        "points": 0,
                    }
                )
            else:
                rules.append(
                    {
                        "rule": "innocence",
                        "category": cid,
                        "signals": {k: v for k, v in sorted(innocence_kinds.items())},
                        "weight": w["innocence"],
                        "points": -penalty,
                    }
                )
                total -= penalty
                namesakes = {k: v for k, v in sorted(innocence_kinds.items()) if k in self._namesake_kinds}
                if namesakes:  # goods of another kind altogether (大熊猫 金银币): a namesake a model must not lift
                    rules.append({"rule": "homonym", "category": cid, "signals": namesakes, "points": 0})

        obfuscation = self._obfuscation(ref, view, best_item[2], best_item[3], best_item[4], best_item[5])
        if obfuscation is not None:
            rules.append({"rule": "obfuscation", "category": cid, "how": obfuscation, "points": w["obfuscation"]})
            total += w["obfuscation"]

        if len(items) > 1:
            # another term, or another code word of the same term (奶茶包 and 上头 both say drugs)
            best_word = view.norm.text[best_item[2] : best_item[3]]
            others = sorted(
                {r.term for r, *_ in items} - {ref.term}
                | {v.norm.text[s:e] for r, v, s, e, *_ in items if r.code and r.term == ref.term} - {best_word}
            )
            if others:
                points = min(w["corroboration_cap"], w["corroboration"] * len(others))
                rules.append({"rule": "corroboration", "category": cid, "terms": others, "points": points})
                total += points

        if form is None:
            form = self._adjacent_form(category, items) or self._counted_animal(items)
        if form is not None:
            rules.append({"rule": "product_form", "category": cid, "form": form, "points": w["form"]})
            total += w["form"]

        if fired:
            context_points = 0.0
            for kind, weight in (("evasion", "evasion"), ("trade", "trade"), ("suspicious", "suspicious"),
                                 ("context", "suspicious"), ("function", "suspicious"),
                                 ("conceal", "concealment")):  # fmt: skip
                words = fired.get(kind)
                if words:
                    points = w[weight] * len(words)
                    rules.append(
                        {"rule": weight, "category": cid, "signals": words, "weight": w[weight], "points": points}
                    )
                    context_points += points
            if context_points > w["signals_cap"]:
                rules.append({"rule": "signals_cap", "category": cid, "points": w["signals_cap"] - context_points})
                context_points = w["signals_cap"]
            total += context_points

        if price is not None and category.ordinary_price_max and price > category.ordinary_price_max:
            rules.append(
                {
                    "rule": "price_above_ordinary",
                    "category": cid,
                    "price": price,
                    "ordinary_max": category.ordinary_price_max,
                    "points": w["price"],
                }
            )
            total += w["price"]
        score = spread_score(total)
        rules.append({"rule": "category_score", "category": cid, "points": round(total, 1), "score": score})
        return score, rules

    @staticmethod
    def _obfuscation(ref: _TermRef, view: _FieldView, start: int, end: int, o_start: int, o_end: int) -> str | None:
        """How a hit was written to dodge keyword filters, or None: pinyin, a homophone or look-alike,
        characters spread out by symbols or spaced one by one (象*牙, 灰 鹦), traditional characters."""
        if ref.rule in _OBFUSCATED_RULES:
            return "homophone" if ref.rule in ("variant", "homophone") else ref.rule
        text = view.norm.original
        original = text[o_start:o_end]
        folded = view.norm.text[start:end]
        if any(ord(c) >= 0x1F400 and c in emoji_names() for c in original):
            return "emoji"  # 🦏角
        if len(original) != len(folded):
            if any(not (c.isalnum() or c.isspace()) for c in original):
                return "separators"  # 象*牙, 犀.角
            # spaces alone: only characters set apart one by one (灰 鹦, 三 棱 刺), not two words that
            # happen to meet (急出 卡西欧)
            spaced = sum(1 for c in original if c.isspace()) >= len(folded) - 1
            before = text[o_start - 1] if o_start else " "
            after = text[o_end] if o_end < len(text) else " "
            if spaced and not before.isalnum() and not after.isalnum():
                return "separators"
            return None
        if original != folded and any(a != b and is_cjk(a) for a, b in zip(original, folded, strict=True)):
            return "traditional"
        return None

    def _adjacent_form(
        self, category: Category, items: list[tuple[_TermRef, _FieldView, int, int, int, int]]
    ) -> str | None:
        """A one-character product form (皮, 骨, 牙) right after a species name."""
        adjacent = self._adjacent_forms.get(category.id)
        if adjacent:
            for _ref, view, _s, e, _os, _oe in items:
                following = view.norm.text[e : e + 2]
                for char in following:
                    if char in adjacent:
                        return char
        return None

    @staticmethod
    def _counted_animal(items: list[tuple[_TermRef, _FieldView, int, int, int, int]]) -> str | None:
        """A count of animals a few words after a species name of the national list (黄爪隼 出 一只, 石龟 两只): the
        listing offers the animals themselves, which says as much as a product form."""
        for ref, view, _s, e, _os, _oe in items:
            if ref.rule == "species":
                found = _count_after(view, e)
                if found is not None:
                    return found
        return None

    # ------------------------------------------------------------------------------------------ explain

    def explain(self, text: str, description: str = "", price: float | None = None) -> dict[str, Any]:
        """The normalised text, the hits and the score breakdown of one piece of text."""
        result = self.score({"title": text, "description": description, "price": price})
        return {
            "normalised": self.normaliser.canonical(text),
            "normalised_description": self.normaliser.canonical(description) if description else "",
            **result.to_dict(),
        }


SPREAD_FROM = 80
SPREAD_SCALE = 30


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first."""
    return "|".join(re.escape(w) for w in sorted({w for w in words if w}, key=len, reverse=True))


def _capture_pattern(places: list[str], doers: list[str], verbs: list[str]) -> re.Pattern[str] | None:
    """Provenance told as a capture: a place of the wild and, at most three characters later, a verb of catching
    (山里刚抓的, 林子里逮的, 刚从山上下来), or a doer right before the verb and 的 (自己套的); on folded text."""
    if not verbs or not (places or doers):
        return None
    verb = _alternatives(verbs)
    forms = []
    if places:
        forms.append(f"(?:{_alternatives(places)}).{{0,3}}?(?:{verb})")
    if doers:
        forms.append(f"(?:{_alternatives(doers)})(?:{verb})的")
    return re.compile("|".join(forms))


def spread_score(points: float) -> int:
    """Points to the 0-100 score: unchanged up to SPREAD_FROM, then compressed toward 100 without reaching it,
    so that strong leads keep their order instead of all sharing 100 (a listing with every signal stays
    above one with a few)."""
    if points <= SPREAD_FROM:
        return max(0, round(points))
    room = 100 - SPREAD_FROM
    return min(99, round(SPREAD_FROM + room * (1 - math.exp(-(points - SPREAD_FROM) / SPREAD_SCALE))))


def _count_after(view: _FieldView, end: int, reach: int = _COUNT_REACH) -> str | None:
    """A count of animals (一只, 两条) within ``reach`` folded characters after ``end``, in the same clause. A species
    name followed by one names the animals for sale; right after it (白鹤 一只, not 鹰嘴一只), it is the context an
    ambiguous name needs."""
    found = _COUNTED_ANIMALS.search(view.norm.text, end, end + reach)
    if found is None or not Scorer._one_clause(view, end - 1, found.end()):
        return None
    return found.group()


def _breaks_clause(char: str) -> bool:
    """Punctuation ends a clause; letters, digits and spaces (which separate a title's words) do not."""
    return not (char.isalnum() or char.isspace())


def _whole_words_across_spaces(text: str, start: int, end: int) -> bool:
    """A code word that runs across a space must start and end at the edges of the words it joins: 叶 子 is spelled
    apart, but 包过 in 大礼包 过年 is the end of one word and the start of the next (a name keeps its reading:
    亚洲犀 角尖)."""
    if not any(c.isspace() for c in text[start:end]):
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _drop_straddling(
    live: list[tuple[_TermRef, _FieldView, int, int, int, int]],
) -> list[tuple[_TermRef, _FieldView, int, int, int, int]]:
    """Drop a hit that starts inside an earlier hit of another category and ends after it, or lies inside a longer
    hit of another category (犀鸟 of live birds inside 盔犀鸟, the hornbill): the longer name says what it is."""
    kept = []
    for item in live:
        ref, view, start, end = item[0], item[1], item[2], item[3]
        if any(
            other[1] is view
            and other[0].category != ref.category
            and (
                other[2] < start < other[3] < end
                or (other[2] <= start and end <= other[3] and other[3] - other[2] > end - start)
            )
            for other in live
        ):
            continue
        kept.append(item)
    return kept


def _book_spans(text: str) -> list[tuple[int, int]]:
    if "《" not in text and "〈" not in text:
        return []
    return [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(text)]


def _price(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = re.search(r"\d+(?:\.\d+)?", str(value).replace(",", ""))
        if not match:
            return None
        number = float(match.group())
    return number if math.isfinite(number) and number >= 0 else None

"""The tables a scorer is built from: the matcher's patterns (every term, its spellings, every signal word and
phrase, each with what it stands for) and the word tables the scorer and its pattern objects read beside them
(one-character parts and forms, farmed and pet animals, capture talk, diagnostic traits, homophone readings).
Built once per scorer from the watchlists; the built scorer is cached (:mod:`.built`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .clauses import COUNTED, PLACE_REACH, SPLIT_TRAIT_GAP, is_ascii_alnum
from .fold_text import Normaliser, is_cjk, syllables
from .homophones import build_table, dictionary_words, usable
from .markers import alternatives, longest_first
from .payloads import PLACED_PART, REHEADED, WILD_KIND, YOUNG_PART, Mask, Payload, Signal, TermRef
from .remedies import actions
from .scope import NEGATION_STOPS
from .shapes import shape_spellings
from .shown import GOODS_FAMILY, WILDLIFE_PREFIX
from .spellings import (
    code_word_spellings,
    digit_spellings,
    emoji_spellings,
    english_capitals,
    english_forms,
    numeral_spellings,
    pinyin_spellings,
)
from .watchlist import (
    WILD_ONLY_NOTE,
    Category,
    MarkParaphrases,
    TermSpec,
    Watchlists,
    generated_functions,
    made_to_order,
    passing_checks,
    swapped_heads,
    told_by_appearance,
    told_by_dose,
    told_by_effect,
    told_by_harm,
    told_by_likeness,
    told_by_lookup,
    told_by_missing_marks,
    told_by_search,
    told_by_skipped_step,
    told_by_use,
    told_by_victim,
    told_by_wakefulness,
)

# goods that say which term a word reading like one stands for (带帽 梳子, 带帽 手镯), if this many categories or
# fewer sell them (not 手串, 标本, 活体)
_HOMOPHONE_GOODS_SPREAD_MAX = 3
# characters (folded) a denial may reach across to the look-alike it denies (不是家养的猪)
_DENIAL_GAP = 3
# a diagnostic mark of three characters or more whose head ends two or more marks (纹, 线) may be written with
# characters between its modifier and its head (交叉的菱形网格纹: SPLIT_TRAIT_GAP)
_SPLIT_TRAIT_MIN = 3
_SPLIT_TRAIT_HEADS = 2
# characters of description (彩色长尾) a capture's animal word may stand after the capture
_CAUGHT_GAP = 4
# the possessive between an animal's name and its part (大猫的骨)
_POSSESSIVE = "的"


def mark_paraphrases(word: str, paraphrases: Iterable[MarkParaphrases]) -> tuple[str, ...]:
    """The ways a seller writes a mark named by ``word`` (交叉纹 as 交叉的纹路, 交叉纹理): its stem, two characters
    or more, before each paraphrase of the mark word it ends in (``mark_paraphrases`` of signals.yaml)."""
    for paraphrase in paraphrases:
        stem = word.removesuffix(paraphrase.mark)
        if stem != word and len(stem) >= 2:
            return tuple(stem + way for way in paraphrase.ways)
    return ()


def mark_heads(word: str, paraphrases: Iterable[MarkParaphrases], colours: frozenset[str]) -> tuple[str, ...]:
    """The mark named by ``word`` ended in each other head sellers use for it (铜钱斑 as 铜钱纹, 铜钱花: ``heads`` of
    ``mark_paraphrases``), its stem two characters or more and telling the mark's shape, not its colour: a stem
    that ends in a colour (黄底黑斑) makes each head a mark of its own, since black stripes on yellow (黄底黑纹) are a
    tiger's, not a tortoiseshell's spots."""
    for paraphrase in paraphrases:
        stem = word.removesuffix(paraphrase.mark)
        if stem != word and len(stem) >= 2:
            return () if stem[-1] in colours else tuple(stem + head for head in paraphrase.heads)
    return ()


def fold_words(fold: Callable[[str], str], words: Iterable[str]) -> tuple[str, ...]:
    """Folded, non-empty, longest first (so 不含有 is tried before 不含), words of one length in text order so
    that a scorer built in any process (whatever its hash seed) explains a listing in the same words."""
    folded = {fold(word) for word in words}
    return tuple(sorted((w for w in folded if w), key=lambda w: (-len(w), w)))


def form_words(fold: Callable[[str], str], category: Category) -> tuple[str, ...]:
    """The category's product forms, folded, in watchlist order."""
    return tuple(dict.fromkeys(f for f in (fold(w) for w in category.product_forms) if f))


@dataclass(frozen=True)
class HomophoneTables:
    """The coded readings of the terms a homophone may stand for, one automaton pattern per code."""

    kinds: list[tuple[tuple[TermRef, ...], tuple[Mask, ...], tuple[Signal, ...]]]  # per code: its terms
    spellings: list[tuple[str, ...]]  # per code: the terms as written
    goods: list[tuple[str, ...]]  # per code: the goods an ordinary word reading like it may stand before
    codes: dict[int, str]  # character -> the code of its syllable
    automaton_codes: list[str]
    context_patterns: frozenset[int]  # the pattern ids of the words a homophone needs beside it
    skip: frozenset[str]  # written forms that are never a homophone: dictionary words and patterns
    ordinary: frozenset[str]
    joins: frozenset[str]


# the character that makes a colour's name of a word (珊瑚色, 象牙色)
_COLOUR = "色"
# the word that puts a place before its verb (只在本地见面, 不在网上说)
_AT = "在"
# how often jieba's dictionary must count an adjective's noun with 色 for the adjective to be a colour (白色 2,756,
# 浅色 203; not 好色 132, "lecherous", nor 纯色 17)
_COLOUR_NOUN_MIN = 150
# the character that makes a tool's name of a verb (套子 of 套)
_TOOL = "子"


class Tables:
    """Builds the matcher's patterns and the word tables from the watchlists (:meth:`Scorer.__init__` reads them)."""

    def __init__(
        self,
        watchlists: Watchlists,
        weights: dict[str, float],
        normaliser: Normaliser,
        term_negations: tuple[str, ...],
    ) -> None:
        self.watchlists = watchlists
        self.categories = watchlists.categories
        self.weights = weights
        self.normaliser = normaliser  # spelling variants are added to it
        self._term_negations = term_negations
        self.patterns: dict[str, list[Payload]] = {}
        self.adjacent_forms: dict[str, str] = {}
        # per category: the everyday shapes its goods are sold in (笔, 棒 of an e-cigarette), folded
        self.shapes: dict[str, tuple[str, ...]] = {}
        # a function generated from a trigger and its effect -> the words it is made of (手机, 全, 没信号)
        self.effect_parts: dict[str, tuple[str, str, str]] = {}
        # the generated arrivals from a place abroad (越南过来, 边境那边带过来): smuggling talk of prohibited goods
        self.crossings: frozenset[str] = frozenset()
        # the number of categories whose trade names need a word (镜头 of a camera, 考场 of a jammer) or that list it as
        # a trait or product form: a word one category alone needs is a trait of its goods in the function pattern
        self.context_spread: dict[str, int] = {}
        # what befalls a poison's victims (根都烂, 断根): the mark of a banned product, a trait in the trait pattern
        self.victim_words: set[str] = set()
        self._short_context: dict[str, tuple[str, ...]] = {}
        # jieba's nouns and colour adjectives (see _dictionary), read once a table needs them
        self._dictionary_words: tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]] | None = None
        # the colours named after goods whose name ends in a colour (鹤顶红色), folded: each stands only where its
        # 色 ends a word (not 鹤顶红色泽)
        self.colour_names: set[str] = set()
        # the tools named in full (吹尘气枪): the name inside one is the tool's wherever the listing repeats it
        self.tool_names: set[str] = set()
        self._colours: frozenset[str] | None = None
        self._spelling_context: dict[str, tuple[str, ...]] = {}
        self._homophone_terms: dict[str, tuple[list[str], list[TermRef]]] = {}
        self._shape_terms: dict[str, list[TermRef]] = {}
        self._one_char_parts = frozenset(
            f for f in (normaliser.fold(word) for word in watchlists.signals.animal_parts) if len(f) == 1
        )
        self._uncountable = frozenset(word.lower() for word in watchlists.signals.english_uncountable)
        signals = watchlists.signals
        # the concealment phrases generated from two lists, never listed: a noun for what the goods are and a verb
        # of not telling it (品种不写), a fear of the listing's removal (怕被下架, 写了被屏蔽), and a name's odd writing
        # told as such (拼音写, 写字母, 字母自己拼)
        ways = signals.spelling_ways
        # the goods' own name (药名, 东西名字, 货的名字) is a noun for what they are too, and a verb of naming told
        # refused before it (别说名字, 别问药名, 不敢挂名字) withholds it as the verb after it does (名字不写)
        names = (
            *signals.identity_nouns,
            *(goods + name for goods in signals.goods_nouns for name in signals.name_nouns),
        )
        self._withheld = tuple(
            dict.fromkeys(
                (
                    *(noun + verb for noun in names for verb in signals.withholding_verbs),
                    *(verb + noun for noun in names for verb in signals.naming_verbs),
                    # the goods sent or listed under another name (其他名义, 别的品名)
                    *(other + name for other in signals.other_words for name in signals.cover_names),
                    *(fear + removal for fear in signals.removal_fears for removal in signals.removals),
                    *(way + verb for way in ways for verb in signals.spelling_verbs),
                    *(verb + way for way in ways for verb in signals.spelling_verbs),
                )
            )
        )
        self._build()
        self._build_shapes()

    def _add(self, text: str, payload: Payload, key: str | None = None) -> None:
        key = self.normaliser.fold(text) if key is None else key
        if not key:
            return
        if isinstance(payload, TermRef | Signal):
            payload = replace(payload, ascii_start=is_ascii_alnum(key[0]), ascii_end=is_ascii_alnum(key[-1]))
        bucket = self.patterns.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)

    def _possessive_form(self, name: str) -> str | None:
        """A name of an animal's part (大猫骨: the animal's name, two characters or more, then a one-character part)
        with the possessive between them (大猫的骨), else None."""
        folded = self.normaliser.fold(name)
        if len(folded) < 3 or folded[-1] not in self._one_char_parts or not all(map(is_cjk, folded)):
            return None
        return folded[:-1] + _POSSESSIVE + folded[-1]

    def _modified_namesakes(self, category: Category) -> tuple[str, ...]:
        """The namesakes of prohibited goods that a modifier makes of every word of them (电子礼炮, LED烟花 of
        fireworks): a category's innocence word that its own innocent phrases put right before a name of one of its
        terms (电子鞭炮, LED鞭炮) makes the same namesake of each name of that term and of each of the category's
        suspicious words that jieba's dictionary takes for a noun (礼炮), as the listed phrases are generated from,
        never typed one by one. Not of a name that holds another of those suspicious words, nor of one that a name
        holds (宠物定位器 makes no 宠物隐蔽摄录器材, no 宠物针孔): covertness is the banned kind whoever it serves."""
        if not category.id.startswith(GOODS_FAMILY):
            return ()
        fold = self.normaliser.fold
        modifiers = {fold(word) for word in category.innocence} - {""}
        suspicious = {fold(word) for word in category.suspicious} - {""}
        nouns = self._dictionary_nouns()
        every_name = {fold(name) for spec in category.terms for name in (spec.term, *spec.aliases)}
        # a suspicious noun inside a name (针孔 of 针孔摄像头, 隐形 of 隐形摄像头) qualifies the goods as covert
        goods_words = {
            w
            for w in (fold(word) for word in category.suspicious if word in nouns)
            if not any(w in n for n in every_name)
        }
        phrases = set(map(fold, category.innocent_phrases))
        out: list[str] = []
        for spec in category.terms:
            names = {fold(name) for name in (spec.term, *spec.aliases)} - {""}
            used = {m for m in modifiers for name in names if m + name in phrases}
            if not used:
                continue
            goods = {n for n in names if not any(s in n and s != n for s in suspicious)} | goods_words
            out.extend(m + word for m in sorted(used) for word in sorted(goods) if len(word) > 1)
        return tuple(dict.fromkeys(out))

    def _swapped_innocent_phrases(self, category: Category) -> tuple[str, ...]:
        """The innocent phrases of a category of goods that hold a name of it ending in a device head, with that
        head swapped as the name's is (抗干扰器: 抗干扰仪, 抗干扰设备): the generated name is innocent there too."""
        if not category.id.startswith(GOODS_FAMILY):
            return ()
        groups = self.watchlists.signals.device_heads
        names = {name for spec in category.terms for name in (spec.term, *spec.aliases)}
        out = [
            phrase.replace(name, other)
            for phrase in category.innocent_phrases
            for name in names
            if name in phrase
            for other in swapped_heads(name, groups)
        ]
        return tuple(dict.fromkeys(p for p in out if p not in category.innocent_phrases))

    def _tools_by_last_word(self, category: Category) -> tuple[str, ...]:
        """The tools named by what they work on before a one-character name of the goods (测温枪, 胶枪, 喷漆枪 of
        枪): the last two characters of each such listed innocent phrase name the same tool in any name ending in
        them (额温枪 as 测温枪, 玻璃胶枪 as 胶枪), unless they are, or end, a name of the category (手枪, 气枪,
        水弹枪), or the phrase is a noun of jieba's dictionary whole (电子枪: its last word is 电子, not 子)."""
        fold = self.normaliser.fold
        names = {
            fold(name) for spec in category.terms for name in (spec.term, *spec.aliases, *spec.variants)
        } - {""}  # fmt: skip
        singles = {name for name in names if len(name) == 1}
        if not singles:
            return ()
        tools = []
        for phrase in map(fold, category.innocent_phrases):
            tail = phrase[-2:]
            if (
                len(phrase) > 2
                and tail[-1] in singles
                and is_cjk(tail[0])
                and not any(n.endswith(tail) for n in names)
                and phrase not in self._dictionary_nouns()
            ):
                tools.append(tail)
        return tuple(dict.fromkeys(tools))

    def _tools_named_in_full(self, category: Category) -> tuple[str, ...]:
        """The tools named by what they work on before a one-character name of the goods (吹尘枪, 喷漆枪 of 枪), with
        that character written out as a two-character name of the category ending in it, a noun of jieba's
        dictionary (吹尘气枪, 喷漆气枪: a compressor's blow gun, a 气枪 in the workshop's word; 喷火枪 of 喷枪, a
        blowtorch): the same tool. Of the phrases whose last two characters name tools (:meth:`_tools_by_last_word`)
        and the tools of two characters; the name written alone elsewhere in the listing is the tool's short name
        (``tool_names``)."""
        fold = self.normaliser.fold
        names = {fold(name) for spec in category.terms for name in (spec.term, *spec.aliases)} - {""}
        tails = set(self._tools_by_last_word(category))
        singles = {tail[-1] for tail in tails}
        nouns = self._dictionary_nouns()
        # a tool of two characters ending in the same name names itself (喷枪: 喷火枪 is the blowtorch)
        tools = [
            phrase
            for phrase in map(fold, category.innocent_phrases)
            if (phrase[-2:] in tails if len(phrase) > 2 else len(phrase) == 2 and phrase[-1] in singles)
            and is_cjk(phrase[0])
            and phrase not in names
        ]
        return tuple(
            dict.fromkeys(
                tool[:-1] + name
                for tool in tools
                for name in sorted(names)
                # the tool's word and the name's first character may make another noun (水手 of 水手枪): no tool
                if len(name) == 2 and name in nouns and name[-1] == tool[-1] and tool[-2] + name[0] not in nouns
            )
        )

    def _colours_named_after(self, category: Category) -> tuple[str, ...]:
        """The colour named after a name of the category that ends in a colour's character (鹤顶红色, as 珊瑚红 and
        珊瑚色 are colours): the characters are those the listed innocent phrases put after a name whose 色 they
        list too (象牙白 beside 象牙色, 珊瑚红 beside 珊瑚色) that jieba's dictionary takes for an adjective with a
        word of their own and 色 (红色, 白色: not 塔 of 象牙塔, nor 粉 of 珊瑚粉, a powder too), so no colour is typed
        here. A code word names no colour: 一红二黑三白 grades ivory in dealers' talk, and 一红二黑三白色 is that
        talk, not a colour."""
        fold = self.normaliser.fold
        if self._colours is None:
            adjectives = self._dictionary()[1]
            phrases = {
                fold(p)
                for p in (
                    *self.watchlists.signals.innocent_phrases,
                    *(p for c in self.categories.values() for p in c.innocent_phrases),
                )
            }
            self._colours = frozenset(
                phrase[-1]
                for phrase in phrases
                if len(phrase) > 2 and phrase[-1] in adjectives and phrase[:-1] + _COLOUR in phrases
            )
        names = {
            fold(name) for spec in category.terms if spec.kind != "code_word" for name in (spec.term, *spec.aliases)
        }
        return tuple(
            sorted(name + _COLOUR for name in names if len(name) > 1 and is_cjk(name[-1]) and name[-1] in self._colours)
        )

    def _dictionary(self) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
        """jieba's nouns (tag n), its one-character adjectives (tag a) that make a word with 色 (红: 红色), those of
        them whose noun with 色 is common (the colours: 白色, 浅色) and its idioms (tag i: 虎背熊腰), read in one pass
        and only when a table needs them: the dictionary is large."""
        if self._dictionary_words is None:
            nouns: set[str] = set()
            short: dict[str, str] = {}
            colours: set[str] = set()
            idioms: set[str] = set()
            for word, count, tag in dictionary_words():
                if tag == "n":
                    nouns.add(word)
                    if len(word) == 2 and word[1] == _COLOUR and count >= _COLOUR_NOUN_MIN:
                        colours.add(word[0])
                elif tag == "i":
                    idioms.add(word)
                if len(word) <= 2:
                    short[word] = tag
            adjectives = frozenset(c for c, tag in short.items() if len(c) == 1 and tag == "a" and c + _COLOUR in short)
            self._dictionary_words = (frozenset(nouns), adjectives, adjectives & colours, frozenset(idioms))
        return self._dictionary_words

    def _idioms_holding(self, category: Category) -> tuple[str, ...]:
        """The dictionary's idioms that hold a one-character name of the category (虎背熊腰, 狼吞虎咽, 如虎添翼 of
        虎): an idiom speaks of a build or a manner, never of the animal's goods."""
        fold = self.normaliser.fold
        names = {fold(n) for spec in category.terms if spec.kind != "code_word" for n in (spec.term, *spec.aliases)}
        singles = {name for name in names if len(name) == 1 and is_cjk(name)}
        if not singles:
            return ()
        return tuple(sorted(idiom for idiom in self._dictionary()[3] if not singles.isdisjoint(idiom)))

    def _dictionary_nouns(self) -> frozenset[str]:
        return self._dictionary()[0]

    def _add_term(self, category: Category, spec: TermSpec) -> None:
        weight = float(spec.weight)
        code = spec.kind == "code_word"
        base_rule = spec.kind
        # a name that needs a word of making the goods to order (制作 of a certificate) takes the buyer's
        # particulars chosen (信息自己提供, 要什么名字) as one too, and one that needs a word of a banned poison (剧毒
        # of a rat poison) the harm it tells (闻到就死)
        signals = self.watchlists.signals
        # ... but not a disguise (外观就是个): before the device's own name (外观就是普通录音笔) it says the device
        # looks like one
        disguises = set(told_by_appearance(category, signals))
        made = (
            (
                *(f for f in generated_functions(category, signals) if f not in disguises),
                *told_by_victim(category, signals),
            )
            if spec.requires and spec.kind == "trade_name"
            else ()
        )
        requires = tuple(dict.fromkeys(f for f in (self.normaliser.fold(w) for w in (*spec.requires, *made)) if f))

        def add(
            text: str,
            rule: str,
            w: float = weight,
            is_code: bool = code,
            gated: tuple[str, ...] = (),
            source: str | None = spec.source,
        ) -> None:
            # a form that folds to one character (槍 to 枪, 弩) is the last character of countless ordinary product
            # names (额温枪, 水枪): like two initials, it counts only beside one of the category's product forms or
            # a word that moves the deal out of sight
            key = self.normaliser.fold(text)
            needs = requires or gated or (self._short_form_context(category) if len(key) == 1 else ())
            ref = TermRef(category.id, spec.term, rule, w, is_code, False, False, needs, source)
            self._add(text, ref, key)
            if len(key) == 1 and is_cjk(key):
                # and so does the character written as its two parts (木仓 for 枪)
                shape = TermRef(category.id, spec.term, "split", w * self.weights["shape_factor"], is_code, False,
                                 False, needs)  # fmt: skip
                self._shape_terms.setdefault(key, []).append(shape)

        add(spec.term, base_rule)
        for alias in spec.aliases:
            add(alias, "alias" if base_rule in ("name", "product") else base_rule)
        if category.id.startswith(GOODS_FAMILY):
            # a device named with another head of its name's group (窃听仪 of 窃听器, 电击棍 of 电击棒): the same goods,
            # beside a word of the category's goods or of a trade kept out of sight
            context = self._device_context(category)
            listed = (spec.term, *spec.aliases)
            for name in listed:
                for other in swapped_heads(name, self.watchlists.signals.device_heads):
                    if other not in listed:
                        # a word of the name itself (窃听 of 窃听仪) is no company of it
                        gated = tuple(w for w in context if w not in other)
                        add(other, "alias" if base_rule in ("name", "product") else base_rule, gated=gated)
        code_weight = float(spec.code_weight or spec.weight)
        for word in spec.code_words:
            add(word, "code_word", code_weight, True)
        if category.id.startswith(WILDLIFE_PREFIX):
            # an animal's name and its part (大猫骨, 山君皮) are also written with a possessive (大猫的骨头)
            for name, rule, w, is_code in (
                (spec.term, base_rule, weight, code),
                *((a, "alias" if base_rule in ("name", "product") else base_rule, weight, code) for a in spec.aliases),
                *((c, "code_word", code_weight, True) for c in spec.code_words),
            ):
                possessive = self._possessive_form(name)
                if possessive:
                    add(possessive, rule, w, is_code)
        for word in spec.tcm:
            add(word, "tcm")
        for word in spec.latin:
            add(word, "latin")
        # a species' English name ("snow leopard", "tortoiseshell") is also a pattern, a colour or a product line's
        # name: like its pinyin, it counts beside a product form of the category or trade talk
        english_needs = self._homophone_context(category) if spec.kind == "species" else ()
        for word in spec.english:
            for form in english_forms(word, self._uncountable):
                add(form, "english", gated=english_needs, source=spec.english_sources.get(word))
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
                    ref = TermRef(category.id, spec.term, "homophone", weight * self.weights["homophone_factor"],
                                   code, False, False, context, " ".join(reading))  # fmt: skip
                    self._homophone_terms.setdefault(folded, (reading, []))[1].append(ref)
                if folded:
                    ref = TermRef(category.id, spec.term, "lookalike", weight * self.weights["shape_factor"], code,
                                   False, False, context)  # fmt: skip
                    self._shape_terms.setdefault(folded, []).append(ref)
        forms = form_words(self.normaliser.fold, category)
        needs = {"": requires, "context": context, "forms": requires or forms,
                 "goods_and_talk": requires or tuple(form for form in forms if len(form) > 1)}  # fmt: skip
        initials_factor = self.weights["initials_factor"]
        factors = {"pinyin": pinyin_factor, "initials": initials_factor, "capitals": initials_factor,
                   "emoji": pinyin_factor, "digits": pinyin_factor, "numerals": pinyin_factor}  # fmt: skip
        # a code number of any kind of term (3911) said in Chinese numerals (三九一一) needs what the number needs
        spellings = [*english_capitals(spec.english), *numeral_spellings([spec.term, *spec.aliases])]
        if auto or (generated and spec.auto_pinyin is None):
            # a species of the national list in pinyin (huamei) could be anything without context
            names = [self.normaliser.fold(name) for name in (spec.term, *spec.aliases, *spec.tcm)]
            spellings += [
                *pinyin_spellings(names, plain=auto),
                *emoji_spellings(names),
                *digit_spellings(names, plain=auto),
            ]
        elif spec.kind == "trade_name" and spec.auto_pinyin is not False:
            # an everyday name that needs a word of its trade (摄像头 + 录像) is dodged the same way (zhen孔, SXT):
            # its pinyin and initials of three letters or more need that word too; two letters (HZ) are units
            names = [self.normaliser.fold(name) for name in (spec.term, *spec.aliases)]
            spellings += [s for s in pinyin_spellings(names, plain=True) if len(s.text) > 2]
        for spelling in spellings:
            ref = TermRef(category.id, spec.term, spelling.rule, weight * factors[spelling.rule], code, False,
                           False, needs[spelling.needs])  # fmt: skip
            self._add(spelling.text, ref)

    def _add_shorthands(self) -> None:
        """A dealer's shorthand of a wildlife term (瑁 for 玳瑁, 兕 for rhino horn: ``signals.shorthands``, read from
        the dictionary) right before a one-character part or product form of wildlife goods (瑁甲, 兕角, 罴胆) is
        that term, a spelling generated from it: it counts, as initials do, beside a product form of the term's
        category or trade talk."""
        fold = self.normaliser.fold
        signals = self.watchlists.signals
        wildlife = [c for c in self.categories.values() if c.id.startswith(WILDLIFE_PREFIX)]
        words = (*signals.animal_parts, *(form for c in wildlife for form in c.product_forms))
        parts = sorted({f for f in map(fold, words) if len(f) == 1 and is_cjk(f)})
        factor = self.weights["initials_factor"]
        for short in signals.shorthands:
            category = self.categories.get(short.category)
            spec = next((s for s in category.terms if s.term == short.term), None) if category else None
            char = fold(short.char)
            if category is None or spec is None or len(char) != 1:
                continue
            ref = TermRef(category.id, spec.term, "shorthand", spec.weight * factor, False, False, False,
                          self._homophone_context(category), short.source)  # fmt: skip
            for part in parts:
                self._add(char + part, ref)

    def _build(self) -> None:
        """The patterns of every signal word, phrase and term, and the word tables read beside them."""
        signals = self.watchlists.signals
        # the withholding verbs that refuse a question (别问, 不要打听): a noun after them is what goes unasked
        asking = [verb for verb in signals.withholding_verbs if any(ask in verb for ask in signals.asking_verbs)]
        # English evasion and bans told aside as generated pairs (no shipping, cash only, 国家不让卖)
        english = (
            *(f"{refusal} {channel}" for refusal in signals.english_refusals for channel in signals.english_channels),
            # a route refused (不走托运, 不接受物流): the parcel that records the deal is kept out of it
            *(f"{refusal}{route}" for refusal in signals.route_refusals for route in signals.routes),
            *(f"{way} {only}" for way in signals.english_handovers for only in signals.english_only),
            *(f"{only} {way}" for way in signals.english_handovers for only in signals.english_only),
            # a ban told aside (国家不让卖, 城里禁放, 快递不让走): the seller knows the goods may not be sold or sent
            *(f"{holder}{verb}" for holder in signals.ban_holders for verb in signals.ban_verbs),
            # a use the seller will not ask about (不问用途, 用途别问): whatever the buyer does with the goods
            *(f"{verb}{noun}" for noun in signals.purpose_nouns for verb in asking),
            *(f"{noun}{verb}" for noun in signals.purpose_nouns for verb in asking),
            # a deal kept to a handover that leaves no record (只见面, 只能当面, 仅限现金) or done in one (现金交易)
            *(f"{only}{way}" for way in signals.handovers for only in signals.only_words),
            *(f"{way}{deal}" for way in signals.handovers for deal in signals.deal_words),
            # the same kept to a place near the seller (只在本地见面, 仅限同城当面): the place names no route
            *(
                f"{only}{link}{place}{way}"
                for way in signals.handovers
                for only in signals.only_words
                for link in ("", _AT)
                for place in signals.local_places
            ),
            # a deal kept to buyers the seller knows (只卖熟人, 只接熟客, 仅限老客户): no stranger sees the goods
            *(
                f"{only}{verb}{buyer}"
                for only in signals.only_words
                for verb in ("", *signals.serving_verbs)
                for buyer in signals.acquaintances
            ),
            # talk of the goods refused where it is heard or kept (电话里不谈, 网上不说, 不在平台说): the deal is
            # talked of only face to face
            *(
                text
                for place in signals.talk_places
                for refusal in signals.talk_refusals
                for verb in signals.talk_verbs
                for text in (f"{place}{refusal}{verb}", f"{refusal}{_AT}{place}{verb}")
            ),
            # papers the buyer is told not to ask about (别问手续, 别打听证件): the goods have none
            *(f"{verb}{paper}" for paper in signals.papers if not paper.isascii() for verb in asking),
        )
        for word in dict.fromkeys((*signals.evasion, *english)):
            self._add(word, Signal("evasion", "evasion", None, word, False, False))
        for word in signals.trade:
            self._add(word, Signal("trade", "trade", None, word, False, False))
        for kind, words in signals.innocence.items():
            for word in words:
                self._add(word, Signal("innocence", kind, None, word, False, False))
        for phrase in signals.innocent_phrases:
            self._add(phrase, Mask(None, phrase))
        for phrase in signals.neutral_phrases:
            self._add(phrase, Signal("neutral", "neutral", None, phrase, False, False))
        # one-character parts (胆, 骨) are everywhere in ordinary text: rather than patterns the matcher reports
        # in every listing, they are looked for only once a word of wild provenance was found
        single = []
        for word in signals.animal_parts:
            if len(self.normaliser.fold(word)) == 1:
                single.append(self.normaliser.fold(word))
            else:
                self._add(word, Signal("part", "part", None, word, False, False))
        self.single_parts = re.compile(f"[{re.escape(''.join(single))}]") if single else None
        # a part named by its place on the animal (背甲 the carapace, 前掌 a fore paw: no dictionary's words): a place
        # before a one-character or inner part; the scorer keeps it only where the place starts a word (大家伙的前掌,
        # never 以前掌柜)
        heads = [*single, *(f for f in map(self.normaliser.fold, signals.inner_parts) if len(f) == 1)]
        positions = [f for f in map(self.normaliser.fold, signals.part_positions) if len(f) == 1]
        self.placed_parts = frozenset(position + head for position in positions for head in heads)
        for word in sorted(self.placed_parts):
            self._add(word, Signal("part", PLACED_PART, None, word, False, False))
        for word in signals.young_animals:
            self._add(word, Signal("part", YOUNG_PART, None, word, False, False))
        # a word the dictionary glosses as an animal part (苦胆 "gall bladder") is that part, where the part's
        # character inside another word (主角, 大胆) is not
        for compound in signals.part_compounds:
            self._add(compound.word, Signal("part", "part", None, compound.word, False, False))
        # a source withheld (来源别问, 不问来路) is provenance the seller will not tell: pairs of the two lists
        withheld = (
            *(noun + verb for noun in signals.source_nouns for verb in signals.withholding_verbs),
            *(verb + noun for noun in signals.source_nouns for verb in asking),
        )
        # a place the goods came from with the way they came (东南亚过来), told with a link and another verb of
        # coming (东南亚那边带过来)
        arrivals = signals.arrival_verbs
        abroad = {
            word[: -len(verb)]
            for word in signals.wild_provenance
            for verb in arrivals
            if len(word) > len(verb) and word.endswith(verb)
        }
        links = ("", *signals.origin_links)
        arrived = tuple(origin + link + verb for origin in sorted(abroad) for link in links for verb in arrivals)
        # goods brought across a border (越南过来, 边境那边带过来) are the wild provenance of an animal's part and the
        # smuggling of other goods: the function pattern reads them as talk
        self.crossings = frozenset(arrived)
        for word in dict.fromkeys((*signals.wild_provenance, *withheld, *arrived)):
            self._add(word, Signal("provenance", "provenance", None, word, False, False))
        for word in signals.fresh_forms:
            self._add(word, Signal("part", "fresh", None, word, False, False))
        fold = self.normaliser.fold
        self.farmed = (
            re.compile(alternatives(fold(w) for w in signals.farmed_animals)) if signals.farmed_animals else None
        )
        self.bred = (
            re.compile(alternatives(fold(w) for w in signals.bred_provenance)) if signals.bred_provenance else None
        )
        self.licences = (
            re.compile(alternatives(fold(w) for w in signals.licence_papers)) if signals.licence_papers else None
        )
        self.wild_only = frozenset(
            (category.id, spec.term)
            for category in self.categories.values()
            for spec in category.terms
            if spec.note == WILD_ONLY_NOTE
        )
        # an animal of the pet trade that the list does not protect, named among the category's innocent phrases
        # (巴西龟, the red-eared slider), is the kind a two-character name protected only in the wild stands for
        # where the listing names both (巴西龟 小乌龟): that name (乌龟) is then the everyday word for the pet
        self.wild_only_kin = {
            (category.id, spec.term): kin
            for category in self.categories.values()
            for spec in category.terms
            if spec.note == WILD_ONLY_NOTE and len(spec.term) == 2
            if (
                kin := tuple(
                    dict.fromkeys(
                        fold(phrase)
                        for phrase in category.innocent_phrases
                        if len(phrase) > 1 and phrase.endswith(spec.term[-1]) and spec.term not in phrase
                    )
                )
            )
        }
        # the tool a verb of hunting names with 子 (套子, the snare of 套), where jieba's dictionary has it as a noun,
        # does the capture as a doer does (套子套的, 套子来的)
        hunting = [fold(w) for w in signals.hunting_verbs]
        nouns = self._dictionary_nouns()
        tools = [verb + _TOOL for verb in hunting if verb and verb + _TOOL in nouns]
        doers = [*(fold(w) for w in signals.capture_doers), *tools]
        capture_verbs = [fold(w) for w in (*signals.hunting_verbs, *signals.capture_verbs)]
        hand_capture = capture_pattern([fold(w) for w in signals.capture_places], doers, capture_verbs)
        # the dictionary's places of the wild (河滩, 礁石: capture_sites) tell a capture with its verb only; a part
        # placed there without one (海滩 贝壳) is an ordinary souvenir's. Each is a pattern of the scan too (kind
        # ``site``), so that a listing is searched for their captures only where one stands.
        sites = [site for site in (fold(w) for w in signals.capture_sites) if site]
        self.site_capture = capture_pattern(sites, [], capture_verbs) if sites else None
        for site in sites:
            self._add(site, Signal("site", "site", None, site, False, False))
        capture_places = [fold(w) for w in (*signals.capture_places, *sites)]
        self.capture = capture_pattern(capture_places, doers, capture_verbs)
        self.capture_starts = capture_starts(capture_places, doers, capture_verbs) if self.capture is not None else ()
        # a doer right before a verb of hunting and 的 (自己打的, 套子套的): the seller says the animal was poached
        hunted = f"(?:{alternatives(doers)})(?:{alternatives(hunting)})的"
        self.hunted = re.compile(hunted) if any(doers) and any(hunting) else None
        self.hunting_verbs = tuple(verb for verb in hunting if verb)
        # a capture told with a verb of hunting (山上网的, 林子里打的, 山里刚逮的, 自己套的): the seller says the animal
        # was taken from the wild, which a wildlife category reads as it reads its suspicious 抓的
        self.hunting_capture = capture_pattern(capture_places, doers, list(self.hunting_verbs))
        self.feeding_verbs = tuple(verb for verb in map(fold, signals.feeding_verbs) if verb)
        # the words that hold a verb of feeding and are no verb (好吃 "tasty", 小吃 "snack"), by the verb, each with
        # where the verb stands in it: the verb there feeds nothing (好吃的土鸡)
        eating = [w for w in map(fold, signals.eating_words) if w]
        self.eating_words = {
            verb: tuple((word, word.index(verb)) for word in eating if verb in word) for verb in self.feeding_verbs
        }
        # a generic animal word a few characters after a capture (山里刚抓的鸟, 林子里逮的彩色长尾鸟): the animal caught
        caught = {fold(animal.word): animal.category for animal in signals.caught_animals if fold(animal.word)}
        self.caught_animals = caught
        self.generic_animals = re.compile(alternatives(caught)) if caught else None
        self.caught = (
            re.compile(f"(?:{self.capture.pattern})的?(?P<gap>.{{0,{_CAUGHT_GAP}}}?)(?P<animal>{alternatives(caught)})")
            if self.capture is not None and caught
            else None
        )
        # papers denied (没有任何手续, 无证件): a negation a few characters before a paper word
        negations = [w for w in self._term_negations if w]
        papers = [fold(w) for w in signals.papers]
        self.papers_denied = (
            re.compile(f"(?:{alternatives(negations)}).{{0,2}}?(?:{alternatives(papers)})")
            if negations and any(papers)
            else None
        )
        # a place of the wild a few characters before the goods (深山皮子, 海里龟的标本, 山里大家伙的胆) tells their
        # provenance
        places = [fold(w) for w in signals.capture_places]
        self.wild_places = re.compile(alternatives(places)) if any(places) else None
        self.wild_places_longest = max(map(len, places), default=0)
        # goods kept off the parcel routes (自提, 不发快递, 快递不发): the trade pattern's talk where nothing else is
        routes = [fold(w) for w in signals.routes]
        refusals = [fold(w) for w in signals.send_refusals]
        # a note right after a refusal of it (不支持自提) is none: one fixed-width look-behind per refusal word
        refused = "".join(f"(?<!{re.escape(fold(w))})" for w in signals.handover_refusals if fold(w))
        notes = alternatives(map(fold, signals.offline_notes))
        refusals_of_routes = alternatives(
            [
                *(refusal + route for refusal in refusals for route in routes),
                *(route + refusal for refusal in refusals for route in routes),
            ]
        )
        offline = [f"{refused}(?:{notes})" if notes else "", refusals_of_routes]
        self.offline = re.compile("|".join(filter(None, offline))) if any(offline) else None
        self.offline_wholes = frozenset(map(fold, signals.offline_wholes))
        # what lets a listing with no term be read for a capture or a wild place's part: one search, each branch
        # starting with its word (see capture_pattern)
        parts = self.single_parts
        placed = [f"{place}.{{0,{PLACE_REACH}}}?{parts.pattern}" for place in longest_first(places) if place and parts]
        captures = [hand_capture.pattern] if hand_capture is not None else []
        self.capture_or_place = re.compile("|".join((*captures, *placed))) if captures or placed else None
        # every match of it starts as one of hand_capture's does, or with a place of the wild
        self.capture_or_place_starts = (
            capture_starts(places, doers, capture_verbs) if self.capture_or_place is not None else ()
        )
        for word in signals.live_forms:
            self._add(word, Signal("live", "live", None, word, False, False))
        self.live_words = frozenset(signals.live_forms)
        # the goods of a live-animal category sold dead or as parts (金雕标本, 整只冻品), filed apart: what tells them
        # (dead_forms) and what tells a live animal instead (live_forms, fresh_forms), both read in the folded text
        alive = [fold(w) for w in (*signals.live_forms, *signals.fresh_forms) if fold(w)]
        self.alive_forms = re.compile(alternatives(alive)) if alive else None
        # live category -> (the category of its parts, what tells its goods sold dead)
        self.parts_categories = {
            pair.live: (pair.parts, re.compile(alternatives(dead)))
            for pair in signals.parts_categories
            if pair.live in self.categories
            and pair.parts in self.categories
            and (dead := [fold(w) for w in (*signals.dead_forms, *pair.dead_forms) if fold(w)])
        }
        # the categories of an animal's goods (a sea turtle's shell) whose listing sells the animal alive, with the
        # live category that files it and the words of its dead goods
        self.alive_categories = {
            goods: (pair.live, dead_goods)
            for pair in signals.parts_categories
            if pair.live in self.categories
            and (dead_goods := self.parts_categories.get(pair.live, (None, None))[1]) is not None
            for goods in pair.goods_of
            if goods in self.categories
        }
        # goods told by no name of their category whose origin and kind the listing states (海里的 + 壳): the category
        # such goods can only be, with one search for the origin and one for the kind, both in the folded text
        self.origin_categories = tuple(
            (
                re.compile(alternatives(origins)),
                re.compile(alternatives(goods)),
                spec.category,
                frozenset(spec.instead_of),
            )
            for spec in signals.origin_categories
            if spec.category in self.categories
            and (origins := [fold(w) for w in spec.origins if fold(w)])
            and (goods := [fold(w) for w in spec.goods if fold(w)])
        )
        for word in signals.english_live_forms:  # whole English words: the context of a species' English name
            self._add(word, Signal("english_live", "live", None, word, False, False))
        for word in signals.namesake_materials:
            self._add(word, Signal("material", "material", None, word, False, False))
        # a noun for what the goods are and a verb of not telling it (品种不写) make a concealment phrase of their own
        for word in dict.fromkeys((*signals.concealment, *self._withheld)):
            self._add(word, Signal("conceal", "conceal", None, word, False, False))
        # a question of what the goods are (是什么) is concealment only with a verb that leaves it to the reader
        # beside it (大家都知道), which the scorer looks for around each question found
        for word in signals.identity_questions:
            self._add(word, Signal("question", "question", None, word, False, False))
        told = [fold(w) for w in (*signals.knowing_verbs, *signals.withholding_verbs)]
        self.told_verbs = re.compile(alternatives(told)) if any(told) and signals.identity_questions else None
        # such a question with its verb and nothing between (知道是什么, 是啥懂; not 是什么茶懂, which names the goods)
        questions = [fold(w) for w in signals.identity_questions]
        self.bare_told = frozenset(w for q in questions for v in told if q and v for w in (q + v, v + q))
        self.told_longest = max(map(len, told), default=0)  # how far past the reach a verb found there may end
        self._add_shorthands()
        needed: dict[str, set[str]] = {}
        for category in self.categories.values():
            for spec in category.terms:
                self._add_term(category, spec)
            for phrase in (*category.innocent_phrases, *self._swapped_innocent_phrases(category)):
                self._add(phrase, Mask(category.id, phrase))
            for phrase in (
                *self._modified_namesakes(category),
                *self._tools_by_last_word(category),
                *self._idioms_holding(category),
            ):
                self._add(phrase, Mask(category.id, phrase))
            for phrase in self._tools_named_in_full(category):
                self._add(phrase, Mask(category.id, phrase))
                self.tool_names.add(phrase)
            for phrase in self._colours_named_after(category):
                self._add(phrase, Mask(category.id, phrase))
                self.colour_names.add(phrase)
            for word in category.innocence:
                self._add(word, Signal("innocence", "category", category.id, word, False, False))
            traits = frozenset(category.traits)
            # the colours a mark's stem may end in (黑 of 黄底黑斑), which keep its head from being swapped
            colours = self._dictionary()[2] if any(p.heads for p in signals.mark_paraphrases) else frozenset()
            for word in category.suspicious:
                label = "trait" if word in traits else "suspicious"
                for text in (word, *mark_paraphrases(word, signals.mark_paraphrases)):
                    self._add(text, Signal("suspicious", label, category.id, word, False, False))
                # the same mark ended in another head (铜钱纹 of 铜钱斑) is a motif of carvings and prints too: a
                # diagnostic mark only beside an animal's part (see ``Animals.diagnostic_trait``)
                for text in mark_heads(word, signals.mark_paraphrases, colours):
                    self._add(text, Signal("suspicious", REHEADED, category.id, word, False, False))
            for word in category.functions:
                self._add(word, Signal("function", "function", category.id, word, False, False))
            # what the material does as a medicine (清热, 凉血 of rhino horn's 清热凉血): the remedy pattern's words,
            # and the dictionary's words for the same action (催奶 "to promote lactation" for 下乳)
            own = {action for remedy in category.remedies for action in actions(remedy)}
            for action in sorted(own):
                self._add(action, Signal("remedy", "remedy", category.id, action, False, False))
            for synonym in signals.remedy_synonyms:
                if synonym.action in own:
                    self._add(synonym.word, Signal("remedy", "remedy", category.id, synonym.action, False, False))
            # what the goods are made of or give off (尼古丁, 蒸汽) tells them as what they do does
            for word in category.defining:
                self._add(word, Signal("function", "defining", category.id, word, False, False))
            for word in made_to_order(category, signals):
                self._add(word, Signal("function", "particulars", category.id, word, False, False))
            for word in (
                *passing_checks(category, signals),
                *told_by_skipped_step(category, signals),
                *told_by_use(category, signals),
                *told_by_harm(category, signals),
                *told_by_missing_marks(category, signals),
                *told_by_dose(category, signals),
                *told_by_wakefulness(category, signals),
            ):
                self._add(word, Signal("function", "function", category.id, word, False, False))
            # a claim that the document is found in an official system (网上能查) tells a forged one, but a genuine
            # course or service says as much of what it leads to (培训 ... 官网可查): it outdoes no innocence
            for word in (*told_by_lookup(category, signals), *told_by_search(category, signals)):
                self._add(word, Signal("function", "lookup", category.id, word, False, False))
            # ... and so does a likeness to the genuine article (跟真的一样), which a card holder says of its size
            # (和原件一样大) and an electric firecracker of its bang
            for word in told_by_likeness(category, signals):
                self._add(word, Signal("function", "likeness", category.id, word, False, False))
            # ... and so does a disguise (外观就是个), which a home camera may say of its plain look
            for word in told_by_appearance(category, signals):
                self._add(word, Signal("function", "appearance", category.id, word, False, False))
            for word, made_of in told_by_effect(category, signals).items():
                self._add(word, Signal("function", "effect", category.id, word, False, False))
                self.effect_parts[word] = made_of
            shapes = tuple(dict.fromkeys(f for f in map(self.normaliser.fold, category.shapes) if f))
            if shapes:
                self.shapes[category.id] = shapes
            # the words a product or trade name needs beside it (急性 原粉 of a rat poison, 制作 of a certificate) say
            # the listing sells the banned kind: they count as the category's suspicious words; a species name's
            # context (活体, 标本) only says an animal is meant
            # ... and so does what befalls the poison's victims (根都烂), which a trade name takes as such a word
            named = any(spec.requires and spec.kind == "trade_name" for spec in category.terms)
            victims = told_by_victim(category, signals) if named else ()
            for spec in category.terms:
                if spec.kind != "species":
                    for word in spec.requires:
                        if word not in category.suspicious and word not in category.product_forms:
                            self._add(word, Signal("context", "context", category.id, word, False, False))
                            needed.setdefault(word, set()).add(category.id)
            for word in victims:
                if word not in category.suspicious and word not in category.product_forms:
                    self._add(word, Signal("context", "context", category.id, word, False, False))
                    needed.setdefault(word, set()).add(category.id)
                    self.victim_words.add(word)
            adjacent = []
            for word in category.product_forms:
                folded = self.normaliser.fold(word)
                if len(folded) == 1:
                    adjacent.append(folded)
                else:
                    form = Signal("form", "form", category.id, word, False, False)
                    self._add(word, form)
                    if category.id.startswith(GOODS_FAMILY):
                        # the goods' form is dodged in pinyin as their name is (专piao, zhuan票 of 专票)
                        for spelling in pinyin_spellings([folded], plain=True):
                            if spelling.rule == "pinyin":
                                self._add(spelling.text, form)
            self.adjacent_forms[category.id] = "".join(dict.fromkeys(adjacent))
        spread: dict[str, set[str]] = {}
        for category in self.categories.values():
            for word in (*category.suspicious, *category.product_forms):
                spread.setdefault(word, set()).add(category.id)
        self.trait_spread = {word: len(ids) for word, ids in spread.items()}
        self.context_spread = {word: len(ids | spread.get(word, set())) for word, ids in needed.items()}
        functions: dict[str, set[str]] = {}
        for category in self.categories.values():
            for word in (*category.functions, *category.defining, *generated_functions(category, signals)):
                functions.setdefault(word, set()).add(category.id)
        self.function_spread = {word: len(ids) for word, ids in functions.items()}
        # a diagnostic trait that one wildlife category alone lists, and the look-alikes a listing denies being
        listed: dict[str, set[str]] = {}
        for category in self.categories.values():
            for word in category.traits:
                listed.setdefault(word, set()).add(category.id)
        self.diagnostic = {
            word: next(iter(ids)) for word, ids in listed.items()
            if len(ids) == 1 and next(iter(ids)).startswith(WILDLIFE_PREFIX)
        }  # fmt: skip
        self.lookalike_denial = self._denial_pattern()
        self._add_code_word_pinyin()
        self.split_traits, self.split_trait_words = self._split_trait_pattern()
        # its modifiers start every match of it (an empty one would let it match anywhere: see StartWords)
        self.split_trait_starts = tuple(modifier for modifier, _head in self.split_trait_words)
        # the colours a split mark's head may carry of its own (白 of 黑条白纹): jieba's adjectives with a common
        # noun of their colour (白色, 浅色), read only where a mark can be split
        self.split_colours = self._dictionary()[2] if self.split_traits is not None else frozenset()
        self.pelt_marks, self.pelt_starts, self.pelt_forms, self.pelt_patterns = self._pelt_marks()
        # what makes the material before it a colour (琥珀色, 琥珀黄, 琥珀底 of a tortoiseshell held to the light):
        # 色, a colour of the dictionary (黄, 红) or a ground a pelt's or shell's mark is told on (底, 底色)
        self.colour_heads = tuple(
            dict.fromkeys(
                (
                    _COLOUR,
                    *sorted(self._dictionary()[2]),
                    *(fold(ground) for pelts in signals.pelt_marks for ground in pelts.grounds),
                )
            )
        )
        self.pets = re.compile(alternatives(fold(w) for w in signals.pet_animals)) if signals.pet_animals else None
        # a farmed animal or a pet right before a young animal's word, or before 小 and it (猫崽子, 小狗崽子,
        # 甲鱼小崽子): its young. Its wild kind (野兔崽子) and a wildlife name it ends (鳄鱼崽子, 犀牛崽子: the names
        # the wildlife categories list) are wild: the group ``wild`` of the match, which starts first
        tame = [fold(w) for w in (*signals.farmed_animals, *signals.pet_animals)]
        self.tame_before = (
            re.compile(f"(?:(?P<wild>{alternatives(self._wild_of_tame(tame))})|{alternatives(tame)})小?$")
            if any(tame)
            else None
        )
        # a prohibited category's one-character units (发, 响, 桶) read as its product forms after a count (36发)
        units: dict[str, list[str]] = {}
        for category_id, chars in self.adjacent_forms.items():
            if category_id.startswith(GOODS_FAMILY):
                for char in chars:
                    units.setdefault(char, []).append(category_id)
        units = {char: ids for char, ids in units.items() if len(ids) == 1}  # 克 of drugs and pesticides tells neither
        self.counted_units = units
        self.counted = re.compile(f"[{COUNTED}]([{re.escape(''.join(units))}])") if units else None

    def _add_code_word_pinyin(self) -> None:
        """A code word of prohibited goods (溜冰 of ice, 气狗 of an air gun) written in full pinyin (liubing, liu bing),
        as their names are: beside a product form of the category or trade talk, like a species' pinyin. A spelling
        that is already a pattern (baozhu, the pinyin of 爆竹 as of 爆珠) is another word's and is left to it."""
        fold, factor = self.normaliser.fold, self.weights["pinyin_factor"]
        found: dict[str, list[TermRef]] = {}
        for category in self.categories.values():
            if not category.id.startswith(GOODS_FAMILY):
                continue
            context = self._homophone_context(category)
            for spec in category.terms:
                if spec.auto_pinyin is False:
                    continue
                weight = float(spec.code_weight or spec.weight) * factor
                for word in spec.code_words:
                    for spelling in code_word_spellings(fold(word)):
                        ref = TermRef(category.id, spec.term, "pinyin", weight, True, False, False, context)
                        found.setdefault(spelling, []).append(ref)
        for spelling, refs in found.items():
            if spelling not in self.patterns:
                for ref in refs:
                    self._add(spelling, ref)

    def _wild_of_tame(self, tame: list[str]) -> list[str]:
        """The wild kinds of farmed animals and pets (野兔, 野鸭: WILD_KIND before one) and the names the wildlife
        categories list that end in one (鳄鱼, 犀牛, 岩羊), folded."""
        fold = self.normaliser.fold
        tame_words = [w for w in tame if w]
        wild = {WILD_KIND + w for w in tame_words}
        for category in self.categories.values():
            if not category.id.startswith(WILDLIFE_PREFIX):
                continue
            for spec in category.terms:
                for name in (spec.term, *spec.aliases):
                    folded = fold(name)
                    if all(map(is_cjk, folded)) and any(
                        len(folded) > len(w) and folded.endswith(w) for w in tame_words
                    ):
                        wild.add(folded)
        return sorted(wild)

    def _split_trait_pattern(self) -> tuple[re.Pattern[str] | None, dict[tuple[str, str], str]]:
        """Diagnostic marks written with words between their modifier and their head (交叉的网格纹, 交叉弧线纹 of
        交叉纹; 铜钱样的斑 of 铜钱斑): the heads are the characters that end two or more of the wildlife categories'
        diagnostic traits (纹, 线, 斑, 鳞), so no mark needs its variants listed. The pattern, and (modifier, head) ->
        the trait."""
        ends: dict[str, int] = {}
        for word in self.diagnostic:
            ends[word[-1]] = ends.get(word[-1], 0) + 1
        fold = self.normaliser.fold
        words = {
            (fold(word)[:-1], fold(word)[-1]): word
            for word in self.diagnostic
            if len(word) >= _SPLIT_TRAIT_MIN and ends[word[-1]] >= _SPLIT_TRAIT_HEADS
        }
        if not words:
            return None, {}
        modifiers = alternatives(modifier for modifier, _head in words)
        heads = "".join(sorted({re.escape(head) for _modifier, head in words}))
        return re.compile(f"({modifiers})[^\\s\\d]{{1,{SPLIT_TRAIT_GAP}}}?([{heads}])"), words

    def _pelt_marks(
        self,
    ) -> tuple[re.Pattern[str] | None, tuple[str, ...], dict[str, tuple[str, ...]], dict[str, re.Pattern[str]]]:
        """A pelt's ground colour, then within a few characters its mark (黄底黑圈, 灰白底色带黑色环斑, 黄色底子上一个个
        黑圈: ``pelt_marks`` of signals.yaml, generated): one pattern for all (every match starting with a ground),
        the grounds that start it, per category the pelts it needs beside its marks, and per category a pattern of
        its own marks (the ground and mark of one category may be another's too: 黄底黑斑 of a leopard's pelt and of
        a tortoiseshell comb, where the goods shown beside them tell which), all folded."""
        fold = self.normaliser.fold
        own: dict[str, str] = {}
        starts: list[str] = []
        forms: dict[str, tuple[str, ...]] = {}
        gap = f"[^\\s\\d]{{0,{SPLIT_TRAIT_GAP}}}?"  # the scorer asks that ground and mark share one clause
        for pelts in self.watchlists.signals.pelt_marks:
            grounds = fold_words(fold, pelts.ground_words())
            marks = fold_words(fold, pelts.mark_words())
            pelt_forms = fold_words(fold, pelts.forms)
            if pelts.category not in self.categories or not grounds or not marks or not pelt_forms:
                continue
            own[pelts.category] = f"(?:{alternatives(grounds)}){gap}(?:{alternatives(marks)})"
            starts.extend(grounds)
            forms[pelts.category] = pelt_forms
        if not own:
            return None, (), {}, {}
        patterns = {category: re.compile(group) for category, group in own.items()}
        return re.compile("|".join(own.values())), tuple(dict.fromkeys(starts)), forms, patterns

    def _denial_pattern(self) -> re.Pattern[str] | None:
        """A term negation a few characters before a common substitute (不是牛角, 非塑料, 不是家养的猪, 非猫非狗): the
        imitation words, every wildlife category's innocence words, farmed and pet animals. One pattern for every
        look-alike, so that no listing's denial needs an entry of its own."""
        signals = self.watchlists.signals
        lookalikes = {
            *signals.innocence.get("imitation", ()), *signals.imitation_markers,
            *signals.farmed_animals, *signals.pet_animals,
            *(w for c in self.categories.values() if c.id.startswith(WILDLIFE_PREFIX) for w in c.innocence),
        }  # fmt: skip
        negations = [w for w in self._term_negations if w]
        if not lookalikes or not negations:
            return None
        gap = f"[^{''.join(sorted(NEGATION_STOPS - {'的'}))}\\s\\d]{{0,{_DENIAL_GAP}}}?"
        words = fold_words(self.normaliser.fold, lookalikes)
        return re.compile(f"(?:{alternatives(negations)}){gap}(?:{alternatives(words)})")

    def _short_form_context(self, category: Category) -> tuple[str, ...]:
        """What a one-character term form needs beside it: the category's product forms or an evasion word
        (worked out once per category: it is asked for while the tables are built)."""
        context = self._short_context.get(category.id)
        if context is None:
            evasion = (self.normaliser.fold(w) for w in self.watchlists.signals.evasion)
            context = tuple(dict.fromkeys((*form_words(self.normaliser.fold, category), *(w for w in evasion if w))))
            self._short_context[category.id] = context
        return context

    def _device_context(self, category: Category) -> tuple[str, ...]:
        """What a device name with a swapped head needs beside it: a product form, trait or function of the
        category, trade, evasion or concealment talk."""
        fold = self.normaliser.fold
        words = (
            *self._homophone_context(category),
            *fold_words(fold, (*category.suspicious, *category.functions, *self.watchlists.signals.concealment)),
        )
        return tuple(dict.fromkeys(w for w in words if len(w) > 1))

    def _homophone_context(self, category: Category) -> tuple[str, ...]:
        """What a homophone or another generated spelling needs in the listing: a product form of the category,
        trade or evasion talk (worked out once per category)."""
        context = self._spelling_context.get(category.id)
        if context is None:
            signals, fold = self.watchlists.signals, self.normaliser.fold
            talk = (*signals.trade, *signals.evasion)
            if category.id.startswith(WILDLIFE_PREFIX):
                # an animal's name spelled oddly is sold as the animal where the listing says it is a live one
                # (活体, 手养) or that it hides the name on purpose (名字不能写, 拼音写, 怕被下架): the very reason
                # for the odd spelling. Not every word of wild provenance: 渔民 and 山里 are said of fish and fruit,
                # and a homophone of an everyday word (黑环 of 黑鹮) would find it beside one
                talk = (*talk, *signals.live_forms, *signals.concealment, *self._withheld)
            words = (*form_words(fold, category), *fold_words(fold, talk))
            context = tuple(dict.fromkeys(w for w in words if len(w) > 1))
            self._spelling_context[category.id] = context
        return context

    def _build_shapes(self) -> None:
        """Patterns for the names written by the parts of their characters (木仓 for 枪, 能掌 for 熊掌)."""
        shapes = shape_spellings(self._shape_terms)
        self.shape_joins = shapes.joins
        for name, forms in shapes.forms.items():
            for form, rule in forms:
                if form not in self.patterns:
                    for ref in self._shape_terms[name]:
                        self._add(form, replace(ref, rule=rule), form)

    def homophones(self, pattern_list: list[str]) -> HomophoneTables | None:
        """The terms' coded readings, which follow the matcher's pattern ids, or None without homophones."""
        if not self._homophone_terms:
            return None
        table = build_table({term: reading for term, (reading, _refs) in self._homophone_terms.items()})
        by_code: dict[str, list[TermRef]] = {}
        spellings: dict[str, list[str]] = {}
        for term, (reading, refs) in self._homophone_terms.items():
            code = table.code(reading)
            if code is not None:
                by_code.setdefault(code, []).extend(refs)
                spellings.setdefault(code, []).append(term)
        if not by_code:
            return None
        codes = list(by_code)
        # the goods a homophone that is an ordinary word may stand right before (带帽 梳子 for 玳瑁): its terms'
        # product forms of two or more characters that few categories share
        spread, fold = self.trait_spread, self.normaliser.fold
        goods = [
            tuple(dict.fromkeys(
                form for category_id in dict.fromkeys(ref.category for ref in by_code[c])
                for form in form_words(fold, self.categories[category_id])
                if len(form) > 1 and spread.get(form, 0) <= _HOMOPHONE_GOODS_SPREAD_MAX
            ))
            for c in codes
        ]  # fmt: skip
        # a listing is read for homophones only when it names one of the words a homophone needs beside it
        context = {word for refs in by_code.values() for ref in refs for word in ref.requires}
        return HomophoneTables(
            kinds=[(tuple(dict.fromkeys(by_code[c])), (), ()) for c in codes],
            spellings=[tuple(spellings[c]) for c in codes],
            goods=goods,
            codes=table.codes,
            automaton_codes=codes,
            context_patterns=frozenset(i for i, key in enumerate(pattern_list) if key in context),
            skip=table.ordinary | set(self.patterns),
            ordinary=table.ordinary,
            joins=table.joins,
        )


def capture_pattern(places: list[str], doers: list[str], verbs: list[str]) -> re.Pattern[str] | None:
    """Provenance told as a capture: a place of the wild and, at most three characters later, a verb of catching
    (山里刚抓的, 林子里逮的, 刚从山上下来), or a doer right before the verb and 的 (自己套的); on folded text."""
    if not verbs or not (places or doers):
        return None
    verb = alternatives(verbs)
    # one branch per place and per doer, each starting with its word: re skips to the characters that can start
    # one (a leading group of two forms would make it try every position, about 6x the search's cost)
    forms = [f"{place}.{{0,3}}?(?:{verb})" for place in longest_first(places)]
    forms += [f"{doer}(?:{verb})的" for doer in longest_first(doers)]
    return re.compile("|".join(forms))


def capture_starts(places: list[str], doers: list[str], verbs: list[str]) -> tuple[str, ...]:
    """The words one of which starts every match of ``capture_pattern(places, doers, verbs)``, each branch's
    own: its place, or its doer's capture whole (自己套的, where 自己 alone would stand in most listings); the
    scorer searches a listing for the pattern only where one stands (``StartWords``)."""
    return (
        *(place for place in places if place),
        *(doer + verb + "的" for doer in doers for verb in verbs if doer and verb),
    )

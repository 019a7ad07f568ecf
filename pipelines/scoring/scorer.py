"""The scorer: 0-100 per listing from watchlist hits in title and description, and their context.

How a listing is scored (every step that changes the score is reported in ``rules``):

1. Title and description are normalised (:mod:`.fold_text`) and scanned once for every pattern: match
   terms and their spellings, innocent phrases, context signals (the patterns and the word tables beside them are
   built once from the watchlists: :mod:`.tables`).
2. A term hit inside an innocent phrase (象牙白, 虎皮鹦鹉, 老虎钳) or a book title (《象牙塔》) is dropped, so is
   a term that needs context (``requires``) when none of its context words is in the listing (wild provenance
   is context for a species name too), a generic animal word (kind ``animal``: 长虫 "snake") unless the listing
   sells a wild one (wild provenance with a live animal, a part, a product form, a count or evasion), and a term
   hit that starts inside an earlier hit of another category and runs past it (牙雕 in 鲸牙雕件: read left
   to right, the listing says 鲸牙), or a hit inside a longer hit of another category (犀鸟 in 盔犀鸟), even one set
   aside for want of context (虎 in 壁虎), and, in a listing without trade talk, a short form of an innocent phrase
   the title names (虎皮 after 虎皮鹦鹉) (:mod:`.overlaps`; positions in the text: :mod:`.clauses`).
3. Per category: the best hit gives ``weight x field factor x category severity``; other distinct terms of
   the category add a little (corroboration); a product form (手镯, 鳞片, 活体, or 皮/骨/牙 right after a
   species name) adds; evasion and trade talk (私聊, 加V, 懂的来, 老货, 包老) and category-scoped
   suspicious words add, capped; a price above the category's ordinary-goods range adds. A best hit
   written to dodge a keyword filter (pinyin, a homophone, traditional characters, separators between its
   characters: 象*牙, 灰 鹦) is itself evasion and adds ``obfuscation`` (:mod:`.category_score`).
4. Innocence signals (imitation material, toy, colour, food, plant, book, media, virtual goods, shapes)
   subtract per kind, capped, from every hit except code words: 白色塑料 stays ivory code even though 塑料
   is an imitation material. A signal that lies inside a term hit (仿真 in 仿真枪, 塑料 in 白色塑料) or a
   neutral phrase (玻璃眼 of a specimen), or that is negated (不是树脂, 没有人工), does not count; a
   category may ignore kinds that say nothing about its goods (a live animal that eats fruit) (:mod:`.scope`).
5. A term hit right after a negation (不含穿山甲), an imitation marker (仿犀角) or a substitute marker (代替犀角),
   or right before one (熊胆替代品), is dropped: the listing says the goods are not the thing (:mod:`.scope`).
6. With no term hit, an animal part or live animal of wild provenance sold with evasion talk
   (刚下山 野生 胆 见面交易) is a ``trade_pattern`` hit of ``wildlife.other``, or of the one wildlife category
   whose trait (its ``suspicious`` words) and product form the listing shows (通乳 鳞片), scored like a term.
   Goods described by what they are or do rather than named (偷听 对方不知情 of a hidden recorder) are a
   ``trait_pattern`` hit: two traits of one category with such talk, or three of one prohibited category.
   One diagnostic trait of a wildlife category (交叉纹 of ivory, 毛发纤维 of rhino horn: its ``traits``) with a
   product form of that category, wild provenance, evasion or the denial of a look-alike (不是牛角, 非塑料, 非猫非狗)
   is a ``diagnostic_trait`` hit of that category (:mod:`.animals`; bred animals: :mod:`.bred`; prohibited goods
   sold by their trade or function: :mod:`.goods`; the category shown: :mod:`.shown`). A medicine told by two
   actions of one category's monograph (凉血 解毒 定惊 of rhino horn) and sold by the gram with trade talk is a
   ``remedy_pattern`` hit of that category (:mod:`.remedies`).
7. The listing's score is its best category's, its points spread to 0-100 (:mod:`.spread`); ``categories`` lists
   all categories hit, best first (the result and its hits: :mod:`.hits`).
"""

from __future__ import annotations

import math
import pickle
import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from . import built
from .animals import TRAIT_PATTERN_MIN, AnimalPatterns
from .blades import EverydayBlades
from .bred import BredClaims
from .category_score import CategoryScorer
from .clauses import (
    ascii_alnum_code,
    book_spans,
    breaks_clause,
    count_after,
    counts_pieces,
    left_to_reader,
    negated_before,
    one_clause,
    place_of_use,
    shapes_a_term,
    starts_a_part,
    whole_words_across_spaces,
)
from .fold_text import (
    Normaliser,
    NormText,
    is_cjk,
    save_pinyin_cache,
)
from .goods import CALIBRE_CATEGORY, CalibreWords, GoodsPatterns
from .hits import DISGUISED_RULES, PATTERN_RULES, SHAPE_RULES, Hit, ScoreResult, has_emoji, mechanism
from .homophones import FREE_SPELLING, ReadingFinder, WordPairs
from .joined_heads import JoinedHeads
from .markers import Markers, alternatives
from .matcher import Matcher, StartWords, build_matcher
from .overlaps import (
    cut_from_list,
    drop_inner_code_words,
    drop_inside_unsold,
    drop_owned_code_words,
    drop_short_forms,
    drop_straddling,
)
from .payloads import GOODS_EVIDENCE, REHEADED, TALK, FieldView, Mask, Signal, TermRef
from .products import ProductHeads
from .remedies import REMEDY_MIN, Remedies
from .scope import DENIABLE_KINDS, Scope, SellerTalk
from .shapes import creature_characters
from .shown import GOODS_FAMILY, WILDLIFE_PREFIX, ShownGoods
from .tables import Tables, fold_words, form_words
from .watchlist import Category, Watchlists, expand_paths, generated_functions, load_watchlists
from .words import PhraseEnds, WordEdges

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
# how far (folded characters) before wild provenance a negation of its noun phrase may end (不是山里那个野生)
_PHRASE_REACH = 16
# the labels of a function shown (升空, and one generated from a trigger and its effect: 一摔就响) that outdo innocence
_ACTING = frozenset(("function", "effect"))
# rules that say a title's term names other goods (a brand, motif or part of them): the description's terms of
# the same family then describe those goods too (:meth:`Scorer._namesake_described`)
_NAMESAKE_RULES = frozenset(("innocent_phrase", "head_term", "part_term", "brand_term", "plant_term", "shop_term"))
# the signals that give a species name, or its English name, the context its own words need
_NAME_CONTEXT = frozenset(("provenance", "english_live"))
# the noun suffix after an animal's name, which leaves it the same name (土豹子, 鹞子, 獐子): a count after it counts
# right after the name
_NOUN_SUFFIX = "子"
# ... and so does a question of what the goods are that the seller leaves to the reader, with its verb and nothing
# between (懂的人都知道是什么, 是啥懂的都懂): the name is the goods he will not spell out
_TOLD_QUESTION = "question"

# the patterns a mark, a trait or an effect makes without a name of the goods, which the ordinary product a title
# names describes (人字纹 地板, 自己组装 鞋柜)
_PRODUCT_DESCRIBED = frozenset(
    ("diagnostic_trait_context", "trade_pattern_context", "function_pattern_context", "trait_pattern_context")
)
# what says goods are the wild animal's or hidden whatever the title names: wild provenance, concealment
_GOODS_HIDDEN = frozenset(("provenance", "conceal"))
# the categories whose goods ride in or hide in ordinary products (laughing gas in a party balloon, a camera in a
# toothbrush or a bookcase): what a listing says of their effect stays theirs whatever product the title names
_PRODUCT_CARRIED = frozenset(("prohibited.drugs", "prohibited.surveillance"))
# the patterns that read an animal from what a listing shows of it, where goods of another kind may show the same
_DESCRIBED_PATTERNS = frozenset(("trait_pattern_context", "trade_pattern_context", "evaded_goods_context"))
# the pattern of a category's traits, which everyday goods of a namesake kind may show too (开刃 of a kitchen knife)
_TRAIT_PATTERN = "trait_pattern_context"
# the labels of a diagnostic mark's signals: as listed, or ended in another head (铜钱纹 of 铜钱斑)
_DIAGNOSTIC_LABELS = frozenset(("trait", REHEADED))
# markers after a term that deny the goods are it wherever the listing names it (熊胆替代品, 跟穿山甲没关系)
_DENYING_RULES = frozenset(("substitute_term", "unrelated_term"))
# an imitation marker fused to a term of the title (仿鹤顶红 树脂 吊坠, 仿甲片 板材) says what is sold: an imitation,
# wherever else the listing names the term (树脂做的鹤顶红风格, 看着像老甲片)
_IMITATION_RULE = "imitation_term"
# a term before a shape word (匕首造型): the shape of other goods, unless the listing shows the real goods' marks
_SHAPE_RULE = "shape_term"
# the innocence kinds a mark of the real goods outweighs: a shape (造型, 外形) and a toy (玩具, 儿童) of them are no
# longer what is sold where the goods are 开刃, and a copy with the real goods' marks (高仿 软中华 钢印) is a
# counterfeit of them, not a model
_GENUINE_OVER = frozenset(("shape", "toy", "imitation"))
# the innocence kinds that speak of a specimen's or a part's display and use (展翅造型, 亚克力罩子, 做饰品, 科普摆件)
# where the title names a listed species and a part of its body: said elsewhere, they do not make it other goods
_DISPLAY_KINDS = ("imitation", "shape", "decoration", "media")
# the rules by which a term names a listed species plainly (not a generic word such as 动物标本, a code word, a
# pattern or a disguised spelling)
_NAMING_RULES = frozenset(("species", "latin"))
# the endings of the negations that say a step is needless (无需, 不用, 不需要), not that the goods do not act
_NEEDLESS = ("用", "需", "需要")
# the one-character denial of a mark of the real goods (不开刃), beside the signals' negations
_NOT = "不"
# rules that read a term as the name of other goods (烟花 图案, 白鹤牌): where the same word stands again
# elsewhere in the listing, it names the same goods
_READ_AS_OTHER_GOODS = frozenset(("shape_term", "head_term", "brand_term", "plant_term", "shop_term"))
# rules that set aside a term the title names its goods by (白鹤牌 of tea, 七彩山鸡 of a farm, not a name
# that lacks context: 猪婆龙苗 hides its goods): the title says
# what is sold, so talk that hides the goods (平台上不方便说) hides nothing
# the masks by which a Chinese name is a namesake's, whose English name in the same field is that namesake's too
_ENGLISH_NAMESAKE_RULES = frozenset(("brand_term", "innocent_phrase"))
_TITLE_NAMES_GOODS = frozenset(("needs_wild_animal", "shape_term", *_NAMESAKE_RULES))
# the bits of StartWords (Scorer._starts): a mark written apart, a capture or a wild place's part (read in a listing
# with no term), a capture, a pelt's ground colour and mark
_SPLIT_TRAITS, _CAPTURE_OR_PLACE, _CAPTURE, _PELT_MARKS = 1, 2, 4, 8
# what follows a verb of hunting that took the animal (网的, 网到的, 逮住的), not a ride (打的回来, 打的去山里)
_CAPTURED_BY = re.compile("[到住]?的(?![回去过来到])")
# the possessive between an animal's word and its part (山猫的皮)
_POSSESSIVE = "的"
# ... and the longer ones that say the goods come from the animal's body or kind (大象身上的料, 🐘家的 手镯), which
# need no part after them: the goods are what the listing sells, where it hides them: by evasion or concealment
# (你懂的, 平台不让写) after the body, by concealment after the kind (a shop's name, 大象家的 手串 私聊, evades
# nothing); longest first
_SOURCE_POSSESSIVES = {
    "身上来的": frozenset(("evasion", "conceal")),
    "身上的": frozenset(("evasion", "conceal")),
    "家的": frozenset(("conceal",)),
}
# how far before a material (folded characters) a denial of it is read, in its clause (不是仿的塑料片)
_MATERIAL_REACH = 8
# how far before a copula a vessel may stand as what the copula speaks of (瓶子是玻璃的)
_VESSEL_REACH = 3
# how far before a stated material a word of other sellers' goods makes it theirs (药店买不到真的，都是合成的)
_OTHERS_REACH = 12
# characters between a wildlife term and the plant's name it begins (掌 in 虎掌菌)
_PLANT_GAP = 2
# characters between an animal's name and the shop character ending the shop's name (旗舰 in 犀牛旗舰店)
_SHOP_GAP = 2
# how far after a term any joined head may start
_JOINED_REACH = max(_PLANT_GAP, _SHOP_GAP) + 1
# a negation that says what the goods are made of (不含虎骨) holds for the term wherever else the listing names it
# (虎骨贴); 不是 and 没有 may be said of one thing among others (没有猛犸 but 非料)
_COMPOSITION_DENIAL = "不含"
# innocence clearings that make the word a cover for the whole listing
_COVER_RULES = frozenset(("innocence_cover", "innocence_revealed", "innocence_made_into"))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_COUNTS = frozenset("0123456789一二两三四五六七八九十半整")  # what may follow a part's name: 皮一张, 骨两副
# characters that separate the items of a list or end a sentence: a term read across one (白、粉 in 黑、白、粉,
# 象。牙 in 小象。牙刷) is two words; separators inside a word (象*牙, 犀.角) are a spelling that dodges a filter
_LIST_SEPARATORS = re.compile("[、/／。！？]")
# ... and a clause break (，；：) inside a two-character spelling (头，拍 of 镜头，拍vlog): the two characters end
# and begin the words of two clauses, not one spelling written apart
_CLAUSE_BREAKS = re.compile("[，,；;：:]")

# short initials of a term that count only where they stand next to the goods (X Y 手串)
_INITIALS_RULES = frozenset(("initials", "capitals"))


_first = itemgetter(0)  # the pattern id of a raw match, in compiled code


def _widest_first(place: tuple[int, int, str, str | None]) -> tuple[int, int]:
    return place[0], -place[1]


def _hit_order(hit: Hit) -> tuple[bool, int, int]:
    return hit.field != "title", hit.start, hit.end


class Scorer:
    """Scores listings against the watchlists. Build once (:meth:`load`), call :meth:`score` per listing."""

    _watchlists_pickle: bytes  # a scorer loaded from its cache entry: its watchlists, not yet unpickled

    def __init__(
        self,
        watchlists: Watchlists,
        *,
        threshold: int,
        engine: str | None = None,
    ) -> None:
        self._watchlists: Watchlists | None = watchlists
        self._engine = engine
        self.threshold = threshold
        self.categories: dict[str, Category] = watchlists.categories
        self.weights = {**DEFAULT_WEIGHTS, **watchlists.signals.weights}
        self.normaliser = Normaliser()
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
        # words of a legal trade (手续, 证书, 养殖场, 驯养证): their denial (没有证书, 不是养殖场, 没有进口手续) is
        # itself evidence, never a denial of the goods' nature
        signals = watchlists.signals
        legitimacy = (*signals.papers, *signals.licence_papers, *signals.bred_provenance)
        self._legitimacy = re.compile(alternatives(fold_all(legitimacy)))
        self._legitimacy_of: dict[str, bool] = {}  # signal word -> whether it holds a word of a legal trade
        term_negations = fold_all(watchlists.signals.term_negations)
        self._term_negations = term_negations
        # what denies a function (不会升空, 不是隐藏款)
        self._function_denials = tuple(
            dict.fromkeys((*self._negations, *term_negations, *fold_all(watchlists.signals.inability_markers)))
        )
        # what the real goods of a category have that no shape or toy of them has (开刃 of a knife), and what denies
        # it (未开刃, 不开刃)
        self._genuine = {c.id: fold_all(c.genuine) for c in self.categories.values() if c.genuine}
        self._genuine_denials = (*self._function_denials, _NOT)
        self._display_words = frozenset(
            fold_all(w for kind in _DISPLAY_KINDS for w in watchlists.signals.innocence.get(kind, ()))
        )
        body_forms = set(fold_all(watchlists.signals.body_forms))
        self._body_forms = {
            c.id: tuple(f for f in fold_all(c.product_forms) if f in body_forms)
            for c in self.categories.values()
            if c.id.startswith(WILDLIFE_PREFIX)
        }
        trade_denials = fold_all(watchlists.signals.trade_denials)
        # what denies a term: a negation (非野生) or a denied trade or use (不做偷拍, 不卖)
        self._term_denials = denials = (*term_negations, *trade_denials)
        self._before_term = Markers(
            (
                ("negated_term", denials),
                ("imitation_term", fold_all(watchlists.signals.imitation_markers)),
                ("substitute_term", fold_all(watchlists.signals.substitute_markers)),
                ("simile_term", fold_all(watchlists.signals.simile_markers)),
                ("part_term", fold_all(watchlists.signals.part_owners)),
            )
        )
        self._goods_heads = Markers((("head_term", fold_all(watchlists.signals.goods_heads)),))
        self._accessory_heads = Markers((("accessory_term", fold_all(watchlists.signals.accessory_heads)),))
        self._creatures = creature_characters()
        self._shape_words = frozenset(fold_all(watchlists.signals.shape_markers))
        self._after_term = Markers(
            (
                ("substitute_term", fold_all(watchlists.signals.substitute_markers)),
                ("unrelated_term", fold_all(watchlists.signals.unrelated_markers)),
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
        self._lessers = fold_all(sig_spec.lesser_markers)
        # the breeds of each pet animal the dictionary names (二哈 "husky (dog)" of 狗)
        breeds: dict[str, list[str]] = {}
        for breed in sig_spec.pet_breeds:
            breeds.setdefault(self.normaliser.fold(breed.pet), []).append(self.normaliser.fold(breed.word))
        self._pet_breeds = {pet: tuple(words) for pet, words in breeds.items()}
        # the innocence words that are materials: those of the material kinds, and a category's own that end in an
        # animal's part of one character (水牛角, 骆驼骨: another animal's part), not its topics (宠物, 香水)
        # words of those kinds that claim rather than name a substance (仿, 高仿, 假的, 不是真: an imitation marker, a
        # negation or 的 in them) are no material
        one_char_parts = frozenset(p for p in fold_all(sig_spec.animal_parts) if len(p) == 1)
        claims = (*fold_all(sig_spec.imitation_markers), *self._negations, _POSSESSIVE)
        self._material_words = frozenset(
            w
            for w in (
                *fold_all(w for kind in sig_spec.material_kinds for w in sig_spec.innocence.get(kind, ())),
                *(w for c in self.categories.values() for w in fold_all(c.innocence) if w[-1] in one_char_parts),
            )
            if not any(claim in w for claim in claims)
        )
        self._material_before = fold_all(sig_spec.material_before)
        self._material_after = fold_all(sig_spec.material_after)
        self._material_vessels = fold_all(sig_spec.vessel_heads)
        self._material_others = fold_all(sig_spec.material_others)
        # a negation of two characters or more reaches across the clause to a material (不是仿的塑料片); one of one
        # character only right before it, as it does an innocence word
        self._long_negations = tuple(n for n in self._negations if len(n) > 1)
        self._negation_gap = int(self.weights["term_negation_gap"])
        self._negation_ends = frozenset(word[-1] for word in denials if word)
        self._gap_negations = Markers((("negated_term", [w for w in denials if len(w) > 1]),))
        self._composition_denial = _COMPOSITION_DENIAL
        self._imitation_words = fold_all(
            (*watchlists.signals.imitation_markers, *watchlists.signals.innocence.get("imitation", ()))
        )
        self._homonym_kinds = frozenset(watchlists.signals.homonym_kinds)
        self._namesake_kinds = frozenset(watchlists.signals.namesake_kinds)
        self._accessory_kinds = frozenset(watchlists.signals.accessory_kinds)
        self._commerce = frozenset((*watchlists.signals.commerce, *fold_all(watchlists.signals.commerce)))
        self._plant_heads = JoinedHeads(fold_all(watchlists.signals.plant_heads), _PLANT_GAP)
        self._cage_heads = JoinedHeads(fold_all(watchlists.signals.cage_heads), 0)
        self._shop_heads = JoinedHeads(fold_all(watchlists.signals.shop_heads), _SHOP_GAP)
        self._products = ProductHeads(
            {self._fold_words((h.word,))[0]: h.kind for h in watchlists.signals.product_heads},
            fold_all(watchlists.signals.product_head_others),
            {c.id: fold_all(c.product_forms) for c in watchlists.categories.values()},
        )
        # the characters any kind of head starts with: most wildlife terms have none after them
        self._head_firsts = self._plant_heads.firsts | self._cage_heads.firsts | self._shop_heads.firsts
        self._blades = EverydayBlades(
            fold_all(watchlists.signals.blade_goods),
            fold_all(watchlists.signals.blade_characters),
            fold_all(watchlists.signals.blade_uses),
            fold_all(watchlists.signals.defence_words),
            fold_all((*watchlists.signals.ban_holders, *watchlists.signals.papers)),
        )
        # the animal parts a generic animal word names with a possessive (大笨象的牙, 山猫的皮), longest first
        self._possessed_parts = tuple(sorted(set(fold_all(watchlists.signals.animal_parts)), key=len, reverse=True))
        tables = Tables(watchlists, self.weights, self.normaliser, term_negations)
        patterns = tables.patterns
        self._adjacent_forms = tables.adjacent_forms
        self._shape_joins = tables.shape_joins
        # the tables the scoring below reads itself; those only the pattern objects read go to them directly
        self._single_parts, self._capture, self._diagnostic = tables.single_parts, tables.capture, tables.diagnostic
        self._bred, self._trait_spread, self._counted = tables.bred, tables.trait_spread, tables.counted
        self._counted_units = tables.counted_units
        self._licences = tables.licences
        self._lookalike_denial = tables.lookalike_denial
        self._shown = ShownGoods(self._commerce, self._trait_spread)
        save_pinyin_cache()
        self._pattern_list = list(patterns)
        # What the matcher's patterns stand for, by pattern id (`_kinds`), and the spellings themselves (`_written`):
        # all scoring reads of them. The pattern table's own lists and their split by kind serve this build only,
        # so a cached scorer does not hold (and unpickle) some 45,000 lists and tuples more.
        self._written = frozenset(self._pattern_list)
        payloads = [patterns[p] for p in self._pattern_list]
        by_kind: tuple[list[tuple[TermRef, ...]], list[tuple[Mask, ...]], list[tuple[Signal, ...]]] = (
            [tuple(x for x in ps if isinstance(x, TermRef)) for ps in payloads],
            [tuple(x for x in ps if isinstance(x, Mask)) for ps in payloads],
            [tuple(x for x in ps if isinstance(x, Signal)) for ps in payloads],
        )
        self._kinds = list(zip(*by_kind, strict=True))
        self._homophone_codes: dict[int, str] = {}
        self._homophone_find: Any = None  # a ReadingFinder when the watchlists have homophones
        homophones = tables.homophones(self._pattern_list)
        if homophones is not None:
            # pattern ids past the matcher's for each term's coded reading, and the automaton that finds them
            self._homophone_first = len(self._kinds)
            self._kinds.extend(homophones.kinds)
            self._homophone_spellings, self._homophone_goods = homophones.spellings, homophones.goods
            self._homophone_codes = homophones.codes
            self._homophone_context_patterns = homophones.context_patterns
            self._homophone_skip, self._homophone_words = homophones.skip, homophones.ordinary
            self._homophone_joins = WordPairs(homophones.joins)
            self._homophone_automaton_codes = homophones.automaton_codes
            self._homophone_find = ReadingFinder(homophones.codes, homophones.automaton_codes, engine)
        # capitals (RH, ＨＭ) are two letters that ordinary words and units contain (500ml, PS): a pattern that is
        # only capitals makes no term by itself, and a listing with no other term is read for them only if it
        # also talks trade, as they need
        term_refs = by_kind[0]
        # the words a term requires as context, by the pattern ids of those that are patterns (all but a few) and
        # the others: which of them the listing holds is then one intersection with the ids its scan found, where a
        # search of the text for each of a term's some fifty words cost a few thousand instructions a listing, and a
        # look-up of each word's id still some two thousand
        pattern_ids = {pattern: index for index, pattern in enumerate(self._pattern_list)}
        self._context_ids = {
            ref.requires: (
                frozenset(pattern_ids[word] for word in ref.requires if word in pattern_ids),
                tuple(word for word in ref.requires if word not in pattern_ids),
            )
            for refs, _phrases, _signals in self._kinds
            for ref in refs
            if ref.requires
        }
        self._term_patterns = frozenset(
            i for i, refs in enumerate(term_refs) if any(r.rule != "capitals" for r in refs)
        )
        self._capital_patterns = frozenset(
            i for i, refs in enumerate(term_refs) if any(r.rule == "capitals" for r in refs)
        )
        self._talk_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2]) if any(sig.kind in TALK for sig in signals)
        )
        # a product form or trait of prohibited goods: with talk, the anchor of the goods pattern
        self._goods_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2])
            if any(sig.kind in ("form", "suspicious") and (sig.category or "").startswith(GOODS_FAMILY)
                   and sig.word not in self._commerce for sig in signals)
        )  # fmt: skip
        # a function of prohibited goods (打电话就能听, 升空): the anchor of the function pattern, talk or not
        self._function_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2]) if any(sig.kind == "function" for sig in signals)
        )
        self._site_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2]) if any(sig.kind == "site" for sig in signals)
        )
        # per pattern: 1 an animal part, 2 a word of wild provenance (the trade pattern needs both), 3 talk that
        # hides what the goods are (the concealed-goods pattern), 0 none of them
        self._trade_anchors = [
            1 if any(sig.kind == "part" for sig in signals) else 2 if any(sig.kind == "provenance" for sig in signals)
            else 3 if any(sig.kind in ("conceal", "question") for sig in signals)
            else 5 if any(sig.word in self._diagnostic for sig in signals if sig.label in _DIAGNOSTIC_LABELS)
            else 4 if any(self._shown.is_trait(sig) for sig in signals)
            else 0
            for signals in by_kind[2]
        ]  # fmt: skip
        # an action of a medicine of a wildlife category (凉血, 通经): two make the anchor of the remedy pattern
        self._remedy_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2]) if any(sig.kind == "remedy" for sig in signals)
        )
        # a question of what the goods are (是什么): concealment where a verb beside it leaves the answer to the reader
        self._question_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2]) if any(sig.kind == "question" for sig in signals)
        )
        # a part word inside a dictionary word of another sense (角料 of 边角料 "scrap", 皮子 of 嘴皮子): the pattern
        # ids of such parts -> each longer word and where the part starts in it
        containers: dict[str, list[tuple[str, int]]] = {}
        for container in watchlists.signals.part_containers:
            part, word = self.normaliser.fold(container.part), self.normaliser.fold(container.word)
            if part and part in word:
                containers.setdefault(part, []).append((word, word.index(part)))
        self._part_containers = {
            i: tuple(containers[key]) for i, key in enumerate(self._pattern_list) if key in containers
        }
        # a part named by its place on the animal (背甲, 前掌): the pattern ids of such words, read only where the place
        # starts a word
        self._placed_parts = frozenset(i for i, key in enumerate(self._pattern_list) if key in tables.placed_parts)
        # a phrase generated from the watchlists' data (一粒倒, 要什么名字) ends where its last word does: not inside
        # a dictionary word that reads its last character otherwise (一粒倒入 pours)
        generated = {
            phrase
            for category in self.categories.values()
            for phrase in generated_functions(category, watchlists.signals)
        }
        # an innocent phrase that ends in a name of its category (电子烟花: 烟花) -> where that name starts in it: a
        # term of another category that runs into that name (电子烟 of 电子烟花) is the phrase's word, not a term
        names = {
            category.id: {self.normaliser.fold(n) for spec in category.terms for n in (spec.term, *spec.aliases)}
            for category in self.categories.values()
        }
        self._mask_heads: dict[tuple[str, str], int] = {}
        for key, masks in zip(self._pattern_list, by_kind[1], strict=True):
            for mask in masks:
                if mask.category is not None:
                    heads = [len(key) - len(n) for n in names[mask.category] if n and n != key and key.endswith(n)]
                    if heads:
                        self._mask_heads[(mask.category, key)] = min(heads)
        # the dictionary words an innocent phrase whose name a term runs into ends inside (花果 of 电子烟花果味)
        self._head_run_ends = PhraseEnds.of_phrases({key for _category, key in self._mask_heads}, any_reading=True)
        # a colour named after goods (鹤顶红色) stands only where its 色 ends a word (not 鹤顶红色泽, the lustre)
        self._tool_names = frozenset(tables.tool_names)
        self._colour_patterns = frozenset(i for i, key in enumerate(self._pattern_list) if key in tables.colour_names)
        self._colour_ends = PhraseEnds.of_phrases(tables.colour_names, any_reading=True)
        self._generated_words = frozenset(generated)
        self._phrase_ends = PhraseEnds.of_phrases(self._fold_words(generated))
        self._generated_patterns = frozenset(
            i for i, signals in enumerate(by_kind[2]) if any(sig.word in generated for sig in signals)
        )
        self._told_verbs = tables.told_verbs
        self._bare_told = tables.bare_told
        self._told_longest = tables.told_longest
        # what tells a part's wild provenance without a word of it: a denied look-alike (不是牛角), papers denied
        # (没有手续), a place of the wild (深山皮子); a listing with a part is read further if it shows one
        self._part_provenance = (self._lookalike_denial, tables.papers_denied, tables.wild_places)
        self._capture_or_place = tables.capture_or_place
        self._site_capture = tables.site_capture
        self._hunting_capture, self._hunting_verbs = tables.hunting_capture, tables.hunting_verbs
        self._generic_animals = tables.generic_animals
        self._use_places = fold_all(watchlists.signals.use_place_markers)
        self._animals = AnimalPatterns(
            self._shown,
            self.weights,
            self.categories,
            capture=self._capture,
            live_words=tables.live_words,
            single_parts=self._single_parts,
            farmed=tables.farmed,
            pets=tables.pets,
            bred=tables.bred,
            diagnostic=self._diagnostic,
            lookalike_denial=self._lookalike_denial,
            trait_spread=self._trait_spread,
            term_negations=self._term_negations,
            victim_words=frozenset(tables.victim_words),
            namesake_kinds=self._namesake_kinds,
            papers_denied=tables.papers_denied,
            offline=tables.offline,
            offline_wholes=tables.offline_wholes,
            tame_before=tables.tame_before,
            wild_places=tables.wild_places,
            wild_places_longest=tables.wild_places_longest,
            caught=tables.caught,
            hunted=tables.hunted,
            caught_animals=tables.caught_animals,
            generic_animals=tables.generic_animals,
            hunting_verbs=tables.hunting_verbs,
            feeding_verbs=tables.feeding_verbs,
            eating_words=tables.eating_words,
            use_places=self._use_places,
            split_traits=tables.split_traits,
            split_trait_words=tables.split_trait_words,
            split_colours=tables.split_colours,
            colour_heads=tables.colour_heads,
            pelt_marks=tables.pelt_marks,
            pelt_forms=tables.pelt_forms,
            pelt_patterns=tables.pelt_patterns,
            cages=tuple(fold_all(watchlists.signals.cage_heads)),
            made_into=self._made_into,
        )
        self._split_traits = tables.split_traits
        # searches of the whole text with no literal prefix, made only where a word that starts a match of theirs
        # stands (_SPLIT_TRAITS, _CAPTURE_OR_PLACE, _CAPTURE); the tables give none where there is no search
        self._pelt_marks = tables.pelt_marks
        self._starts = StartWords(
            (tables.split_trait_starts, tables.capture_or_place_starts, tables.capture_starts, tables.pelt_starts)
        )
        # the scan reports the start words with ids past the patterns': no trade anchor (0) for any of them
        self._starts_first = len(self._pattern_list)
        self._trade_anchors.extend([0] * len(self._starts.words))
        self._parts_categories = tables.parts_categories
        self._alive_categories = tables.alive_categories
        self._alive_forms = tables.alive_forms
        self._origin_categories = tables.origin_categories
        # a claim of wild provenance the seller denies trading in (不卖野外的) is none either
        self._bred_claims = BredClaims(
            self._bred,
            tables.licences,
            tables.wild_only,
            denials,
            tables.papers_denied,
            tables.wild_only_kin,
        )
        self._calibre = (
            CalibreWords.build(
                watchlists.signals.calibres,
                watchlists.signals.barrel_words,
                watchlists.signals.round_units,
                watchlists.signals.measure_units,
                bore_goods=watchlists.signals.bore_goods,
                bore_characters=watchlists.signals.bore_characters,
                bore_measures=watchlists.signals.bore_measures,
            )
            if CALIBRE_CATEGORY in watchlists.categories
            else None
        )
        self._goods = GoodsPatterns(
            self._shown,
            self.weights,
            commerce=self._commerce,
            counted=self._counted,
            counted_units=tables.counted_units,
            function_spread=tables.function_spread,
            trait_spread=self._trait_spread,
            context_spread=tables.context_spread,
            shapes=tables.shapes,
            negations=term_negations,
            # a word that a step is needless (无需对方手机, 不用本人) says what the goods spare the buyer, not what
            # they fail to do
            function_denials=tuple(w for w in self._function_denials if not w.endswith(_NEEDLESS)),
            calibre=self._calibre,
            effect_parts=tables.effect_parts,
            crossings=tables.crossings,
        )
        self._remedies = Remedies(self.weights, self._lookalike_denial)
        gun_parts = [part for part in fold_all(watchlists.signals.gun_parts) if len(part) > 1]
        self._scoping = Scope(
            before_term=self._before_term,
            after_term=self._after_term,
            gap_negations=self._gap_negations,
            trade_denials=Markers((("negated_term", trade_denials),)),
            commerce=self._commerce,
            extras_before=fold_all(sig_spec.extras_before),
            extras_after=fold_all(sig_spec.extras_after),
            negation_gap=self._negation_gap,
            imitation_words=self._imitation_words,
            covers=self._covers,
            made_into=self._made_into,
            flavours=self._flavours,
            media_words=self._media_words,
            refusals=self._refusals,
            showing=self._showing,
            talk=SellerTalk(
                service_verbs=fold_all(sig_spec.service_verbs),
                depictions=frozenset(fold_all(sig_spec.depictions)),
                use_markers=fold_all(sig_spec.use_markers),
                buyer_nouns=fold_all(sig_spec.buyer_nouns),
                vessel_heads=fold_all(sig_spec.vessel_heads),
                vessel_after=fold_all(sig_spec.vessel_after),
                packing_markers=fold_all(sig_spec.packing_markers),
                suit_markers=fold_all(sig_spec.suit_markers),
            ),
            goods_heads=self._goods_heads,
            identity_links=fold_all(sig_spec.appearance_links),
            looks=fold_all(look for category in watchlists.categories.values() for look in category.appearances),
            goods_characters={
                category_id: frozenset(watchlists.signals.goods_characters)
                - {name[-1] for name in own if name}
                # 机 ends 枪机 "bolt of gun": in a category with a name ending 枪 it is the weapon's part (气枪机, 弩机)
                - {part[-1] for part in gun_parts if any(name.endswith(part[:-1]) for name in own)}
                for category_id, own in names.items()
                if category_id.startswith(GOODS_FAMILY)
            },
            accessory_heads=self._accessory_heads,
            creatures=self._creatures,
            own_goods=self._own_goods,
            choice_words=self._choice_words,
            choice_markers=self._choice_markers,
            comparisons=self._comparisons,
            differences=self._differences,
            comparatives=self._comparatives,
            lessers=self._lessers,
            cover_after=self._cover_after,
            reveals=self._reveals,
            fitting_heads=Markers((("innocence_fitting", fold_all(watchlists.signals.fitting_heads)),)),
            fitting_markers=Markers((("innocence_fitting", fold_all(watchlists.signals.fitting_markers)),)),
            fitting_words=frozenset(
                w for kind in watchlists.signals.fitting_kinds for w in watchlists.signals.innocence.get(kind, ())
            ),
            brand_marks=fold_all(sig_spec.brand_marks),
            plaque_forms=fold_all(
                dict.fromkeys(
                    form
                    for category in self.categories.values()
                    if category.id.startswith(WILDLIFE_PREFIX)
                    for form in category.product_forms
                )
            ),
            word_edges=WordEdges.of_dictionary(
                self._fold_words(
                    (
                        *(w for words in watchlists.signals.innocence.values() for w in words),
                        *(w for c in self.categories.values() for w in c.innocence),
                    )
                )
            ),
        )
        self._category_scorer = CategoryScorer(
            self.weights,
            adjacent_forms=self._adjacent_forms,
            ignored_innocence=self._ignored_innocence,
            own_goods=self._own_goods,
            own_innocence=self._own_innocence,
            form_kinds=self._form_kinds,
            accessory_kinds=self._accessory_kinds,
            homonym_kinds=self._homonym_kinds,
            namesake_kinds=self._namesake_kinds,
        )
        self._attach()

    # Made again when a cached scorer is loaded (pipelines.scoring.built): compiled automata and bound methods
    # do not pickle, and each comes quickly from its own cache or its tables.
    _REBUILT = ("normaliser", "_fold_table", "matcher", "_scan", "_fold_marked", "_homophone_find")

    def _attach(self) -> None:
        self._fold_table = self.normaliser._table
        self.matcher: Matcher = build_matcher(self._pattern_list, self._engine, self._starts.words)
        self._scan = self.matcher.scan
        self._fold_marked = self.normaliser.fold_marked

    @property
    def watchlists(self) -> Watchlists:
        """The watchlists the scorer was built from, as parsed. Scoring never reads them (model training and term
        suggestions do): a scorer loaded from its cache entry unpickles them when they are first read."""
        if self._watchlists is None:
            self._watchlists = pickle.loads(self._watchlists_pickle)
        return self._watchlists

    def __getstate__(self) -> dict[str, Any]:
        state = {name: value for name, value in self.__dict__.items() if name not in self._REBUILT}
        state["_normaliser_variants"] = dict(self.normaliser.variants)  # the watchlists' spellings, for display
        state["_kinds"] = _shared_kinds(self._kinds)
        # The watchlists' own models (some 4,000 pydantic objects, each rebuilt by a __setstate__ in Python, about a
        # tenth of loading the entry) go into it as one pickle of their own, unpickled only where they are read.
        if self._watchlists is not None:  # else loaded from an entry and never read: its pickle is in the state
            state["_watchlists_pickle"] = pickle.dumps(self.watchlists, protocol=pickle.HIGHEST_PROTOCOL)
        state["_watchlists"] = None
        state["_homophone_codes"] = _flat_codes(self._homophone_codes)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        variants = state.pop("_normaliser_variants", {})
        state["_homophone_codes"] = _table_of_codes(state["_homophone_codes"])
        codes = state.get("_homophone_automaton_codes")
        finder = ReadingFinder(state["_homophone_codes"], codes, state["_engine"]) if codes else None
        for name, value in state.items():
            setattr(self, name, value)
        self._homophone_find = finder
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
        return form_words(self.normaliser.fold, category)

    def _shows_form(self, category_id: str, views: list[FieldView]) -> bool:
        """Whether the listing names a product form of the category of two or more characters (手串, 鳞片): one
        character (皮 of 真皮) is inside too many ordinary words."""
        forms = self._form_words(self.categories[category_id])
        return any(len(form) > 1 and form in view.norm.text for form in forms for view in views)

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
        skip, spellings, patterns = self._homophone_skip, self._homophone_spellings, self._written
        first, goods, ordinary = self._homophone_first, self._homophone_goods, self._homophone_words
        out = []
        for index, start, end in found:
            written = joined[start:end]
            long = end - start >= FREE_SPELLING
            stands = (
                written not in skip
                and (long or any(a == b for term in spellings[index] for a, b in zip(written, term, strict=True)))
                and not (long and self._holds_own_word(index, written, spellings[index]))
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

    def _holds_own_word(self, index: int, written: str, terms: list[str]) -> bool:
        """Whether a long spelling of a term made of a product form and a shorter name (整张虎皮, 玳瑁壳) keeps the
        form as the term writes it and writes the name as a dictionary word that reads like it (整张狐皮: 狐皮 is fox
        fur; 带毛壳: 带毛 is "furry"): the word keeps its own sense, as it would alone. A spelling whose kept part
        is no product form (白腹 of 白腹金鸡 for 白腹锦鸡) is read whole, as every long spelling is."""
        skip = self._homophone_skip
        for term in terms:
            for cut in range(1, len(written)):
                head, tail = written[:cut], written[cut:]
                if head == term[:cut] and tail != term[cut:] and len(tail) > 1 and tail in skip:
                    kept = head
                elif tail == term[cut:] and head != term[:cut] and len(head) > 1 and head in skip:
                    kept = tail
                else:
                    continue
                refs = self._kinds[self._homophone_first + index][0]
                if any(kept in self._form_words(self.categories[ref.category]) for ref in refs):
                    return True
        return False

    def _homophone_stands(
        self,
        homophone: TermRef,
        terms: list[tuple[TermRef, FieldView, int, int]],
        view: FieldView,
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
        if (_CLAUSE_BREAKS.match(original, o_end) or _LIST_SEPARATORS.match(original, o_end)) and self._pun(
            homophone, view.norm.text[start:end]
        ):
            return False  # a pun counts right before the goods (带帽 梳子), not before another clause (刚离食，手养)
        return not any(
            other is view and ref.rule != "homophone" and s < end and start < e
            and (ref.term != homophone.term or not (start <= s and e <= end))
            for ref, other, s, e in terms
        )  # fmt: skip

    def _pun(self, homophone: TermRef, written: str) -> bool:
        """Whether a homophone's written form reads like the term only as a pun, which :meth:`_homophones` lets
        count right before the term's goods: a dictionary word or a pattern (带帽 for 玳瑁), or two syllables with
        none of the term's characters in place (离食 for 丽䴓)."""
        term = self.normaliser.fold(homophone.term)
        return written in self._homophone_skip or (
            len(written) < FREE_SPELLING and not any(a == b for a, b in zip(written, term, strict=False))
        )

    def _joined(self, original: str, o_start: int, o_end: int) -> bool:
        """Whether a short spelling by shape makes a dictionary word with a character beside it (能骨 in 可能骨折)."""
        joins = self._shape_joins
        return original[max(o_start - 1, 0) : o_start + 1] in joins or original[o_end - 1 : o_end + 1] in joins

    def _fold_words(self, words: Iterable[str]) -> tuple[str, ...]:
        return fold_words(self.normaliser.fold, words)

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
        # a calibre is read in the fields as written (folding drops its point), only in those with its mark
        calibre = self._calibre
        calibred = (
            calibre is not None
            and (calibre.mark in title or calibre.mark in description or calibre.mark in image_text)
            and any(calibre.search(text) for text in (title, description, image_text))
        )
        if not found and not calibred:
            return ScoreResult(0, self.threshold <= 0, None, None, folded=folded)
        ids = set(map(_first, found))
        starts = self._starts.mask(ids, self._starts_first)
        # a homophone needs a product form or trade talk, which are patterns: only a listing with a pattern hit
        # is read for them
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
                and traits < TRAIT_PATTERN_MIN
                and not (1 in kinds and traits)
                # beside provenance, a part (胆) or a generic animal word that may be counted out (野生 小鸟 两只)
                and (
                    2 not in kinds
                    or not (
                        1 in kinds
                        or (self._single_parts and self._single_parts.search(joined))
                        or (self._generic_animals and self._generic_animals.search(joined))
                    )
                )
                and (1 not in kinds or not any(p is not None and p.search(joined) for p in self._part_provenance))
                and (
                    self._talk_patterns.isdisjoint(ids)
                    or (self._goods_patterns.isdisjoint(ids) and not (self._counted and self._counted.search(joined)))
                )
                and self._function_patterns.isdisjoint(ids)
                and len(self._remedy_patterns.intersection(ids)) < REMEDY_MIN
                # a diagnostic mark written apart (交叉的网格纹) is a trait the scan cannot see
                and not (
                    starts & _SPLIT_TRAITS and self._split_traits is not None and self._split_traits.search(joined)
                )
                # and so is a pelt's ground colour and mark (黄底黑圈)
                and not (starts & _PELT_MARKS and self._pelt_marks is not None and self._pelt_marks.search(joined))
                # an animal or goods word after a capture (山里刚抓的鸟, 海里捞的红枝) is a part of wild provenance,
                # and so is a one-character part a few characters after a place of the wild (山里大家伙的胆)
                and not (
                    starts & _CAPTURE_OR_PLACE
                    and self._capture_or_place is not None
                    and self._capture_or_place.search(joined)
                )
                # ... and so is one after a place of the wild the dictionary names (河滩上捡到的), where one stands
                and (
                    self._site_capture is None
                    or self._site_patterns.isdisjoint(ids)
                    or not self._site_capture.search(joined)
                )
                # a calibre beside its barrel or rounds (内径5.5) may be all a weapon's listing shows
                and not calibred
            ):
                return ScoreResult(0, self.threshold <= 0, None, None, folded=folded)
        table = self._fold_table
        views = [
            FieldView("title", NormText(title, title_text, table, title_marked), 0),
            FieldView(
                "description", NormText(description, description_text, table, description_marked), len(title_text) + 1
            ),
        ]
        if image_text:
            offset = len(title_text) + len(description_text) + 2
            views.append(FieldView("image_text", NormText(image_text, image_folded, table, image_marked), offset))
        matches = self.matcher.resolve(joined, found)
        if homophones:
            matches = matches + homophones
        result = self._score_matches(listing, views, matches, joined, starts, ids)
        result.folded = folded
        return result

    def _talks_trade(self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]) -> bool:
        """Whether the listing talks trade (私聊, 懂的来) or claims wild provenance: a provenance it denies
        (不是野外的, 非野生) is no claim, and the short form of the title's phrase is still that phrase's."""
        gap = self._negation_gap
        ends = self._negation_ends
        for signals, view, start, end in signal_places:
            kinds = {sig.kind for sig in signals}
            if kinds.isdisjoint(TALK):
                continue
            if (
                "provenance" not in kinds
                or ends.isdisjoint(view.norm.text[max(0, start - gap - 1) : start])
                or self._scoping.negation_before(view, start, end, modifier=True) is None
            ):
                return True
        return False

    def _context_stated(
        self, requires: tuple[str, ...], joined: str, ids: set[int], cut_phrases: Mapping[str, Any]
    ) -> bool:
        """Whether the listing states one of a term's context words (``requires``): holds it (``ids``: what its scan
        found), not only inside a phrase read as no word (``cut_phrases``) and not only right after a negation."""
        scanned, unscanned = self._context_ids[requires]
        held = [*map(self._pattern_list.__getitem__, scanned.intersection(ids)), *(w for w in unscanned if w in joined)]
        return any(w not in cut_phrases and self._stated(joined, w) for w in held)

    def _stated(self, joined: str, word: str) -> bool:
        """Whether ``word`` stands in ``joined`` once other than right after a negation or a denied trade or use
        (野生 of 野生草龟, not of 非野生 草龟; 偷拍 not of 不做偷拍): a context word the listing denies gives a name no
        context."""
        negations = self._term_denials
        at = joined.find(word)
        while at >= 0:
            if not negated_before(joined, at, negations):
                return True
            at = joined.find(word, at + 1)
        return False

    def _score_matches(
        self,
        listing: Mapping[str, Any],
        views: list[FieldView],
        matches: list[tuple[int, int, int]],
        joined: str,
        starts: int,
        ids: set[int],
    ) -> ScoreResult:
        """The result of a listing whose scan found ``matches`` in ``joined`` (its fields' normalised texts, one
        line each: a word that no field holds is not in it either, since no word holds a line break); ``starts``:
        the searches a word of the listing may start a match of (:class:`StartWords`); ``ids``: the ids the scan
        found, of patterns and start words (a pattern is in ``joined`` exactly where its id is among them)."""
        by_name = {view.name: view for view in views}
        price = _price(listing.get("price"))
        kinds = self._kinds
        questions = self._question_patterns
        containers = self._part_containers
        terms: list[tuple[TermRef, FieldView, int, int]] = []
        masks: list[tuple[Mask, FieldView, int, int]] = []
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]] = []
        first_view, later_views = views[0], views[1:]
        generated_patterns, generated = self._generated_patterns, self._generated_words
        colours = self._colour_patterns
        # a generated phrase (folded) -> the rule that read it as no word of the listing (一粒倒 of 一粒倒入)
        cut_phrases: dict[str, dict[str, Any]] = {}
        colour_masks: list[tuple[Mask, FieldView, int, int]] = []
        for pattern_id, start, end in matches:
            refs, phrases, signals = kinds[pattern_id]
            view = first_view
            for later in later_views:
                if start >= later.offset:
                    view = later
            start -= view.offset
            end -= view.offset
            if refs:
                for ref in refs:
                    terms.append((ref, view, start, end))
            if phrases and pattern_id in colours:
                if not self._colour_ends.crossed(view, start, end):
                    colour_masks.extend((phrase, view, start, end) for phrase in phrases)
            elif phrases:
                for phrase in phrases:
                    masks.append((phrase, view, start, end))
            if signals:
                if pattern_id in questions:
                    signals = self._told_questions(signals, view, start, end)
                if pattern_id in containers:
                    signals = self._outside_containers(signals, view, start, containers[pattern_id])
                if pattern_id in self._placed_parts and not starts_a_part(view, start):
                    signals = tuple(sig for sig in signals if sig.kind != "part")
                if pattern_id in generated_patterns:
                    signals = self._worded(signals, view, start, end, cut_phrases)
                if signals:
                    signal_places.append((signals, view, start, end))
        if colour_masks:
            masks.extend(m for m in colour_masks if not self._goods_shown_by_count(m[0].category, views, signal_places))
        masked_rules: list[dict[str, Any]] = []
        if cut_phrases:
            masked_rules.extend(cut_phrases.values())
            for signals, view, start, end in signal_places:
                if view.norm.text[start:end] in cut_phrases and any(sig.word in generated for sig in signals):
                    cut_phrases.pop(view.norm.text[start:end], None)  # written whole elsewhere in the listing
        books: dict[str, list[tuple[int, int]]] = {}
        live: list[tuple[TermRef, FieldView, int, int, int, int]] = []
        scoped_spans: list[tuple[FieldView, int, int]] = []
        # names written out but set aside for want of context (壁虎 with no wild one sold): what they hold is still
        # their name (a spelling, 麝 香 毛 of 麝香猫, is no name to hold another)
        unsold: list[tuple[TermRef, FieldView, int, int]] = []
        # short forms of an innocent phrase the title names (虎皮 after 虎皮鹦鹉): the phrase again, signals and all
        short_forms: list[tuple[FieldView, int, int]] = []
        denied: set[tuple[str, str]] = set()
        # (category, word) of terms the listing itself shows in another sense (老冰糖, 烟花图案)
        read_aside: set[tuple[str, str]] = set()
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
                ref.rule == "animal"
                and not self._sells_wild_animal(ref.category, view, end, signal_places, views, bool(starts & _CAPTURE))
                and not self._sells_possessed_part(ref.category, view, start, end, signal_places, views, terms)
            ):
                # a generic animal word (长虫, 盐蛇) names no species: only a wild one sold alive or as goods is a lead
                masked_rules.append({"rule": "needs_wild_animal", "category": ref.category, "term": ref.term,
                                     "field": view.name, "points": 0})  # fmt: skip
                if ref.rule not in DISGUISED_RULES:  # a name written out, or a synonym; not a spelling of one
                    unsold.append((ref, view, start, end))
                continue
            if (
                ref.requires
                and not self._context_stated(ref.requires, joined, ids, cut_phrases)
                and not (
                    ref.rule == "species"
                    and (
                        self._names_a_part(ref.category, view, end)
                        or count_after(view, end + view.norm.text.startswith(_NOUN_SUFFIX, end), 2) is not None
                    )
                )
                # wild provenance in any language (wild caught) and a live or young animal in English (chick, baby)
                # are context the name's words give in Chinese, for the name and for its English name (Wild-caught
                # hooded pitta); a count is not (Python 3)
                and not (
                    ref.rule in ("species", "english")
                    and any(
                        sig.kind in _NAME_CONTEXT or (sig.label == _TOLD_QUESTION and sig.word in self._bare_told)
                        for signals, *_ in signal_places
                        for sig in signals
                    )
                )
                # a capture told (山上抓的, 树林里网的) is wild provenance as well: the named animal taken from the
                # wild, unless the listing offers a pet or a kept animal (猫咪 beside 山里带回来的小野猫: a pet's story)
                and not (
                    ref.rule == "species"
                    and starts & _CAPTURE
                    and self._capture is not None
                    and self._capture.search(joined) is not None
                    and not self._animals.names_kept_animal(
                        views,
                        signal_places,
                        [(v, s, e) for r, v, s, e in terms if r.category.startswith(WILDLIFE_PREFIX)],
                    )
                )
            ):
                brand = self._scoping.brand_mark(ref, view, end)
                if brand is not None:
                    # a name that needs context, made a brand (白鹤牌 绿茶): the goods are the brand's
                    masked_rules.append({"rule": "brand_term", "category": ref.category, "term": ref.term,
                                         "marker": brand, "field": view.name, "points": 0})  # fmt: skip
                    continue
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
                if ref.rule not in DISGUISED_RULES:  # a name written out, or a synonym; not a spelling of one
                    unsold.append((ref, view, start, end))
                continue
            marker = self._joined_goods(ref, view, start, end, signal_places, views) or (
                self._scoping.term_scope(view, start, end)
                or self._scoping.names_goods(ref, view, start, end, signal_places, views)
            )
            if marker is not None and marker[0] in (_SHAPE_RULE, _IMITATION_RULE) and ref.category in self._genuine:
                genuine = self._genuine_shown(ref.category, views)
                if genuine is not None:
                    # 匕首造型 of a knife that is 开刃: the shape of the goods themselves, not of other goods
                    masked_rules.append({"rule": "genuine_over_shape", "category": ref.category, "term": ref.term,
                                         "marker": marker[1], "genuine": genuine, "points": 0})  # fmt: skip
                    marker = None
            if marker is not None:
                scoped_spans.append((view, start, end))
                if (
                    marker[0] in _DENYING_RULES
                    or marker[1].startswith(self._composition_denial)
                    or (marker[0] == _IMITATION_RULE and view is first_view)
                ):
                    denied.add((ref.category, ref.term))
                elif marker[0] in _READ_AS_OTHER_GOODS:
                    read_aside.add((ref.category, view.norm.text[start:end]))
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
                and (ref.rule in SHAPE_RULES or cut_from_list(ref))
                and self._joined(view.norm.original, o_start, o_end)
            ):
                continue  # nor is a two-character short form of a listed name (鼠兔 in 仓鼠兔子)
            if (
                end - start == 1
                and ref.rule == "trade_name"
                and ref.category.startswith(GOODS_FAMILY)
                and not _heads_word(view.norm.original, o_start, o_end)
            ):
                continue  # a goods character (铳 "gun") heads its word (火铳, 铳 一支); 铳梦 is a comic's name
            if (
                _LIST_SEPARATORS.search(view.norm.original, o_start, o_end)
                or (
                    ref.rule == "variant"
                    and end - start == 2
                    and _CLAUSE_BREAKS.search(view.norm.original, o_start, o_end)
                )
            ) or (
                ref.rule in _INITIALS_RULES
                and not view.norm.original[o_start:o_end].isalnum()
                and not self._shows_form(ref.category, views)
                and not self._form_follows(ref.category, view, end)
            ):
                # 黑、白、粉 lists colours, M、L sizes; initials written apart (X Y) stand for a term only beside
                # its goods (X Y 手串) or right before one of them, however short (L Y J 粉, S X 仁)
                continue
            if ref.rule == "emoji" and not has_emoji(view.norm.original[o_start:o_end]):
                continue  # 小熊熊猫 spelt out is a stammer, not 小熊🐼
            if ref.code and not whole_words_across_spaces(view.norm.original, o_start, o_end):
                continue
            if masks:
                category_id = ref.category
                # an animal's pictograph is the animal: a phrase runs across a space from it only as whole words
                # (🪸 红色 is a red coral, not the colour 珊瑚红), where a written name may stand in a compound
                # split by a space (穿山甲 毛绒玩具)
                pictograph = has_emoji(view.norm.original[o_start:o_end])
                mask = next(
                    (
                        m
                        for m, mview, ms, me in masks
                        if mview is view
                        and ms <= start
                        and end <= me
                        and (
                            m.category is None
                            or m.category == category_id
                            or (
                                self._runs_into_head(m, view, ms, me, start, end)
                                and not self._read_through(ref, view, ms, me, signal_places)
                            )
                        )
                        and (
                            not pictograph
                            or whole_words_across_spaces(view.norm.original, offsets[ms], offsets[me - 1] + 1)
                        )
                    ),
                    None,
                )
                if mask is None and pictograph:
                    # a pictograph right before a phrase that holds its name (🦜虎皮鹦鹉) pictures that phrase
                    word = view.norm.text[start:end]
                    mask = next(
                        (
                            m
                            for m, mview, ms, me in masks
                            if mview is view
                            and end <= ms
                            and not view.norm.text[end:ms].strip()
                            and word in view.norm.text[ms:me]
                            and (m.category is None or m.category == category_id)
                        ),
                        None,
                    )
                if mask is not None:
                    # an everyday word used as a code word (冰糖) read in its everyday sense here, and a name inside a
                    # tool's full name (气枪 of 吹尘气枪): the listing's word for that tool wherever it repeats
                    if ref.code or mask.phrase in self._tool_names:
                        read_aside.add((ref.category, view.norm.text[start:end]))
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
                spans = books[view.name] = book_spans(view.norm.original)
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
        if unsold and live:
            live = drop_inside_unsold(live, unsold, masked_rules)
        if scoped_spans:  # 山甲 inside a negated 不含穿山甲 is negated with it
            live = [i for i in live if not any(v is i[1] and s <= i[2] and i[3] <= e for v, s, e in scoped_spans)]
        if denied and live:  # a term the listing itself denies (不含虎骨) means the same elsewhere in it (虎骨贴)
            kept = [i for i in live if (i[0].category, i[0].term) not in denied]
            if len(kept) < len(live):
                masked_rules.append({"rule": "denied_elsewhere", "terms": sorted({t for _c, t in denied}), "points": 0})
                live = kept
        if read_aside and live:  # a word the listing shows in another sense (老冰糖) has it where it repeats (冰糖)
            aside = [i for i in live if (i[0].category, i[1].norm.text[i[2] : i[3]]) in read_aside]
            # with the hits inside it there (山甲 inside 穿山甲 of 穿山甲牌 潜孔钻), as a negated term's are
            kept = [i for i in live if not any(a[1] is i[1] and a[2] <= i[2] and i[3] <= a[3] for a in aside)]
            if len(kept) < len(live):
                masked_rules.append({"rule": "read_aside_elsewhere", "words": sorted({w for _c, w in read_aside}),
                                     "points": 0})  # fmt: skip
                live = kept
        if live and self._pet_breeds:
            live = self._pets_named(live, joined, masked_rules)
        if (
            live
            and any(mv is first_view and me - ms > 2 for _m, mv, ms, me in masks)
            and not self._talks_trade(signal_places)
            and not any(marker in joined for marker in self._reveals)
        ):
            # a listing that talks trade or reveals the goods (象牙白手镯 …其实是真象牙, 私聊) may name them in full;
            # talk it denies (不是野外的) is none
            live = drop_short_forms(live, masks, masked_rules, short_forms)
        if live and (masked_rules or masks):
            live = self._english_of_namesake(live, masked_rules, masks)
            live = self._namesake_described(live, masked_rules, signal_places, masks, first_view)
        if live and self._bred is not None:
            bred = self._bred_claims.bred_animal(live, views, signal_places, self._scoping.denied_in_phrase)
            if bred is not None:
                live = [item for item in live if not item[0].category.startswith(WILDLIFE_PREFIX)]
                masked_rules.append(bred)
                if not live:
                    return ScoreResult(0, self.threshold <= 0, None, None, [], [], masked_rules)
        if len(live) > 1:
            live = drop_straddling(drop_owned_code_words(drop_inner_code_words(live)))
        if not live:
            # a title that names its goods by a term set aside, or by an innocent phrase (象拔蚌, 麝香葡萄), hides
            # nothing: its talk is a seller's, not concealment
            # the categories of the innocent phrases in the title (玄凤鹦鹉, a bred parrot): it names the animal whose
            # traits (亲人, 带证) the listing tells
            phrased = frozenset(mask.category for mask, view, _start, _end in masks if view is first_view)
            named = bool(phrased) or any(
                r["rule"] in _TITLE_NAMES_GOODS and r.get("field") == "title" for r in masked_rules
            )
            split = self._animals.split_traits(views, signal_places) if starts & _SPLIT_TRAITS else []
            if split:  # 交叉的网格纹: a diagnostic mark written apart is the mark
                signal_places = signal_places + split
            if starts & _PELT_MARKS:  # 黄底黑圈 beside a pelt: the mark of its category's pelt
                signal_places = self._animals.pelt_marks(views, signal_places)
            pattern = (
                (None if named else self._animals.concealed_goods(signal_places, views))
                or self._animals.trait_pattern(signal_places, views, price, phrased)
                or (None if named else self._animals.trade_pattern(signal_places, views, bool(starts & _CAPTURE)))
                or self._goods.function_pattern(signal_places, views)
                or self._goods.calibre_pattern(views)
                or self._animals.diagnostic_trait(signal_places, views)
                or (None if named else self._remedies.remedy_pattern(signal_places, views, price))
                # a title that names a plant (麝香葡萄) sells it: what the goods pattern reads (颗粒饱满) describes it
                or (None if self._names_a_plant(masked_rules) else self._goods.goods_pattern(signal_places, views))
                or (None if named else self._animals.evaded_goods(signal_places, views))
            )
            if (
                pattern is not None
                and pattern[0][0].category.startswith(WILDLIFE_PREFIX)
                and any(category == pattern[0][0].category for category, _term in denied)
            ):
                # the listing denies an animal's goods (仿鹤顶红, 山羊角 代替羚羊角): what it shows of them (红皮) is
                # the look-alike's; an imitation of prohibited goods (仿真) is their usual disguise
                masked_rules.append({"rule": "pattern_of_denied", "category": pattern[0][0].category, "points": 0})
                pattern = None
            if pattern is not None and pattern[1]["rule"] == _TRAIT_PATTERN:
                everyday = self._blades.set_aside(views, signal_places, pattern[0][0].category)
                if everyday is not None:  # 开刃 锋利 of a kitchen knife (厨刀, 剔骨刀) describe the knife
                    masked_rules.append(everyday)
                    pattern = None
            if (
                pattern is not None
                and pattern[1]["rule"] in _PRODUCT_DESCRIBED
                and pattern[0][0].category not in _PRODUCT_CARRIED
            ):
                product = self._ordinary_product(first_view, signal_places, pattern[0][0].category)
                if product is not None:  # 人字纹 地板: the mark is the floor's pattern
                    masked_rules.append(product)
                    pattern = None
            if pattern is not None and pattern[0][0].category.startswith(WILDLIFE_PREFIX):
                homonym = self._animals.homonym_goods(signal_places)
                if homonym is not None and pattern[1]["rule"] in _DESCRIBED_PATTERNS:
                    masked_rules.append({"rule": "homonym", "category": pattern[0][0].category,
                                         "signals": homonym, "points": 0})  # fmt: skip
                    pattern = None
            if pattern is None:
                return ScoreResult(0, self.threshold <= 0, None, None, [], [], masked_rules)
            live = [pattern[0]]
            masked_rules.append(pattern[1])

        by_category: dict[str, list[tuple[TermRef, FieldView, int, int, int, int]]] = {}
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
        for view, start, end in short_forms:
            term_spans.setdefault(view.name, []).append((start, end))
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
                            mechanism(rule, source, matched), source)
                    )  # fmt: skip

        # context signals count once, and never when they lie inside a term hit (塑料 in 白色塑料); an
        # innocence word inside a neutral phrase (玻璃眼) or right after a negation (不是树脂) does not count
        by_scope: dict[str | None, list[Signal]] = {}
        neutral: list[tuple[FieldView, int, int, str]] = [
            (view, start, end, payloads[0].word)
            for payloads, view, start, end in signal_places
            if payloads[0].kind == "neutral"
        ]
        negations = self._negations
        negated_ends: set[tuple[str, int]] = set()
        covers: set[str] = set()
        stated: set[str] = set()
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
            trait_negation: str | None = None
            asked = False
            # a trade word inside an innocent phrase is that phrase's (偷拍 in 防偷拍)
            in_phrase = bool(masks) and any(mv is view and ms <= start and end <= me for _m, mv, ms, me in masks)
            for sig in payloads:
                if sig.kind == "neutral" or (in_phrase and sig.kind in ("suspicious", "context")):
                    continue
                if (
                    sig.kind == "conceal"
                    and neutral
                    and any(nv is view and ns <= start and end <= ne for nv, ns, ne, _w in neutral)
                ):
                    continue  # 拼音写 inside 看拼音写 (an exercise) tells no name written oddly
                if sig.kind in DENIABLE_KINDS and not self._is_legitimacy(sig.word):
                    if not asked:
                        asked = True
                        # the last character of a negation within reach before the word, or none can deny it
                        before = view.norm.text[max(0, start - self._negation_gap - 1) : start]
                        provenance = any(s.kind == "provenance" for s in payloads)
                        if not self._negation_ends.isdisjoint(before):
                            trait_negation = self._scoping.negation_before(view, start, end, modifier=provenance)
                            if trait_negation is not None and self._legitimacy.match(view.norm.text, end):
                                trait_negation = None  # 没有进口手续 denies the papers
                        reach = view.norm.text[max(0, start - _PHRASE_REACH) : start]
                        if trait_negation is None and provenance and not self._negation_ends.isdisjoint(reach):
                            # 不是山里那个野生豹猫: the negation denies the noun phrase, the provenance in it too
                            trait_negation = self._scoping.denied_in_phrase(view, start, signal_places)
                        if trait_negation is not None:
                            masked_rules.append(
                                {"rule": "negated_signal", "signal": sig.word, "negation": trait_negation,
                                 "field": view.name, "points": 0}
                            )  # fmt: skip
                        if trait_negation is None and provenance:
                            # wild provenance compared with, not claimed (口感接近野生, 跟野生原种不是一回事), or the
                            # place the goods are used (野外用的露营灯)
                            trait_negation = self._scoping.set_apart(view, start, end) or place_of_use(
                                view.norm.text, end, self._use_places
                            )
                            if trait_negation is not None:
                                masked_rules.append(
                                    {"rule": "compared_signal", "signal": sig.word, "marker": trait_negation,
                                     "field": view.name, "points": 0}
                                )  # fmt: skip
                    if trait_negation is not None:
                        continue
                if sig.kind == "innocence":
                    if cleared is None and sig.word in self._shape_words and shapes_a_term(view, end, spans_here):
                        # 蜡烛造型冷烟花: the shape of the goods named right after it, not other goods
                        masked_rules.append({"rule": "innocence_shape_of_goods", "signal": sig.word,
                                             "field": view.name, "points": 0})  # fmt: skip
                        cleared = True
                    if cleared is None:
                        cleared = self._scoping.innocence_cleared(
                            view, start, end, neutral, negations, negated_ends, masked_rules, sig.word
                        )
                        if cleared and masked_rules[-1]["rule"] in _COVER_RULES:
                            covers.add(sig.word)
                    if cleared:
                        continue
                    if sig.word in self._material_words and self._material_stated(view, start, end, by_category):
                        stated.add(sig.word)
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
        if self._own_traits_shown(by_scope) and (
            (starts & _CAPTURE and self._capture is not None and self._capture.search(joined) is not None)
            or self._sold_wild(by_scope, signal_places, views)
        ):
            self._drop_captured_traits(by_scope, masked_rules)
        shared = by_scope.get(None, [])
        # a live animal for sale (活体, 幼鸟, 可上手): its cage, feed and colours are the animal's, not the goods
        live_goods = any(sig.kind == "live" for sig in shared)
        scores: dict[str, int] = {}
        rules: dict[str, list[dict[str, Any]]] = {}
        categories = self.categories
        score_category = self._category_scorer.score
        acting = self._acting(signal_places, by_category)
        read_as_other = {r["category"] for r in masked_rules if r["rule"] in _READ_AS_OTHER_GOODS}
        hunted = (
            self._hunted_capture(joined)
            if starts & _CAPTURE and any(cid.startswith(WILDLIFE_PREFIX) for cid in by_category)
            else None
        )
        for category_id, items in by_category.items():
            scoped = by_scope.get(category_id)
            signals_here = shared + scoped if scoped else shared
            if hunted is not None and category_id.startswith(WILDLIFE_PREFIX):
                signals_here = [*signals_here, Signal("suspicious", "capture", category_id, hunted, False, False)]
            if category_id in self._genuine and any(sig.label in _GENUINE_OVER for sig in signals_here):
                genuine = self._genuine_shown(category_id, views)
                if genuine is not None:
                    # a knife 开刃 in the shape of a dagger (匕首造型) is the dagger: its shape clears nothing
                    outweighed = sorted({sig.label for sig in signals_here if sig.label in _GENUINE_OVER})
                    signals_here = [sig for sig in signals_here if sig.label not in _GENUINE_OVER]
                    masked_rules.append({"rule": "genuine_over_innocence", "category": category_id,
                                         "kinds": outweighed, "genuine": genuine, "points": 0})  # fmt: skip
            if category_id in self._body_forms:
                signals_here = self._drop_display_words(category_id, items, signals_here, views, stated, masked_rules)
            scores[category_id], rules[category_id] = score_category(
                categories[category_id],
                items,
                signals_here,
                price,
                live_goods,
                acting.get(category_id, ()),
                category_id in read_as_other,
                stated,
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
        filed = self._parts_categories.get(best)
        title_view = by_name.get("title")
        if filed is not None and title_view is not None and self._sold_as_parts(filed[1], title_view.norm.text, joined):
            parts = filed[0]
            all_rules.append({"rule": "sold_as_parts", "category": best, "filed_as": parts, "points": 0})
            ranked = [parts, *(c for c in ranked if c != parts)]
            best = parts
        alive = self._alive_categories.get(best)
        sold_alive = alive is not None and title_view is not None and self._sold_alive(alive[1], title_view.norm.text)
        if sold_alive and alive is not None:  # the animal sold alive is not the shell its origin tells (背甲 of 海龟)
            all_rules.append({"rule": "sold_alive", "category": best, "filed_as": alive[0], "points": 0})
            ranked = [alive[0], *(c for c in ranked if c != alive[0])]
            best = alive[0]
        elif self._origin_categories:  # a live reptile's shell sold dead (海里 龟 标本) is then a sea turtle's
            origin = self._filed_by_origin(best, hits, joined)
            shell = self._alive_categories.get(origin or "")
            if shell is not None and title_view is not None and self._sold_alive(shell[1], title_view.norm.text):
                origin = None  # a live animal from the sea (橄榄龟 海里的 活的) is no sea turtle's shell
            if origin is not None:
                all_rules.append({"rule": "filed_by_origin", "category": best, "filed_as": origin, "points": 0})
                ranked = [origin, *(c for c in ranked if c != origin)]
                best = origin
        return ScoreResult(
            score=score,
            is_lead=score >= self.threshold,
            family=best.split(".", 1)[0],
            category=best,
            categories=ranked,
            hits=hits,
            rules=all_rules,
        )

    def _sold_alive(self, dead: re.Pattern[str], title: str) -> bool:
        """Whether a listing of a category of an animal's goods (a sea turtle's shell) sells the animal alive, as its
        title says (橄榄龟 活体, 幼体), and names none of its dead goods there (标本, 吊坠): the live category files
        it."""
        alive = self._alive_forms
        return alive is not None and alive.search(title) is not None and dead.search(title) is None

    def _sold_as_parts(self, dead: re.Pattern[str], title: str, joined: str) -> bool:
        """Whether a listing of a live-animal category sells the animal dead or its parts, as its title says (金雕标本
        展翅, 整只冻品, 孔雀尾羽, 蛤蚧干; a description's 飞羽是黑的 is a live bird's trait), and says nothing of a
        live one (活体, 活的): the categories file those goods apart. ``dead``: the words of the category's dead
        goods."""
        alive = self._alive_forms
        return dead.search(title) is not None and (alive is None or alive.search(joined) is None)

    def _filed_by_origin(self, best: str, hits: list[Hit], joined: str) -> str | None:
        """The category a listing's goods can only be when no name of the category it is filed under tells them (a
        code word, 甲片, or goods a pattern reads, 老壳) and it states their origin and kind (海里的 + 壳: a sea
        turtle's shell, not a pangolin's scales); None where nothing moves it. An origin denied (不是非洲那种) tells
        nothing."""
        family = best.partition(".")[0]
        negations = self._term_negations
        for origins, goods, category, instead_of in self._origin_categories:
            if (
                category != best
                and (best in instead_of if instead_of else category.partition(".")[0] == family)
                and goods.search(joined) is not None
                and any(not negated_before(joined, m.start(), negations) for m in origins.finditer(joined))
                and not any(h.category == best and h.rule != "code_word" and h.rule not in PATTERN_RULES for h in hits)
            ):
                return category
        return None

    def _hunted_capture(self, text: str) -> str | None:
        """The verb of a capture told with a verb of hunting and 的 (山上网的, 林子里打的, 山里刚网到的), as a wildlife
        category's suspicious word (网的, as the listed 抓的: the same verb counts once), or None. A verb that begins
        another word (网购, 网店) or a 的 that goes somewhere (打的回来, a taxi ride) tells no capture."""
        if self._hunting_capture is None:
            return None
        for match in self._hunting_capture.finditer(text):
            told = match.group().removesuffix("的")
            # a doer's capture ends in its 的 (自己套的), a place's in the verb (山上网)
            if _CAPTURED_BY.match(text, match.end() - (told != match.group())):
                return next((verb + "的" for verb in self._hunting_verbs if told.endswith(verb)), None)
        return None

    def _sold_wild(
        self,
        by_scope: dict[str | None, list[Signal]],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        views: list[FieldView],
    ) -> bool:
        """Whether a listing says its animal is wild (野生, not negated) and names it alive or as the goods of its
        category (活体, 成鸟): it sells a caught one, as a capture told does (九官鸟 会学舌 野生 成鸟)."""
        negations = self._term_negations
        if not any(
            sig.kind == "provenance" and not negated_before(view.norm.text, start, negations)
            for signals, view, start, _end in signal_places
            for sig in signals
        ):
            return False
        return any(sig.kind == "live" for signals, *_ in signal_places for sig in signals) or any(
            scope is not None and scope.startswith(WILDLIFE_PREFIX) and self._shows_form(scope, views)
            for scope in by_scope
        )

    def _genuine_shown(self, category: str, views: list[FieldView]) -> str | None:
        """The first mark of the category's real goods (``genuine``: 开刃, 真刀) a field shows, not right after a
        denial (未开刃, 不是真刀); None without one."""
        denials = self._genuine_denials
        for view in views:
            text = view.norm.text
            for word in self._genuine[category]:
                at = text.find(word)
                while at >= 0:
                    if not any(text.endswith(denial, 0, at) for denial in denials):
                        return word
                    at = text.find(word, at + 1)
        return None

    def _drop_display_words(
        self,
        category: str,
        items: list[tuple[TermRef, FieldView, int, int, int, int]],
        signals: list[Signal],
        views: list[FieldView],
        stated: set[str],
        rules: list[dict[str, Any]],
    ) -> list[Signal]:
        """The signals without the innocence words of display and use, where the listing names a listed species
        plainly and its title a part of its body (东方白鹳标本, 瓶鼻海豚牙, 玉带海雕 尾羽): such words speak of the
        specimen's pose, case and use (展翅造型, 亚克力罩子, 做饰品), not of other goods. A word of them the title
        says (树脂 鹗 摆件) but a shape, a material stated (树脂做的) and the category's own words (人工繁育, 繁育证)
        still count."""
        display = self._display_words
        if not any(sig.kind == "innocence" and sig.word in display for sig in signals):
            return signals
        title = next((view for view in views if view.name == "title"), None)
        if title is None or not any(ref.rule in _NAMING_RULES for ref, *_ in items):
            return signals
        text = title.norm.text
        part = next((form for form in self._body_forms[category] if form in text), None)
        if part is None:
            return signals
        dropped = sorted(
            {
                sig.word
                for sig in signals
                if sig.kind == "innocence"
                and sig.word in display
                and sig.word not in stated
                and (sig.word not in text or sig.word in self._shape_words)
            }
        )
        if not dropped:
            return signals
        rules.append({"rule": "display_of_named_part", "category": category, "part": part, "signals": dropped,
                      "points": 0})  # fmt: skip
        return [sig for sig in signals if sig.kind != "innocence" or sig.word not in dropped]

    def _own_traits_shown(self, by_scope: dict[str | None, list[Signal]]) -> bool:
        """Whether a wildlife category's own innocence word (学舌) counts in the listing: only then can a capture
        told or a wild animal sold change anything (:meth:`_drop_captured_traits`), so only then are they read."""
        own_innocence = self._own_innocence
        for scope, sigs in by_scope.items():
            if scope is not None and scope.startswith(WILDLIFE_PREFIX):
                own = own_innocence.get(scope)
                if own and any(sig.kind == "innocence" and sig.word in own for sig in sigs):
                    return True
        return False

    def _drop_captured_traits(self, by_scope: dict[str | None, list[Signal]], rules: list[dict[str, Any]]) -> None:
        """A listing that tells the capture of its animal (山上掏的鸟崽) sells a wild one: a wildlife category's own
        innocence word (学舌 of a talking bird) is then the wild animal's trait, not lawful goods; only a word of
        breeding or of its papers (人工繁育, 驯养证) still counts, for it contradicts the capture."""
        for scope, sigs in by_scope.items():
            if scope is None or not scope.startswith(WILDLIFE_PREFIX):
                continue
            own = self._own_innocence.get(scope, frozenset())
            traits = {
                sig.word
                for sig in sigs
                if sig.kind == "innocence"
                and sig.word in own
                and not any(p is not None and p.search(sig.word) for p in (self._bred, self._licences))
            }
            if traits:
                by_scope[scope] = [sig for sig in sigs if sig.kind != "innocence" or sig.word not in traits]
                rules.extend(
                    {"rule": "innocence_captured", "category": scope, "signal": word, "points": 0}
                    for word in sorted(traits)
                )

    def _form_follows(self, category_id: str, view: FieldView, end: int) -> bool:
        """Whether a product form of the category, of any length, is the next word after ``end`` (S X 仁, L Y J
        粉): spelt-out initials and the goods they name, where a lone letter pair and a size would not be."""
        text = view.norm.text
        if end >= len(text):
            return False
        if text[end] in self._adjacent_forms.get(category_id, ""):
            return True
        return any(text.startswith(form, end) for form in self._form_words(self.categories[category_id]))

    def _pets_named(
        self, live: list[tuple[TermRef, FieldView, int, int, int, int]], joined: str, rules: list[dict[str, Any]]
    ) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
        """Drops the hits of prohibited goods written with a pet animal's name (气狗 of an air gun, 狗粮 of its
        pellets) in a listing that names a breed of that pet from the dictionary (二哈, 哈士奇): the listing sells
        the pet, or goods for it, and the name is the pet's."""
        kept = []
        for item in live:
            ref, view, start, end = item[0], item[1], item[2], item[3]
            if not ref.category.startswith(WILDLIFE_PREFIX):
                word = view.norm.text[start:end]
                named = next(
                    ((pet, breed) for pet, breeds in self._pet_breeds.items() if pet in word
                     for breed in breeds if breed in joined),
                    None,
                )  # fmt: skip
                if named is not None:
                    rules.append({"rule": "pet_breed_named", "category": ref.category, "term": ref.term,
                                  "pet": named[0], "breed": named[1], "field": view.name, "points": 0})  # fmt: skip
                    continue
            kept.append(item)
        return kept

    def _material_stated(self, view: FieldView, start: int, end: int, categories: Iterable[str]) -> bool:
        """Whether the innocence word at ``start:end`` is stated as what the goods are made of, in one clause
        and not denied there (不是仿的塑料片): after a copula (其实是山羊绒, 材质是牛骨; not said of a vessel,
        壶是玻璃的), or before a verb of making and 的 (水牛角雕的, 树脂做的; not the vessel of 塑料的瓶子). A bare
        的 counts where the clause or the goods' name follows it (牦牛骨的, 树脂的手串; not 人工的不值这个价). A
        material right before the goods' name (塑料片, 玻璃瓶) is left alone: it may be a vessel's or other goods'."""
        text = view.norm.text
        before = text[max(0, start - _MATERIAL_REACH) : start]
        for negation in self._long_negations:
            at = before.rfind(negation)
            if at >= 0 and one_clause(view, start - len(before) + at, end):
                return False
        vessels = self._material_vessels
        for marker in self._material_before:
            said_of = start - len(marker)
            if said_of >= 0 and text.startswith(marker, said_of):
                subject = text[max(0, said_of - _VESSEL_REACH) : said_of]
                if any(v in subject for v in vessels):  # 壶是玻璃的, 瓶子是玻璃的
                    return False
                others = text[max(0, said_of - _OTHERS_REACH) : said_of]
                if any(o in others for o in self._material_others):  # 别家都是合成的: other shops' goods
                    return False
                if one_clause(view, said_of, end):
                    return True
                break
        for marker in self._material_after:
            if text.startswith(marker, end):
                after = end + len(marker)
                if not one_clause(view, start, after) or any(text.startswith(v, after) for v in vessels):
                    return False
                if marker != _POSSESSIVE or after >= len(text) or not one_clause(view, start, after + 1):
                    return True
                return any(self._form_follows(category_id, view, after) for category_id in categories)
        return False

    def _ordinary_product(
        self, title: FieldView, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]], category: str
    ) -> dict[str, Any] | None:
        """The rule that sets a pattern hit aside where the title names an ordinary product no goods of the category
        are (人字纹 地板, 满身鳞片 的鱼, 鞋柜 … 自己组装), and the listing neither claims wild provenance nor hides
        what it sells: the marks and traits it shows are the product's."""
        if any(sig.kind in _GOODS_HIDDEN for signals, *_place in signal_places for sig in signals):
            return None
        found = self._products.named(title, category)
        if found is None:
            return None
        return {"rule": "ordinary_product", "category": category, "head": found[0], "kind": found[1], "points": 0}

    @staticmethod
    def _names_a_plant(masked_rules: list[dict[str, Any]]) -> bool:
        return any(r["rule"] == "plant_term" and r.get("field") == "title" for r in masked_rules)

    @staticmethod
    def _english_of_namesake(
        live: list[tuple[TermRef, FieldView, int, int, int, int]],
        masked_rules: list[dict[str, Any]],
        masks: list[tuple[Mask, FieldView, int, int]],
    ) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
        """A species' English name (one that needs context, not a part's: tiger skin) in a field where a Chinese
        name of its category is a brand (虎牌) or in an innocent phrase of it (虎标万金油) is that namesake's English
        name (Tiger Balm, a Tiger thermos), not the animal."""
        namesakes = {
            (rule["category"], rule["field"]) for rule in masked_rules if rule["rule"] in _ENGLISH_NAMESAKE_RULES
        }
        namesakes.update((mask.category, view.name) for mask, view, _start, _end in masks if mask.category)
        kept = [
            item
            for item in live
            if item[0].rule != "english" or not item[0].requires or (item[0].category, item[1].name) not in namesakes
        ]
        if len(kept) < len(live):
            masked_rules.append({"rule": "english_of_namesake", "terms": sorted({i[0].term for i in live} - {
                i[0].term for i in kept}), "points": 0})  # fmt: skip
        return kept

    def _namesake_described(
        self,
        live: list[tuple[TermRef, FieldView, int, int, int, int]],
        masked_rules: list[dict[str, Any]],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        masks: list[tuple[Mask, FieldView, int, int]],
        title: FieldView,
    ) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
        """A title that names a namesake of a family's goods (射钉枪, 电子鞭炮, or an innocent phrase of prohibited
        goods around no term: 电子礼炮) and no term says what is sold: a term of that family in the description
        alone (不用火药) describes the namesake, unless the listing shows that family's goods: concealment or a
        reveal (水枪 玩具 …其实是真枪), a part, a live animal, wild provenance or a trait. A dealer's voice alone
        (私聊, 量大从优) does not: sellers of namesakes talk so too. A term of that family right after a negation,
        in any field, says what the namesake lacks (电子鞭炮 不用火药, 城区禁放也能用), whatever the listing's talk."""
        families = {
            rule["category"].split(".", 1)[0]
            for rule in masked_rules
            if rule["rule"] in _NAMESAKE_RULES and rule["field"] == "title"
        }
        families.update(
            mask.category.split(".", 1)[0]
            for mask, view, _start, _end in masks
            if view is title and mask.category is not None and mask.category.startswith(GOODS_FAMILY)
        )
        if not families:
            return live
        negations = self._negations
        lacks = [
            item
            for item in live
            if item[0].category.split(".", 1)[0] in families and negated_before(item[1].norm.text, item[2], negations)
        ]
        reveals = self._reveals
        shown = any(marker in item[1].norm.text for item in live for marker in reveals) or any(
            sig.kind in GOODS_EVIDENCE
            or (sig.kind == "suspicious" and sig.category is not None and sig.category.split(".", 1)[0] in families)
            for signals, *_ in signal_places
            for sig in signals
        )
        if shown or any(item[1].name == "title" and item not in lacks for item in live):
            dropped = lacks
        else:
            dropped = [item for item in live if not item[0].code and item[0].category.split(".", 1)[0] in families]
            dropped += [item for item in lacks if item not in dropped]
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

    def _sells_wild_animal(
        self,
        category_id: str,
        view: FieldView,
        end: int,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        views: list[FieldView],
        captured: bool,
    ) -> bool:
        """Whether a listing that names an animal by a generic word (长虫 "snake") sells a wild one: a word of
        wild provenance not negated (野生, not 不是野生) or a capture (山上套的), with a live animal (活的, 幼崽), an
        animal part, a product form of the category or a count of animals (一条) after the word: the trade
        pattern, with the animal known; evasion talk (私聊, 没有手续) sells it as well. ``captured``: a start word
        of a capture stands in the listing (:class:`StartWords`); without one the capture's search is not made."""
        negations = self._term_negations
        wild = any(
            sig.kind == "provenance" and not negated_before(place.norm.text, start, negations)
            for signals, place, start, _end in signal_places
            for sig in signals
        ) or (captured and self._capture is not None and any(self._capture.search(v.norm.text) for v in views))
        if not wild:
            return False
        sold = any(sig.kind in ("live", "part", "evasion") for signals, *_ in signal_places for sig in signals)
        return (
            sold
            or self._shows_form(category_id, views)
            or self._names_a_part(category_id, view, end)
            or count_after(view, end) is not None
        )

    def _joined_goods(
        self, ref: TermRef, view: FieldView, start: int, end: int, places: list[Any], views: list[FieldView]
    ) -> tuple[str, str] | None:
        """(rule, name) when a wildlife term begins the name of other goods that a dictionary word ends: a plant
        (虎掌菌, 麝香百合), whatever the listing says, or a cage for the animal (画眉笼) unless the listing shows the
        animal or its goods (``places``: the listing's signals and where they are; a dealer's voice is not that);
        or the name of a shop (犀牛旗舰店, 穿山甲五金店) unless the listing shows the animal, its traits or one of
        its category's product forms (象牙店 … 手镯: a shop of the goods)."""
        if not ref.category.startswith(WILDLIFE_PREFIX) or self._head_firsts.isdisjoint(
            view.norm.text[end : end + _JOINED_REACH]
        ):
            return None
        plant = self._plant_heads.named(view, start, end)
        if plant is not None:
            return "plant_term", plant
        cage = self._cage_heads.named(view, start, end)
        if cage is not None and (
            # a name read across a space whose last word is the cage's (野生 鸟笼) is no name the listing writes
            _written_apart(view, start, end)
            or not self._scoping.goods_shown(ref, places, view, start, end, traits=False)
        ):
            return "accessory_term", cage
        shop = self._shop_heads.named(view, start, end)
        if (
            shop is not None
            and not self._scoping.goods_shown(ref, places, view, start, end)
            and not self._shows_form(ref.category, views)
        ):
            return "shop_term", shop
        return None

    def _sells_possessed_part(
        self,
        category_id: str,
        view: FieldView,
        start: int,
        end: int,
        places: list[Any],
        views: list[FieldView],
        terms: list[tuple[TermRef, FieldView, int, int]],
    ) -> bool:
        """Whether a generic animal word (大笨象 "elephant", 山猫 "lynx") is written with one of the animal's parts,
        after a possessive (大笨象的牙, 山猫的皮) or joined to it as one word (山猫皮 一张), in a listing that sells
        it: trade, evasion or provenance talk (in ``places``, the listing's signals), a product form of the category,
        or a count after the part (of animals, or of the joined part's pieces: 皮一张). A farmed animal's part
        (牛的角) has no such word, the bare word (大象 玩具) no part, and a longer word is something else (大象皮纹),
        as is a word and part that another of the listing's ``terms`` names whole (山猫骨, a tiger's code word).
        Goods said to come from the animal's body or kind (大象身上的料, 🐘家的 老手镯) are its goods where the
        listing hides what it sells (:data:`_SOURCE_POSSESSIVES`) and shows a product form of the category."""
        text = view.norm.text
        source = next((p for p in _SOURCE_POSSESSIVES if text.startswith(p, end)), None)
        joined = source is None and not text.startswith(_POSSESSIVE, end)
        at = end if joined else end + len(source or _POSSESSIVE)
        part = next((p for p in self._possessed_parts if text.startswith(p, at)), None)
        if part is None:
            # the goods told as the animal's, unnamed (大象身上的料 手串, 🐘家的 老手镯): a product form of the
            # category, hidden as the possessive asks
            return (
                source is not None
                and any(sig.kind in _SOURCE_POSSESSIVES[source] for signals, *_ in places for sig in signals)
                and self._shows_form(category_id, views)
            )
        if joined and (
            view.span(at, at + 1)[0] != view.span(end - 1, end)[1]  # written apart (山猫 骨)
            or not self._ends_word(view, at + len(part))
            or any(v is view and s <= start and e >= at + len(part) for _r, v, s, e in terms)
        ):
            return False
        return (
            self._trade_talk(places)
            or self._shows_form(category_id, views)
            or count_after(view, at + len(part)) is not None
            or (joined and counts_pieces(text, at + len(part)))
        )

    def _names_a_part(self, category_id: str, view: FieldView, end: int) -> bool:
        """Whether a species name is written with one of its category's one-character parts right after it, ending
        the word or before a count (石虎皮 一张, 豹猫骨一副): the name of a part of the animal, which sells it as the
        context words of a species do; a longer word is something else (大天鹅羽绒服)."""
        text = view.norm.text
        if end >= len(text) or text[end] not in self._adjacent_forms.get(category_id, ""):
            return False
        return self._ends_word(view, end + 1)

    @staticmethod
    def _ends_word(view: FieldView, end: int) -> bool:
        """Whether a word of the normalised text ends at ``end`` as written: before a separator, the field's end or
        a count (皮 一张, 骨两副)."""
        o_end = view.span(end - 1, end)[1]
        original = view.norm.original
        after = original[o_end] if o_end < len(original) else " "
        return not after.isalnum() or after in _COUNTS

    def _is_legitimacy(self, word: str) -> bool:
        """Whether a signal word holds a word of a legal trade (证书 of 证), read once per word."""
        known = self._legitimacy_of.get(word)
        if known is None:
            known = self._legitimacy_of[word] = self._legitimacy.search(word) is not None
        return known

    def _acting(
        self,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        by_category: Mapping[str, object],
    ) -> dict[str, list[str]]:
        """Per category hit, the functions of its goods the listing shows (升空, 一摔就响), none right after a
        negation (不是隐藏款 says the camera is no hidden one)."""
        acting: dict[str, list[str]] = {}
        negations = self._function_denials
        for signals, view, start, _end in signal_places:
            for sig in signals:
                category = sig.category
                if (
                    sig.label in _ACTING
                    and category is not None
                    and category in by_category
                    and not negated_before(view.norm.text, start, negations)
                ):
                    words = acting.setdefault(category, [])
                    if sig.word not in words:
                        words.append(sig.word)
        return acting

    def _runs_into_head(self, mask: Mask, view: FieldView, ms: int, me: int, start: int, end: int) -> bool:
        """Whether a term inside an innocent phrase of another category runs into the name that ends the phrase,
        written as one word (电子烟 of 电子烟花: 烟花 is fireworks', so the phrase's namesake is an LED firework)."""
        head = self._mask_heads.get((mask.category or "", view.norm.text[ms:me]))
        if head is None or not start < ms + head < end:
            return False
        o_start, o_end = view.span(ms, me)
        return not any(c.isspace() or breaks_clause(c) for c in view.norm.original[o_start:o_end])

    def _goods_shown_by_count(
        self,
        category_id: str | None,
        views: list[FieldView],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
    ) -> bool:
        """Whether a listing with a colour named after a category's goods (大地红色) shows those goods themselves:
        a count in one of the category's units (一万响), what its goods do (升空, 炸开), or an animal's part, a live
        animal, wild provenance or concealment. The colour of the goods is then the goods' own (大地红色 一万响
        sells firecrackers). A trait the goods share with festive things (过年) shows nothing of them."""
        if category_id is None:
            return False
        units = self._counted_units
        if self._counted is not None:
            for view in views:
                for match in self._counted.finditer(view.norm.text):
                    if category_id in units[match.group(1)]:
                        return True
        return any(
            sig.kind in GOODS_EVIDENCE or (sig.kind == "function" and sig.category == category_id)
            for signals, *_ in signal_places
            for sig in signals
        )

    def _read_through(
        self,
        ref: TermRef,
        view: FieldView,
        ms: int,
        me: int,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
    ) -> bool:
        """Whether a term that runs into the name ending another category's innocent phrase is read the other way:
        the phrase's last character begins a dictionary word that a flavour marker ends, all written as one
        (电子烟花果味 is 电子烟 in 花果 + 味, a taste no firework has), or the listing names what the term's goods hold
        or taste of (尼古丁, 口味)."""
        word = self._head_run_ends.crossed(view, ms, me)
        if word is not None:
            after = me - 1 + len(word)
            text = view.norm.text
            for flavour in self._flavours:
                if text.startswith(flavour, after):
                    o_lo, o_hi = view.span(me - 1, after + len(flavour))
                    if not any(breaks_clause(c) or c.isspace() for c in view.norm.original[o_lo:o_hi]):
                        return True
        category_id, flavours = ref.category, self._flavours
        return any(
            sig.category == category_id
            and (sig.label == "defining" or (sig.kind == "form" and sig.word.endswith(flavours)))
            for signals, *_ in signal_places
            for sig in signals
        )

    def _worded(
        self,
        signals: tuple[Signal, ...],
        view: FieldView,
        start: int,
        end: int,
        cut_phrases: dict[str, dict[str, Any]],
    ) -> tuple[Signal, ...]:
        """The signals of a pattern without its generated phrases where the listing runs the phrase's last character
        into a word that reads it otherwise (一粒倒入 鼠洞 pours: 倒入, not 一粒倒), noted in ``cut_phrases``."""
        crossing = self._phrase_ends.crossed(view, start, end)
        if crossing is None:
            return signals
        phrase = view.norm.text[start:end]
        cut_phrases[phrase] = {"rule": "phrase_not_a_word", "signal": phrase, "word": crossing, "field": view.name,
                               "points": 0}  # fmt: skip
        generated = self._generated_words
        return tuple(sig for sig in signals if sig.word not in generated)

    @staticmethod
    def _outside_containers(
        signals: tuple[Signal, ...], view: FieldView, start: int, containers: tuple[tuple[str, int], ...]
    ) -> tuple[Signal, ...]:
        """The signals of a part word without the part where the listing writes it inside a dictionary word of
        another sense, without a break (边角料 holds 角料, 眼皮子 holds 皮子): there it names no animal's part."""
        text, original = view.norm.text, view.norm.original
        for word, at in containers:
            begin = start - at
            if begin < 0 or not text.startswith(word, begin):
                continue
            o_start, o_end = view.span(begin, begin + len(word))
            if not any(breaks_clause(c) or c.isspace() for c in original[o_start:o_end]):
                return tuple(sig for sig in signals if sig.kind != "part")
        return signals

    def _told_questions(self, signals: tuple[Signal, ...], view: FieldView, start: int, end: int) -> tuple[Signal, ...]:
        """The signals of a pattern with its question of the goods' identity (是什么) made concealment where a verb
        beside it leaves the answer to the reader (大家都知道是什么), and dropped where none does (是什么颜色)."""
        told = (
            None if self._told_verbs is None else left_to_reader(view, start, end, self._told_verbs, self._told_longest)
        )
        if told is None:
            return tuple(sig for sig in signals if sig.kind != "question")
        concealment = Signal("conceal", _TOLD_QUESTION, None, told, False, False)
        return tuple(concealment if sig.kind == "question" else sig for sig in signals)

    @staticmethod
    def _trade_talk(signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]) -> bool:
        """Whether the listing talks trade, evasion or wild provenance (私聊, 不走物流, 野山货)."""
        return any(sig.kind in TALK for signals, *_ in signal_places for sig in signals)

    def _boundary_ok(self, view: FieldView, start: int, end: int, ascii_start: bool, ascii_end: bool) -> bool:
        """Latin-script patterns must start and end at word boundaries of the original text."""
        if not (ascii_start or ascii_end):
            return True
        offsets = view.offsets()
        o_start, o_end = offsets[start], offsets[end - 1] + 1
        original = view.norm.original
        table = self._fold_table
        if ascii_start and o_start > 0:
            before = table[ord(original[o_start - 1])]
            if before is not None and ascii_alnum_code(before if isinstance(before, int) else ord(before[-1])):
                return False
        if ascii_end and o_end < len(original):
            after = table[ord(original[o_end])]
            if after is not None and ascii_alnum_code(after if isinstance(after, int) else ord(after[0])):
                return False
        return True

    # ------------------------------------------------------------------------------------------ explain

    def explain(self, text: str, description: str = "", price: float | None = None) -> dict[str, Any]:
        """The normalised text, the hits and the score breakdown of one piece of text."""
        result = self.score({"title": text, "description": description, "price": price})
        return {
            "normalised": self.normaliser.canonical(text),
            "normalised_description": self.normaliser.canonical(description) if description else "",
            **result.to_dict(),
        }


def _heads_word(original: str, o_start: int, o_end: int) -> bool:
    """Whether the one character at ``o_start:o_end`` ends the word it is in (火铳 一支: a modifier before it) or
    stands alone, rather than begin another word (铳梦, 铳剑), as the head of a Chinese compound comes last."""
    return (o_start > 0 and is_cjk(original[o_start - 1])) or o_end >= len(original) or not is_cjk(original[o_end])


def _written_apart(view: FieldView, start: int, end: int) -> bool:
    """Whether the text at ``start:end`` of the folded text is written with a space inside it (野生 鸟)."""
    o_start, o_end = view.span(start, end)
    return any(c.isspace() for c in view.norm.original[o_start:o_end])


def _price(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):  # a tuple: int | float builds a union at every call
        number = float(value)
    else:
        match = re.search(r"\d+(?:\.\d+)?", str(value).replace(",", ""))
        if not match:
            return None
        number = float(match.group())
    return number if math.isfinite(number) and number >= 0 else None


def _flat_codes(table: Mapping[int, str]) -> tuple[bytes, str] | Mapping[int, str]:
    """The homophone table (code point -> its one-character code, some 40,000 entries) as the code points' bytes
    (unsigned 32-bit, this machine's order: the entry is read where it was written) and the codes as one string:
    a cached scorer then rebuilds it from two objects in C (`_table_of_codes`) instead of unpickling 80,000 keys
    and values one by one. A table with a code of another length is kept as it is."""
    points = array("I", table)
    if points.itemsize != 4 or any(len(code) != 1 for code in table.values()):
        return table
    return points.tobytes(), "".join(table.values())


def _table_of_codes(flat: tuple[bytes, str] | Mapping[int, str]) -> Mapping[int, str]:
    """The homophone table `_flat_codes` made flat, in its order."""
    if not isinstance(flat, tuple):
        return flat
    points, codes = flat
    return dict(zip(array("I", points), codes, strict=True))


def _shared_kinds(kinds: Sequence[tuple[tuple[Any, ...], ...]]) -> list[tuple[tuple[Any, ...], ...]]:
    """The pattern table's payloads with each equal record and tuple as one object: about half of them repeat
    (a term's spellings share its record), and the pickle of a cached scorer then holds and rebuilds each once.
    Records are equal here only if their reprs are (1 and 1.0, True and 1 stay apart)."""
    records: dict[Any, Any] = {}
    groups: dict[tuple[int, ...], tuple[Any, ...]] = {}

    def group(items: Iterable[Any]) -> tuple[Any, ...]:
        members = tuple(items)
        return groups.setdefault(tuple(map(id, members)), members)

    def record(payload: Any) -> Any:
        return records.setdefault((type(payload), repr(payload)), payload)

    return [group(group(map(record, part)) for part in row) for row in kinds]

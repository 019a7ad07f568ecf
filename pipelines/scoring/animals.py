"""Wildlife offered without a name the watchlists know: an animal part or a live animal of wild provenance with
evasion talk (the trade pattern), talk that hides what the goods are, traits of one category, or one diagnostic
trait with support. Each makes a hit when no term names the goods; an ordinary pet or farm animal named, or
goods of a namesake kind (蜜蜡, 纪念币), say the listing sells something else."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .clauses import (
    PLACE_REACH,
    SPLIT_TRAIT_GAP,
    count_after,
    negated_before,
    one_clause,
    place_of_use,
    stands_after_a_word,
    stands_alone,
)
from .payloads import PELT_MARK, PLACED_PART, REHEADED, WILD_KIND, YOUNG_PART, FieldView, Signal, TermRef
from .remedies import actions, sold_by_weight
from .shown import TRADE_PATTERN_CATEGORY, TRAIT_SPREAD_MAX, WILDLIFE_PREFIX, ShownGoods
from .watchlist import Category

# traits of one wildlife category alone a listing must show for the trait pattern
TRAIT_PATTERN_MIN = 2
# the word a material before it makes a colour of (琥珀色); the scorer adds colours and grounds (琥珀黄, 琥珀底)
COLOUR_WORD = "色"
# traits of one category alone that describe its goods well enough without any evasion or trade talk
_TRAIT_PATTERN_ALONE = 3
# distinct phrases of evasion or concealment, and points of one category's goods shown (a trait 2, a product form
# 1), that make goods no word names a lead (:meth:`AnimalPatterns.evaded_goods`)
EVADED_TALK_MIN = 2
_EVADED_TALK = ("evasion", "conceal", "trade")
EVADED_SHOWN_MIN = 3
# routes of the trade pattern that tell provenance or talk without a word of it
_TOLD_ASIDE = frozenset(("denied", "papers", "place"))
# what may follow a caught animal's word (鸟一对, 鸟崽两只, 小家伙的)
_CAUGHT_AFTER = frozenset("一二两三四五六七八九十几只对个的")
# characters before a farmed animal's word that may hold the verb of feeding it is the food of (吃一只活鸡)
_FEED_REACH = 4
# characters before a young animal's word that may hold the farmed animal or pet whose young it is (小狗崽子, 猫崽子)
_TAME_WINDOW = 8  # the longest name before a young animal's word (a wild one ending in a farmed one: 扬子鳄鱼), and 小
# characters of description (红, 活石头) a capture's animal or goods word may stand after the capture
_CAUGHT_GAP = 4
# the bare verb of making, beside the made_into markers (做成, 可以做): a part's word right after it is what the goods
# make (做香囊); not a marker of innocence, where 做装饰 says what a displayed part is for
_MAKING_VERB = "做"


class AnimalPatterns:
    """The wildlife patterns with the scorer's tables they read (built once per scorer)."""

    def __init__(
        self,
        shown: ShownGoods,
        weights: dict[str, float],
        categories: dict[str, Category],
        *,
        capture: re.Pattern[str] | None,
        live_words: frozenset[str],
        single_parts: re.Pattern[str] | None,
        farmed: re.Pattern[str] | None,
        pets: re.Pattern[str] | None,
        diagnostic: dict[str, str],
        lookalike_denial: re.Pattern[str] | None,
        trait_spread: dict[str, int],
        term_negations: tuple[str, ...],
        victim_words: frozenset[str] = frozenset(),
        namesake_kinds: frozenset[str],
        papers_denied: re.Pattern[str] | None = None,
        offline: re.Pattern[str] | None = None,
        offline_wholes: frozenset[str] = frozenset(),
        tame_before: re.Pattern[str] | None = None,
        wild_places: re.Pattern[str] | None = None,
        wild_places_longest: int = 0,
        caught: re.Pattern[str] | None = None,
        hunted: re.Pattern[str] | None = None,
        caught_animals: dict[str, str | None] | None = None,
        generic_animals: re.Pattern[str] | None = None,
        hunting_verbs: tuple[str, ...] = (),
        feeding_verbs: tuple[str, ...] = (),
        eating_words: dict[str, tuple[tuple[str, int], ...]] | None = None,
        use_places: tuple[str, ...] = (),
        split_traits: re.Pattern[str] | None = None,
        split_trait_words: dict[tuple[str, str], str] | None = None,
        split_colours: frozenset[str] = frozenset(),
        colour_heads: tuple[str, ...] = (COLOUR_WORD,),
        pelt_marks: re.Pattern[str] | None = None,
        pelt_forms: dict[str, tuple[str, ...]] | None = None,
        pelt_patterns: dict[str, re.Pattern[str]] | None = None,
        bred: re.Pattern[str] | None = None,
        made_into: tuple[str, ...] = (),
        cages: tuple[str, ...] = (),
    ) -> None:
        self._shown = shown
        self.weights = weights
        self.categories = categories
        self._capture = capture
        self._live_words = live_words
        self._single_parts = single_parts
        self._farmed = farmed
        self._cages = cages
        self._pets = pets
        self._diagnostic = diagnostic
        self._lookalike_denial = lookalike_denial
        self._trait_spread = trait_spread
        self._victim_words = victim_words
        self._term_negations = term_negations
        self._namesake_kinds = namesake_kinds
        self._papers_denied = papers_denied
        self._offline = offline
        self._offline_wholes = offline_wholes
        self._tame_before = tame_before
        self._wild_places = wild_places
        self._wild_places_longest = wild_places_longest
        self._caught = caught
        self._hunted = hunted
        self._caught_animals = caught_animals or {}
        self._generic = generic_animals
        self._hunting_verbs = hunting_verbs
        self._feeding_verbs = feeding_verbs
        self._eating_words = eating_words or {}
        self._use_places = use_places
        self._split_traits = split_traits
        self._split_trait_words = split_trait_words or {}
        self._split_colours = split_colours
        self._colour_heads = colour_heads
        self._pelt_marks = pelt_marks
        self._pelt_forms = pelt_forms or {}
        self._pelt_patterns = pelt_patterns or {}
        self._bred = bred
        self._made_into = (*made_into, _MAKING_VERB)
        self._made_into_longest = max(map(len, self._made_into))
        # the goods words (product forms) that one wildlife category alone sells (枝 of coral, 镜框 of tortoiseshell)
        owners: dict[str, set[str]] = {}
        for category in categories.values():
            if category.id.startswith(WILDLIFE_PREFIX) and category.id != TRADE_PATTERN_CATEGORY:
                for form in category.product_forms:
                    owners.setdefault(form, set()).add(category.id)
        self._own_goods = {form: next(iter(ids)) for form, ids in owners.items() if len(ids) == 1}
        self._own_goods_longest = max(map(len, self._own_goods), default=0)
        # what a medicine does, in the monographs' words (清热, 平肝息风): every herb seller writes it of legal herbs
        # (天麻 平肝息风), so it is a trait of a category's goods only beside a product form of that category
        cures = {action for cat in categories.values() for remedy in cat.remedies for action in actions(remedy)}
        self._cures = frozenset(
            word
            for category in categories.values()
            for word in category.suspicious
            if all(action in cures for action in actions(word))
        )

    def concealed_goods(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]], views: list[FieldView]
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """A listing that says it hides what its goods are (不方便写名字, 快递单写厨具, 字是故意写的), when no
        watchlist term names them: the one category whose traits (``suspicious`` words and product forms) the
        listing shows most (:meth:`shown_category`) becomes a hit at its first concealment phrase."""
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
        family = WILDLIFE_PREFIX if animal else ""
        # the concealment is the company a function (口径 of a barrel) asks for: it tells the goods as a trait does
        category, traits = self._shown.shown_category(signal_places, family, 1.5, functions=True)
        if category is None:
            return None
        sig, view, start, end = conceal
        ref = TermRef(category, sig.word, "concealed_goods", self.weights["concealed_goods"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "concealed_goods_context", "category": category, "concealment": sig.word,
                       "traits": traits, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def evaded_goods(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]], views: list[FieldView]
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """A listing that moves the deal out of sight in EVADED_TALK_MIN or more distinct phrases of evasion or
        concealment (私聊, 不走快递, 见面交易), one of them maybe dealer talk of supply (一手货源, 渠道), and shows
        the goods of one category (a trait of it among its words, in all EVADED_SHOWN_MIN points of
        :meth:`shown_category`, words of delivery and sale left out), with a word of that category in the title,
        when no term names the goods and no innocence word says they are ordinary, sells them: the talk stands in
        for their name, as a concealment phrase does. A hit of that category at its first talk phrase."""
        talk: list[tuple[Signal, FieldView, int, int]] = []
        for signals, view, start, end in signal_places:
            if any(sig.kind == "innocence" for sig in signals):
                return None
            if any(sig.kind in ("suspicious", "form") for sig in signals):
                continue  # a word of the goods (可验 of a document) is not talk about the deal
            said = next((sig for sig in signals if sig.kind in _EVADED_TALK), None)
            if said is None or any(
                said.word == other.word or (view is other_view and start < other_end and other_start < end)
                for other, other_view, other_start, other_end in talk
            ):
                continue  # the same phrase again, or one inside another (货源 in 一手货源)
            talk.append((said, view, start, end))
        # dealer talk of supply (一手货源, 渠道) counts beside a phrase that moves the deal out of sight, not alone
        if len(talk) < EVADED_TALK_MIN or all(said.kind == "trade" for said, *_ in talk):
            return None
        category, traits = self._shown.shown_category(
            signal_places, "", EVADED_SHOWN_MIN, True, commerce_fallback=False
        )
        if category is None:
            return None
        # the title says what is sold: the goods shown in the description alone may be another listing's subject
        titled = [place for place in signal_places if place[1].name == "title"]
        if self._shown.shown_category(titled, category, 1, commerce_fallback=False)[0] != category:
            return None
        sig, view, start, end = talk[0]
        ref = TermRef(category, sig.word, "evaded_goods", self.weights["concealed_goods"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "evaded_goods_context", "category": category, "talk": [said.word for said, *_ in talk],
                       "traits": traits, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def homonym_goods(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]
    ) -> dict[str, str] | None:
        """The namesake kinds and materials the title names its goods by (蜜蜡 of amber beads, 纪念币), none negated
        (不是南红): goods of another kind, whose looks are not an animal's traits. A material right before 色, a
        colour or a ground (``colour_heads``: 琥珀色, 琥珀黄, 琥珀底 of a tortoiseshell bangle held to the light)
        names a colour, not what the goods are. None if it names none."""
        found: dict[str, str] = {}
        negations = self._term_negations
        for signals, view, start, end in signal_places:
            if view.name != "title":
                continue
            text = view.norm.text
            for sig in signals:
                if sig.kind == "material" and text.startswith(self._colour_heads, end):
                    continue
                if (
                    sig.kind == "material" or (sig.kind == "innocence" and sig.label in self._namesake_kinds)
                ) and not negated_before(text, start, negations):
                    found.setdefault(sig.label, sig.word)
        return found or None

    def _shows_single_part(self, views: list[FieldView]) -> bool:
        """Whether a one-character animal part (牙, 骨, 胆) stands as a word of its own in the listing."""
        if self._single_parts is None:
            return False
        return any(
            stands_alone(view, match.start(), match.end())
            for view in views
            for match in self._single_parts.finditer(view.norm.text)
        )

    def split_traits(
        self, views: list[FieldView], signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]
    ) -> list[tuple[tuple[Signal, ...], FieldView, int, int]]:
        """The diagnostic marks written with words between modifier and head in one clause (交叉的网格纹, 交叉弧线纹
        of ivory's 交叉纹), as signals of the mark, where the listing does not write the mark whole already. A colour
        right before the head gives the head a mark of its own (黑条白纹: black bars and white stripes, a zebra's, not
        the tiger's 黑条纹)."""
        pattern = self._split_traits
        if pattern is None:
            return []
        shown = {sig.word for signals, *_ in signal_places for sig in signals if sig.label == "trait"}
        found: list[tuple[tuple[Signal, ...], FieldView, int, int]] = []
        words = self._split_trait_words
        for view in views:
            text = view.norm.text
            for match in pattern.finditer(text):
                modifier, start = match.group(1), match.start()
                # the first head after the modifier that makes a mark with it (交叉弧线纹: not 线 but 纹)
                end = next(
                    (at + 1 for at in range(match.start(2), match.end(1) + SPLIT_TRAIT_GAP + 1)
                     if (modifier, text[at : at + 1]) in words),
                    None,
                )  # fmt: skip
                if end is None or not one_clause(view, start, end):
                    continue
                if text[end - 2] in self._split_colours:
                    continue
                word = words[(modifier, text[end - 1])]
                if word not in shown:
                    shown.add(word)
                    sig = Signal("suspicious", "trait", self._diagnostic[word], word, False, False)
                    found.append(((sig,), view, start, end))
        return found

    def pelt_marks(
        self, views: list[FieldView], signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]
    ) -> list[tuple[tuple[Signal, ...], FieldView, int, int]]:
        """A pelt told by its ground colour and mark in one clause (黄底黑圈, 灰白底色带黑色环斑) where the listing
        shows a pelt (皮子, 毛皮), or a tortoiseshell by its own (琥珀黄底带黑褐色云斑) beside its shell (壳料, 镜框):
        each category's own marks beside its own goods, as a diagnostic trait of that category, which the words of other
        wildlife categories inside it (黄底黑斑, 黑斑 of a tortoiseshell) no longer tell. Without a pelt the colours
        are a tortoiseshell's or a rug's print, and ``signal_places`` are returned as they are."""
        pattern = self._pelt_marks
        if pattern is None:
            return signal_places
        texts = [view.norm.text for view in views]
        shown = {cid for cid, forms in self._pelt_forms.items() if any(f in text for text in texts for f in forms)}
        marks: list[tuple[str, FieldView, int, int]] = []
        for view in views:
            if pattern.search(view.norm.text) is None:
                continue
            for category in sorted(shown & self._pelt_patterns.keys()):
                for match in self._pelt_patterns[category].finditer(view.norm.text):
                    if one_clause(view, match.start(), match.end()):
                        marks.append((category, view, match.start(), match.end()))
        if not marks:
            return signal_places

        def other_mark(sig: Signal, view: FieldView, start: int, end: int) -> bool:
            return (
                sig.kind == "suspicious"
                and (sig.category or "").startswith(WILDLIFE_PREFIX)
                and any(
                    view is seen and at <= start and end <= to and sig.category != cid for cid, seen, at, to in marks
                )
            )

        kept = []
        for signals, view, start, end in signal_places:
            own = tuple(sig for sig in signals if not other_mark(sig, view, start, end))
            if own:
                kept.append((own, view, start, end))
        for category, view, start, end in marks:
            sig = Signal("suspicious", PELT_MARK, category, view.norm.text[start:end], False, False)
            kept.append(((sig,), view, start, end))
        return kept

    def trait_pattern(
        self,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        views: list[FieldView],
        price: float | None,
        phrased: frozenset[str | None] = frozenset(),
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """A listing that describes its goods instead of naming them: two or more traits that belong to one
        category alone (鸟头, 红皮 of a hornbill; 偷听, 对方不知道 of a hidden recorder), with evasion, trade or
        wild-provenance talk, or three traits of one prohibited category, when no term names them, is a hit of
        that category at its first trait; a listing that names an ordinary pet (仓鼠 昼伏夜出) sells that pet, and
        one whose title names its goods by an innocent phrase of other categories (``phrased``: 玄凤鹦鹉 of a bred
        parrot) sells those goods, whose traits (亲人, 带证) the listing tells. What a
        medicine does (平肝息风, 清热) is a trait only beside a product form or diagnostic mark of its category (老角
        平肝息风), or in a listing that sells by the gram as the remedy pattern asks (:func:`.remedies.sold_by_weight`):
        herb sellers write it too (野生天麻 平肝息风)."""
        traits: dict[str, list[tuple[str, FieldView, int, int]]] = {}
        # what befalls a poison's victims (根都烂, 断根 of a banned herbicide)
        needed: dict[str, list[tuple[str, FieldView, int, int]]] = {}
        talk = False
        forms: set[str] = set()
        for signals, view, start, end in signal_places:
            for sig in signals:
                kind = sig.kind
                if kind in ("evasion", "trade", "provenance", "conceal"):
                    talk = True
                elif kind == "form" and sig.category is not None:
                    forms.add(sig.category)
                elif kind == "context" and sig.category is not None and sig.word in self._victim_words:
                    needed.setdefault(sig.category, []).append((sig.word, view, start, end))
                elif sig.category is not None and self._shown.is_trait(sig):  # (is_trait asks it too; mypy reads this)
                    if sig.label == "trait":  # a diagnostic mark (竹丝纹) shows the material as a form does
                        forms.add(sig.category)
                    shown = traits.setdefault(sig.category, [])
                    if all(word != sig.word for word, *_ in shown):
                        shown.append((sig.word, view, start, end))
        # a medicine's effect (平肝息风) tells the category's goods only beside its material (角, 粉, a diagnostic mark
        # of it: 竹丝纹) or its sale by the gram (10克起 6800)
        cures = self._cures
        if any(word in cures for shown in traits.values() for word, *_ in shown) and (
            sold_by_weight(views, price) is None
        ):
            traits = {
                cid: kept
                for cid, shown in traits.items()
                if (kept := shown if cid in forms else [place for place in shown if place[0] not in cures])
            }
        # what befalls the victims of a poison joins the traits its category's own words show (停产 老配方 with 根都烂):
        # never a pattern of its own, since a registered herbicide kills roots too
        for cid, words in needed.items():
            own = traits.get(cid, [])
            for place in words if own else ():
                if all(place[0] != word for word, *_ in own):
                    own.append(place)
        # a banned function (偷听, 炸石头, 不用考) says more than an animal's looks: only prohibited goods may go
        # without the talk
        need = TRAIT_PATTERN_MIN if talk else _TRAIT_PATTERN_ALONE
        best = [
            cid for cid, shown in traits.items()
            if len(shown) >= need and (talk or not cid.startswith(WILDLIFE_PREFIX))
        ]  # fmt: skip
        if len(best) != 1 or (best[0].startswith(WILDLIFE_PREFIX) and self._names_pet(views, signal_places)):
            return None
        if phrased and best[0] not in phrased:
            return None
        category = best[0]
        word, view, start, end = traits[category][0]
        ref = TermRef(category, word, "trait_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "trait_pattern_context", "category": category,
                       "traits": sorted(w for w, *_ in traits[category]), "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def diagnostic_trait(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]], views: list[FieldView]
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """Goods told by the mark experts know them by (有交叉纹 of ivory, 毛发纤维 of rhino horn, 会抱人 of a
        primate) rather than named: a diagnostic trait of one wildlife category, shown with a product form of that
        category that few others share, wild provenance, evasion or concealment, a live animal, or the denial of a
        look-alike (不是牛角, 非塑料, 非猫非狗), is a hit of that category at its first trait. A listing that names
        an ordinary pet (仓鼠 昼伏夜出) sells that pet."""
        traits: dict[str, list[tuple[str, FieldView, int, int]]] = {}
        reheaded: set[str] = set()  # the marks shown only ended in another head (铜钱纹 of 铜钱斑)
        part = False
        for signals, view, start, end in signal_places:
            for sig in signals:
                part = part or sig.kind == "part"
                owner = (
                    sig.category if sig.label == PELT_MARK
                    else self._diagnostic.get(sig.word) if sig.label in ("trait", REHEADED)
                    else None
                )  # fmt: skip
                if owner is not None and owner == sig.category:
                    shown = traits.setdefault(owner, [])
                    if all(word != sig.word for word, *_ in shown):
                        shown.append((sig.word, view, start, end))
                        if sig.label == REHEADED:
                            reheaded.add(sig.word)
                    elif sig.label == "trait":
                        reheaded.discard(sig.word)
        # a mark ended in another head is a motif of carvings and prints too (铜钱纹 紫檀手串): it tells the
        # animal only on its part (铜钱纹 皮子)
        if not part:
            traits = {
                cid: kept for cid, shown in traits.items() if (kept := [p for p in shown if p[0] not in reheaded])
            }
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
                    and self._trait_spread.get(sig.word, 0) <= TRAIT_SPREAD_MAX
                ):
                    support.append(sig.word)
        pattern = self._lookalike_denial
        denied = [] if pattern is None else [m.group() for view in views for m in pattern.finditer(view.norm.text)]
        if not support and not denied:
            return None
        # a denied look-alike is a claim of the real thing no other rule weighs: it adds to the trait's weight
        weight = self.weights["trade_pattern"] + (self.weights["lookalike_denial"] if denied else 0)
        word, view, start, end = traits[category][0]
        ref = TermRef(category, word, "diagnostic_trait", weight, False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "diagnostic_trait_context", "category": category, "traits": sorted(own),
                       "support": support, "denied": denied, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def _names_pet(
        self,
        views: list[FieldView],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        names: Sequence[tuple[FieldView, int, int]] = (),
    ) -> bool:
        """Whether the listing names an ordinary pet (猫, 仓鼠) other than to deny it (非猫非狗) or inside a word of a
        wildlife category (大猫 of a tiger) or inside one of the wildlife ``names`` written (豹猫). A category's word
        of innocence (猫咪 beside 玳瑁 "tortoiseshell") names the pet itself."""
        inside = [
            (view, start, end)
            for signals, view, start, end in signal_places
            if any((sig.category or "").startswith(WILDLIFE_PREFIX) and sig.kind != "innocence" for sig in signals)
        ]
        return self._names_undenied(self._pets, views, "", [*inside, *names])

    def names_kept_animal(
        self,
        views: list[FieldView],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        names: Sequence[tuple[FieldView, int, int]],
    ) -> bool:
        """Whether the listing's title names an ordinary pet outside the wildlife ``names`` written (猫咪 beside
        野猫: the pet is what it offers; a dog in the yard of its description is not) or the listing a kept or bred
        animal (宠物, 家养), not to deny it: a capture it tells (山里带回来的小野猫) is then how a pet came home,
        not the wild provenance of a name."""
        titles = [view for view in views if view.name == "title"]
        return self._names_pet(titles, signal_places, names) or self._names_undenied(self._bred, views, "")

    def trade_pattern(
        self,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        views: list[FieldView],
        captured: bool = True,
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """An animal part or live animal of wild provenance (or showing the traits of one wildlife category),
        offered with evasion talk, when no watchlist term names the species: the first part becomes a hit of
        TRADE_PATTERN_CATEGORY, or of the category shown. The provenance may be told as a capture (山里刚抓的),
        and talk that hides what the animal is (是什么牙懂的都懂) stands in for it. ``captured`` False: no word that
        starts a capture stands in the listing, so it is not searched for one."""
        part: tuple[Signal, FieldView, int, int] | None = None
        fresh: list[tuple[Signal, FieldView, int, int]] = []
        provenance: list[str] = []
        concealment: str | None = None
        talk = False
        talk_places: list[tuple[FieldView, int, int]] = []
        placed: str | None = None  # a place of the wild a few characters before a part (深山皮子)
        solid: tuple[Signal, FieldView, int, int] | None = None  # the first part that is more than a whole (整只)
        tame: bool | None = None  # whether the listing names a farmed animal or a pet, asked once a placed part stands
        for signals, view, start, end in signal_places:
            for sig in signals:
                if sig.kind == "part" and sig.label == "fresh":
                    fresh.append((sig, view, start, end))
                elif (
                    sig.kind == "part"
                    and sig.label == PLACED_PART
                    and (tame := self._names_tame(views, signal_places) if tame is None else tame)
                ):
                    continue  # a soft-shelled turtle's carapace for the pot (甲鱼 背甲), a cat's fore paw (猫 前爪)
                elif sig.kind == "part" and sig.label == YOUNG_PART and self._young_of_tame(view, start):
                    continue  # a kitten or a piglet (猫崽子, 猪崽)
                elif sig.kind == "part" and view.norm.text[max(0, start - self._made_into_longest) : start].endswith(
                    self._made_into
                ):
                    continue  # what the goods are made into (冰片 做香囊, 可以做成香包) is no part they are
                elif sig.kind == "part" and stands_alone(view, start, end):
                    if part is None:
                        part = (sig, view, start, end)
                    if solid is None and sig.word not in self._offline_wholes:
                        solid = (sig, view, start, end)
                    if placed is None:
                        placed = self._place_before(view, start)
                elif (
                    sig.kind == "provenance"
                    and sig.word not in provenance
                    and not negated_before(view.norm.text, start, self._term_negations)
                    and place_of_use(view.norm.text, end, self._use_places) is None
                ):
                    provenance.append(sig.word)  # 不属于野生动物 denies it
                elif sig.kind in ("evasion", "conceal"):
                    talk = True
                    talk_places.append((view, start, end))
                    if sig.kind == "conceal" and concealment is None:
                        concealment = sig.word
        if TRADE_PATTERN_CATEGORY not in self.categories:
            return None
        route: dict[str, Any] = {}
        if placed is None:
            # a one-character part a few characters after a place of the wild (山里大家伙的胆)
            found = self._placed_single_part(views)
            if found is not None:
                part, placed = found
        if not provenance and captured and self._capture is not None:
            capture = next((m.group() for view in views if (m := self._capture.search(view.norm.text))), None)
            if capture is not None:
                provenance.append(capture)
                route["capture"] = capture
        if not provenance and placed is not None:
            provenance.append(placed)
            route["place"] = placed
        if not provenance and talk and self._papers_denied is not None:
            # goods without the papers a legal trade needs (没有任何手续), beside other talk, are of wild provenance
            papers = self._papers_without(views, talk_places)
            if papers is not None:
                words, view, start, end = papers
                provenance.append(words)
                route["papers"] = words
                # the papers named (证书) are no trait of the goods
                signal_places = [
                    place for place in signal_places if place[1] is not view or not start <= place[2] < end
                ]
        # the denial of a farmed or imitation look-alike (不是家养的, 非牛角, 不是人工繁殖的) claims the wild, real
        # animal: beside a word of provenance it stands in for the talk, and without one for the provenance
        denied = self._denied_lookalike(views) if not talk or not provenance else None
        if part is None and provenance:
            part = self._counted_animal(signal_places)
            if part is not None:
                route["counted"] = part[0].word
        if part is None:
            caught = (self._caught_animal(views) or self._caught_goods(views)) if captured else None
            if caught is not None:
                part, capture = caught
                if capture not in provenance:
                    provenance.append(capture)
                route[part[0].label] = part[0].word
        if part is None and provenance:
            # a generic animal word (小鸟) counted out or beside evasion talk, where no capture names it: the capture,
            # where there is one, says more of how the animal was taken
            part = self._counted_generic(views, talk)
            if part is not None:
                route["counted"] = part[0].word
        if (
            part is None
            and provenance
            and fresh
            and (talk or self._shown.shown_category(signal_places, WILDLIFE_PREFIX, 2)[0] is not None)
            and not self._names_farmed(views)
        ):
            # an animal sold alive (活的, 鲜活) of wild provenance is a live animal too: without talk, where the
            # listing shows which (海缸 of a coral), since mushrooms are sold 鲜活 as well
            part = next((place for place in fresh if stands_after_a_word(*place[1:])), None)
            if part is not None:
                route["fresh"] = part[0].word
        if not talk and provenance and part is not None and self._offline is not None:
            # goods handed over only in person (同城自提, 不发快递), where no farmed animal is named: wild goods kept
            # out of the courier's record. A whole (整只) is no part for it, a live or young animal or one the listing
            # found otherwise (caught, counted) is
            kept = part if part[0].word not in self._offline_wholes else solid
            offline = next((m.group() for view in views if (m := self._offline.search(view.norm.text))), None)
            if offline is not None and kept is not None and not self._names_farmed(views):
                part, talk = kept, True
                route["offline"] = offline
        if not talk:
            if provenance and denied is not None:
                route["denied"] = denied
            elif provenance and part is not None and (hunted := self._hunted_by(views)) is not None:
                route["hunted"] = hunted  # a part the seller says he or a neighbour hunted (老乡自己打的)
            elif placed is not None and part is not None and not self._names_farmed(views):
                # a part the seller places in the wild itself (海里的龟壳, 山里大家伙的胆) says where the animal was
                # taken, which no ordinary goods need to tell
                route["place"] = placed
            # a live animal of wild provenance (野生 幼崽, 山上掏的 雏鸟) is the offence itself: it needs no talk
            elif not (
                provenance
                and part is not None
                and (part[0].word in self._live_words or part[0].label in ("fresh", "caught", "counted"))
                and not self._names_farmed(views)
            ):
                return None
        if part is None and fresh and not self._names_farmed(views):
            part = next((place for place in fresh if stands_after_a_word(*place[1:])), None)
            if part is not None:
                route["fresh"] = part[0].word
        # the one wildlife category whose goods the listing shows most of (a trait and a product form) decides it;
        # a listing that shows them stands in for the word of wild provenance (黑条纹 整张皮 带头 见面交易)
        family = TRADE_PATTERN_CATEGORY.split(".")[0] + "."
        shown, _traits = self._shown.shown_category(signal_places, family, 3, True)
        if not provenance:
            # a listing that hides what its animal is, and moves the deal out of sight, says as much as provenance
            evasion = any(sig.kind == "evasion" for signals, *_ in signal_places for sig in signals)
            if shown is None and concealment is not None and evasion:
                route["concealment"] = concealment
            elif denied is not None:
                provenance.append(denied)
                route["denied"] = denied
            elif shown is None:
                return None
        if part is None and (provenance or concealment) and self._single_parts is not None:
            part = next(
                (
                    (Signal("part", "part", None, match.group(), False, False), view, match.start(), match.end())
                    for view in views
                    for match in self._single_parts.finditer(view.norm.text)
                    if stands_alone(view, match.start(), match.end(), provenance)
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
        elif sig.label == "caught" and self._caught_animals.get(sig.word):
            shown = self._caught_animals[sig.word]  # a bird caught (山里刚抓的鸟) is a live bird
            route["part_of"] = shown
        elif sig.label in ("caught_goods", "counted"):
            shown = sig.category  # goods taken from the sea (海里捞的红枝) are of the one category that sells them
            route["part_of"] = shown
        elif (sig.word in self._live_words or sig.label == "fresh") and (
            named := self._counted_generic(views, True)
        ) is not None:
            shown = named[0].category  # a live animal the listing calls by a generic word (大蛇 一条 活体)
            route["part_of"] = shown
        elif placed is not None and (goods := self._goods_of_part(sig)) is not None:
            shown = goods  # ... and so are goods placed in the wild (山里 大掌 一对, 山里大家伙的前掌)
            route["part_of"] = shown
        if shown is None:  # one trait alone (锥形, 黑毛) still names the category better than none
            shown = self._shown.shown_category(signal_places, family, 2, True)[0]
        if shown is None and not route.keys().isdisjoint(_TOLD_ASIDE):
            # provenance or talk told aside (a denied look-alike, papers, a place) says less of the goods than a
            # diagnostic trait: the category that names
            diagnostic = self.diagnostic_trait(signal_places, views)
            if diagnostic is not None:
                return diagnostic
        category = shown or TRADE_PATTERN_CATEGORY
        ref = TermRef(category, sig.word, "trade_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "trade_pattern_context", "category": category, "part": sig.word,
                       "provenance": provenance, **route, "points": 0}  # fmt: skip
        return (ref, view, start, end, o_start, o_end), explanation

    def _names_tame(
        self, views: list[FieldView], signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]
    ) -> bool:
        """Whether the listing names a farmed animal, an ordinary pet or a bred one (宠物龟, 人工繁殖), not to deny
        it: a part named by its place on the animal (背甲, 前爪) is then that animal's."""
        return (
            self._names_farmed(views)
            or self._names_pet(views, signal_places)
            or self._names_undenied(self._bred, views, "")
        )

    def _young_of_tame(self, view: FieldView, start: int) -> bool:
        """Whether a farmed animal or a pet ends right before the young animal's word at ``start``, or before 小 and
        it (猫崽子, 小狗崽子, 甲鱼小崽子), and neither its wild kind (野兔崽子) nor a wild animal's name ends there
        (鳄鱼崽子, 犀牛崽子)."""
        pattern = self._tame_before
        if pattern is None:
            return False
        found = pattern.search(view.norm.text, max(0, start - _TAME_WINDOW), start)
        return found is not None and found.group("wild") is None

    def _goods_of_part(self, sig: Signal) -> str | None:
        """The one wildlife category whose goods word the part is (掌 of a bear), or whose goods word ends a part
        named by its place on the animal (前掌: 掌)."""
        own = self._own_goods.get(sig.word)
        if own is None and sig.label == PLACED_PART:
            own = self._own_goods.get(sig.word[-1])
        return own

    def _place_before(self, view: FieldView, start: int) -> str | None:
        """A place of the wild (深山, 山里, 海里) that ends at most a few characters before folded ``start``, in the
        same clause (深山皮子, 海里的龟壳, 山里大家伙的胆): the text from the place to the goods, or None."""
        pattern = self._wild_places
        if pattern is None:
            return None
        text = view.norm.text
        for match in pattern.finditer(text, max(0, start - PLACE_REACH - self._wild_places_longest), start):
            if start - match.end() <= PLACE_REACH and one_clause(view, match.start(), start + 1):
                return text[match.start() : start]
        return None

    def _placed_single_part(self, views: list[FieldView]) -> tuple[tuple[Signal, FieldView, int, int], str] | None:
        """The first one-character part (胆, 骨, 掌) standing as a word of its own a few characters after a place of
        the wild in its clause (山里大家伙的胆), and the place."""
        if self._single_parts is None or self._wild_places is None:
            return None
        for view in views:
            for match in self._single_parts.finditer(view.norm.text):
                start, end = match.span()
                if stands_alone(view, start, end) and (place := self._place_before(view, start)) is not None:
                    return (Signal("part", "part", None, match.group(), False, False), view, start, end), place
        return None

    def _caught_animal(self, views: list[FieldView]) -> tuple[tuple[Signal, FieldView, int, int], str] | None:
        """The first generic animal word written right after a capture (山里刚抓的鸟, 林子里逮的彩色长尾鸟), within
        one run of characters of the original text, as a live animal, and the capture."""
        if self._caught is None:
            return None
        for view in views:
            for match in self._caught.finditer(view.norm.text):
                start, end = match.span("animal")
                o_start, o_end = view.span(match.end() - len(match.group("animal")) - len(match.group("gap")), end)
                after = view.norm.original[o_end : o_end + 1]
                # the word ends there, or a count follows (鸟崽两只); 鸟语花香 is another word
                if view.norm.original[o_start:o_end].isalnum() and (not after.isalnum() or after in _CAUGHT_AFTER):
                    capture = view.norm.text[match.start() : start - len(match.group("gap"))].removesuffix("的")
                    sig = Signal("part", "caught", None, match.group("animal"), False, False)
                    return (sig, view, start, end), capture
        return None

    def _counted_animal(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]
    ) -> tuple[Signal, FieldView, int, int] | None:
        """The first goods word of one wildlife category (小猴 of a primate) followed by a count of animals (一只,
        两条) in its clause: the animal itself is counted, so it is sold alive."""
        for signals, view, start, end in signal_places:
            for sig in signals:
                if sig.kind == "form" and self._own_goods.get(sig.word) == sig.category and count_after(view, end, 2):
                    return Signal("part", "counted", sig.category, sig.word, False, False), view, start, end
        return None

    def _counted_generic(self, views: list[FieldView], talk: bool) -> tuple[Signal, FieldView, int, int] | None:
        """The first generic animal word (鸟, 小鸟) ending a word of the original text and followed by a count of
        animals in its clause (野生 小鸟 两只), or anywhere in a listing with evasion talk (小鸟 野的 懂的来): the
        animal sold alive, of the category the word names; a word that names none (小家伙) says too little."""
        if self._generic is None:
            return None
        for view in views:
            for match in self._generic.finditer(view.norm.text):
                start, end = match.span()
                o_end = view.span(start, end)[1]
                after = view.norm.original[o_end : o_end + 1]
                category = self._caught_animals[match.group()]
                if (
                    category is not None
                    and (not after.isalnum() or after in _CAUGHT_AFTER)
                    and (talk or count_after(view, end, 2) is not None)
                ):
                    return Signal("part", "counted", category, match.group(), False, False), view, start, end
        return None

    def _hunted_by(self, views: list[FieldView]) -> str | None:
        """A doer and a verb of hunting (自己打的, 刚套的), unless the listing names a farmed animal (自己抓的鸡)."""
        if self._hunted is None or self._names_farmed(views):
            return None
        return next((m.group() for view in views if (m := self._hunted.search(view.norm.text))), None)

    def _caught_goods(self, views: list[FieldView]) -> tuple[tuple[Signal, FieldView, int, int], str] | None:
        """The first goods word of one wildlife category (枝 of coral) written a few characters after a capture
        (海里捞的红枝, 海里采的活石头断枝), within one run of characters, as a part of wild provenance, and the
        capture. Goods gathered are no live animal: the trade pattern still asks for talk or a denied look-alike."""
        if self._capture is None or not self._own_goods:
            return None
        for view in views:
            text, original = view.norm.text, view.norm.original
            for match in self._capture.finditer(text):
                start = match.end() + (text.startswith("的", match.end()))
                for begin in range(start, min(start + _CAUGHT_GAP + 1, len(text))):
                    word = self._goods_word_at(text, begin)
                    if word is None:
                        continue
                    end = begin + len(word)
                    o_start, o_end = view.span(start, end)
                    after = original[o_end : o_end + 1]
                    if original[o_start:o_end].isalnum() and (not after.isalnum() or after in _CAUGHT_AFTER):
                        sig = Signal("part", "caught_goods", self._own_goods[word], word, False, False)
                        return (sig, view, begin, end), text[match.start() : match.end()]
                    break
        return None

    def _goods_word_at(self, text: str, begin: int) -> str | None:
        """The longest goods word of one wildlife category that starts at ``begin`` of ``text``, or None."""
        goods, longest = self._own_goods, self._own_goods_longest
        return next((text[begin:at] for at in range(begin + longest, begin, -1) if text[begin:at] in goods), None)

    def _papers_without(
        self, views: list[FieldView], talk_places: list[tuple[FieldView, int, int]]
    ) -> tuple[str, FieldView, int, int] | None:
        """The first denial of papers (没有证件, 无手续) with talk elsewhere in the listing than inside it."""
        assert self._papers_denied is not None
        for view in views:
            for match in self._papers_denied.finditer(view.norm.text):
                start, end = match.span()
                if any(v is not view or e <= start or end <= s for v, s, e in talk_places):
                    return match.group(), view, start, end
        return None

    def _denied_lookalike(self, views: list[FieldView]) -> str | None:
        """The first denial of a look-alike in the listing (不是牛角, 不是家养的), or None."""
        pattern = self._lookalike_denial
        if pattern is None:
            return None
        return next((m.group() for view in views if (m := pattern.search(view.norm.text))), None)

    def _names_farmed(self, views: list[FieldView]) -> bool:
        """Whether the listing names a farmed animal (土鸡 现杀, 活的 鲫鱼) other than to deny it (不是牛鞭), as the
        wild kind (野兔, 野鸭), as the prey a verb of hunting takes (会抓兔子: what the animal sold hunts), as the food
        a few characters after a verb of feeding (吃一只活鸡, 喂鸡蛋: what it eats) or inside a tag in corner
        brackets (【闲鱼】: the marketplace or group the listing comes from), nor as the animal a cage is for (鸡笼:
        the coop a wild bird is kept in)."""
        return self._names_undenied(
            self._farmed,
            views,
            WILD_KIND,
            after=self._hunting_verbs,
            tags=True,
            fed=self._feeding_verbs,
            heads=self._cages,
        )

    def _names_undenied(
        self,
        pattern: re.Pattern[str] | None,
        views: list[FieldView],
        wild_kind: str,
        inside: Sequence[tuple[FieldView, int, int]] = (),
        after: Sequence[str] = (),
        tags: bool = False,
        fed: Sequence[str] = (),
        heads: Sequence[str] = (),
    ) -> bool:
        """Whether a word of ``pattern`` stands in the listing neither right after a negation nor, if ``wild_kind``
        is given, right after it, nor right after one of the words ``after``, nor within _FEED_REACH characters
        after one of the words ``fed``, nor right before one of the words ``heads`` (a cage: 鸡笼), nor within one
        of the ``inside`` places, nor, with ``tags``, inside a tag in corner brackets."""
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
                    and not any(before.endswith(w) for w in after)
                    and not (fed and self._fed(text, match.start(), fed))
                    and not any(text.startswith(head, match.end()) for head in heads)
                    and not (tags and in_tag(view, match.start(), match.end()))
                    and not any(v is view and s <= match.start() and match.end() <= e for v, s, e in inside)
                ):
                    return True
        return False

    def _fed(self, text: str, at: int, verbs: Sequence[str]) -> bool:
        """Whether one of the verbs of feeding ``verbs`` stands within _FEED_REACH characters before folded ``at``
        as a verb (吃一只活鸡, 喂鸡蛋), not inside a word that is none (好吃的土鸡, 小吃)."""
        start = max(0, at - _FEED_REACH)
        for verb in verbs:
            found = text.find(verb, start, at)
            while found >= 0:
                words = self._eating_words.get(verb, ())
                if not any(text.startswith(word, found - place) for word, place in words if found >= place):
                    return True
                found = text.find(verb, found + 1, at)
        return False


def in_tag(view: FieldView, start: int, end: int) -> bool:
    """Whether folded ``start:end`` lies inside a tag in corner brackets of the original text (【闲鱼】, 【转自群】)."""
    original = view.norm.original
    if "【" not in original:
        return False
    o_start, o_end = view.span(start, end)
    return original.rfind("【", 0, o_start) > original.rfind("】", 0, o_start) and "】" in original[o_end:]

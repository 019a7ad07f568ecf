"""Prohibited goods sold without a product word: by their trade (大家伙 全套 散件 自己装 with evasion talk: the goods
pattern) or by what they do (打电话就能听, 升空: the function pattern), for the one prohibited category whose words
the listing shows."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from .clauses import COUNTED, negated_before, whole_words_across_spaces
from .payloads import FieldView, Signal, TermRef
from .shown import GOODS_FAMILY, ShownGoods

# the points of product forms and traits (:meth:`.ShownGoods.shown_category`) a listing of prohibited goods sold by
# its trade alone must show
_GOODS_PATTERN_MIN = 3
# words of one prohibited category (its functions, traits and product forms), a function among them, a listing
# must show for the function pattern with evasion or trade talk; without the talk, this many must be functions or
# traits, and one of them a trait or a further word beside them (:meth:`GoodsPatterns.function_pattern`)
_FUNCTION_PATTERN_WORDS = 2
# the category a calibre with its barrel or rounds tells (:class:`CalibreWords`)
CALIBRE_CATEGORY = "prohibited.weapons"


class CalibreWords:
    """A bare calibre right after or before a barrel word (内径5.5, 4.5口径) or a few characters before a count of
    rounds (5.5 一盒 500颗), generated from the lists of signals.yaml: goods sold by their bore or ammunition need
    no name. A calibre followed by a measure unit (5.5寸, 9mm, 4.5元) measures something else, and so does one
    beside a diameter of anything (``bore_measures``: 内径, not 口径 "caliber") in a listing of other goods measured
    by their bore (内径5.5 外径8 硅胶管, 轴承 内径5.5: ``bore_goods`` and the ``bore_characters`` that end such
    goods' names, from the dictionary) unless the listing counts rounds or names the barrel itself (枪管, a barrel
    word ending in one of those characters). Read in the text as written, since folding drops a calibre's decimal
    point; a text without a character every calibre holds (the point: ``mark``) is not searched, so that ordinary
    listings pay one substring test."""

    def __init__(
        self,
        calibres: list[str],
        barrel_words: list[str],
        round_units: list[str],
        measure_units: list[str],
        bore_goods: Sequence[str] = (),
        bore_characters: Sequence[str] = (),
        bore_measures: Sequence[str] = (),
    ) -> None:
        def either(words: list[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

        unit = f"(?!\\s*(?:{either(measure_units)}))" if measure_units else ""
        bore = f"(?<![\\d.])(?:{either(calibres)})(?![\\d.]){unit}"
        ways = []
        if barrel_words:
            ways.append(f"(?:{either(barrel_words)})\\s*[为是:：]?\\s*{bore}")
            ways.append(f"(?<![\\d.])(?:{either(calibres)})\\s*(?:{either(barrel_words)})")
        rounds = f"{bore}[^\\d]{{0,12}}?(?<![\\d.])[{COUNTED}]+\\s*(?:{either(round_units)})" if round_units else ""
        if rounds:
            ways.append(rounds)
        self._pattern = re.compile("|".join(ways), re.IGNORECASE)
        self._rounds = re.compile(rounds, re.IGNORECASE) if rounds else None
        # other goods measured by their bore: a word of them, or a character of them ending a word (硅胶管)
        characters = "".join(sorted(set(bore_characters)))
        goods = [either(list(bore_goods))] if bore_goods else []
        if characters:
            goods.append(f"[{re.escape(characters)}](?![\\u4e00-\\u9fff])")
        self._bore_goods = re.compile("|".join(goods)) if goods else None
        # a barrel word that ends in one of those characters is the barrel (枪管), not other goods
        self._barrels = tuple(w for w in barrel_words if w[-1:] and w[-1] in characters)
        self._measures = tuple(bore_measures)
        shared = set(calibres[0]).intersection(*calibres[1:]) - set("0123456789")
        self.mark = min(shared) if shared else ""

    @classmethod
    def build(
        cls,
        calibres: list[str],
        barrel_words: list[str],
        round_units: list[str],
        measure_units: list[str],
        **bore: Sequence[str],
    ) -> CalibreWords | None:
        """The calibre words, or None where no barrel word nor unit of rounds tells a calibre; ``bore``: the
        dictionary's ``bore_goods``, ``bore_characters`` and ``bore_measures``."""
        if not calibres or not (barrel_words or round_units):
            return None
        return cls(calibres, barrel_words, round_units, measure_units, **bore)

    def search(self, text: str) -> re.Match[str] | None:
        if self.mark not in text:
            return None
        return self._pattern.search(text)

    def other_bore(self, match: re.Match[str], texts: list[str]) -> str | None:
        """The goods of another kind measured by their bore that the listing's ``texts`` name (软管, 硅胶管), where
        the calibre's ``match`` is a diameter of anything (内径5.5) and the listing neither counts rounds nor names
        the barrel (枪管)."""
        if self._bore_goods is None or not any(m in match.group() for m in self._measures):
            return None
        found = None
        for text in texts:
            if (self._rounds is not None and self._rounds.search(text)) or any(b in text for b in self._barrels):
                return None
            if found is None:
                for goods in self._bore_goods.finditer(text):
                    if not any(text.endswith(b, 0, goods.end()) for b in self._barrels):
                        found = goods.group()
                        break
        return found


class GoodsPatterns:
    """The prohibited-goods patterns with the scorer's tables they read (built once per scorer)."""

    def __init__(
        self,
        shown: ShownGoods,
        weights: dict[str, float],
        *,
        commerce: frozenset[str],
        counted: re.Pattern[str] | None,
        counted_units: dict[str, list[str]],
        function_spread: dict[str, int],
        trait_spread: dict[str, int],
        context_spread: dict[str, int] | None = None,
        shapes: dict[str, tuple[str, ...]] | None = None,
        negations: tuple[str, ...] = (),
        function_denials: tuple[str, ...] = (),
        calibre: CalibreWords | None = None,
        effect_parts: dict[str, tuple[str, str, str]] | None = None,
        crossings: frozenset[str] = frozenset(),
    ) -> None:
        self._shown = shown
        self._crossings = crossings
        self._effect_parts = effect_parts or {}
        self._calibre = calibre
        self.weights = weights
        self._commerce = commerce
        self._counted = counted
        self._counted_units = counted_units
        self._function_spread = function_spread
        self._trait_spread = trait_spread
        self._context_spread = context_spread or {}
        self._shapes = shapes or {}
        self._negations = negations
        self._function_denials = function_denials

    def _counted_forms(self, views: list[FieldView]) -> list[tuple[str, str, FieldView, int, int]]:
        """(category, words, view, start, end) of each one-character unit of prohibited goods after a count (36发,
        一桶): a product form of each category that lists the unit."""
        counted: list[tuple[str, str, FieldView, int, int]] = []
        if self._counted is not None:
            units = self._counted_units
            for view in views:
                for match in self._counted.finditer(view.norm.text):
                    for category_id in units[match.group(1)]:
                        counted.append((category_id, match.group(), view, match.start(1), match.end(1)))
        return counted

    def _negated(self, text: str, start: int) -> bool:
        """Whether a term negation (不含, 无, 没有) ends right before ``start``, or one of two characters or more
        one character before it (不含有尼古丁 also reads as 不含 + 有)."""
        return any(
            text.endswith(neg, 0, start) or (len(neg) > 1 and start > 0 and text.endswith(neg, 0, start - 1))
            for neg in self._negations
        )

    def _title_shapes(
        self, views: list[FieldView], shown: dict[str, dict[str, tuple[int, FieldView, int, int]]]
    ) -> list[tuple[str, str, FieldView, int, int]]:
        """(category, shape, view, start, end) of each everyday shape of a category's goods (``shapes``: 笔, 棒)
        that heads a word of the title (香薰笔, 蒸汽棒: the last character before a space, punctuation or the
        end), for the categories of which the listing already shows a word: a shape alone tells nothing."""
        found: list[tuple[str, str, FieldView, int, int]] = []
        title = views[0]
        text = title.norm.text
        if not text:
            return found
        offsets = title.norm.offsets()
        for category_id in shown:
            for shape in self._shapes.get(category_id, ()):
                at = text.find(shape)
                while at >= 0:
                    end = at + len(shape)
                    o_end = offsets[end - 1] + 1
                    # the head of a longer word: the character before it is of the same word, and the word ends at
                    # the end of the title or before a character the canonical form drops (a space, a comma)
                    if at > 0 and offsets[at - 1] == offsets[at] - 1 and (end == len(text) or offsets[end] > o_end):
                        found.append((category_id, shape, title, at, end))
                        break
                    at = text.find(shape, end)
        return found

    def goods_pattern(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]], views: list[FieldView]
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
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
            if whole_words_across_spaces(place[1].norm.original, *place[1].span(place[2], place[3]))
        ]  # fmt: skip
        category, shown = self._shown.shown_category(
            places,
            GOODS_FAMILY,
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
        ref = TermRef(category, word, "goods_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {"rule": "goods_pattern_context", "category": category, "shown": shown, "points": 0}
        return (ref, view, start, end, o_start, o_end), explanation

    def function_pattern(
        self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]], views: list[FieldView]
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """Prohibited goods told by what they do, not by name (打电话就能听 对方不知道; 点火 升空 一箱36发; 代开
        税点低 私聊): the one prohibited category of which the listing shows a function (``functions`` of
        prohibited.yaml) and company, _FUNCTION_PATTERN_WORDS words of that category in all (its functions, its
        traits, its product forms, a count of its unit, an everyday shape of its goods heading a word of the title:
        香薰笔), becomes a hit at its first function. A defining property (尼古丁, 蒸汽 of e-cigarettes) counts as a
        function, except right after a negation (不含尼古丁). Without evasion,
        concealment or trade talk the company must be a trait, or a third word with a second function or trait:
        an ordinary camera 能拍 远程 and a drone that 升空 上天 name what ordinary goods do. A word two categories
        list tells neither; a listing that shows an animal's part, a live animal or wild provenance is wildlife's
        (its trade pattern), but goods brought across a border (越南过来) without either are smuggled: that is
        talk."""
        if not any(sig.kind == "function" for signals, *_place in signal_places for sig in signals):
            return None  # the pattern is anchored on a function: without one, nothing below can make it
        spread, needed = self._trait_spread, self._context_spread
        commerce = self._commerce
        talk = False
        shown: dict[str, dict[str, tuple[int, FieldView, int, int]]] = {}
        effects: set[str] = set()
        # goods brought across a border (越南过来), with no animal's part or live animal, are smuggled: talk, and so is
        # a word of provenance inside the crossing (边境那边 of 边境那边过来)
        crossed = [
            (view, start, end) for signals, view, start, end in signal_places
            if any(sig.kind == "provenance" and sig.word in self._crossings for sig in signals)
        ]  # fmt: skip
        # the words shown only as what a category's trade names need (定制 of a certificate), and the functions that
        # are the buyer's particulars chosen (名字随意)
        needed_only: set[str] = set()
        particulars: set[str] = set()
        for signals, view, start, end in signal_places:
            for sig in signals:
                kind = sig.kind
                if sig.label == "effect":
                    effects.add(sig.word)
                elif sig.label == "particulars":
                    particulars.add(sig.word)
                if kind == "provenance" and any(v is view and s <= start and end <= e for v, s, e in crossed):
                    talk = True
                    continue
                if kind in ("live", "provenance") or (kind == "part" and sig.label != "fresh"):
                    return None
                whole = whole_words_across_spaces(view.norm.original, *view.span(start, end))
                if sig.label == "defining" and self._negated(view.norm.text, start):
                    continue  # 不含尼古丁 says what the goods are not
                if kind == "function" and negated_before(view.norm.text, start, self._function_denials):
                    continue  # 不是隐藏的, 不会升空: what the goods do not do
                if kind in ("evasion", "conceal", "trade") and sig.word not in commerce:
                    talk = talk or whole  # 包过 read across 大礼包 过年 is no talk
                elif (
                    kind in ("function", "suspicious", "form", "context")
                    and sig.category is not None
                    and sig.category.startswith(GOODS_FAMILY)
                    and sig.word not in commerce
                    and (kind == "function" or (needed if kind == "context" else spread).get(sig.word, 0) == 1)
                    and whole
                ):
                    # 2 a function, 1 a trait or a word the category's trade names need (镜头, 考场), 0 a product form
                    rank = 2 if kind == "function" else 1 if kind in ("suspicious", "context") else 0
                    words = shown.setdefault(sig.category, {})
                    if kind == "context" and sig.word not in words:
                        needed_only.add(sig.word)
                    elif kind != "context":
                        needed_only.discard(sig.word)
                    if rank > words.get(sig.word, (-1,))[0]:
                        words[sig.word] = (rank, view, start, end)
        for category_id, word, view, start, end in self._counted_forms(views):
            shown.setdefault(category_id, {}).setdefault(word, (0, view, start, end))
        for category_id, word, view, start, end in self._title_shapes(views, shown):
            shown[category_id].setdefault(word, (0, view, start, end))
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
            if told and particulars.issuperset(told):
                # goods made to the buyer's particulars (名字随意 照片自己提供) are every custom shop's: a word of
                # making to order that a document's name needs (定制) is no company of them
                words = {w: place for w, place in words.items() if w not in needed_only}
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
        ref = TermRef(category, word, "function_pattern", self.weights["trade_pattern"], False, False, False)
        o_start, o_end = view.span(start, end)
        explanation = {
            "rule": "function_pattern_context",
            "category": category,
            "functions": sorted(told),
            "company": sorted(w for w in words if w not in told),
            "talk": talk,
            "points": 0,
        }
        told_effects = [w for w in told if w in effects]
        if told_effects:
            # a function generated from a trigger and its effect says what it was made of (手机 + 全 + 没信号)
            explanation["effects"] = {w: " + ".join(self._effect_parts[w]) for w in sorted(told_effects)}
        return (ref, view, start, end, o_start, o_end), explanation

    def calibre_pattern(
        self, views: list[FieldView]
    ) -> tuple[tuple[TermRef, FieldView, int, int, int, int], dict[str, Any]] | None:
        """A weapon told by its calibre beside a barrel word or a count of rounds (:class:`CalibreWords`), at the
        first place a field shows one."""
        if self._calibre is None:
            return None
        for view in views:
            match = self._calibre.search(view.norm.original)
            if match is not None:
                if self._calibre.other_bore(match, [v.norm.original for v in views]) is not None:
                    return None  # the bore of a hose or a bearing (内径5.5 硅胶管)
                o_start, o_end = match.span()
                offsets = view.norm.offsets()[:-1]
                start, end = bisect_left(offsets, o_start), bisect_left(offsets, o_end)
                word = view.norm.text[start:end]
                ref = TermRef(
                    CALIBRE_CATEGORY, word, "calibre_pattern", self.weights["trade_pattern"], False, False, False
                )
                explanation = {"rule": "calibre_pattern_context", "category": CALIBRE_CATEGORY, "words": match.group(),
                               "points": 0}  # fmt: skip
                return (ref, view, start, end, o_start, o_end), explanation
        return None

"""One category's score from its term hits and the listing's context (step 3 and 4 of :mod:`.scorer`'s overview):
the best hit's points, corroboration, product form, evasion and trade talk, price, innocence and obfuscation."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

from .clauses import count_after
from .fold_text import FIRST_PICTOGRAPH, emoji_names, is_cjk
from .hits import PATTERN_RULES, SHAPE_RULES
from .payloads import FieldView, Signal, TermRef
from .shown import WILDLIFE_PREFIX
from .spread import spread_score
from .watchlist import Category

_OBFUSCATED_RULES = frozenset(("pinyin", "variant", "homophone", "emoji", *SHAPE_RULES))
# the talk of how goods are sold, not of what they are: nothing against a material the listing states
_DEALER_VOICE = ("evasion", "trade", "conceal")


class CategoryScorer:
    """Scores one category of a listing, with the scorer's tables it reads (built once per scorer)."""

    def __init__(
        self,
        weights: dict[str, float],
        *,
        adjacent_forms: dict[str, str],
        ignored_innocence: dict[str, frozenset[str]],
        own_goods: dict[str, frozenset[str]],
        own_innocence: dict[str, frozenset[str]],
        form_kinds: frozenset[str],
        accessory_kinds: frozenset[str],
        homonym_kinds: frozenset[str],
        namesake_kinds: frozenset[str],
    ) -> None:
        self.weights = weights
        self._adjacent_forms = adjacent_forms
        self._ignored_innocence = ignored_innocence
        self._own_goods = own_goods
        self._own_innocence = own_innocence
        self._form_kinds = form_kinds
        self._accessory_kinds = accessory_kinds
        self._homonym_kinds = homonym_kinds
        self._namesake_kinds = namesake_kinds

    def score(
        self,
        category: Category,
        items: list[tuple[TermRef, FieldView, int, int, int, int]],
        signals: list[Signal],
        price: float | None,
        live_goods: bool = False,
        acting: Sequence[str] = (),
        named_aside: bool = False,
        stated: Collection[str] = (),
    ) -> tuple[int, list[dict[str, Any]]]:
        """The category's score and the rules that make it, from its live term hits and the listing's signals.
        ``acting``: the category's functions the listing shows, not negated (升空 炸开, 一摔就响): goods that do what
        the category's goods do are those goods, whatever harmless kind the listing files them under (儿童, 道具),
        so its innocence words say nothing. ``named_aside``: the listing names the category's goods in the open as
        other goods (象牙果, 犀牛牌), so a code word of them is no hidden name either. ``stated``: innocence words the
        listing states as the goods' material (水牛角雕的, 树脂做的): counted here, such a word says what the goods
        are, against a code word too, and a dealer's voice (evasion, trade and concealment talk) adds nothing."""
        w = self.weights
        cid = category.id
        severity = category.severity
        # innocence: one penalty per distinct kind (``innocence_<kind>`` weighs a kind apart from the
        # default), never from words inside a term hit
        innocence_kinds: dict[str, str] = {}
        ignored = self._ignored_innocence.get(cid, frozenset())
        form: str | None = None
        fired: dict[str, list[str]] = {}
        wild = cid.startswith(WILDLIFE_PREFIX)
        # a count of animals after a species name (红嘴相思鸟 一对) offers live animals as a live form does, and a
        # generic animal word counts only where the animal itself is sold (山猫 仔 ... 幼猫粮)
        if live_goods or any(item[0].rule == "animal" for item in items) or self._counted_animal(items) is not None:
            ignored = ignored | self._accessory_kinds
        if all(ref.rule in PATTERN_RULES for ref, *_place in items):
            ignored = ignored | self._form_kinds  # goods no word names may be the ornament (猫王牙挂件)
        # a word of a kind that says nothing here says nothing as the category's word either (鸟粮 of a live bird
        # for sale), whichever of its kinds the scan reported first
        ignored_words = {sig.word for sig in signals if sig.kind == "innocence" and sig.label in ignored}
        own_goods = self._own_goods.get(cid, frozenset())
        own_innocence = self._own_innocence.get(cid, frozenset())
        for sig in signals:
            kind = sig.kind
            if kind == "innocence":
                label = sig.label
                if (
                    label not in ignored
                    and label not in innocence_kinds
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
                if kind == "provenance":
                    if not wild:
                        continue
                    kind = "trade"  # wild provenance (野采, 海里的) is trade talk of an animal's goods
                words = fired.get(kind)
                if words is None:
                    fired[kind] = [sig.word]
                elif sig.word not in words:
                    words.append(sig.word)
        # a pattern anchored on a function (响的 of a function pattern) is challenged by the innocence, not outdone:
        # only a function beside its anchor says more
        outdone: dict[str, str] = {}
        outdoing: list[str] = []
        if innocence_kinds and acting:
            anchors = {ref.term for ref, *_place in items if ref.rule in PATTERN_RULES}
            # a shorter reading inside the anchor (对方马上倒 in 对方马上倒地) is the anchor again
            outdoing = [word for word in acting if not any(word in anchor for anchor in anchors)]
            if outdoing:
                outdone, innocence_kinds = innocence_kinds, {}
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
        # that name again and no longer stands above the listing's innocence (穿山甲 钥匙扣 甲片), as where it names
        # them as other goods (白料手串 象牙果: the plant's beads)
        material = (
            next((s.word for s in signals if s.word in stated and innocence_kinds.get(s.label) == s.word), None)
            if stated and innocence_kinds
            else None
        )
        if material is not None:  # what the goods are made of weighs as much as any number of words of innocence
            penalty = w["innocence_cap"]
        named = named_aside or material is not None or any(not item[0].code for item in items)
        if named:
            code_penalty = penalty
        best_points = -math.inf
        best_item = items[0]
        for item in items:
            ref = item[0]
            factor = 1.0 if ref.rule in PATTERN_RULES else w[f"{item[1].name}_factor"]
            points = ref.weight * factor * severity - (code_penalty if ref.code else penalty)
            if points > best_points:
                best_points, best_item = points, item
        ref, view = best_item[0], best_item[1]
        # a pattern's anchor (a concealment phrase, a trait) is no weaker in the description than in the title
        factor = 1.0 if ref.rule in PATTERN_RULES else w[f"{view.name}_factor"]
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
        if outdone:
            rules.append({"rule": "innocence_outdone", "category": cid, "signals": dict(sorted(outdone.items())),
                          "functions": outdoing, "points": 0})  # fmt: skip
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

        if material is not None:
            voiced = sorted(word for kind in _DEALER_VOICE for word in fired.pop(kind, ()))
            rules.append({"rule": "material_stated", "category": cid, "signal": material, "talk": voiced, "points": 0})
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
    def _obfuscation(ref: TermRef, view: FieldView, start: int, end: int, o_start: int, o_end: int) -> str | None:
        """How a hit was written to dodge keyword filters, or None: pinyin, a homophone or look-alike,
        characters spread out by symbols or spaced one by one (象*牙, 灰 鹦), traditional characters."""
        if ref.rule in _OBFUSCATED_RULES:
            return "homophone" if ref.rule in ("variant", "homophone") else ref.rule
        text = view.norm.original
        original = text[o_start:o_end]
        folded = view.norm.text[start:end]
        if any(ord(c) >= FIRST_PICTOGRAPH and c in emoji_names() for c in original):
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
        self, category: Category, items: list[tuple[TermRef, FieldView, int, int, int, int]]
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
    def _counted_animal(items: list[tuple[TermRef, FieldView, int, int, int, int]]) -> str | None:
        """A count of animals a few words after a species name of the national list (黄爪隼 出 一只, 石龟 两只): the
        listing offers the animals themselves, which says as much as a product form."""
        for ref, view, _s, e, _os, _oe in items:
            if ref.rule in ("species", "animal"):
                found = count_after(view, e)
                if found is not None:
                    return found
        return None

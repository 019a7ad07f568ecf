"""How far a word's meaning reaches: a term hit negated, imitated or substituted by the words beside it (不含穿山甲,
仿犀角, 熊胆替代品) or naming other goods' shape, part or brand, and an innocence word that is negated, a cover
(包装写 婚庆道具), a flavour or a choice rather than what is sold. What the scorer asks at every term hit and
every innocence signal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .clauses import COUNTED, breaks_clause, one_clause, starts_a_word, whole_words_across_spaces
from .fold_text import is_cjk
from .hits import DISGUISED_RULES
from .markers import Markers, alternatives
from .payloads import GOODS_EVIDENCE, TALK, FieldView, Signal, TermRef
from .shown import GOODS_FAMILY, WILDLIFE_PREFIX
from .words import WordEdges

# the mark of a brand after an animal's name (白鹤牌); after goods' name it is their plaque (象牙牌)
BRAND_MARK = "牌"
# characters that end a negation's reach toward a term (不是树脂的犀角 does not negate 犀角)
# the signals of the goods' nature that a negation right before them denies (不是野外抓的): the seller vouches against
# them, so they do not count; denied wild provenance (不是野生的) is no trade talk either
DENIABLE_KINDS = frozenset(("suspicious", "trade", "provenance"))
_GAP_STOPS = frozenset("是的了")
# how far (folded characters) a negation reaches across a noun phrase to an innocence word, and the words of
# contrast that end its reach (不是象牙是树脂 says 树脂)
_NEGATION_REACH = 8
NEGATION_STOPS = frozenset("是的但而却就")
# Chinese characters of the same clause between a term and the head noun of the goods it names (穿山甲 管道疏通机);
# Latin letters and digits between them (Rhino 8 建模教程) are a model or version and do not count
_HEAD_REACH = 2
_HEAD_SPAN = 8
# how far after a one-character animal name a creature's character makes it another creature's name (豹 of 豹蛱蝶)
_CREATURE_REACH = 2
# an empty container (a goods head that starts so: 空瓶, 空盒) is what is sold wherever it stands in the span after
# a term, across the words between, and what the listing says of its contents is the bottle's (虎骨酒 老酒 空瓶):
# the collector's bottle, not what it held
_EMPTY = "空"
# the word of an ordinary thing between an identity link and the thing (就是个普通打气筒)
_ORDINARY = "普通"
# how many characters may stand between a word of the goods' look and an identity link (外观上就是个)
_LOOK_GAP = 2
# a Latin brand of letters joined by a hyphen right beside a term (SK-II 神仙水); a model with digits (AK-47) is
# no brand here, nor an English compound in lower case after its hyphen (Wild-caught hooded pitta, hand-raised)
_BRAND_BEFORE = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z]{2,}-(?![a-z]+\s?$)[A-Za-z]+\s?$")
_BRAND_AFTER = re.compile(r"\s?[A-Za-z]{2,}-(?![a-z]+(?![A-Za-z0-9-]))[A-Za-z]+(?![A-Za-z0-9-])")
# the signals of a category's own words: its traits and the functions of its goods (看微信 of spyware)
_OWN_WORDS = frozenset(("suspicious", "function"))
_OWN_WORDS_DISGUISED = _OWN_WORDS | {"form"}
# how many characters an innocence word may stand after a cover marker and still be the cover (包装写 婚庆 道具)
_COVER_REACH = 6
_EXTRA_REACH = 3  # characters between an innocence word and the marker that makes it an extra (附赠一包饲料)
# how many characters a depiction may stand after a verb of the seller's service (可以提供更多照片)
_SERVICE_REACH = 4
# how far before a word of suiting (都好看) an alternative (或) and the innocence word may stand
# (鱼缸造景或者书架摆件都好看)
_SUIT_REACH = 16
_ALTERNATIVE = "或"
# 做 X 的 + a buyer noun names the buyers' trade (做香水的朋友)
_TRADE_VERB = "做"
_OF = "的"
# how far after a media word a refusal and a verb of showing are read for (照片 不方便发)
_WITHHELD_REACH = 7
# how far after the word a comparison sets apart the word of its difference is read for (和野生原种完全不同)
_DIFFERENCE_REACH = 14


def _in_ratio(text: str, at: int, length: int) -> bool:
    """Whether the marker at ``at`` stands between two numbers (一比一, 1比6): a ratio or scale, not a comparison."""
    return at > 0 and at + length < len(text) and text[at - 1] in COUNTED and text[at + length] in COUNTED


@dataclass(frozen=True)
class SellerTalk:
    """Where an innocence word is the seller's talk about the listing rather than the goods: depictions the seller
    offers or asks for (可以提供更多照片, 先发样品照片), the trade of the buyers or what they mix the goods into
    (做香水的朋友用它, 兑饮料喝), and the vessel the goods travel in (装在罐头瓶里, 塑料壶装好发货)."""

    service_verbs: tuple[str, ...]
    depictions: frozenset[str]
    use_markers: tuple[str, ...]
    buyer_nouns: tuple[str, ...]
    vessel_heads: tuple[str, ...]
    vessel_after: tuple[str, ...]
    packing_markers: tuple[str, ...]
    suit_markers: tuple[str, ...] = ()

    def suits(self, view: FieldView, start: int, end: int) -> str | None:
        """The word of suiting (都好看, 都行) when the innocence word at ``start:end`` is one of the alternative uses
        the goods suit, joined by 或 in one clause (放鱼缸造景或者书架摆件都好看): a use, not the goods."""
        text = view.norm.text
        for marker in self.suit_markers:
            at = text.find(marker, end, end + _SUIT_REACH)
            if at < 0:
                continue
            joined = text.rfind(_ALTERNATIVE, max(0, start - _SUIT_REACH), at)
            if joined >= 0 and one_clause(view, min(joined, start), at + len(marker)):
                return marker
        return None

    def about_listing(self, view: FieldView, start: int, end: int, word: str) -> tuple[str, str] | None:
        """(rule, marker) when the innocence word at ``start:end`` is talk about the listing, in one clause."""
        text = view.norm.text
        if word in self.depictions:
            before = text[max(0, start - _SERVICE_REACH - 3) : start]
            for verb in self.service_verbs:
                at = before.rfind(verb)
                gap = before[at + len(verb) :]
                # a modifier of the depiction ending in 的 (发其他尺寸的照片, 提供高清的照片) is still the seller's
                modifier = gap[:-1] if gap.endswith(_OF) else gap
                if (
                    at >= 0
                    and len(modifier) <= _SERVICE_REACH
                    and not any(c in _GAP_STOPS for c in modifier)
                    and one_clause(view, start - len(before) + at, end)
                ):
                    return "innocence_service", verb
        for marker in self.use_markers:
            if (
                start >= len(marker)
                and text.startswith(marker, start - len(marker))
                and one_clause(view, start - len(marker), end)
            ):
                return "innocence_use", marker
        suited = self.suits(view, start, end)
        if suited is not None:
            return "innocence_use", suited
        if start and text[start - 1] == _TRADE_VERB and text.startswith(_OF, end):
            buyer = next((n for n in self.buyer_nouns if text.startswith(n, end + 1)), None)
            if buyer is not None and one_clause(view, start - 1, end + 1 + len(buyer)):
                return "innocence_buyer", buyer
        for head in self.vessel_heads:
            if text.startswith(head, end):
                after = end + len(head)
                follows = next((m for m in self.vessel_after if text.startswith(m, after)), None)
                packed = next(
                    (m for m in self.packing_markers if start >= len(m) and text.startswith(m, start - len(m))), None
                )
                if (follows or packed) and one_clause(view, start - len(packed or ""), after + len(follows or "")):
                    return "innocence_vessel", head
        return None


def _any_of(words: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern that finds any of ``words`` (a substring test in C rather than one per word), None for none."""
    pattern = alternatives(words)
    return re.compile(pattern) if pattern else None


class Scope:
    """The marker words and tables the scope of terms and innocence words reads (built once per scorer)."""

    def __init__(
        self,
        *,
        before_term: Markers,
        after_term: Markers,
        gap_negations: Markers,
        negation_gap: int,
        imitation_words: tuple[str, ...],
        covers: tuple[str, ...],
        made_into: tuple[str, ...],
        flavours: tuple[str, ...],
        media_words: frozenset[str],
        refusals: tuple[str, ...],
        showing: tuple[str, ...],
        talk: SellerTalk,
        goods_heads: Markers,
        goods_characters: dict[str, frozenset[str]],
        accessory_heads: Markers,
        creatures: frozenset[str],
        own_goods: dict[str, frozenset[str]],
        choice_words: frozenset[str],
        choice_markers: tuple[str, ...],
        comparisons: tuple[str, ...],
        differences: tuple[str, ...],
        comparatives: tuple[str, ...],
        lessers: tuple[str, ...],
        cover_after: tuple[str, ...],
        reveals: tuple[str, ...],
        fitting_heads: Markers,
        fitting_markers: Markers,
        fitting_words: frozenset[str],
        word_edges: WordEdges,
        brand_marks: tuple[str, ...],
        plaque_forms: tuple[str, ...] = (),
        trade_denials: Markers | None = None,
        commerce: frozenset[str] = frozenset(),
        extras_before: tuple[str, ...] = (),
        extras_after: tuple[str, ...] = (),
        identity_links: tuple[str, ...] = (),
        looks: tuple[str, ...] = (),
    ) -> None:
        self._brand_marks = brand_marks
        # what says the goods are a thing (就是个, 是一), and the words of their look that make it their disguise
        # (外观就是个充电头): signals.yaml's appearance_links and the categories' appearances
        self._identity_links = identity_links
        self._looks = looks
        # the forms of wildlife goods that 牌 begins (牌子) or stands before (牌 吊坠): there it is a plaque
        self._plaque_forms = tuple(form for form in plaque_forms if form.startswith(BRAND_MARK))
        self._after_plaque = tuple(form for form in plaque_forms if len(form) > 1)
        self._brand_firsts = frozenset(mark[0] for mark in (*brand_marks, BRAND_MARK) if mark)
        self._before_term = before_term
        self._after_term = after_term
        self._gap_negations = gap_negations
        self._trade_denials = trade_denials
        self._commerce = commerce
        self._negation_gap = negation_gap
        self._imitation_words = imitation_words
        # those that fit in the gap between a negation and a term (the rest are never inside it)
        self._gap_imitations = _any_of(w for w in imitation_words if len(w) <= negation_gap)
        self._covers = covers
        self._made_into = made_into
        # any cover or made-into marker at all: most words have none before them, and then none is looked for
        self._cover_words = _any_of((*covers, *made_into))
        self._flavours = flavours
        self._media_words = media_words
        self._refusals = refusals
        self._showing = showing
        # a refusal and a verb of showing right before a depiction (不留照片, 不发视频), joined once here
        self._refused_showing = tuple(refusal + verb for refusal in refusals for verb in showing)
        self._talk = talk
        self._goods_heads = goods_heads
        # per prohibited category: the characters of other goods (夹, 钳) that none of its names ends in (弹夹 of
        # weapons); an animal's material before one is that goods' material (玳瑁发夹), so wildlife has none
        self._goods_characters = goods_characters
        self._accessory_heads = accessory_heads
        self._creatures = creatures
        self._own_goods = own_goods
        self._choice_words = choice_words
        self._choice_markers = choice_markers
        self._comparisons = comparisons
        self._differences = differences
        self._comparatives = comparatives
        self._lessers = lessers
        self._cover_after = cover_after
        self._reveals = reveals
        self._fitting_heads = fitting_heads
        self._fitting_markers = fitting_markers
        self._fitting_words = fitting_words
        self._word_edges = word_edges
        self._extras_before = extras_before
        self._extras_after = extras_after

    def _extra(self, view: FieldView, start: int, end: int) -> str | None:
        """The marker that makes an innocence word an extra that comes with the goods or is priced apart from them
        (附赠一包饲料, 鸟笼另算, 笼子不含在内): a few characters before or after it, in one clause; the goods sold are
        something else."""
        text = view.norm.text
        before = text[max(0, start - _EXTRA_REACH - 2) : start]
        for marker in self._extras_before:
            at = before.rfind(marker)
            if (
                at >= 0
                and len(before) - at - len(marker) <= _EXTRA_REACH
                and one_clause(view, start - len(before) + at, end)
            ):
                return marker
        following = text[end : end + _EXTRA_REACH + 5]
        for marker in self._extras_after:
            at = following.find(marker)
            if 0 <= at <= _EXTRA_REACH and one_clause(view, start, end + at + len(marker)):
                return marker
        return None

    def term_scope(self, view: FieldView, start: int, end: int) -> tuple[str, str] | None:
        """(rule, marker) when a term hit is negated, imitated or substituted by the word next to it, names the
        shape or product line of other goods (电子烟造型笔), or is negated by a negation a short modifier away
        (不含现代象牙)."""
        text = view.norm.text
        marker = self._before_term.ending_at(text, start)
        if marker is not None:
            return marker
        if self._trade_denials is not None and end - start > 1:
            # a denial whose verb begins the term: 不卖 of 卖烟, 不做 of 做假证
            marker = self._trade_denials.ending_at(text, start + 1)
            if marker is not None:
                return marker
        gap = self._negation_gap
        if gap and start > 2:
            for skip in range(1, min(gap, start - 2) + 1):
                between = text[start - skip : start]
                if not all(is_cjk(c) and c not in _GAP_STOPS for c in between):
                    break
                if self._gap_imitations is not None and self._gap_imitations.search(between):
                    break  # 不是人工麝香 denies the imitation: the goods are the real thing
                negation = self._gap_negations.ending_at(text, start - skip)
                if negation is not None:
                    return "negated_term", negation[1] + between
        after = self._after_term.starting_at(text, end)
        if after is not None and after[0] == "unrelated_term" and not one_clause(view, start, end + len(after[1])):
            return None  # 甲片，没关系 answers something else: only 跟穿山甲没关系 in one clause denies the goods
        return after

    def negation_before(self, view: FieldView, start: int, end: int, *, modifier: bool = False) -> str | None:
        """The negation (and the modifier after it) that denies the word at ``start:end``, in its clause: right
        before it (没有针孔) or a short modifier away (不是野外抓的); None without one, or when the clause goes on
        after a 的 to the noun the negation denies instead (不是开刃的工艺品 denies a craft piece). A ``modifier``
        (wild provenance: 野生) is denied all the same: 不是野生的绿孔雀 says the peafowl is not wild."""
        text = view.norm.text
        found = None
        marker = self._before_term.ending_at(text, start)
        if marker is not None:
            if marker[0] != "negated_term":
                return None
            found = start - len(marker[1]), marker[1]
        else:
            for skip in range(1, min(self._negation_gap, start - 2) + 1):
                between = text[start - skip : start]
                if not all(is_cjk(c) and c not in _GAP_STOPS for c in between):
                    break
                negation = self._gap_negations.ending_at(text, start - skip)
                if negation is not None:
                    found = start - skip - len(negation[1]), negation[1] + between
                    break
        if found is None or not one_clause(view, found[0], end):
            return None
        if modifier:
            return found[1]
        at = text.find(_OF, end, end + _NEGATION_REACH)
        if at >= 0 and at + 1 < len(text) and is_cjk(text[at + 1]) and one_clause(view, found[0], at + 2):
            return None
        return found[1]

    def denied_in_phrase(
        self,
        view: FieldView,
        start: int,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
    ) -> str | None:
        """The negation before a deniable signal (a trait, trade talk or provenance) that ends at most the negation
        gap before the word at ``start``, with only CJK characters other than 是的了 between, in one clause: the
        negation denies the whole noun phrase, that word too (不是山里那个野生豹猫: 山里 and 野生 alike). None
        otherwise."""
        text = view.norm.text
        gap = self._negation_gap
        for signals, place_view, place_start, place_end in signal_places:
            if place_view is not view or not 0 <= start - place_end <= gap or place_start >= start:
                continue
            between = text[place_end:start]
            if not all(is_cjk(c) and c not in _GAP_STOPS for c in between):
                continue
            if any(sig.kind in DENIABLE_KINDS for sig in signals) and one_clause(view, place_start, start + 1):
                negation = self.negation_before(view, place_start, place_end, modifier=True)
                if negation is not None:
                    return negation
        return None

    def set_apart(self, view: FieldView, start: int, end: int) -> str | None:
        """The marker that makes the word at ``start:end`` a likeness or a difference, not a claim: right after a
        simile (口感接近野生, 像野生的) or inside a comparison that sets the goods apart from it (跟野生原种不是一回事);
        None otherwise."""
        text = view.norm.text
        marker = self._before_term.ending_at(text, start)
        if marker is not None:
            return marker[1] if marker[0] == "simile_term" else None
        return self._difference_after(view, start, end, text[max(0, start - 4) : start])

    def _difference_after(self, view: FieldView, start: int, end: int, before: str) -> str | None:
        """The word of difference (不同, 两回事) that a comparison in ``before`` (和, 跟) sets the word at
        ``start:end`` apart by, in the same clause: an innocence word (和骨雕塑料差别很大) and wild provenance
        (和野生原种完全不同) are read apart the same way."""
        if not before or not any(m in before for m in self._comparisons):
            return None
        rest = view.norm.text[end : end + _DIFFERENCE_REACH]
        for difference in self._differences:
            at = rest.find(difference)
            if at >= 0 and one_clause(view, start - 1, end + at + len(difference), in_lists=True):
                return difference
        return None

    def innocence_cleared(
        self,
        view: FieldView,
        start: int,
        end: int,
        neutral: list[tuple[FieldView, int, int, str]],
        negations: tuple[str, ...],
        negated_ends: set[tuple[str, int]],
        rules: list[dict[str, Any]],
        word: str,
    ) -> bool:
        """True when an innocence word says nothing about the goods: inside a neutral phrase, not a word of the
        text (口红 in 胸口红得), the material of a fitting (南红隔珠), a flavour of the goods (水果味 of an
        e-cigarette), the cover a listing declares the goods as (快递单写厨具, 写的是工艺品), what they were made
        into (做成了地毯), seller talk about the listing (可以提供更多照片, 做香水的朋友, 装在罐头瓶里), or negated
        (right after a negation, or right after another negated innocence word: 非人工合成)."""
        for nview, ns, ne, phrase in neutral:
            if nview is view and ns <= start and end <= ne:
                rules.append({"rule": "innocence_neutral", "signal": word, "phrase": phrase, "field": view.name,
                              "points": 0})  # fmt: skip
                return True
        if end - start > 1 and not one_clause(view, start, end):
            # folding drops punctuation, so 水，果园 reads 水果园; a word split by punctuation was never written
            rules.append({"rule": "innocence_across_clauses", "signal": word, "field": view.name, "points": 0})
            return True
        if end - start > 1 and not whole_words_across_spaces(view.norm.original, *view.span(start, end)):
            # nor is one read across a space from the end of one word into the next (生鲜 in 野生 鲜活)
            rules.append({"rule": "innocence_not_a_word", "signal": word, "word": "", "field": view.name,
                          "points": 0})  # fmt: skip
            return True
        if end - start > 1 and (crossing := self._word_edges.crossed(view, start, end)) is not None:
            # 胸口红得 is 胸口 + 红得: the dictionary's likelier words leave 口红 unwritten
            rules.append({"rule": "innocence_not_a_word", "signal": word, "word": crossing, "field": view.name,
                          "points": 0})  # fmt: skip
            return True
        if word in self._fitting_words:
            text = view.norm.text
            fitting = self._fitting_heads.starting_at(text, end) or self._fitting_markers.ending_at(text, start)
            if fitting is not None:
                # 南红隔珠, 配南红: the material of a fitting that comes with the goods, not of the goods
                rules.append({"rule": fitting[0], "signal": word, "fitting": fitting[1], "field": view.name,
                              "points": 0})  # fmt: skip
                return True
        if self._scoped_out(view, start, end, word, rules):
            return True
        if word in self._media_words and self._withheld(view, start, end):
            rules.append({"rule": "innocence_withheld", "signal": word, "field": view.name, "points": 0})
            return True
        talk = self._talk.about_listing(view, start, end, word)
        if talk is not None:
            rules.append({"rule": talk[0], "signal": word, "marker": talk[1], "field": view.name, "points": 0})
            return True
        if self._flavours:
            text = view.norm.text
            for flavour in self._flavours:
                # in one clause: 植物，味道苦 says a plant, then its taste
                if text.startswith(flavour, end) and one_clause(view, start, end + len(flavour)):
                    rules.append({"rule": "innocence_flavour", "signal": word, "flavour": flavour, "field": view.name,
                                  "points": 0})  # fmt: skip
                    return True
        extra = self._extra(view, start, end)
        if extra is not None:
            rules.append({"rule": "innocence_extra", "signal": word, "marker": extra, "field": view.name, "points": 0})
            return True
        if start and (self._covers or self._made_into):
            # the cover may name the goods in a few words before the word (外包装写婚庆道具): the marker ends within
            # _COVER_REACH characters before it, in the same clause
            before = view.norm.text[max(0, start - _COVER_REACH - 8) : start]
            markers_here = self._cover_words is not None and self._cover_words.search(before) is not None
            for rule, markers in (("innocence_cover", self._covers), ("innocence_made_into", self._made_into)):
                for cover in markers if markers_here else ():
                    at = before.rfind(cover)
                    if (
                        at >= 0
                        and len(before) - at - len(cover) <= _COVER_REACH
                        and one_clause(view, start - len(before) + at, end, quoted=True)
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
                    and starts_a_word(view, start - len(candidate), candidate)
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

    def _withheld(self, view: FieldView, start: int, end: int) -> bool:
        """True when a refusal follows a media word (at once or one character later: 照片都不发) and a verb of showing
        follows the refusal within three characters, all in one clause (照片不方便发, 视频不给看), or when a refusal
        and a verb of showing stand right before it (不留照片, 不发视频)."""
        text = view.norm.text
        for told in self._refused_showing:
            if text.startswith(told, start - len(told)) and one_clause(view, start - len(told), end):
                return True
        following = text[end : end + _WITHHELD_REACH]
        for refusal in self._refusals:
            at = following.find(refusal)
            if 0 <= at <= 1:
                after = at + len(refusal)
                rest = following[after : after + 4]
                for verb in self._showing:
                    where = rest.find(verb)
                    if where >= 0 and one_clause(view, start, end + after + where + len(verb)):
                        return True
        return False

    def _reaching_negation(self, view: FieldView, start: int, negations: tuple[str, ...]) -> str | None:
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
                and not any(c in NEGATION_STOPS for c in gap)
                and all(c.isalnum() for c in between)
                and starts_a_word(view, start - len(before) + at, candidate)
            ):
                return candidate
        return None

    def brand_mark(self, ref: TermRef, view: FieldView, end: int) -> str | None:
        """The mark of a brand right after a term, read in the folded text, where spaces and traditional forms are
        gone (犀牛 商標, 雪豹品牌): a word whose first sense is a brand or trademark, or 牌 after an animal's name
        (白鹤牌 绿茶, 犀牛 牌 双肩包), which after goods' name is their plaque (象牙牌), and so is 牌 that begins a form
        of wildlife goods or stands before one (砗磲牌子, 砗磲牌 吊坠: a plaque carved of the shell)."""
        text = view.norm.text
        if text[end : end + 1] not in self._brand_firsts:
            return None
        for mark in self._brand_marks:
            if text.startswith(mark, end):
                return mark
        if (
            (ref.rule == "species" or ref.requires)
            and text.startswith(BRAND_MARK, end)
            and not any(text.startswith(form, end) for form in self._plaque_forms)
            and not any(text.startswith(form, end + len(BRAND_MARK)) for form in self._after_plaque)
        ):
            return BRAND_MARK
        return None

    def names_goods(
        self,
        ref: TermRef,
        view: FieldView,
        start: int,
        end: int,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        views: Sequence[FieldView] = (),
    ) -> tuple[str, str] | None:
        """(rule, word) when a term names other goods rather than being sold: a word that marks a brand right after
        it (雪豹品牌, 犀牛 商标) or a Latin brand right beside it (SK-II 神仙水); a creature's character joined to a
        prohibited term (白粉虱: a pest); goods made for an animal right after its name (珊瑚灯, 乌龟缸); or the head
        noun of other goods a few characters after it in one clause (穿山甲 管道疏通机, 鸳鸯戏水刺绣枕套), unless that
        noun is the category's own goods. Goods of the category the listing shows (:meth:`goods_shown`: 活体, a
        trait such as 监听 软件 看对方聊天记录) undo either reading, unless the listing (``views``: its fields) says
        the goods are the other goods' word (气枪打气筒 … 就是个打气筒: its 高压 is the pump's); a dealer's voice
        alone (私聊, 量大从优) does not."""
        mark = self.brand_mark(ref, view, end)
        if mark is not None:
            return "brand_term", mark  # 雪豹品牌 冲锋衣: the brand's goods
        o_start, o_end = view.span(start, end)
        original = view.norm.original
        if "-" in original:
            brand = _BRAND_BEFORE.search(original, max(0, o_start - 40), o_start) or _BRAND_AFTER.match(original, o_end)
            if brand is not None:
                return "brand_term", brand.group().strip()
        text = view.norm.text
        after = original[o_end : o_end + 1]
        if (
            ref.category.startswith(GOODS_FAMILY)
            and after in self._creatures
            and not any(after in word for word in self._own_goods.get(ref.category, ()))
        ):
            # 白粉虱, 白粉蝶 written as one word: a pest, not the goods; a creature the category's own traits name
            # (打鸟 of an air gun) is its prey
            return "creature_term", after
        if o_end - o_start == 1 and ref.category.startswith(WILDLIFE_PREFIX):
            other = self._creature_after(ref.category, original, o_end)
            if other is not None:
                return "creature_term", original[o_start:o_end] + other
        head_char = text[end : end + 1]
        if head_char and head_char in self._goods_characters.get(ref.category, ()):
            # 代开发票夹 (a folder), 老虎钳: a character of other goods ending the word the name begins, written as
            # the name is (代 开 发 票 夹 spaced out; a name written solid, 麻醉枪 钳, is not joined across a gap)
            h_start, h_end = view.span(end, end + 1)
            n_start, n_end = view.span(start, end)
            joined = h_start == n_end or n_end - n_start != end - start
            if (
                joined
                and not is_cjk(original[h_end : h_end + 1] or " ")
                and not self.goods_shown(ref, signal_places, view, start, end, traits=False)
            ):
                return "head_term", text[start:end] + head_char
        # the head follows the name in the same word (珊瑚灯, not 蓝点颏 笼子), or ends a name written as one word (an
        # alias 珊瑚缸): the goods still follow two characters of it
        accessory = (
            None
            if not ref.category.startswith(WILDLIFE_PREFIX)
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
        if accessory is not None and not self.goods_shown(ref, signal_places, view, start, end, traits=False):
            return accessory  # goods for the animal (珊瑚灯, 龟粮): its traits (海缸) are theirs too
        own = self._own_goods.get(ref.category, frozenset())
        chinese = 0
        heads = self._goods_heads
        firsts = heads.firsts  # a head starts with one of these (None: with any character)
        for at in range(end, min(end + _HEAD_SPAN, len(text))):
            head = heads.starting_at(text, at) if firsts is None or text[at] in firsts else None
            if head is not None and head[1] not in own and one_clause(view, start, at + len(head[1])):
                if head[1].startswith(_EMPTY):
                    break
                if not self.goods_shown(ref, signal_places, view, start, end):
                    return head
                return head if self._said_to_be(views, text[end : at + len(head[1])]) else None
            if is_cjk(text[at]):
                chinese += 1
                if chinese > _HEAD_REACH:
                    break
        at = text.find(_EMPTY, end, end + _HEAD_SPAN)
        head = None if at < 0 else heads.starting_at(text, at)
        if head is not None and head[1].startswith(_EMPTY) and one_clause(view, start, at + len(head[1])):
            # what the listing says of the contents (老酒) is the bottle's
            return None if self.goods_shown(ref, signal_places, view, start, end, traits=False) else head
        return None

    def _creature_after(self, category_id: str, original: str, o_end: int) -> str | None:
        """The rest of another creature's name that a one-character animal name begins (虎 of 虎鲸, 豹 of 斐豹蛱蝶,
        虎 of 虎斑鱼): a creature's character (with 虫, 鱼 or 鸟) right after it or one character later, written
        solid; the animal's own goods (蛋 of 鹰蛋, a word of the category's forms) are not another creature."""
        word = ""
        for char in original[o_end : o_end + _CREATURE_REACH]:
            if not is_cjk(char):
                break
            word += char
            if char in self._creatures and not any(char in form for form in self._own_goods.get(category_id, ())):
                return word
        return None

    def _said_to_be(self, views: Sequence[FieldView], goods: str) -> bool:
        """Whether a listing's text says its goods are ``goods`` (就是个打气筒, 其实就是个普通打气筒): an identity link
        right before the word, or before 普通 and the word, and no word of the goods' look before the link (外观就是个
        打气筒 names a disguise, not the goods)."""
        for field in views:
            text = field.norm.text
            for link in self._identity_links:
                for said in (link + goods, link + _ORDINARY + goods):
                    at = text.find(said)
                    while at >= 0:
                        # the look a few characters before (外观就是个: 就 stands before the link 是个 too)
                        if not any(look in text[max(0, at - len(look) - _LOOK_GAP) : at] for look in self._looks):
                            return True
                        at = text.find(said, at + 1)
        return False

    def goods_shown(
        self,
        ref: TermRef,
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        view: FieldView,
        start: int,
        end: int,
        *,
        traits: bool = True,
    ) -> bool:
        """Whether the listing shows the goods of a term at ``start:end`` that it might read as other goods: a part
        or a live animal, wild provenance, concealment (懂的都懂) or, with ``traits``, a trait of the term's category
        or a function of its goods (Spyware 手机 … 看微信; goods made for an animal share its traits: 海缸 of a coral
        lamp). A dealer's voice
        alone (私聊, 量大从优) does not undo the reading of a name written plainly: sellers of drill bits and woven
        sacks talk so too. A name in disguise (a code word, a spelling broken up or generated: 溜冰 工具, 穿.山.甲)
        is hidden already, and its trade or evasion talk shows the goods. A trait of delivery and sale (``commerce``:
        同城, 发顺丰, listed as traits of drugs and tobacco) is every shop's and shows no goods."""
        o_start, o_end = view.span(start, end)
        plain = (
            not ref.code
            and ref.rule not in DISGUISED_RULES
            and view.norm.original[o_start:o_end].lower() == view.norm.text[start:end]
        )
        evidence = GOODS_EVIDENCE if plain else TALK
        category_id = ref.category
        # a name of prohibited goods in disguise beside a form of its own goods (溜冰 工具 … 晶体) sells them: a name
        # written plainly (大麻纤维 袜子 克重) is the other goods' material or motif, and their measures are its forms'
        # words too; an animal's forms (一对 of birds) are every pair of goods' (鴛鴦 枕套一對)
        own = _OWN_WORDS if plain or not category_id.startswith(GOODS_FAMILY) else _OWN_WORDS_DISGUISED
        commerce = self._commerce
        for signals, *_ in signal_places:
            for sig in signals:
                if sig.kind in evidence or (
                    traits and sig.kind in own and sig.category == category_id and sig.word not in commerce
                ):
                    return True
        return False

    def _scoped_out(self, view: FieldView, start: int, end: int, word: str, rules: list[dict[str, Any]]) -> bool:
        """True when the sentence around an innocence word says it is not the goods: a colour word that describes
        the goods instead of offering a choice (颜色金黄), a comparison that sets the goods apart from it
        (和骨雕塑料差别很大, 比人工香, 草甘膦比不了), the cover it is declared as (工艺品名义发货) or takes back
        (工艺品 实为老料).
        The folded text finds the markers; the original text tells where a clause ends."""
        text = view.norm.text
        how: dict[str, str] | None = None
        if word in self._choice_words:
            o_end = view.span(start, end)[1]
            original = view.norm.original
            window = original[o_end : o_end + 4].lstrip()
            offers = any(m in window[: len(m) + 1] for m in self._choice_markers)
            if window and not breaks_clause(window[0]) and not offers:
                how = {"rule": "innocence_descriptive", "describes": window}
        if how is None:
            before = text[max(0, start - 6) : start]
            if before:
                # 比 right before the word or a short modifier away (比现在的树脂货重)
                at, comparative = max(((before.rfind(m), m) for m in self._comparatives), default=(-1, ""))
                if at >= 0 and _in_ratio(text, start - len(before) + at, len(comparative)):
                    at = -1  # 一比一金属模型: a scale, not a comparison
                if at >= 0 and one_clause(view, start - len(before) + at, end):
                    how = {"rule": "innocence_compared", "marker": comparative}
                elif (difference := self._difference_after(view, start, end, before)) is not None:
                    how = {"rule": "innocence_compared", "marker": difference}
            if how is None:
                # the word the goods outdo, a few characters before the marker (草甘膦都比不上, 现在的农药比不了)
                rest = text[end : end + 8]
                for lesser in self._lessers:
                    at = rest.find(lesser)
                    if 0 <= at <= 4 and one_clause(view, start, end + at + len(lesser)):
                        how = {"rule": "innocence_compared", "marker": lesser}
                        break
        if how is None and self._cover_after:
            # the cover may name the goods in a few words (儿童玩具的名义): the marker within four characters
            following = text[end : end + 8]
            for cover in self._cover_after:
                at = following.find(cover)
                if 0 <= at <= 4 and one_clause(view, start, end + at + len(cover)):
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

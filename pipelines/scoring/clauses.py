"""Where a word stands in a field's text: at a word's edge, alone, in one clause with another, after a count or a
negation, inside a book title. Questions about positions in the folded and original text, asked by every pattern
of the scorer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .payloads import FieldView

# a count right before a one-character unit of a category's goods (36发, 一万响, 一桶): the unit is a product form
COUNTED = "0123456789一二两三四五六七八九十百千万几"
# a count and a classifier of animals (一只, 两条, 三头, 一对): Chinese counts animals with these measure words
_COUNTED_ANIMALS = re.compile(f"[{COUNTED}][只条头对]")
_COUNT_REACH = 6  # folded characters after a species name within which a count of animals offers it
_BOOK_TITLE = re.compile(r"《[^《》]{0,60}》|〈[^〈〉]{0,60}〉")
# what may stand right before a one-character part (野生的胆, 带皮带骨) and right after it (胆粉) in a word of its own
_PART_AFTER = "的带"
_PART_BEFORE = "粉"
_PART_SIZES = "大小整"  # a word of size between a word of provenance and a part (野生大胆, 野生小胆)
# ... and the words of size or place on the animal that may start a part's word before a count of pieces (大掌 一对,
# 前掌两只), with the measure words of pieces: not 个, which counts people too (大胆一个人 is "bold alone")
_PART_MODIFIERS = "大小整前后"
_PIECE_MEASURES = "块根副张截片支对只"
# measure words of goods: after a count (一块角, 两个胆, 一副骨) a one-character part is the goods counted
_PART_MEASURES = "块个根副张截片支对只"
_COUNT_CHARS = frozenset(COUNTED)
# what may stand before a measure word of goods that a part follows (一副背甲, 整副背甲)
_MEASURE_COUNTS = _COUNT_CHARS | {"整"}
# folded characters of description (大家伙的, 的) a part may stand after a place of the wild, in one clause
PLACE_REACH = 4
# folded characters a diagnostic mark's modifier may stand before its head, in one clause (交叉的菱形网格纹)
SPLIT_TRAIT_GAP = 5
# what may end the word before a form of a live animal (刚下山的 活的, 是活的)
_WORD_ENDS = "的是刚都还也"
_LIST_MARK = "、"  # the enumeration comma between the words of a list
# quotation marks: a label quoted (写'玩具', 写“工艺品”) is one clause with what writes it
_QUOTES = str.maketrans("", "", "'\"“”‘’「」『』")
# characters a shape word may reach across to the goods it shapes (蜡烛造型的冷烟花)
_SHAPE_REACH = 2
# folded characters between a question of the goods' identity and the verb that leaves it to the reader
# (是什么鸟玩家都懂: 鸟玩家都)
_READER_REACH = 4
# what before a verb of knowing says nobody knows (不知道, 没懂)
_NOT_KNOWING = frozenset("不没")


def is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


_ASCII_ALNUM = frozenset(ord(c) for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
ascii_alnum_code = _ASCII_ALNUM.__contains__


def breaks_clause(char: str) -> bool:
    """Punctuation ends a clause; letters, digits and spaces (which separate a title's words) do not."""
    return not (char.isalnum() or char.isspace())


def one_clause(view: FieldView, start: int, end: int, in_lists: bool = False, quoted: bool = False) -> bool:
    """True when no punctuation lies between folded positions ``start`` and ``end`` in the original text; with
    ``in_lists``, the enumeration comma (、) of a list of words does not end the clause (跟骨头、树脂、塑料都不一样
    compares the goods with each of the three); with ``quoted``, neither do quotation marks (外箱写'玩具')."""
    if start < 0 or end > len(view.norm.text):
        return False
    o_start, o_end = view.span(start, end)
    text = view.norm.original[o_start:o_end]
    if in_lists:
        text = text.replace(_LIST_MARK, "")
    if quoted:
        text = text.translate(_QUOTES)
    return not any(breaks_clause(c) for c in text)


def whole_words_across_spaces(text: str, start: int, end: int) -> bool:
    """A code word that runs across a space must start and end at the edges of the words it joins: 叶 子 is spelled
    apart, but 包过 in 大礼包 过年 is the end of one word and the start of the next (a name keeps its reading:
    亚洲犀 角尖)."""
    if not any(c.isspace() for c in text[start:end]):
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def count_after(view: FieldView, end: int, reach: int = _COUNT_REACH) -> str | None:
    """A count of animals (一只, 两条) within ``reach`` folded characters after ``end``, in the same clause. A species
    name followed by one names the animals for sale; right after it (白鹤 一只, not 鹰嘴一只), it is the context an
    ambiguous name needs."""
    found = _COUNTED_ANIMALS.search(view.norm.text, end, end + reach)
    if found is None or not one_clause(view, end - 1, found.end()):
        return None
    return found.group()


def book_spans(text: str) -> list[tuple[int, int]]:
    if "《" not in text and "〈" not in text:
        return []
    return [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(text)]


def stands_alone(view: FieldView, start: int, end: int, provenance: Sequence[str] = ()) -> bool:
    """A one-character part (胆, 骨, 角) only as a word of its own: 野生 骨 一副, 野生的胆, 带皮带骨, right after a
    word of wild provenance (野生鞭, 野生大胆) or of a count and a measure word (一块角, 两个胆), or ground to powder
    (胆粉), or after a word of size or place on the animal and before a count (大掌 一对, 前掌两只); never inside
    another word (骨瓷, 角落, 胆大, 牛角梳)."""
    if end - start > 1:
        return True
    o_start, o_end = view.span(start, end)
    text = view.norm.original
    before = text[o_start - 1] if o_start else " "
    after = text[o_end] if o_end < len(text) else " "
    folded = view.norm.text
    # right after a word of provenance, or a word of size away from it (野生大胆: a big gall, not 大胆 "bold")
    head = start - 1 if start and folded[start - 1] in _PART_SIZES else start
    after_word = (
        not before.isalnum()
        or before in _PART_AFTER
        or (  # a count and a measure word read folded (兩塊角, ２块角), written together and before the part
            start > 1
            and folded[start - 1] in _PART_MEASURES
            and folded[start - 2] in _COUNT_CHARS
            and view.offsets()[start - 2] == o_start - 2
        )
        or any(folded[:start].endswith(w) or folded[:head].endswith(w) for w in provenance)
    )
    if after_word and (not after.isalnum() or after in _PART_BEFORE):
        return True
    # a word of size or place on the animal before the part, and a count of pieces after it: the part is the goods
    # counted (大掌 一对, 前掌两只; never 大胆 alone, "bold")
    return (
        start > 0
        and folded[start - 1] in _PART_MODIFIERS
        and view.offsets()[start - 1] == o_start - 1
        and (o_start < 2 or not text[o_start - 2].isalnum())
        and counts_pieces(folded, end)
    )


def counts_pieces(folded: str, at: int) -> bool:
    """Whether a count of pieces (一张, 两副, 一对) starts at ``at`` of a folded text: after a part's name, the part is
    the goods counted."""
    return len(folded) > at + 1 and folded[at] in _COUNT_CHARS and folded[at + 1] in _PIECE_MEASURES


def starts_a_part(view: FieldView, start: int) -> bool:
    """A part named by its place on the animal (背甲, 前掌) only where the place starts a word: after a break, 的 or
    带 (大家伙的前掌), or a measure word of goods after a count or 整 (一副背甲, 整副背甲); never inside another word
    (以前掌柜, 然后掌握, 背后皮包)."""
    o_start = view.span(start, start + 1)[0]
    text = view.norm.original
    before = text[o_start - 1] if o_start else " "
    return (
        not before.isalnum()
        or before in _PART_AFTER
        or (before in _PART_MEASURES and o_start > 1 and text[o_start - 2] in _MEASURE_COUNTS)
    )


def stands_after_a_word(view: FieldView, start: int, end: int) -> bool:
    """A form of a live animal (活的) only where it starts a word: 刚下山的 活的, never 好养活的, 包活的."""
    o_start = view.span(start, end)[0]
    text = view.norm.original
    before = text[o_start - 1] if o_start else " "
    return not before.isalnum() or before in _WORD_ENDS


def starts_a_word(view: FieldView, start: int, word: str) -> bool:
    """Whether a Latin negation (not, non) found at folded ``start`` begins a word of the original text: folding
    drops spaces, so the end of "cannot" or "piano" reads the same as "not" or "no"."""
    if not word.isascii():
        return True
    o_start = view.span(start, start + len(word))[0]
    return o_start == 0 or not view.norm.original[o_start - 1].isalpha()


def negated_before(text: str, start: int, negations: tuple[str, ...]) -> bool:
    before = text[max(0, start - 3) : start]
    return any(before.endswith(word) for word in negations)


def place_of_use(text: str, end: int, markers: tuple[str, ...]) -> str | None:
    """The marker of use right after a place of the wild ending at ``end`` (野外用的露营灯, 野外专用): the place is
    where the goods are used, not where they come from. None otherwise."""
    return next((marker for marker in markers if text.startswith(marker, end)), None)


def shapes_a_term(view: FieldView, end: int, spans: list[tuple[int, int]] | None) -> bool:
    """True when a term hit starts right after a shape word ending at ``end``, or a short modifier later
    (造型的冷烟花), in one clause."""
    return bool(spans) and any(
        end <= ts <= end + _SHAPE_REACH and one_clause(view, end - 1, ts + 1) for ts, _te in spans or ()
    )


def left_to_reader(view: FieldView, start: int, end: int, verbs: re.Pattern[str], longest: int) -> str | None:
    """The phrase of a question of what the goods are (是什么, at folded ``start``-``end``) and a verb of the
    reader's knowing it or of the seller's not telling it (``verbs``, none longer than ``longest``: 大家都知道是什么,
    是什么鸟玩家都懂, 具体是什么不写了), in one clause and at most a few characters apart, or None. A knowing verb
    right after a negation (不知道是什么, 不懂) tells that nobody knows, not that the reader does."""
    text = view.norm.text
    reach = _READER_REACH + longest  # the search window holds a verb of any length at the reach
    for match in verbs.finditer(text, max(0, start - reach), min(len(text), end + reach)):
        v_start, v_end = match.span()
        if v_end <= start:
            gap, first, last = start - v_end, v_start, end
        elif v_start >= end:
            gap, first, last = v_start - end, start, v_end
        else:
            continue
        if gap <= _READER_REACH and text[v_start - 1 : v_start] not in _NOT_KNOWING and one_clause(view, first, last):
            return text[first:last]
    return None

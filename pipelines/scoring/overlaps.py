"""Which of overlapping term hits stands: a code word inside or right after a name, a short form inside the name it
was cut from, a hit straddling or inside a longer one of another category (or inside a longer name set aside for
want of context), a short form of an innocent phrase the title names. Read left to right, the longer name says what
the listing sells."""

from __future__ import annotations

from typing import Any

from .clauses import count_after, one_clause
from .hits import GENERATED_FROM_LIST
from .payloads import FieldView, Mask, TermRef

# characters that may stand between a name and a code word that names its part (海龟背甲片: 背)
_OWNED_PART_GAP = 1


def drop_inner_code_words(
    live: list[tuple[TermRef, FieldView, int, int, int, int]],
) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
    """A code word inside a name of its own category (山甲 in 穿山甲) is that name, not a code word: it must not
    escape the innocence the name's listing shows (a 穿山甲 logo on hiking boots). Nor is a short form inside the
    name it was cut from (圆斑蝰 in 泰国圆斑蝰) a second name that corroborates it."""
    names = [(view, start, end, ref.category) for ref, view, start, end, _o, _e in live if not ref.code]
    if not names:
        return live
    return [
        item
        for item in live
        if not (item[0].code or cut_from_list(item[0]))
        or not any(
            v is item[1] and c == item[0].category and s <= item[2] and item[3] <= e
            and (item[0].code or e - s > item[3] - item[2])
            for v, s, e, c in names
        )
    ]  # fmt: skip


def drop_owned_code_words(
    live: list[tuple[TermRef, FieldView, int, int, int, int]],
) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
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
            and one_clause(item[1], e - 1, item[2] + 1)
            for v, e, c in names
        )
    ]  # fmt: skip


def cut_from_list(ref: TermRef) -> bool:
    return ref.source is not None and ref.source.endswith(GENERATED_FROM_LIST)


def drop_straddling(
    live: list[tuple[TermRef, FieldView, int, int, int, int]],
) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
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


def drop_short_forms(
    live: list[tuple[TermRef, FieldView, int, int, int, int]],
    masks: list[tuple[Mask, FieldView, int, int]],
    masked_rules: list[dict[str, Any]],
    phrased: list[tuple[FieldView, int, int]],
) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
    """The hits that are no short form of an innocent phrase the title names before them: after 虎皮鹦鹉 in the
    title, 虎皮 in the description is the bird again (虎皮不是保护动物), unless a count follows it (虎皮一张). The
    places of the short forms are added to ``phrased``: a signal inside one is the phrase's, as inside the phrase."""
    phrases = [
        (view.norm.text[start:end], view, start, mask.category)
        for mask, view, start, end in masks
        if end - start > 2 and view.name == "title"
    ]
    if not phrases:
        return live
    kept: list[tuple[TermRef, FieldView, int, int, int, int]] = []
    short: list[tuple[TermRef, FieldView, int, int, int, int]] = []
    for item in live:
        ref, view, start, end = item[0], item[1], item[2], item[3]
        word = view.norm.text[start:end]
        if (
            not ref.code
            and any(
                phrase.startswith(word)
                and len(phrase) > len(word)
                and (category is None or category == ref.category)
                and (pview.offset < view.offset or (pview is view and pstart < start))
                for phrase, pview, pstart, category in phrases
            )
            and count_after(view, end, 2) is None
        ):
            short.append(item)
        else:
            kept.append(item)
    if not short:
        return live
    phrased.extend((item[1], item[2], item[3]) for item in short)
    # and the hits inside a short form are that form again (虎 in 虎皮)
    kept = [i for i in kept if not any(d[1] is i[1] and d[2] <= i[2] and i[3] <= d[3] for d in short)]
    masked_rules.append({"rule": "short_form_of_phrase", "terms": sorted({i[0].term for i in short}), "points": 0})
    return kept


def drop_inside_unsold(
    live: list[tuple[TermRef, FieldView, int, int, int, int]],
    unsold: list[tuple[TermRef, FieldView, int, int]],
    masked_rules: list[dict[str, Any]],
) -> list[tuple[TermRef, FieldView, int, int, int, int]]:
    """The hits that lie inside no longer name of another category which the listing gives no context, nor start
    inside one and run past its end: 虎 in 壁虎 is the gecko's name, not the tiger's, whether or not the gecko is sold
    as a wild one, and 豹子 of 土豹子 (土豹, the falconers' buzzard) no leopard's, as ``drop_straddling`` reads names
    that both count."""
    kept = []
    for item in live:
        ref, view, start, end = item[0], item[1], item[2], item[3]
        name = next(
            (
                other
                for other, oview, ostart, oend in unsold
                if oview is view
                and other.category != ref.category
                and ((ostart <= start and end <= oend and oend - ostart > end - start) or ostart < start < oend < end)
            ),
            None,
        )
        if name is None:
            kept.append(item)
        else:
            masked_rules.append({"rule": "inside_other_name", "category": ref.category, "term": ref.term,
                                 "name": name.term, "field": view.name, "points": 0})  # fmt: skip
    return kept

"""Which of overlapping term hits stands: a code word inside or right after a name, a short form inside the name it
was cut from, a hit straddling or inside a longer one of another category. Read left to right, the longer name
says what the listing sells."""

from __future__ import annotations

from .clauses import one_clause
from .hits import GENERATED_FROM_LIST
from .payloads import FieldView, TermRef

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

"""Search terms a platform's own search does not fold, generated from the watchlists.

A profile's `search.variants` names which variants of each term its search needs typed separately: the
traditional form (OpenCC `s2t`), the pinyin (pypinyin, no tones, joined) and the watchlists' code words of the
terms searched for. The scorer folds all of these itself; this is only about what the search box can find.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from crawler.profiles import Profile
from spiders.sweep_params import SweepParams


@cache
def _to_traditional() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def traditional(term: str) -> str:
    return str(_to_traditional().convert(term))


def pinyin(term: str) -> str:
    """`象牙` -> `xiangya`; a term without Chinese characters is returned as it is."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(term)).replace(" ", "")


def code_words(terms: Iterable[str]) -> list[str]:
    """The watchlists' code words of every watchlist term among `terms` (by the term or one of its search terms)."""
    from pipelines.scoring import Scorer

    wanted = set(terms)
    out: list[str] = []
    for category in Scorer.load().categories.values():
        searched = wanted & set(category.search_terms)
        for spec in category.terms:
            if spec.term in wanted or (searched and any(spec.term in term for term in searched)):
                out.extend(spec.code_words)
    return out


def with_variants(profile: Profile, params: SweepParams) -> list[str]:
    """The sweep's keywords followed by the variants the profile's search needs, without repeats."""
    keywords = list(params.keywords)
    kinds = profile.search.variants
    extra: list[str] = []
    if "traditional" in kinds:
        extra += [traditional(term) for term in keywords]
    if "pinyin" in kinds:
        extra += [pinyin(term) for term in keywords if not term.isascii()]
    if "code_words" in kinds:
        extra += code_words(keywords)
    return list(dict.fromkeys([*keywords, *(term for term in extra if term.strip())]))

"""Bred animals, not taken from the wild: a listing that says so (人工繁殖, 猫舍) and names a species protected only in
the wild, or shows the papers of a legal trade in bred animals, sells legal goods unless it hides them, claims wild
provenance or says it has no papers. A dealer's talk alone (私聊, 懂的来) does not undo the claim: pet shops and
catteries talk so too."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .clauses import negated_before
from .payloads import FieldView, Signal, TermRef
from .shown import WILDLIFE_PREFIX


class BredClaims:
    """The words of breeding and licence papers, the species protected only in the wild, the negations that
    deny a claim (没有繁育证) and a denial of papers (没有手续, 无证件)."""

    def __init__(
        self,
        bred: re.Pattern[str] | None,
        licences: re.Pattern[str] | None,
        wild_only: frozenset[tuple[str, str]],
        term_negations: tuple[str, ...],
        papers_denied: re.Pattern[str] | None,
        wild_only_kin: dict[tuple[str, str], tuple[str, ...]] | None = None,
    ) -> None:
        self._bred = bred
        self._licences = licences
        self._wild_only = wild_only
        self._wild_only_kin = wild_only_kin or {}
        self._term_negations = term_negations
        self._papers_denied = papers_denied

    def bred_animal(
        self,
        live: list[tuple[TermRef, FieldView, int, int, int, int]],
        views: list[FieldView],
        signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]],
        denied_in_phrase: Callable[[FieldView, int, list[tuple[tuple[Signal, ...], FieldView, int, int]]], str | None]
        | None = None,
    ) -> dict[str, Any] | None:
        """The ``bred_term`` rule when the listing's animal is bred, not taken from the wild: it says so (人工繁殖,
        猫舍, 家养) and either names a species the national list protects only in the wild (乌龟 as a pet) or shows
        the papers of a legal trade in bred animals (驯养繁殖证明, 血统证), and it neither hides the goods, nor claims
        wild provenance (不是野生 denies it), nor says it has no papers (没有手续). None otherwise."""
        terms = sorted({ref.term for ref, *_ in live if ref.category.startswith(WILDLIFE_PREFIX)})
        if not terms:
            return None
        negations = self._term_negations
        bred = self._first_unnegated(self._bred, views, negations)  # rare, and searched in C: read first
        if bred is None and any((ref.category, ref.term) in self._wild_only for ref, *_ in live):
            bred = self._wild_denied(signal_places)  # 非野生 of a species protected in the wild only: a bred one
            if bred is None:
                bred = self._pet_kin(live, views)  # 巴西龟 beside 乌龟: the everyday word for the pet
        if bred is None:
            return None
        for signals, view, start, _end in signal_places:
            for sig in signals:
                if sig.kind == "conceal" or (
                    sig.kind == "provenance"
                    and not negated_before(view.norm.text, start, negations)
                    and (denied_in_phrase is None or denied_in_phrase(view, start, signal_places) is None)
                ):
                    return None  # wild provenance claimed, unless denied (不是野生, 不是山里那个野生豹猫)
        wild_only = sorted({ref.term for ref, *_ in live if (ref.category, ref.term) in self._wild_only})
        licence = self._first_unnegated(self._licences, views, negations)
        if not wild_only and licence is None:
            return None
        denied = self._papers_denied
        if denied is not None and any(denied.search(view.norm.text) for view in views):
            return None
        how = {"licence": licence} if licence is not None else {"wild_only": wild_only}
        return {"rule": "bred_term", "terms": terms, "bred": bred, **how, "points": 0}

    def _wild_denied(self, signal_places: list[tuple[tuple[Signal, ...], FieldView, int, int]]) -> str | None:
        """The first word of wild provenance right after a negation (非野生, 不是野生), with the negation. A question
        that sets the word beside its negation (是不是野生) denies nothing, so it is no claim."""
        for signals, view, start, end in signal_places:
            if any(sig.kind == "provenance" for sig in signals):
                text = view.norm.text
                negation = next((w for w in self._term_negations if text[max(0, start - 3) : start].endswith(w)), None)
                at = start - len(negation) if negation else 0
                if negation and not (negation[0] == "不" and text[at - 1 : at] == negation[1:2]):
                    return text[at:end]
        return None

    def _pet_kin(self, live: list[tuple[TermRef, FieldView, int, int, int, int]], views: list[FieldView]) -> str | None:
        """The first pet of the trade, unprotected (巴西龟), whose kind a live name protected only in the wild
        (乌龟) is the everyday word for, where the listing names it unnegated (不是巴西龟 names none)."""
        kin = self._wild_only_kin
        if not kin:
            return None
        for ref, *_ in live:
            for phrase in kin.get((ref.category, ref.term), ()):
                for view in views:
                    at = view.norm.text.find(phrase)
                    if at >= 0 and not negated_before(view.norm.text, at, self._term_negations):
                        return phrase
        return None

    def _first_unnegated(
        self, pattern: re.Pattern[str] | None, views: list[FieldView], negations: tuple[str, ...]
    ) -> str | None:
        """The first word of ``pattern`` in the listing that no negation stands right before (没有繁育证)."""
        if pattern is not None:
            for view in views:
                for match in pattern.finditer(view.norm.text):
                    if not negated_before(view.norm.text, match.start(), negations):
                        return match.group()
        return None

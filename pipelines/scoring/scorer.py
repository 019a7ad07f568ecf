"""The scorer: 0-100 per listing from watchlist hits in title and description, and their context.

How a listing is scored (every step that changes the score is reported in ``rules``):

1. Title and description are normalised (:mod:`.normalize`) and scanned once for every pattern: match
   terms and their spellings, innocent phrases, context signals.
2. A term hit inside an innocent phrase (象牙白, 虎皮鹦鹉, 老虎钳) or a book title (《象牙塔》) is dropped.
3. Per category: the best hit gives ``weight x field factor x category severity``; other distinct terms of
   the category add a little (corroboration); a product form (手镯, 鳞片, 活体, or 皮/骨/牙 right after a
   species name) adds; evasion and trade talk (私聊, 加V, 懂的来, 老货, 包老) and category-scoped
   suspicious words add, capped; a price above the category's ordinary-goods range adds.
4. Innocence signals (imitation material, toy, colour, food, plant, book, media) subtract per kind, capped,
   from every hit except code words: 白色塑料 stays ivory code even though 塑料 is an imitation material.
   A signal that lies inside a term hit (仿真 in 仿真枪, 塑料 in 白色塑料) does not count.
5. The listing's score is its best category's; ``categories`` lists all categories hit, best first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .matcher import Matcher, build_matcher
from .normalize import Normaliser, NormText, pinyin_forms, pinyin_initials
from .watchlist import Category, TermSpec, Watchlists, load_watchlists

FIELDS = ("title", "description")

DEFAULT_WEIGHTS: dict[str, float] = {
    "title_factor": 1.0,
    "description_factor": 0.9,
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
}

_BOOK_TITLE = re.compile(r"《[^《》]{0,60}》|〈[^〈〉]{0,60}〉")


@dataclass(frozen=True, slots=True)
class Hit:
    """A watchlist term found in a listing; ``start:end`` index the original field text."""

    term: str
    category: str
    field: str
    start: int
    end: int
    matched: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScoreResult:
    score: int
    is_lead: bool
    family: str | None
    category: str | None
    categories: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "is_lead": self.is_lead,
            "family": self.family,
            "category": self.category,
            "categories": list(self.categories),
            "hits": [hit.to_dict() for hit in self.hits],
            "rules": [dict(rule) for rule in self.rules],
        }


# Pattern payloads ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TermRef:
    category: str
    term: str
    rule: str
    weight: float
    code: bool
    ascii_start: bool
    ascii_end: bool


@dataclass(frozen=True, slots=True)
class _Mask:
    category: str | None
    phrase: str


@dataclass(frozen=True, slots=True)
class _Signal:
    kind: str  # evasion, trade, suspicious, form, innocence
    label: str  # innocence kind or the signal kind
    category: str | None
    word: str
    ascii_start: bool
    ascii_end: bool


_Payload = _TermRef | _Mask | _Signal


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass
class _FieldView:
    name: str
    norm: NormText
    offset: int  # position of this field in the scanned text
    _offsets: list[int] | None = None

    def offsets(self) -> list[int]:
        if self._offsets is None:
            self._offsets = self.norm.offsets()
        return self._offsets

    def span(self, start: int, end: int) -> tuple[int, int]:
        offsets = self.offsets()
        return offsets[start], offsets[end - 1] + 1


class Scorer:
    """Scores listings against the watchlists. Build once (:meth:`load`), call :meth:`score` per listing."""

    def __init__(
        self,
        watchlists: Watchlists,
        *,
        threshold: int = 60,
        engine: str | None = None,
    ) -> None:
        self.watchlists = watchlists
        self.threshold = threshold
        self.categories: dict[str, Category] = watchlists.categories
        self.weights = {**DEFAULT_WEIGHTS, **watchlists.signals.weights}
        self.normaliser = Normaliser()
        self._patterns: dict[str, list[_Payload]] = {}
        self._adjacent_forms: dict[str, str] = {}
        self._build()
        self._pattern_list = list(self._patterns)
        self._payloads = [self._patterns[p] for p in self._pattern_list]
        self._by_kind: tuple[list[tuple[_TermRef, ...]], list[tuple[_Mask, ...]], list[tuple[_Signal, ...]]] = (
            [tuple(x for x in ps if isinstance(x, _TermRef)) for ps in self._payloads],
            [tuple(x for x in ps if isinstance(x, _Mask)) for ps in self._payloads],
            [tuple(x for x in ps if isinstance(x, _Signal)) for ps in self._payloads],
        )
        self.matcher: Matcher = build_matcher(self._pattern_list, engine)

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

        ``threshold`` None reads the configured lead threshold (``TRADEWATCH_LEAD_THRESHOLD``, default 60).
        """
        if threshold is None:
            from leads.config import get_settings

            threshold = get_settings().lead_threshold
        return cls(load_watchlists(paths, extra_terms), threshold=threshold, engine=engine)

    def _add(self, text: str, payload: _Payload) -> None:
        key = self.normaliser.fold(text)
        if not key:
            return
        if isinstance(payload, _TermRef | _Signal):
            payload = replace(payload, ascii_start=_is_ascii_alnum(key[0]), ascii_end=_is_ascii_alnum(key[-1]))
        bucket = self._patterns.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)

    def _add_term(self, category: Category, spec: TermSpec) -> None:
        weight = float(spec.weight)
        code = spec.kind == "code_word"
        base_rule = spec.kind

        def add(text: str, rule: str, w: float = weight, is_code: bool = code) -> None:
            self._add(text, _TermRef(category.id, spec.term, rule, w, is_code, False, False))

        add(spec.term, base_rule)
        for alias in spec.aliases:
            add(alias, "alias" if base_rule in ("name", "product") else base_rule)
        code_weight = float(spec.code_weight or spec.weight)
        for word in spec.code_words:
            add(word, "code_word", code_weight, True)
        for word in spec.tcm:
            add(word, "tcm")
        for word in spec.latin:
            add(word, "latin")
        for word in spec.english:
            add(word, "english")
        for word in spec.variants:
            add(word, "variant", weight, code)
            self.normaliser.add_variant(word, spec.term)
        pinyin_factor = self.weights["pinyin_factor"]
        for word in spec.pinyin:
            add(word, "pinyin", weight * pinyin_factor, code)
        auto = spec.auto_pinyin if spec.auto_pinyin is not None else spec.kind in ("name", "product")
        if auto:
            names = [spec.term, *spec.aliases, *spec.tcm]
            for name in names:
                folded = self.normaliser.fold(name)
                for form in pinyin_forms(folded):
                    if len(form) >= 5 or not form.isascii():
                        add(form, "pinyin", weight * pinyin_factor, code)
                initials = pinyin_initials(folded)
                if len(initials) >= 3:
                    add(initials, "initials", weight * self.weights["initials_factor"], code)

    def _build(self) -> None:
        signals = self.watchlists.signals
        for word in signals.evasion:
            self._add(word, _Signal("evasion", "evasion", None, word, False, False))
        for word in signals.trade:
            self._add(word, _Signal("trade", "trade", None, word, False, False))
        for kind, words in signals.innocence.items():
            for word in words:
                self._add(word, _Signal("innocence", kind, None, word, False, False))
        for phrase in signals.innocent_phrases:
            self._add(phrase, _Mask(None, phrase))
        for category in self.categories.values():
            for spec in category.terms:
                self._add_term(category, spec)
            for phrase in category.innocent_phrases:
                self._add(phrase, _Mask(category.id, phrase))
            for word in category.innocence:
                self._add(word, _Signal("innocence", "category", category.id, word, False, False))
            for word in category.suspicious:
                self._add(word, _Signal("suspicious", "suspicious", category.id, word, False, False))
            adjacent = []
            for word in category.product_forms:
                folded = self.normaliser.fold(word)
                if len(folded) == 1:
                    adjacent.append(folded)
                else:
                    self._add(word, _Signal("form", "form", category.id, word, False, False))
            self._adjacent_forms[category.id] = "".join(dict.fromkeys(adjacent))

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
        views: list[_FieldView] = []
        parts: list[str] = []
        offset = 0
        for name in FIELDS:
            raw = listing.get(name)
            text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
            norm = self.normaliser.normalise(text)
            views.append(_FieldView(name, norm, offset))
            parts.append(norm.text)
            offset += len(norm.text) + 1
        matches = self.matcher.find("\n".join(parts))
        if not matches:
            return ScoreResult(0, self.threshold <= 0, None, None)
        return self._score_matches(listing, views, matches)

    def _score_matches(
        self, listing: Mapping[str, Any], views: list[_FieldView], matches: list[tuple[int, int, int]]
    ) -> ScoreResult:
        title_len = len(views[0].norm.text)
        terms: list[tuple[_TermRef, _FieldView, int, int]] = []
        masks: list[tuple[_Mask, _FieldView, int, int]] = []
        signal_places: list[tuple[int, _FieldView, int, int]] = []
        term_payloads, mask_payloads, signal_payloads = self._by_kind
        for pattern_id, start, end in matches:
            view = views[0] if start < title_len else views[1]
            local_start, local_end = start - view.offset, end - view.offset
            for ref in term_payloads[pattern_id]:
                terms.append((ref, view, local_start, local_end))
            for mask_ in mask_payloads[pattern_id]:
                masks.append((mask_, view, local_start, local_end))
            if signal_payloads[pattern_id]:
                signal_places.append((pattern_id, view, local_start, local_end))
        if not terms:
            return ScoreResult(0, self.threshold <= 0, None, None)

        rules: dict[str, list[dict[str, Any]]] = {}
        masked_rules: list[dict[str, Any]] = []
        books = {view.name: _book_spans(view.norm.original) for view in views}
        live: list[tuple[_TermRef, _FieldView, int, int, int, int]] = []
        for ref, view, start, end in terms:
            if not self._boundary_ok(view, start, end, ref.ascii_start, ref.ascii_end):
                continue
            o_start, o_end = view.span(start, end)
            mask = next(
                (
                    m
                    for m, mview, ms, me in masks
                    if mview is view and ms <= start and end <= me and (m.category in (None, ref.category))
                ),
                None,
            )
            if mask is not None:
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
            book = next((b for b in books[view.name] if b[0] < o_start and o_end < b[1]), None)
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
                continue
            live.append((ref, view, start, end, o_start, o_end))

        by_category: dict[str, list[tuple[_TermRef, _FieldView, int, int, int, int]]] = {}
        spans: dict[tuple[str, str, str], list[tuple[int, int, str]]] = {}
        for item in live:
            ref, view, _s, _e, o_start, o_end = item
            by_category.setdefault(ref.category, []).append(item)
            spans.setdefault((ref.term, ref.category, view.name), []).append((o_start, o_end, ref.rule))
        hits: list[Hit] = []
        for (term, category_id, field_name), found in spans.items():
            # one hit per term and place: the widest span wins over spans inside it
            found.sort(key=lambda x: (x[0], -x[1]))
            original = views[0].norm.original if field_name == "title" else views[1].norm.original
            last_end = -1
            for o_start, o_end, rule in found:
                if o_end <= last_end:
                    continue
                last_end = o_end
                hits.append(Hit(term, category_id, field_name, o_start, o_end, original[o_start:o_end], rule))

        # context signals count once, and never when they lie inside a term hit (塑料 in 白色塑料)
        term_spans: dict[str, list[tuple[int, int]]] = {}
        for _ref, view, start, end, _os, _oe in live:
            term_spans.setdefault(view.name, []).append((start, end))
        by_scope: dict[str | None, list[tuple[_Signal, _FieldView, int, int]]] = {}
        for pattern_id, view, start, end in signal_places:
            spans_here = term_spans.get(view.name, ())
            if any(start < te and ts < end for ts, te in spans_here):
                continue
            payloads = signal_payloads[pattern_id]
            first = payloads[0]
            if (first.ascii_start or first.ascii_end) and not self._boundary_ok(
                view, start, end, first.ascii_start, first.ascii_end
            ):
                continue
            for sig in payloads:
                if sig.category is None or sig.category in by_category:
                    by_scope.setdefault(sig.category, []).append((sig, view, start, end))
        shared = by_scope.get(None, [])
        price = _price(listing.get("price"))
        scores: dict[str, int] = {}
        for category_id, items in by_category.items():
            scoped = shared + by_scope.get(category_id, [])
            scores[category_id], rules[category_id] = self._score_category(
                self.categories[category_id], items, scoped, price
            )
        ranked = sorted(scores, key=lambda c: (-scores[c], c))
        all_rules: list[dict[str, Any]] = []
        for category_id in ranked:
            all_rules.extend(rules[category_id])
        all_rules.extend(masked_rules)
        if not ranked:
            return ScoreResult(0, self.threshold <= 0, None, None, [], hits, all_rules)
        best = ranked[0]
        score = scores[best]
        order = {c: i for i, c in enumerate(ranked)}
        hits.sort(key=lambda h: (order[h.category], h.field != "title", h.start, h.end))
        return ScoreResult(
            score=score,
            is_lead=score >= self.threshold,
            family=best.split(".", 1)[0],
            category=best,
            categories=ranked,
            hits=hits,
            rules=all_rules,
        )

    def _boundary_ok(self, view: _FieldView, start: int, end: int, ascii_start: bool, ascii_end: bool) -> bool:
        """Latin-script patterns must start and end at word boundaries of the original text."""
        if not (ascii_start or ascii_end):
            return True
        o_start, o_end = view.span(start, end)
        original = view.norm.original
        fold = self.normaliser.fold
        if ascii_start and o_start > 0:
            before = fold(original[o_start - 1])
            if before and _is_ascii_alnum(before[-1]):
                return False
        if ascii_end and o_end < len(original):
            after = fold(original[o_end])
            if after and _is_ascii_alnum(after[0]):
                return False
        return True

    def _score_category(
        self,
        category: Category,
        items: list[tuple[_TermRef, _FieldView, int, int, int, int]],
        signals: list[tuple[_Signal, _FieldView, int, int]],
        price: float | None,
    ) -> tuple[int, list[dict[str, Any]]]:
        w = self.weights
        cid = category.id
        severity = category.severity
        # innocence: one penalty per distinct kind, never from words inside a term hit
        innocence_kinds: dict[str, str] = {}
        for sig, *_where in signals:
            if sig.kind == "innocence":
                innocence_kinds.setdefault(sig.label, sig.word)
        penalty = min(w["innocence_cap"], w["innocence"] * len(innocence_kinds))

        best_points = -math.inf
        best_item = items[0]
        for item in items:
            ref, view = item[0], item[1]
            factor = w["title_factor"] if view.name == "title" else w["description_factor"]
            points = ref.weight * factor * severity - (0 if ref.code else penalty)
            if points > best_points:
                best_points, best_item = points, item
        ref, view = best_item[0], best_item[1]
        factor = w["title_factor"] if view.name == "title" else w["description_factor"]
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
        if innocence_kinds:
            if ref.code:
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

        others = sorted({r.term for r, *_ in items} - {ref.term})
        if others:
            points = min(w["corroboration_cap"], w["corroboration"] * len(others))
            rules.append({"rule": "corroboration", "category": cid, "terms": others, "points": points})
            total += points

        form = self._form(category, items, signals)
        if form is not None:
            rules.append({"rule": "product_form", "category": cid, "form": form, "points": w["form"]})
            total += w["form"]

        context_points = 0.0
        fired: dict[str, list[str]] = {}
        for sig, *_where in signals:
            if sig.kind not in ("evasion", "trade", "suspicious"):
                continue
            if sig.word in fired.get(sig.kind, []):
                continue
            fired.setdefault(sig.kind, []).append(sig.word)
        for kind in ("evasion", "trade", "suspicious"):
            if kind in fired:
                points = w[kind] * len(fired[kind])
                rules.append(
                    {"rule": kind, "category": cid, "signals": fired[kind], "weight": w[kind], "points": points}
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
        score = max(0, min(100, round(total)))
        rules.append({"rule": "category_score", "category": cid, "score": score})
        return score, rules

    def _form(
        self,
        category: Category,
        items: list[tuple[_TermRef, _FieldView, int, int, int, int]],
        signals: list[tuple[_Signal, _FieldView, int, int]],
    ) -> str | None:
        for sig, *_where in signals:
            if sig.kind == "form":
                return sig.word
        adjacent = self._adjacent_forms.get(category.id)
        if adjacent:
            for _ref, view, _s, e, _os, _oe in items:
                following = view.norm.text[e : e + 2]
                for char in following:
                    if char in adjacent:
                        return char
        return None

    # ------------------------------------------------------------------------------------------ explain

    def explain(self, text: str, description: str = "", price: float | None = None) -> dict[str, Any]:
        """The normalised text, the hits and the score breakdown of one piece of text."""
        result = self.score({"title": text, "description": description, "price": price})
        return {
            "normalised": self.normaliser.canonical(text),
            "normalised_description": self.normaliser.canonical(description) if description else "",
            **result.to_dict(),
        }


def _book_spans(text: str) -> list[tuple[int, int]]:
    if "《" not in text and "〈" not in text:
        return []
    return [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(text)]


def _price(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = re.search(r"\d+(?:\.\d+)?", str(value).replace(",", ""))
        if not match:
            return None
        number = float(match.group())
    return number if math.isfinite(number) and number >= 0 else None

"""Text normaliser: maps listing text to a canonical matching form and back.

The canonical form is built character by character, so every character of the normalised text knows the
character of the original text it came from:

* NFKC (full-width letters and digits become half-width, circled and compatibility forms are unfolded),
* traditional to simplified Chinese (OpenCC ``t2s``, character level),
* case folding,
* everything that is not a letter or a digit is dropped: spaces and separators, punctuation inside a word
  (象*牙, 犀.角), emoji, zero-width characters, combining marks.

Homophones and look-alikes (象芽, 穿山假, 犀jiao) are a table of variant -> canonical spellings. The matcher
looks for each variant as a pattern of its canonical term, which is the same as rewriting the text but keeps
matching to one pass; :meth:`Normaliser.canonical` applies the table to show the rewritten text.
Pinyin and pinyin initials of watchlist terms are produced here too (:func:`pinyin_forms`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import compress

_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def _t2s_table() -> dict[int, str]:
    """Traditional -> simplified for single characters, from the official OpenCC ``t2s`` configuration."""
    import opencc

    converter = opencc.OpenCC("t2s")
    chars = [chr(cp) for start, stop in _CJK_RANGES for cp in range(start, stop)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - defensive: fall back to per-character calls
        converted = [converter.convert(char) for char in chars]
    return {ord(src): dst for src, dst in zip(chars, converted, strict=True) if src != dst and len(dst) == 1}


def _keep(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


class _MaskTable(dict[int, str]):
    """Translate table: a character -> one mask character per folded character (\x01 kept, \x00 dropped,
    \x02 for each character of a multi-character folding, which makes the mask longer than the text)."""

    def __init__(self, fold: _FoldTable) -> None:
        super().__init__()
        self._fold = fold

    def __missing__(self, code: int) -> str:
        value = self._fold[code]
        if value is None:
            result = "\x00"
        elif isinstance(value, int) or len(value) == 1:
            result = "\x01"
        else:
            result = "\x02" * len(value)
        self[code] = result
        return result


class _FoldTable(dict[int, "str | int | None"]):
    """``str.translate`` table computed lazily: code point -> its canonical characters (None: dropped)."""

    def __init__(self, t2s: Mapping[int, str]) -> None:
        super().__init__()
        self._t2s = t2s
        self.mask = _MaskTable(self)

    def fold(self, char: str) -> str:
        text = unicodedata.normalize("NFKC", char)
        text = "".join(self._t2s.get(ord(c), c) for c in text).casefold()
        text = unicodedata.normalize("NFKC", text)
        return "".join(c for c in text if _keep(c))

    def __missing__(self, code: int) -> str | int | None:
        folded = self.fold(chr(code))
        value: str | int | None
        if not folded:
            value = None
        elif folded == chr(code):
            value = code
        else:
            value = folded
        self[code] = value
        return value


@dataclass(frozen=True, slots=True)
class NormText:
    """A normalised text, with the way back to the original."""

    original: str
    text: str
    _table: _FoldTable

    def offsets(self, upto: int | None = None) -> list[int]:
        """``offsets[i]`` is the index in ``original`` of the character that produced ``text[i]``.

        One extra entry at the end holds the exclusive end of the last character, so that ``offsets[end]``
        is a valid exclusive end. ``upto`` limits the work to the first ``upto`` characters.
        """
        limit = len(self.text) if upto is None else min(upto, len(self.text))
        fast = self._fast_offsets()
        out = fast if fast is not None else self._slow_offsets()
        out = out[:limit]
        out.append(out[-1] + 1 if out else 0)
        return out

    def _fast_offsets(self) -> list[int] | None:
        """Offsets without a Python loop: a translate table maps each character to one mask byte (1: folds
        to one character, 0: dropped); ``itertools.compress`` keeps the indexes of the ones. None when some
        character folds to several characters (ligatures, ™), then the exact loop is used."""
        original = self.original
        mask = original.translate(self._table.mask)
        if len(mask) != len(original):
            return None
        return list(compress(range(len(original)), mask.encode("latin-1")))

    def _slow_offsets(self) -> list[int]:
        table = self._table
        out: list[int] = []
        for index, char in enumerate(self.original):
            value = table[ord(char)]
            if value is None:
                continue
            if isinstance(value, int):
                out.append(index)
            else:
                out.extend([index] * len(value))
        return out

    def span_end(self, last_index: int) -> int:
        """Exclusive end in the original of a match whose last character came from ``last_index``."""
        return last_index + 1

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]`` (``end > start``)."""
        offsets = self.offsets(end)
        return offsets[start], offsets[end - 1] + 1


class Normaliser:
    """Builds canonical text. Cheap to call: one ``str.translate`` per text after warm-up."""

    def __init__(self, variants: Mapping[str, str] | None = None) -> None:
        self._table = _FoldTable(_t2s_table())
        for code in range(0x80):
            self._table[code]
        self.variants: dict[str, str] = {}
        for variant, canonical in (variants or {}).items():
            self.add_variant(variant, canonical)

    def add_variant(self, variant: str, canonical: str) -> None:
        key, value = self.fold(variant), self.fold(canonical)
        if key and value and key != value:
            self.variants[key] = value

    def fold(self, text: str) -> str:
        """The canonical form of ``text`` (no offsets)."""
        return text.translate(self._table)

    def normalise(self, text: str) -> NormText:
        return NormText(text, text.translate(self._table), self._table)

    def canonical(self, text: str) -> str:
        """Folded text with homophones and look-alikes rewritten to their canonical spelling (for display)."""
        folded = self.fold(text)
        if not self.variants:
            return folded
        import ahocorasick_rs

        automaton = ahocorasick_rs.AhoCorasick(list(self.variants), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        parts: list[str] = []
        last = 0
        keys = list(self.variants)
        for index, start, end in automaton.find_matches_as_indexes(folded):
            parts.append(folded[last:start])
            parts.append(self.variants[keys[index]])
            last = end
        parts.append(folded[last:])
        return "".join(parts)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(start <= code < stop for start, stop in _CJK_RANGES) or 0x20000 <= code < 0x31350


@cache
def _pypinyin() -> object:
    import pypinyin

    return pypinyin


def pinyin_forms(term: str, *, mixed: bool = True) -> list[str]:
    """Pinyin spellings of a Chinese term: full pinyin (xiangya) and, if ``mixed``, the half-pinyin forms
    traders type (xiang牙, 象ya). Only for terms made entirely of Chinese characters."""
    if not term or not all(is_cjk(c) for c in term):
        return []
    pypinyin = _pypinyin()
    syllables: list[str] = pypinyin.lazy_pinyin(term, errors="ignore")  # type: ignore[attr-defined]
    if len(syllables) != len(term):
        return []
    forms = ["".join(syllables)]
    if mixed and 2 <= len(term) <= 3:
        for index in range(len(term)):
            forms.append(term[:index] + syllables[index] + term[index + 1 :])
    return list(dict.fromkeys(forms))


def pinyin_initials(term: str) -> str:
    """Pinyin initials of a Chinese term (穿山甲 -> csj); empty if the term is not all Chinese."""
    if not term or not all(is_cjk(c) for c in term):
        return ""
    pypinyin = _pypinyin()
    syllables: list[str] = pypinyin.lazy_pinyin(term, errors="ignore")  # type: ignore[attr-defined]
    if len(syllables) != len(term):
        return ""
    return "".join(s[0] for s in syllables if s)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))

"""Text normaliser: maps listing text to a canonical matching form and back.

The canonical form is built character by character, so every character of the normalised text knows the
character of the original text it came from:

* NFKC (full-width letters and digits become half-width, circled and compatibility forms are unfolded),
* traditional to simplified Chinese (OpenCC ``t2s``, character level),
* case folding, and accents dropped from Latin letters (pinyin tones: tīng is ting),
* everything that is not a letter or a digit is dropped: spaces and separators, punctuation inside a word
  (象*牙, 犀.角), emoji, zero-width characters, combining marks.

Homophones and look-alikes (象芽, 穿山假, 犀jiao) are a table of variant -> canonical spellings. The matcher
looks for each variant as a pattern of its canonical term, which is the same as rewriting the text but keeps
matching to one pass; :meth:`Normaliser.canonical` applies the table to show the rewritten text.
Pinyin and pinyin initials of watchlist terms are produced here too (:func:`pinyin_forms`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import compress, product
from pathlib import Path

from . import cache as disk_cache
from . import programs

_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))  # is_cjk writes them out
_CLASSES_VERSION = 2  # 2: accents dropped from Latin letters


def _opencc_t2s() -> dict[int, str]:
    """Traditional -> simplified for single characters, from the official OpenCC ``t2s`` configuration."""
    import opencc

    converter = opencc.OpenCC("t2s")
    chars = [chr(cp) for start, stop in _CJK_RANGES for cp in range(start, stop)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - defensive: fall back to per-character calls
        converted = [converter.convert(char) for char in chars]
    return {ord(src): dst for src, dst in zip(chars, converted, strict=True) if src != dst and len(dst) == 1}


def to_simplified(text: str) -> str:
    """Traditional characters written as simplified (OpenCC ``t2s``, character level); nothing else changes,
    so punctuation and spacing stay where they are."""
    return text.translate(_char_classes().t2s)


def _keep(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _bare_letter(char: str) -> str:
    """A Latin letter without its accents: pinyin written with its tones (tīng, bīng, lǜ) is the pinyin a keyword
    filter is dodged with, and the tones tell nothing (窃tīng器 is 窃ting器)."""
    if char.isascii():
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isascii() and base.isalpha() and all(unicodedata.combining(m) for m in marks):
        return base
    return char


def _ranges(codes: Iterable[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for code in codes:
        if out and out[-1][1] == code - 1:
            out[-1][1] = code
        else:
            out.append([code, code])
    return out


def _without(ranges: Iterable[Iterable[int]], codes: set[int]) -> list[list[int]]:
    """Inclusive ``ranges`` of code points, sorted, less ``codes``."""
    out: list[list[int]] = []
    for start, stop in ranges:
        for code in sorted(c for c in codes if start <= c <= stop):
            if start < code:
                out.append([start, code - 1])
            start = code + 1
        if start <= stop:
            out.append([start, stop])
    return out


def _union(*ranges: Iterable[Iterable[int]]) -> list[list[int]]:
    """The inclusive ranges of code points that cover each of ``ranges``."""
    out: list[list[int]] = []
    for start, stop in sorted(list(pair) for group in ranges for pair in group):
        if out and start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], stop)
        else:
            out.append([start, stop])
    return out


def _class_body(ranges: Iterable[Iterable[int]]) -> str:
    parts = []
    for start, stop in ranges:
        parts.append(re.escape(chr(start)) if start == stop else f"{re.escape(chr(start))}-{re.escape(chr(stop))}")
    return "".join(parts)


@dataclass(frozen=True)
class _CharClasses:
    """The t2s table and, for the Basic Multilingual Plane, which characters the canonical form drops,
    which it changes, and which become several characters. Everything else maps to itself."""

    t2s: dict[int, str]
    dropped: list[list[int]]
    changed: list[list[int]]
    expanded: list[list[int]]


@cache
def _char_classes() -> _CharClasses:
    name = "chars-" + disk_cache.key(
        "chars", _CLASSES_VERSION, unicodedata.unidata_version, disk_cache.package_version("opencc")
    )
    data = disk_cache.read_json(name)
    if isinstance(data, dict) and set(data) == {"t2s", "dropped", "changed", "expanded"}:
        try:
            return _CharClasses(
                {int(k): str(v) for k, v in data["t2s"].items()}, data["dropped"], data["changed"], data["expanded"]
            )
        except (TypeError, ValueError):
            pass
    t2s = _opencc_t2s()
    table = _FoldTable(t2s)
    is_normalized, category = unicodedata.is_normalized, unicodedata.category
    dropped: list[int] = []
    changed: list[int] = []
    expanded: list[int] = []
    for code in range(0x10000):
        char = chr(code)
        if code not in t2s and is_normalized("NFKC", char) and char.casefold() == char and _bare_letter(char) == char:
            if category(char)[0] not in "LN":
                dropped.append(code)
            continue  # folds to itself or to nothing without the full computation
        value = table[code]
        if value is None:
            dropped.append(code)
        elif value != code:
            changed.append(code)
            if isinstance(value, str) and len(value) > 1:
                expanded.append(code)
    classes = _CharClasses(t2s, _ranges(dropped), _ranges(changed), _ranges(expanded))
    disk_cache.write_json(
        name,
        {"t2s": {str(k): v for k, v in t2s.items()}, "dropped": classes.dropped, "changed": classes.changed,
         "expanded": classes.expanded},
    )  # fmt: skip
    return classes


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


# The first pictograph read as a word: Miscellaneous Symbols and Pictographs (🎆 fireworks, 🎇 a sparkler) and the
# blocks after it. Below it (⚔, ☠, 🀄) every symbol is dropped like punctuation.
FIRST_PICTOGRAPH = 0x1F300
# Animal pictographs (🐘, 🦏, 🐅 …): sellers write 🦏角 for 犀牛角. Only these blocks are read as animals' names; every
# other emoji is dropped like punctuation unless it is a pictograph of prohibited goods.
_ANIMAL_EMOJI = ((0x1F400, 0x1F43F), (0x1F54A, 0x1F54A), (0x1F577, 0x1F578), (0x1F980, 0x1F9AF),
                 (0x1FAB0, 0x1FABF), (0x1FACE, 0x1FACF))  # fmt: skip


@cache
def emoji_names() -> dict[str, str]:
    """Animal emoji -> their Chinese name from the ``emoji`` package's CLDR annotations (🐘 -> 大象); a
    face (🐯 tiger face) takes the name of the whole animal (🐅 老虎) where there is one. Kept on disk: the
    scorer's tables ask for them while loading, and reading the package's data takes a fifth of a second."""
    name = "emoji-" + disk_cache.key("emoji", 1, disk_cache.package_version("emoji"), _ANIMAL_EMOJI)
    data = disk_cache.read_json(name)
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return {str(k): v for k, v in data.items()}
    names = _emoji_names()
    disk_cache.write_json(name, names)
    return names


def _emoji_names() -> dict[str, str]:
    import emoji

    emoji.config.load_language("zh")
    by_english = {data.get("en"): data for data in emoji.EMOJI_DATA.values()}
    names: dict[str, str] = {}
    for char, data in emoji.EMOJI_DATA.items():
        if len(char) != 1 or not any(start <= ord(char) <= stop for start, stop in _ANIMAL_EMOJI):
            continue
        english = str(data.get("en", ""))
        whole = by_english.get(english.replace("_face:", ":")) if english.endswith("_face:") else None
        name = str((whole or data).get("zh", "")).strip(":").replace("_", "")
        if name:
            names[char] = name
    return names


# Pictographs of prohibited goods (🧨, 🚬, 🔫): the generated table of the goods watchlists
# (scripts/build_goods_emoji.py). Each stays in the canonical form as itself, a one-character short form of its
# term; every other pictograph outside the animal blocks is still dropped like punctuation.
_GOODS_EMOJI = Path(__file__).resolve().parent.parent / "watchlists" / "goods_emoji.yaml"


@cache
def goods_pictographs() -> frozenset[str]:
    """The pictographs the goods table gives a term (read once, on the first pictograph a text holds)."""
    import yaml

    try:
        data = yaml.load(_GOODS_EMOJI.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError:
        return frozenset()
    return frozenset(
        str(term["term"])
        for category in (data or {}).get("categories") or ()
        for term in category.get("terms") or ()
        if len(str(term.get("term", ""))) == 1
    )


class _FoldTable(dict[int, "str | int | None"]):
    """``str.translate`` table computed lazily: code point -> its canonical characters (None: dropped)."""

    def __init__(self, t2s: Mapping[int, str]) -> None:
        super().__init__()
        self._t2s = t2s
        self.mask = _MaskTable(self)
        self.patterns: _Patterns | None = None

    def fold(self, char: str) -> str:
        if ord(char) >= FIRST_PICTOGRAPH:
            name = emoji_names().get(char)
            if name is not None:
                return self.fold_text(name)
            if char in goods_pictographs():
                return char
        return self.fold_text(char)

    def fold_text(self, char: str) -> str:
        text = unicodedata.normalize("NFKC", char)
        text = "".join(self._t2s.get(ord(c), c) for c in text).casefold()
        text = unicodedata.normalize("NFKC", text)
        return "".join(_bare_letter(c) for c in text if _keep(c))

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
    _marked: str | None = None  # ``original`` with every dropped character replaced by NUL, if known

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
        """Offsets without a Python loop. Usually every character folds to one character or none: dropped
        characters are replaced by NUL (``_Patterns.mark``) and ``itertools.compress`` keeps the
        indexes of the others. Otherwise a translate table maps each character to one mask byte (1: folds to
        one character, 0: dropped). None when some character folds to several characters (ligatures, ™),
        then the exact loop is used."""
        original = self.original
        patterns = self._table.patterns
        if patterns is not None:
            marked = self._marked if self._marked is not None else patterns.mark(original)
            units = marked.encode("utf-16-le")
            size = len(original)
            # all characters in the BMP (one UTF-16 unit each), and as many kept as the text has: each kept
            # character folds to one (without a search of the text for those that fold to several). Then a
            # UTF-16 unit is zero exactly where a character was dropped.
            if len(units) == 2 * size and size - marked.count("\x00") == len(self.text):
                kept = int.from_bytes(units[0::2], "little") | int.from_bytes(units[1::2], "little")
                return list(compress(range(size), kept.to_bytes(size, "little")))
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


# The characters listings drop most (the full-width comma and full stop, spaces, line breaks: 96-98 % of those dropped
# in the demo catalogue and the labelled set). Each is replaced by ``str.replace``, a scan in C; the substitution
# of the others pays for every match (a substring, a list entry, the engine's stack), which made dropping them
# three quarters of folding a listing.
SEPARATORS = "，。 \n"


class _Patterns:
    """Regular expressions over the character classes: folding a text replaces the commonest dropped characters
    (SEPARATORS) and then the others by one C-level substitution, and searches for characters that change (rare
    in listings: capitals, full-width forms, traditional characters), which are folded run by run with the
    translate table."""

    def __init__(self, classes: _CharClasses, table: _FoldTable) -> None:
        self.separators = tuple(char for char in SEPARATORS if table[ord(char)] is None)
        # NUL stands for a dropped character in a marked text: dropping it again would change nothing
        others = _without(classes.dropped, {0, *map(ord, self.separators)})
        # a dropped character other than the separators, or one that changes: most texts have neither, and one
        # search of the text tells so
        unusual = _class_body(_union(others, classes.changed))
        changed_class = f"[{_class_body(classes.changed)}\U00010000-\U0010ffff]"
        # whether a text has a character that changes: a search for one character is a scan for the first
        # character of the class, half the cost of a search for a run, which tries a match at every place.
        # Classes of some 2,500 ranges each: made from the programs the last process compiled them to
        drop, unusual_pattern, changed, changed_run = programs.compile_kept(
            "fold-classes",
            [f"[{_class_body(others)}]", f"[{unusual}\U00010000-\U0010ffff]", changed_class, changed_class + "+"],
        )
        self.drop_others: Callable[[str, str], str] = drop.sub
        self.unusual_search = unusual_pattern.search
        self.changed_search = changed.search
        self.changed_sub = changed_run.sub
        translate = str.translate

        def fold_run(match: re.Match[str]) -> str:
            return translate(match.group(), table)

        self.fold_run = fold_run

    def mark(self, text: str) -> str:
        """``text`` with every character the canonical form drops replaced by NUL."""
        return self.drop_others("\x00", self.mark_separators(text))

    def mark_separators(self, text: str) -> str:
        """``text`` with the SEPARATORS the canonical form drops replaced by NUL."""
        for char in self.separators:
            text = text.replace(char, "\x00")
        return text


@cache
def _shared_table() -> _FoldTable:
    """The fold table with its patterns, one for the process: every Normaliser folds alike (its variants are only
    for display), and a crawl process makes two, the scorer's and the model's, each of which filled a table of
    its own and compiled the same character classes again (some 0.02 CPU s); a character the model folds now is
    folded already when the scorer meets it. Two threads that ask at once may each build one; either will do."""
    classes = _char_classes()
    table = _FoldTable(classes.t2s)
    for code in range(0x80):
        table[code]
    table.patterns = _Patterns(classes, table)
    return table


class Normaliser:
    """Builds canonical text. Cheap to call: a ``str.replace`` per common separator and one regex search per
    text; a text with other dropped characters or characters that change (a few in ten) adds a substitution that
    drops them and a ``str.translate`` of those that change."""

    def __init__(self, variants: Mapping[str, str] | None = None) -> None:
        self._table = _shared_table()
        patterns = self._table.patterns
        assert patterns is not None
        self._mark_separators = patterns.mark_separators
        self._unusual_search = patterns.unusual_search
        self._drop_others = patterns.drop_others
        self._changed_search = patterns.changed_search
        self._changed_sub = patterns.changed_sub
        self._fold_run = patterns.fold_run
        self.variants: dict[str, str] = {}
        for variant, canonical in (variants or {}).items():
            self.add_variant(variant, canonical)

    def add_variant(self, variant: str, canonical: str) -> None:
        key, value = self.fold(variant), self.fold(canonical)
        if key and value and key != value:
            self.variants[key] = value

    def fold(self, text: str) -> str:
        """The canonical form of ``text`` (no offsets): the same as ``text.translate(table)``."""
        return self.fold_marked(text)[0]

    def fold_marked(self, text: str) -> tuple[str, str | None]:
        """``fold(text)`` and, unless ``text`` is ASCII, ``text`` with its dropped characters replaced by
        NUL (what :class:`NormText` needs for offsets, at the price of one ``str.replace``)."""
        if text.isascii():
            return text.translate(self._table), None
        marked = self._mark_separators(text)
        # searched without the separators, which the search would read character by character to find nothing
        folded = marked.replace("\x00", "")
        if self._unusual_search(folded) is None:  # nothing else is dropped, nothing changes
            return folded, marked
        marked = self._drop_others("\x00", marked)
        folded = marked.replace("\x00", "")
        if self._changed_search(folded) is None:
            return folded, marked
        return self._changed_sub(self._fold_run, folded), marked

    def normalise(self, text: str) -> NormText:
        return NormText(text, self.fold(text), self._table)

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
    """Whether ``char`` is a Chinese character: one of _CJK_RANGES or of the supplementary planes' ideographs.
    The ranges are written out as comparisons, the commonest first: the scope of a term asks this of the
    characters around every hit, one at a time."""
    code = ord(char)
    return 0x4E00 <= code < 0xA000 or 0x3400 <= code < 0x4DC0 or 0xF900 <= code < 0xFB00 or 0x20000 <= code < 0x31350


@cache
def _pypinyin() -> object:
    import pypinyin

    return pypinyin


class _SyllableCache:
    """Pinyin syllables of watchlist terms, kept on disk so that loading the scorer needs no pypinyin
    import (a third of a second) once the same terms were seen with the same pypinyin version."""

    def __init__(self) -> None:
        self._name: str | None = None
        self._data: dict[str, list[str]] = {}
        self._dirty = False

    def _load(self) -> None:
        self._name = "pinyin-" + disk_cache.key("pinyin", 1, disk_cache.package_version("pypinyin"))
        data = disk_cache.read_json(self._name)
        if isinstance(data, dict):
            self._data = {k: v for k, v in data.items() if isinstance(v, list)}

    def get(self, term: str) -> list[str]:
        if self._name is None:
            self._load()
        syllables = self._data.get(term)
        if syllables is None:
            pypinyin = _pypinyin()
            syllables = list(pypinyin.lazy_pinyin(term, errors="ignore"))  # type: ignore[attr-defined]
            self._data[term] = syllables
            self._dirty = True
        return syllables

    def save(self) -> None:
        if self._dirty and self._name is not None:
            disk_cache.write_json(self._name, self._data)
            self._dirty = False


_SYLLABLES = _SyllableCache()


def save_pinyin_cache() -> None:
    """Write newly computed pinyin spellings to the on-disk cache."""
    _SYLLABLES.save()


def pinyin_forms(term: str, *, mixed: bool = True) -> list[str]:
    """Pinyin spellings of a Chinese term: full pinyin (xiangya) and, if ``mixed``, the half-pinyin forms
    traders type (xiang牙, 象ya, chuanshan甲). Only for terms made entirely of Chinese characters."""
    if not term or not all(is_cjk(c) for c in term):
        return []
    syllables = _SYLLABLES.get(term)
    if len(syllables) != len(term):
        return []
    forms = ["".join(syllables)]
    if mixed and 2 <= len(term) <= 3:
        # every mix of the two but all-pinyin and all-characters: 象ya, xiang牙, chuanshan甲, 穿shanjia
        for spelled in product((False, True), repeat=len(term)):
            if any(spelled) and not all(spelled):
                forms.append("".join(s if p else c for c, s, p in zip(term, syllables, spelled, strict=True)))
    return list(dict.fromkeys(forms))


def syllables(term: str) -> list[str]:
    """Toneless pinyin syllables of a Chinese term, one per character (熊掌 -> xiong, zhang); empty otherwise."""
    if not term or not all(is_cjk(c) for c in term):
        return []
    found = _SYLLABLES.get(term)
    return list(found) if len(found) == len(term) else []


def pinyin_initials(term: str) -> str:
    """Pinyin initials of a Chinese term (穿山甲 -> csj); empty if the term is not all Chinese."""
    if not term or not all(is_cjk(c) for c in term):
        return ""
    syllables = _SYLLABLES.get(term)
    if len(syllables) != len(term):
        return ""
    return "".join(s[0] for s in syllables if s)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))

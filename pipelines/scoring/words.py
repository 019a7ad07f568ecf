"""Whether an innocence word found in a listing is a word of its text or only its characters across two words:
口红 (lipstick) in 胸口红得发亮 is 胸口 + 红得, and says nothing about the goods.

The dictionary's word counts decide, as a unigram segmenter would, but only in the neighbourhood of the hit and
with the decisions made when the scorer is built: for every innocence word and every dictionary word that
crosses one of its edges (胸口 ends inside 口红, 红得 starts inside it), the crossing word wins when its
segmentation is likelier than the innocence word's (胸口|红 against 胸|口红: 2,299 x 14,915 against 2,284 x 90).
A noun the crossing word leaves at the end of the innocence word is still its head (山茶花|苗 is a seedling,
花苗), as Chinese compounds end in their head. Scoring then asks a dict for the few strings around a hit.
The words are jieba's dictionary (a dependency the homophone table reads already), not CC-CEDICT, which is
only a build-time dependency of the alias script.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import cache as disk_cache
from .clauses import breaks_clause
from .homophones import dictionary_words
from .payloads import FieldView

_VERSION = 1  # of the cached table
# at most this many characters of a crossing word lie outside the innocence word (胸 of 胸口 before 口红)
_OUTSIDE = 2
# the count given to an innocence word the dictionary lacks (南红, 手办): a word of the trade vocabulary, as
# common as a middling dictionary word; the lists name it because it is a word
_ABSENT_COUNT = 100
# a crossing word rarer than this is the dictionary's noise (names, phrases counted once or twice)
_MIN_COUNT = 5


class WordEdges:
    """The dictionary words that, where they stand across an innocence word's edge, make it no word of the text."""

    def __init__(self, words: Iterable[str], counts: Mapping[str, int], nouns: frozenset[str] = frozenset()) -> None:
        words = {w for w in words if len(w) > 1}
        prefixes: dict[str, list[str]] = {}
        suffixes: dict[str, list[str]] = {}
        for word in words:
            for k in range(1, len(word)):
                prefixes.setdefault(word[:k], []).append(word)
                suffixes.setdefault(word[k:], []).append(word)
        # "innocence word NUL the text around it with the crossing word" -> the crossing word
        crossing: dict[str, str] = {}

        def count(piece: str) -> int:
            return counts.get(piece, 0)

        for x, n in counts.items():
            if n < _MIN_COUNT or len(x) < 2:
                continue
            for j in range(1, min(len(x), _OUTSIDE + 1)):
                # x = a + p, p a proper prefix of the innocence word w = p + q: 胸 + 口 of 口红
                a, p = x[:j], x[j:]
                for w in prefixes.get(p, ()):
                    q = w[len(p) :]
                    if q in nouns:
                        continue  # 山茶花|苗 is still a seedling (花苗): the noun that ends a word is its head
                    if n * count(q) > count(a) * counts.get(w, _ABSENT_COUNT):
                        crossing.setdefault(f"{w}\x00{a}{w}", x)
            for j in range(len(x) - 1, max(0, len(x) - _OUTSIDE - 1), -1):
                # x = s + b, s a proper suffix of w = p + s: 红 + 得 after 口红
                s, b = x[:j], x[j:]
                for w in suffixes.get(s, ()):
                    p = w[: len(w) - len(s)]
                    if n * count(p) > counts.get(w, _ABSENT_COUNT) * count(b):
                        crossing.setdefault(f"{w}\x00{w}{b}", x)
        self._crossing = crossing

    @classmethod
    def of_dictionary(cls, words: Iterable[str]) -> WordEdges:
        """The crossing words of jieba's dictionary for these (folded) innocence words, from the on-disk cache
        when it has them (reading the dictionary takes about a second)."""
        words = sorted(set(words))
        name = "word-edges-" + disk_cache.key("word-edges", _VERSION, disk_cache.package_version("jieba"), words)
        data = disk_cache.read_json(name)
        edges = cls((), {})
        if isinstance(data, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            edges._crossing = data
            return edges
        rows = list(dictionary_words())
        nouns = frozenset(word for word, _count, tag in rows if tag.startswith("n") and tag != "nr")
        edges = cls(words, {word: count for word, count, _tag in rows}, nouns)
        disk_cache.write_json(name, edges._crossing)
        return edges

    def crossed(self, view: FieldView, start: int, end: int) -> str | None:
        """The dictionary word that crosses the edge of the innocence word at ``start:end`` of the folded text, if
        its segmentation is the likelier one and the original text writes it without a break (胸口 in 胸口红得)."""
        text = view.norm.text
        word = text[start:end]
        probe = self._crossing
        for outside in range(1, _OUTSIDE + 1):
            for lo, hi in ((start - outside, end), (start, end + outside)):
                if lo < 0 or hi > len(text):
                    continue
                found = probe.get(f"{word}\x00{text[lo:hi]}")
                if found is not None:
                    o_lo, o_hi = view.span(lo, hi)
                    if not any(breaks_clause(c) or c.isspace() for c in view.norm.original[o_lo:o_hi]):
                        return found
        return None


def _reading_as_last(char: str, phrases: Mapping[str, list[list[str]]], first: str) -> str:
    """The reading a character mostly has where it ends a word of pypinyin's phrases (打倒, 晕倒: dǎo), else its
    first reading: a generated phrase ends in it as those words do."""
    tally: dict[str, int] = {}
    for word, readings in phrases.items():
        if len(word) > 1 and word[-1] == char and len(readings) == len(word):
            tally[readings[-1][0]] = tally.get(readings[-1][0], 0) + 1
    return max(tally, key=lambda r: (tally[r], r)) if tally else first


class PhraseEnds:
    """Where a generated phrase (一粒倒, 吃了就死, 要什么名字) ends in a listing: not where its last character begins
    a dictionary word that reads that character otherwise than the phrase does (倒入 reads dào, to pour into:
    一粒倒入 鼠洞 pours, where 一粒倒 fells, dǎo). A word that reads it the phrase's way goes on telling it
    (吃了就倒下, 倒地), and the watchlists' own terms are never cut this way. The words are jieba's, their
    readings pypinyin's phrases (a word it lacks reads the character's first reading)."""

    def __init__(self, after: Mapping[str, Iterable[str]]) -> None:
        # the phrase's last character -> the characters after it that make it another word (倒 -> 入, 掉, 水)
        self._after = {char: tuple(sorted(rest, key=len, reverse=True)) for char, rest in after.items() if rest}

    @classmethod
    def of_phrases(cls, phrases: Iterable[str], any_reading: bool = False) -> PhraseEnds:
        """The words that cut these (folded) phrases short, from the on-disk cache when it has them; with
        ``any_reading``, every word their last character begins (色泽 cuts 鹤顶红色 short: the lustre of the casque,
        not the colour named after it)."""
        lasts = sorted({phrase[-1] for phrase in phrases if phrase})
        name = "phrase-ends-" + disk_cache.key(
            "phrase-ends",
            _VERSION,
            disk_cache.package_version("jieba"),
            disk_cache.package_version("pypinyin"),
            lasts,
            any_reading,
        )
        data = disk_cache.read_json(name)
        if isinstance(data, dict) and all(
            isinstance(v, list) and all(isinstance(w, str) for w in v) for v in data.values()
        ):  # a damaged table is made again
            return cls(data)
        from pypinyin import pinyin_dict
        from pypinyin.phrases_dict import phrases_dict

        firsts = {c: pinyin_dict.pinyin_dict.get(ord(c), "").split(",")[0] for c in lasts}
        own = {c: _reading_as_last(c, phrases_dict, firsts[c]) for c in lasts}
        after: dict[str, list[str]] = {c: [] for c in lasts}
        for word, count, _tag in dictionary_words():
            if count < _MIN_COUNT or not 1 < len(word) <= _OUTSIDE + 1 or word[0] not in own:
                continue
            readings = phrases_dict.get(word)
            reading = readings[0][0] if readings and len(readings) == len(word) else firsts[word[0]]
            if any_reading or (reading and reading != own[word[0]]):
                after[word[0]].append(word[1:])
        disk_cache.write_json(name, after)
        return cls(after)

    def crossed(self, view: FieldView, start: int, end: int) -> str | None:
        """The dictionary word the phrase at ``start:end`` of the folded text runs into at its end, written without
        a break (倒入 of 一粒倒入), if any."""
        text = view.norm.text
        rest = self._after.get(text[end - 1]) if end > start else None
        if not rest:
            return None
        for more in rest:
            if text.startswith(more, end):
                o_lo, o_hi = view.span(end - 1, end + len(more))
                if not any(breaks_clause(c) or c.isspace() for c in view.norm.original[o_lo:o_hi]):
                    return text[end - 1] + more
        return None

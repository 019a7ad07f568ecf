"""Regular expressions kept as the programs `re` compiled them to, so that a process makes them again without
parsing and compiling their text: the scorer's alternations of capture phrases (some 5,000 characters each) and
the canonical form's character classes (some 2,500 ranges each) took a third of loading a cached scorer.

A program is what `re` hands CPython's engine (`_sre.compile`: the text, flags, code and groups); the engine
checks a program before it runs it. One is kept only if it makes a pattern equal to the compiled one (the same
text, flags and code: `re.Pattern.__eq__`), and under ENGINE, which names the engine's format; a program the
engine refuses is compiled from its text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

from . import cache as disk_cache


def _module(name: str) -> Any:
    return importlib.import_module(name)


ENGINE = f"sre {_module('re._compiler')._sre.MAGIC}"


def program(pattern: re.Pattern[Any]) -> tuple[Any, ...] | None:
    """The arguments `re` gives `_sre.compile` for `pattern` (`re._compiler.compile`), or None if they do not
    make an equal pattern."""
    try:
        parsed = _module("re._parser").parse(pattern.pattern, pattern.flags)
        code = [int(op) for op in _module("re._compiler")._code(parsed, pattern.flags)]
        state = parsed.state
        indexgroup: list[str | None] = [None] * state.groups
        for group_name, index in state.groupdict.items():
            indexgroup[index] = group_name
        kept = (
            pattern.pattern, pattern.flags | state.flags, code, state.groups - 1, dict(state.groupdict),
            tuple(indexgroup),
        )  # fmt: skip
        return kept if from_program(*kept) == pattern else None
    except Exception:  # another engine's internals: the pattern is kept as its text
        return None


def from_program(
    text: str | bytes, flags: int, code: list[int], groups: int, groupindex: dict[str, int], indexgroup: Sequence[Any]
) -> re.Pattern[Any]:
    """A pattern made from its program (`program`), or compiled from its text if the engine refuses it."""
    try:
        pattern: re.Pattern[Any] = _module("re._compiler")._sre.compile(
            text, flags, code, groups, groupindex, tuple(indexgroup)
        )
    except (RuntimeError, TypeError, ValueError):
        return re.compile(text, flags)
    return pattern


def compile_kept(kind: str, texts: Sequence[str]) -> list[re.Pattern[str]]:
    """The patterns of `texts`, made from their programs as a cache entry of `kind` keeps them for these texts,
    else compiled, and their programs kept for the next process."""
    name = f"{kind}-" + disk_cache.key(kind, ENGINE, *texts)
    data = disk_cache.read_json(name)
    if isinstance(data, list) and len(data) == len(texts):
        try:
            patterns = [from_program(*kept) for kept in data]
            if [pattern.pattern for pattern in patterns] == list(texts):
                return patterns
        except (TypeError, ValueError):  # a damaged entry: compiled again
            pass
    patterns = [re.compile(text) for text in texts]
    kept = [program(pattern) for pattern in patterns]
    if all(entry is not None for entry in kept):
        disk_cache.write_json(name, kept)
    return patterns

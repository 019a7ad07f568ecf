"""Which of a model's n-grams occur in a text, and the sum of their weights: a trie walked by compiled code.

A sweep scores every listing with the model, so this runs as often as the rules do. Looking a listing's ~800
n-grams up one by one in Python, collecting an Aho-Corasick automaton's matches as Python tuples (and each
character as a string of its own), or walking the trie with a few dozen numpy operations per listing, each
cost about as much as the rules. Here the trie (a double array: ``base`` and ``check``) is walked from every
position of the text's code points by one function compiled with numba, which makes no Python object per
character or per match.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from numba import njit

_NO_STATE = -1  # ``check`` of a free cell: no state is its parent


class NgramIndex:
    """The n-grams given with their weights (numbered by their order in ``grams``), ready to be found in texts.

    A character no n-gram holds is number 0, state 0 is "no n-gram starts this way". A state is a cell of the
    double array; the child of state ``s`` on character ``c`` is cell ``base[s] + c`` when ``check`` of that
    cell is ``s``, else state 0 (``base`` of 0 and of every leaf is 0 and no cell's parent is 0 or a leaf, so
    walking on from state 0 or a leaf stays at 0).
    """

    def __init__(self, grams: Sequence[str], weights: Sequence[float]) -> None:
        if not all(grams) or len(grams) != len(weights):
            raise ValueError("one weight for each n-gram, and no empty n-gram")
        self.size = len(grams)
        self._weights = np.array(weights, dtype=np.float64)
        chars = sorted({char for gram in grams for char in gram})
        char_id = {char: number for number, char in enumerate(chars, start=1)}
        # up to the highest character an n-gram holds; any character above it is number 0 too
        self._char_ids = np.zeros(max(map(ord, chars), default=0) + 1, dtype=np.int32)
        for char, number in char_id.items():
            self._char_ids[ord(char)] = number
        prefixes = sorted({gram[:end] for gram in grams for end in range(1, len(gram) + 1)}, key=lambda p: (len(p), p))
        children: dict[str, list[int]] = {}
        for prefix in prefixes:
            if len(prefix) > 1:
                children.setdefault(prefix[:-1], []).append(char_id[prefix[-1]])
        state: dict[str, int] = {}
        first = [prefix for prefix in prefixes if len(prefix) == 1]
        for cell, prefix in enumerate(first, start=1):  # states of depth 1 take the first cells; cell 0 is unused
            state[prefix] = cell
        taken = bytearray(len(first) + 1)
        taken[:] = b"\x01" * len(taken)
        base: dict[int, int] = {}
        parent: dict[int, int] = {}
        free = len(first) + 1  # no cell below this one is free
        for prefix in prefixes:  # shortest first: a state has its cell before its children are placed
            kids = children.get(prefix)
            if not kids:
                continue
            offset = max(1, free - kids[0])
            while any(offset + kid < len(taken) and taken[offset + kid] for kid in kids):
                offset += 1
            end = offset + kids[-1] + 1
            if end > len(taken):
                taken.extend(bytes(end - len(taken)))
            own = state[prefix]
            base[own] = offset
            for kid in kids:
                taken[offset + kid] = 1
                parent[offset + kid] = own
                state[prefix + chars[kid - 1]] = offset + kid
            while free < len(taken) and taken[free]:
                free += 1
        cells = len(taken) + len(chars) + 1  # base + character never runs past the end
        self._base = np.zeros(cells, dtype=np.int32)
        self._check = np.full(cells, _NO_STATE, dtype=np.int32)
        for cell, offset in base.items():
            self._base[cell] = offset
        for cell, owner in parent.items():
            self._check[cell] = owner
        self._first = np.zeros(len(chars) + 1, dtype=np.int32)
        for prefix in first:
            self._first[char_id[prefix]] = state[prefix]
        # the number of the n-gram a state spells; ``size`` (never found) for a state that is only a prefix
        self._number = np.full(cells, self.size, dtype=np.int32)
        for number, gram in enumerate(grams):
            self._number[state[gram]] = number

    def find(self, text: str) -> tuple[float, npt.NDArray[np.intp]]:
        """The sum of the weights of the n-grams that occur in ``text`` (each once, however often it occurs) and
        their numbers, ascending."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        return _walk(codes, self._char_ids, self._first, self._base, self._check, self._number, self._weights)  # type: ignore[no-any-return]


@njit(cache=True, nogil=True)
def _walk(codes, char_ids, first, base, check, number, weights):  # type: ignore[no-untyped-def]
    """From each position, follow the trie as far as the text goes on spelling a prefix; every state passed
    that spells an n-gram is found. Compiled on first use (and cached beside this file)."""
    size = weights.shape[0]
    seen = np.zeros(size + 1, np.bool_)
    total = 0.0
    length = codes.shape[0]
    beyond = char_ids.shape[0]  # a character from here on is held by no n-gram (number 0)
    for start in range(length):
        code = codes[start]
        state = first[char_ids[code]] if code < beyond else 0
        end = start
        while state != 0:
            gram = number[state]
            if not seen[gram]:
                seen[gram] = True
                if gram < size:
                    total += weights[gram]
            end += 1
            if end == length:
                break
            code = codes[end]
            cell = base[state] + (char_ids[code] if code < beyond else 0)
            if check[cell] != state:
                break
            state = cell
    return total, np.flatnonzero(seen[:size])

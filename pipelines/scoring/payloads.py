"""What the matcher's patterns stand for (a term, an innocent phrase, a context signal) and the field a hit lies in:
the small records every part of the scorer passes around."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .fold_text import NormText

# signals of the talk of a trade: what capitals (RH, ＨＭ) need beside them
TALK = frozenset(("evasion", "trade", "provenance", "conceal"))
# the signals that speak of an animal or of hidden goods rather than of the sale (头骨, 活体, 野生, 懂的都懂):
# what undoes a listing's reading of a term as other goods, where a dealer's voice (私聊, 量大从优) does not
GOODS_EVIDENCE = frozenset(("provenance", "conceal", "part", "live", "english_live"))
# the label of a part named by its place on the animal (背甲, 前掌): its last character is the part
PLACED_PART = "placed"
YOUNG_PART = "young"  # the label of a young animal's word (崽子), a part of the trade pattern
# the label of a diagnostic mark ended in another head sellers use for it (铜钱纹 of 铜钱斑): the mark beside a part
REHEADED = "reheaded"
# the label of a pelt's ground colour and mark (黄底黑圈) shown beside a pelt: a diagnostic trait of its category
PELT_MARK = "pelt_mark"
WILD_KIND = "野"  # before a farmed animal's name, its wild kind (野兔, 野鸭)


def _by_fields(self: Any) -> tuple[Any, ...]:
    """Pickles a slotted dataclass as its fields, which its class's function of `_rebuilder` makes it from again:
    loading a cached scorer (tens of thousands of these) then takes a fraction of the time that dataclasses'
    generic __setstate__ does."""
    return _REBUILT[type(self)], tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class TermRef:
    category: str
    term: str
    rule: str
    weight: float
    code: bool
    ascii_start: bool
    ascii_end: bool
    requires: tuple[str, ...] = ()
    source: str | None = None  # a dictionary alias's provenance; a homophone's reading

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class Mask:
    category: str | None
    phrase: str

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str  # evasion, trade, suspicious, form, innocence, neutral
    label: str  # innocence kind or the signal kind
    category: str | None
    word: str
    ascii_start: bool
    ascii_end: bool

    __reduce__ = _by_fields


Payload = TermRef | Mask | Signal


def _rebuilder(cls: type) -> Callable[..., Any]:
    """A function of this module (so that a pickle names it) that makes an instance of the frozen slotted dataclass
    `cls` from its fields' values, each stored through its slot's descriptor, bound beforehand. The class's own
    __init__ stores each through `object.__setattr__` (a frozen class refuses assignment), which looks the field
    up again every time: a cached scorer's records are made again in two thirds of the time."""
    fields: tuple[str, ...] = cls.__dict__["__slots__"]
    setters = {f"_set_{field}": cls.__dict__[field].__set__ for field in fields}
    name = f"_rebuilt_{cls.__name__}"
    bound = ", ".join(f"{setter}={setter}" for setter in setters)
    stores = "".join(f"    _set_{field}(self, {field})\n" for field in fields)
    head = f"def {name}({', '.join(fields)}, *, _new=_new, _cls=_cls, {bound}):\n"
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    exec(f"{head}    self = _new(_cls)\n{stores}    return self\n", namespace)  # as dataclasses makes __init__
    function: Callable[..., Any] = namespace[name]
    function.__module__ = __name__
    globals()[name] = function
    return function


_REBUILT = {cls: _rebuilder(cls) for cls in (TermRef, Mask, Signal)}


@dataclass
class FieldView:
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

"""The unfair-clause watchlist as data: patterns of unfair format clauses (不公平格式条款) in three groups,
each with its legal basis and examples, and the lawful signals that mark a look-alike.

Patterns describe a clause's structure rather than list its phrasings: `terms` names the parties once
(`{user}`: 用户, 买家, 学员, 业主, 承租人 …; `{operator}`: 本公司, 平台, 主办方, 物业 …) so that one regex reads
"the operator may change at will" in every industry; `none` keeps a pattern from firing where the sentence
turns the duty around (平台不得…); `amount` fires only on a charge out of proportion to what it is charged on.

Validated like the listing watchlists: the schema by pydantic, then every pattern's `examples` must score as
unfair and its `lawful_examples` must not (`check_watchlist`); errors name the file, the line and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import InputFileError, describe_validation_error

GROUPS = ("exempt_liability", "add_obligation", "exclude_rights")
Group = Literal["exempt_liability", "add_obligation", "exclude_rights"]
SHIPPED_WATCHLIST = Path(__file__).resolve().parent / "unfair_clauses.yaml"
TERM = re.compile(r"\{([a-z_]+)\}")  # {user}; never a quantifier such as {0,8}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regexes(values: list[str]) -> list[str]:
    for value in values:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"bad regex {value!r}: {error}") from error
    return values


class GroupSpec(_Model):
    name_zh: str
    name_en: str


class AmountCheck(_Model):
    """When a charge is out of proportion (《民法典》第五百八十五条): a one-off share of the price, a daily rate
    above the lawful late-payment rate, a multiple of the price, several months' rent or fees, or the whole price
    kept as a charge."""

    min_percent: float = Field(default=20, gt=0, description="A one-off charge of at least this share (%).")
    max_daily_percent: float = Field(default=0.05, gt=0, description="A daily rate above this (%) is excessive.")
    min_multiple: float = Field(default=2, gt=1, description="A charge of this many times the price or more.")
    whole_amount: bool = Field(default=True, description="The whole price or payment kept as a charge.")
    min_months: float = Field(
        default=3, gt=1, description="A charge of this many months' rent or fees or more (租期 charges)."
    )


class ClausePattern(_Model):
    """One kind of unfair clause. It fires when one of `any` and every one of `all` match one sentence of the
    clause, none of `none` does, and, with `amount`, the sentence names a charge out of proportion."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: Group
    name_zh: str
    name_en: str
    weight: int = Field(ge=1, le=100)
    any: list[str] = Field(min_length=1)
    all: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list, description="Wording that turns the sentence around.")
    amount: AmountCheck | None = None
    basis: list[str] = Field(min_length=1, description="Articles of the law this kind of clause offends.")
    examples: list[str] = Field(min_length=1, description="Clauses that must score as unfair.")
    lawful_examples: list[str] = Field(default_factory=list, description="Look-alikes that must not.")

    _check_any = field_validator("any")(classmethod(lambda cls, v: _regexes(v)))
    _check_all = field_validator("all")(classmethod(lambda cls, v: _regexes(v)))
    _check_none = field_validator("none")(classmethod(lambda cls, v: _regexes(v)))


class LawfulSignal(_Model):
    """Wording that keeps or grants the user's rights (提前七日公示, 依法承担, 可随时取消): lowers the score."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str
    points: int = Field(le=-1, ge=-100)
    not_with: list[str] = Field(
        default_factory=list,
        description="Patterns it does not answer: where one fired, the signal does not count (a fee shown in advance"
        " may still be out of proportion).",
    )
    note_zh: str
    note_en: str

    _check = field_validator("pattern")(classmethod(lambda cls, v: _regexes([v])[0]))


class ClauseWatchlist(_Model):
    threshold: int = Field(ge=1, le=100)
    extra_hit_points: int = Field(default=10, ge=0, le=50, description="Added for each further pattern that fires.")
    groups: dict[Group, GroupSpec]
    terms: dict[str, str] = Field(default_factory=dict, description="{name} in a regex stands for this regex.")
    loanwords: dict[str, str] = Field(
        default_factory=dict, description="English words in Chinese terms (refund, fee) read as their Chinese."
    )
    patterns: list[ClausePattern] = Field(min_length=1)
    lawful_signals: list[LawfulSignal] = Field(default_factory=list)

    @field_validator("groups")
    @classmethod
    def _all_groups(cls, value: dict[str, GroupSpec]) -> dict[str, GroupSpec]:
        missing = [group for group in GROUPS if group not in value]
        if missing:
            raise ValueError(f"groups missing: {', '.join(missing)}")
        return value

    @field_validator("patterns")
    @classmethod
    def _unique(cls, value: list[ClausePattern]) -> list[ClausePattern]:
        seen: set[str] = set()
        for pattern in value:
            if pattern.id in seen:
                raise ValueError(f"pattern id {pattern.id!r} given twice")
            seen.add(pattern.id)
        return value

    @model_validator(mode="after")
    def _terms_known(self) -> ClauseWatchlist:
        for pattern in self.patterns:
            for regex in [*pattern.any, *pattern.all, *pattern.none]:
                _regexes([self.expand(regex)])
        known = {pattern.id for pattern in self.patterns}
        for signal in self.lawful_signals:
            _regexes([self.expand(signal.pattern)])
            unknown = [name for name in signal.not_with if name not in known]
            if unknown:
                raise ValueError(f"signal {signal.id!r}: not_with names no pattern: {', '.join(unknown)}")
        return self

    def expand(self, regex: str) -> str:
        """The regex with every `{name}` of `terms` put in; an unknown name is an error."""

        def term(found: re.Match[str]) -> str:
            if found.group(1) not in self.terms:
                raise ValueError(f"unknown term {{{found.group(1)}}} in {regex!r}")
            return f"(?:{self.terms[found.group(1)]})"

        return TERM.sub(term, regex)


def _line_of(path: Path, text: str, error: ValidationError) -> int | None:
    """The line of the first pattern named in the error (patterns.N), found in the YAML's node marks."""
    location = error.errors()[0]["loc"]
    if len(location) < 2 or location[0] not in ("patterns", "lawful_signals"):
        return None
    try:
        root = yaml.compose(text)
        if root is None:
            return None
        for key, value in root.value:
            if key.value == location[0]:
                return int(value.value[int(location[1])].start_mark.line) + 1
    except (yaml.YAMLError, AttributeError, IndexError, TypeError, ValueError):
        return None
    return None


def load_clause_watchlist(path: Path | None = None) -> ClauseWatchlist:
    """Read and validate the watchlist (default: the shipped one)."""
    path = path or SHIPPED_WATCHLIST
    try:
        text = Path(path).read_text(encoding="utf-8")
        data: Any = yaml.safe_load(text)
    except OSError as error:
        raise InputFileError(path, f"cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputFileError(path, "not valid YAML", mark.line + 1 if mark else None) from error
    if not isinstance(data, dict):
        raise InputFileError(path, "a clause watchlist must be a mapping")
    try:
        return ClauseWatchlist.model_validate(data)
    except ValidationError as error:
        raise InputFileError(path, describe_validation_error(error), _line_of(Path(path), text, error)) from error


def check_examples(scorer: Any) -> list[str]:
    """Every pattern's example that does not score unfair, and every lawful example that does."""
    problems = []
    for pattern in scorer.watchlist.patterns:
        for example in pattern.examples:
            if not scorer.score(example).unfair:
                problems.append(f"{pattern.id}: example not scored unfair / 示例未判为不公平: {example}")
        for example in pattern.lawful_examples:
            if scorer.score(example).unfair:
                problems.append(f"{pattern.id}: lawful example scored unfair / 合法示例被判为不公平: {example}")
    return problems

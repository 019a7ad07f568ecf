"""Scoring of clauses against the unfair-clause watchlist, with an explanation of every point.

A clause is read with traditional characters as simplified and English loanwords (refund, fee) as their
Chinese, and scored sentence by sentence (split at 。！？ and before a numbered item of a list), because a
lawful context (依法, 提前七日通知, 因本公司原因…全额退款) only answers the restriction it stands beside:
a refund promised in one sentence does not excuse a penalty in the next. In a sentence, a pattern fires when
one of its `any` regexes and all of its `all` regexes match, none of its `none` regexes does and, with
`amount`, a charge is out of proportion. The sentence's score is the strongest fired pattern's weight, plus
`extra_hit_points` for each further pattern, minus the points of every lawful signal found there (a signal
before a turn, 但, 但是 or 除此之外, that leads into the restriction is taken back by it; a signal right after
a negation or inside quotation marks does not count), kept within 0..100; the clause takes its
highest-scoring sentence, with that sentence's explanation. A clause at or above the threshold is unfair;
its group and legal basis are the strongest pattern's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scoring.fold_text import to_simplified
from .clauses import normalise
from .watchlist import AmountCheck, ClausePattern, ClauseWatchlist, load_clause_watchlist

# after NFKC folding ！？；（） are ASCII, 。 stays; a ; that leads into a numbered item (；12.3, ；(二), ；2、)
# ends a sentence too: the items of a list are separate terms, and a right granted in one does not answer another
SENTENCE_END = re.compile(
    r"(?<=[。!?])|(?<=;)(?=\d+(?:\.\d+)+(?![\d%])|\d+[、)]|\(\d+\)|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)"
)
TURN = re.compile(r"但是?|然而|不过|除此(之|以)?外")  # 除此之外: what was granted before is all there is
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』")
# a lawful signal right after a negation is its opposite: 无需经业主大会同意, 不全额退款, 未依法通知, and after a
# duty denied: 无义务将泄露情况告知
NEGATED = re.compile(r"(无需|无须|毋须|不必|不需|不经|未经|不|未|无|(没有|无|不负有|不承担)[^。;,]{0,2}义务)$")
_CN_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_NUMBER = r"[\d.]+|[零〇一二两三四五六七八九十]+"
RATE = re.compile(rf"(百分之|千分之|万分之)({_NUMBER})|(\d+(?:\.\d+)?)%|(?<=的)(一半|半数)")  # 日租金的一半: 50%
MULTIPLE = re.compile(r"([\d.]+|[一二两三四五六七八九十双]+)倍")
MONTHS = re.compile(rf"({_NUMBER})个月的?(租金|服务费|管理费|会费|月费|费用|工资)")
YEARS = re.compile(rf"({_NUMBER})年的?(租金|服务费|管理费|会费|中介费|年费|费用)")  # 一年的中介费: twelve months
WHOLE_AMOUNT = re.compile(
    r"(支付|扣除|收取|扣|没收|缴清|付清|交清|补交|补缴)[^。;,]{0,8}(全部|全额|全款)|(全部|全额)[^。;]{0,10}作为"
    r"|按[^。;,]{0,4}全部[^。;,]{0,6}(利息|租金|费用|价款|款项|团款|房费)|(全额|全部)(扣除|扣收|没收)"
)
# a cap in money right after the share (…的20%收取违约金，最高不超过300元) bounds the charge
CAPPED = re.compile(r"[^。;]{0,12}((最高|最多|上限为?|封顶)(不超过|不高于)?|不超过|不高于)[^。;,]{0,3}[\d,]+元")
# 每逾期一日，应向甲方支付应付款项千分之三: the day may stand a comma before the rate
DAILY = re.compile(
    r"(每(逾期|迟延|延迟|超期)[^。;,]{0,4}?[一1]?[日天]|每(逾期)?[一1]?[日天]|按日|日(利率|费率|息))[^。;]{0,18}$"
)
# a multiple of the whole contract (合同总额一倍) is a share of it, however small the multiple
WHOLE_BASE = re.compile(r"(总额|总价|总金额|合同金额|合同价款|全部价款)[^。;,]{0,2}$")
# …and a rate of what the user gets back (退还50%学费) is a refund, unless a deduction comes first (退还时扣除30%)
NOT_A_CHARGE = re.compile(
    r"(上浮|下浮|上调|下调|不超过|不高于|最高(?![日月]?收费|标准|档)|最多|返还|补贴)[^。;,]{0,8}$|(折扣|优惠|减免)[^。;,]?$"
    r"|(退还|退回)[^。;,扣收付罚]{0,6}$"
)


def chinese_number(text: str) -> float | None:
    """50, 0.5, 三, 二十, 十五, 五十 → the number (up to 99 in words); anything else None."""
    try:
        return float(text)
    except ValueError:
        pass
    if "十" in text:
        tens, _, units = text.partition("十")
        value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
        return float(value)
    if len(text) == 1 and text in _CN_DIGITS:
        return float(_CN_DIGITS[text])
    return None


def excessive_charge(sentence: str, check: AmountCheck) -> tuple[str, int] | None:
    """The wording of a charge out of proportion in the sentence (a share, a daily rate, a multiple, months of
    rent or fees, the whole amount), the limit it passes (in the clause's own
    notation, as the explanation quotes the clause) and where it ends, or None. Rates after
    上浮, 不超过, 优惠 … qualify something else (an interest rate, a cap, a discount) and are not charges."""
    for found in RATE.finditer(sentence):
        before = sentence[max(0, found.start() - 14) : found.start()]
        if NOT_A_CHARGE.search(before) or CAPPED.match(sentence, found.end()):
            continue
        daily = bool(DAILY.search(sentence[max(0, found.start() - 24) : found.start()]))
        if found.group(4):
            percent = 50.0
        elif found.group(3):
            percent = float(found.group(3))
        else:
            number = chinese_number(found.group(2))
            if number is None:
                continue
            percent = number * {"百分之": 1.0, "千分之": 0.1, "万分之": 0.01}[found.group(1)]
        if daily and percent > check.max_daily_percent:
            return f"{found.group(0)} > {check.max_daily_percent:g}%/日", found.end()
        if not daily and percent >= check.min_percent:
            return f"{found.group(0)} ≥ {check.min_percent:g}%", found.end()
    for found in MULTIPLE.finditer(sentence):
        before = sentence[max(0, found.start() - 14) : found.start()]
        number = 2.0 if found.group(1) == "双" else chinese_number(found.group(1))
        if number is None or NOT_A_CHARGE.search(before):
            continue
        if number >= check.min_multiple:
            return f"{found.group(0)} ≥ {check.min_multiple:g}倍", found.end()
        if WHOLE_BASE.search(before) and number * 100 >= check.min_percent:
            return f"{found.group(0)} ≥ {check.min_percent:g}%", found.end()
    for found in MONTHS.finditer(sentence):
        months = chinese_number(found.group(1))
        if months is not None and months >= check.min_months:
            return f"{found.group(0)} ≥ {check.min_months:g}个月", found.end()
    for found in YEARS.finditer(sentence):
        years = chinese_number(found.group(1))
        if years is not None and years * 12 >= check.min_months:
            return f"{found.group(0)} ≥ {check.min_months:g}个月", found.end()
    if check.whole_amount:
        whole = WHOLE_AMOUNT.search(sentence)
        if whole:
            return f"{whole.group(0)}（全额）", whole.end()
    return None


@dataclass(frozen=True)
class ClauseResult:
    score: int
    unfair: bool
    group: str | None
    basis: list[str]
    explanation: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unfair": self.unfair,
            "group": self.group,
            "score": self.score,
            "basis": self.basis,
            "explanation": self.explanation,
        }


def _compile(pattern: str) -> re.Pattern[str]:
    """Patterns are folded like the clauses they match, so a full-width ，or ； in a pattern still matches."""
    return re.compile(unicodedata.normalize("NFKC", pattern))


def sentences(clause: str) -> list[str]:
    return [part for part in SENTENCE_END.split(clause) if part.strip()] or [clause]


def _first_match(patterns: list[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found
    return None


class ClauseScorer:
    """Scores one clause at a time; build it once with `ClauseScorer.load()`."""

    def __init__(self, watchlist: ClauseWatchlist) -> None:
        self.watchlist = watchlist
        self.threshold = watchlist.threshold
        expand = watchlist.expand
        self._patterns = [
            (
                spec,
                [_compile(expand(r)) for r in spec.any],
                [_compile(expand(r)) for r in spec.all],
                [_compile(expand(r)) for r in spec.none],
            )
            for spec in watchlist.patterns
        ]
        self._signals = [(signal, _compile(expand(signal.pattern))) for signal in watchlist.lawful_signals]
        words = sorted(watchlist.loanwords, key=len, reverse=True)  # non-refundable before refund
        self._loanwords = (
            re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None,
            {word.lower(): chinese for word, chinese in watchlist.loanwords.items()},
        )

    @classmethod
    def load(cls, path: Path | None = None) -> ClauseScorer:
        return cls(load_clause_watchlist(path))

    def group_name(self, group: str | None, lang: str = "zh") -> str:
        spec = self.watchlist.groups.get(group) if group else None  # type: ignore[call-overload]
        if spec is None:
            return ""
        return str(spec.name_zh if lang == "zh" else spec.name_en)

    def score(self, text: str) -> ClauseResult:
        scored = [self._score_sentence(sentence) for sentence in sentences(self._read(text))]
        score, fired, explanation = max(scored, key=lambda sentence: (sentence[0], bool(sentence[1])))
        unfair = score >= self.threshold
        top = fired[0][0] if fired else None
        return ClauseResult(
            score=score,
            unfair=unfair,
            group=top.group if top and unfair else None,
            basis=list(top.basis) if top and unfair else [],
            explanation=explanation,
        )

    def _read(self, text: str) -> str:
        """The clause as the patterns read it: full-width forms folded, whitespace removed, traditional characters
        as simplified, English loanwords (refund, fee) as their Chinese."""
        text = to_simplified(normalise(text))
        pattern, chinese = self._loanwords
        return pattern.sub(lambda found: chinese[found.group(0).lower()], text) if pattern else text

    def _fires(
        self,
        sentence: str,
        spec: ClausePattern,
        any_of: list[re.Pattern[str]],
        all_of: list[re.Pattern[str]],
        none_of: list[re.Pattern[str]],
    ) -> tuple[str, int] | None:
        """What the pattern matched in the sentence and where it ends, or None when it does not fire there."""
        matched = _first_match(any_of, sentence)
        if matched is None or not all(p.search(sentence) for p in all_of) or any(p.search(sentence) for p in none_of):
            return None
        if spec.amount is not None:
            return excessive_charge(sentence, spec.amount)
        return matched.group(0), matched.end()

    def _score_sentence(self, sentence: str) -> tuple[int, list[tuple[ClausePattern, str]], list[dict[str, Any]]]:
        fired: list[tuple[ClausePattern, str]] = []
        last_end = 0
        for spec, any_of, all_of, none_of in self._patterns:
            hit = self._fires(sentence, spec, any_of, all_of, none_of)
            if hit is not None:
                fired.append((spec, hit[0]))
                last_end = max(last_end, hit[1])
        fired.sort(key=lambda hit: -hit[0].weight)
        explanation: list[dict[str, Any]] = []
        points = 0
        for position, (spec, matched) in enumerate(fired):
            gained = spec.weight if position == 0 else self.watchlist.extra_hit_points
            points += gained
            explanation.append(
                {
                    "rule": spec.id,
                    "group": spec.group,
                    "name_zh": spec.name_zh,
                    "name_en": spec.name_en,
                    "matched": matched,
                    "points": gained,
                    "basis": spec.basis,
                }
            )
        # a lawful context before a turn (但, 但是 …) that leads to the restriction is taken back by it:
        # 用户可申请退款，但须支付30%手续费 stays unfair; 概不退换，但质量问题除外 does not
        turn = max((t.end() for t in TURN.finditer(sentence, 0, last_end)), default=0)
        # wording in quotation marks is a name or a slogan (承诺的“不过全额退费”), not a commitment of the clause
        quoted = [q.span() for q in QUOTED.finditer(sentence)]
        fired_ids = {spec.id for spec, _ in fired}
        for signal, pattern in self._signals:
            if fired_ids & set(signal.not_with):
                continue
            found = pattern.search(sentence, turn)
            if found and NEGATED.search(sentence, 0, found.start()):
                found = None
            if found and any(start <= found.start() < end for start, end in quoted):
                found = None
            if found and fired:
                points += signal.points
                explanation.append(
                    {
                        "rule": signal.id,
                        "group": None,
                        "name_zh": signal.note_zh,
                        "name_en": signal.note_en,
                        "matched": found.group(0),
                        "points": signal.points,
                        "basis": [],
                    }
                )
        return max(0, min(100, points)), fired, explanation

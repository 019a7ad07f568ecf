"""What the store keeps of a scraped price and posted time, read with the ecosystem's parsers.

Prices go through price-parser (locale separators, signs and codes) and are stored as a number and an ISO 4217
code; times go through dateparser (absolute, relative, Chinese and Russian forms, Unix seconds and milliseconds)
and are stored in UTC. The normalise pipeline and `tradewatch platforms check` both use these functions, so what
`check` shows is what a sweep stores. A value neither parser understands is kept as it was found beside an
empty parsed field, and counted as `unparsed`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from price_parser._currencies import CurrencyInfo

# Signs several currencies share, read the way a Chinese bureau reads them unless the profile's `currency`
# is one of the currencies that use the sign.
PREFERRED = {"¥": "CNY", "￥": "CNY", "$": "USD", "£": "GBP", "kr": "SEK", "R$": "BRL", "₽": "RUB"}
# Signs price-parser does not know (Chinese units, the rouble written out) or reads as no currency (US$).
EXTRA_SIGNS = {
    "元": "CNY", "块": "CNY", "人民币": "CNY", "RMB": "CNY", "руб": "RUB", "₽": "RUB",
    "NT$": "TWD", "US$": "USD", "HK$": "HKD",
}  # fmt: skip
_EXTRA_SIGN = re.compile("|".join(re.escape(sign) for sign in sorted(EXTRA_SIGNS, key=len, reverse=True)))
MAX_DATE_CHARS = 200  # a posted time is short; longer text is page noise and slow to try every language on
MAX_RAW_CHARS = 200  # raw text kept beside an unread value; a real price or time is far shorter
_DIGITS = re.compile(r"^\d{9,14}(?:\.\d+)?$")  # Unix seconds (9-10 digits) or milliseconds (12-13)


@cache
def iso_currency_codes() -> frozenset[str]:
    """Babel's ISO 4217 codes, imported on first use (a sweep of plain prices never needs them)."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@cache
def _currencies() -> dict[str, CurrencyInfo]:
    """price-parser's table of currencies (its package's import compiles a dozen regular expressions)."""
    from price_parser._currencies import CURRENCIES

    return CURRENCIES


@cache
def _codes_by_sign() -> dict[str, tuple[str, ...]]:
    """Every sign price-parser knows, with the ISO 4217 codes that use it."""
    found: dict[str, set[str]] = {}
    for code, info in _currencies().items():
        if code not in iso_currency_codes():
            continue
        for sign in (info["s"], info["sn"], *info.get("sn2", [])):
            found.setdefault(sign, set()).add(code)
    return {sign: tuple(sorted(codes)) for sign, codes in found.items()}


@lru_cache(maxsize=512)
def currency_code(sign: str | None, fallback: str | None = None) -> str | None:
    """The ISO 4217 code of a currency sign or code as a page shows it; `fallback` (the profile's) otherwise."""
    text = (sign or "").strip().rstrip(".")
    if not text:
        return fallback
    preferred = PREFERRED.get(text)
    if preferred is not None and fallback in (None, preferred):
        return preferred  # what the tables below answer (no preferred sign is a code), without loading them
    return _code_from_tables(text, fallback)


def _code_from_tables(text: str, fallback: str | None) -> str | None:
    """`currency_code` of a stripped, non-empty sign, read from Babel's codes and price-parser's signs."""
    if text.upper() in iso_currency_codes():
        return text.upper()
    if text in EXTRA_SIGNS:
        return EXTRA_SIGNS[text]
    codes = _codes_by_sign().get(text) or ()
    if fallback and (fallback in codes or _written_with(fallback, text)):
        return fallback
    if text in PREFERRED:
        return PREFERRED[text]
    if len(codes) == 1:
        return codes[0]
    return fallback


def _written_with(code: str, sign: str) -> bool:
    """Whether the currency's own sign ends with this bare sign ('NT$' and '$', 'CN¥' and '¥')."""
    info = _currencies().get(code)
    signs = (info["s"], info["sn"], *info.get("sn2", [])) if info else ()
    return not sign.isalnum() and any(own.endswith(sign) for own in signs)


@dataclass(frozen=True)
class StoredPrice:
    amount: float | None
    currency: str | None


def parse_price(raw: Any, fallback_currency: str | None = None) -> StoredPrice:
    """'€ 15,90' -> 15.9 EUR, '12 500 ₽' -> 12500 RUB, 'R$ 1.299,00' -> 1299 BRL; no number: amount None."""
    if raw is None or raw == "":
        return StoredPrice(None, None)
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return StoredPrice(float(raw), fallback_currency)
    text = str(raw)
    plain = _PLAIN_PRICE.fullmatch(text)
    if plain is not None:  # read as price-parser reads it, without its dozen regular expressions
        sign = plain.group(1)
        return StoredPrice(float(text[len(sign) :]), currency_code(sign or None, fallback_currency))
    return read_price_text(text, fallback_currency)


# Most listings show a price as a sign and a plain number (`¥1366.90`, `￥380`, `12800`): whole units without
# separators and at most two decimals (three would be read as thousands: price-parser reads `¥1.299` as 1299).
_PLAIN_PRICE = re.compile(r"([¥￥$]?)(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,2})?")


def read_price_text(text: str, fallback_currency: str | None = None) -> StoredPrice:
    """A price as price-parser reads it, with the signs it does not know (`元`, `RMB`, `руб`) read as well."""
    from price_parser import Price

    extra = _EXTRA_SIGN.search(text)
    price = Price.fromstring(text.replace(extra.group(0), " ") if extra else text)
    if price.amount is None or price.amount < 0 or not price.amount.is_finite():
        return StoredPrice(None, None)
    sign = extra.group(0) if extra and not price.currency else price.currency
    return StoredPrice(float(price.amount), currency_code(sign, fallback_currency))


def parse_posted(raw: Any, timezone: str, now: datetime | None = None) -> datetime | None:
    """A posted time as an aware UTC datetime, or None when it cannot be read.

    ISO 8601 and Unix seconds or milliseconds are read directly; everything else (`2010-03-02, 9:15AM EST`,
    `3天前`, `昨天 21:05`, `3 июня в 14:05`) by dateparser, relative to `now` (the fetch time) and with times
    without an offset taken in `timezone`.
    """
    if raw is None or raw == "":
        return None
    zone = ZoneInfo(timezone)
    if isinstance(raw, datetime):
        return (raw if raw.tzinfo else raw.replace(tzinfo=zone)).astimezone(UTC)
    text = str(raw).strip()
    if _DIGITS.match(text):
        seconds = float(text) / (1000 if len(text.split(".")[0]) > 11 else 1)
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, ValueError, OSError):
            return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None:
        return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
    from dateparser.date import DateDataParser

    base = (now or datetime.now(UTC)).astimezone(zone).replace(tzinfo=None)
    settings = {"TIMEZONE": timezone, "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True}
    parser = DateDataParser(settings={**settings, "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    try:
        found = parser.get_date_data(text[:MAX_DATE_CHARS])
    except (ValueError, OverflowError, TypeError):
        return None
    return found.date_obj.astimezone(UTC) if found.date_obj else None


@dataclass(frozen=True)
class StoredValues:
    """A listing's price, currency and posted time as the store keeps them, and the raw text it could not read."""

    price: float | None
    currency: str | None
    posted_at: datetime | None
    price_raw: str | None = None  # kept only when the price could not be read
    posted_raw: str | None = None  # kept only when the posted time could not be read

    @property
    def unparsed(self) -> list[str]:
        """The fields that had text but no value could be read from it."""
        return [name for name, raw in (("price", self.price_raw), ("posted_at", self.posted_raw)) if raw]


def _raw(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text[:MAX_RAW_CHARS] or None


def read_values(
    fields: Mapping[str, Any], *, default_currency: str | None, timezone: str, now: datetime | None = None
) -> StoredValues:
    """Read `price` (with `currency` when the page shows it apart) and `posted_at` of scraped fields."""
    fallback = currency_code(_raw(fields.get("currency")), default_currency)
    price = parse_price(fields.get("price"), fallback)
    posted = parse_posted(fields.get("posted_at"), timezone, now)
    return StoredValues(
        price=price.amount,
        currency=price.currency if price.amount is not None else None,
        posted_at=posted,
        price_raw=_raw(fields.get("price")) if price.amount is None else None,
        posted_raw=_raw(fields.get("posted_at"))
        if posted is None and not isinstance(fields.get("posted_at"), datetime)
        else None,
    )

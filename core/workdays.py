"""Working-day arithmetic for verification deadlines (线索核查期限): weekends, public holidays, 调休 days.

Public holidays and adjusted working days come from `chinese-calendar` (the State Council's yearly notices,
kept up to date by that package: upgrade it each year). A bureau adds its own local rest days, or working
days, in `TRADEWATCH_HOME/holidays.yaml`:

    holidays: [2026-06-12]      # local days off, on top of the national ones
    workdays: []                # extra working days
    known_years: [2027]         # years this file fully describes (a notice newer than the package)

A date in a year neither knows is counted by weekends only; `WorkCalendar.knows` tells, so callers warn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from core.config import get_settings
from core.errors import InputFileError

BUREAU_TIMEZONE = "Asia/Shanghai"  # the bureau's calendar: deadlines, reports, the scheduler's times
BUREAU_TZ = timezone(timedelta(hours=8), BUREAU_TIMEZONE)  # China has no daylight saving time
OVERRIDE_FILE = "holidays.yaml"
VERIFICATION_WORKING_DAYS = 15
EXTENSION_WORKING_DAYS = 15
# an open lead due within this many working days is "due soon" (stats, reports, the deadline job)
DUE_SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days at the bureau."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    known_years: frozenset[int] | None = None  # None: every year is known (a test calendar)

    @classmethod
    def of(
        cls, holidays: Iterable[date] = (), workdays: Iterable[date] = (), known_years: Iterable[int] | None = None
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays), None if known_years is None else frozenset(known_years))

    def knows(self, day: date) -> bool:
        """Whether the calendar holds the holidays of `day`'s year (else only weekends are counted)."""
        return self.known_years is None or day.year in self.known_years

    @property
    def last_known_day(self) -> date | None:
        """The last day of the last known year (None when every year is known)."""
        return date(max(self.known_years), 12, 31) if self.known_years else None

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The date of the `days`-th working day after `start` (the start day itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, left = start, days
        while left:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current


def local_date(moment: datetime) -> date:
    """The bureau's calendar date of an aware UTC moment."""
    return moment.astimezone(BUREAU_TZ).date()


def _dates(path: Path, raw: object, key: str) -> list[date]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputFileError(path, f"`{key}` must be a list of dates (YYYY-MM-DD)")
    days = []
    for value in raw:
        if isinstance(value, date):
            days.append(value)
            continue
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            raise InputFileError(path, f"`{key}`: {value!r} is not a date (YYYY-MM-DD)") from None
    return days


def national_calendar() -> WorkCalendar:
    """China's public holidays and adjusted working days for the years `chinese-calendar` knows."""
    from chinese_calendar import constants

    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    return WorkCalendar.of(constants.holidays, constants.workdays, years)


def _years(path: Path, raw: object) -> list[int]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(year, int) and 1900 < year < 2200 for year in raw):
        raise InputFileError(path, "`known_years` must be a list of years (2027)")
    return list(raw)


def load_calendar(path: Path | None = None) -> WorkCalendar:
    """The national calendar with the bureau's own days from `path` (default TRADEWATCH_HOME/holidays.yaml)."""
    national = national_calendar()
    if path is None:
        path = get_settings().resolved_home / OVERRIDE_FILE
        if not path.is_file():
            return national
    import yaml  # only for a bureau's own file: most commands find none

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InputFileError(path, f"cannot read the holiday calendar: {error}") from None
    if not isinstance(data, dict):
        raise InputFileError(path, "expected a mapping with `holidays`, `workdays` and `known_years`")
    holidays = _dates(path, data.get("holidays"), "holidays")
    workdays = _dates(path, data.get("workdays"), "workdays")
    known = set(national.known_years or ()) | set(_years(path, data.get("known_years")))
    return WorkCalendar.of(
        (national.holidays - set(workdays)) | set(holidays), (national.workdays - set(holidays)) | set(workdays), known
    )

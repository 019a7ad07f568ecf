"""Working-day arithmetic for verification deadlines (线索核查期限): weekends, public holidays, 调休 days.

The calendar is a YAML file with two lists of ISO dates: `holidays` (days off that would otherwise be working
days) and `workdays` (weekend days that are working days, 调休). `TRADEWATCH_HOME/holidays.yaml` replaces the
shipped default (`core/holidays_cn.yaml`, China's public holidays as announced by the State Council).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml

from core.config import get_settings
from core.errors import InputFileError

BUREAU_TIMEZONE = "Asia/Shanghai"  # the bureau's calendar: deadlines, reports, the scheduler's times
BUREAU_TZ = timezone(timedelta(hours=8), BUREAU_TIMEZONE)  # China has no daylight saving time
DEFAULT_CALENDAR = Path(__file__).resolve().parent / "holidays_cn.yaml"
VERIFICATION_WORKING_DAYS = 15
EXTENSION_WORKING_DAYS = 15


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days at the bureau."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays))

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


def load_calendar(path: Path | None = None) -> WorkCalendar:
    """The calendar from `path`, else TRADEWATCH_HOME/holidays.yaml if present, else the shipped default."""
    if path is None:
        custom = get_settings().resolved_home / "holidays.yaml"
        path = custom if custom.is_file() else DEFAULT_CALENDAR
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InputFileError(path, f"cannot read the holiday calendar: {error}") from None
    if not isinstance(data, dict):
        raise InputFileError(path, "expected a mapping with `holidays` and `workdays`")
    return WorkCalendar.of(
        _dates(path, data.get("holidays"), "holidays"), _dates(path, data.get("workdays"), "workdays")
    )

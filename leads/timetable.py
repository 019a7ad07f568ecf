"""The bureau's timetable (`TRADEWATCH_HOME/schedule.yaml`): its schema, how it is read and validated, and the
scheduled jobs it and the campaigns with a cron describe (`JobSpec`).

Times are the bureau's (`core.workdays.BUREAU_TIMEZONE`). Whether a nightly sweep's platforms and watchlist
exist is checked by the caller's functions (`check_platforms`, `search_terms`): platform profiles and
watchlists belong to the crawl side, which the lead store does not import.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from sqlmodel import Session, col, select

from core.config import get_settings
from core.errors import InputFileError, TradewatchError, describe_validation_error
from core.workdays import BUREAU_TIMEZONE, DUE_SOON_WORKING_DAYS
from leads.db import get_engine
from leads.models import Campaign

TIMEZONE = ZoneInfo(BUREAU_TIMEZONE)
TIMETABLE_FILE = "schedule.yaml"
DEFAULT_MISFIRE_GRACE_HOURS = 20.0
SCHEDULER_ACTOR = "scheduler"  # who scheduled jobs act as in the audit trail
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")

# check_platforms(names) -> names, raising ValueError for an unknown one
PlatformCheck = Callable[[list[str]], list[str]]
# search_terms(watchlist, categories, timetable_path) -> terms, raising TradewatchError
SearchTerms = Callable[[str, list[str], Path | None], list[str]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class When(_Strict):
    """When a job runs: `time: "02:00"` every day, or `cron: "30 2 * * mon-fri"` (minute hour day month weekday).

    Times are the bureau's (`BUREAU_TIMEZONE`). In APScheduler's cron, weekday numbers start at Monday = 0;
    use names (mon-fri).
    """

    time: str | None = Field(default=None, description="HH:MM (or HH:MM:SS), every day.")
    cron: str | None = Field(default=None, description="Five-field cron expression.")
    enabled: bool = True

    @field_validator("time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(str(value)):
            raise ValueError(f"时间 {value!r} 不是 HH:MM（24 小时制） / time {value!r} is not HH:MM (24-hour clock)")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                check_cron(value)
            except ValueError as error:
                raise ValueError(f"定时表达式 {value!r} 无效 / {error}") from None
        return value

    @model_validator(mode="after")
    def _one(self) -> When:
        if bool(self.time) == bool(self.cron):
            raise ValueError("time（HH:MM）和 cron 须且只能给一个 / give exactly one of time (HH:MM) or cron")
        return self

    def trigger(self, *, start: datetime | None = None, end: datetime | None = None) -> Any:
        from apscheduler.triggers.cron import CronTrigger

        if self.cron:
            return cron_trigger(self.cron, start=start, end=end)
        match = _TIME.match(str(self.time))
        assert match is not None
        hour, minute, second = match.group(1), match.group(2), match.group(3) or "0"
        return CronTrigger(
            hour=int(hour), minute=int(minute), second=int(second), timezone=TIMEZONE, start_date=start, end_date=end
        )

    def describe(self) -> str:
        return f"每天 daily {self.time}" if self.time else f"cron {self.cron}"


def check_cron(expression: str) -> str:
    """The expression if APScheduler accepts it, else ValueError naming what is wrong."""
    try:
        cron_trigger(expression)
    except (ValueError, TypeError) as error:
        raise ValueError(f"bad cron {expression!r}: {error}") from None
    return expression


def cron_trigger(expression: str, *, start: datetime | None = None, end: datetime | None = None) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    fields = str(expression).split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=weekday,
        timezone=TIMEZONE,
        start_date=start,
        end_date=end,
    )


class NightlySweep(When):
    """The nightly sweep of every watched platform."""

    platforms: list[str] = Field(min_length=1, description="Installed platform profiles.")
    keywords: list[str] = Field(default_factory=list, description="Search terms.")
    watchlist: str | None = Field(
        default=None, description="Also search a watchlist's search terms (name, e.g. wildlife, or a file)."
    )
    categories: list[str] = Field(default_factory=list, description="Only these categories of the watchlist.")
    feeds: list[str] = Field(
        default_factory=list, description="Feeds of the profiles to sweep too (category pages, newest, sitemaps)."
    )
    all_feeds: bool = Field(default=False, description="Sweep every feed of each platform's profile too.")
    budget: int | None = Field(default=None, ge=1, description="Requests per platform at most (default: profile's).")
    max_pages: int | None = Field(default=None, ge=1, le=1000)
    timeout_minutes: float = Field(default=180, gt=0, description="A sweep running longer is stopped as failed.")

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: list[str], info: ValidationInfo) -> list[str]:
        check: PlatformCheck | None = (info.context or {}).get("check_platforms")
        return check(value) if check is not None else list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _something_to_search(self) -> NightlySweep:
        if not self.keywords and not self.watchlist and not self.feeds and not self.all_feeds:
            raise ValueError(
                "须给出关键词（keywords）或词表（watchlist），或订阅源（feeds） / "
                "give keywords or a watchlist to search for, or feeds to sweep"
            )
        return self


class Team(_Strict):
    """An officer team and how many leads it takes into its queue per day."""

    name: str = Field(min_length=1)
    categories: list[str] = Field(
        default_factory=list, description="Category ids or families it handles; empty: everything."
    )
    daily_capacity: int | None = Field(default=None, ge=0, description="Leads queued per day; none: no limit.")

    def handles(self, category: str | None) -> bool:
        if not self.categories:
            return True
        category = category or ""
        return any(category == wanted or category.startswith(f"{wanted}.") for wanted in self.categories)


class FeedJob(When):
    """Move `new` leads into the verification queue, best first, up to each team's daily capacity."""

    min_score: int | None = Field(default=None, ge=0, le=100, description="Default: the lead threshold.")
    daily_capacity: int | None = Field(default=None, ge=0, description="Without teams: leads queued per day.")
    teams: list[Team] = Field(default_factory=list)

    @model_validator(mode="after")
    def _teams(self) -> FeedJob:
        names = [team.name for team in self.teams]
        if len(set(names)) != len(names):
            raise ValueError("小组名称不能重复 / team names must be unique")
        if self.teams and self.daily_capacity is not None:
            raise ValueError(
                "daily_capacity 要么按小组给出，要么不分小组给一个 / give daily_capacity per team, or one "
                "daily_capacity without teams"
            )
        return self


class DeadlineJob(When):
    due_soon_working_days: int = Field(default=DUE_SOON_WORKING_DAYS, ge=0, le=30)


class RecheckJob(When):
    limit: int = Field(default=200, ge=1, le=10_000, description="Listings re-checked per run.")
    min_age_hours: float = Field(default=20, ge=0, description="Skip listings checked more recently.")
    timeout_minutes: float = Field(default=60, gt=0)


class ReportJob(When):
    pass


class RulesSweepJob(When):
    """The sweep of the platforms' rules pages (`tradewatch rules sweep`), weekly: `cron: "0 3 * * mon"`."""

    platforms: list[str] = Field(default_factory=list, description="Default: every platform with rules_pages.")
    timeout_minutes: float = Field(default=30, gt=0)

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: list[str], info: ValidationInfo) -> list[str]:
        check: PlatformCheck | None = (info.context or {}).get("check_platforms")
        return check(value) if check is not None else list(dict.fromkeys(value))


class RetrainJob(When):
    labels: list[str] = Field(default_factory=list, description="Labelled JSONL files added to the verdicts.")
    dev_rows: bool = Field(
        default=True, description="Learn from the shipped labelled set's dev part too, as the seed model did."
    )


class Timetable(_Strict):
    """The scheduler's configuration file (`TRADEWATCH_HOME/schedule.yaml`)."""

    timezone: str = BUREAU_TIMEZONE
    misfire_grace_hours: float = Field(
        default=DEFAULT_MISFIRE_GRACE_HOURS,
        gt=0,
        le=7 * 24,
        description="How late a missed run may still start (the machine was off at its time).",
    )
    base_url: str | None = Field(default=None, description="Point every platform at another host (the demo market).")
    nightly_sweep: NightlySweep | None = None
    feed: FeedJob | None = None
    deadlines: DeadlineJob | None = None
    rechecks: RecheckJob | None = None
    daily_report: ReportJob | None = None
    retrain: RetrainJob | None = None
    rules_sweep: RulesSweepJob | None = None
    source: str | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _bureau_timezone(cls, value: str) -> str:
        if value != BUREAU_TIMEZONE:
            raise ValueError(
                f"排班表使用本局时间，timezone 必须是 {BUREAU_TIMEZONE} / the timetable's times are the bureau's: "
                f"timezone must be {BUREAU_TIMEZONE}"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/]+", value):
            raise ValueError("base_url 必须是 http(s) 网址 / base_url must be an http(s) URL")
        return value


def default_timetable_path() -> Path:
    return get_settings().resolved_home / TIMETABLE_FILE


def parse_timetable(
    data: Any,
    path: Path | str,
    *,
    check_platforms: PlatformCheck | None = None,
    search_terms: SearchTerms | None = None,
) -> Timetable:
    """The timetable in `data`, validated; with the checks given, its platforms and watchlist too."""
    if not isinstance(data, dict):
        raise InputFileError(path, "排班表必须是键值映射 / the timetable must be a mapping of jobs")
    try:
        timetable = Timetable.model_validate(
            {**data, "source": str(path)}, context={"check_platforms": check_platforms}
        )
    except ValidationError as error:
        raise InputFileError(path, describe_validation_error(error, whole="(timetable)", bilingual=True)) from None
    except TradewatchError as error:  # a platform profile that does not load
        raise InputFileError(path, str(error)) from None
    sweep = timetable.nightly_sweep
    if search_terms is not None and sweep is not None and sweep.watchlist:
        try:
            search_terms(sweep.watchlist, sweep.categories, Path(path))
        except TradewatchError as error:
            raise InputFileError(path, _bilingual_field("nightly_sweep.watchlist", str(error))) from None
    return timetable


def _bilingual_field(field: str, message: str) -> str:
    """`field: reason` with a bilingual reason kept bilingual as a whole line ("字段：中文 / field: English")."""
    zh, separator, en = message.partition(" / ")
    if separator and any("\u3400" <= ch <= "\u9fff" for ch in zh):
        return f"{field}：{zh} / {field}: {en}"
    return f"{field}: {message}"


def load_timetable(
    path: Path | None = None,
    *,
    check_platforms: PlatformCheck | None = None,
    search_terms: SearchTerms | None = None,
) -> Timetable:
    """Read and validate the timetable; errors name the file, the field and the reason."""
    path = Path(path) if path is not None else default_timetable_path()
    if not path.is_file():
        raise InputFileError(
            path, "没有排班表文件 / no timetable file (see README: 'Scheduling and campaigns' for an example)"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputFileError(path, f"无法读取（{error.strerror}） / cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputFileError(path, "不是 UTF-8 文本 / not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputFileError(path, "不是有效的 YAML / not valid YAML", mark.line + 1 if mark else None) from None
    return parse_timetable(data, path, check_platforms=check_platforms, search_terms=search_terms)


@dataclass
class JobSpec:
    """One scheduled job: its id, what it does and when."""

    id: str
    title: str
    trigger: Any
    description: str
    kind: str
    campaign: str | None = None
    signature: str = ""

    def kwargs(self, timetable_path: str | None) -> dict[str, Any]:
        return {"job_id": self.id, "timetable_path": timetable_path, "signature": self.signature}


def _signature(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


# Each job's name in Chinese and English: the English is the command line's message id, the Chinese its
# translation in the catalogue (tests/test_report.py holds the two to each other); the report shows both.
JOB_NAMES: dict[str, tuple[str, str]] = {
    "nightly-sweep": ("夜间巡查", "Nightly sweep"),
    "feed": ("线索入队", "Feed the verification queue"),
    "deadlines": ("期限检查", "Deadline check"),
    "rechecks": ("商品复查", "Re-check listings"),
    "daily-report": ("日报", "Daily report"),
    "retrain": ("重新训练模型", "Retrain the bureau's model"),
    "rules-sweep": ("平台规则监测", "Platform rules sweep"),
}
CAMPAIGN_JOB_NAME = ("专项行动 {name}", "Campaign {name}")  # the job of a campaign with a cron
CAMPAIGN_JOB_PREFIX = "campaign:"


def job_name(job_id: str) -> tuple[str, str] | None:
    """The job's name in Chinese and English; None for a job id the timetable does not make."""
    if job_id in JOB_NAMES:
        return JOB_NAMES[job_id]
    if job_id.startswith(CAMPAIGN_JOB_PREFIX):
        name = job_id.removeprefix(CAMPAIGN_JOB_PREFIX)
        zh, en = CAMPAIGN_JOB_NAME
        return zh.format(name=name), en.format(name=name)
    return None


def job_title(job_id: str) -> str:
    """The job's name as one bilingual line (`夜间巡查 / Nightly sweep`), or its id for one the timetable does
    not make."""
    name = job_name(job_id)
    return f"{name[0]} / {name[1]}" if name else job_id


def _local_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0, 0), TIMEZONE) if day else None


def _local_end(day: date | None) -> datetime | None:
    return datetime.combine(day, time(23, 59, 59), TIMEZONE) if day else None


def campaign_spec(campaign: Campaign) -> JobSpec | None:
    """The job of a campaign with a cron and still open; None otherwise."""
    cron = getattr(campaign, "cron", None)
    if not cron or getattr(campaign, "status", "open") != "open":
        return None
    trigger = cron_trigger(cron, start=_local_start(campaign.starts_on), end=_local_end(campaign.ends_on))
    return JobSpec(
        id=f"{CAMPAIGN_JOB_PREFIX}{campaign.name}",
        title=job_title(f"{CAMPAIGN_JOB_PREFIX}{campaign.name}"),
        trigger=trigger,
        description=f"cron {cron}, {campaign.starts_on or '…'} – {campaign.ends_on or '…'}",
        kind="campaign",
        campaign=campaign.name,
        signature=_signature(
            cron,
            campaign.starts_on,
            campaign.ends_on,
            campaign.keywords,
            campaign.platforms,
            campaign.max_pages,
            *([list(campaign.feeds)] if getattr(campaign, "feeds", None) else []),
        ),
    )


def timetable_specs(timetable: Timetable) -> list[JobSpec]:
    specs = []
    entries: list[tuple[str, When | None]] = [
        ("nightly-sweep", timetable.nightly_sweep),
        ("feed", timetable.feed),
        ("deadlines", timetable.deadlines),
        ("rechecks", timetable.rechecks),
        ("daily-report", timetable.daily_report),
        ("retrain", timetable.retrain),
        ("rules-sweep", timetable.rules_sweep),
    ]
    for job_id, entry in entries:
        if entry is None or not entry.enabled:
            continue
        specs.append(
            JobSpec(
                id=job_id,
                title=job_title(job_id),
                trigger=entry.trigger(),
                description=entry.describe(),
                kind=job_id,
                signature=_signature(entry.model_dump(), timetable.base_url),
            )
        )
    return specs


def campaign_specs(session: Session) -> list[JobSpec]:
    campaigns = session.exec(select(Campaign).order_by(col(Campaign.name)))
    return [spec for spec in (campaign_spec(campaign) for campaign in campaigns) if spec is not None]


def all_specs(timetable: Timetable) -> list[JobSpec]:
    with Session(get_engine()) as session:
        return timetable_specs(timetable) + campaign_specs(session)


def find_spec(job_id: str, timetable: Timetable) -> JobSpec:
    for spec in all_specs(timetable):
        if spec.id == job_id:
            return spec
    known = ", ".join(spec.id for spec in all_specs(timetable)) or "none"
    raise TradewatchError(f"没有该任务 / no job {job_id!r} in the timetable (jobs: {known})")

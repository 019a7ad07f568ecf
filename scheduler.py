"""The bureau's timetable: nightly sweeps, campaign sweeps, feeding the verification queue, deadlines, re-checks
and the daily report, run by APScheduler 3.x.

How it holds together:

- The timetable is a YAML file, `TRADEWATCH_HOME/schedule.yaml` (see `Timetable`), validated before anything
  runs; campaigns with a cron come from the lead store (`tradewatch campaign create ... --cron`).
- `run_forever()` starts a `BlockingScheduler` in the bureau's timezone whose jobs live in a SQLAlchemy job store in
  the lead database. Jobs coalesce, run one instance at a time, and have a misfire grace long enough that a
  nightly sweep missed while the machine was off runs once when it is back.
- Jobs kept in the store are not re-added at start (re-adding would forget a missed run); a job is replaced
  only when its timetable entry changed.
- Every job records itself in `JobRun` under its scheduled time (`slot`): a slot runs at most once, whatever
  happens to the processes.
- Only one scheduler drives a store: `SchedulerLock` is a file lock beside a SQLite database, or a
  PostgreSQL advisory lock held on its own connection. A second scheduler refuses with a clear message.
- Every crawl runs in a child process (`runners.sweep.run_sweep`, `runners.recheck.run_rechecks`). A child that
  dies is recorded as a failed crawl run and the scheduler goes on.

The job functions take the moment as an argument (`now=`) and the module clock is `now()`, so tests drive
the real APScheduler with a controlled clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from loguru import logger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.config import get_settings
from core.errors import InputFileError, TradewatchError, describe_validation_error
from core.workdays import BUREAU_TIMEZONE
from leads.db import get_engine, run_write
from leads.models import Campaign, CrawlRun
from leads.schedule_models import JobRun

TIMEZONE = ZoneInfo(BUREAU_TIMEZONE)
TIMETABLE_FILE = "schedule.yaml"
JOBSTORE_TABLE = "apscheduler_jobs"
DEFAULT_MISFIRE_GRACE_HOURS = 20.0
CAMPAIGN_REFRESH_SECONDS = 300
SCHEDULER_ACTOR = "scheduler"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
PACKAGED_WATCHLISTS = Path(__file__).resolve().parent / "pipelines" / "watchlists"


def now() -> datetime:
    """The scheduler's clock (aware UTC). Tests replace it together with APScheduler's."""
    return datetime.now(UTC)


class SchedulerBusy(TradewatchError):
    """Another scheduler already drives this store."""

    exit_code = 6


# ------------------------------------------------------------------------------------------------ timetable


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
            raise ValueError(f"time {value!r} is not HH:MM (24-hour clock)")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            check_cron(value)
        return value

    @model_validator(mode="after")
    def _one(self) -> When:
        if bool(self.time) == bool(self.cron):
            raise ValueError("give exactly one of time (HH:MM) or cron")
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
    max_pages: int | None = Field(default=None, ge=1, le=1000)
    timeout_minutes: float = Field(default=180, gt=0, description="A sweep running longer is stopped as failed.")

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: list[str]) -> list[str]:
        return check_platforms(value)

    @model_validator(mode="after")
    def _something_to_search(self) -> NightlySweep:
        if not self.keywords and not self.watchlist:
            raise ValueError("give keywords or a watchlist to search for")
        return self


class Team(_Strict):
    """An officer team and how many leads it takes into its queue per day."""

    name: str = Field(min_length=1)
    categories: list[str] = Field(
        default_factory=list, description="Category ids or families it handles; empty: everything."
    )
    daily_capacity: int | None = Field(default=None, ge=0, description="Leads queued per day; none: no limit.")
    members: list[str] = Field(
        default_factory=list, description="Officers of the team: they may claim its `new` leads by hand."
    )

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
            raise ValueError("team names must be unique")
        if self.teams and self.daily_capacity is not None:
            raise ValueError("give daily_capacity per team, or one daily_capacity without teams")
        return self


class DeadlineJob(When):
    due_soon_working_days: int = Field(default=3, ge=0, le=30)


class RecheckJob(When):
    limit: int = Field(default=200, ge=1, le=10_000, description="Listings re-checked per run.")
    min_age_hours: float = Field(default=20, ge=0, description="Skip listings checked more recently.")
    timeout_minutes: float = Field(default=60, gt=0)


class ReportJob(When):
    pass


class RetrainJob(When):
    labels: list[str] = Field(default_factory=list, description="Labelled JSONL files added to the verdicts.")


class RulesSweepJob(When):
    """The sweep of the platforms' rules pages (`tradewatch rules sweep`), weekly: `cron: "0 3 * * mon"`."""

    platforms: list[str] = Field(default_factory=list, description="Default: every platform with rules_pages.")
    timeout_minutes: float = Field(default=30, gt=0)

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: list[str]) -> list[str]:
        return check_platforms(value)


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
            raise ValueError(f"the timetable's times are the bureau's: timezone must be {BUREAU_TIMEZONE}")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/]+", value):
            raise ValueError("base_url must be an http(s) URL")
        return value


def check_platforms(names: list[str]) -> list[str]:
    """The names, if each is an installed platform profile (and the profile is valid)."""
    from crawler.profiles import available_profiles, load_profile

    known = available_profiles()
    for name in names:
        if name not in known:
            raise ValueError(f"unknown platform {name!r} (known: {', '.join(known) or 'none'})")
        load_profile(name)
    return list(dict.fromkeys(names))


def default_timetable_path() -> Path:
    return get_settings().resolved_home / TIMETABLE_FILE


def parse_timetable(data: Any, path: Path | str) -> Timetable:
    if not isinstance(data, dict):
        raise InputFileError(path, "排班表必须是键值映射 / the timetable must be a mapping of jobs")
    try:
        timetable = Timetable.model_validate({**data, "source": str(path)})
    except ValidationError as error:
        raise InputFileError(path, describe_validation_error(error, whole="(timetable)")) from None
    except TradewatchError as error:  # a platform profile that does not load
        raise InputFileError(path, str(error)) from None
    if timetable.nightly_sweep and timetable.nightly_sweep.watchlist:
        try:
            watchlist_terms(timetable.nightly_sweep.watchlist, timetable.nightly_sweep.categories, base=Path(path))
        except TradewatchError as error:
            raise InputFileError(path, f"nightly_sweep.watchlist: {error}") from None
    return timetable


def load_timetable(path: Path | None = None) -> Timetable:
    """Read and validate the timetable; errors name the file, the field and the reason."""
    path = Path(path) if path is not None else default_timetable_path()
    if not path.is_file():
        raise InputFileError(
            path, "没有排班表文件 / no timetable file (see README: 'Scheduling and campaigns' for an example)"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputFileError(path, f"cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputFileError(path, "not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputFileError(path, "not valid YAML", mark.line + 1 if mark else None) from None
    return parse_timetable(data, path)


def watchlist_terms(name: str, categories: list[str] | None = None, *, base: Path | None = None) -> list[str]:
    """The search terms of a watchlist (its categories' `search_terms`), optionally of some categories only."""
    candidates = [Path(name)]
    if base is not None:
        candidates.append(base.parent / name)
    home = get_settings().resolved_home / "watchlists"
    candidates += [home / f"{name}.yaml", PACKAGED_WATCHLISTS / f"{name}.yaml"]
    path = next(
        (candidate for candidate in candidates if candidate.suffix in (".yaml", ".yml") and candidate.is_file()), None
    )
    if path is None:
        raise TradewatchError(f"未知监测清单 / unknown watchlist {name!r}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise TradewatchError(f"cannot read watchlist {path}: {error}") from None
    wanted = [category for category in categories or [] if category]
    terms: list[str] = []
    for category in data.get("categories", []) or []:
        ident = str(category.get("id", ""))
        if wanted and not any(ident == w or ident.startswith(f"{w}.") for w in wanted):
            continue
        terms += [str(term) for term in category.get("search_terms", []) or []]
    if not terms:
        raise TradewatchError(
            f"监测清单 {name} 没有检索词 / watchlist {name!r} has no search terms for {wanted or 'any'}"
        )
    return list(dict.fromkeys(terms))


# ------------------------------------------------------------------------------------------------- the lock


@dataclass
class SchedulerLock:
    """Held while a scheduler drives the store; `acquire` refuses when another process holds it."""

    url: str
    _file: Any = None
    _connection: Any = None
    path: Path | None = None

    PG_KEY = 0x7477_7363  # "twsc"

    def acquire(self) -> SchedulerLock:
        if self.url.startswith("sqlite"):
            self._acquire_file()
        elif self.url.startswith("postgresql"):
            self._acquire_pg()
        else:
            raise TradewatchError(f"unsupported database for the scheduler lock: {self.url.split(':', 1)[0]}")
        return self

    def _acquire_file(self) -> None:
        import fcntl

        from sqlalchemy import make_url

        database = make_url(self.url).database or ""
        if not database or database == ":memory:":
            raise TradewatchError("the scheduler needs a database file, not an in-memory SQLite")
        self.path = Path(database).with_name(Path(database).name + ".scheduler.lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held open while the lock is held)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise SchedulerBusy(
                f"另一个调度器已在运行该数据库 / another scheduler is already running against this store "
                f"({holder}; lock file {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        self._file = handle

    def _acquire_pg(self) -> None:
        from sqlalchemy import text

        connection = get_engine(self.url).connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.PG_KEY}).scalar()
        connection.commit()
        if not got:
            holder = connection.execute(
                text(
                    "SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a "
                    "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted LIMIT 1"
                ),
                {"key": self.PG_KEY},
            ).first()
            connection.close()
            who = f"server pid {holder[0]}, connected {holder[2]:%Y-%m-%d %H:%M}" if holder else "unknown session"
            raise SchedulerBusy(
                f"另一个调度器已在运行该数据库 / another scheduler is already running against this store ({who})"
            )
        self._connection = connection

    def release(self) -> None:
        if self._file is not None:
            import fcntl

            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            from sqlalchemy import text

            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.PG_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> SchedulerLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


# --------------------------------------------------------------------------------------------- job records


def last_fire_time(trigger: Any, moment: datetime) -> datetime:
    """The trigger's latest scheduled time at or before `moment` (the slot a run at `moment` belongs to)."""
    moment = moment.astimezone(TIMEZONE)
    for window in (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=40)):
        fire = trigger.get_next_fire_time(None, moment - window)
        latest = None
        while fire is not None and fire <= moment:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest.astimezone(UTC)
    return moment.replace(second=0, microsecond=0).astimezone(UTC)


def claim_slot(job_id: str, slot: datetime, *, started: datetime, engine: Engine | None = None) -> int | None:
    """Record that `job_id` runs for `slot`; None when that slot already ran (or is running) elsewhere."""

    def work(session: Session) -> int | None:
        existing = session.exec(select(JobRun).where(JobRun.job_id == job_id, JobRun.slot == slot)).first()
        if existing is not None:
            return None
        run = JobRun(job_id=job_id, slot=slot, started_at=started)
        session.add(run)
        session.flush()
        return run.id

    try:
        return run_write(work, engine=engine or get_engine(), attempts=3)
    except IntegrityError:
        return None


def finish_slot(run_id: int, *, outcome: str, details: dict[str, Any], error: str | None = None) -> None:
    def work(session: Session) -> None:
        run = session.get(JobRun, run_id)
        if run is None:
            return
        run.finished_at = now()
        run.outcome = outcome
        run.details = json.loads(json.dumps(details, ensure_ascii=False, default=str))
        run.error = error
        session.add(run)

    run_write(work)


def job_runs(session: Session, *, job_id: str | None = None, limit: int = 50) -> list[JobRun]:
    statement = select(JobRun).order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc()).limit(limit)
    if job_id:
        statement = statement.where(JobRun.job_id == job_id)
    return list(session.exec(statement))


# -------------------------------------------------------------------------------------------------- jobs


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


JOB_TITLES = {
    "nightly-sweep": "夜间巡查 / nightly sweep",
    "feed": "线索入队 / feed the verification queue",
    "deadlines": "期限检查 / deadline check",
    "rechecks": "复查商品 / re-check listings",
    "daily-report": "日报 / daily report",
    "retrain": "重新训练模型 / retrain the bureau's model",
    "rules-sweep": "平台规则监测 / platform rules sweep",
}


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
        id=f"campaign:{campaign.name}",
        title=f"专项行动 / campaign {campaign.name}",
        trigger=trigger,
        description=f"cron {cron}, {campaign.starts_on or '…'} – {campaign.ends_on or '…'}",
        kind="campaign",
        campaign=campaign.name,
        signature=_signature(
            cron, campaign.starts_on, campaign.ends_on, campaign.keywords, campaign.platforms, campaign.max_pages
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
                title=JOB_TITLES[job_id],
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


def execute(job_id: str, timetable_path: str | None = None, signature: str = "", **_: Any) -> dict[str, Any]:
    """What APScheduler runs: the job `job_id` for its current slot, once. Never raises (the scheduler goes on)."""
    started = now()
    try:
        timetable = load_timetable(Path(timetable_path) if timetable_path else None)
        spec = find_spec(job_id, timetable)
    except TradewatchError as error:
        logger.error("job {} cannot run: {}", job_id, error)
        return {"outcome": "failed", "error": str(error)}
    slot = last_fire_time(spec.trigger, started)
    run_id = claim_slot(job_id, slot, started=started)
    if run_id is None:
        logger.info("job {} already ran for {}; skipped", job_id, slot.astimezone(TIMEZONE))
        return {"outcome": "skipped", "slot": slot}
    logger.info("job {} starts (scheduled for {})", job_id, slot.astimezone(TIMEZONE).isoformat())
    try:
        details = run_job(spec, timetable, now=started)
    except Exception as error:  # every failure is recorded; the scheduler carries on with the next job
        logger.exception("job {} failed: {}", job_id, error)
        finish_slot(
            run_id, outcome="failed", details={}, error=str(error).splitlines()[0] if str(error) else repr(error)
        )
        return {"outcome": "failed", "error": str(error)}
    outcome = "failed" if details.get("failed") else "ok"
    finish_slot(run_id, outcome=outcome, details=details, error=details.get("error"))
    logger.info("job {} finished: {} {}", job_id, outcome, _summary(details))
    return {"outcome": outcome, **details}


def _summary(details: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in details.items() if not isinstance(v, list | dict)}, ensure_ascii=False, default=str
    )


def run_job(spec: JobSpec, timetable: Timetable, *, now: datetime) -> dict[str, Any]:
    """Run one job's work now (no slot bookkeeping): `tradewatch schedule run-job` and `execute` use it."""
    if spec.kind == "nightly-sweep":
        assert timetable.nightly_sweep is not None
        entry = timetable.nightly_sweep
        keywords = list(entry.keywords)
        if entry.watchlist:
            base = Path(timetable.source) if timetable.source else None
            keywords += watchlist_terms(entry.watchlist, entry.categories, base=base)
        return sweep_job(
            platforms=entry.platforms,
            keywords=list(dict.fromkeys(keywords)),
            campaign=None,
            max_pages=entry.max_pages,
            base_url=timetable.base_url,
            timeout=entry.timeout_minutes * 60,
        )
    if spec.kind == "campaign":
        from leads.campaigns import get_campaign

        with Session(get_engine()) as session:
            campaign = get_campaign(session, spec.campaign or "")
        return sweep_job(
            platforms=list(campaign.platforms),
            keywords=list(campaign.keywords),
            campaign=campaign.name,
            max_pages=campaign.max_pages,
            base_url=timetable.base_url,
            timeout=None,
        )
    if spec.kind == "feed":
        from leads.feed import FeedSettings, feed_queue

        assert timetable.feed is not None
        result = feed_queue(FeedSettings.from_job(timetable.feed), now=now)
        return result.summary()
    if spec.kind == "deadlines":
        from leads.deadlines import check_deadlines

        assert timetable.deadlines is not None
        report = check_deadlines(now=now, working_days=timetable.deadlines.due_soon_working_days)
        return report.summary()
    if spec.kind == "rechecks":
        from runners.recheck import run_rechecks

        assert timetable.rechecks is not None
        entry_r = timetable.rechecks
        summary = run_rechecks(
            limit=entry_r.limit,
            min_age=timedelta(hours=entry_r.min_age_hours),
            base_url=timetable.base_url,
            now=now,
            timeout=entry_r.timeout_minutes * 60,
        )
        return summary
    if spec.kind == "daily-report":
        from core.workdays import local_date
        from leads.reports import write_daily_report

        path = write_daily_report(local_date(now))
        return {"report": str(path)}
    if spec.kind == "retrain":
        assert timetable.retrain is not None
        base = Path(timetable.source).parent if timetable.source else Path.cwd()
        return retrain_job([base / path for path in timetable.retrain.labels])
    if spec.kind == "rules-sweep":
        from runners.rules import rules_sweep_job

        assert timetable.rules_sweep is not None
        entry_s = timetable.rules_sweep
        return rules_sweep_job(entry_s.platforms, base_url=timetable.base_url, timeout=entry_s.timeout_minutes * 60)
    raise TradewatchError(f"unknown job kind {spec.kind!r}")


def retrain_job(label_files: list[Path]) -> dict[str, Any]:
    """Train a new model on every verdict; put it in use only when its cross-validated figures are not worse
    than those of the model in use. The `note` says what happened (the daily report shows it)."""
    from pipelines.model.lifecycle import TooFewLabels, train

    try:
        trained = train(officer=SCHEDULER_ACTOR, label_files=label_files, use=True, refuse_worse=True)
    except TooFewLabels as error:
        return {
            "trained": False,
            "note": f"标注太少，未训练（确认 {error.positive}，排除 {error.negative}）/ too few labels to train "
            f"({error.positive} confirmed, {error.negative} dismissed)",
        }
    f1 = (trained.data.get("cross_validation") or {}).get("f1")
    details: dict[str, Any] = {
        "trained": True,
        "version": trained.version,
        "in_use": trained.in_use,
        "refused": trained.refused,
        "labels": trained.data["labels"]["total"],
        "f1": f1,
    }
    if trained.refused:
        from pipelines.model.registry import read

        old_f1 = (read(trained.previous).get("cross_validation") or {}).get("f1") if trained.previous else None
        details["note"] = (
            f"新模型第 {trained.version} 版交叉验证 F1 {f1} 低于在用第 {trained.previous} 版的 {old_f1}，未替换 / "
            f"new model {trained.version}'s cross-validated F1 {f1} is worse than {old_f1} of version "
            f"{trained.previous} in use: not replaced"
        )
    else:
        details["note"] = f"第 {trained.version} 版已启用（F1 {f1}）/ version {trained.version} in use (F1 {f1})"
    return details


def sweep_job(
    *,
    platforms: list[str],
    keywords: list[str],
    campaign: str | None,
    max_pages: int | None,
    base_url: str | None,
    timeout: float | None,
) -> dict[str, Any]:
    """One sweep in a child process. A child that fails is recorded as failed crawl runs; never raises for it."""
    from crawler.sweep_params import SweepParams
    from runners.sweep import SweepRequest, run_sweep

    request = SweepRequest(
        platforms=platforms,
        params=SweepParams(keywords=keywords, campaign=campaign, max_pages=max_pages),
        base_url=base_url,
    )
    started = now()
    with Session(get_engine()) as session:
        before = session.exec(select(CrawlRun.id).order_by(col(CrawlRun.id).desc()).limit(1)).first() or 0
    try:
        result = run_sweep(request, timeout=timeout)
    except TradewatchError as error:
        message = str(error)
        logger.error("sweep failed: {}", message)
        run_ids = record_failed_sweep(
            platforms=platforms, keywords=keywords, campaign=campaign, after_id=before, started=started, error=message
        )
        return {"failed": True, "error": message.splitlines()[0], "run_ids": run_ids}
    with Session(get_engine()) as session:
        runs = [session.get(CrawlRun, run_id) for run_id in result.run_ids]
    outcomes = {run.platform: run.outcome for run in runs if run is not None}
    return {"run_ids": result.run_ids, "outcomes": outcomes, "log": str(result.log_file)}


def record_failed_sweep(
    *,
    platforms: list[str],
    keywords: list[str],
    campaign: str | None,
    after_id: int,
    started: datetime,
    error: str,
) -> list[int]:
    """Mark the runs a dead sweep child left unfinished as failed, and add a failed run for each platform
    the child never recorded. Returns the run ids."""
    reason = f"process failed: {error}"[:500]

    def work(session: Session) -> list[int]:
        ids = []
        left = session.exec(
            select(CrawlRun).where(
                col(CrawlRun.id) > after_id,
                col(CrawlRun.platform).in_(platforms),
                col(CrawlRun.finished_at).is_(None),
                CrawlRun.campaign == campaign,
            )
        )
        seen = set()
        for run in left:
            run.finished_at, run.outcome, run.finish_reason = now(), "failed", reason
            session.add(run)
            seen.add(run.platform)
            ids.append(run.id)
        for platform in platforms:
            if platform in seen:
                continue
            run = CrawlRun(
                platform=platform,
                keywords=keywords,
                campaign=campaign,
                started_at=started,
                finished_at=now(),
                outcome="failed",
                finish_reason=reason,
                errors=1,
            )
            session.add(run)
            session.flush()
            ids.append(run.id)
        return [run_id for run_id in ids if run_id is not None]

    return run_write(work)


# ------------------------------------------------------------------------------------------- the scheduler


def configure(
    scheduler: Any, timetable: Timetable, *, url: str | None = None, workers: int = 4, executor: Any = None
) -> Any:
    """Give a scheduler the store's job store, the executor (threads: each crawl is a child process anyway),
    the job defaults and, once it starts, the timetable's and the campaigns' jobs."""
    from apscheduler.events import EVENT_SCHEDULER_START
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    url = url or get_settings().resolved_database_url
    scheduler.configure(
        jobstores={
            "default": SQLAlchemyJobStore(engine=get_engine(url), tablename=JOBSTORE_TABLE),
            "memory": MemoryJobStore(),
        },
        executors={"default": executor or ThreadPoolExecutor(workers)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(timetable.misfire_grace_hours * 3600),
        },
        timezone=TIMEZONE,
    )
    timetable_path = timetable.source

    def on_start(_event: object) -> None:
        sync_jobs(scheduler, timetable, timetable_path)
        scheduler.add_job(
            sync_jobs,
            "interval",
            seconds=CAMPAIGN_REFRESH_SECONDS,
            args=[scheduler, timetable, timetable_path],
            id="refresh-campaigns",
            jobstore="memory",
            replace_existing=True,
            misfire_grace_time=None,
        )

    scheduler.add_listener(on_start, EVENT_SCHEDULER_START)
    return scheduler


def sync_jobs(scheduler: Any, timetable: Timetable, timetable_path: str | None) -> dict[str, list[str]]:
    """Make the stored jobs match the timetable and the open campaigns.

    A stored job whose entry did not change is left as it is, so a run missed while no scheduler ran is
    still due; a changed one is replaced (its next run computed from now); a job no longer wanted is removed.
    """
    specs = {spec.id: spec for spec in all_specs(timetable)}
    changes: dict[str, list[str]] = {"added": [], "replaced": [], "removed": [], "kept": []}
    stored = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
    for job_id in stored:
        if job_id not in specs:
            scheduler.remove_job(job_id, jobstore="default")
            changes["removed"].append(job_id)
    for job_id, spec in specs.items():
        job = stored.get(job_id)
        kwargs = spec.kwargs(timetable_path)
        if job is not None and job.kwargs == kwargs:
            changes["kept"].append(job_id)
            continue
        scheduler.add_job(
            "scheduler:execute",
            trigger=spec.trigger,
            kwargs=kwargs,
            id=job_id,
            name=spec.title,
            jobstore="default",
            replace_existing=True,
        )
        changes["replaced" if job is not None else "added"].append(job_id)
    if any(changes[key] for key in ("added", "replaced", "removed")):
        logger.info("jobs synchronised: {}", {k: v for k, v in changes.items() if v and k != "kept"})
    return changes


@dataclass
class PlannedJob:
    id: str
    title: str
    when: str
    next_run: datetime | None
    last_run: JobRun | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def planned_jobs(timetable: Timetable, *, moment: datetime | None = None) -> list[PlannedJob]:
    """Every job with its next run time: as stored by the scheduler when it has run, else from the trigger."""
    moment = (moment or now()).astimezone(TIMEZONE)
    stored = stored_next_runs()
    out = []
    with Session(get_engine()) as session:
        for spec in all_specs(timetable):
            next_run = stored.get(spec.id) or spec.trigger.get_next_fire_time(None, moment)
            last = job_runs(session, job_id=spec.id, limit=1)
            out.append(
                PlannedJob(
                    id=spec.id,
                    title=spec.title,
                    when=spec.description,
                    next_run=next_run.astimezone(TIMEZONE) if next_run else None,
                    last_run=last[0] if last else None,
                )
            )
    return out


def stored_next_runs() -> dict[str, datetime]:
    """Next run times held in the job store (empty before a scheduler ever ran)."""
    from sqlalchemy import inspect, text

    engine = get_engine()
    with engine.connect() as connection:
        if not inspect(connection).has_table(JOBSTORE_TABLE):
            return {}
        rows = connection.execute(text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}"))
        return {row[0]: datetime.fromtimestamp(row[1], UTC) for row in rows if row[1] is not None}


@contextmanager
def _signals_stop(scheduler: Any) -> Iterator[None]:
    def stop(signum: int, _frame: object) -> None:
        logger.info("signal {} received, stopping the scheduler", signum)
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_forever(timetable: Timetable, *, on_ready: Callable[[Any], None] | None = None) -> None:
    """Take the store's scheduler lock and run the timetable until SIGTERM or Ctrl-C."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    url = get_settings().resolved_database_url
    get_engine(url)  # migrate the store before anything else touches it
    with SchedulerLock(url):
        scheduler = configure(BlockingScheduler(), timetable, url=url)
        if on_ready is not None:
            on_ready(scheduler)
        logger.info("scheduler started (pid {}, store {}, timetable {})", os.getpid(), _safe_url(url), timetable.source)
        with _signals_stop(scheduler):
            scheduler.start()
        logger.info("scheduler stopped")


def _safe_url(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m scheduler [TIMETABLE]`: the same as `tradewatch schedule run`."""
    import sys

    from core.logging_setup import setup_logging

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        timetable = load_timetable(Path(args[0]) if args else None)
        log_path = setup_logging("scheduler", console=True)
        logger.info("log file {}", log_path)
        run_forever(timetable)
    except TradewatchError as error:
        sys.stderr.write(f"Error: {error}\n")
        return error.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

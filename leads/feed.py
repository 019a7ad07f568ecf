"""Feeding the verification queue: `new` leads that reach the threshold move to `queued`, highest priority
first, with a due date, and no more per day than each officer team can take. The rest stay `new` and wait,
visibly: each waiting lead keeps a `FeedHold` row with the reason, shown by `tradewatch schedule waiting`
and in the daily report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from core.categories import FAMILIES
from core.config import get_settings
from core.statuses import LeadStatus
from core.workdays import BUREAU_TZ, WorkCalendar, load_calendar, local_date
from leads.db import run_write
from leads.models import Lead, Listing, utcnow
from leads.queue import covers, enqueue, refresh_priorities
from leads.schedule_models import FeedHold

FEED_ACTOR = "scheduler"
BELOW_THRESHOLD, CAPACITY, NO_TEAM = "below_threshold", "capacity", "no_team"
ALL = "(all)"


@dataclass(frozen=True)
class TeamCapacity:
    """An officer team: the categories (ids or families) it handles, and its daily intake (None: no limit)."""

    name: str
    categories: tuple[str, ...] = ()
    daily_capacity: int | None = None
    members: tuple[str, ...] = ()

    def handles(self, category: str | None) -> bool:
        return not self.categories or covers(self.categories, category)


@dataclass(frozen=True)
class FeedSettings:
    min_score: int | None = None
    teams: tuple[TeamCapacity, ...] = ()

    @classmethod
    def from_job(cls, job: Any) -> FeedSettings:
        """From the timetable's `feed:` entry."""
        teams = tuple(
            TeamCapacity(team.name, tuple(team.categories), team.daily_capacity, tuple(team.members))
            for team in job.teams
        )
        if not teams and job.daily_capacity is not None:
            teams = (TeamCapacity(ALL, (), job.daily_capacity),)
        return cls(min_score=job.min_score, teams=teams)


@dataclass
class FeedResult:
    queued: list[int] = field(default_factory=list)
    waiting: dict[int, tuple[str, str]] = field(default_factory=dict)  # lead id -> (code, reason)
    by_team: dict[str, int] = field(default_factory=dict)
    team_of: dict[int, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        codes = Counter(code for code, _ in self.waiting.values())
        return {
            "queued": len(self.queued),
            "waiting": len(self.waiting),
            "waiting_by_reason": dict(codes),
            "queued_by_team": self.by_team,
            "queued_ids": self.queued,
        }


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    day = local_date(moment)
    start = datetime.combine(day, time(0, 0), BUREAU_TZ)
    return start, start + timedelta(days=1)


def officer_categories(teams: tuple[TeamCapacity, ...], officer: str) -> list[str]:
    """The categories (ids or families) covered by the teams `officer` is a member of."""
    covered: list[str] = []
    for team in teams:
        if officer in team.members:
            covered.extend(team.categories or FAMILIES)
    return list(dict.fromkeys(covered))


def team_for(teams: tuple[TeamCapacity, ...], category: str | None) -> TeamCapacity | None:
    return next((team for team in teams if team.handles(category)), None)


def queued_today(session: Session, teams: tuple[TeamCapacity, ...], moment: datetime) -> Counter[str]:
    """How many leads each team already took into the queue on the bureau's day of `moment`."""
    start, end = _day_bounds(moment)
    used: Counter[str] = Counter()
    rows = session.exec(select(Lead.category).where(col(Lead.queued_at) >= start, col(Lead.queued_at) < end))
    for category in rows:
        team = team_for(teams, category)
        if team is not None:
            used[team.name] += 1
    return used


def feed_once(
    session: Session, settings: FeedSettings, *, now: datetime, calendar: WorkCalendar, threshold: int
) -> FeedResult:
    """The feed in the session's transaction (the caller commits)."""
    refresh_priorities(session, now=now)
    session.flush()
    result = FeedResult()
    used = queued_today(session, settings.teams, now)
    statement = (
        select(Lead.id, Lead.score, Lead.category)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .where(Lead.status == LeadStatus.NEW)
        .order_by(col(Lead.priority).desc(), col(Lead.score).desc(), col(Lead.created_at), col(Lead.id))
    )
    for lead_id, score, category in list(session.exec(statement)):
        assert lead_id is not None
        if score < threshold:
            result.waiting[lead_id] = (
                BELOW_THRESHOLD,
                f"评分 {score} 低于入队门槛 {threshold} / score {score} is below the queue threshold {threshold}",
            )
            continue
        team = team_for(settings.teams, category) if settings.teams else None
        if settings.teams and team is None:
            result.waiting[lead_id] = (
                NO_TEAM,
                f"没有小组负责类别 {category or '-'} / no team handles category {category or '-'}",
            )
            continue
        if team is not None and team.name != ALL:
            result.team_of[lead_id] = team.name
        if team is not None and team.daily_capacity is not None and used[team.name] >= team.daily_capacity:
            who = "" if team.name == ALL else f"{team.name} "
            result.waiting[lead_id] = (
                CAPACITY,
                f"{who}今日已入队 {used[team.name]} 条，达到每日上限 {team.daily_capacity} / "
                f"{who or 'the queue '}took {used[team.name]} leads today, its daily capacity is "
                f"{team.daily_capacity}",
            )
            continue
        enqueue(session, lead_id, officer=FEED_ACTOR, now=now, calendar=calendar)
        result.queued.append(lead_id)
        name = team.name if team is not None else ALL
        used[name] += 1
        result.by_team[name] = result.by_team.get(name, 0) + 1
    session.exec(delete(FeedHold))  # type: ignore[call-overload]
    for lead_id, (code, reason) in result.waiting.items():
        hold = FeedHold(lead_pk=lead_id, code=code, reason=reason, team=result.team_of.get(lead_id), checked_at=now)
        session.add(hold)
    return result


def feed_queue(
    settings: FeedSettings | None = None,
    *,
    now: datetime | None = None,
    calendar: WorkCalendar | None = None,
    url: str | None = None,
) -> FeedResult:
    """Run the feed once, in one transaction (retried on lock races)."""
    settings = settings or FeedSettings()
    moment = now or utcnow()
    calendar = calendar or load_calendar()
    threshold = settings.min_score if settings.min_score is not None else get_settings().lead_threshold
    return run_write(
        lambda session: feed_once(session, settings, now=moment, calendar=calendar, threshold=threshold), url=url
    )


def waiting_leads(session: Session, *, limit: int = 100) -> list[tuple[Lead, Listing, FeedHold]]:
    """Leads still `new` with the reason the feed left them waiting, best first."""
    statement = (
        select(Lead, Listing, FeedHold)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .join(FeedHold, col(FeedHold.lead_pk) == col(Lead.id))
        .where(Lead.status == LeadStatus.NEW)
        .order_by(col(Lead.priority).desc(), col(Lead.score).desc(), col(Lead.id))
        .limit(limit)
    )
    return [(lead, listing, hold) for lead, listing, hold in session.exec(statement)]

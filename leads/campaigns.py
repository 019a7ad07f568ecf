"""Special campaigns (专项行动): their keywords, platforms, dates and schedule, and what they found.

A campaign's sweeps tag every lead they create with the campaign's name (`Lead.campaign`, "found by the
campaign") and note every older lead they see again (`LeadCampaign`, "seen again"); `tradewatch report campaign
NAME` counts the two apart, so a campaign never claims an older lead as its own. Dates are the bureau's
calendar days (`core.workdays.BUREAU_TZ`), both ends included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.errors import NotFound, TradewatchError
from leads.models import Campaign, CrawlRun, Lead, LeadCampaign, utcnow

OPEN, CLOSED = "open", "closed"
NAME_MAX = 128


class CampaignError(TradewatchError):
    """A campaign given on the command line is not valid; the message names the option."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason
        # shown whole (both languages), so the option name is never split off
        self.msgid = "{option}: {reason}"
        self.params = {"option": option, "reason": reason}


@dataclass(frozen=True)
class CampaignInput:
    """What `campaign create` asks for, before it is checked."""

    name: str
    keywords: list[str]
    platforms: list[str]
    starts_on: date | None
    ends_on: date | None
    cron: str | None = None
    title: str | None = None
    description: str = ""
    max_pages: int | None = None
    feeds: list[str] | None = None  # feeds of the platforms' profiles swept besides the keywords


def _split(values: list[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        out += [part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]
    return list(dict.fromkeys(out))


def validate_campaign(data: CampaignInput, *, check_platforms: Any = None) -> CampaignInput:
    """The campaign with keywords and platforms split and checked, or CampaignError naming the option."""
    name = data.name.strip()
    if not name or len(name) > NAME_MAX or any(ch in name for ch in "\n\r\t/"):
        raise CampaignError("NAME", f"专项行动名称无效 / invalid campaign name {data.name!r}")
    keywords = _split(data.keywords)
    if not keywords:
        raise CampaignError("--keywords", "没有关键词 / no keywords given (e.g. --keywords 象牙,穿山甲)")
    platforms = _split(data.platforms)
    if not platforms:
        raise CampaignError("--platforms", "没有平台 / no platform given (e.g. --platforms demo,jd)")
    if check_platforms is not None:
        try:
            platforms = check_platforms(platforms)
        except (ValueError, TradewatchError) as error:
            raise CampaignError("--platforms", str(error).removeprefix("Value error, ")) from None
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise CampaignError(
            "--to",
            f"结束日期早于开始日期 / the end date {data.ends_on} is before the start date {data.starts_on}",
        )
    cron = data.cron.strip() if data.cron else None
    if cron:
        from leads.timetable import check_cron

        try:
            check_cron(cron)
        except ValueError as error:
            raise CampaignError("--cron", f"定时表达式无效 / {error}") from None
    return CampaignInput(
        name=name,
        keywords=keywords,
        platforms=platforms,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        cron=cron,
        title=(data.title or "").strip() or None,
        description=data.description.strip(),
        max_pages=data.max_pages,
        feeds=_split(data.feeds),
    )


def find_campaign(session: Session, name: str) -> Campaign | None:
    return session.exec(select(Campaign).where(Campaign.name == name)).first()


def get_campaign(session: Session, name: str) -> Campaign:
    campaign = find_campaign(session, name)
    if campaign is None:
        raise NotFound(f"没有该专项行动 / no campaign {name!r}")
    return campaign


def create_campaign(session: Session, data: CampaignInput, *, created_by: str | None = None) -> Campaign:
    """Create the campaign (already validated). A campaign that exists only because sweeps were tagged with
    its name (no keywords yet) is completed instead; any other existing name is refused."""
    existing = find_campaign(session, data.name)
    if existing is not None and (existing.keywords or existing.platforms):
        raise CampaignError("NAME", f"专项行动已存在 / campaign {data.name!r} already exists")
    campaign = existing or Campaign(name=data.name)
    campaign.title = data.title
    campaign.description = data.description
    campaign.keywords = list(data.keywords)
    campaign.platforms = list(data.platforms)
    campaign.feeds = list(data.feeds or [])
    campaign.starts_on = data.starts_on
    campaign.ends_on = data.ends_on
    campaign.cron = data.cron
    campaign.max_pages = data.max_pages
    campaign.status = OPEN
    campaign.created_by = created_by
    session.add(campaign)
    session.flush()
    return campaign


def close_campaign(session: Session, name: str, *, at: datetime | None = None) -> Campaign:
    campaign = get_campaign(session, name)
    if campaign.status == CLOSED:
        raise TradewatchError(f"专项行动已结束 / campaign {name!r} is already closed")
    campaign.status = CLOSED
    campaign.closed_at = at or utcnow()
    session.add(campaign)
    return campaign


def list_campaigns(session: Session, *, include_closed: bool = True) -> list[Campaign]:
    statement = select(Campaign).order_by(col(Campaign.created_at).desc(), col(Campaign.id).desc())
    if not include_closed:
        statement = statement.where(Campaign.status == OPEN)
    return list(session.exec(statement))


def campaign_state(campaign: Campaign, today: date) -> str:
    """open / closed, or scheduled / ended by its dates."""
    if campaign.status == CLOSED:
        return CLOSED
    if campaign.starts_on and today < campaign.starts_on:
        return "scheduled"
    if campaign.ends_on and today > campaign.ends_on:
        return "ended"
    return OPEN


STATE_TEXT = {
    "open": "进行中 / open",
    "closed": "已结束 / closed",
    "scheduled": "未开始 / not started",
    "ended": "已过期 / past its end date",
}


def seen_again_count(session: Session, name: str) -> int:
    """Older leads (found outside the campaign) that the campaign's sweeps saw again."""
    statement = (
        select(func.count())
        .select_from(LeadCampaign)
        .where(LeadCampaign.campaign == name, col(LeadCampaign.found).is_(False))
    )
    return int(session.exec(statement).one())


def campaign_counts(session: Session, name: str) -> dict[str, Any]:
    """The leads the campaign found, by status; the older leads it saw again; its runs."""
    by_status = {
        str(getattr(status, "value", status)): int(count)
        for status, count in session.exec(
            select(Lead.status, func.count()).where(Lead.campaign == name).group_by(Lead.status)
        )
    }
    runs = int(session.exec(select(func.count()).select_from(CrawlRun).where(CrawlRun.campaign == name)).one())
    return {
        "leads": sum(by_status.values()),
        "by_status": by_status,
        "seen_again": seen_again_count(session, name),
        "runs": runs,
    }


def campaign_dict(campaign: Campaign, *, today: date | None = None) -> dict[str, Any]:
    from core.workdays import local_date

    today = today or local_date(utcnow())
    return {
        "name": campaign.name,
        "title": campaign.title,
        "description": campaign.description,
        "keywords": list(campaign.keywords or []),
        "platforms": list(campaign.platforms or []),
        "feeds": list(campaign.feeds or []),
        "from": campaign.starts_on.isoformat() if campaign.starts_on else None,
        "to": campaign.ends_on.isoformat() if campaign.ends_on else None,
        "cron": campaign.cron,
        "max_pages": campaign.max_pages,
        "status": campaign.status,
        "state": campaign_state(campaign, today),
        "created_at": campaign.created_at.isoformat() if campaign.created_at else None,
        "closed_at": campaign.closed_at.isoformat() if campaign.closed_at else None,
        "created_by": campaign.created_by,
    }

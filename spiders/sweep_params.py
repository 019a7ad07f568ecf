"""Sweep parameters as a validated model, so spider arguments are never hand-parsed strings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def _split(value: object) -> object:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    if isinstance(value, list | tuple):
        return list(dict.fromkeys(str(term).strip() for term in value if str(term).strip()))
    return value


class SweepParams(BaseModel):
    """What one sweep asks a platform for.

    Keywords are typed into the platform's search box. Without keywords, `watchlist` names watchlist categories
    (or `all`) whose search terms are used instead. Feeds (category pages, newest listings, sitemaps) are swept
    besides, or instead of, searches.
    """

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] = Field(default_factory=list, description="Terms typed into the platform's search box.")
    watchlist: list[str] | None = Field(
        default=None, description="Watchlist categories (e.g. wildlife.ivory, or all) whose search terms to use."
    )
    campaign: str | None = Field(default=None, max_length=128, description="Special campaign the sweep belongs to.")
    max_pages: int | None = Field(default=None, ge=1, le=1000, description="Result pages per keyword.")
    since: datetime | None = Field(default=None, description="Skip listings posted before this (when known).")
    ocr: bool = Field(default=True, description="Read the text in listing photos (where the profile allows).")
    feeds: list[str] = Field(default_factory=list, description="Feeds of the profiles to sweep (by name).")
    all_feeds: bool = Field(default=False, description="Sweep every feed of each profile.")
    budget: int | None = Field(
        default=None, ge=1, le=10_000_000, description="Requests per platform at most (default: the profile's)."
    )

    @field_validator("keywords", mode="before")
    @classmethod
    def _split_keywords(cls, value: object) -> object:
        return _split(value)

    @field_validator("feeds", mode="before")
    @classmethod
    def _split_feeds(cls, value: object) -> object:
        return _split(value)

    @field_validator("watchlist", mode="before")
    @classmethod
    def _split_categories(cls, value: object) -> object:
        return None if value is None else _split(value)

    @field_validator("since", mode="before")
    @classmethod
    def _day_or_time(cls, value: object) -> object:
        if isinstance(value, str) and len(value.strip()) == 10:
            value = date.fromisoformat(value.strip())
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime.combine(value, time.min, tzinfo=UTC)
        return value

    @field_validator("since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    @model_validator(mode="after")
    def _terms(self) -> SweepParams:
        if not self.keywords and self.watchlist is not None:
            from pipelines.scoring import Scorer

            categories = None if not self.watchlist or "all" in self.watchlist else self.watchlist
            self.keywords = Scorer.load().search_terms(categories)
            if not self.keywords:
                raise ValueError(f"watchlist categories {', '.join(self.watchlist)} have no search terms")
        if not self.keywords and not self.sweeps_feeds:
            raise ValueError("keywords: give at least one keyword, watchlist categories or feeds")
        return self

    @property
    def sweeps_feeds(self) -> bool:
        return bool(self.feeds or self.all_feeds)

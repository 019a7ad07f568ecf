"""Sweep parameters as a validated model, so spider arguments are never hand-parsed strings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SweepParams(BaseModel):
    """What one sweep asks a platform for."""

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] = Field(min_length=1, description="Terms typed into the platform's search box.")
    campaign: str | None = Field(default=None, description="Special campaign the sweep belongs to.")
    max_pages: int | None = Field(default=None, ge=1, le=1000, description="Result pages per keyword.")

    @field_validator("keywords", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.replace("，", ",").split(",")
        if isinstance(value, list | tuple):
            return list(dict.fromkeys(str(term).strip() for term in value if str(term).strip()))
        return value

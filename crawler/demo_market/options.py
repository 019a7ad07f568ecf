"""Switches that make the demo marketplace misbehave like real sites do, for tests and demonstrations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crawler.demo_market.catalogue import DEFAULT_SEED

Wall = Literal["captcha", "login"]
Layout = Literal["v1", "v2"]


class MarketOptions(BaseModel):
    """How the demo marketplace behaves. The defaults give a well-behaved site with layout v1."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(default=DEFAULT_SEED, description="Seed of the catalogue and of the error generator.")
    rate_limit: float | None = Field(
        default=None, gt=0, description="Requests per second per client IP; above it the site answers 429."
    )
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Fraction of requests answered 500 or 503.")
    wall: Wall | None = Field(
        default=None, description="Answer every search and item page with a captcha or login wall."
    )
    layout: Layout = Field(default="v1", description="Markup of the pages; v2 renames classes and changes structure.")
    slow_ms: int = Field(default=0, ge=0, le=120_000, description="Delay added to every response, in milliseconds.")

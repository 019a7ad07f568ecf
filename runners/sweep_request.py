"""What a sweep is asked to do (`SweepRequest`) and what it answers (`SweepResult`): one or more platforms,
their keywords, and where it runs."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr, field_validator

from core.errors import TradewatchError
from crawler.profiles import Profile, load_profile, load_profile_file
from spiders.sweep_params import SweepParams


class SweepRequest(BaseModel):
    """One sweep of one or more platforms with the same keywords."""

    platforms: list[str] = Field(default_factory=list, description="Names of installed profiles.")
    profile_files: list[Path] = Field(default_factory=list, description="Profiles given as files.")
    params: SweepParams
    base_url: str | None = Field(default=None, description="Point the profiles at another host.")
    log_file: Path | None = None
    distributed: bool | None = Field(
        default=None, description="Share the sweep through Redis (default: when TRADEWATCH_REDIS_URL is set)."
    )
    local_workers: int = Field(default=1, ge=0, description="Distributed sweeps: workers to start on this machine.")
    sweep_id: str | None = Field(
        default=None,
        description="The sweep's id, on each crawl run it records (`run_sweep` makes one for a request without).",
    )

    @field_validator("platforms")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    # The profiles as last loaded, with what they were loaded for: the command checks them, then the sweep in the
    # same process loads them again to crawl (parsing and validating each profile's YAML, about 4.5 ms)
    _loaded: tuple[tuple[object, ...], list[Profile]] | None = PrivateAttr(default=None)

    def load_profiles(self) -> list[Profile]:
        """Every profile, validated, before any request is sent (loaded once per request and what it names)."""
        key = (tuple(self.platforms), tuple(self.profile_files), self.base_url, tuple(self.params.feeds))
        if self._loaded is not None and self._loaded[0] == key:
            return list(self._loaded[1])
        profiles = self._load_profiles()
        self._loaded = (key, profiles)
        return list(profiles)

    def _load_profiles(self) -> list[Profile]:
        profiles = [load_profile(name) for name in self.platforms]
        profiles += [load_profile_file(path) for path in self.profile_files]
        if not profiles:
            raise TradewatchError("没有指定平台 / no platform given (use --platform or --profile)")
        if self.base_url:
            profiles = [profile.with_base_url(self.base_url) for profile in profiles]
        for profile in profiles:
            missing = [name for name in self.params.feeds if name not in {feed.name for feed in profile.feeds}]
            if missing:
                raise TradewatchError(f"平台没有该订阅源 / platform {profile.name} has no feed {', '.join(missing)}")
        return profiles


def new_sweep_id() -> str:
    """A new sweep's id: when it started (UTC, to the second) and six random hex digits, for the sweeps started in
    the same second (a distributed sweep's key in Redis too, which `tradewatch worker --finish` names)."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


class SweepResult(BaseModel):
    run_ids: list[int]
    log_file: Path
    sweep_id: str | None = None  # a distributed sweep's, as officers name it to its workers

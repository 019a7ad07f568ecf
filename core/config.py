"""Runtime settings shared by every part of tradewatch, read from the environment on demand.

Built by a function, never at import time, so tests can point everything at a temporary home.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where tradewatch keeps its data and which services it talks to."""

    model_config = SettingsConfigDict(env_prefix="TRADEWATCH_", extra="ignore")

    home: Path = Field(default=Path("var"), description="Data folder: database, evidence, logs, reports.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under home if unset.")
    redis_url: str | None = Field(default=None, description="Redis URL for distributed sweeps.")
    officer: str | None = Field(default=None, description="The acting officer's identity.")
    lang: str | None = Field(default=None, description="Language of officer-facing text: zh or en.")
    chromium_path: str | None = Field(default=None, description="Chromium executable for JS-rendered sites.")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Private or loopback hosts every crawl may visit (JSON list); none by default. "
        "A platform profile allows its own with `allow_private_hosts`.",
    )
    lead_threshold: int = Field(default=60, ge=0, le=100, description="Score at or above which a hit is a lead.")
    model_lift_probability: float = Field(
        default=0.7,
        gt=0,
        le=1,
        description="Probability of the bureau's model at or above which a listing the rules scored below the "
        "threshold becomes a lead anyway.",
    )
    model_folds: int = Field(default=5, ge=2, le=20, description="Folds of the model's cross-validation.")
    bureau_name: str = Field(default="市场监督管理局", description="The bureau's name, as notices are signed.")
    notice_reply_working_days: int = Field(
        default=10, ge=1, le=60, description="Working days a notice's recipient has to reply."
    )

    @property
    def resolved_home(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_home / 'tradewatch.db'}"


def get_settings() -> Settings:
    """Read the settings from the environment now (never cached: tests change the environment)."""
    return Settings()

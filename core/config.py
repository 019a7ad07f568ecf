"""Runtime settings shared by every part of tradewatch, read from the environment on demand.

Built by a function, never at import time, so tests can point everything at a temporary home. The model reads
its own variables (`TRADEWATCH_<FIELD>`, or a field's alias): pydantic-settings would do the same for these flat
fields but costs every command its import (with asyncio and dotenv) and a scan of the environment per source.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.environment import LOCALE_VARIABLES, setting_variable
from core.errors import ConfigurationError
from core.safe_text import mask_url

DATABASE_SCHEMES = ("sqlite", "postgresql")
REDIS_SCHEMES = ("redis", "rediss", "unix")


class Settings(BaseModel):
    """Where tradewatch keeps its data and which services it talks to.

    `Settings()` reads the environment: each field from `TRADEWATCH_<FIELD>` (names matched without case, empty
    values ignored) or from the variables of its alias, the first set one winning; values given as arguments
    win over the environment. A list is written as JSON.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    home: Path = Field(default=Path("var"), description="Data folder: database, evidence, logs, reports.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under home if unset.")
    redis_url: str | None = Field(default=None, description="Redis URL for distributed sweeps.")
    lease_seconds: float = Field(
        default=15.0,
        gt=0,
        description="Distributed sweeps: how long a silent worker keeps its requests before others take them.",
    )
    run_listing_retention_days: int = Field(
        default=30,
        ge=1,
        description="Distributed sweeps: days the listing claims of a finished run are kept (its workers record "
        "nothing more); the next distributed sweep deletes older ones.",
    )
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
        default=0.9,
        gt=0,
        le=1,
        description="Probability of the model in use (the bureau's, else the shipped seed) at or above which a "
        "listing the rules scored below the threshold becomes a lead anyway.",
    )
    model_folds: int = Field(default=5, ge=2, le=20, description="Folds of the model's cross-validation.")
    model_max_ngrams: int = Field(
        default=2000,
        ge=1,
        description="N-grams a trained model keeps, those of largest weight: fewer score faster, more fit closer.",
    )
    bureau_name: str = Field(default="市场监督管理局", description="The bureau's name, as notices are signed.")
    notice_reply_working_days: int = Field(
        default=10, ge=1, le=60, description="Working days a notice's recipient has to reply."
    )
    config_file: Path | None = Field(
        default=None,
        validation_alias="TRADEWATCH_CONFIG",
        description="TOML file with `officer = ...`; else home/config.toml, then ~/.config/tradewatch/config.toml.",
    )
    cache_dir: str | None = Field(
        default=None,
        description="Cache of compiled matcher tables, the OCR models' optimised graphs and the browser driver's code; "
        "`off` turns it off. Default: the user's cache.",
    )
    user_cache_home: Path = Field(
        default_factory=lambda: Path.home() / ".cache",
        validation_alias="XDG_CACHE_HOME",
        description="The user's cache folder (XDG), where the matcher cache lives unless cache_dir says otherwise.",
    )
    ocr_workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Processes reading listing photos (OCR); default: cores minus one, at least one.",
    )
    ocr_queue: int = Field(
        default=8, ge=1, le=1000, description="Photos with the OCR pool at once; more wait, slowing the crawl."
    )
    ocr_nice: int = Field(
        default=0,
        ge=0,
        le=19,
        description="How much lower the OCR processes' CPU priority is than the crawl's (nice): above 0, other work "
        "on the machine gets the cores before OCR, and the sweep waits longer for its photos.",
    )
    ocr_detect_side: int = Field(
        default=640,
        ge=160,
        le=4000,
        description="Longest side, in pixels, of the copy of a photo in which OCR looks for text; lines are read "
        "from the photo at full size.",
    )
    image_max_pixels: int = Field(
        default=30_000_000, ge=10_000, description="Photos with more pixels are skipped unread (and counted)."
    )
    image_max_bytes: int = Field(default=8 * 1024 * 1024, ge=1024, description="Largest photo downloaded, in bytes.")
    sweep_image_budget: int = Field(
        default=2000, ge=0, description="Photos one sweep downloads and reads at most (0: none); the rest are counted."
    )
    locale: str | None = Field(
        default=None,
        validation_alias=AliasChoices(*LOCALE_VARIABLES),
        description="The system locale (LC_ALL, LC_MESSAGES, LANG): the language when `lang` is unset.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        given = dict(data) if isinstance(data, dict) else {}
        found = {key.lower(): value for key, value in os.environ.items() if value}
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            variables = [str(v) for v in (alias.choices if isinstance(alias, AliasChoices) else [alias or name])]
            if name in given or any(variable in given for variable in variables):
                continue
            # a field read under its own variable keeps that name (XDG_CACHE_HOME), so an error can name it
            for variable in variables:
                key = variable.lower() if alias else setting_variable(name).lower()
                if key in found:
                    given[variable] = found[key]
                    break
        return given

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _json_list(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError(f'不是 JSON 列表 / {value!r} is not a JSON list (e.g. ["10.0.0.5"])') from None

    @field_validator("home")
    @classmethod
    def _home_is_a_folder(cls, value: Path) -> Path:
        path = value.expanduser()
        for place in (path, *path.parents):
            if place.exists():
                if not place.is_dir():
                    raise ValueError(f"指向的是文件而不是文件夹 / {place} is a file, not a folder")
                break
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(
                f"不是数据库地址 / {mask_url(value)!r} is not a database URL (e.g. postgresql+psycopg://user@host/db)"
            ) from None
        if url.get_backend_name() not in DATABASE_SCHEMES:
            backend = url.get_backend_name()
            raise ValueError(
                f"不支持 {backend}，请用 sqlite 或 postgresql / {backend} is not supported: use sqlite or postgresql"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        scheme, separator, _rest = value.partition("://")
        if not separator or scheme.lower() not in REDIS_SCHEMES:
            raise ValueError(f"不是 Redis 地址 / {mask_url(value)!r} is not a Redis URL (e.g. redis://10.0.0.5:6379/0)")
        return value

    @property
    def resolved_home(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def resolved_ocr_workers(self) -> int:
        return self.ocr_workers or max(1, (os.cpu_count() or 1) - 1)

    @property
    def resolved_cache_dir(self) -> Path | None:
        """tradewatch's cache folder (TRADEWATCH_CACHE_DIR, else the user's cache); None where it is off."""
        if self.cache_dir is None:
            return self.user_cache_home / "tradewatch"
        if self.cache_dir.strip().lower() in ("off", "0", "none"):
            return None
        return Path(self.cache_dir)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_home / 'tradewatch.db'}"


def get_settings() -> Settings:
    """Read and validate the settings from the environment now (never cached: tests change the environment).

    Raises ConfigurationError, naming the variable and what is wrong with it.
    """
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "*"
        # a field read under its own variable name (XDG_CACHE_HOME, LANG) is reported under that name
        setting = name if name.isupper() else setting_variable(name)
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigurationError(setting=setting, reason=reason) from error

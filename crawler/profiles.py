"""Platform profiles: everything the generic listing spider needs to know about one marketplace.

A bureau adds a platform by writing a YAML file, never Python. Profiles ship in `crawler/platforms/`, and are
also read from `TRADEWATCH_HOME/platforms/` or a file given with `--profile`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from leads.config import get_settings
from leads.errors import InputFileError, TradewatchError

PACKAGED_PROFILES = Path(__file__).with_name("platforms")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSelector(_Strict):
    """Where one field is on a page: a CSS or XPath selector, then small post-processing steps."""

    css: str | None = None
    xpath: str | None = None
    regex: str | None = Field(default=None, description="Keep the first group (or the match) of this regex.")
    join: str = Field(default=" ", description="How several matched strings are joined.")

    @model_validator(mode="after")
    def _one_selector(self) -> FieldSelector:
        if bool(self.css) == bool(self.xpath):
            raise ValueError("give exactly one of css or xpath")
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as error:
                raise ValueError(f"bad regex {self.regex!r}: {error}") from error
        return self


Fields = dict[str, FieldSelector]


class SearchSpec(_Strict):
    url: str = Field(description="Template with {base_url}, {keyword} and {page}.")
    keyword_encoding: str = Field(default="utf-8", description="Encoding of the keyword in the query.")
    first_page: int = 1
    max_pages: int = Field(default=5, ge=1, le=1000)

    @field_validator("url")
    @classmethod
    def _has_keyword(cls, value: str) -> str:
        if "{keyword}" not in value:
            raise ValueError("search url must contain {keyword}")
        return value


class ResultsSpec(_Strict):
    item: FieldSelector = Field(description="Selects one element per listing on a result page.")
    fields: Fields
    next_page: FieldSelector | None = None


class ItemPageSpec(_Strict):
    follow: bool = True
    fields: Fields = Field(default_factory=dict)


class RenderSpec(_Strict):
    mode: Literal["static", "js"] = "static"
    wait_for: str | None = Field(default=None, description="CSS selector to wait for before reading the page.")


class Politeness(_Strict):
    download_delay: float = Field(default=0.0, ge=0)
    concurrency_per_domain: int = Field(default=8, ge=1, le=64)
    obey_robots: bool = True


class Profile(_Strict):
    """One marketplace."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    display_name: str
    base_url: str
    allowed_domains: list[str] = Field(default_factory=list)
    encoding: str | None = Field(default=None, description="Override the page encoding.")
    search: SearchSpec
    results: ResultsSpec
    item_page: ItemPageSpec | None = None
    listing_id: FieldSelector | None = Field(
        default=None, description="Regex over the item URL giving the listing id, when no field holds it."
    )
    render: RenderSpec = Field(default_factory=RenderSpec)
    politeness: Politeness = Field(default_factory=Politeness)
    block_markers: list[str] = Field(default_factory=list)
    no_results_markers: list[str] = Field(default_factory=list)
    source: str | None = Field(default=None, exclude=True)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("base_url must be an http(s) URL")
        return value.rstrip("/")

    def with_base_url(self, base_url: str) -> Profile:
        """The same profile pointed at another host (the demo marketplace on a test port)."""
        host = urlsplit(base_url).hostname or ""
        return self.model_copy(update={"base_url": base_url.rstrip("/"), "allowed_domains": [host]})

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains or [urlsplit(self.base_url).hostname or ""]


def _format_validation_error(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(profile)"
    return f"{where}: {first['msg']}"


def load_profile_file(path: Path) -> Profile:
    """Read and validate one profile file; errors name the file, the field and the reason."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputFileError(path, f"cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputFileError(path, "not valid YAML", mark.line + 1 if mark else None) from error
    if not isinstance(data, dict):
        raise InputFileError(path, "a profile must be a mapping of fields")
    try:
        return Profile.model_validate({**data, "source": str(path)})
    except ValidationError as error:
        raise InputFileError(path, _format_validation_error(path, error)) from error


def profile_dirs() -> list[Path]:
    """Where profiles are looked up, the bureau's own folder first so it can override a shipped one."""
    return [get_settings().resolved_home / "platforms", PACKAGED_PROFILES]


def available_profiles() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in reversed(profile_dirs()):
        if folder.is_dir():
            for path in sorted(folder.glob("*.y*ml")):
                found[path.stem] = path
    return dict(sorted(found.items()))


def load_profile(name: str) -> Profile:
    """The profile called `name`, from the bureau's folder or the shipped ones."""
    profiles = available_profiles()
    if name not in profiles:
        known = ", ".join(profiles) or "none"
        raise TradewatchError(f"未知平台 / unknown platform {name!r} (known: {known})")
    return load_profile_file(profiles[name])

"""Who is acting: every change to a lead is recorded against an officer, so actions need one.

The officer comes from, first match wins: the `--officer` option, the `TRADEWATCH_OFFICER` variable, or the
`officer` key of the config file (`TRADEWATCH_CONFIG`, else `$TRADEWATCH_HOME/config.toml`, else
`~/.config/tradewatch/config.toml`), for example::

    officer = "王芳"
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from cli.i18n import _
from core.config import get_settings
from core.errors import TradewatchError
from core.safe_text import is_safe

MAX_OFFICER_LENGTH = 128


class IdentityError(TradewatchError):
    """No acting officer, or an unusable one."""

    exit_code = 2


def config_paths() -> list[Path]:
    """The config files looked at, in order."""
    settings = get_settings()
    if settings.config_file:
        return [settings.config_file.expanduser()]
    return [settings.resolved_home / "config.toml", Path("~/.config/tradewatch/config.toml").expanduser()]


def officer_from_config() -> str | None:
    for path in config_paths():
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise IdentityError(
                _("Cannot read the config file {path}: {error}").format(path=path, error=error)
            ) from None
        value = data.get("officer")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def validate_officer(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_OFFICER_LENGTH or not is_safe(name) or "\n" in name:
        raise IdentityError(_("Not a usable officer name: use letters, digits or Chinese characters."))
    return name


def current_officer(explicit: str | None = None) -> str | None:
    """The acting officer, or None when none is configured."""
    for candidate in (explicit, get_settings().officer):
        if candidate and candidate.strip():
            return validate_officer(candidate)
    from_config = officer_from_config()
    return validate_officer(from_config) if from_config else None


def require_officer(explicit: str | None = None) -> str:
    """The acting officer; refuses with how to set one when there is none."""
    officer = current_officer(explicit)
    if officer is None:
        raise IdentityError(
            _(
                'Who is acting? Give --officer NAME, set TRADEWATCH_OFFICER=NAME, or put officer = "NAME" in {path}.'
            ).format(path=config_paths()[0])
        )
    return officer

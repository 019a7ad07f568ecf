"""The environment variables of the settings, and reading one before (and without) the settings' validation.

The language of the output is needed before anything is printed, `--help` and a bad setting's own error
included; reading it here spares those paths pydantic. Every other setting is read and validated by
`core.config.Settings`, which takes its variable names from here.
"""

from __future__ import annotations

import os

ENV_PREFIX = "TRADEWATCH_"
# The system locale, first found wins: the language when TRADEWATCH_LANG is unset.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def setting_variable(name: str) -> str:
    """The environment variable of a setting: `lang` → TRADEWATCH_LANG."""
    return f"{ENV_PREFIX}{name.upper()}"


def environment_value(*names: str) -> str | None:
    """The first of the variables that is set and not empty, names matched without case (as the settings)."""
    found = {key.lower(): value for key, value in os.environ.items() if value}
    return next((found[name.lower()] for name in names if name.lower() in found), None)

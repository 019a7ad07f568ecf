"""The one settings model: the variables of the matcher cache and the officer's identity are read through it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli.identity import config_paths, current_officer
from core.config import Settings, get_settings
from core.errors import ConfigurationError
from pipelines.scoring.cache import cache_dir


def test_the_matcher_cache_follows_the_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("TRADEWATCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "tradewatch" / "scoring"
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own" / "scoring"
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", "off")
    assert cache_dir() is None


def test_the_officer_comes_from_the_variable_then_the_config_file(monkeypatch, tw_home, tmp_path):
    config = tmp_path / "办案.toml"
    config.write_text('officer = "李明"\n', encoding="utf-8")
    monkeypatch.setenv("TRADEWATCH_CONFIG", str(config))
    monkeypatch.delenv("TRADEWATCH_OFFICER", raising=False)
    assert config_paths() == [Path(config)]
    assert current_officer() == "李明"
    monkeypatch.setenv("TRADEWATCH_OFFICER", "王芳")
    assert current_officer() == "王芳"
    assert current_officer("张伟") == "张伟"


@pytest.fixture
def bare_environment(monkeypatch):
    """No tradewatch variable and no locale set, so each test states the environment it reads."""
    for name in list(os.environ):
        if name.upper().startswith("TRADEWATCH_") or name in ("LC_ALL", "LC_MESSAGES", "LANG", "XDG_CACHE_HOME"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_each_setting_comes_from_its_variable_without_case_and_empty_ones_are_unset(bare_environment, tmp_path):
    bare_environment.setenv("TRADEWATCH_HOME", str(tmp_path))
    bare_environment.setenv("tradewatch_officer", "王芳")
    bare_environment.setenv("TRADEWATCH_LANG", "")
    bare_environment.setenv("TRADEWATCH_LEAD_THRESHOLD", "70")
    bare_environment.setenv("TRADEWATCH_ALLOWED_HOSTS", '["10.0.0.5", "shop.internal"]')
    settings = get_settings()
    assert settings.home == tmp_path
    assert settings.officer == "王芳"
    assert settings.lang is None
    assert settings.lead_threshold == 70
    assert settings.allowed_hosts == ["10.0.0.5", "shop.internal"]
    assert settings.model_lift_probability == Settings.model_fields["model_lift_probability"].default
    assert Settings(lead_threshold=80).lead_threshold == 80  # an argument wins over the variable


def test_a_field_with_its_own_variables_reads_the_first_one_set(bare_environment, tmp_path):
    bare_environment.setenv("LANG", "en_US.UTF-8")
    bare_environment.setenv("LC_MESSAGES", "zh_CN.UTF-8")
    bare_environment.setenv("LC_ALL", "")
    bare_environment.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    bare_environment.setenv("TRADEWATCH_CONFIG", str(tmp_path / "办案.toml"))
    settings = get_settings()
    assert settings.locale == "zh_CN.UTF-8"
    assert settings.user_cache_home == tmp_path / "xdg"
    assert settings.config_file == tmp_path / "办案.toml"
    assert get_settings().model_dump() == Settings().model_dump()


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("TRADEWATCH_LEAD_THRESHOLD", "700", "less than or equal to 100"),
        ("TRADEWATCH_ALLOWED_HOSTS", "10.0.0.5", "is not a JSON list"),
        ("TRADEWATCH_DATABASE_URL", "mysql://db/leads", "mysql is not supported"),
        ("XDG_CACHE_HOME", "", None),
    ],
)
def test_a_bad_value_is_reported_under_its_variable(bare_environment, variable, value, reason):
    bare_environment.setenv(variable, value)
    if reason is None:  # empty: unset, the default applies
        assert get_settings().user_cache_home == Path.home() / ".cache"
        return
    with pytest.raises(ConfigurationError) as raised:
        get_settings()
    assert raised.value.params["setting"] == variable
    assert reason in str(raised.value.params["reason"])

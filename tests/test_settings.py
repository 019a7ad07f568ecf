"""The one settings model: the variables of the matcher cache and the officer's identity are read through it."""

from __future__ import annotations

from pathlib import Path

from cli.identity import config_paths, current_officer
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

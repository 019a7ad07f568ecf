"""The packages type-check under the project's mypy configuration, as `make lint` checks them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_mypy_finds_no_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    monkeypatch.chdir(ROOT)  # the packages and options of [tool.mypy] in pyproject.toml
    report, errors, status = api.run([])
    assert status == 0, (report[-4000:], errors[-1000:])

"""The packages type-check under the project's mypy configuration, as `make lint` checks them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_mypy_finds_no_errors() -> None:
    # as `make lint` runs it: the packages and options of [tool.mypy] in pyproject.toml, no PYTHONPATH (with one,
    # mypy takes the modules it names for installed packages and keeps their errors to itself)
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-1000:]

"""`tradewatch evidence tidy`: partial files of killed sweeps go, stored evidence and fresh writes stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from leads.evidence import blob_path, evidence_root, put_blob

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})


def partial(root: Path, digest: str, *, age_seconds: float, two_levels: bool = False) -> Path:
    """A temporary file as a killed write leaves it (`two_levels`: in a folder of the earlier layout)."""
    folder = root / "sha256" / digest[:2] / (digest[2:4] if two_levels else "")
    path = folder / f".{digest}.0123456789abcdef.tmp"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("<html>象牙手镯 半截".encode())
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


def test_tidy_deletes_only_old_partial_files(tw_home: Path):
    root = evidence_root(tw_home)
    digest, _ = put_blob(root, "<html>象牙手镯 老料</html>".encode())
    stored = blob_path(root, digest)
    old = partial(root, "ab" * 32, age_seconds=3 * 3600)
    older = partial(root, "ef" * 32, age_seconds=3 * 3600, two_levels=True)
    fresh = partial(root, "cd" * 32, age_seconds=60)  # a sweep may be writing it right now

    dry = runner.invoke(app, ["evidence", "tidy", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 partial files" in dry.output and old.exists() and older.exists()

    result = runner.invoke(app, ["evidence", "tidy"])
    assert result.exit_code == 0, result.output
    assert "2 partial files deleted" in result.output
    assert not old.exists() and not older.exists()
    assert fresh.exists() and stored.exists()
    assert stored.read_bytes() == "<html>象牙手镯 老料</html>".encode()


def test_tidy_on_a_store_without_evidence_deletes_nothing(tw_home: Path):
    result = runner.invoke(app, ["evidence", "tidy"])
    assert result.exit_code == 0, result.output
    assert "0 partial files deleted" in result.output

"""Logs of the scheduler and the sweeps: loguru, with the standard `logging` records (Scrapy's) routed into it.

Every run writes its own file under `TRADEWATCH_HOME/logs/` (`scheduler-20250301T020000.log`,
`sweep-...log`); a file is rotated when it grows past `ROTATION`, and log files older than `RETENTION_DAYS`
are deleted when a new run starts.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import re
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from loguru import logger

from core.config import get_settings

ROTATION = "20 MB"
RETENTION_DAYS = 60
FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS!UTC}Z | {level: <7} | {extra[run]} | {name}: {message}"
_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class InterceptHandler(logging.Handler):
    """Hands every standard-library log record to loguru, keeping its level and the caller's location."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        frame, depth = inspect.currentframe(), 0
        while frame is not None and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.opt(depth=depth, exception=record.exc_info).bind(logger_name=record.name).log(level, record.getMessage())


def logs_dir() -> Path:
    folder = get_settings().resolved_home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_log_path(run_name: str, *, now: datetime | None = None) -> Path:
    """A new file name for one run: `<run_name>-<UTC time>.log` under the logs folder."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return logs_dir() / f"{_NAME.sub('_', run_name) or 'run'}-{stamp}.log"


def prune_logs(folder: Path, *, days: int = RETENTION_DAYS) -> int:
    """Delete log files (and their rotated pieces) older than `days`; returns how many were deleted."""
    cutoff = time.time() - days * 86_400
    removed = 0
    for path in folder.glob("*.log*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def setup_logging(run_name: str, *, path: Path | None = None, level: str = "INFO", console: bool = False) -> Path:
    """Send loguru and the standard `logging` records (Scrapy, APScheduler) to one file for this run.

    Returns the file's path. `console=True` also writes to standard error (the foreground scheduler).
    """
    path = Path(path) if path is not None else run_log_path(run_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    prune_logs(path.parent)
    logger.remove()
    logger.configure(extra={"run": run_name})
    logger.add(path, level=level, format=FORMAT, rotation=ROTATION, encoding="utf-8", enqueue=False, backtrace=False)
    if console:
        logger.add(sys.stderr, level=level, format=FORMAT, colorize=False, backtrace=False)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(InterceptHandler(level))
    root.setLevel(level)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    logging.captureWarnings(True)
    return path


def log_failure(error: BaseException, run_name: str) -> Path | None:
    """Write `error` with its whole traceback to a log file of its own; returns the file, or None if none could be
    written. Falls back to the system's temporary folder when the data folder is what failed (a file, full)."""
    from core.errors import TradewatchError

    text = f"{datetime.now(UTC).isoformat()} {run_name} failed\n" + "".join(traceback.format_exception(error))
    folders: list[Path] = []
    with contextlib.suppress(TradewatchError):
        folders.append(get_settings().resolved_home / "logs")
    folders.append(Path(tempfile.gettempdir()) / "tradewatch-logs")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{_NAME.sub('_', run_name) or 'run'}-{stamp}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None

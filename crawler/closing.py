"""Closing a crawl from code that cannot wait for the closing: a failed browser launch, a scorer that did not
load, a lead store lost. The closing runs as a task on the crawl's event loop; nobody awaits it, so its failure
(an engine not open yet or any more, a closing step that raised) is logged here with its traceback instead of
lost as an exception nobody retrieves."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from core.errors import first_line

logger = logging.getLogger(__name__)


def close_crawl(crawler: Any, reason: str) -> asyncio.Future[None] | None:
    """Ask the crawl's engine to close its spider with `reason`; the task, for the caller to keep (a task only
    weakly referenced may be collected before it ends), or None when the crawl has no engine."""
    engine = getattr(crawler, "engine", None)
    if engine is None:
        return None
    closing: asyncio.Future[None] = asyncio.ensure_future(engine.close_spider_async(reason=reason))
    closing.add_done_callback(partial(_closed, reason))
    return closing


def _closed(reason: str, closing: asyncio.Future[None]) -> None:
    if closing.cancelled():
        return
    error = closing.exception()
    if error is not None:
        logger.error("the spider could not be closed (%s): %s", reason, first_line(error), exc_info=error)

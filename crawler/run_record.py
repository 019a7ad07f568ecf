"""Scrapy extension that records every sweep as a crawl run in the lead store, with its outcome."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlmodel import Session

from core.failures import is_store_unavailable
from crawler.run_health import REASONS_STAT, assess, counts
from leads.db import get_engine
from leads.runs import finish_run, start_run

log = logging.getLogger(__name__)
RECOVERY_POLL_SECONDS = 2.0


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in stats.items()}


class RunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.database_url = crawler.settings.get("TRADEWATCH_DATABASE_URL")
        self.recovery_seconds = crawler.settings.getfloat("TRADEWATCH_STORE_RECOVERY_SECONDS")
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        profile = getattr(spider, "profile", None)
        params = getattr(spider, "params", None)
        with Session(get_engine(self.database_url)) as session:
            self.run_id = start_run(
                session,
                platform=profile.name if profile else spider.name,
                keywords=params.keywords if params else [],
                campaign=params.campaign if params else None,
                sweep_id=self.crawler.settings.get("TRADEWATCH_SWEEP_ID"),  # set by the sweep (runners.sweep)
            )
            session.commit()
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("tradewatch/run_id", self.run_id)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        assert self.crawler.stats is not None
        profile = getattr(spider, "profile", None)
        thresholds: dict[str, Any] = {}
        if profile is not None:
            thresholds = {"min_coverage": profile.health.min_coverage, "fields": profile.health.fields}
        health = assess(dict(self.crawler.stats.get_stats()), reason, **thresholds)
        outcome = health.outcome
        self.crawler.stats.set_value("tradewatch/outcome", outcome)
        self.crawler.stats.set_value(REASONS_STAT, health.reasons)
        for name, share in health.coverage.items():
            self.crawler.stats.set_value(f"tradewatch/coverage/{name}", share)
        stats = dict(self.crawler.stats.get_stats())
        deadline = time.monotonic() + self.recovery_seconds
        while True:
            try:
                with Session(get_engine(self.database_url)) as session:
                    finish_run(
                        session,
                        self.run_id,
                        finish_reason=reason,
                        outcome=outcome,
                        counts=counts(stats),
                        stats=_jsonable(stats),
                    )
                    session.commit()
                return
            except Exception as error:
                if not is_store_unavailable(error) or time.monotonic() > deadline:
                    log.critical(
                        "run %s could not be recorded as %s (%s): the lead store is unavailable",
                        self.run_id,
                        outcome,
                        ", ".join(health.reasons) or reason,
                        exc_info=True,
                    )
                    return
                time.sleep(RECOVERY_POLL_SECONDS)  # the crawl is over: wait for the store to come back

"""A child's work done in the process that asks for it (`runners.child.work_here`): the same log and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from core.errors import StoreUnavailable, TradewatchError
from runners.child import work_here


class Job(BaseModel):
    log_file: Path


def test_the_work_is_logged_to_the_request_log_and_its_result_returned(tmp_path: Path):
    def work(job: Job) -> list[int]:
        from loguru import logger

        logger.info("working")
        return [7]

    assert work_here("sweep", Job(log_file=tmp_path / "run.log"), work, what=("抓取", "sweep")) == [7]
    assert "| sweep | " in (tmp_path / "run.log").read_text(encoding="utf-8")


def test_an_unexpected_error_is_one_line_naming_the_log_which_holds_the_traceback(tmp_path: Path):
    def work(job: Job) -> None:
        raise ValueError("bad value\nsecond line")

    log = tmp_path / "run.log"
    with pytest.raises(TradewatchError) as raised:
        work_here("sweep", Job(log_file=log), work, what=("抓取", "sweep"))
    assert str(raised.value) == f"抓取失败 / sweep failed: ValueError: bad value; log: {log}"
    assert "Traceback" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "error", [TradewatchError("no such platform"), StoreUnavailable(where="/x.db", reason="disk full")]
)
def test_tradewatch_and_infrastructure_errors_reach_the_caller_as_they_are(tmp_path: Path, error: Exception):
    def work(job: Job) -> None:
        raise error

    with pytest.raises(type(error)) as raised:
        work_here("sweep", Job(log_file=tmp_path / "run.log"), work, what=("抓取", "sweep"))
    assert raised.value is error

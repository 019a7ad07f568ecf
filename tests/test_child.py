"""A child's work done in the process that asks for it (`runners.child.work_here`): the same log and errors; a
child still running when its parent is interrupted is asked to stop (SIGTERM), and killed only if it does not."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from core.errors import StoreUnavailable, TradewatchError
from runners import child
from runners.child import ChildCrawl, work_here


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


# A child that tells when it is ready, then waits; on SIGTERM it writes down the signal it got and exits 0
# (as a crawl closes its runs), unless told to ignore it.
STOPPABLE = """
import os, pathlib, signal, sys, time
here = pathlib.Path(os.environ["STOPPABLE_DIR"])
def stop(signum, frame):
    (here / "stopped").write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGTERM, signal.SIG_IGN if (here / "ignore").exists() else stop)
(here / "ready").write_text("yes")
time.sleep(120)
"""


def started(module: str, tmp_path: Path) -> ChildCrawl:
    """The child `module` (a file in `tmp_path`), once it has written `tmp_path/ready`."""
    crawl = ChildCrawl(module, Job(log_file=tmp_path / "job.log"), what=("测试", "test"))
    deadline = time.monotonic() + 60  # a loaded machine starts Python slowly
    while not (tmp_path / "ready").exists():
        if crawl.process.poll() is not None or time.monotonic() > deadline:
            crawl.close(grace=0.0)
            pytest.fail("the child did not start")
        time.sleep(0.05)
    return crawl


@pytest.mark.parametrize("ignores_sigterm", [False, True])
def test_a_child_still_running_is_asked_to_stop_and_killed_only_when_it_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ignores_sigterm: bool
):
    (tmp_path / "stoppable_child.py").write_text(STOPPABLE, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("STOPPABLE_DIR", str(tmp_path))
    monkeypatch.setattr(child, "STOP_SECONDS", 1.0)
    if ignores_sigterm:
        (tmp_path / "ignore").touch()
    crawl = started("stoppable_child", tmp_path)
    try:
        crawl.close()
    finally:
        if crawl.process.poll() is None:
            crawl.process.kill()
            crawl.process.wait()
    if ignores_sigterm:  # killed after STOP_SECONDS
        assert crawl.process.returncode == -signal.SIGKILL
        assert not (tmp_path / "stopped").exists()
    else:  # not killed: it stopped on its own, on SIGTERM
        assert crawl.process.returncode == 0
        assert (tmp_path / "stopped").read_text() == "SIGTERM"
    assert not crawl.request_path.exists()


# A child whose work fails with a message of several lines, the first saying why.
FAILING = """
from pathlib import Path
from pydantic import BaseModel
from core.errors import TradewatchError
from runners.child import child_main

class Job(BaseModel):
    log_file: Path

def work(job):
    raise TradewatchError("\\n平台配置 demo 无效 / profile demo is invalid\\n  listing.title: 缺少必填项")

raise SystemExit(child_main("failing", Job, work))
"""


def test_a_child_that_fails_is_named_by_the_first_line_of_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The parent names the child's last line on standard error; the child writes there the line of its error
    that says why, not its whole message, whose last line (a detail, the driver's context) said nothing."""
    (tmp_path / "failing_child.py").write_text(FAILING, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    log = tmp_path / "job.log"
    with pytest.raises(TradewatchError) as raised:
        ChildCrawl("failing_child", Job(log_file=log), what=("抓取", "sweep"), log_file=log).result(timeout=120)
    assert str(raised.value) == (
        f"抓取进程失败 / sweep process failed (exit 2): 平台配置 demo 无效 / profile demo is invalid; log: {log}"
    )
    assert "listing.title: 缺少必填项" in log.read_text(encoding="utf-8")  # the whole message is in the log
    # the officer's language shows the whole line: the exit code, the child's reason and the log, not the head alone
    assert localised(raised.value, "zh") == f"抓取进程失败（退出码 2）：平台配置 demo 无效；日志：{log}"
    assert localised(raised.value, "en") == f"sweep process failed (exit 2): profile demo is invalid; log: {log}"


def localised(error: BaseException, lang: str) -> str:
    from cli.i18n import get_language, localise_error, set_language

    before = get_language()
    set_language(lang)
    try:
        return localise_error(error)
    finally:
        set_language(before)


def test_an_unexpected_error_reads_whole_in_either_language(tmp_path: Path):
    def work(job: Job) -> None:
        raise ValueError("坏值")

    log = tmp_path / "run.log"
    with pytest.raises(TradewatchError) as raised:
        work_here("sweep", Job(log_file=log), work, what=("抓取", "sweep"))
    assert localised(raised.value, "zh") == f"抓取失败：ValueError: 坏值；日志：{log}"
    assert localised(raised.value, "en") == f"sweep failed: ValueError: 坏值; log: {log}"


def test_a_failure_of_a_kind_the_parent_does_not_know_is_one_line():
    error = child._failure({"kind": "QuotaExceeded\nRetry later", "params": {"where": "x"}})
    assert str(error) == "子进程报告了未知的故障 / the child reported an unknown failure: QuotaExceeded"


# A crawl that records its run as started, then does not close when asked (SIGTERM ignored) until it is killed.
RECORDS_AND_HANGS = """
import os, pathlib, signal, time
from leads.db import run_write
from leads.runs import start_run
here = pathlib.Path(os.environ["STOPPABLE_DIR"])
signal.signal(signal.SIGTERM, signal.SIG_IGN)
run_write(lambda session: start_run(session, platform="demo", keywords=["象牙", "穿山甲"], campaign=None))
(here / "ready").write_text("yes")
time.sleep(120)
"""


@pytest.mark.parametrize("how", ["close", "stop_children"])
def test_a_child_killed_by_a_forced_stop_has_its_runs_recorded_interrupted_at_once(
    tmp_path: Path, tw_home: Path, monkeypatch: pytest.MonkeyPatch, how: str
):
    """A child its parent kills (it did not close within the wait, or a second stop came): the runs it left open
    are recorded interrupted as the parent closes it, stopped by force, not left `running` until someone looks;
    another process's open run is left alone."""
    from sqlmodel import Session, select

    from leads.db import get_engine, run_write
    from leads.models import CrawlRun
    from leads.runs import FORCED_STOP, start_run

    (tmp_path / "records_and_hangs.py").write_text(RECORDS_AND_HANGS, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("STOPPABLE_DIR", str(tmp_path))
    mine = run_write(lambda session: start_run(session, platform="demo-gbk", keywords=["犀角"], campaign=None))
    crawl = started("records_and_hangs", tmp_path)
    try:
        if how == "close":
            crawl.close(grace=0.5)
        else:  # the scheduler's way: its main thread kills, the thread that waits for the child closes it
            monkeypatch.setattr(child, "_stopping", threading.Event())  # children start again after the test
            assert child.stop_children(grace=0.5) == 1
            with pytest.raises(KeyboardInterrupt):
                crawl.result()
    finally:
        if crawl.process.poll() is None:
            crawl.process.kill()
            crawl.process.wait()
    assert crawl.process.returncode == -signal.SIGKILL
    with Session(get_engine()) as session:
        runs = {run.platform: run for run in session.exec(select(CrawlRun))}
    assert (runs["demo"].outcome, runs["demo"].finish_reason) == ("interrupted", FORCED_STOP)
    assert runs["demo"].finished_at is not None and runs["demo"].pid == crawl.process.pid
    assert (runs["demo-gbk"].id, runs["demo-gbk"].finished_at) == (mine, None)  # this process's, still running


# A child that tells when it is ready and answers once told to go (a file), polling for it.
WAITING = """
import os, pathlib, time
from pydantic import BaseModel
from runners.child import child_main

here = pathlib.Path(os.environ["STOPPABLE_DIR"])

class Job(BaseModel):
    log_file: pathlib.Path

def work(job):
    (here / "ready").write_text("yes")
    while not (here / "go").exists():
        time.sleep(0.05)
    return "读完 / done"

raise SystemExit(child_main("waiting", Job, work))
"""

# A parent in a terminal's foreground group that handles Ctrl-Z as the `tradewatch` program does and waits for
# its child, `TIMEOUT` seconds at most, once the child is ready.
PATIENT_PARENT = """
import os, pathlib, sys, time
from pydantic import BaseModel
from core.job_control import ctrl_z_pauses_descendants
from runners.child import ChildCrawl

here = pathlib.Path(os.environ["STOPPABLE_DIR"])

class Job(BaseModel):
    log_file: pathlib.Path

with ctrl_z_pauses_descendants():
    crawl = ChildCrawl("waiting_child", Job(log_file=here / "job.log"), what=("测试", "test"))
    while not (here / "ready").exists():
        time.sleep(0.05)
    (here / "child.pid").write_text(str(crawl.process.pid))
    print(crawl.result(timeout=float(sys.argv[1])), flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_time_stopped_by_ctrl_z_does_not_count_against_a_child_s_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Ctrl-Z stops a parent and its child (which leads a group of its own) for longer than the child's timeout,
    and `fg` continues both: before, the parent's wait had run out while both were stopped, and it killed its
    child as timed out the moment they went on; now only running time counts, and the child answers."""
    import subprocess
    import sys

    from tests.test_sweep_interrupt import state, wait_for

    timeout = 3.0
    (tmp_path / "waiting_child.py").write_text(WAITING, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("STOPPABLE_DIR", str(tmp_path))
    parent = subprocess.Popen(
        [sys.executable, "-c", PATIENT_PARENT, str(timeout)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,  # as a terminal runs a command
    )
    try:
        wait_for(lambda: (tmp_path / "child.pid").exists() and parent.poll() is None, "the parent to wait", 60)
        waited = int((tmp_path / "child.pid").read_text())
        os.killpg(parent.pid, signal.SIGTSTP)  # Ctrl-Z
        wait_for(lambda: state(parent.pid) == state(waited) == "T", "both to stop", seconds=30)
        time.sleep(timeout + 1)  # stopped for longer than the timeout: the case under test, not a wait
        (tmp_path / "go").touch()
        os.killpg(parent.pid, signal.SIGCONT)  # fg
        out, err = parent.communicate(timeout=60)
    finally:
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGCONT)
            parent.kill()
    assert parent.returncode == 0, err
    assert out.strip() == "读完 / done"

"""Ctrl-C or SIGTERM ends a sweep within seconds at whatever stage it is, its run recorded as interrupted with
what was read, one closing line saying so, and no browser left behind: while its spider opens, while the browser
is still starting (its launch hangs), and while pages are being read."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

import runners.sweep
from cli.app import app
from cli.sweep import INTERRUPTED_EXIT
from crawler.run_health import SHUTDOWN
from leads.db import get_engine
from leads.models import CrawlRun
from leads.runs import FORCED_STOP
from runners.distributed import coordinator
from runners.distributed.coordinator import SweepLeftOpen
from tests.held_opening import HELD_LINE, OPENING_FAILED
from tests.opening_fails_early import NO_PROXY

ROOT = Path(__file__).resolve().parents[1]
FORCED_STOP_ZH = "被强制停止，未能正常收尾（再次收到停止信号，或未在等待时间内收尾）"
HANGS = """#!/bin/sh
echo $$ > "{pid_file}"
exec sleep 300
"""  # a Chromium that never answers: the launch waits for it up to Playwright's 30 s timeout


def start_command(
    args: list[str], *, own_group: bool = False, nohup: bool = False, **env: str
) -> subprocess.Popen[str]:
    """`tradewatch ARGS` in Chinese, in a process of its own (with the test's environment and `env`); with
    `own_group`, leading a process group of its own, as a terminal runs a command: Ctrl-C there is SIGINT to the
    whole group (`os.killpg`); with `nohup`, run by nohup(1), SIGHUP ignored."""
    return subprocess.Popen(
        [*(["nohup"] if nohup else []), *command_line(args)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_LANG": "zh", **env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0 if own_group else None,
    )


def command_line(args: list[str]) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.argv = ['tradewatch', *{args!r}]\nfrom cli.app import main\nmain()"]


class Terminal:
    """`tradewatch ARGS` in Chinese run in a terminal of its own: a pseudo-terminal its standard input and output,
    and its controlling terminal, the command leading the session as an officer's shell would. `close()` closes
    the terminal as its window is closed: the kernel hangs it up, SIGHUP to the command, whose writes to it fail
    from then on."""

    def __init__(self, args: list[str], **env: str) -> None:
        import fcntl
        import pty
        import termios
        import threading

        self.master, follower = pty.openpty()
        self.command = subprocess.Popen(
            command_line(args),
            env={**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_LANG": "zh", **env},
            cwd=ROOT,
            stdin=follower,
            stdout=follower,
            stderr=follower,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # after setsid, in the child
        )
        os.close(follower)
        self.output = b""
        self._closing = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)  # the terminal shows what is written
        self._reader.start()

    def _read(self) -> None:
        import select

        while not self._closing.is_set():
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:  # hung up: the command and its session are gone
                    return

    def close(self) -> None:
        self._closing.set()
        self._reader.join()
        os.close(self.master)


def start_sweep(platform: str, base_url: str, home: Path, **env: str) -> subprocess.Popen[str]:
    """`tradewatch sweep` in Chinese, in a process of its own."""
    args = ["sweep", "--platform", platform, "--keywords", "象牙,穿山甲,犀角", "--base-url", base_url]
    return start_command(args, TRADEWATCH_HOME=str(home), **env)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def nightly_job(home: Path, base_url: str) -> list[str]:
    """The arguments of `tradewatch schedule run-job nightly-sweep`, its timetable (under `home`) sweeping the demo
    marketplace at `base_url`."""
    import yaml

    home.mkdir(parents=True, exist_ok=True)
    timetable = home / "schedule.yaml"
    nightly = {"time": "02:00", "platforms": ["demo"], "keywords": ["象牙", "穿山甲", "犀角"]}
    timetable.write_text(
        yaml.safe_dump({"base_url": base_url, "nightly_sweep": nightly}, allow_unicode=True), encoding="utf-8"
    )
    return ["schedule", "run-job", "nightly-sweep", "--timetable", str(timetable)]


def until(command: subprocess.Popen[str], condition: Callable[[], bool], what: str) -> None:
    """Wait until `condition` holds, however long a loaded machine takes (pytest's timeout is the limit); fails
    at once, with its error output, when `command` ends first."""
    while not condition():
        if command.poll() is not None:
            pytest.fail(f"the command ended before {what}: {command.stderr.read() if command.stderr else ''}")
        time.sleep(0.1)


def items_requested(base_url: str) -> int:
    """How many item pages the demo marketplace at `base_url` was asked for: once one is, search pages were read
    and the crawl's engine runs."""
    with urllib.request.urlopen(f"{base_url}/admin/stats", timeout=10) as response:
        hits: dict[str, int] = json.load(response)["hits"]
    return sum(count for path, count in hits.items() if "/item/" in path)


def logged(home: Path, line: str) -> bool:
    """Some sweep log under `home` has `line`."""
    return any(line in log.read_text(encoding="utf-8") for log in (home / "logs").glob("sweep-*.log"))


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stopped_once(
    command: subprocess.Popen[str], ready: Callable[[], bool], what: str, stop: Callable[[], None] | None = None
) -> tuple[str, str]:
    """SIGTERM to `command` (or `stop()`) once `ready()` holds (`what`): its output, once it and the processes it
    started have ended (whichever has not, within a while, is killed)."""
    children: list[psutil.Process] = []
    try:
        until(command, ready, what)
        children = psutil.Process(command.pid).children(recursive=True)
        if stop is None:
            command.send_signal(signal.SIGTERM)
        else:
            stop()
        out, err = command.communicate()
        wait_for(lambda: not any(alive(child.pid) for child in children), "the crawl's process to end", seconds=20)
    finally:
        for child in children:
            if alive(child.pid):
                child.kill()
        if command.poll() is None:
            command.kill()
    return out, err


def stopped_while_crawling(
    command: subprocess.Popen[str], base_url: str, stop: Callable[[], None] | None = None
) -> tuple[str, str]:
    """SIGTERM to `command` (or `stop()`) once its sweep reads item pages of the demo marketplace at `base_url`
    in a process of its own (a child, a local worker): its output, once it and that process have ended."""

    def stop_the_crawl() -> None:
        assert psutil.Process(command.pid).children(recursive=True)  # the process that crawls
        if stop is None:
            command.send_signal(signal.SIGTERM)
        else:
            stop()

    return stopped_once(command, lambda: items_requested(base_url) > 0, "the crawl read pages", stop_the_crawl)


def assert_interrupted(command: subprocess.Popen[str], out: str, err: str, line: str) -> None:
    """The command exited 130 with `line` its one error line and no traceback; its sweep's one crawl run is
    recorded as interrupted."""
    assert command.returncode == INTERRUPTED_EXIT, err
    assert [told for told in err.splitlines() if told.startswith("错误：")] == [line], err
    assert "Traceback" not in out + err
    run = the_run()
    assert (run.outcome, run.finish_reason) == ("interrupted", SHUTDOWN) and run.finished_at is not None


def the_run() -> CrawlRun:
    with Session(get_engine()) as session:
        (run,) = session.exec(select(CrawlRun)).all()
    return run


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_sweep_interrupted_while_its_browser_starts_records_its_run_as_interrupted_and_leaves_no_browser(
    demo_market: str, tw_home: Path, tmp_path: Path, signum: signal.Signals
):
    pid_file = tmp_path / "chromium.pid"
    chromium = tmp_path / "chromium"
    chromium.write_text(HANGS.format(pid_file=pid_file), encoding="utf-8")
    chromium.chmod(0o755)
    sweep = start_sweep("demo-js", demo_market, tw_home, TRADEWATCH_CHROMIUM_PATH=str(chromium))
    try:
        wait_for(lambda: pid_file.exists() and pid_file.read_text().strip() != "", "the browser's launch")
        started = [child.pid for child in psutil.Process(sweep.pid).children(recursive=True)]
        browser = int(pid_file.read_text())
        assert browser in started  # the driver's child, launching

        sweep.send_signal(signum)
        out, err = sweep.communicate(timeout=15)  # seconds, not the launch's 30 s timeout
    finally:
        if sweep.poll() is None:
            sweep.kill()

    assert sweep.returncode == INTERRUPTED_EXIT, err
    run = the_run()
    assert (run.outcome, run.finish_reason, run.pages, run.listings) == ("interrupted", SHUTDOWN, 0, 0)
    assert run.finished_at is not None
    told = [line for line in err.splitlines() if line.startswith("错误：")]
    assert told == [
        "错误：抓取被中断：demo-js（已中断；被 Ctrl-C 或停止信号中止；已读取的 0 个页面和 0 条商品已保存）"
    ], err
    assert "Traceback" not in out + err
    assert [pid for pid in started if alive(pid)] == []  # neither the browser nor Playwright's driver


def test_a_sweep_interrupted_while_it_reads_pages_keeps_what_it_read(demo_market_factory, tw_home: Path):
    base_url = demo_market_factory(slow_ms=400)  # a crawl of a few seconds
    sweep = start_sweep("demo", base_url, tw_home)
    # Ctrl-C once some pages were read, more to come; its output once it ended, however long a loaded machine takes.
    out, err = stopped_once(
        sweep, lambda: items_requested(base_url) > 0, "the crawl read pages", lambda: sweep.send_signal(signal.SIGINT)
    )

    assert sweep.returncode == INTERRUPTED_EXIT, err
    run = the_run()
    assert (run.outcome, run.finish_reason) == ("interrupted", SHUTDOWN)
    assert run.pages > 0 and run.listings > 0  # the item pages asked for were read and their listings kept
    kept = f"已读取的 {run.pages} 个页面和 {run.listings} 条商品已保存"
    assert f"错误：抓取被中断：demo（已中断；被 Ctrl-C 或停止信号中止；{kept}）" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("command", ["sweep", "run-job"])
def test_a_sweep_stopped_while_its_spider_opens_records_its_run_interrupted_at_once(
    demo_market: str, tw_home: Path, command: str
):
    """SIGTERM while the spider opens, its run recorded as started and its engine not started yet (held there by
    tests/held_opening.py), crawled in the command's own process (`tradewatch sweep`) or in a child process
    (`schedule run-job`): before, Scrapy's stop found no engine to stop, the reactor stopped, and the run stayed
    `running` until `tradewatch runs` or a report marked it; now the crawl is stopped as its engine starts, and its
    run is recorded interrupted at once, by the crawl itself."""
    held = "tests.held_opening"
    if command == "sweep":
        process = start_sweep("demo", demo_market, tw_home, SCRAPY_SETTINGS_MODULE=held)
        line = "错误：抓取被中断：demo（已中断；被 Ctrl-C 或停止信号中止；已读取的 0 个页面和 0 条商品已保存）"
    else:
        job = nightly_job(tw_home, demo_market)
        process = start_command(job, TRADEWATCH_HOME=str(tw_home), SCRAPY_SETTINGS_MODULE=held)
        line = "错误：任务 nightly-sweep：已中断；详见 tradewatch runs"
    out, err = stopped_once(process, lambda: logged(tw_home, HELD_LINE), "the spider opened")

    assert_interrupted(process, out, err, line)  # finish reason `shutdown`: the crawl's own record
    assert (the_run().pages, the_run().listings) == (0, 0)
    assert logged(tw_home, "Spider closed (shutdown)")


def test_a_sweep_stopped_while_its_spider_opens_whose_opening_then_fails_ends_with_its_run_recorded(
    demo_market: str, tw_home: Path
):
    """The stop waits for the spider's opening to be done: an opening that fails closes the spider itself, and the
    stop ends with it instead of waiting for an engine that never starts (held by tests/held_opening.py)."""
    sweep = start_sweep("demo", demo_market, tw_home, SCRAPY_SETTINGS_MODULE="tests.held_opening_fails")
    out, err = stopped_once(sweep, lambda: logged(tw_home, HELD_LINE), "the spider opened")

    run = the_run()
    assert (run.finish_reason, run.finished_at is not None) == (OPENING_FAILED, True)
    assert sweep.returncode == 3, err  # a run that did not complete normally
    assert len([told for told in err.splitlines() if told.startswith("错误：")]) == 1, err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("interrupt", "line"),
    [
        (KeyboardInterrupt(), "错误：抓取被中断"),
        (SweepLeftOpen("20261207T021500-a1b2c3"),
         "错误：抓取 20261207T021500-a1b2c3 被中断：它仍为其他机器上的工作进程保持开放；"
         "tradewatch worker --finish 20261207T021500-a1b2c3 可记录其运行结果"),
    ],
)  # fmt: skip
def test_a_sweep_interrupted_in_its_parent_exits_130_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tw_home: Path, interrupt: KeyboardInterrupt, line: str
):
    """A sweep crawled in a child process, or a distributed sweep's coordinator, sees Ctrl-C as KeyboardInterrupt:
    not click's "Aborted!" and exit 1."""

    def interrupted(*_: object, **__: object) -> None:
        raise interrupt

    monkeypatch.setattr(runners.sweep, "run_sweep", interrupted)
    done = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(app, ["sweep", "-p", "demo", "-k", "象牙", "--local"])
    assert done.exit_code == INTERRUPTED_EXIT, done.output
    assert done.output.strip().splitlines() == [line]


def test_an_interrupted_coordinator_stops_its_workers_together_and_records_its_runs_interrupted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """Workers that do not close when asked are killed after one shared wait, not one wait each; the runs are
    recorded as interrupted, and the sweep named as left open."""
    from crawler.run_health import SHUTDOWN
    from runners import child
    from runners.distributed.worker import WorkerRequest

    monkeypatch.setattr(child, "STOP_SECONDS", 2.0)
    spec = SimpleNamespace(sweep_id="20261207T021500-a1b2c3", platforms=["demo"])
    started: list[child.ChildCrawl] = []
    recorded: list[dict[str, object]] = []

    def stubborn_worker(sweep_id: str, log_file: Path | None, *, worker_id: str | None = None) -> child.ChildCrawl:
        request = WorkerRequest(sweep_id=sweep_id, worker_id=worker_id)
        started.append(child.ChildCrawl("tests.stubborn_child", request, what=("分布式抓取工作", "sweep worker")))
        return started[-1]

    def wait(*_: object, **__: object) -> bool:
        for worker in started:
            wait_for(worker.request_path.with_suffix(".ready").exists, "the worker to ignore SIGTERM", seconds=30)
        raise KeyboardInterrupt

    monkeypatch.setattr(coordinator, "connect", lambda url: object())
    monkeypatch.setattr(coordinator, "start_sweep", lambda server, request: spec)
    monkeypatch.setattr(coordinator, "start_worker", stubborn_worker)
    monkeypatch.setattr(coordinator, "wait_until_done", wait)
    monkeypatch.setattr(
        coordinator, "record_runs", lambda server, sweep, **how: recorded.append({"spec": sweep, **how})
    )
    request = SimpleNamespace(log_file=None)
    with pytest.raises(SweepLeftOpen) as raised:
        began = time.monotonic()
        coordinator.run_distributed_sweep(request, redis_url="redis://localhost:6379/0", local_workers=3)  # type: ignore[arg-type]
    took = time.monotonic() - began
    assert raised.value.sweep_id == spec.sweep_id
    assert [worker.process.poll() for worker in started] == [-signal.SIGKILL] * 3
    assert 2.0 <= took < 4.0, took  # one shared wait of 2 s; one after another took 6 s
    assert recorded == [{"spec": spec, "reason": SHUTDOWN}]


def test_a_second_stop_signal_while_the_coordinator_stops_still_records_its_runs(monkeypatch: pytest.MonkeyPatch):
    """`kill` sent twice (or Ctrl-C then `kill`): the second signal while the workers close kills them at once,
    a third while the runs are recorded is ignored, and the sweep is still named as left open with its runs
    recorded as interrupted; SIGTERM's handling is given back afterwards."""
    spec = SimpleNamespace(sweep_id="20261207T021500-d4e5f6", platforms=["demo"])
    recorded: list[dict[str, object]] = []
    closed: list[object] = []

    def wait(*_: object, **__: object) -> bool:
        os.kill(os.getpid(), signal.SIGTERM)  # the first `kill`
        time.sleep(5)
        return True

    def close_all(workers: object) -> None:
        closed.append(workers)
        os.kill(os.getpid(), signal.SIGTERM)  # a second one while the workers close
        time.sleep(5)

    def record_runs(server: object, sweep: object, **how: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # and a third while the runs are recorded
        time.sleep(0.2)
        recorded.append({"spec": sweep, **how})

    monkeypatch.setattr(coordinator, "connect", lambda url: object())
    monkeypatch.setattr(coordinator, "start_sweep", lambda server, request: spec)
    monkeypatch.setattr(coordinator, "wait_until_done", wait)
    monkeypatch.setattr(coordinator, "close_all", close_all)
    monkeypatch.setattr(coordinator, "record_runs", record_runs)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt) as raised:  # a bare one before: the runs left `running`, no sweep named
        coordinator.run_distributed_sweep(
            SimpleNamespace(log_file=None),  # type: ignore[arg-type]
            redis_url="redis://localhost:6379/0",
            local_workers=0,
        )
    assert isinstance(raised.value, SweepLeftOpen) and raised.value.sweep_id == spec.sweep_id
    assert closed == [[]]
    assert recorded == [{"spec": spec, "reason": SHUTDOWN}]
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_sweep_job_run_now_and_killed_stops_its_sweep_and_says_so(demo_market_factory, tw_home: Path):
    """`kill` of `tradewatch schedule run-job nightly-sweep`, whose sweep crawls in a child process: before, the
    command died at once (exit -15) and left its child crawling with nobody waiting; now the child is asked to
    stop, its run is recorded as interrupted, and the command exits 130 with one line."""
    base_url = demo_market_factory(slow_ms=400)
    job = start_command(nightly_job(tw_home, base_url), TRADEWATCH_HOME=str(tw_home))
    out, err = stopped_while_crawling(job, base_url)
    assert_interrupted(job, out, err, "错误：任务 nightly-sweep：已中断；详见 tradewatch runs")


def test_one_ctrl_c_stops_a_crawl_child_once_and_gracefully(demo_market_factory, tw_home: Path):
    """Ctrl-C in a terminal is SIGINT to its whole foreground process group, here `tradewatch schedule run-job
    nightly-sweep`, whose sweep crawls in a child process, and the command asks its child to stop as well: before,
    the child took the terminal's SIGINT for its graceful stop and its parent's SIGTERM for a second one, Scrapy's
    "forcing unclean shutdown", and its run was left `running` for `tradewatch runs` to mark; now the child is
    asked once, by its parent, closes its spider, and its run is recorded interrupted with what it read."""
    base_url = demo_market_factory(slow_ms=400)
    job = start_command(nightly_job(tw_home, base_url), own_group=True, TRADEWATCH_HOME=str(tw_home))
    out, err = stopped_while_crawling(job, base_url, stop=lambda: os.killpg(job.pid, signal.SIGINT))

    assert_interrupted(job, out, err, "错误：任务 nightly-sweep：已中断；详见 tradewatch runs")
    (log,) = (tw_home / "logs").glob("sweep-*.log")
    told = [line for line in log.read_text(encoding="utf-8").splitlines() if "scrapy.crawler: Received" in line]
    assert len(told) == 1 and "shutting down gracefully" in told[0], told
    assert "Spider closed (shutdown)" in log.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("distributed", [False, True], ids=["child", "distributed"])
def test_a_scheduler_stopped_while_its_sweep_crawls_stops_it_and_records_it_interrupted(
    demo_market_factory, tw_home: Path, request: pytest.FixtureRequest, distributed: bool
):
    """`kill` of `tradewatch schedule run` while its nightly sweep crawls, in a child process or through a local
    worker of a distributed sweep: before, the scheduler stopped but the job's crawl went on, its runs `running`,
    and the command waited for it, however long; now the crawl is stopped, its run and the job's run are recorded
    as interrupted, no process is left, and the command exits 130 with one line naming the job."""
    import yaml

    from crawler.distributed.keys import connect
    from tests.redis_support import forget_sweeps_of
    from tests.scheduler_support import runs_of

    env = {"TRADEWATCH_HOME": str(tw_home)}
    if distributed:
        env["TRADEWATCH_REDIS_URL"] = request.getfixturevalue("redis_url")
    base_url = demo_market_factory(slow_ms=400)
    tw_home.mkdir(parents=True, exist_ok=True)
    timetable = tw_home / "schedule.yaml"
    # due within a minute
    nightly = {"cron": "* * * * *", "platforms": ["demo"], "keywords": ["象牙", "穿山甲", "犀角"]}
    timetable.write_text(yaml.safe_dump({"base_url": base_url, "nightly_sweep": nightly}), encoding="utf-8")
    scheduler = start_command(["schedule", "run", "--timetable", str(timetable)], **env)
    try:
        out, err = stopped_while_crawling(scheduler, base_url)
    finally:
        if distributed:  # the interrupted sweep is left open for workers elsewhere; this test's own is dropped
            forget_sweeps_of(connect(env["TRADEWATCH_REDIS_URL"]), base_url)
    assert_interrupted(scheduler, out, err, "错误：定时任务已停止，以下任务已中断：nightly-sweep；详见 tradewatch runs")
    (job,) = runs_of("nightly-sweep")
    assert (job.outcome, job.finished_at is not None) == ("interrupted", True)


@pytest.mark.parametrize("stop", ["SIGTERM", "Redis lost"])
def test_a_coordinator_stopped_while_it_seeds_records_its_runs_at_once(
    monkeypatch: pytest.MonkeyPatch, tw_home: Path, redis_url: str, stop: str
):
    """`kill` of a distributed sweep while its coordinator seeds the queue, or Redis lost then: before, the runs
    it had just opened stayed `running` until a later `tradewatch runs` found their process gone; now they are
    recorded at once, interrupted (or failed, saying why), before the coordinator gives up."""
    from crawler.run_health import SHUTDOWN
    from runners.sweep_request import SweepRequest
    from spiders.sweep_params import SweepParams

    def stopped_seed(server: object, spec: object) -> int:
        if stop == "SIGTERM":
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)  # SIGTERM's handler raises in here
            raise AssertionError("SIGTERM did not stop the seeding")
        raise ConnectionError("连接被拒绝 Connection refused\n  (redis-py's context)")

    monkeypatch.setattr(coordinator, "seed", stopped_seed)
    request = SweepRequest(platforms=["demo", "demo-gbk"], params=SweepParams(keywords=["象牙"]))
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt if stop == "SIGTERM" else ConnectionError):
        coordinator.run_distributed_sweep(request, redis_url=redis_url, local_workers=1)
    assert signal.getsignal(signal.SIGTERM) is before
    with Session(get_engine()) as session:
        runs = list(session.exec(select(CrawlRun)))
    recorded = (
        ("interrupted", SHUTDOWN) if stop == "SIGTERM" else ("failed", "process failed: 连接被拒绝 Connection refused")
    )
    assert {run.platform: (run.outcome, run.finish_reason) for run in runs} == {
        "demo": recorded,
        "demo-gbk": recorded,
    }
    assert all(run.finished_at is not None for run in runs)


def test_closing_the_terminal_of_a_sweep_job_stops_its_crawl_child_and_records_its_run_interrupted(
    demo_market_factory, tw_home: Path
):
    """The officer closes the terminal of `tradewatch schedule run-job nightly-sweep` while its sweep crawls in a
    child process, which leads a process group of its own: the terminal's hangup reaches only the command. Before,
    the command died of it and left its child crawling with nobody to report to (its run then read `ok`); now the
    command stops its child as on SIGTERM, the run is recorded interrupted with what was read, and it exits 130,
    no process left."""
    base_url = demo_market_factory(slow_ms=400)
    terminal = Terminal(nightly_job(tw_home, base_url), TRADEWATCH_HOME=str(tw_home))
    try:
        stopped_while_crawling(terminal.command, base_url, stop=terminal.close)
    finally:
        if not terminal._closing.is_set():
            terminal.close()

    assert terminal.command.returncode == INTERRUPTED_EXIT, terminal.output  # its one line had no terminal left
    run = the_run()
    assert (run.outcome, run.finish_reason, run.finished_at is not None) == ("interrupted", SHUTDOWN, True)
    assert run.pages > 0 and run.listings > 0
    (log,) = (tw_home / "logs").glob("sweep-*.log")
    told = [line for line in log.read_text(encoding="utf-8").splitlines() if "scrapy.crawler: Received" in line]
    assert len(told) == 1 and "Received SIGTERM, shutting down gracefully" in told[0], told  # its parent's request


def test_a_sweep_whose_terminal_hangs_up_stops_gracefully_and_keeps_what_it_read(demo_market_factory, tw_home: Path):
    """`tradewatch sweep` crawls in its own process, its store writer beside it in its group: the hangup a closed
    terminal sends the whole group closes the crawl as Ctrl-C does (the writer, which the crawl stops, ignores
    it), instead of ending the command with its run `running`."""
    base_url = demo_market_factory(slow_ms=400)
    args = ["sweep", "--platform", "demo", "--keywords", "象牙,穿山甲,犀角", "--base-url", base_url]
    sweep = start_command(args, own_group=True, TRADEWATCH_HOME=str(tw_home))
    out, err = stopped_once(
        sweep,
        lambda: items_requested(base_url) > 0,
        "the crawl read pages",
        lambda: os.killpg(sweep.pid, signal.SIGHUP),
    )

    assert sweep.returncode == INTERRUPTED_EXIT, err
    run = the_run()
    assert (run.outcome, run.finish_reason) == ("interrupted", SHUTDOWN)
    assert run.pages > 0 and run.listings > 0
    kept = f"已读取的 {run.pages} 个页面和 {run.listings} 条商品已保存"
    assert [line for line in err.splitlines() if line.startswith("错误：")] == [
        f"错误：抓取被中断：demo（已中断；被 Ctrl-C 或停止信号中止；{kept}）"
    ], err
    assert "Traceback" not in out + err
    assert logged(tw_home, "Received SIGHUP, shutting down gracefully")


def test_a_sweep_job_run_under_nohup_sweeps_on_when_its_terminal_hangs_up(demo_market_factory, tw_home: Path):
    """`nohup tradewatch schedule run-job nightly-sweep`, meant to outlive its terminal: its hangup stays ignored,
    and the sweep reads on to its end."""
    base_url = demo_market_factory(slow_ms=400)
    job = start_command(nightly_job(tw_home, base_url), nohup=True, TRADEWATCH_HOME=str(tw_home))
    out, err = stopped_while_crawling(job, base_url, stop=lambda: job.send_signal(signal.SIGHUP))

    assert job.returncode == 0, err
    assert "Traceback" not in out + err
    run = the_run()
    assert (run.outcome, run.finish_reason) == ("ok", "finished")
    assert not logged(tw_home, "scrapy.crawler: Received")


@pytest.mark.parametrize("command", ["sweep", "run-job"])
def test_a_second_stop_signal_to_a_crawl_that_does_not_close_records_its_run_interrupted_at_once(
    demo_market: str, tw_home: Path, command: str
):
    """`kill` twice of a sweep whose crawl does not close when asked (its opening held whatever the stop,
    tests/held_opening_forever.py), crawled in the command's own process (`tradewatch sweep`: the second signal
    is Scrapy's forced stop, which ends the reactor without closing the spider) or in a child process
    (`schedule run-job`, which kills its child at the second signal). Before, its run was left `running` until
    `tradewatch runs` or a report marked it (and `tradewatch sweep` exited 3, "did not complete normally"); now
    the command records it interrupted, stopped by force, before it exits 130."""
    held = "tests.held_opening_forever"
    if command == "sweep":
        process = start_sweep("demo", demo_market, tw_home, SCRAPY_SETTINGS_MODULE=held)
        line = f"错误：抓取被中断：demo（已中断；{FORCED_STOP_ZH}）"
    else:
        job = nightly_job(tw_home, demo_market)
        process = start_command(job, TRADEWATCH_HOME=str(tw_home), SCRAPY_SETTINGS_MODULE=held)
        line = "错误：任务 nightly-sweep：已中断；详见 tradewatch runs"

    def twice() -> None:
        process.send_signal(signal.SIGTERM)
        until(process, lambda: logged(tw_home, "Received SIGTERM, shutting down gracefully"), "the crawl was asked")
        process.send_signal(signal.SIGTERM)

    out, err = stopped_once(process, lambda: logged(tw_home, HELD_LINE), "the spider opened", twice)

    assert process.returncode == INTERRUPTED_EXIT, err
    assert [told for told in err.splitlines() if told.startswith("错误：")] == [line], err
    assert "Traceback" not in out + err
    run = the_run()  # read as the command left it: nothing else has looked at it since
    assert (run.outcome, run.finish_reason, run.finished_at is not None) == ("interrupted", FORCED_STOP, True)


def test_a_sweep_whose_opening_fails_before_its_run_is_recorded_says_so_in_one_line(demo_market: str, tw_home: Path):
    """A component that cannot start fails the spider's opening (otherwise than with CloseSpider) before its run
    is recorded (tests/opening_fails_early.py): before, the command said `sweep failed: TypeError: int() argument
    ...`; now one line names the platform and the component's error, and the log holds its traceback. The sweep,
    crawled in the command's own process, is recorded as the scheduler's is: a failed run for the platform,
    saying why."""
    sweep = start_sweep("demo", demo_market, tw_home, SCRAPY_SETTINGS_MODULE="tests.opening_fails_early")
    out, err = sweep.communicate()

    assert sweep.returncode == 2, err
    (log,) = (tw_home / "logs").glob("sweep-*.log")
    assert [line for line in err.splitlines() if line.startswith("错误：")] == [
        f"错误：抓取 demo 在启动时失败，尚未记录运行：ValueError: {NO_PROXY}；日志：{log}"
    ], err
    assert "Traceback" not in out + err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and f"ValueError: {NO_PROXY}" in text
    with Session(get_engine()) as session:
        (run,) = session.exec(select(CrawlRun)).all()
    assert (run.platform, run.outcome, run.finished_at is not None) == ("demo", "failed", True)
    assert run.finish_reason == (
        f"process failed: the sweep of demo failed as it started, before its run was recorded: ValueError: {NO_PROXY}"
        f"; log: {log}"
    )


def test_a_closed_terminal_stops_a_parent_as_sigterm_does_unless_it_runs_under_nohup():
    """SIGHUP (the terminal closed) ends a command that waits for its crawl child (`sigterm_interrupts`) and the
    scheduler (`_signals_stop`) as SIGTERM does; started with SIGHUP ignored (`nohup`), they leave it ignored."""
    from runners.child import sigterm_interrupts
    from scheduler import _signals_stop

    stopped: list[bool] = []
    scheduler = SimpleNamespace(shutdown=lambda wait: stopped.append(wait))
    before = signal.getsignal(signal.SIGHUP)
    try:
        for started_with in (signal.SIG_DFL, signal.SIG_IGN):
            signal.signal(signal.SIGHUP, started_with)
            with sigterm_interrupts():
                handled = signal.getsignal(signal.SIGHUP)
                assert (handled == signal.SIG_IGN) == (started_with == signal.SIG_IGN)
                if handled != signal.SIG_IGN:
                    with pytest.raises(KeyboardInterrupt):
                        os.kill(os.getpid(), signal.SIGHUP)
                        time.sleep(5)  # the handler raises in here
            assert signal.getsignal(signal.SIGHUP) == started_with
            with _signals_stop(scheduler):
                handled = signal.getsignal(signal.SIGHUP)
                assert (handled == signal.SIG_IGN) == (started_with == signal.SIG_IGN)
                if handled != signal.SIG_IGN:
                    os.kill(os.getpid(), signal.SIGHUP)
                    wait_for(lambda: stopped == [False], "the scheduler to be stopped", seconds=5)
            assert signal.getsignal(signal.SIGHUP) == started_with
    finally:
        signal.signal(signal.SIGHUP, before)
    assert stopped == [False]  # stopped once, not under nohup


def state(pid: int) -> str:
    """The process's state as the kernel gives it in /proc/PID/stat ('T': stopped), or '' once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
@pytest.mark.parametrize(
    ("command", "platform"), [("run-job", "demo"), ("sweep", "demo-js")], ids=["crawl-child", "chromium"]
)
def test_ctrl_z_pauses_a_sweep_with_every_process_it_started_and_fg_resumes_them(
    demo_market_factory, tw_home: Path, command: str, platform: str
):
    """Ctrl-Z in the terminal of a sweep: SIGTSTP to the command's process group, then the shell's `fg`, SIGCONT to
    the same group. `schedule run-job nightly-sweep` crawls in a child process that leads a group of its own with
    the processes it starts; `tradewatch sweep` of a JS platform crawls in itself, but Playwright starts Chromium
    in a session of its own. Before, neither heard the terminal: the command stopped, the crawl child or Chromium
    went on in the background, and `fg` resumed nothing that could be seen; now every process the command started
    stops with it and goes on with it, and the sweep reads to its end."""
    import yaml

    base_url = demo_market_factory(slow_ms=400)
    if command == "run-job":
        args = nightly_job(tw_home, base_url)
        timetable = yaml.safe_load((tw_home / "schedule.yaml").read_text(encoding="utf-8"))
        assert timetable["nightly_sweep"]["platforms"] == [platform]
    else:
        args = ["sweep", "--platform", platform, "--keywords", "象牙,穿山甲,犀角", "--base-url", base_url]
    process = start_command(args, own_group=True, TRADEWATCH_HOME=str(tw_home))

    def started() -> list[int]:
        """The command's descendants, and every member of a process group one of them leads."""
        descendants = {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
        return sorted(descendants | {p.pid for p in psutil.process_iter() if _group(p.pid) in descendants})

    try:
        until(process, lambda: items_requested(base_url) > 0, "the crawl read pages")
        assert any(_group(pid) != process.pid for pid in started())  # the crawl child, or Chromium
        os.killpg(process.pid, signal.SIGTSTP)  # Ctrl-Z
        wait_for(lambda: state(process.pid) == "T", "the command to stop", seconds=30)
        wait_for(lambda: all(state(pid) in ("T", "") for pid in started()), "what it started to stop", seconds=30)
        stopped = started()

        os.killpg(process.pid, signal.SIGCONT)  # fg
        wait_for(lambda: "T" not in {state(pid) for pid in [process.pid, *stopped]}, "all to go on", seconds=30)
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGCONT)
            process.kill()

    assert process.returncode == 0, err
    assert "Traceback" not in out + err
    run = the_run()
    assert (run.platform, run.outcome, run.finish_reason) == (platform, "ok", "finished")
    assert run.pages > 0 and run.listings > 0


def _group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None

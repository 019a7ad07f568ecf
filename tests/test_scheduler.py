"""The scheduler's semantics, tested on the real APScheduler with a controlled clock, and on real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

import scheduler as scheduler_module
from core.errors import InputFileError, TradewatchError
from leads.db import get_engine, run_write
from leads.models import CrawlRun
from leads.runs import start_run
from leads.scheduler_lock import SchedulerBusy, SchedulerLock
from runners.sweep_request import SweepResult
from scheduler import load_timetable
from tests.scheduler_support import (
    SHANGHAI,
    clock,
    drive,
    local,
    manual_schedulers,
    runs_of,
    start_scheduler,
    write_timetable,
)

FIXTURES = (clock, manual_schedulers)  # used by name in the tests below

NIGHTLY = {"nightly_sweep": {"time": "02:00", "platforms": ["demo"], "keywords": ["象牙", "穿山甲"]}}


@pytest.fixture
def sweeps(monkeypatch: pytest.MonkeyPatch, tw_home: Path) -> list[dict]:
    """Replace the crawl child with a recorder (the semantics tests are about when, not what)."""
    calls: list[dict] = []

    def fake_run_sweep(request, *, timeout=None):
        calls.append(
            {"platforms": request.platforms, "keywords": request.params.keywords, "at": scheduler_module.now()}
        )
        return SweepResult(run_ids=[], log_file=tw_home / "logs" / "fake.log")

    monkeypatch.setattr("runners.sweep.run_sweep", fake_run_sweep)
    return calls


def test_a_nightly_job_runs_once_per_night(tw_home, clock, sweeps, manual_schedulers):
    timetable = load_timetable(write_timetable(tw_home, NIGHTLY))
    sched = start_scheduler(timetable, manual_schedulers)
    drive(sched, clock, local(2025, 3, 13, 12, 0), step=timedelta(minutes=20))
    assert [call["at"].astimezone(SHANGHAI).strftime("%m-%d %H:%M") for call in sweeps] == [
        "03-11 02:00",
        "03-12 02:00",
        "03-13 02:00",
    ]
    assert [run.slot.astimezone(SHANGHAI).day for run in runs_of("nightly-sweep")] == [11, 12, 13]
    assert all(run.outcome == "ok" for run in runs_of("nightly-sweep"))
    assert sweeps[0]["keywords"] == ["象牙", "穿山甲"]


def test_machine_off_at_two_runs_once_when_it_is_back_two_hours_late(tw_home, clock, sweeps, manual_schedulers):
    timetable = load_timetable(write_timetable(tw_home, NIGHTLY))
    sched = start_scheduler(timetable, manual_schedulers)
    sched.tick()
    sched.shutdown()  # the machine goes off in the afternoon of 03-10 ...
    clock.set(local(2025, 3, 11, 4, 0))  # ... and is back at 04:00, two hours after the nightly time
    sched = start_scheduler(load_timetable(timetable.source and Path(timetable.source)), manual_schedulers)
    sched.tick()
    drive(sched, clock, local(2025, 3, 11, 23, 0))
    assert len(sweeps) == 1
    assert sweeps[0]["at"] == local(2025, 3, 11, 4, 0)
    (run,) = runs_of("nightly-sweep")
    assert run.slot == local(2025, 3, 11, 2, 0)


def test_nights_missed_in_a_row_coalesce_into_one_run(tw_home, clock, sweeps, manual_schedulers):
    timetable = load_timetable(write_timetable(tw_home, NIGHTLY))
    start_scheduler(timetable, manual_schedulers).shutdown()
    clock.set(local(2025, 3, 13, 6, 0))  # off for three nights
    sched = start_scheduler(timetable, manual_schedulers)
    sched.tick()
    sched.tick()
    assert len(sweeps) == 1
    assert [run.slot for run in runs_of("nightly-sweep")] == [local(2025, 3, 13, 2, 0)]


def test_a_run_missed_by_more_than_the_grace_is_skipped_until_the_next_night(tw_home, clock, sweeps, manual_schedulers):
    timetable = load_timetable(write_timetable(tw_home, {**NIGHTLY, "misfire_grace_hours": 6}))
    start_scheduler(timetable, manual_schedulers).shutdown()
    clock.set(local(2025, 3, 11, 9, 0))  # seven hours late: past the grace of six
    sched = start_scheduler(timetable, manual_schedulers)
    sched.tick()
    assert sweeps == []
    drive(sched, clock, local(2025, 3, 12, 3, 0))
    assert len(sweeps) == 1 and sweeps[0]["at"] == local(2025, 3, 12, 2, 0)


def test_a_changed_timetable_entry_replaces_the_stored_job(tw_home, clock, sweeps, manual_schedulers):
    path = write_timetable(tw_home, NIGHTLY)
    start_scheduler(load_timetable(path), manual_schedulers).shutdown()
    write_timetable(tw_home, {"nightly_sweep": {**NIGHTLY["nightly_sweep"], "time": "03:30"}})
    sched = start_scheduler(load_timetable(path), manual_schedulers)
    assert sched.get_job("nightly-sweep").next_run_time == local(2025, 3, 11, 3, 30)
    drive(sched, clock, local(2025, 3, 11, 4, 0))
    assert [call["at"] for call in sweeps] == [local(2025, 3, 11, 3, 30)]


def test_the_same_slot_never_runs_twice(tw_home, clock, sweeps):
    write_timetable(tw_home, NIGHTLY)
    clock.set(local(2025, 3, 11, 2, 0))
    first = scheduler_module.execute("nightly-sweep")
    clock.set(local(2025, 3, 11, 2, 5))
    second = scheduler_module.execute("nightly-sweep")
    assert (first["outcome"], second["outcome"]) == ("ok", "skipped")
    assert len(sweeps) == 1


def test_a_crashed_sweep_child_is_a_failed_run_and_the_scheduler_goes_on(
    tw_home, clock, monkeypatch, manual_schedulers
):
    def crashing_child(module, request, **_):
        # the child got as far as opening its run for the first platform, then died
        run_write(
            lambda session: start_run(
                session, platform="demo", keywords=["象牙"], campaign=None, sweep_id=request.sweep_id
            )
        )
        raise TradewatchError("抓取进程失败 / sweep process failed (exit -9): Killed")

    monkeypatch.setattr("runners.sweep.run_child", crashing_child)  # the sweep's failure is recorded by run_sweep
    data = {
        "nightly_sweep": {"time": "02:00", "platforms": ["demo", "demo-gbk"], "keywords": ["象牙"]},
        "feed": {"time": "07:30"},
    }
    sched = start_scheduler(load_timetable(write_timetable(tw_home, data)), manual_schedulers)
    drive(sched, clock, local(2025, 3, 11, 8, 0))
    with Session(get_engine()) as session:
        runs = {run.platform: run for run in session.exec(select(CrawlRun))}
    assert {platform: run.outcome for platform, run in runs.items()} == {"demo": "failed", "demo-gbk": "failed"}
    assert "exit -9" in (runs["demo"].finish_reason or "")
    assert runs["demo"].finished_at is not None
    (nightly,) = runs_of("nightly-sweep")
    assert nightly.outcome == "failed" and "exit -9" in (nightly.error or "")
    (feed,) = runs_of("feed")
    assert feed.outcome == "ok"  # the next job ran
    assert sched.running


@pytest.mark.parametrize(
    "error",
    [TradewatchError("\n抓取进程失败 / sweep process failed (exit -9): Killed"), TradewatchError("")],
    ids=["message after a blank line", "empty message"],
)
def test_a_failed_sweep_job_records_the_line_that_says_why(tw_home, clock, monkeypatch, error):
    def failing_child(module, request, **_):
        raise error

    monkeypatch.setattr("runners.sweep.run_child", failing_child)
    write_timetable(tw_home, NIGHTLY)
    clock.set(local(2025, 3, 11, 2, 0))
    line = str(error).strip() or "TradewatchError"
    ran = scheduler_module.execute("nightly-sweep")
    assert (ran["outcome"], ran["error"]) == ("failed", line)
    (nightly,) = runs_of("nightly-sweep")
    assert nightly.outcome == "failed"
    assert nightly.error == line
    with Session(get_engine()) as session:  # and the crawl runs it recorded as failed
        assert [run.finish_reason for run in session.exec(select(CrawlRun))] == [f"process failed: {line}"]


def test_a_job_that_raises_records_the_line_that_says_why(tw_home, clock, monkeypatch):
    def raising(spec, timetable, now):
        raise RuntimeError("\n  连接被重置 connection reset by peer\n  (the driver's context)")

    monkeypatch.setitem(scheduler_module.JOB_KINDS, "feed", raising)
    write_timetable(tw_home, {"feed": {"time": "07:30"}})
    clock.set(local(2025, 3, 11, 7, 30))
    assert scheduler_module.execute("feed") == {"outcome": "failed", "error": "连接被重置 connection reset by peer"}
    (feed,) = runs_of("feed")
    assert (feed.outcome, feed.error) == ("failed", "连接被重置 connection reset by peer")


def test_a_job_whose_timetable_is_broken_answers_the_line_that_says_why(tw_home, clock, monkeypatch):
    def broken(path=None):
        raise TradewatchError("\nschedule.yaml:3: 时间格式无效 / bad time\n  feed.time: '25:00'")

    monkeypatch.setattr(scheduler_module, "load_timetable", broken)
    assert scheduler_module.execute("feed") == {
        "outcome": "failed",
        "error": "schedule.yaml:3: 时间格式无效 / bad time",
    }


def recorded_sweep(monkeypatch: pytest.MonkeyPatch, tw_home: Path, outcomes: dict[str, str]) -> None:
    """Sweeps whose crawl runs end as `outcomes` (platform -> run outcome)."""
    from leads.runs import finish_run

    def fake_run_sweep(request, *, timeout=None):
        def work(session):
            ids = []
            for platform, outcome in outcomes.items():
                run_id = start_run(session, platform=platform, keywords=request.params.keywords, campaign=None)
                finish_run(session, run_id, finish_reason="finished", outcome=outcome, counts={}, stats={})
                ids.append(run_id)
            return ids

        return SweepResult(run_ids=run_write(work), log_file=tw_home / "logs" / "fake.log")

    monkeypatch.setattr("runners.sweep.run_sweep", fake_run_sweep)


@pytest.mark.parametrize(
    ("outcomes", "job", "shown"),
    [
        ({"demo": "ok", "demo-gbk": "degraded"}, "ok", "正常"),
        ({"demo": "interrupted", "demo-gbk": "ok"}, "interrupted", "已中断"),
        ({"demo": "ok", "demo-gbk": "failed"}, "partial", "部分完成"),
        ({"demo": "blocked", "demo-gbk": "ok"}, "partial", "部分完成"),
        ({"demo": "unreachable", "demo-gbk": "failed"}, "failed", "失败"),
    ],
)
def test_a_sweep_job_ends_as_its_crawl_runs_did_and_the_schedule_says_so(
    tw_home, clock, monkeypatch, outcomes, job, shown
):
    """A nightly sweep whose crawl was interrupted, or whose platforms were not all read, is not an `ok` job."""
    from typer.testing import CliRunner

    from cli.app import app

    recorded_sweep(monkeypatch, tw_home, outcomes)
    write_timetable(tw_home, {"nightly_sweep": {**NIGHTLY["nightly_sweep"], "platforms": ["demo", "demo-gbk"]}})
    clock.set(local(2025, 3, 11, 2, 0))
    assert scheduler_module.execute("nightly-sweep")["outcome"] == job
    (nightly,) = runs_of("nightly-sweep")
    assert nightly.outcome == job and nightly.details["outcomes"] == outcomes
    listed = CliRunner(env={"TRADEWATCH_LANG": "zh", "COLUMNS": "200"}).invoke(app, ["schedule", "list"])
    assert listed.exit_code == 0, listed.output
    (row,) = [line for line in listed.output.splitlines() if "nightly-sweep" in line]
    assert row.split("│")[-2].strip() == shown


@pytest.mark.parametrize(
    ("outcomes", "code", "line"),
    [
        ({"demo": "interrupted"}, 130, "错误：任务 nightly-sweep：已中断；详见 tradewatch runs"),
        ({"demo": "ok", "demo-gbk": "blocked"}, 3, "错误：任务 nightly-sweep：部分完成；详见 tradewatch runs"),
        ({"demo": "ok"}, 0, None),
    ],
)
def test_running_a_sweep_job_now_exits_as_its_crawl_runs_ended(tw_home, monkeypatch, outcomes, code, line):
    from typer.testing import CliRunner

    from cli.app import app

    recorded_sweep(monkeypatch, tw_home, outcomes)
    timetable = write_timetable(tw_home, {"nightly_sweep": {**NIGHTLY["nightly_sweep"], "platforms": list(outcomes)}})
    ran = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(
        app, ["schedule", "run-job", "nightly-sweep", "--timetable", str(timetable)]
    )
    assert ran.exit_code == code, ran.output
    assert (ran.output.strip().splitlines()[-1] if line else None) == line


def test_a_sweep_job_run_now_and_interrupted_exits_130_with_one_line(tw_home, monkeypatch):
    """Ctrl-C on `schedule run-job nightly-sweep` reaches it as KeyboardInterrupt from its sweep's child, as on
    `tradewatch sweep`: one line and 130, not click's "Aborted!" and exit 1."""
    from typer.testing import CliRunner

    from cli.app import app

    def interrupted(request, *, timeout=None):
        raise KeyboardInterrupt

    monkeypatch.setattr("runners.sweep.run_sweep", interrupted)
    timetable = write_timetable(tw_home, NIGHTLY)
    ran = CliRunner(env={"TRADEWATCH_LANG": "zh"}).invoke(
        app, ["schedule", "run-job", "nightly-sweep", "--timetable", str(timetable)]
    )
    assert ran.exit_code == 130, ran.output
    assert ran.output.strip().splitlines() == ["错误：任务 nightly-sweep：已中断；详见 tradewatch runs"]


def test_every_job_outcome_has_a_label():
    from cli.schedule import JOB_OUTCOMES
    from leads.job_records import JOB_OUTCOMES as RECORDED
    from leads.job_records import SKIPPED

    assert set(JOB_OUTCOMES) == {*RECORDED, SKIPPED}


def _schedule_process(home: Path, timetable: Path) -> subprocess.Popen:
    env = {**os.environ, "TRADEWATCH_HOME": str(home)}
    env.pop("TRADEWATCH_DATABASE_URL", None)
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("tradewatch")), "schedule", "run", "--timetable", str(timetable)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finished_runs(job_id: str) -> list:
    return [run for run in runs_of(job_id) if run.outcome != "running"]


@pytest.mark.slow
def test_two_scheduler_processes_on_one_store_give_one_run(tw_home: Path):
    from leads.db import get_engine as engine_for

    engine_for()  # migrate the store once, before both processes start
    # every minute, so the job is due whenever the processes get going on a busy machine
    timetable = write_timetable(tw_home, {"feed": {"cron": "* * * * *"}})
    first = _schedule_process(tw_home, timetable)
    second = _schedule_process(tw_home, timetable)
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            finished = [proc for proc in (first, second) if proc.poll() is not None]
            if (finished and _finished_runs("feed")) or len(finished) == 2:
                break
            time.sleep(0.5)
        assert len(finished) == 1, "exactly one of the two schedulers must refuse to start"
        refused = finished[0]
        assert refused.returncode == SchedulerBusy.exit_code
        assert "another scheduler is already running" in refused.stderr.read()
        runs = _finished_runs("feed")
        assert runs and all(run.outcome == "ok" for run in runs)
        assert len({run.slot for run in runs}) == len(runs)  # each scheduled time ran once
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
    running = first if second is refused else second
    assert running.returncode == 0  # stopped cleanly by SIGTERM


def test_the_lock_refuses_a_second_scheduler_on_the_same_store(store_url: str):
    from leads.db import get_engine as engine_for

    engine_for(store_url)
    with (
        SchedulerLock(store_url),
        pytest.raises(SchedulerBusy, match="another scheduler is already running against this store"),
    ):
        SchedulerLock(store_url).acquire()
    with SchedulerLock(store_url):  # released: the next scheduler may start
        pass


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"nightly_sweep": {"time": "02:00", "platforms": ["nosuchshop"], "keywords": ["象牙"]}},
            "nightly_sweep.platforms: unknown platform 'nosuchshop'",
        ),
        (
            {"nightly_sweep": {"time": "25:61", "platforms": ["demo"], "keywords": ["象牙"]}},
            "nightly_sweep.time: time '25:61' is not HH:MM",
        ),
        ({"rechecks": {"cron": "0 */6 * *"}}, "rechecks.cron: bad cron '0 */6 * *': expected 5 fields"),
        ({"feed": {"cron": "0 99 * * *"}}, "feed.cron: bad cron '0 99 * * *'"),
        ({"feed": {"time": "07:30", "cron": "0 7 * * *"}}, "feed: give exactly one of time (HH:MM) or cron"),
        ({"deadline": {"time": "08:00"}}, "deadline: unknown field"),
        ({"nightly_sweep": {"time": "02:00", "platforms": ["demo"]}}, "give keywords or a watchlist"),
        (
            {"nightly_sweep": {"time": "02:00", "platforms": ["demo"], "watchlist": "nosuchlist"}},
            "unknown watchlist 'nosuchlist'",
        ),
        (
            {"feed": {"time": "07:30", "teams": [{"name": "野保组", "daily_capacity": -1}]}},
            "feed.teams.0.daily_capacity",
        ),
    ],
)
def test_a_malformed_timetable_is_refused_with_file_field_and_reason(tw_home: Path, data: dict, message: str):
    path = write_timetable(tw_home, data)
    with pytest.raises(InputFileError) as error:
        load_timetable(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_timetable_that_is_not_yaml_names_the_line(tw_home: Path):
    path = tw_home / "schedule.yaml"
    tw_home.mkdir(parents=True)
    path.write_text("feed:\n  time: [07:30\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"schedule.yaml:\d+: .*not valid YAML"):
        load_timetable(path)


def test_cli_schedule_check_list_and_errors(tw_home: Path):
    from typer.testing import CliRunner

    from cli.app import app

    runner = CliRunner()
    data = {**NIGHTLY, "feed": {"time": "07:30"}, "daily_report": {"time": "18:30"}}
    path = write_timetable(tw_home, data)
    listed = runner.invoke(app, ["schedule", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    import json

    jobs = {job["id"]: job for job in json.loads(listed.stdout)}
    assert set(jobs) == {"nightly-sweep", "feed", "daily-report"}
    assert jobs["nightly-sweep"]["next_run"].endswith("T02:00:00+08:00")
    bad = write_timetable(tw_home, {"feed": {"time": "7.30"}}, name="bad.yaml")
    result = runner.invoke(app, ["schedule", "check", "--timetable", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml: feed.time: time '7.30' is not HH:MM" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(app, ["schedule", "check", "--timetable", str(path)]).exit_code == 0


def test_watchlist_terms_feed_the_nightly_sweep(tw_home, clock, sweeps):
    data = {
        "nightly_sweep": {
            "time": "02:00",
            "platforms": ["demo"],
            "watchlist": "wildlife",
            "categories": ["wildlife.pangolin"],
            "keywords": ["象牙"],
        }
    }
    write_timetable(tw_home, data)
    clock.set(local(2025, 3, 11, 2, 0))
    assert scheduler_module.execute("nightly-sweep")["outcome"] == "ok"
    keywords = sweeps[0]["keywords"]
    assert keywords[0] == "象牙" and "穿山甲" in keywords and len(keywords) > 2


def test_a_stopped_scheduler_records_the_runs_its_stopped_crawls_left_open(tw_home, monkeypatch):
    """A crawl child stopped in the moment between opening its spider and starting its engine ends without
    closing its run (Scrapy's stop finds no engine running): once the stopped jobs have ended, its run is
    recorded interrupted, not left `running` until someone runs `tradewatch runs`."""
    from leads.models import CrawlRun
    from leads.runs import PROCESS_ENDED

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()

    def open_run(session) -> int:
        run_id = start_run(session, platform="demo", keywords=["穿山甲鳞片"], campaign=None)
        session.get(CrawlRun, run_id).pid = gone.pid
        return run_id

    run_id = run_write(open_run)

    def stop_children() -> int:  # the job's child ends, and the job records itself interrupted
        with scheduler_module._jobs_changed:
            scheduler_module._running_jobs.discard("nightly-sweep")
            scheduler_module._interrupted_jobs.append("nightly-sweep")
            scheduler_module._jobs_changed.notify_all()
        return 1

    monkeypatch.setattr(scheduler_module, "_running_jobs", {"nightly-sweep"})
    monkeypatch.setattr(scheduler_module, "_interrupted_jobs", [])
    monkeypatch.setattr(scheduler_module, "stop_children", stop_children)
    assert scheduler_module.stop_running_jobs() == ["nightly-sweep"]
    with Session(get_engine()) as session:
        run = session.get(CrawlRun, run_id)
        assert (run.outcome, run.finish_reason) == ("interrupted", PROCESS_ENDED) and run.finished_at is not None

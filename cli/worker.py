"""`tradewatch worker`: join distributed sweeps on the shared Redis frontier and crawl until they are done."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.i18n import _
from cli.output import console, fail

HELP = """Work on distributed sweeps: take requests from the shared Redis queue, store leads in the shared store.

Start one (or more) on every crawl machine, with the same TRADEWATCH_REDIS_URL and TRADEWATCH_DATABASE_URL
as the machine that runs `tradewatch sweep`. A worker killed mid-sweep loses nothing: its requests go back to
the queue when its heartbeat expires (TRADEWATCH_LEASE_SECONDS, default 15).

Example:

    export TRADEWATCH_REDIS_URL=redis://10.0.0.5:6379/0
    export TRADEWATCH_DATABASE_URL=postgresql+psycopg://tradewatch@10.0.0.5/tradewatch

    tradewatch worker                      # every open sweep, one after another, until stopped

    tradewatch worker --sweep 20250101T020000-a1b2c3

    tradewatch worker --exit-when-idle     # stop when no sweep is open

A sweep whose coordinator is gone (its machine died, or its `tradewatch sweep` was killed) stays open. Finish
it from any machine: wait for the workers to work off its queue, then record its runs as the coordinator would
(add --abandon to drop what is still queued and record the runs as abandoned on what was crawled):

    tradewatch worker --finish 20250101T020000-a1b2c3
"""


def worker(
    sweep: Annotated[
        str | None, typer.Option("--sweep", help="Join this sweep only, and exit when it is done.")
    ] = None,
    exit_when_idle: Annotated[
        bool, typer.Option("--exit-when-idle", help="Exit when no sweep is open instead of waiting for one.")
    ] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks for open sweeps.", min=0.1)] = 2.0,
    finish: Annotated[
        str | None,
        typer.Option(
            "--finish",
            help="Finish this sweep for a coordinator that is gone: wait until it is done, then record its runs.",
        ),
    ] = None,
    abandon: Annotated[
        bool, typer.Option("--abandon", help="With --finish: drop what is still queued and finish now.")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option(help="With --finish: give up after this many seconds (the sweep stays open).")
    ] = None,
) -> None:
    from core.config import get_settings
    from core.errors import TradewatchError
    from crawler.distributed.keys import connect
    from runners.distributed.worker import work_on_open_sweeps, work_on_sweep

    redis_url = get_settings().redis_url
    if not redis_url:
        fail(_("TRADEWATCH_REDIS_URL is not set: a worker needs the shared Redis"))
    try:
        server = connect(redis_url)
    except Exception as error:  # any connection failure is one line for the officer, not a traceback
        fail(_("cannot reach Redis at {url}: {error}").format(url=redis_url, error=error))
    out = console()
    if abandon and finish is None:
        fail(_("--abandon needs --finish SWEEP"))
    if finish is not None:
        _finish(server, finish, abandon=abandon, timeout=timeout)
        return

    def joining(sweep_id: str) -> None:
        out.print(_("joining sweep {sweep}").format(sweep=sweep_id), markup=False)

    try:
        if sweep is not None:
            joining(sweep)
            if not work_on_sweep(sweep):
                fail(_("sweep {sweep} is unknown or already done").format(sweep=sweep), code=1)
            out.print(_("sweep {sweep} done").format(sweep=sweep), markup=False)
            return
        worked = work_on_open_sweeps(redis_url, exit_when_idle=exit_when_idle, poll=poll, joining=joining)
        out.print(_("no open sweep; worked on {count}").format(count=worked), markup=False)
    except TradewatchError as error:
        fail(str(error))
    except KeyboardInterrupt:
        out.print(_("stopped"), markup=False)


def _finish(server: object, sweep_id: str, *, abandon: bool, timeout: float | None) -> None:
    from sqlmodel import Session

    from cli.sweep import exit_as_runs_ended, run_details
    from core.errors import TradewatchError
    from leads.db import get_engine
    from leads.runs import get_run
    from runners.distributed.coordinator import take_over_sweep

    out = console()
    out.print(_("finishing sweep {sweep}").format(sweep=sweep_id), markup=False)
    try:
        spec = take_over_sweep(server, sweep_id, abandon=abandon, timeout=timeout)  # type: ignore[arg-type]
    except TradewatchError as error:
        fail(str(error))
    with Session(get_engine()) as session:
        runs = []
        for platform, run_id in spec.run_ids.items():
            run = get_run(session, run_id)
            outcome = run_details(run) if run is not None else "?"
            out.print(
                _("run {run} ({platform}): {outcome}").format(run=run_id, platform=platform, outcome=outcome),
                markup=False,
            )
            runs.extend([run] if run is not None else [])
    if len(runs) < len(spec.run_ids):
        fail(_("the sweep recorded no run"))
    exit_as_runs_ended(runs)  # as `tradewatch sweep` exits: 130 for an interrupted run, 3 for one that went wrong


def register(app: typer.Typer) -> None:
    app.command("worker", help=HELP)(worker)

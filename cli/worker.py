"""`tradewatch worker`: join distributed sweeps on the shared Redis frontier and crawl until they are done."""

from __future__ import annotations

import subprocess
import time
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
"""


def worker(
    sweep: Annotated[
        str | None, typer.Option("--sweep", help="Join this sweep only, and exit when it is done.")
    ] = None,
    exit_when_idle: Annotated[
        bool, typer.Option("--exit-when-idle", help="Exit when no sweep is open instead of waiting for one.")
    ] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks for open sweeps.", min=0.1)] = 2.0,
) -> None:
    from crawler.distributed import connect, open_sweeps, worker_command
    from leads.config import get_settings

    redis_url = get_settings().redis_url
    if not redis_url:
        fail(_("TRADEWATCH_REDIS_URL is not set: a worker needs the shared Redis"))
    try:
        server = connect(redis_url)
    except Exception as error:  # any connection failure is one line for the officer, not a traceback
        fail(_("cannot reach Redis at {url}: {error}").format(url=redis_url, error=error))
    out = console()
    if sweep is not None:
        out.print(_("joining sweep {sweep}").format(sweep=sweep), markup=False)
        code = subprocess.call(worker_command(sweep))
        if code == 1:
            fail(_("sweep {sweep} is unknown or already done").format(sweep=sweep), code=1)
        if code:
            fail(_("worker failed (exit {code})").format(code=code), code=code)
        out.print(_("sweep {sweep} done").format(sweep=sweep), markup=False)
        return
    worked: set[str] = set()
    try:
        while True:
            pending = [sweep_id for sweep_id in open_sweeps(server) if sweep_id not in worked]
            if not pending:
                if exit_when_idle:
                    out.print(_("no open sweep; worked on {count}").format(count=len(worked)), markup=False)
                    return
                time.sleep(poll)
                continue
            sweep_id = pending[0]
            out.print(_("joining sweep {sweep}").format(sweep=sweep_id), markup=False)
            subprocess.call(worker_command(sweep_id))
            worked.add(sweep_id)
    except KeyboardInterrupt:
        out.print(_("stopped"), markup=False)


def register(app: typer.Typer) -> None:
    app.command("worker", help=HELP)(worker)

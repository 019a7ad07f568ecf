"""Ending a process that ran one command or one crawl, without tearing down what its start-up built.

Python's own exit clears every module and frees every object one by one after the work is done: about 0.2 s of
CPU after a crawl, for memory the kernel takes back at once. A process that has nothing left to do once its
command or its crawl returned (the `tradewatch` program, `python -m runners.sweep_child` and the other crawl children)
leaves with `leave` instead. Only standard-library modules are imported here: `tradewatch --help` leaves this
way too.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn


def leave(code: object) -> NoReturn:
    """End the process with exit code `code` once what Python's exit does before its teardown is done, in its
    order: threads other than daemons waited for (idle pool workers told to stop), the exit handlers run (logs
    closed, helper processes ended); then the store's pooled connections are closed, as their finalisers would
    (SQLite's log checkpointed, PostgreSQL's sessions ended), and the output flushed. An exit code that is a
    message takes Python's own exit."""
    if not (code is None or isinstance(code, int)):
        raise SystemExit(code)
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter's own exit calls first
    atexit._run_exitfuncs()
    if "leads.db" in sys.modules:  # a process that never opened the store does not import it to leave
        from leads.db import close_pooled_connections

        close_pooled_connections()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code or 0)

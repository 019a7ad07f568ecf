"""The signals that stop a sweep, the scheduler or a command that waits for a crawl child.

Ctrl-C (SIGINT), SIGTERM (a `kill`, a service manager) and SIGHUP: the terminal the command runs in was closed.
A crawl child leads a process group of its own (`runners.child`), so a closed terminal's hangup reaches only its
parent; a parent that died of it would leave the child crawling with nobody to report to. Each stops gracefully,
its crawls closed and their runs recorded as interrupted.

A process started with SIGHUP ignored (`nohup tradewatch schedule run &`) is meant to outlive its terminal: its
hangup stays ignored, and so does its children's, who inherit that.
"""

from __future__ import annotations

import signal


def stop_signals() -> tuple[signal.Signals, ...]:
    """SIGINT, SIGTERM and SIGHUP; without SIGHUP where this process ignores it (started under `nohup`). Read
    before a handler of these is installed: a process that has set its own handler of SIGHUP handles it."""
    signals = (signal.SIGINT, signal.SIGTERM)
    hangup = getattr(signal, "SIGHUP", None)  # not on Windows
    if hangup is None or signal.getsignal(hangup) == signal.SIG_IGN:
        return signals
    return (*signals, hangup)

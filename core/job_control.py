"""Ctrl-Z and `fg`/`bg` for a command whose work goes on in processes outside its own process group.

A terminal's Ctrl-Z is SIGTSTP to its foreground process group, and the shell's `fg` or `bg` SIGCONT to the same
group. A crawl child leads a process group of its own, with the store writer, the OCR workers and Playwright's
driver it starts (`runners.child`: one Ctrl-C, one graceful stop), and Playwright starts Chromium in a session of
its own: none of them hears either signal. Left to the default, Ctrl-Z stopped the command alone while its crawl
went on in the background, and `fg` resumed nothing that could be seen.

`ctrl_z_pauses_descendants` handles SIGTSTP instead: every process descended from this one outside its group is
stopped (SIGSTOP, each group they lead and each process), then this process stops with SIGTSTP's default action
(the shell sees its job stopped, as always); once it is continued, so are they (SIGCONT). Processes in this
process's own group take the terminal's signal themselves, as they would without it. Forked processes start
with SIGTSTP's default action again: only the process that installed the handler stops its descendants.

Time spent stopped is not time spent working: `running_clock` leaves it out, for the timeouts of a wait that a
Ctrl-Z interrupts (a parent waiting for its crawl child, a coordinator for its sweep).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

_stopped_seconds = 0.0  # how long this process has been stopped by Ctrl-Z
_installed_in: int | None = None  # the process whose handler it is (not a forked copy)
SEARCHES = 5  # looks for descendants that appeared while the others were being stopped


def running_clock() -> float:
    """`time.monotonic()` less the time this process spent stopped by Ctrl-Z (`ctrl_z_pauses_descendants`)."""
    return time.monotonic() - _stopped_seconds


@contextlib.contextmanager
def ctrl_z_pauses_descendants() -> Iterator[None]:
    """Meanwhile, Ctrl-Z (SIGTSTP) stops this process's descendants outside its process group with it, and they
    go on as it goes on (see the module's docstring). Nothing where the platform has no SIGTSTP, outside the main
    thread, or where SIGTSTP is not at its default action (ignored, or handled by someone else)."""
    global _installed_in
    tstp = getattr(signal, "SIGTSTP", None)
    if (
        tstp is None
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(tstp) != signal.SIG_DFL
    ):
        yield
        return
    _installed_in = os.getpid()
    signal.signal(tstp, _stop_with_descendants)
    try:
        yield
    finally:
        signal.signal(tstp, signal.SIG_DFL)
        _installed_in = None


def _stop_with_descendants(signum: int, _frame: FrameType | None) -> None:
    global _stopped_seconds
    if os.getpid() != _installed_in:  # a forked copy that kept the handler: stop as by default
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    stopped = _signal_descendants_outside_group(signal.SIGSTOP)
    began = time.monotonic()
    signal.signal(signum, signal.SIG_DFL)
    try:
        os.kill(os.getpid(), signum)  # stopped here until continued (or at once, in an orphaned process group)
    finally:
        signal.signal(signum, _stop_with_descendants)
        _stopped_seconds += time.monotonic() - began
        _signal(stopped, signal.SIGCONT)


def _signal_descendants_outside_group(signum: int) -> list[tuple[int, bool]]:
    """Send `signum` to each process group that a descendant of this process outside its group leads and to
    each such descendant, looking again for ones started meanwhile; returns what was signalled, (pid, group)."""
    import psutil

    own = os.getpgrp()
    signalled: list[tuple[int, bool]] = []
    seen: set[int] = set()
    for _ in range(SEARCHES):
        found = []
        with contextlib.suppress(psutil.Error):
            for process in psutil.Process().children(recursive=True):
                if process.pid in seen:
                    continue
                seen.add(process.pid)
                with contextlib.suppress(OSError):
                    group = os.getpgid(process.pid)
                    if group != own:
                        found.append((process.pid, group == process.pid))
        if not found:
            break
        _signal(found, signum)
        signalled += found
    return signalled


def _signal(processes: list[tuple[int, bool]], signum: int) -> None:
    for pid, leads_group in processes:
        with contextlib.suppress(OSError):
            if leads_group:
                os.killpg(pid, signum)  # with its members, whatever became of their parents
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def _forget_in_forked_child() -> None:
    """A process forked from one that handles SIGTSTP (the store writer, OCR workers) stops as by default."""
    tstp = getattr(signal, "SIGTSTP", None)
    if tstp is not None and _installed_in is not None and signal.getsignal(tstp) is _stop_with_descendants:
        with contextlib.suppress(ValueError):  # not the main thread: the handler itself falls back to the default
            signal.signal(tstp, signal.SIG_DFL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_forked_child)

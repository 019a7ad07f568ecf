"""The one way crawls run in child processes (Twisted's reactor cannot restart), and the one way they answer.

The parent (`ChildCrawl`, `run_child`) writes the request, a pydantic model, to a temporary JSON file and runs
`python -m MODULE FILE`; the module's `__main__` hands the file to `child_main`, which sets up the run's log,
does the work and writes one line on standard output: `RESULT_PREFIX` and JSON, `{"result": ...}`, or
`{"failure": {"kind": ..., "params": ...}}` for an infrastructure failure (`core.failures`: the store, Redis, the
disk), which the parent raises again as the same `core.errors.InfrastructureError`. Any other TradewatchError
becomes its message on standard error and exit code 2; the parent then raises a TradewatchError naming the
child's last error line and its log. Other exceptions are the child's traceback, in its log. The child's
output goes to temporary files, never to pipes, so a long crawl that writes much cannot stall on a full pipe.

A process that runs nothing after the crawl (the `tradewatch` command itself) does the work in itself instead
(`work_here`), with the same log and the same errors: no second interpreter starts and waits beside the crawl.

A child leads a process group of its own, with the processes it starts: Ctrl-C in a terminal, SIGINT to the
terminal's whole foreground group, reaches only the parent, which asks its child to stop once. In the parent's
group the child would take the terminal's SIGINT for its graceful stop and its parent's request as a second signal,
Scrapy's forced stop, which ends the reactor without closing the spider and leaves its run `running`. A second
Ctrl-C kills the child at once, the parent's doing (`ChildCrawl.close`), as does a child that has not closed within
`STOP_SECONDS`; the parent then records the runs the child left open as interrupted. A closed terminal's SIGHUP
reaches only the parent too, which stops as on SIGTERM (`sigterm_interrupts`). Nor does Ctrl-Z reach the child: the
`tradewatch` program stops its descendants outside its group as it stops, and continues them as it is continued
(`core.job_control`); the time they spent stopped does not count against a child's timeout.

A process whose threads wait for children (the scheduler, whose jobs run in threads, which no signal reaches)
stops them all at once from its main thread with `stop_children`: each is asked as Ctrl-C asks it, the threads
waiting for them get KeyboardInterrupt once it has ended, and no child starts any more.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel

from core.errors import TradewatchError, first_line
from core.job_control import running_clock
from core.stop_signals import stop_signals

RESULT_PREFIX = "TRADEWATCH-RESULT "
FAILED_EXIT = 2
STOP_SECONDS = 15.0  # how long an interrupted parent gives its child to close its crawls before killing it

Request = TypeVar("Request", bound=BaseModel)

log = logging.getLogger(__name__)

# The children running in this process, and whether `stop_children` stopped them (no child starts after that).
_children: set[ChildCrawl] = set()
_children_lock = threading.Lock()
_stopping = threading.Event()
_hurry = threading.Event()


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a `kill`, a service manager stopping the command) and SIGHUP (its terminal closed) end a parent
    that waits for its children as Ctrl-C does, with KeyboardInterrupt: it asks them to stop (`ChildCrawl.close`),
    so their crawls record their runs as interrupted, instead of dying at once and leaving them crawling with
    nobody waiting (a child leads a group of its own: the terminal's hangup does not reach it). A parent started
    with SIGHUP ignored (`nohup`) goes on (`core.stop_signals`). Only the main thread can take a signal: elsewhere
    (the scheduler's threads) the caller's handling stays."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        log.warning("signal %d received: stopping", signum)
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in stop_signals() if signum != signal.SIGINT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class ChildTimedOut(TradewatchError):
    """The child did not finish in time; it was killed."""


class ChildCrawl:
    """A crawl started in a child process: `python -m module` with `request`. `what` names it in errors, in
    Chinese and English (e.g. ("抓取", "sweep"))."""

    def __init__(
        self,
        module: str,
        request: BaseModel,
        *,
        what: tuple[str, str],
        log_file: Path | None = None,
    ) -> None:
        self.what = what
        self.log_file = log_file
        self.stopped = False  # by `stop_children`: the caller gets KeyboardInterrupt once the child has ended
        self.killed = False  # by a forced stop: its runs left open are recorded as it is closed
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
            handle.write(request.model_dump_json())
            self.request_path = Path(handle.name)
        self._stdout: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  (closed in close())
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        with _children_lock:
            if _stopping.is_set():  # the process is stopping its children: this one does not start
                self._stdout.close()
                self._stderr.close()
                self.request_path.unlink(missing_ok=True)
                raise KeyboardInterrupt
            self.process = subprocess.Popen(
                [sys.executable, "-m", module, str(self.request_path)],
                stdout=self._stdout,
                stderr=self._stderr,
                stdin=subprocess.DEVNULL,
                process_group=0,  # the parent alone forwards a terminal's Ctrl-C (see the module's docstring)
            )
            _children.add(self)

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the child and return its result; raises ChildTimedOut (the child killed) or TradewatchError."""
        try:
            try:
                code = self._wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise _child_error(
                    ChildTimedOut, "{what} timed out after {seconds} s", self.what, self.log_file, seconds=timeout
                ) from None
            if self.stopped:  # as when Ctrl-C reaches a parent that waits: the child closed its crawls first
                raise KeyboardInterrupt
            for line in reversed(_read(self._stdout).splitlines()):
                if line.startswith(RESULT_PREFIX):
                    answer = json.loads(line[len(RESULT_PREFIX) :])
                    if "failure" in answer:
                        raise _failure(answer["failure"])
                    return answer["result"]
            last = (_read(self._stderr).strip().splitlines() or ["no output"])[-1]
            raise _child_error(
                TradewatchError,
                "{what} process failed (exit {code}): {last}",
                self.what,
                self.log_file,
                code=code,
                last=last,
            )
        finally:
            self.close()

    def _wait(self, timeout: float | None) -> int:
        """The child's exit code once it ends; TimeoutExpired after `timeout` seconds of this process's running
        time: a Ctrl-Z stops the child with it, and the time both spent stopped is not the child's
        (`core.job_control`)."""
        if timeout is None:
            return self.process.wait()
        deadline = running_clock() + timeout
        while True:
            try:
                return self.process.wait(max(0.0, deadline - running_clock()))
            except subprocess.TimeoutExpired:
                if running_clock() >= deadline:
                    raise

    def close(self, grace: float = STOP_SECONDS) -> None:
        """Stop a child still running (a parent interrupted while waiting) and remove the temporary files. The
        child is asked first (SIGTERM: its crawls close and record their runs as interrupted), and killed only
        when it has not ended within `grace` seconds; the runs a killed child left open are recorded interrupted
        then (`leads.runs.FORCED_STOP`)."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self.process.wait(grace)
                finally:  # a second Ctrl-C while it closes kills it at once
                    if self.process.poll() is None:
                        self.killed = True
                        self.process.kill()
                        self.process.wait()
        finally:
            if self.killed:
                self.killed = False  # recorded once
                record_stopped_by_force(self.process.pid)
            self._stdout.close()
            self._stderr.close()
            self.request_path.unlink(missing_ok=True)
            with _children_lock:
                _children.discard(self)


def stop_children(grace: float = STOP_SECONDS) -> int:
    """Stop every child this process runs, from a thread other than those waiting for them, and start no more:
    all are asked at once (SIGTERM: their crawls close and record their runs as interrupted) and share `grace`
    seconds to end, or `hurry_children` cuts it short; whichever still runs then is killed. The threads waiting
    for them get KeyboardInterrupt (`ChildCrawl.result`) and close them. Returns how many were running."""
    with _children_lock:
        _stopping.set()
        children = [child for child in _children if child.process.poll() is None]
        for child in children:
            child.stopped = True
            child.process.terminate()
    deadline = time.monotonic() + grace
    while any(child.process.poll() is None for child in children):
        if _hurry.is_set() or time.monotonic() >= deadline:
            for child in children:
                if child.process.poll() is None:
                    child.killed = True  # its runs are recorded as the thread waiting for it closes it
                    child.process.kill()
            break
        time.sleep(0.1)
    return len(children)


def hurry_children() -> None:
    """Kill at once the children `stop_children` is waiting for (a second stop signal)."""
    _hurry.set()


def stopping_children() -> bool:
    """`stop_children` was called: whoever waits for work of this process's children stops waiting."""
    return _stopping.is_set()


def close_all(children: Iterable[ChildCrawl]) -> None:
    """Stop children together: every one is asked at once (SIGTERM), they share `STOP_SECONDS` to close their
    crawls, and whichever has not ended by then is killed. Closing them one after another would give each its
    own wait, so that the last was asked only after the others had closed."""
    children = list(children)
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    try:
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(max(0.0, deadline - time.monotonic()))
    finally:  # a second Ctrl-C while they close kills them at once
        for child in children:
            child.close(grace=0.0)


def run_child(
    module: str,
    request: BaseModel,
    *,
    what: tuple[str, str],
    log_file: Path | None = None,
    timeout: float | None = None,
) -> Any:
    """Run `python -m module` with `request` and return its result (see `ChildCrawl.result`)."""
    return ChildCrawl(module, request, what=what, log_file=log_file).result(timeout)


def record_stopped_by_force(pid: int) -> None:
    """Record the runs that the crawl process `pid`, stopped by force (killed and ended, or this process once its
    crawls are stopped), left open as interrupted, at once rather than when `tradewatch runs` or a report next
    looks. Never raises: the stop is what the caller reports, and a store that cannot be written now has them
    marked when next looked at (their process is gone)."""
    from leads.db import run_write
    from leads.runs import mark_stopped_by_force

    try:
        marked = run_write(lambda session: mark_stopped_by_force(session, pid=pid))
    except Exception as error:
        log.warning("the runs of crawl process %d, stopped by force, could not be recorded: %s", pid, first_line(error))
        return
    if marked:
        log.warning(
            "crawl process %d stopped by force before it closed; its runs recorded interrupted: %s", pid, marked
        )


# The legacy one-line form's Chinese side (the log, run records); the catalogue translates each msgid whole.
_CHINESE_HEAD = {
    "{what} timed out after {seconds} s": "超时",
    "{what} process failed (exit {code}): {last}": "进程失败",
    "{what} failed: {failed}": "失败",
}

# every msgid a child error may carry, for the catalogues (cli.i18n_tools)
CHILD_ERROR_MSGIDS = tuple(m + tail for m in _CHINESE_HEAD for tail in ("", "; log: {log}"))


def _child_error(
    kind: type[TradewatchError], msgid: str, what: tuple[str, str], log_file: Path | None, **params: Any
) -> TradewatchError:
    """A child's failure: its str the bilingual line logs and run records keep ("抓取进程失败 / sweep process failed
    …"), with `msgid` and `params` so that an officer reading Chinese sees the detail and the log path too, not the
    Chinese head alone (cli.i18n.localise_error)."""
    zh, en = what
    head = _CHINESE_HEAD[msgid]
    if log_file is not None:
        msgid += "; log: {log}"
        params["log"] = str(log_file)
    error = kind(f"{zh}{head} / {msgid.format(what=en, **params)}")
    error.msgid = msgid  # type: ignore[attr-defined]
    error.params = {"what": f"{zh} / {en}", **params}  # type: ignore[attr-defined]
    return error


def _read(output: IO[bytes]) -> str:
    output.flush()
    output.seek(0)
    return output.read().decode("utf-8", errors="replace")


def _failure(report: dict[str, Any]) -> TradewatchError:
    """The infrastructure error a child reported, to be raised in the parent."""
    from core import errors

    kind = getattr(errors, str(report.get("kind")), None)
    if isinstance(kind, type) and issubclass(kind, errors.InfrastructureError):
        return kind(**report.get("params", {}))
    unknown = first_line(str(report.get("kind")))
    return TradewatchError(f"子进程报告了未知的故障 / the child reported an unknown failure: {unknown}")


def _answer(answer: dict[str, Any]) -> None:
    sys.stdout.write(RESULT_PREFIX + json.dumps(answer) + "\n")
    sys.stdout.flush()


def work_here(run_name: str, request: Request, work: Callable[[Request], Any], *, what: tuple[str, str]) -> Any:
    """Do a child's work in this process, which must run no other crawl before or after it (Twisted's reactor
    starts once per process): logged to the request's `log_file` as in the child; infrastructure and tradewatch
    errors are raised as `run_child` raises them, any other exception is logged with its traceback and raised
    as one TradewatchError naming the log."""
    from loguru import logger

    from core.failures import infrastructure_error
    from core.logging_setup import setup_logging

    log_file = setup_logging(run_name, path=getattr(request, "log_file", None))
    try:
        return work(request)
    except Exception as error:
        logger.opt(exception=error).error("{} failed: {}", run_name, error)
        if infrastructure_error(error) is not None or isinstance(error, TradewatchError):
            raise
        failed = first_line(f"{type(error).__name__}: {error}")
        raise _child_error(TradewatchError, "{what} failed: {failed}", what, log_file, failed=failed) from error


def child_main(run_name: str, request_type: type[Request], work: Callable[[Request], Any]) -> int:
    """The child's side: read the request named on the command line, log to its `log_file` (if it has one),
    do the work, and answer with one result line. Returns the exit code."""
    from loguru import logger

    from core.failures import infrastructure_error
    from core.logging_setup import setup_logging

    request = request_type.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
    setup_logging(run_name, path=getattr(request, "log_file", None))
    try:
        result = work(request)
    except Exception as error:
        known = infrastructure_error(error)
        if known is None and not isinstance(error, TradewatchError):
            raise
        logger.opt(exception=error).error("{} failed: {}", run_name, error)
        if known is None:  # the parent names the child's last line on standard error: the one that says why
            sys.stderr.write(f"{first_line(error)}\n")
            return FAILED_EXIT
        _answer({"failure": {"kind": type(known).__name__, "params": known.params}})
        return known.exit_code
    _answer({"result": result})
    return 0

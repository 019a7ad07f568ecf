"""Writing batches of listings to the lead store, in the calling thread or in a writer process of its own.

A batch is stored in one transaction: its sellers, listings and leads are read in a few queries
(`leads.store.prefetch_sightings`), then `leads.store.record_sighting` records each listing in order, and a
listing that is (or already was) a lead gets its page capture stored as a new evidence version in the same
transaction, so a lead and its evidence commit together (the evidence files are written, fsynced and linked
before the commit; an unchanged page adds no new version). The transaction is retried as a whole on lock,
serialisation and unique-key races, so several crawl processes can write one store at once; if it fails
otherwise, its listings are written one by one so that one bad listing costs only itself. An evidence capture
that cannot be stored (an evidence or file system error) is rolled back on its own; it never costs the listing.

The writer process (`WriterProcess`) imports only the store's modules, not Scrapy, so it starts quickly beside a
crawl; batches go to it as plain values and what each write did comes back. It dies with the crawl process.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from core.errors import TradewatchError
from leads.db import get_engine, run_write
from leads.evidence import same_as_latest_capture, store_capture
from leads.store import KnownRows, Sighting, prefetch_sightings, record_sighting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """What writing one item did: the sighting, and what became of its page capture."""

    sighting: Sighting
    evidence: str | None = None  # captured | unchanged | no_capture | failed; None when the listing is no lead
    evidence_version: int | None = None
    error: str | None = None


Outcome = Stored | BaseException
Entry = tuple[dict[str, Any], Mapping[str, Any] | None]  # record_sighting's arguments, and the page capture


class WriteFailed(Exception):
    """A listing the writer process could not store (the original error, as text)."""


class StoreWriterDied(RuntimeError):
    """The writer process is gone: nothing more can be stored in this crawl."""


def write_batch(batch: list[Entry], *, engine: Any, home: Path | None, evidence: bool) -> list[Outcome]:
    """In the writer: the batch in one transaction, or listing by listing if that fails."""

    def write_all(session: Session) -> list[Outcome]:
        known = prefetch_sightings(session, [args for args, _ in batch])
        return [_store(session, args, capture, known, home=home, evidence=evidence) for args, capture in batch]

    try:
        return run_write(write_all, engine=engine)
    except Exception as error:
        if len(batch) == 1:
            return [error]
        log.warning("batch of %d listings failed (%s); storing them one by one", len(batch), error)
    results: list[Outcome] = []
    for entry in batch:
        args = entry[0]

        def write_one(session: Session, entry: Entry = entry) -> Stored:
            return _store(session, *entry, None, home=home, evidence=evidence)

        try:
            results.append(run_write(write_one, engine=engine))
        except Exception as error:
            log.error("listing %s/%s not stored: %s", args["listing"]["platform"], args["listing"]["listing_id"], error)
            results.append(error)
    return results


def _store(
    session: Session,
    args: dict[str, Any],
    capture: Mapping[str, Any] | None,
    known: KnownRows | None,
    *,
    home: Path | None,
    evidence: bool,
) -> Stored:
    """One listing, and the evidence of its lead, in the batch's transaction."""
    sighting = record_sighting(session, **args, known=known)
    if not evidence or sighting.lead_pk is None:
        return Stored(sighting)
    if capture is None:
        return Stored(sighting, "no_capture")
    lead_pk = sighting.lead_pk
    try:
        with session.begin_nested():  # a capture that fails is rolled back alone; the listing stays
            if not sighting.lead_created and same_as_latest_capture(
                session, lead_pk=lead_pk, body=capture["body"], status=capture["status"]
            ):
                return Stored(sighting, "unchanged")
            captured = store_capture(session, lead_pk=lead_pk, capture=capture, home=home)
    except (TradewatchError, OSError) as error:
        return Stored(sighting, "failed", error=str(error))
    return Stored(sighting, "captured", evidence_version=captured.version)


# -- the writer process -----------------------------------------------------------------------------------

_POLL_SECONDS = 1.0


class WriterProcess:
    """`write_batch` in a process of its own ('spawn' context). `write` is called from one thread at a time: it
    sends a batch, waits for its outcomes, and raises StoreWriterDied if the process is gone."""

    def __init__(self, database_url: str, home: Path | None, *, evidence: bool) -> None:
        self.key = (database_url, str(home) if home else None, evidence)
        context = multiprocessing.get_context("spawn")
        child_requests, self._requests = context.Pipe(duplex=False)  # (receiving end, sending end)
        self._results, child_results = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_writer_main,
            args=(database_url, str(home) if home else None, evidence, child_requests, child_results, os.getpid()),
            name="tradewatch-store",
            daemon=True,
        )
        self.process.start()
        child_requests.close()  # the child's ends: a dead child then shows as EOF / a broken pipe here
        child_results.close()

    def write(self, batch: list[Entry]) -> list[Outcome]:
        try:
            self._requests.send(batch)
            while not self._results.poll(_POLL_SECONDS):
                if not self.process.is_alive():
                    raise StoreWriterDied(f"the store's writer process exited ({self.process.exitcode})")
            outcomes: list[Outcome] = self._results.recv()
        except (OSError, EOFError) as error:
            raise StoreWriterDied(f"the store's writer process is gone ({error})") from error
        return outcomes

    def stop(self, timeout: float = 60) -> None:
        """Ask the process to finish (every batch sent was answered already) and wait for it."""
        with contextlib.suppress(OSError):
            self._requests.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            log.error("the store's writer process did not stop; terminating it")
            self.process.terminate()
            self.process.join()
        self._requests.close()
        self._results.close()


_started_early: list[WriterProcess] = []


def start_writer_early(database_url: str, home: Path | None, *, evidence: bool) -> None:
    """Start a writer before the crawl is built, so that its start-up (a new interpreter importing the store)
    runs while Scrapy sets itself up rather than while the first pages come in; `writer_for` hands it over."""
    _started_early.append(WriterProcess(database_url, home, evidence=evidence))


def writer_for(database_url: str, home: Path | None, *, evidence: bool) -> WriterProcess:
    """A writer for this store: one started early for it if there is one still alive, else a new one."""
    key = (database_url, str(home) if home else None, evidence)
    for writer in list(_started_early):
        if writer.key == key and writer.process.is_alive():
            _started_early.remove(writer)
            return writer
    return WriterProcess(database_url, home, evidence=evidence)


def stop_unused_writers() -> None:
    """Stop the writers started early that no crawl took (a crawl that failed before its store opened)."""
    while _started_early:
        _started_early.pop().stop()


def _writer_main(
    database_url: str, home: str | None, evidence: bool, requests: Any, results: Any, crawl_pid: int
) -> None:
    """The writer process: batches in, outcomes out, until told to stop or the crawl process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the crawl decides when to stop; it flushes first
    _die_with_parent(crawl_pid)
    engine = get_engine(database_url, migrate=False)
    root = Path(home) if home else None
    while True:
        try:
            batch = requests.recv()
        except EOFError:
            return
        if batch is None:
            break
        outcomes = write_batch(batch, engine=engine, home=root, evidence=evidence)
        results.send([_portable(outcome) for outcome in outcomes])
    # Every batch sent was answered, so everything is committed: close the connections and leave without the
    # interpreter's slow teardown of a process that only ever held the store's modules.
    engine.dispose()
    logging.shutdown()
    os._exit(0)


def _die_with_parent(crawl_pid: int) -> None:
    """On Linux, the writer is killed with the crawl process (as a writer thread would be): a crawl killed
    mid-batch leaves that batch uncommitted instead of finished by an orphan."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != crawl_pid:  # the crawl died before that took effect
        os._exit(1)


def _portable(outcome: Outcome) -> Outcome:
    """An outcome that can cross the pipe: errors become WriteFailed with their text."""
    if isinstance(outcome, BaseException):
        return WriteFailed(f"{type(outcome).__name__}: {outcome}")
    return outcome

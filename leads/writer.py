"""The store writer: batches of listings written to the lead store, by one of two backends behind one interface.

A batch is stored in one transaction: its sellers, listings and leads are read in a few queries
(`leads.store.prefetch_sightings`), then `leads.store.record_sighting` records each listing in order (the sellers and
stored listings that changed are written after the last, `leads.store.store_changes`), and a listing that is (or already
was) a lead gets its page capture stored as a new evidence version in the same transaction, so a lead and its evidence
commit together (the batch's evidence files are written, synced together and linked before the commit,
`leads.evidence.BlobBatch`; an unchanged page adds no new version). A distributed run records each listing once,
whichever of its workers read it: its entries (`ONCE_PER_RUN`) are claimed for their run first, in the same transaction
(`leads.store.claim_run_listings`, a unique key), and one another worker recorded already is written no more
(`RecordedAlready`). The transaction is retried as a whole on lock, serialisation and unique-key races, so several crawl
processes can write one store at once; if it fails otherwise, its listings are written one by one (each evidence file
synced as it is written) so that one bad listing costs only itself. An evidence capture that cannot be stored (an
evidence or file system error) is rolled back on its own; it never costs the listing.

A backend (`StoreWriter`) is looked up by name in `STORE_WRITERS`, as Scrapy's files pipeline looks up its
stores in `STORE_SCHEMES`: `process` (`ProcessWriter`, what static crawls run) writes in a process of its own,
forked from the crawl process before Scrapy is built (or spawned, importing only the store's modules, where the
crawl process already runs other threads), so it starts quickly beside a crawl; batches go to it as plain
values and what each write did comes back, and it dies with the crawl process. `thread` (`ThreadWriter`) writes
in the thread that calls it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from sqlalchemy.orm import configure_mappers
from sqlmodel import Session

from core.errors import TradewatchError
from core.failures import is_store_unavailable
from leads.db import (
    close_pooled_connections,
    forget_inherited_engines,
    get_engine,
    refresh_planner_statistics,
    run_write,
)
from leads.evidence import (
    BlobBatch,
    LatestCapture,
    evidence_root,
    insert_file_rows,
    latest_captures,
    same_as_latest_capture,
    same_capture,
    sha256_bytes,
    store_capture,
)
from leads.store import (
    KnownRows,
    Sighting,
    claim_run_listings,
    prefetch_sightings,
    record_sighting,
    reprioritise,
    store_changes,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """What writing one item did: the sighting, and what became of its page capture."""

    sighting: Sighting
    evidence: str | None = None  # captured | unchanged | no_capture | failed; None when the listing is no lead
    evidence_version: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class RecordedAlready:
    """An entry whose run had recorded its listing already (another worker of a distributed sweep read the same
    listing, or the page it came from after this worker's lease on it ran out): nothing was written."""

    run_id: int
    listing_id: str


Outcome = Stored | RecordedAlready | BaseException
# record_sighting's arguments, and the page capture; the arguments may also hold ONCE_PER_RUN
Entry = tuple[dict[str, Any], Mapping[str, Any] | None]
ONCE_PER_RUN = "once_per_run"  # an entry's run records its listing once (a distributed run, several workers)


class WriteFailed(Exception):
    """A listing the writer process could not store (the original error, as text, and whether it was the store
    itself that was lost)."""

    def __init__(self, message: str, *, store_unavailable: bool = False) -> None:
        super().__init__(message)
        self.store_unavailable = store_unavailable

    def __reduce__(self) -> tuple[Any, ...]:
        return (_write_failed, (str(self), self.store_unavailable))


def _write_failed(message: str, store_unavailable: bool) -> WriteFailed:
    return WriteFailed(message, store_unavailable=store_unavailable)


class StoreWriterDied(RuntimeError):
    """The writer process is gone: nothing more can be stored in this crawl."""


def write_batch(batch: list[Entry], *, engine: Any, home: Path | None) -> list[Outcome]:
    """In the writer: the batch in one transaction, or listing by listing if that fails."""

    def write_all(session: Session) -> list[Outcome]:
        claimed = _claim(session, batch)  # first: a claim another transaction holds is waited for
        kept = [entry for entry, ok in zip(batch, claimed, strict=True) if ok]
        blobs = BlobBatch(evidence_root(home))
        file_rows: list[dict[str, Any]] = []  # the new leads' evidence file rows, inserted together
        try:
            known = prefetch_sightings(session, [args for args, _ in kept])
            latest = latest_captures(session, _leads_seen_again(kept, known))
            stored = [
                _store(session, args, capture, known, home=home, blobs=blobs, file_rows=file_rows, latest=latest)
                for args, capture in kept
            ]
            insert_file_rows(session, file_rows)
            store_changes(session, known)
            moments = [args["seen_at"] for args, _ in batch if args.get("seen_at") is not None]
            reprioritise(
                session, seller_pks=known.grown_sellers, now=max(moments, default=None), seller_leads=known.seller_leads
            )
            blobs.finish()  # the batch's evidence files are durable before its rows commit
        finally:
            blobs.discard()
        written = iter(stored)
        return [next(written) if ok else _recorded_already(args) for (args, _), ok in zip(batch, claimed, strict=True)]

    try:
        return run_write(write_all, engine=engine)
    except Exception as error:
        if len(batch) == 1:
            return [error]
        log.warning("batch of %d listings failed (%s); storing them one by one", len(batch), error)
    results: list[Outcome] = []
    for entry in batch:
        args = entry[0]

        def write_one(session: Session, entry: Entry = entry) -> Outcome:
            if not _claim(session, [entry])[0]:
                return _recorded_already(entry[0])
            return _store(session, *entry, None, home=home, blobs=None)  # each file synced as it is written

        try:
            results.append(run_write(write_one, engine=engine))
        except Exception as error:
            log.error("listing %s/%s not stored: %s", args["listing"]["platform"], args["listing"]["listing_id"], error)
            results.append(error)
    return results


def _run_claim(args: Mapping[str, Any]) -> tuple[int, str] | None:
    """What an entry claims for its run (run id, listing id), if its run records each listing once."""
    if not args.get(ONCE_PER_RUN) or args.get("run_id") is None:
        return None
    return int(args["run_id"]), str(args["listing"]["listing_id"])


def _claim(session: Session, batch: list[Entry]) -> list[bool]:
    """Whether each entry is to be recorded: it claims nothing, or it claimed its listing for its run (of a
    listing twice in the batch, the first)."""
    wanted = [_run_claim(args) for args, _ in batch]
    claimed = claim_run_listings(session, [key for key in wanted if key is not None])
    keep = []
    for key in wanted:
        if key is None:
            keep.append(True)
            continue
        keep.append(key in claimed)
        claimed.discard(key)
    return keep


def _recorded_already(args: Mapping[str, Any]) -> RecordedAlready:
    return RecordedAlready(int(args["run_id"]), str(args["listing"]["listing_id"]))


def _leads_seen_again(batch: list[Entry], known: KnownRows) -> list[int]:
    """The stored leads of the batch's listings that come with a page capture: what their captures are compared
    with is read for the batch in one query (`latest_captures`)."""
    pks = []
    for args, capture in batch:
        if capture is None:
            continue
        listing = known.listings.get((args["listing"]["platform"], str(args["listing"]["listing_id"])))
        lead = known.leads.get(listing.id) if listing is not None and listing.id is not None else None
        if lead is not None and lead.id is not None:
            pks.append(lead.id)
    return pks


def _store(
    session: Session,
    args: dict[str, Any],
    capture: Mapping[str, Any] | None,
    known: KnownRows | None,
    *,
    home: Path | None,
    blobs: BlobBatch | None,
    file_rows: list[dict[str, Any]] | None = None,
    latest: dict[int, LatestCapture] | None = None,
) -> Stored:
    """One listing, and the evidence of its lead, in the batch's transaction (its files in `blobs`, if given; a
    new lead's file rows in `file_rows`, if given, for the batch to insert in one statement; `latest`: the newest
    capture of the batch's stored leads, `latest_captures`, kept up to date as their captures are stored)."""
    if ONCE_PER_RUN in args:  # the writer's, not the sighting's
        args = {name: value for name, value in args.items() if name != ONCE_PER_RUN}
    sighting = record_sighting(session, **args, known=known, home=home)
    if sighting.lead_pk is None:
        return Stored(sighting)
    if capture is None:
        return Stored(sighting, "no_capture")
    lead_pk = sighting.lead_pk
    try:
        if sighting.lead_created:
            # A new lead's first capture writes its files before any of its rows, and nothing after the files can
            # fail with an evidence or file system error: there is no row to roll back, so no savepoint (whose
            # start flushes the session: one flush per new lead instead of one per batch).
            captured = store_capture(
                session, lead_pk=lead_pk, capture=capture, home=home, first=True, blobs=blobs, file_rows=file_rows
            )
        else:
            # An unchanged page is told by what the batch read of its lead's newest capture (a lead created earlier
            # in the batch is read from the store), and costs no savepoint.
            if latest is not None and lead_pk in latest:
                same = same_capture(latest[lead_pk], body=capture["body"], status=capture["status"])
            else:
                if file_rows:  # the batch's earlier captures, before this one is compared with its lead's latest
                    insert_file_rows(session, file_rows)
                same = same_as_latest_capture(session, lead_pk=lead_pk, body=capture["body"], status=capture["status"])
            if same:
                return Stored(sighting, "unchanged")
            if file_rows:  # the batch's earlier captures first: file rows keep the ids of capture order
                insert_file_rows(session, file_rows)
            with session.begin_nested():  # a capture that fails is rolled back alone; the listing stays
                captured = store_capture(session, lead_pk=lead_pk, capture=capture, home=home, blobs=blobs)
            if latest is not None:
                latest[lead_pk] = (int(capture["status"]), sha256_bytes(capture["body"]))
    except (TradewatchError, OSError) as error:
        return Stored(sighting, "failed", error=str(error))
    return Stored(sighting, "captured", evidence_version=captured.version)


# -- the backends -----------------------------------------------------------------------------------------


class StoreWriter(Protocol):
    """A backend of the store pipeline. `write` stores one batch (`write_batch`) and returns what each entry
    did; it is called from one thread at a time. `open` gives the writer of a store, `start_early` may start
    it before the crawl is built, and `stop` is called once the last batch was answered."""

    @classmethod
    def open(cls, database_url: str, home: Path | None) -> StoreWriter: ...

    @classmethod
    def start_early(cls, database_url: str, home: Path | None) -> None: ...

    def write(self, batch: list[Entry]) -> list[Outcome]: ...

    def stop(self) -> None: ...


class ThreadWriter:
    """Writes in the calling thread (the store pipeline's one writer thread)."""

    def __init__(self, database_url: str, home: Path | None) -> None:
        self.engine = get_engine(database_url)
        self.home = home

    @classmethod
    def open(cls, database_url: str, home: Path | None) -> ThreadWriter:
        return cls(database_url, home)

    @classmethod
    def start_early(cls, database_url: str, home: Path | None) -> None:
        """Nothing to start: the thread's writer is ready at once."""

    def write(self, batch: list[Entry]) -> list[Outcome]:
        return write_batch(batch, engine=self.engine, home=self.home)

    def stop(self) -> None:
        """Nothing to stop (the engine is shared with the rest of the process); the planner's statistics are
        refreshed after the sweep's writes."""
        refresh_planner_statistics(self.engine)


_POLL_SECONDS = 1.0


def _start_method() -> str:
    """'fork' while this process runs no other thread (a crawl process before Scrapy is built): the writer then
    starts with the store's modules already imported, where 'spawn' starts an interpreter that imports them and
    the crawl's main module again, with multiprocessing's resource tracker beside it (about half a second of CPU
    per sweep). With other threads running, 'spawn': a fork would copy the locks they hold."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


class ProcessWriter:
    """`write_batch` in a process of its own (`_start_method`): `write` sends a batch, waits for its outcomes,
    and raises StoreWriterDied if the process is gone."""

    _started_early: ClassVar[list[ProcessWriter]] = []

    def __init__(self, database_url: str, home: Path | None) -> None:
        self.key = (database_url, str(home) if home else None)
        self.start_method = _start_method()
        fork = self.start_method == "fork"
        if fork:
            # The store's engine made now (no connection opened; the crawl process makes it anyway as it opens
            # the store): the writer inherits its dialect and database driver imported instead of importing them
            # again for an engine of its own.
            get_engine(database_url, migrate=False)
            close_pooled_connections()
            # The crawl process configures the store's models anyway (its run records): done before the fork, the
            # writer inherits them configured instead of configuring them again at its first batch.
            configure_mappers()
        context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
        child_requests, self._requests = context.Pipe(duplex=False)  # (receiving end, sending end)
        self._results, child_results = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_writer_main,
            args=(database_url, str(home) if home else None, child_requests, child_results, os.getpid()),
            name="tradewatch-store",
            daemon=True,
        )
        self.process.start()
        child_requests.close()  # the child's ends: a dead child then shows as EOF / a broken pipe here
        child_results.close()

    @classmethod
    def open(cls, database_url: str, home: Path | None) -> ProcessWriter:
        """A writer for this store: one started early for it if there is one still alive, else a new one.
        The schema is brought up to date here first; the writer process never migrates."""
        get_engine(database_url)
        key = (database_url, str(home) if home else None)
        for writer in list(cls._started_early):
            if writer.key == key and writer.process.is_alive():
                cls._started_early.remove(writer)
                return writer
        return cls(database_url, home)

    @classmethod
    def start_early(cls, database_url: str, home: Path | None) -> None:
        """Start a writer before the crawl is built, so that its start-up (a new interpreter importing the store)
        runs while Scrapy sets itself up rather than while the first pages come in; `open` hands it over."""
        cls._started_early.append(cls(database_url, home))

    @classmethod
    def stop_unused(cls) -> None:
        """Stop the writers started early that no crawl took (a crawl that failed before its store opened)."""
        while cls._started_early:
            cls._started_early.pop().stop()

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


STORE_WRITERS: dict[str, type[StoreWriter]] = {"process": ProcessWriter, "thread": ThreadWriter}


def store_writer(name: str) -> type[StoreWriter]:
    """The backend called `name` (the TRADEWATCH_STORE_WRITER setting)."""
    try:
        return STORE_WRITERS[name]
    except KeyError:
        known = ", ".join(STORE_WRITERS)
        raise TradewatchError(
            f"未知的存储写入方式 {name!r}（可选 {known}）/ unknown store writer {name!r} (one of {known})"
        ) from None


def stop_unused_writers() -> None:
    """Stop every writer a backend started early that no crawl took."""
    ProcessWriter.stop_unused()


def _writer_main(database_url: str, home: str | None, requests: Any, results: Any, crawl_pid: int) -> None:
    """The writer process: batches in, outcomes out, until told to stop or the crawl process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the crawl decides when to stop; it flushes first
    if hasattr(signal, "SIGHUP"):  # a closed terminal's hangup reaches the crawl's whole group, as Ctrl-C does
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _die_with_parent(crawl_pid)
    forget_inherited_engines()  # forked: the crawl process's engines stay its own
    gc.freeze()  # what it started with lives on: the cycle collector need not walk it (nor copy its pages)
    gc.enable()  # forked while the crawl process had it off: what the writer allocates must still be collected
    engine = get_engine(database_url, migrate=False)
    root = Path(home) if home else None
    while True:
        try:
            batch = requests.recv()
        except EOFError:
            return
        if batch is None:
            break
        outcomes = write_batch(batch, engine=engine, home=root)
        results.send([_portable(outcome) for outcome in outcomes])
    # Every batch sent was answered, so everything is committed: close the connections and leave without the
    # interpreter's slow teardown of a process that only ever held the store's modules.
    refresh_planner_statistics(engine)
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
        return WriteFailed(f"{type(outcome).__name__}: {outcome}", store_unavailable=is_store_unavailable(outcome))
    return outcome

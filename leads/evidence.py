"""The evidence store: what a lead's page looked like when captured, in files that can be checked later.

Each capture of a lead is a new version (`Evidence`) with its files (`EvidenceFile`): the raw response body
(for a page rendered in the browser, the server's own response as received), the rendered DOM and the
screenshot where the page was rendered, the HTTP exchange (status, headers, URLs, redirects), a WARC file
with the response, the request and the redirect chain (and the rendered DOM and screenshot, each a record of
its own), the capture metadata, and a manifest listing type, format, size and SHA-256 of every file. Files
are stored content-addressed by SHA-256 under TRADEWATCH_HOME/evidence (`blob_path`) and never overwritten.
`verify_evidence` recomputes every hash; `export_bundle` writes a zip a stranger can check with
`sha256sum -c SHA256SUMS`.

Takes plain values (a dict with the fields of crawler.items.PageCapture), never crawler objects.
"""

from __future__ import annotations

import contextlib
import hashlib
import http
import io
import json
import os
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, partial
from importlib import metadata
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.config import get_settings
from core.errors import EvidenceError, NotFound
from core.files import sync_together
from core.workdays import BUREAU_TZ
from leads.models import Evidence, EvidenceFile, Lead, Listing, Notice, model_defaults, utcnow

SHA256SUMS = "SHA256SUMS"
CAPTURE_RECORD = "capture-record.txt"
MANIFEST = "manifest.json"
_HOP_BY_HOP = {"content-encoding", "transfer-encoding", "content-length"}
_BODY_EXTENSIONS = {"text/html": "html", "application/json": "json", "text/plain": "txt", "application/xml": "xml"}
METHODS = {
    "scrapy": "自动化 HTTP GET 抓取（Scrapy） / automated HTTP GET (Scrapy)",
    "playwright": "无头 Chromium 浏览器渲染并截图（Playwright） / rendered and screenshotted in headless Chromium "
    "(Playwright)",
}


def evidence_root(home: Path | None = None) -> Path:
    return (home or get_settings().resolved_home) / "evidence"


def blob_path(root: Path, sha256: str) -> Path:
    """Where the blob `sha256` is: `sha256/ab/<sha256>` under the evidence root, named by its first two hex
    digits. Blobs stored before under two folder levels (`sha256/ab/cd/<sha256>`) stay there and are found there.

    One level: a store's blobs share 256 folders, all made within its first few hundred files, where two levels
    made a folder for nearly every file of a store's first tens of thousands (a new folder costs the store
    writer more CPU than the file in it); 256 folders still keep a million blobs to about 4,000 a folder."""
    path = root / "sha256" / sha256[:2] / sha256
    if not path.exists():
        earlier = _two_level_path(root, sha256)
        if earlier.exists():
            return earlier
    return path


def _two_level_path(root: Path, sha256: str) -> Path:
    """Where a blob stored under the earlier layout is."""
    return root / "sha256" / sha256[:2] / sha256[2:4] / sha256


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def put_blob(root: Path, data: bytes) -> tuple[str, int]:
    """Store `data` under its SHA-256 unless already there; an existing file is never written again."""
    digest = sha256_bytes(data)
    path = blob_path(root, digest)
    if path.exists():  # under either layout
        return digest, len(data)
    temporary = _write_temporary(path, data, sync=True)
    try:
        _link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return digest, len(data)


def _write_temporary(path: Path, data: bytes, *, sync: bool) -> Path:
    """`data` in a new temporary file beside `path`, fsynced if `sync`; nothing is left of it if the write fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


# A blob's temporary file: new (never one already there), not inherited by child processes, read-only from the
# start (`_write_new` writes it through the descriptor it opens; nothing writes it after).
_NEW_BLOB_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_new(temporary: str, data: bytes) -> str:
    """`data` in the new file `temporary`, made read-only (0o444 less the umask) as it is created, its folder
    made where missing; nothing is left of it if the write fails.

    Bare descriptor calls, four system calls for a file in an existing folder: Python's `open()` adds an fstat,
    an isatty ioctl and an lseek to every file, looking for the folder first a stat, and a chmod after the link
    one more, none of which a blob needs."""
    try:
        descriptor = os.open(temporary, _NEW_BLOB_FLAGS, 0o444)
    except FileNotFoundError:  # the first file of its folder
        os.makedirs(os.path.dirname(temporary), exist_ok=True)
        descriptor = os.open(temporary, _NEW_BLOB_FLAGS, 0o444)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def _link(temporary: str | Path, path: str | Path) -> None:
    """The synced temporary file under its address: atomic, and never replacing a file already there."""
    try:
        os.link(temporary, path)
        os.chmod(path, 0o444)
    except FileExistsError:
        pass


class BlobBatch:
    """The blobs of one transaction, made durable together before it commits (the store writer's batch).

    `put` writes a new blob to a temporary file at once, so a full disk fails the capture that wrote it, as
    `put_blob` does. `finish` syncs every file written (one syncfs on Linux, `core.files.sync_together`), links
    each under its address, and syncs again so that the links are durable too: two syncs a batch where
    `put_blob` fsyncs each file (a lead's capture has five to seven). A blob is linked only once its content is
    durable, so a crash never leaves a short file under an address. `discard` removes what was never linked (a
    transaction that failed before `finish`).

    A new blob costs seven system calls: two stats (is it stored already, under either layout), the open, write
    and close of its temporary file, its link and the temporary's unlink; the two syncs are the batch's."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Paths as strings: pathlib's joins cost more than the file's own writing (five to seven files a lead)
        self._blobs = os.path.join(root, "sha256")
        self._pending: dict[str, str] = {}  # temporary file by digest
        # Temporary names: the digest, unique in the batch, and the batch's own random token, unique among writers
        # (a random name for each file cost a getrandom call each).
        self._token = uuid.uuid4().hex

    def put(self, data: bytes) -> tuple[str, int]:
        """Like `put_blob`, but durable and linked only at `finish`."""
        digest = sha256_bytes(data)
        if digest not in self._pending:
            folder = f"{self._blobs}/{digest[:2]}"
            if not os.path.exists(f"{folder}/{digest}") and not os.path.exists(f"{folder}/{digest[2:4]}/{digest}"):
                self._pending[digest] = _write_new(f"{folder}/.{digest}.{self._token}.tmp", data)
        return digest, len(data)

    def finish(self) -> None:
        pending, self._pending = self._pending, {}
        if not pending:
            return
        try:
            sync_together(pending.values(), anchor=self.root)
            folders = set()
            for digest, temporary in pending.items():
                folder = os.path.dirname(temporary)
                with contextlib.suppress(FileExistsError):  # stored meanwhile by another writer: never replaced
                    os.link(temporary, f"{folder}/{digest}")  # read-only since it was made (`_write_new`)
                folders.add(folder)
            sync_together(folders, anchor=self.root)
        finally:
            for temporary in pending.values():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

    def discard(self) -> None:
        pending, self._pending = self._pending, {}
        for temporary in pending.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


STALE_TEMPORARY_SECONDS = 3600


def stale_temporaries(
    root: Path, *, older_than: float = STALE_TEMPORARY_SECONDS, now: float | None = None
) -> list[Path]:
    """Partial files a process killed mid-write left in the blob folders (`put_blob`'s `.<sha256>.<uuid>.tmp`),
    older than `older_than` seconds: no row refers to them and no writer still holds them. A younger one may
    belong to a sweep writing right now, so it is left alone. The folders of both layouts (`blob_path`) are
    searched."""
    folder = root / "sha256"
    if not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - older_than
    found = []
    for path in chain(folder.glob("??/.*.tmp"), folder.glob("??/??/.*.tmp")):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                found.append(path)
        except OSError:
            continue
    return sorted(found)


def remove_stale_temporaries(root: Path, *, older_than: float = STALE_TEMPORARY_SECONDS) -> list[Path]:
    """Delete what `stale_temporaries` finds; returns the files deleted."""
    removed = []
    for path in stale_temporaries(root, older_than=older_than):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


# -------------------------------------------------------------------------------------------- capturing


def _header_pairs(headers: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            pairs.append((name.decode("latin-1") if isinstance(name, bytes) else str(name), text))
    return pairs


def _content_type(headers: Mapping[str, Any]) -> str:
    for name, value in _header_pairs(headers):
        if name.lower() == "content-type":
            return value
    return "application/octet-stream"


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _own_versions() -> tuple[tuple[str, str], ...]:
    versions = []
    for package in ("tradewatch", "warcio"):
        try:
            versions.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            versions.append((package, "unknown"))
    return tuple(versions)


def tool_versions(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    versions = dict(_own_versions())
    versions.update(extra or {})
    return dict(sorted(versions.items()))


# zlib's default level for the WARC's gzip members, where warcio compresses at 9: on real marketplace pages (some
# 370 KB of HTML) level 9 took 7.9 ms of CPU a page against 4.8 ms at 6, for a file 1.3 % smaller
WARC_GZIP_LEVEL = 6


class _GzipMembers:
    """Where warcio writes an uncompressed WARC (`gzip=False`): each record becomes a gzip member of its own, as
    warcio's own `gzip=True` makes them (it flushes its output at the end of every record), so a reader can still
    seek to each record; compressed at WARC_GZIP_LEVEL."""

    def __init__(self, out: io.BytesIO) -> None:
        self.out = out
        self._member: Any = None

    def write(self, data: bytes) -> None:
        if self._member is None:
            self._member = zlib.compressobj(WARC_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out.write(self._member.compress(data))

    def flush(self) -> None:
        """The record is written: its member ends."""
        if self._member is not None:
            self.out.write(self._member.flush())
            self._member = None


def build_warc(capture: Mapping[str, Any], captured_at: datetime, tools: Mapping[str, str]) -> bytes:
    """A gzipped WARC 1.0 file: warcinfo, the response, the request, and the redirect chain as metadata, each
    record a gzip member of its own (`_GzipMembers`).

    Every record is given its payload's length: warcio then digests the payload once, as it writes it, where a
    record of unknown length is copied into a temporary file and digested twice (about a fifth of the WARC's cost)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(_GzipMembers(buffer), gzip=False)
    date = _warc_date(captured_at)
    software = ", ".join(f"{name}/{version}" for name, version in tools.items())
    writer.write_record(
        writer.create_warcinfo_record("capture.warc.gz", {"software": software, "format": "WARC File Format 1.0"})
    )
    final_url = capture["final_url"]
    body: bytes = capture["body"]
    status = int(capture["status"])
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    # The body is stored as received after transfer decoding, so the length and encoding headers describe it.
    response_headers = [(n, v) for n, v in _header_pairs(capture["headers"]) if n.lower() not in _HOP_BY_HOP]
    response_headers.append(("Content-Length", str(len(body))))
    response = writer.create_warc_record(
        final_url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(f"{status} {phrase}", response_headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(response)
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    parts = urlsplit(final_url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_headers = _header_pairs(capture.get("request_headers") or {})
    if not any(name.lower() == "host" for name, _ in request_headers):
        request_headers.insert(0, ("Host", parts.netloc))
    request = writer.create_warc_record(
        final_url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", request_headers, is_http_request=True),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    writer.write_record(request)
    chain = [capture["requested_url"], *capture.get("redirect_urls", []), final_url]
    lines = "".join(f"redirect-hop: {url}\r\n" for url in dict.fromkeys(chain))
    hops = lines.encode()
    meta = writer.create_warc_record(
        final_url,
        "metadata",
        payload=io.BytesIO(hops),
        length=len(hops),
        warc_content_type="text/plain",  # a header after the digests, as warcio wrote it when given no length
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    writer.write_record(meta)
    # Photos whose text produced a hit: each the response that brought it, a record of its own.
    for photo in capture.get("photos") or []:
        body = photo["body"]
        headers = [("Content-Type", photo["content_type"]), ("Content-Length", str(len(body)))]
        writer.write_record(
            writer.create_warc_record(
                photo["url"],
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": date},
            )
        )
    # A rendered page: what the browser made of the response, and what it showed, each a record of its own.
    for media_type, data in (
        ("text/html; charset=utf-8", capture.get("rendered")),
        ("image/png", capture.get("screenshot")),
    ):
        if data:
            resource = writer.create_warc_record(
                final_url,
                "resource",
                payload=io.BytesIO(data),
                length=len(data),
                warc_content_type=media_type,
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
            )
            writer.write_record(resource)
    return buffer.getvalue()


# the encoder `json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)` makes, made once
_JSON_LINE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _json_bytes(data: Any) -> bytes:
    """One line of JSON: without `indent`, json uses its C encoder, several times faster than the Python one an
    indented dump needs (a new lead's capture writes three of these in the store writer)."""
    return (_JSON_LINE.encode(data) + "\n").encode()


@dataclass(frozen=True)
class _File:
    name: str
    kind: str
    media_type: str
    data: bytes


def _capture_files(
    capture: Mapping[str, Any], *, subject: Mapping[str, Any], captured_at: datetime, tools: Mapping[str, str]
) -> list[_File]:
    content_type = _content_type(capture["headers"])
    extension = _BODY_EXTENSIONS.get(content_type.split(";")[0].strip().lower(), "bin")
    renderer = capture.get("renderer") or "scrapy"
    files = [_File(f"response-body.{extension}", "response_body", content_type, capture["body"])]
    if capture.get("rendered"):
        files.append(_File("rendered-dom.html", "rendered_dom", "text/html; charset=utf-8", capture["rendered"]))
    if capture.get("screenshot"):
        files.append(_File("screenshot.png", "screenshot", "image/png", capture["screenshot"]))
    exchange = {
        "request": {"method": "GET", "url": capture["requested_url"], "headers": capture.get("request_headers") or {}},
        "redirects": list(capture.get("redirect_urls") or []),
        "response": {"status": int(capture["status"]), "url": capture["final_url"], "headers": capture["headers"]},
    }
    for number, photo in enumerate(capture.get("photos") or [], start=1):
        extension = photo["content_type"].split("/")[-1].replace("jpeg", "jpg")
        files.append(_File(f"photo-{number}.{extension}", "photo", photo["content_type"], photo["body"]))
    files.append(_File("http-exchange.json", "http_headers", "application/json", _json_bytes(exchange)))
    files.append(_File("capture.warc.gz", "warc", "application/warc", build_warc(capture, captured_at, tools)))
    record = {
        **subject,
        "requested_url": capture["requested_url"],
        "final_url": capture["final_url"],
        "redirect_urls": list(capture.get("redirect_urls") or []),
        "status": int(capture["status"]),
        "captured_at": captured_at.astimezone(UTC).isoformat(),
        "method": METHODS.get(renderer, renderer),
        "renderer": renderer,
        "encoding": capture.get("encoding"),
        "tool_versions": dict(tools),
    }
    files.append(_File("capture.json", "capture_metadata", "application/json", _json_bytes(record)))
    return files


def _manifest(subject: Mapping[str, Any], version: int, captured_at: datetime, entries: list[dict[str, Any]]) -> bytes:
    return _json_bytes(
        {
            **subject,
            "version": version,
            "captured_at": captured_at.astimezone(UTC).isoformat(),
            "algorithm": "SHA-256",
            "files": entries,
        }
    )


@dataclass(frozen=True)
class WrittenCapture:
    """The files of one capture, stored content-addressed: their manifest entries (the manifest's own last)."""

    captured_at: datetime
    renderer: str
    tools: dict[str, str]
    entries: list[dict[str, Any]]
    manifest_sha256: str


def file_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of an evidence file's row, from its manifest entry."""
    return {
        "name": entry["name"],
        "kind": entry["type"],
        "media_type": entry["format"],
        "size": entry["size"],
        "sha256": entry["sha256"],
    }


def write_capture(
    capture: Mapping[str, Any],
    *,
    subject: Mapping[str, Any],
    version: int,
    home: Path | None = None,
    blobs: BlobBatch | None = None,
) -> WrittenCapture:
    """Write one capture's files (body, screenshot, HTTP exchange, WARC, capture record) and its manifest.

    `subject` names what was captured ({"lead": 12}, or a platform's rules page) in the capture record and the
    manifest. The caller records the entries in its own tables. With `blobs`, the files are durable only once
    the caller has finished that batch (before its transaction commits); without, each is when this returns.
    """
    root = evidence_root(home)
    put = blobs.put if blobs is not None else partial(put_blob, root)
    captured_at = capture.get("fetched_at") or utcnow()
    if captured_at.tzinfo is None:
        raise EvidenceError("capture time must be timezone-aware UTC")
    tools = tool_versions(capture.get("tool_versions"))
    entries: list[dict[str, Any]] = []
    for file in _capture_files(capture, subject=subject, captured_at=captured_at, tools=tools):
        digest, size = put(file.data)
        entries.append(
            {"name": file.name, "type": file.kind, "format": file.media_type, "size": size, "sha256": digest}
        )
    manifest_sha, manifest_size = put(_manifest(subject, version, captured_at, entries))
    entries.append(
        {
            "name": MANIFEST,
            "type": "manifest",
            "format": "application/json",
            "size": manifest_size,
            "sha256": manifest_sha,
        }
    )
    return WrittenCapture(captured_at, capture.get("renderer") or "scrapy", tools, entries, manifest_sha)


@dataclass(frozen=True)
class StoredCapture:
    """The evidence row a capture became."""

    id: int
    version: int


_EVIDENCE = Evidence.__table__  # type: ignore[attr-defined]
_EVIDENCE_FILES = EvidenceFile.__table__  # type: ignore[attr-defined]
# one statement object each for every capture, as `leads.audit` does for its events
_INSERT_EVIDENCE = insert(_EVIDENCE).returning(_EVIDENCE.c.id)
_INSERT_EVIDENCE_FILES = insert(_EVIDENCE_FILES)


def store_capture(
    session: Session,
    *,
    lead_pk: int,
    capture: Mapping[str, Any],
    home: Path | None = None,
    first: bool = False,
    blobs: BlobBatch | None = None,
    file_rows: list[dict[str, Any]] | None = None,
) -> StoredCapture:
    """Store one capture of the lead's page as a new evidence version (files first, then the rows).

    `first`: the lead was created in this transaction, so this is its version 1 (no query for the last one).
    The file rows go in one multi-row INSERT: a lead's capture has half a dozen files, and the store writer
    stores one capture per new lead. `blobs`: the files' batch (`write_capture`). `file_rows`: the file rows
    are added to this list instead, for the caller to insert with its batch's others (`insert_file_rows`) in
    the same transaction, before anything reads them."""
    if first:  # the lead's row was inserted in this very transaction
        version = 1
    else:
        if session.get(Lead, lead_pk) is None:
            raise NotFound(f"没有编号为 {lead_pk} 的线索 / no lead with id {lead_pk}")
        latest = session.exec(select(func.max(Evidence.version)).where(Evidence.lead_pk == lead_pk)).one()
        version = int(latest or 0) + 1
    written = write_capture(capture, subject={"lead": lead_pk}, version=version, home=home, blobs=blobs)
    values = {
        **model_defaults(Evidence),
        "lead_pk": lead_pk,
        "version": version,
        "captured_at": written.captured_at,
        "requested_url": capture["requested_url"],
        "final_url": capture["final_url"],
        "redirect_urls": list(capture.get("redirect_urls") or []),
        "status": int(capture["status"]),
        "method": METHODS.get(written.renderer, written.renderer),
        "renderer": written.renderer,
        "tool_versions": written.tools,
        "manifest_sha256": written.manifest_sha256,
    }
    connection = session.connection()  # plain rows: no model object to build, no flush of the whole session
    evidence_pk = connection.execute(_INSERT_EVIDENCE, values).scalar_one()
    rows = [{"evidence_pk": evidence_pk, **file_fields(e)} for e in written.entries]
    if file_rows is None:
        connection.execute(_INSERT_EVIDENCE_FILES, rows)
    else:
        file_rows.extend(rows)
    return StoredCapture(evidence_pk, version)


def insert_file_rows(session: Session, file_rows: list[dict[str, Any]]) -> None:
    """Insert the file rows that `store_capture` set aside in `file_rows` (in the order they were added, so
    they get the ids they would have got one capture at a time), and empty it."""
    if file_rows:
        session.connection().execute(_INSERT_EVIDENCE_FILES, file_rows)
        file_rows.clear()


def same_as_latest_capture(session: Session, *, lead_pk: int, body: bytes, status: int) -> bool:
    """True when the lead's newest capture holds this very response: re-seeing an unchanged page adds no
    new evidence version (a changed page always does)."""
    latest = session.exec(
        select(Evidence).where(Evidence.lead_pk == lead_pk).order_by(col(Evidence.version).desc()).limit(1)
    ).first()
    if latest is None or latest.status != status:
        return False
    stored = session.exec(
        select(EvidenceFile.sha256).where(EvidenceFile.evidence_pk == latest.id, EvidenceFile.kind == "response_body")
    ).first()
    return stored == sha256_bytes(body)


LatestCapture = tuple[int, str | None] | None  # the status and response body SHA-256 of a lead's newest capture


def latest_captures(session: Session, lead_pks: Iterable[int]) -> dict[int, LatestCapture]:
    """What `same_as_latest_capture` compares a page with, for each of these leads (None: no capture yet), read in
    one query for a batch of sightings instead of two for each of its leads seen again."""
    pks = sorted(set(lead_pks))
    latest: dict[int, LatestCapture] = dict.fromkeys(pks)
    for start in range(0, len(pks), 5_000):
        chunk = pks[start : start + 5_000]
        for lead_pk, status, sha256 in session.connection().execute(_latest_captures(), {"lead_pks": chunk}):
            latest[lead_pk] = (status, sha256)
    return latest


@cache
def _latest_captures() -> Any:
    """`latest_captures`' statement, built once (the store writer runs it for every batch with leads seen again):
    SQLAlchemy keys its compiled-statement cache by a walk of the statement, which it remembers on the object."""
    newest = (
        sa_select(_EVIDENCE.c.lead_pk, func.max(_EVIDENCE.c.version).label("version"))
        .where(_EVIDENCE.c.lead_pk.in_(bindparam("lead_pks", expanding=True)))
        .group_by(_EVIDENCE.c.lead_pk)
        .subquery()
    )
    return (
        sa_select(_EVIDENCE.c.lead_pk, _EVIDENCE.c.status, _EVIDENCE_FILES.c.sha256)
        .join(newest, and_(_EVIDENCE.c.lead_pk == newest.c.lead_pk, _EVIDENCE.c.version == newest.c.version))
        .outerjoin(
            _EVIDENCE_FILES,
            and_(_EVIDENCE_FILES.c.evidence_pk == _EVIDENCE.c.id, _EVIDENCE_FILES.c.kind == "response_body"),
        )
    )


def same_capture(latest: LatestCapture, *, body: bytes, status: int) -> bool:
    """`same_as_latest_capture` on what `latest_captures` read."""
    return latest is not None and latest[0] == status and latest[1] == sha256_bytes(body)


def lead_evidence(session: Session, lead_pk: int) -> list[tuple[Evidence, list[EvidenceFile]]]:
    """The lead's captures, oldest first, each with its files."""
    captures = session.exec(select(Evidence).where(Evidence.lead_pk == lead_pk).order_by(col(Evidence.version)))
    result = []
    for capture in captures:
        files = session.exec(
            select(EvidenceFile).where(EvidenceFile.evidence_pk == capture.id).order_by(col(EvidenceFile.id))
        )
        result.append((capture, list(files)))
    return result


# ------------------------------------------------------------------------------------------ verification


@dataclass(frozen=True)
class EvidenceProblem:
    lead_pk: int
    version: int
    name: str
    problem: str
    path: Path | None = None

    def __str__(self) -> str:
        return f"线索 lead {self.lead_pk} 第 v{self.version} 次取证 {self.name}: {self.problem}"


def _check_manifest(capture: Evidence, files: list[EvidenceFile], data: bytes) -> str | None:
    try:
        listed = {entry["name"]: entry for entry in json.loads(data)["files"]}
    except (ValueError, KeyError, TypeError):
        return "清单无法解析 / manifest unreadable"
    stored = {file.name: file for file in files if file.kind != "manifest"}
    if set(listed) != set(stored):
        return "清单文件列表与数据库不符 / manifest lists other files than the store"
    for name, file in stored.items():
        if (listed[name].get("sha256"), listed[name].get("size")) != (file.sha256, file.size):
            return f"清单中 {name} 的校验值不符 / manifest check value of {name} differs from the store"
    return None


def verify_evidence(
    session: Session, *, lead_pk: int | None = None, home: Path | None = None
) -> tuple[int, list[EvidenceProblem]]:
    """Recompute the SHA-256 of every evidence file (of one lead, or all). Returns (files checked, problems)."""
    root = evidence_root(home)
    statement = select(Evidence).order_by(col(Evidence.lead_pk), col(Evidence.version))
    if lead_pk is not None:
        if session.get(Lead, lead_pk) is None:
            raise NotFound(f"没有编号为 {lead_pk} 的线索 / no lead with id {lead_pk}")
        statement = statement.where(Evidence.lead_pk == lead_pk)
    checked, problems = 0, []
    for capture in list(session.exec(statement)):
        files = list(session.exec(select(EvidenceFile).where(EvidenceFile.evidence_pk == capture.id)))
        for file in files:
            checked += 1
            path = blob_path(root, file.sha256)
            where: dict[str, Any] = {
                "lead_pk": capture.lead_pk,
                "version": capture.version,
                "name": file.name,
                "path": path,
            }
            if not path.is_file():
                problems.append(EvidenceProblem(**where, problem=f"文件缺失 / file missing ({path})"))
                continue
            actual = sha256_file(path)
            if actual != file.sha256:
                problems.append(
                    EvidenceProblem(
                        **where, problem=f"校验值不符 / hash mismatch: expected {file.sha256}, found {actual} ({path})"
                    )
                )
            elif file.kind == "manifest":
                issue = _check_manifest(capture, files, path.read_bytes())
                if issue:
                    problems.append(EvidenceProblem(**where, problem=issue))
        if not any(file.kind == "manifest" and file.sha256 == capture.manifest_sha256 for file in files):
            problems.append(
                EvidenceProblem(capture.lead_pk, capture.version, MANIFEST, "清单记录缺失 / manifest record missing")
            )
    notices = select(Notice).where(col(Notice.lead_pk).is_not(None)).order_by(col(Notice.id))
    if lead_pk is not None:
        notices = notices.where(Notice.lead_pk == lead_pk)
    for notice in session.exec(notices):
        for name, digest in notice_documents(notice):
            checked += 1
            problem = _blob_problem(root, digest)
            if problem:
                problems.append(EvidenceProblem(notice.lead_pk or 0, 0, name, problem, blob_path(root, digest)))
    return checked, problems


def notice_documents(notice: Notice) -> list[tuple[str, str]]:
    """(file name, SHA-256) of a notice's documents: the DOCX, and the PDF where one was made."""
    stem = notice.document_name.rsplit(".", 1)[0]
    files = [(notice.document_name, notice.document_sha256)]
    if notice.pdf_sha256:
        files.append((f"{stem}.pdf", notice.pdf_sha256))
    return files


def _blob_problem(root: Path, digest: str) -> str | None:
    path = blob_path(root, digest)
    if not path.is_file():
        return f"文件缺失 / file missing ({path})"
    actual = sha256_file(path)
    if actual != digest:
        return f"校验值不符 / hash mismatch: expected {digest}, found {actual} ({path})"
    return None


# ---------------------------------------------------------------------------------------------- export


def _beijing(moment: datetime) -> str:
    return moment.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M:%S")


def capture_record(
    lead: Lead,
    listing: Listing,
    captures: Iterable[tuple[Evidence, list[tuple[str, EvidenceFile]]]],
    notices: Iterable[tuple[Notice, list[tuple[str, str, int]]]] = (),
) -> str:
    """The capture record (取证记录) of a bundle, in Chinese and English; the case (案由) is left blank."""
    seller = f"{listing.seller or '-'}（{listing.seller_id or '-'}）"
    lines = [
        "电子数据取证记录 / Electronic data capture record",
        "",
        "案由 / Case: ",
        f"线索编号 / Lead: {lead.id}",
        f"取证对象 / Target: 平台 platform {listing.platform}，商品编号 listing {listing.listing_id}，"
        f"卖家 seller {seller}",
        f"商品标题 / Title: {listing.title}",
        f"商品网址 / Listing URL: {listing.url}",
        "",
    ]
    for capture, files in captures:
        lines += [
            f"第 {capture.version} 次取证 / Capture {capture.version}",
            f"  请求网址 / Requested URL: {capture.requested_url}",
            f"  最终网址 / Final URL: {capture.final_url}",
            f"  跳转 / Redirects: {' -> '.join(capture.redirect_urls) or '无 none'}",
            f"  HTTP 状态 / Status: {capture.status}",
            f"  取证时间 / Capture time: {capture.captured_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
            f"（北京时间 {_beijing(capture.captured_at)}）",
            f"  取证方法 / Method: {capture.method}",
            "  工具版本 / Tools: " + ", ".join(f"{name} {version}" for name, version in capture.tool_versions.items()),
            "  文件及校验值 (SHA-256) / Files and check values (SHA-256):",
        ]
        for path, file in files:
            lines.append(f"    {path}  {file.size} 字节 bytes  {file.media_type}  {file.sha256}")
        lines.append("")
    for notice, documents in notices:
        reply = f"{notice.replied_at:%Y-%m-%d} {notice.reply_text}" if notice.replied_at else "未回复 none yet"
        lines += [
            f"通知 / Notice {notice.id}",
            f"  对象 / To: {notice.recipient}  方式 / Channel: {notice.channel}  文号 / Ref: {notice.reference or '-'}",
            f"  发出 / Sent: {_beijing(notice.sent_at)} 北京时间 by {notice.sent_by}  "
            f"回复期限 / Reply by: {notice.reply_due:%Y-%m-%d}",
            f"  回复 / Reply: {reply}",
        ]
        lines += [f"    {path}  {size} 字节 bytes  {digest}" for path, digest, size in documents]
        lines.append("")
    lines += [
        f"校验方法 / How to check: 解压后在本目录运行 `sha256sum -c {SHA256SUMS}` / "
        f"unzip and run `sha256sum -c {SHA256SUMS}` in this folder.",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: int
    captures: int


def export_bundle(
    session: Session, lead_pk: int, out: Path, *, home: Path | None = None, overwrite: bool = False
) -> ExportResult:
    """Write the lead's evidence bundle: every capture's files, their manifests, a capture record, SHA256SUMS.

    Refuses when any file fails verification, so a bundle never carries evidence that was altered.
    """
    lead = session.get(Lead, lead_pk)
    if lead is None:
        raise NotFound(f"没有编号为 {lead_pk} 的线索 / no lead with id {lead_pk}")
    listing = session.get(Listing, lead.listing_id)
    assert listing is not None
    captures = lead_evidence(session, lead_pk)
    notices = list(session.exec(select(Notice).where(Notice.lead_pk == lead_pk).order_by(col(Notice.id))))
    if not captures and not notices:
        raise EvidenceError(f"线索 {lead_pk} 没有证据 / lead {lead_pk} has no evidence")
    _, problems = verify_evidence(session, lead_pk=lead_pk, home=home)
    if problems:
        raise EvidenceError(f"证据校验失败，拒绝导出 / evidence failed verification, not exported: {problems[0]}")
    if out.exists() and not overwrite:
        raise EvidenceError(f"{out} 已存在 / {out} already exists")
    root = evidence_root(home)
    entries: list[tuple[str, bytes]] = []
    listed: list[tuple[Evidence, list[tuple[str, EvidenceFile]]]] = []
    for capture, files in captures:
        named = []
        for file in files:
            path = f"v{capture.version}/{file.name}"
            entries.append((path, blob_path(root, file.sha256).read_bytes()))
            named.append((path, file))
        listed.append((capture, named))
    notice_files: list[tuple[Notice, list[tuple[str, str, int]]]] = []
    for notice in notices:
        documents = []
        for name, digest in notice_documents(notice):
            data = blob_path(root, digest).read_bytes()
            entries.append((f"notices/{name}", data))
            documents.append((f"notices/{name}", digest, len(data)))
        notice_files.append((notice, documents))
    entries.append((CAPTURE_RECORD, capture_record(lead, listing, listed, notice_files).encode()))
    sums = "".join(f"{sha256_bytes(data)}  {path}\n" for path, data in entries)
    entries.append((SHA256SUMS, sums.encode()))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path, data in entries:
            bundle.writestr(zipfile.ZipInfo(path, date_time=_zip_time(lead, captures)), data, zipfile.ZIP_DEFLATED)
    temporary.replace(out)
    return ExportResult(path=out, files=len(entries), captures=len(captures))


def _zip_time(lead: Lead, captures: list[tuple[Evidence, list[EvidenceFile]]]) -> tuple[int, int, int, int, int, int]:
    moment = (captures[-1][0].captured_at if captures else lead.updated_at).astimezone(BUREAU_TZ)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)

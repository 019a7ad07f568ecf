"""The audit trail: append-only, every event hashing the one before it, signed with a key outside the database,
checked by `verify_chain`.

All events form one chain ordered by `seq`. Appending locks the single `AuditHead` row (a row lock on
PostgreSQL; SQLite write transactions are serialised anyway), so concurrent writers never fork the chain.
The head row also records the last sequence number and hash, so deleting the newest events is detected too;
it is written once when a transaction (or savepoint) that appended events commits, not once per event.

The hash chain is public SHA-256: anyone can recompute it, so on its own it only shows accidents. Each event's
hash and the head are therefore also signed with an HMAC whose key lives in `TRADEWATCH_HOME/keys/`
(`leads.audit_keys`): rewriting history needs the key, not only the database. Anchors (`anchor_head`) copy the
head into an append-only file outside the database, so rolling the whole store back to an older, validly signed
state is detected too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from core.config import get_settings
from leads.audit_keys import AuditKey, create_key, key_for, load_keys, signing_key
from leads.models import AuditEvent, AuditHead, utcnow

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"


_HASHED = (
    "seq",
    "lead_pk",
    "rule_finding_pk",
    "action",
    "actor",
    "from_status",
    "to_status",
    "reason",
    "details",
    "created_at",
    "prev_hash",
)


def _canonical(event: AuditEvent | Mapping[str, Any]) -> bytes:
    row = event if isinstance(event, Mapping) else {name: getattr(event, name) for name in _HASHED}
    payload = {
        "seq": row["seq"],
        "lead": row["lead_pk"],
        "action": row["action"],
        "actor": row["actor"],
        "from": row["from_status"],
        "to": row["to_status"],
        "reason": row["reason"],
        "details": row["details"],
        "at": row["created_at"].isoformat(timespec="microseconds"),
        "prev": row["prev_hash"],
    }
    if row["rule_finding_pk"] is not None:  # events of rule findings; lead events hash as they always did
        payload["rule_finding"] = row["rule_finding_pk"]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent | Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def event_mac(key: AuditKey, event: AuditEvent) -> str:
    return key.mac("event", key.id, event.seq, event.hash)


def head_mac(key: AuditKey, seq: int, hash_: str) -> str:
    return key.mac("head", key.id, seq, hash_)


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(details, ensure_ascii=False, default=str))


@dataclass
class _Head:
    """The chain's head as one transaction (or savepoint) has moved it: read and locked by the first event of
    the outermost transaction that appends one, kept in the session for the next. `written`: the head row holds
    it too; the row is written once, when that transaction or savepoint commits (`_write_head`), not once per
    event."""

    seq: int
    hash: str
    key_id: int | None
    key: AuditKey | None = None  # the key that signed the newest event, for the head's own signature
    written: bool = True
    released: bool = False  # the savepoint committed: its head passes to the enclosing transaction


_HEADS = "audit_heads"  # session.info: {transaction or savepoint: _Head}
_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
# One statement object for every event: SQLAlchemy keys its compiled-statement cache by a walk of the statement,
# which it remembers on the object (a new insert() per event walked it again for each of a batch's events).
_INSERT_EVENT = insert(_EVENTS)
# the head's read and write, once per transaction (the store writer's every batch): built once, as the insert above
_SELECT_HEAD = select(_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.key_id).where(_HEAD.c.id == 1).with_for_update()
_UPDATE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(
        seq=bindparam("new_seq"), hash=bindparam("new_hash"), key_id=bindparam("new_key_id"), mac=bindparam("new_mac")
    )
)


def _current(session: OrmSession) -> Any:
    return session.get_nested_transaction() or session.get_transaction()


def _nearest(session: OrmSession, heads: dict[Any, _Head]) -> tuple[Any, _Head | None]:
    """The innermost transaction or savepoint, and the head as it or the closest enclosing one left it."""
    transaction = current = _current(session)
    while transaction is not None and transaction not in heads:
        transaction = transaction.parent
    return current, heads.get(transaction) if transaction is not None else None


def _locked_head(session: OrmSession) -> _Head:
    """The head, selected and locked once per transaction (a row lock on PostgreSQL), then kept in the session:
    no other writer can move it while the lock is held. A savepoint starts from the head as the transaction
    around it left it, so one rolled back takes its own events' head with it and leaves the enclosing one."""
    heads: dict[Any, _Head] = session.info.setdefault(_HEADS, {})
    current, nearest = _nearest(session, heads)
    if nearest is not None:
        if current not in heads:
            heads[current] = replace(nearest, released=False)
        return heads[current]
    connection = session.connection()
    row = connection.execute(_SELECT_HEAD).first()
    if row is None:  # a store whose migration did not seed the head row
        connection.execute(insert(_HEAD).values(id=1, seq=0, hash=GENESIS_HASH))
        head = _Head(0, GENESIS_HASH, None)
    else:
        head = _Head(row.seq, row.hash, row.key_id)
    heads[_current(session)] = head
    return head


def _write_head(session: OrmSession) -> None:
    """Write the head row as the innermost transaction or savepoint sees it, if the row does not hold it yet.
    Written inside a savepoint, the enclosing transaction's head stays unwritten until the savepoint commits."""
    heads: dict[Any, _Head] | None = session.info.get(_HEADS)
    if not heads:
        return
    current, head = _nearest(session, heads)
    if head is None or head.written or head.key is None:
        return
    session.connection().execute(
        _UPDATE_HEAD,
        {
            "new_seq": head.seq,
            "new_hash": head.hash,
            "new_key_id": head.key_id,
            "new_mac": head_mac(head.key, head.seq, head.hash),
        },
    )
    heads[current] = replace(head, written=True, released=False)


@sa_event.listens_for(OrmSession, "before_commit")
def _head_before_commit(session: OrmSession) -> None:
    _write_head(session)


@sa_event.listens_for(OrmSession, "after_commit")
def _head_after_commit(session: OrmSession) -> None:
    heads: dict[Any, _Head] | None = session.info.get(_HEADS)
    if heads and (head := heads.get(_current(session))) is not None:
        head.released = True


@sa_event.listens_for(OrmSession, "after_transaction_end")
def _head_after_transaction_end(session: OrmSession, transaction: Any) -> None:
    heads: dict[Any, _Head] | None = session.info.get(_HEADS)
    if not heads:
        return
    if transaction.parent is None:
        heads.clear()
        return
    head = heads.pop(transaction, None)
    if head is not None and head.released:  # a savepoint released: its events stay, and so does its head
        heads[_current(session)] = replace(head, released=False)


@sa_event.listens_for(OrmSession, "do_orm_execute")
def _head_before_read(state: ORMExecuteState) -> None:
    """An AuditHead read through the session sees the events appended before it."""
    if state.session.info.get(_HEADS) and _HEAD_MAPPER in state.all_mappers:
        _write_head(state.session)


_HEAD_MAPPER = inspect(AuditHead)


def append_event(
    session: Session,
    *,
    lead_pk: int | None,
    action: str,
    actor: str,
    rule_finding_pk: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    home: Path | None = None,
) -> int:
    """Add one event to the chain in the session's transaction (committed or rolled back with the change), and
    return its sequence number. `home`: where the audit keys are (None: the configured home, read from the
    settings). The event is written as a plain row: a batch of sightings appends many events, and an ORM object
    and a flush each cost more than the hashing. The head row is written when the transaction commits."""
    head = _locked_head(session)
    key = signing_key(head.seq + 1, head.key_id, home)
    row: dict[str, Any] = {
        "seq": head.seq + 1,
        "lead_pk": lead_pk,
        "rule_finding_pk": rule_finding_pk,
        "action": action,
        "actor": actor,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "details": _jsonable(details or {}),
        "created_at": at or utcnow(),
        "prev_hash": head.hash,
    }
    row["hash"] = event_hash(row)
    row["key_id"], row["mac"] = key.id, key.mac("event", key.id, row["seq"], row["hash"])
    session.connection().execute(_INSERT_EVENT, row)
    head.seq, head.hash, head.key_id, head.key, head.written = row["seq"], row["hash"], key.id, key, False
    loaded = session.identity_map.get(session.identity_key(AuditHead, 1))
    if loaded is not None:  # an AuditHead read earlier in this session: read it again when next used
        session.expire(loaded)
    return int(row["seq"])


def lead_history(session: Session, lead_pk: int) -> list[AuditEvent]:
    """Every event of one lead, oldest first."""
    statement = select(AuditEvent).where(AuditEvent.lead_pk == lead_pk).order_by(col(AuditEvent.seq))
    return list(session.exec(statement))


@dataclass(frozen=True)
class AuditProblem:
    """One break in the chain: which event, which lead, and what is wrong."""

    seq: int | None
    event_id: int | None
    lead_pk: int | None
    problem: str

    def __str__(self) -> str:
        lead = f"线索 lead {self.lead_pk}" if self.lead_pk is not None else "-"
        return f"事件 event #{self.seq} (id {self.event_id}, {lead}): {self.problem}"


def verify_chain(session: Session, *, home: Path | None = None) -> tuple[int, list[AuditProblem]]:
    """Recompute the whole chain, check every signature and every anchor.

    Returns (events checked, problems), problems ordered by event; no problems means nothing was touched.
    """
    problems: list[AuditProblem] = []
    keys = load_keys(home)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    statement = select(AuditEvent).order_by(col(AuditEvent.seq), col(AuditEvent.id))
    last_id = 0
    hashes: dict[int, str] = {}
    for event in session.exec(statement):
        count += 1
        hashes[event.seq] = event.hash
        where = {"seq": event.seq, "event_id": event.id, "lead_pk": event.lead_pk}
        if event.seq != expected_seq:
            missing = "missing or renumbered" if event.seq > expected_seq else "duplicated"
            problems.append(
                AuditProblem(**where, problem=f"序号不连续 / sequence gap: expected #{expected_seq} ({missing} events)")
            )
        if event.id is not None and event.id < last_id:
            problems.append(AuditProblem(**where, problem="顺序被调换 / event order changed (id out of order)"))
        last_id = max(last_id, event.id or 0)
        if event.prev_hash != expected_prev:
            problems.append(
                AuditProblem(**where, problem="前序哈希不符 / previous-hash link broken (event deleted or reordered)")
            )
        actual = event_hash(event)
        if actual != event.hash:
            problems.append(AuditProblem(**where, problem="内容被修改 / event content edited (hash mismatch)"))
        signature = _signature_problem(keys, event)
        if signature:
            problems.append(AuditProblem(**where, problem=signature))
        expected_prev = event.hash
        expected_seq = event.seq + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or (count and head.hash != expected_prev)):
        problems.append(
            AuditProblem(
                seq=head.seq,
                event_id=None,
                lead_pk=None,
                problem=f"链尾不符 / chain head says #{head.seq} but the last event is #{expected_seq - 1} "
                "(newest events deleted?)",
            )
        )
    elif head is not None and head.seq:
        key = key_for(keys, head.seq)
        if key is not None and (head.key_id != key.id or head.mac != head_mac(key, head.seq, head.hash)):
            problems.append(
                AuditProblem(
                    seq=head.seq,
                    event_id=None,
                    lead_pk=None,
                    problem="链尾签名不符 / chain head signature wrong (head rewritten without the audit key)",
                )
            )
    problems += verify_anchors(hashes, keys, home=home)
    problems.sort(key=lambda problem: problem.seq if problem.seq is not None else 0)
    return count, problems


def _signature_problem(keys: list[AuditKey], event: AuditEvent) -> str | None:
    key = key_for(keys, event.seq)
    if key is None:
        if event.mac is not None or event.key_id is not None:
            return f"无法核对签名 / signed with audit key {event.key_id}, which this machine does not have"
        return None  # an event from before the trail had keys: its hash chain is all there is
    if event.key_id != key.id or event.mac is None or event.mac != event_mac(key, event):
        return "签名不符 / signature wrong: event rewritten by someone without the audit key"
    return None


# ------------------------------------------------------------------------------------------------ keys


def rotate_key(session: Session, *, actor: str, home: Path | None = None) -> tuple[int, int]:
    """Start a new audit key; the rotation is an event of the chain, signed with the old key.

    Returns (old key id, new key id). The old key stays in the folder: it still checks the events it signed.
    """
    head = _locked_head(session)  # as the rotation event will see it
    seq = head.seq
    old = signing_key(seq + 1, head.key_id, home)
    new = create_key(seq + 2, home)  # the rotation event (seq + 1) is the old key's last
    append_event(
        session, lead_pk=None, action="key_rotated", actor=actor, details={"from_key": old.id, "to_key": new.id}
    )
    return old.id, new.id


# --------------------------------------------------------------------------------------------- anchors

ANCHOR_FILE = "audit-anchors.txt"


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment, as written to the anchor file (and printed in the daily report)."""

    at: str
    seq: int
    hash: str
    key_id: int | None
    mac: str | None

    def line(self) -> str:
        return f"{self.at} seq={self.seq} hash={self.hash} key={self.key_id or '-'} mac={self.mac or '-'}"


def anchor_path(home: Path | None = None) -> Path:
    return (home or get_settings().resolved_home) / ANCHOR_FILE


def anchor_head(session: Session, *, home: Path | None = None) -> Anchor:
    """Append the chain's current head to the anchor file (opened for appending only, flushed to disk)."""
    head = session.get(AuditHead, 1)
    seq, hash_ = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    key = key_for(load_keys(home), seq)
    at = utcnow().isoformat(timespec="seconds").replace("+00:00", "Z")
    anchor = Anchor(at, seq, hash_, key.id if key else None, key.mac("anchor", at, seq, hash_) if key else None)
    path = anchor_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


_ANCHOR_LINE = re.compile(
    r"^(?P<at>\S+) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64}) key=(?P<key>\d+|-) mac=(?P<mac>[0-9a-f]{64}|-)$"
)


def verify_anchors(hashes: dict[int, str], keys: list[AuditKey], *, home: Path | None = None) -> list[AuditProblem]:
    """Every anchor must name an event the store still holds, with the same hash."""
    path = anchor_path(home)
    if not path.exists():
        return []
    problems = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        match = _ANCHOR_LINE.match(text.strip())
        if match is None:
            problems.append(
                AuditProblem(None, None, None, f"锚点文件第 {number} 行无法识别 / anchor line {number} unreadable")
            )
            continue
        seq, hash_ = int(match["seq"]), match["hash"]
        key = {k.id: k for k in keys}.get(int(match["key"])) if match["key"] != "-" else None
        if match["key"] != "-" and (key is None or match["mac"] != key.mac("anchor", match["at"], seq, hash_)):
            problems.append(
                AuditProblem(
                    seq, None, None, f"锚点第 {number} 行被改动 / anchor line {number} altered (signature wrong)"
                )
            )
            continue
        if seq == 0:
            continue
        stored = hashes.get(seq)
        if stored != hash_:
            now = "missing" if stored is None else f"{stored[:12]}…"
            problems.append(
                AuditProblem(
                    seq,
                    None,
                    None,
                    f"与第 {number} 行锚点（{match['at']}）不符 / disagrees with the anchor of {match['at']} "
                    f"(line {number}): anchored {hash_[:12]}…, store has {now}",
                )
            )
    return problems

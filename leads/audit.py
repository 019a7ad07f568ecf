"""The audit trail: append-only, every event hashing the one before it, checked by `verify_chain`.

All events form one chain ordered by `seq`. Appending locks the single `AuditHead` row (a row lock on
PostgreSQL; SQLite write transactions are serialised anyway), so concurrent writers never fork the chain.
The head row also records the last sequence number and hash, so deleting the newest events is detected too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from leads.models import AuditEvent, AuditHead, utcnow

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "lead": event.lead_pk,
        "action": event.action,
        "actor": event.actor,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "details": event.details,
        "at": event.created_at.isoformat(timespec="microseconds"),
        "prev": event.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(details, ensure_ascii=False, default=str))


def append_event(
    session: Session,
    *,
    lead_pk: int | None,
    action: str,
    actor: str,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one event to the chain in the session's transaction (committed or rolled back with the change)."""
    head = session.exec(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).first()
    if head is None:  # a store whose migration did not seed the head row
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
    moment = at or utcnow()
    event = AuditEvent(
        seq=head.seq + 1,
        lead_pk=lead_pk,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        details=_jsonable(details or {}),
        created_at=moment,
        prev_hash=head.hash,
        hash="",
    )
    event.hash = event_hash(event)
    head.seq, head.hash = event.seq, event.hash
    session.add(event)
    session.add(head)
    session.flush()
    return event


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


def verify_chain(session: Session) -> tuple[int, list[AuditProblem]]:
    """Recompute the whole chain. Returns (events checked, problems); no problems means nothing was touched."""
    problems: list[AuditProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    statement = select(AuditEvent).order_by(col(AuditEvent.seq), col(AuditEvent.id))
    last_id = 0
    for event in session.exec(statement):
        count += 1
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
    return count, problems

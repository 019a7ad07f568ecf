"""Labelled listings for the bureau's model: officers' verdicts in the lead store, and JSON Lines files in the
evaluation set's format (``title``, ``description``, ``price``, ``expect_lead``, ``expect_category``, ``kind``).

Verified, referred and escalated leads are positives; dismissed leads are negatives, except those dismissed as
duplicates or because the listing was already gone: such a dismissal says nothing about the goods.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.errors import InputFileError
from core.statuses import LeadStatus
from leads.models import AuditEvent, Lead, Listing

# A dismissal whose reason says one of these is no label (checked case-insensitively).
NO_LABEL_REASONS = ("重复", "duplicate", "已下架", "已删除", "已移除", "已失效", "链接失效", "removed")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled listing; ``source`` says where the label came from (``lead 12``, ``file.jsonl:7``)."""

    title: str
    description: str
    price: float | None
    label: bool
    source: str
    kind: str | None = None
    seller: str | None = None
    category: str | None = None  # a positive's expected category, where the label says it

    def listing(self) -> dict[str, Any]:
        return {"title": self.title, "description": self.description, "price": self.price}


def is_label_free_dismissal(reason: str | None) -> bool:
    text = (reason or "").casefold()
    return any(marker in text for marker in NO_LABEL_REASONS)


def store_examples(session: Session) -> list[Example]:
    """Every lead with an officer's verdict that is a label, oldest lead first."""
    reasons: dict[int, str | None] = {}
    dismissals = select(AuditEvent.lead_pk, AuditEvent.reason).where(AuditEvent.action == "dismiss")
    for lead_pk, reason in session.exec(dismissals.order_by(col(AuditEvent.seq))):
        if lead_pk is not None:
            reasons[lead_pk] = reason  # the latest dismissal counts
    statuses = [*LeadStatus.CONFIRMED, LeadStatus.DISMISSED]
    rows = session.exec(
        select(Lead, Listing)
        .join(Listing, col(Lead.listing_id) == col(Listing.id))
        .where(col(Lead.status).in_(statuses))
        .order_by(col(Lead.id))
    )
    examples = []
    for lead, listing in rows:
        if lead.status == LeadStatus.DISMISSED and is_label_free_dismissal(reasons.get(lead.id or 0)):
            continue
        examples.append(
            Example(
                title=listing.title,
                description=listing.description or "",
                price=listing.price,
                label=lead.status in LeadStatus.CONFIRMED,
                source=f"lead {lead.id}",
                seller=listing.seller_id or listing.seller,
                category=lead.category if lead.status in LeadStatus.CONFIRMED else None,
            )
        )
    return examples


def file_examples(path: Path) -> list[Example]:
    """The labelled lines of a JSONL file; a malformed line stops with its file and line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(path, f"无法读取 / cannot read ({type(error).__name__})") from None
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise InputFileError(path, "不是 JSON / not JSON", number) from None
        if not isinstance(record, dict) or not isinstance(record.get("title"), str):
            raise InputFileError(path, "缺少 title / missing `title`", number)
        if not isinstance(record.get("expect_lead"), bool):
            reason = "缺少 expect_lead（true 或 false）/ missing `expect_lead` (true or false)"
            raise InputFileError(path, reason, number)
        examples.append(record_example(record, f"{path.name}:{number}"))
    return examples


def record_example(record: dict[str, Any], source: str) -> Example:
    """A labelled listing in the evaluation set's format (``title`` and ``expect_lead`` checked) as an example."""
    price = record.get("price")
    description = record.get("description")
    return Example(
        title=str(record["title"]),
        description=description if isinstance(description, str) else "",
        price=float(price) if isinstance(price, int | float) and not isinstance(price, bool) else None,
        label=bool(record["expect_lead"]),
        source=source,
        kind=record.get("kind") if isinstance(record.get("kind"), str) else None,
        category=expected_category(record),
    )


def expected_category(record: dict[str, Any]) -> str | None:
    """A labelled lead's expected category, None for a non-lead or a lead without one."""
    category = record.get("expect_category")
    return category if record["expect_lead"] and isinstance(category, str) and category else None


def data_hash(examples: Iterable[Example]) -> str:
    """SHA-256 of the training data (text, price and label of every example, in a stable order)."""
    lines = sorted(
        json.dumps([e.title, e.description, e.price, e.label], ensure_ascii=False, separators=(",", ":"))
        for e in examples
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

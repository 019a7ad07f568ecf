"""Selecting leads for officers: the filters, the queue's orders and paging, written once on table columns.

`leads.lead_query` applies them to the store's models (exports, the triage screen, `leads show`, stats);
`find_lead_rows` applies them to the read-only view of the columns a page of the queue shows, so `leads list`
reads its page with SQLAlchemy Core alone, without importing the ORM or building the models (a third of the
command's start-up). The view names each column it reads with the model's type; a test holds it to the models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import JSON, Date, Enum, Float, Integer, String, and_, cast, column, false, func, literal_column, or_
from sqlalchemy import select as core_select
from sqlalchemy import table as core_table

from core.statuses import LeadStatus
from leads.types import UTCDateTime

# The columns `leads list` and the marks beside each lead read, typed as the models type them.
LEAD = core_table(
    "lead",
    column("id", Integer),
    column("listing_id", Integer),
    column("status", Enum(LeadStatus)),
    column("score", Integer),
    column("priority", Float),
    column("family", String),
    column("category", String),
    column("campaign", String),
    column("claimed_by", String),
    column("assignees", JSON),
    column("due_date", Date),
    column("hits", JSON),
    column("explanation", JSON),
    column("model_probability", Float),
)
LISTING = core_table(
    "listing",
    column("id", Integer),
    column("platform", String),
    column("title", String),
    column("price", Float),
    column("currency", String),
    column("seller", String),
    column("seller_id", String),
)
LISTING_CHECK = core_table(
    "listingcheck",
    column("id", Integer),
    column("listing_pk", Integer),
    column("checked_at", UTCDateTime),
    column("outcome", String),
)
EVIDENCE = core_table(
    "evidence", column("lead_pk", Integer), column("version", Integer), column("manifest_sha256", String)
)
NOTICE = core_table(
    "notice",
    column("id", Integer),
    column("lead_pk", Integer),
    column("reply_due", Date),
    column("replied_at", UTCDateTime),
)
VIEW = (LEAD, LISTING, LISTING_CHECK, EVIDENCE, NOTICE)


class LeadFilter(BaseModel):
    """Which leads to select. Empty fields do not filter."""

    statuses: list[LeadStatus] = Field(default_factory=list, description="Any of these statuses.")
    category: str | None = Field(default=None, description="A category id, or a family such as `wildlife`.")
    platform: str | None = None
    campaign: str | None = None
    seller: str | None = Field(default=None, description="The seller's platform id or name.")
    min_score: int | None = Field(default=None, ge=0, le=100)
    due_before: date | None = Field(default=None, description="Due on or before this day.")
    officer: str | None = Field(default=None, description="Claimed by or assigned to this officer (`--mine`).")
    lead_ids: list[int] = Field(default_factory=list)

    @field_validator("category", "platform", "campaign", "seller", "officer")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        value = value.strip() if value else value
        return value or None


@dataclass(frozen=True)
class Page:
    """One page of leads and whether there are more after it."""

    rows: list[tuple[Any, Any]]
    offset: int
    limit: int
    has_more: bool


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_list_contains(column: Any, value: str) -> Any:
    """A portable test for `value` in a JSON list column (SQLite and PostgreSQL store the JSON text)."""
    needles = {json.dumps(value), json.dumps(value, ensure_ascii=False)}
    text = cast(column, String)
    return or_(*(text.like(f"%{_like_escape(needle)}%", escape="\\") for needle in needles))


def _unindexed(column: Any, walk_order: bool) -> Any:
    """The column as is, or, while the leads are read in the queue's order, written so that no index serves
    it (`|| ''`): SQLite, told by its statistics that a platform or campaign matches a seventh of the leads,
    would otherwise fetch them all through that index and sort them to show the first fifty."""
    return column.concat("") if walk_order else column


def apply_filter(
    statement: Any, lead_filter: LeadFilter, *, walk_order: bool = False, lead: Any = LEAD, listing: Any = LISTING
) -> Any:
    """Add the filter's conditions to a statement that selects from `lead` joined with `listing` (the view's
    tables, or the models' own), `walk_order`: the statement reads many matches in an indexed order (see
    `_unindexed`)."""
    f, c, listing_c = lead_filter, lead.c, listing.c
    if f.statuses:
        statuses = list(dict.fromkeys(f.statuses))
        statement = statement.where(c.status == statuses[0] if len(statuses) == 1 else c.status.in_(statuses))
    if f.category:
        statement = statement.where((c.category if "." in f.category else c.family) == f.category)
    if f.platform:
        statement = statement.where(_unindexed(listing_c.platform, walk_order) == f.platform)
    if f.campaign:
        statement = statement.where(_unindexed(c.campaign, walk_order) == f.campaign)
    if f.seller:
        statement = statement.where(or_(listing_c.seller_id == f.seller, listing_c.seller == f.seller))
    if f.min_score is not None:
        statement = statement.where(c.score >= f.min_score)
    if f.due_before is not None:
        statement = statement.where(c.due_date <= f.due_before)
    if f.officer:
        # `json_array_length(assignees) > 0` lets an expression index find the few assigned leads first.
        assigned = and_(func.json_array_length(c.assignees) > 0, _json_list_contains(c.assignees, f.officer))
        statement = statement.where(or_(c.claimed_by == f.officer, assigned))
    if f.lead_ids:
        statement = statement.where(c.id.in_(f.lead_ids) if f.lead_ids else false())
    return statement


def priority_order(*, sort_matches: bool = False, lead: Any = LEAD) -> tuple[Any, ...]:
    """The queue order: priority, then score, then newest (all descending, so one index serves it).

    With `sort_matches` the same order is written so that no index can serve it (`+ 0`): the database then
    finds the few matching leads through the filter's own indexes and sorts them, instead of walking the
    whole queue in order looking for them.
    """
    columns = (lead.c.priority, lead.c.score, lead.c.id)
    return tuple((column + 0 if sort_matches else column).desc() for column in columns)


def uncertainty_order(*, sort_matches: bool = False, lead: Any = LEAD) -> tuple[Any, ...]:
    """Leads the bureau's model is least sure of first (probability nearest one half), so that an officer's
    verdict teaches it the most; leads it has not scored last; ties in queue order.

    Written exactly as the expression index `ix_lead_uncertainty_order` (0.5 a literal, not a parameter)."""
    probability = lead.c.model_probability
    nearness = func.abs(probability - literal_column("0.5"))
    if sort_matches:
        unscored = func.coalesce(probability * 0, 1)  # 1 without a probability, like `IS NULL`, unindexed
        return (unscored, nearness + 0, *priority_order(sort_matches=True, lead=lead))
    return (probability.is_(None), nearness, *priority_order(lead=lead))


ORDERS = {"priority": priority_order, "uncertain": uncertainty_order}
# A filter matching fewer leads than this is answered by sorting its matches (see `priority_order`).
FEW_MATCHES = 2000


def has_few_matches(db: Any, lead_filter: LeadFilter, *, lead: Any = LEAD, listing: Any = LISTING) -> bool:
    """Whether the filter matches fewer than FEW_MATCHES leads: a count that stops there, in no order, so
    each filter's own index answers it quickly whether it matches a handful of leads or most of them.
    `db`: a connection or a session."""
    if lead_filter == LeadFilter():
        return False
    probe = apply_filter(
        core_select(lead.c.id).join(listing, lead.c.listing_id == listing.c.id), lead_filter, lead=lead, listing=listing
    ).limit(FEW_MATCHES)
    found = db.execute(core_select(func.count()).select_from(probe.subquery())).scalar_one()
    return int(found) < FEW_MATCHES


def find_lead_rows(
    db: Any, lead_filter: LeadFilter | None = None, *, limit: int = 50, offset: int = 0, order: str = "priority"
) -> Page:
    """One page of matching leads as the view's (lead, listing) rows, best first (or in another order of ORDERS).

    Each row has the view's columns as attributes; `db` is a connection or a session.
    """
    lead_filter = lead_filter or LeadFilter()
    few = has_few_matches(db, lead_filter)
    lead_columns = [c.label(f"lead_{c.name}") for c in LEAD.c]
    listing_columns = [c.label(f"listing_{c.name}") for c in LISTING.c]
    statement = core_select(*lead_columns, *listing_columns).join(LISTING, LEAD.c.listing_id == LISTING.c.id)
    statement = apply_filter(statement, lead_filter, walk_order=not few)
    statement = statement.order_by(*ORDERS[order](sort_matches=few)).offset(offset).limit(limit + 1)
    split = len(lead_columns)
    rows = [
        (
            SimpleNamespace(**{c.name: value for c, value in zip(LEAD.c, row[:split], strict=True)}),
            SimpleNamespace(**{c.name: value for c, value in zip(LISTING.c, row[split:], strict=True)}),
        )
        for row in db.execute(statement)
    ]
    return Page(rows=rows[:limit], offset=offset, limit=limit, has_more=len(rows) > limit)


def hit_terms(lead: Any) -> list[str]:
    """The matched words of a lead's score, to highlight in its title and description."""
    terms: list[str] = []
    for source in (lead.hits or [], lead.explanation or []):
        for item in source:
            if not isinstance(item, dict):
                continue
            for key in ("matched", "text", "term", "surface", "keyword"):
                value = item.get(key)
                if isinstance(value, str) and value.strip():
                    terms.append(value)
                elif isinstance(value, list):
                    terms.extend(str(v) for v in value if isinstance(v, str) and v.strip())
    return list(dict.fromkeys(terms))

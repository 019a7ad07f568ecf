"""officer tally: the leads on each officer's desk counted by role, status and due date, kept by triggers

`stats` at a million leads grouped every claimed, verified or escalated lead by claimant and assignees to
show the workload per officer (about 1.3 s on SQLite). The tally holds the same counts in a few thousand rows:
one per officer, role (claimant, or assignee other than the claimant), status and due date, so that "overdue"
is read for any day. Like `leadtally` (0015), triggers on `lead` add +1 or -1 with `INSERT … ON CONFLICT DO
UPDATE` in the transaction of every insert, delete and change of a counted column, whichever code makes it;
on PostgreSQL each writer adds to its own slot. Only the statuses of leads on an officer's desk (queued,
claimed, verified, escalated) are counted. A lead without a due date is counted under 9999-12-31, since a
NULL in the key would never conflict and would add a row per change.

SQLite drops a table's triggers with the table: a later migration that rebuilds `lead` (batch mode) must
create them again (`create_triggers`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_SLOTS = 16
KEY = "slot, officer, role, status, due_date"
# LeadStatus.ON_DESK as `lead.status` stores it (the enum's names), frozen here as this revision knows it
ON_DESK = "('QUEUED', 'CLAIMED', 'VERIFIED', 'ESCALATED')"
COUNTED = "status, claimed_by, assignees, due_date"


class Dialect:
    """The SQL that differs between SQLite and PostgreSQL: the assignees' JSON array as rows, the no-due-date
    key and NULL-safe inequality."""

    def __init__(self, name: str) -> None:
        self.postgresql = name == "postgresql"
        self.no_due = "DATE '9999-12-31'" if self.postgresql else "'9999-12-31'"
        self.distinct = "IS DISTINCT FROM" if self.postgresql else "IS NOT"

    def assignees(self, side: str) -> tuple[str, str, str]:
        """(table function, the officer's name, the condition keeping the names) over `side`.assignees."""
        if self.postgresql:
            array = f"CASE WHEN json_typeof({side}.assignees) = 'array' THEN {side}.assignees ELSE '[]'::json END"
            return (
                f"json_array_elements({array}) AS assignee(element)",
                "assignee.element #>> '{}'",
                ("json_typeof(assignee.element) = 'string'"),
            )
        return f"json_each({side}.assignees) AS assignee", "assignee.value", "assignee.type = 'text'"

    def officers(self, side: str) -> str:
        """The officers of one lead, once each: its claimant, and its assignees other than the claimant."""
        function, name, keep = self.assignees(side)
        return (
            f"SELECT {side}.claimed_by AS officer, 'claimant' AS role WHERE {side}.claimed_by IS NOT NULL "
            f"UNION SELECT {name}, 'assignee' FROM {function} WHERE {keep} AND {name} {self.distinct} {side}.claimed_by"
        )

    def upsert(self, side: str, slot: str, step: str) -> str:
        """Add `step` to the tally rows of the lead as it was (OLD) or is (NEW), when it is on a desk."""
        return (
            f"INSERT INTO officertally ({KEY}, n) SELECT {slot}, desk.officer, desk.role, {side}.status, "
            f"coalesce({side}.due_date, {self.no_due}), {step} FROM ({self.officers(side)}) AS desk "
            f"WHERE {side}.status IN {ON_DESK} ON CONFLICT ({KEY}) DO UPDATE SET n = officertally.n + excluded.n"
        )

    def changed(self) -> str:
        assignees = (
            ("OLD.assignees::text", "NEW.assignees::text") if self.postgresql else ("OLD.assignees", "NEW.assignees")
        )
        return (
            f"(OLD.status IN {ON_DESK} OR NEW.status IN {ON_DESK}) AND (OLD.status {self.distinct} NEW.status "
            f"OR OLD.claimed_by {self.distinct} NEW.claimed_by OR {assignees[0]} {self.distinct} {assignees[1]} "
            f"OR OLD.due_date {self.distinct} NEW.due_date)"
        )

    def fill(self) -> str:
        """The tally of the leads already stored, counted once."""
        function, name, keep = self.assignees("lead")
        due = f"coalesce(lead.due_date, {self.no_due})"
        return (
            f"INSERT INTO officertally ({KEY}, n) SELECT 0, officer, role, status, due, count(*) FROM ("
            f"SELECT lead.claimed_by AS officer, 'claimant' AS role, lead.status AS status, {due} AS due FROM lead "
            f"WHERE lead.status IN {ON_DESK} AND lead.claimed_by IS NOT NULL "
            "UNION ALL SELECT officer, role, status, due FROM ("
            f"SELECT DISTINCT lead.id, {name} AS officer, 'assignee' AS role, lead.status AS status, {due} AS due "
            f"FROM lead, {function} WHERE lead.status IN {ON_DESK} AND {keep} "
            f"AND {name} {self.distinct} lead.claimed_by) AS assigned"
            ") AS desk GROUP BY officer, role, status, due"
        )


def _pg_function(sql: Dialect) -> str:
    return f"""
CREATE OR REPLACE FUNCTION tradewatch_officer_tally() RETURNS trigger AS $$
DECLARE
    writer_slot integer := pg_backend_pid() % {PG_SLOTS};
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {sql.upsert("OLD", "writer_slot", "-1")};
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {sql.upsert("NEW", "writer_slot", "1")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def create_triggers() -> None:
    sql = Dialect(op.get_bind().dialect.name)
    if sql.postgresql:
        op.execute(_pg_function(sql))
        op.execute(
            "CREATE TRIGGER officer_tally_insert_delete AFTER INSERT OR DELETE ON lead "
            "FOR EACH ROW EXECUTE FUNCTION tradewatch_officer_tally()"
        )
        op.execute(
            f"CREATE TRIGGER officer_tally_update AFTER UPDATE OF {COUNTED} ON lead "
            f"FOR EACH ROW WHEN ({sql.changed()}) EXECUTE FUNCTION tradewatch_officer_tally()"
        )
        return
    op.execute(
        f"CREATE TRIGGER officer_tally_insert AFTER INSERT ON lead WHEN NEW.status IN {ON_DESK} "
        f"BEGIN {sql.upsert('NEW', '0', '1')}; END"
    )
    op.execute(
        f"CREATE TRIGGER officer_tally_delete AFTER DELETE ON lead WHEN OLD.status IN {ON_DESK} "
        f"BEGIN {sql.upsert('OLD', '0', '-1')}; END"
    )
    op.execute(
        f"CREATE TRIGGER officer_tally_update AFTER UPDATE OF {COUNTED} ON lead WHEN {sql.changed()} "
        f"BEGIN {sql.upsert('OLD', '0', '-1')}; {sql.upsert('NEW', '0', '1')}; END"
    )


def drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS officer_tally_update ON lead")
        op.execute("DROP TRIGGER IF EXISTS officer_tally_insert_delete ON lead")
        op.execute("DROP FUNCTION IF EXISTS tradewatch_officer_tally()")
    else:
        for name in ("officer_tally_update", "officer_tally_delete", "officer_tally_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table(
        "officertally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("officer", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slot", "officer", "role", "status", "due_date", name="uq_officertally_key"),
    )
    create_triggers()
    op.execute(Dialect(op.get_bind().dialect.name).fill())


def downgrade() -> None:
    drop_triggers()
    op.drop_table("officertally")

"""lead tally: leads counted by status, category, family, campaign and platform, kept by triggers

`stats` at a million leads counted the whole `lead` table five times (once per breakdown, the platform's
through a join with `listing`). The tally holds the same counts in a few thousand rows. Triggers on `lead`
keep it in step in the transaction of every insert, delete and change of a counted column, whichever code
(or hand-written SQL) makes it, so it stays exact under concurrent sweeps: each change adds +1 or -1 with
`INSERT … ON CONFLICT DO UPDATE SET n = n + …`, never a count read and written back. On PostgreSQL each
writer adds to its own slot (its backend's pid modulo 16), so concurrent sweeps rarely wait on one row.
The existing leads are counted once here, after the triggers exist (on PostgreSQL creating them locks
`lead` against writes until this migration commits, so nothing is counted twice or missed).

SQLite drops a table's triggers with the table: a later migration that rebuilds `lead` (batch mode)
must create them again (`create_triggers`).

Indexes: (status, due_date) counts the open leads by due date (overdue, due soon) from the index alone;
(status, claimed_by) finds an officer's leads of one status (`--status claimed --mine`); and the uncertainty
order after the status reads `--status queued --sort uncertain` in order instead of sorting every queued lead.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_SLOTS = 16
KEY = "slot, status, category, family, campaign, platform"


def _row(side: str, slot: str, step: str) -> str:
    """One upsert adding `step` to the tally row of the lead as it was (OLD) or is (NEW)."""
    return (
        f"INSERT INTO leadtally ({KEY}, n) VALUES ({slot}, {side}.status, coalesce({side}.category, ''), "
        f"coalesce({side}.family, ''), coalesce({side}.campaign, ''), "
        f"coalesce((SELECT platform FROM listing WHERE listing.id = {side}.listing_id), ''), {step}) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = leadtally.n + {step}"
    )


CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.category IS DISTINCT FROM NEW.category "
    "OR OLD.family IS DISTINCT FROM NEW.family OR OLD.campaign IS DISTINCT FROM NEW.campaign "
    "OR OLD.listing_id IS DISTINCT FROM NEW.listing_id"
)
SQLITE_CHANGED = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
COUNTED = "status, category, family, campaign, listing_id"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tradewatch_lead_tally() RETURNS trigger AS $$
DECLARE
    writer_slot integer := pg_backend_pid() % {PG_SLOTS};
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_row("OLD", "writer_slot", "-1")};
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {_row("NEW", "writer_slot", "1")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

PG_TRIGGERS = (
    "CREATE TRIGGER lead_tally_insert_delete AFTER INSERT OR DELETE ON lead "
    "FOR EACH ROW EXECUTE FUNCTION tradewatch_lead_tally()",
    f"CREATE TRIGGER lead_tally_update AFTER UPDATE OF {COUNTED} ON lead "
    f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION tradewatch_lead_tally()",
)

SQLITE_TRIGGERS = (
    f"CREATE TRIGGER lead_tally_insert AFTER INSERT ON lead BEGIN {_row('NEW', '0', '1')}; END",
    f"CREATE TRIGGER lead_tally_delete AFTER DELETE ON lead BEGIN {_row('OLD', '0', '-1')}; END",
    f"CREATE TRIGGER lead_tally_update AFTER UPDATE OF {COUNTED} ON lead WHEN {SQLITE_CHANGED} "
    f"BEGIN {_row('OLD', '0', '-1')}; {_row('NEW', '0', '1')}; END",
)


def create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS lead_tally_update ON lead")
        op.execute("DROP TRIGGER IF EXISTS lead_tally_insert_delete ON lead")
        op.execute("DROP FUNCTION IF EXISTS tradewatch_lead_tally()")
    else:
        for name in ("lead_tally_update", "lead_tally_delete", "lead_tally_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table(
        "leadtally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("family", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("campaign", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slot", "status", "category", "family", "campaign", "platform", name="uq_leadtally_key"),
    )
    create_triggers()
    op.execute(
        f"INSERT INTO leadtally ({KEY}, n) "
        "SELECT 0, lead.status, coalesce(lead.category, ''), coalesce(lead.family, ''), coalesce(lead.campaign, ''), "
        "coalesce(listing.platform, ''), count(*) FROM lead LEFT JOIN listing ON listing.id = lead.listing_id "
        "GROUP BY lead.status, coalesce(lead.category, ''), coalesce(lead.family, ''), coalesce(lead.campaign, ''), "
        "coalesce(listing.platform, '')"
    )
    op.create_index("ix_lead_status_due_date", "lead", ["status", "due_date"], unique=False)
    op.create_index("ix_lead_status_claimed_by", "lead", ["status", "claimed_by"], unique=False)
    op.create_index(
        "ix_lead_status_uncertainty_order",
        "lead",
        [
            "status",
            sa.text("(model_probability IS NULL)"),
            sa.text("abs(model_probability - 0.5)"),
            sa.text("priority DESC"),
            sa.text("score DESC"),
            sa.text("id DESC"),
        ],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_lead_status_uncertainty_order", table_name="lead")
    op.drop_index("ix_lead_status_claimed_by", table_name="lead")
    op.drop_index("ix_lead_status_due_date", table_name="lead")
    drop_triggers()
    op.drop_table("leadtally")

"""keyed audit trail: each event's and the head's HMAC, and PostgreSQL triggers refusing edits of events

The HMAC keys live outside the database (leads.audit_keys). On PostgreSQL, UPDATE, DELETE and TRUNCATE of
audit events are refused by triggers, so an edit needs the table owner to disable them first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE = """
CREATE OR REPLACE FUNCTION tradewatch_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on auditevent refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    for table in ("auditevent", "audithead"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("key_id", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("mac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE)
        op.execute(
            "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
            "FOR EACH ROW EXECUTE FUNCTION tradewatch_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION tradewatch_audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent")
        op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS tradewatch_audit_append_only()")
    for table in ("audithead", "auditevent"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("mac")
            batch.drop_column("key_id")

"""lead store: sellers, snapshots, campaigns, queue fields, evidence, audit trail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import leads.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("lead_pk", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("to_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seq"),
    )
    op.create_index(op.f("ix_auditevent_lead_pk"), "auditevent", ["lead_pk"], unique=False)
    op.create_table(
        "audithead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "campaign",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "seller",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seller_key", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_seen", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "seller_key", name="uq_seller_platform_key"),
    )
    op.create_index(op.f("ix_seller_platform"), "seller", ["platform"], unique=False)
    op.create_table(
        "listingsnapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("seen_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("seller", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("seller_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_pk"],
            ["listing.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_listingsnapshot_listing_pk"), "listingsnapshot", ["listing_pk"], unique=False)
    op.create_table(
        "evidence",
        sa.Column("lead_pk", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("captured_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("final_url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("redirect_urls", sa.JSON(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("renderer", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("tool_versions", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_pk"],
            ["lead.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lead_pk", "version", name="uq_evidence_lead_version"),
    )
    op.create_index(op.f("ix_evidence_lead_pk"), "evidence", ["lead_pk"], unique=False)
    op.create_table(
        "evidencefile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_pk", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_pk"],
            ["evidence.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("evidence_pk", "name", name="uq_evidence_file_name"),
    )
    op.create_index(op.f("ix_evidencefile_evidence_pk"), "evidencefile", ["evidence_pk"], unique=False)
    op.create_index(op.f("ix_evidencefile_sha256"), "evidencefile", ["sha256"], unique=False)
    op.add_column("lead", sa.Column("priority", sa.Float(), nullable=False, server_default="0"))
    op.add_column("lead", sa.Column("assignees", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("lead", sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
    op.add_column("lead", sa.Column("queued_at", leads.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column("lead", sa.Column("due_date", sa.Date(), nullable=True))
    op.add_column("lead", sa.Column("extended", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("lead", sa.Column("extension_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column("lead", sa.Column("dismissed_score", sa.Integer(), nullable=True))
    op.add_column(
        "lead", sa.Column("dismissed_content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    op.create_index(op.f("ix_lead_due_date"), "lead", ["due_date"], unique=False)
    op.create_index(op.f("ix_lead_priority"), "lead", ["priority"], unique=False)
    op.create_index("ix_lead_queue_order", "lead", ["priority", "score", "id"], unique=False)
    op.create_index("ix_lead_status_queue_order", "lead", ["status", "priority", "score", "id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a column with a reference only in its own syntax
        op.execute("ALTER TABLE listing ADD COLUMN seller_pk INTEGER REFERENCES seller (id)")
    else:
        op.add_column("listing", sa.Column("seller_pk", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_listing_seller_pk_seller", "listing", "seller", ["seller_pk"], ["id"])
    op.add_column("listing", sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_index(op.f("ix_listing_seller_pk"), "listing", ["seller_pk"], unique=False)
    audithead = sa.table("audithead", sa.column("id", sa.Integer), sa.column("seq", sa.Integer), sa.column("hash"))
    op.bulk_insert(audithead, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    op.drop_index(op.f("ix_listing_seller_pk"), table_name="listing")
    with op.batch_alter_table("listing") as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint("fk_listing_seller_pk_seller", type_="foreignkey")
        batch_op.drop_column("content_hash")
        batch_op.drop_column("seller_pk")
    op.drop_index("ix_lead_status_queue_order", table_name="lead")
    op.drop_index("ix_lead_queue_order", table_name="lead")
    op.drop_index(op.f("ix_lead_priority"), table_name="lead")
    op.drop_index(op.f("ix_lead_due_date"), table_name="lead")
    with op.batch_alter_table("lead") as batch_op:
        for column in (
            "dismissed_content_hash",
            "dismissed_score",
            "extension_reason",
            "extended",
            "due_date",
            "queued_at",
            "claimed_by",
            "assignees",
            "priority",
        ):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_evidencefile_sha256"), table_name="evidencefile")
    op.drop_index(op.f("ix_evidencefile_evidence_pk"), table_name="evidencefile")
    op.drop_table("evidencefile")
    op.drop_index(op.f("ix_evidence_lead_pk"), table_name="evidence")
    op.drop_table("evidence")
    op.drop_index(op.f("ix_listingsnapshot_listing_pk"), table_name="listingsnapshot")
    op.drop_table("listingsnapshot")
    op.drop_index(op.f("ix_seller_platform"), table_name="seller")
    op.drop_table("seller")
    op.drop_table("campaign")
    op.drop_table("audithead")
    op.drop_index(op.f("ix_auditevent_lead_pk"), table_name="auditevent")
    op.drop_table("auditevent")

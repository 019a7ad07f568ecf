"""scheduler: campaign keywords, platforms and schedule; job runs, listing re-checks, feed holds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import leads.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("keywords", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("platforms", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("cron", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch.add_column(sa.Column("max_pages", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="open")
        )
        batch.add_column(sa.Column("closed_at", leads.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch.create_index(batch.f("ix_campaign_status"), ["status"], unique=False)

    op.create_table(
        "jobrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("slot", leads.types.UTCDateTime(), nullable=False),
        sa.Column("started_at", leads.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", leads.types.UTCDateTime(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "slot", name="uq_jobrun_job_slot"),
    )
    op.create_index(op.f("ix_jobrun_job_id"), "jobrun", ["job_id"], unique=False)

    op.create_table(
        "listingcheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_pk", sa.Integer(), nullable=False),
        sa.Column("lead_pk", sa.Integer(), nullable=True),
        sa.Column("checked_at", leads.types.UTCDateTime(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("snapshot_pk", sa.Integer(), nullable=True),
        sa.Column("evidence_pk", sa.Integer(), nullable=True),
        sa.Column("after_notice", sa.Boolean(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["evidence_pk"], ["evidence.id"]),
        sa.ForeignKeyConstraint(["lead_pk"], ["lead.id"]),
        sa.ForeignKeyConstraint(["listing_pk"], ["listing.id"]),
        sa.ForeignKeyConstraint(["snapshot_pk"], ["listingsnapshot.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_listingcheck_checked_at"), "listingcheck", ["checked_at"], unique=False)
    op.create_index(op.f("ix_listingcheck_lead_pk"), "listingcheck", ["lead_pk"], unique=False)
    op.create_index(op.f("ix_listingcheck_listing_pk"), "listingcheck", ["listing_pk"], unique=False)
    op.create_index(op.f("ix_listingcheck_outcome"), "listingcheck", ["outcome"], unique=False)

    op.create_table(
        "feedhold",
        sa.Column("lead_pk", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("checked_at", leads.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lead_pk"], ["lead.id"]),
        sa.PrimaryKeyConstraint("lead_pk"),
    )


def downgrade() -> None:
    op.drop_table("feedhold")
    op.drop_index(op.f("ix_listingcheck_outcome"), table_name="listingcheck")
    op.drop_index(op.f("ix_listingcheck_listing_pk"), table_name="listingcheck")
    op.drop_index(op.f("ix_listingcheck_lead_pk"), table_name="listingcheck")
    op.drop_index(op.f("ix_listingcheck_checked_at"), table_name="listingcheck")
    op.drop_table("listingcheck")
    op.drop_index(op.f("ix_jobrun_job_id"), table_name="jobrun")
    op.drop_table("jobrun")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_index(batch.f("ix_campaign_status"))
        batch.drop_column("created_by")
        batch.drop_column("closed_at")
        batch.drop_column("status")
        batch.drop_column("max_pages")
        batch.drop_column("cron")
        batch.drop_column("platforms")
        batch.drop_column("keywords")

"""walking skeleton: listings, leads, crawl runs

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import leads.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawlrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("campaign", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("started_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", leads.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finish_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("listings", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("leads_new", sa.Integer(), nullable=False),
        sa.Column("leads_updated", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_crawlrun_platform"), "crawlrun", ["platform"], unique=False)
    op.create_table(
        "listing",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("listing_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("seller", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("seller_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("posted_at", leads.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("image_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_seen", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "listing_id", name="uq_listing_platform_listing_id"),
    )
    op.create_index(op.f("ix_listing_platform"), "listing", ["platform"], unique=False)
    op.create_index(op.f("ix_listing_seller_id"), "listing", ["seller_id"], unique=False)
    op.create_table(
        "lead",
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("family", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("NEW", "QUEUED", "CLAIMED", "VERIFIED", "REFERRED", "DISMISSED", "ESCALATED", name="leadstatus"),
            nullable=False,
        ),
        sa.Column("campaign", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("created_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("listing_id"),
    )
    op.create_index(op.f("ix_lead_campaign"), "lead", ["campaign"], unique=False)
    op.create_index(op.f("ix_lead_category"), "lead", ["category"], unique=False)
    op.create_index(op.f("ix_lead_family"), "lead", ["family"], unique=False)
    op.create_index(op.f("ix_lead_score"), "lead", ["score"], unique=False)
    op.create_index(op.f("ix_lead_status"), "lead", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_lead_status"), table_name="lead")
    op.drop_index(op.f("ix_lead_score"), table_name="lead")
    op.drop_index(op.f("ix_lead_family"), table_name="lead")
    op.drop_index(op.f("ix_lead_category"), table_name="lead")
    op.drop_index(op.f("ix_lead_campaign"), table_name="lead")
    op.drop_table("lead")
    op.drop_index(op.f("ix_listing_seller_id"), table_name="listing")
    op.drop_index(op.f("ix_listing_platform"), table_name="listing")
    op.drop_table("listing")
    op.drop_index(op.f("ix_crawlrun_platform"), table_name="crawlrun")
    op.drop_table("crawlrun")

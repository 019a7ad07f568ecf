"""rules watch: versions of platform rules pages with their evidence files, rule findings, rectification
notices, and audit events that belong to a rule finding

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import leads.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rulesversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("page", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("final_url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("renderer", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("captured_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "page", "version", name="uq_rulesversion_page_version"),
    )
    op.create_index(op.f("ix_rulesversion_platform"), "rulesversion", ["platform"], unique=False)
    op.create_table(
        "rulefinding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("page", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("version_pk", sa.Integer(), nullable=False),
        sa.Column("clause_index", sa.Integer(), nullable=False),
        sa.Column("clause_number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("clause_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("previous_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("group", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("assignees", sa.JSON(), nullable=False),
        sa.Column("created_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_in_version_pk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["removed_in_version_pk"],
            ["rulesversion.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_pk"],
            ["rulesversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_rulefinding_platform"), "rulefinding", ["platform"], unique=False)
    op.create_index(op.f("ix_rulefinding_status"), "rulefinding", ["status"], unique=False)
    op.create_index(op.f("ix_rulefinding_version_pk"), "rulefinding", ["version_pk"], unique=False)
    op.create_table(
        "rulesevidencefile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_pk", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_pk"],
            ["rulesversion.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_pk", "name", name="uq_rulesevidence_version_name"),
    )
    op.create_index(op.f("ix_rulesevidencefile_version_pk"), "rulesevidencefile", ["version_pk"], unique=False)
    op.create_table(
        "rectificationnotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_pk", sa.Integer(), nullable=False),
        sa.Column("notice_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("checked_version_pk", sa.Integer(), nullable=True),
        sa.Column("checked_at", leads.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_version_pk"],
            ["rulesversion.id"],
        ),
        sa.ForeignKeyConstraint(
            ["finding_pk"],
            ["rulefinding.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_pk"],
            ["notice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_rectificationnotice_finding_pk"), "rectificationnotice", ["finding_pk"], unique=False)
    op.create_index(op.f("ix_rectificationnotice_notice_pk"), "rectificationnotice", ["notice_pk"], unique=False)
    with op.batch_alter_table("auditevent") as batch:
        batch.add_column(sa.Column("rule_finding_pk", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_auditevent_rule_finding_pk"), ["rule_finding_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auditevent") as batch:
        batch.drop_index(batch.f("ix_auditevent_rule_finding_pk"))
        batch.drop_column("rule_finding_pk")
    op.drop_index(op.f("ix_rectificationnotice_notice_pk"), table_name="rectificationnotice")
    op.drop_index(op.f("ix_rectificationnotice_finding_pk"), table_name="rectificationnotice")
    op.drop_table("rectificationnotice")
    op.drop_index(op.f("ix_rulesevidencefile_version_pk"), table_name="rulesevidencefile")
    op.drop_table("rulesevidencefile")
    op.drop_index(op.f("ix_rulefinding_version_pk"), table_name="rulefinding")
    op.drop_index(op.f("ix_rulefinding_status"), table_name="rulefinding")
    op.drop_index(op.f("ix_rulefinding_platform"), table_name="rulefinding")
    op.drop_table("rulefinding")
    op.drop_index(op.f("ix_rulesversion_platform"), table_name="rulesversion")
    op.drop_table("rulesversion")

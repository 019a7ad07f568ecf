"""notices: notices to the platform or the wildlife authority, and the two-officer referral

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from leads.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", _text(32), nullable=False),
        sa.Column("subject_pk", sa.Integer(), nullable=False),
        sa.Column("lead_pk", sa.Integer(), nullable=True),
        sa.Column("recipient", _text(32), nullable=False),
        sa.Column("channel", _text(16), nullable=False),
        sa.Column("reference", _text(128), nullable=True),
        sa.Column("sent_by", _text(128), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reply_due", sa.Date(), nullable=False),
        sa.Column("replied_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("replied_by", _text(128), nullable=True),
        sa.Column("reply_text", _text(), nullable=True),
        sa.Column("template", _text(128), nullable=False),
        sa.Column("document_name", _text(128), nullable=False),
        sa.Column("document_sha256", _text(64), nullable=False),
        sa.Column("document_size", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", _text(64), nullable=True),
        sa.Column("pdf_size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["lead_pk"], ["lead.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_subject", "notice", ["subject_kind", "subject_pk"], unique=False)
    op.create_index(op.f("ix_notice_lead_pk"), "notice", ["lead_pk"], unique=False)
    op.create_index(op.f("ix_notice_sent_at"), "notice", ["sent_at"], unique=False)
    op.create_index(op.f("ix_notice_reply_due"), "notice", ["reply_due"], unique=False)
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("referral_requested_by", _text(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.drop_column("referral_requested_by")
    op.drop_index(op.f("ix_notice_reply_due"), table_name="notice")
    op.drop_index(op.f("ix_notice_sent_at"), table_name="notice")
    op.drop_index(op.f("ix_notice_lead_pk"), table_name="notice")
    op.drop_index("ix_notice_subject", table_name="notice")
    op.drop_table("notice")

"""run listings: the listings each distributed run recorded, so that a run records a listing once

A worker of a distributed sweep away past its lease (a network pause, a stalled machine) could still commit the
listings of a page another worker had taken over and stored: the listing was seen twice by one run. A batch now
claims its listings under its run's id first (`INSERT … ON CONFLICT DO NOTHING`) and records only those it
claimed. Only distributed runs claim their listings; there is nothing to carry over.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "runlisting",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["crawlrun.id"]),
        sa.PrimaryKeyConstraint("run_id", "listing_id"),
    )


def downgrade() -> None:
    op.drop_table("runlisting")

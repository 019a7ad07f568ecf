"""crawl run process: the machine and process id of each run

A sweep killed mid-run leaves its run without a finish; knowing where it ran lets `tradewatch runs` mark it
`interrupted` once its process is gone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawlrun") as batch:
        batch.add_column(sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawlrun") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")

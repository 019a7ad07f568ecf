"""run sweep: the sweep each crawl run belongs to

A sweep found its runs afterwards as those of its platforms and campaign recorded after the newest run at its
start, so two sweeps of one platform at the same time (the nightly crawl and a campaign's sweep) took each other's
runs: a failing sweep marked the other's unfinished run failed. Each run now records the id of its sweep, made by
the process that starts the sweep. Older runs have none: nothing looks them up by sweep any more.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawlrun") as batch:
        batch.add_column(sa.Column("sweep_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.create_index(batch.f("ix_crawlrun_sweep_id"), ["sweep_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crawlrun") as batch:
        batch.drop_index(batch.f("ix_crawlrun_sweep_id"))
        batch.drop_column("sweep_id")

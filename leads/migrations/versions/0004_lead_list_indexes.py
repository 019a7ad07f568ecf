"""lead list indexes: the queue order within a category and within a family

`leads list --category` filters on the category id or the family and sorts by priority; these composite
indexes let it read the first page straight from the index on a store of millions of leads.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_lead_category_queue_order", "lead", ["category", "priority", "score", "id"], unique=False)
    op.create_index("ix_lead_family_queue_order", "lead", ["family", "priority", "score", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lead_family_queue_order", table_name="lead")
    op.drop_index("ix_lead_category_queue_order", table_name="lead")

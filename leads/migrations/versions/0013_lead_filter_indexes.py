"""lead filter indexes: a seller's name, the assigned leads, and the uncertainty order

`leads list --seller NAME` looks listings up by the seller's name as well as by id; `--mine` finds the
leads claimed by the officer, and the few with assignees through `json_array_length(assignees)`;
`--sort uncertain` reads its first page from an index written exactly as
`leads.lead_query.uncertainty_order` writes the order.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_listing_seller", "listing", ["seller"], unique=False)
    op.create_index("ix_lead_claimed_by", "lead", ["claimed_by"], unique=False)
    op.create_index("ix_lead_assignee_count", "lead", [sa.text("json_array_length(assignees)")], unique=False)
    op.create_index(
        "ix_lead_uncertainty_order",
        "lead",
        [
            sa.text("(model_probability IS NULL)"),
            sa.text("abs(model_probability - 0.5)"),
            sa.text("priority DESC"),
            sa.text("score DESC"),
            sa.text("id DESC"),
        ],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_lead_uncertainty_order", table_name="lead")
    op.drop_index("ix_lead_assignee_count", table_name="lead")
    op.drop_index("ix_lead_claimed_by", table_name="lead")
    op.drop_index("ix_listing_seller", table_name="listing")

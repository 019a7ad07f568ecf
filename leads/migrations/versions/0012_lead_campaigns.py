"""lead campaigns: every campaign that saw a lead, and whether it found the lead

Existing tags are carried over: a lead's campaign is the one its `created` audit event names; a campaign that
tagged an older lead (the lead was created outside it) is kept as having seen it again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import leads.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        "leadcampaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_pk", sa.Integer(), nullable=False),
        sa.Column("campaign", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", leads.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lead_pk"], ["lead.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lead_pk", "campaign", name="uq_leadcampaign_lead_campaign"),
    )
    op.create_index(op.f("ix_leadcampaign_lead_pk"), "leadcampaign", ["lead_pk"], unique=False)
    op.create_index("ix_leadcampaign_campaign_found", "leadcampaign", ["campaign", "found"], unique=False)
    _carry_over_tags()


def _carry_over_tags() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    lead = sa.Table(
        "lead",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("campaign", sa.String),
        sa.Column("created_at", leads.types.UTCDateTime(timezone=True)),
    )
    audit = sa.Table(
        "auditevent",
        meta,
        sa.Column("lead_pk", sa.Integer),
        sa.Column("action", sa.String),
        sa.Column("details", sa.JSON),
    )
    link = sa.Table(
        "leadcampaign",
        meta,
        sa.Column("lead_pk", sa.Integer),
        sa.Column("campaign", sa.String),
        sa.Column("found", sa.Boolean),
        sa.Column("first_seen_at", leads.types.UTCDateTime(timezone=True)),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(lead.c.id, lead.c.campaign, lead.c.created_at)
            .where(lead.c.campaign.is_not(None), lead.c.id > last)
            .order_by(lead.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        created = {
            lead_pk: (details or {}).get("campaign")
            for lead_pk, details in bind.execute(
                sa.select(audit.c.lead_pk, audit.c.details).where(
                    audit.c.action == "created", audit.c.lead_pk.in_([row.id for row in rows])
                )
            )
        }
        links = []
        for row in rows:
            found_by = created.get(row.id, row.campaign)
            links.append(
                {"lead_pk": row.id, "campaign": row.campaign, "found": found_by == row.campaign,
                 "first_seen_at": row.created_at}
            )  # fmt: skip
            if found_by != row.campaign:
                if found_by:
                    links.append(
                        {"lead_pk": row.id, "campaign": found_by, "found": True, "first_seen_at": row.created_at}
                    )
                bind.execute(sa.update(lead).where(lead.c.id == row.id).values(campaign=found_by))
        bind.execute(sa.insert(link), links)


def downgrade() -> None:
    op.drop_index("ix_leadcampaign_campaign_found", table_name="leadcampaign")
    op.drop_index(op.f("ix_leadcampaign_lead_pk"), table_name="leadcampaign")
    op.drop_table("leadcampaign")

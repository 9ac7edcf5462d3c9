"""known subscriptions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_subscriptions",
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("subscription_id", sa.String(length=255), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "subscription_id", name=op.f("pk_known_subscriptions")),
    )


def downgrade() -> None:
    op.drop_table("known_subscriptions")

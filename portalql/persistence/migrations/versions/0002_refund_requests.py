"""refund requests and charge locks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:12:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refund_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("target_id", sa.String(length=255), nullable=False),
        sa.Column("requested_amount", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("charge_id", sa.String(length=255), nullable=False),
        sa.Column("refund_id", sa.String(length=255), nullable=False),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_requests")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_refund_requests_idempotency_key")),
    )
    op.create_table(
        "charge_locks",
        sa.Column("charge_id", sa.String(length=255), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("charge_id", name=op.f("pk_charge_locks")),
    )


def downgrade() -> None:
    op.drop_table("charge_locks")
    op.drop_table("refund_requests")

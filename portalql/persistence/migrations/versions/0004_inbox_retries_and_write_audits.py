"""inbox retries and write audits

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 15:20:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("webhook_events") as table:
        table.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("failure", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("audit_events") as table:
        table.add_column(sa.Column("write_key", sa.String(length=64), nullable=True))
        table.create_unique_constraint(op.f("uq_audit_events_write_key"), ["write_key"])
    op.create_table(
        "expected_audits",
        sa.Column("write_key", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("principal_type", sa.String(length=32), nullable=False),
        sa.Column("principal_id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("object_type", sa.String(length=100), nullable=False),
        sa.Column("object_id", sa.String(length=255), nullable=False),
        sa.Column("before", _json(), nullable=True),
        sa.Column("after", _json(), nullable=True),
        sa.Column("request_id", sa.String(length=255), nullable=True),
        sa.Column("client_ip", sa.String(length=45), nullable=True),
        sa.CheckConstraint(
            "principal_type IN ('api_key', 'customer_session', 'stripe', 'system')",
            name=op.f("ck_expected_audits_principal_type"),
        ),
        sa.PrimaryKeyConstraint("write_key", name=op.f("pk_expected_audits")),
    )
    op.create_index(
        op.f("ix_expected_audits_object_id_action_target"),
        "expected_audits",
        ["object_id", "action", "target"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_expected_audits_object_id_action_target"), table_name="expected_audits")
    op.drop_table("expected_audits")
    with op.batch_alter_table("audit_events") as table:
        table.drop_constraint(op.f("uq_audit_events_write_key"), type_="unique")
        table.drop_column("write_key")
    with op.batch_alter_table("webhook_events") as table:
        table.drop_column("failure")
        table.drop_column("next_attempt_at")
        table.drop_column("attempts")

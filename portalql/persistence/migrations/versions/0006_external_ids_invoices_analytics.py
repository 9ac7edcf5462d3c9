"""external customer ids, one-off invoice requests, analytics indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 17:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_INDEXES = (
    ("audit_events", ("occurred_at", "action")),
    ("portal_sessions", ("created_at",)),
    ("portal_sessions", ("used_at",)),
    ("customer_sessions", ("created_at",)),
)


def _index_name(table: str, columns: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    op.create_table(
        "external_customer_ids",
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("external_id", name=op.f("pk_external_customer_ids")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_external_customer_ids_customer_id")),
    )
    op.create_table(
        "invoice_requests",
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("invoice_id", sa.String(length=255), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_invoice_requests")),
    )
    for table, columns in _INDEXES:
        op.create_index(op.f(_index_name(table, columns)), table, list(columns))


def downgrade() -> None:
    for table, columns in reversed(_INDEXES):
        op.drop_index(op.f(_index_name(table, columns)), table_name=table)
    op.drop_table("invoice_requests")
    op.drop_table("external_customer_ids")

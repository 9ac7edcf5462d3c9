"""retention offers, their showings, and cancellation, pause and resumption events

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 17:40:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _id() -> sa.types.TypeEngine[Any]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "retention_offers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("product_ids", _json(), nullable=False),
        sa.Column("configuration_ids", _json(), nullable=False),
        sa.Column("coupon_id", sa.String(length=255), nullable=True),
        sa.Column("percent_off", sa.Float(), nullable=True),
        sa.Column("amount_off", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("coupon_duration", sa.String(length=16), nullable=True),
        sa.Column("duration_in_months", sa.Integer(), nullable=True),
        sa.Column("pause_interval", sa.String(length=8), nullable=True),
        sa.Column("pause_interval_count", sa.Integer(), nullable=True),
        sa.Column("price_id", sa.String(length=255), nullable=True),
        sa.Column("price_unit_amount", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('coupon', 'pause', 'price_switch')",
            name=op.f("ck_retention_offers_retention_offer_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_offers")),
    )
    op.create_table(
        "retention_grants",
        sa.Column("id", _id(), nullable=False),
        sa.Column("offer_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("subscription_id", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('shown', 'accepted', 'declined')", name=op.f("ck_retention_grants_offer_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["retention_offers.id"],
            name=op.f("fk_retention_grants_offer_id_retention_offers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_grants")),
        sa.UniqueConstraint("offer_id", "customer_id", name=op.f("uq_retention_grants_offer_id_customer_id")),
    )
    op.create_index(op.f("ix_retention_grants_customer_id"), "retention_grants", ["customer_id"])
    op.create_index(
        op.f("ix_retention_grants_shown_at_offer_id"), "retention_grants", ["shown_at", "offer_id"]
    )
    op.create_table(
        "retention_events",
        sa.Column("id", _id(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("subscription_id", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.CheckConstraint(
            "kind IN ('canceled', 'paused', 'resumed')", name=op.f("ck_retention_events_retention_event_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_events")),
        sa.UniqueConstraint("event_key", name=op.f("uq_retention_events_event_key")),
    )
    op.create_index(
        op.f("ix_retention_events_kind_occurred_at_reason"),
        "retention_events",
        ["kind", "occurred_at", "reason"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_retention_events_kind_occurred_at_reason"), table_name="retention_events")
    op.drop_table("retention_events")
    op.drop_index(op.f("ix_retention_grants_shown_at_offer_id"), table_name="retention_grants")
    op.drop_index(op.f("ix_retention_grants_customer_id"), table_name="retention_grants")
    op.drop_table("retention_grants")
    op.drop_table("retention_offers")

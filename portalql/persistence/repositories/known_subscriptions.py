"""The subscriptions each customer was last seen with that invoice again (see `KnownSubscription`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import KnownSubscription, utcnow

if TYPE_CHECKING:
    from collections.abc import Set

    from sqlalchemy.ext.asyncio import AsyncSession


async def known_subscription_ids(db: AsyncSession, customer_id: str) -> frozenset[str]:
    rows = await db.scalars(
        select(KnownSubscription.subscription_id).where(KnownSubscription.customer_id == customer_id)
    )
    return frozenset(rows)


async def note_known_subscription(
    db: AsyncSession, customer_id: str, subscription_id: str, *, invoices_again: bool
) -> None:
    """Add the subscription to the customer's known ones, or remove it once it will not invoice again."""
    if not invoices_again:
        await db.execute(
            delete(KnownSubscription).where(
                KnownSubscription.customer_id == customer_id,
                KnownSubscription.subscription_id == subscription_id,
            )
        )
        return
    await _insert(db, customer_id, {subscription_id})


async def replace_known_subscription_ids(db: AsyncSession, customer_id: str, ids: Set[str]) -> None:
    """Make `ids` the customer's known subscriptions; concurrent writers of the same set do not conflict."""
    await db.execute(
        delete(KnownSubscription).where(
            KnownSubscription.customer_id == customer_id, KnownSubscription.subscription_id.not_in(ids)
        )
    )
    if ids:
        await _insert(db, customer_id, ids)


async def _insert(db: AsyncSession, customer_id: str, ids: Set[str]) -> None:
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    rows = [{"customer_id": customer_id, "subscription_id": id_, "recorded_at": now} for id_ in sorted(ids)]
    await db.execute(insert(KnownSubscription).values(rows).on_conflict_do_nothing())

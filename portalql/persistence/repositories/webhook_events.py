"""The webhook inbox: each Stripe event is stored once, however often Stripe delivers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import WebhookEvent, utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


async def record_webhook_event(
    db: AsyncSession,
    *,
    stripe_event_id: str,
    event_type: str,
    stripe_created: int,
    payload: dict[str, Any],
    customer_id: str | None = None,
    object_id: str | None = None,
    received_at: datetime | None = None,
) -> bool:
    """Store an event unless it is already stored; True when it is new and so still to be processed."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(WebhookEvent)
        .values(
            stripe_event_id=stripe_event_id,
            type=event_type,
            stripe_created=stripe_created,
            payload=payload,
            customer_id=customer_id,
            object_id=object_id,
            received_at=received_at or utcnow(),
        )
        # Concurrent deliveries of one event: the unique index makes every insert but one a no-op.
        .on_conflict_do_nothing(index_elements=[WebhookEvent.stripe_event_id])
        .returning(WebhookEvent.id)
    )
    return await db.scalar(statement) is not None


async def mark_webhook_event_processed(
    db: AsyncSession, stripe_event_id: str, *, now: datetime | None = None
) -> bool:
    """Mark a stored event processed; False when it already was (or is not stored).

    Only one of two concurrent processors of an event sees True: the row's update is the claim.
    """
    marked = await db.scalar(
        update(WebhookEvent)
        .where(WebhookEvent.stripe_event_id == stripe_event_id, WebhookEvent.processed_at.is_(None))
        .values(processed_at=now or utcnow())
        .returning(WebhookEvent.id)
    )
    return marked is not None


async def unprocessed_webhook_event_ids(db: AsyncSession, stripe_event_ids: Sequence[str]) -> set[str]:
    """Those of `stripe_event_ids` that are stored but not processed yet."""
    found = await db.scalars(
        select(WebhookEvent.stripe_event_id).where(
            WebhookEvent.stripe_event_id.in_(stripe_event_ids), WebhookEvent.processed_at.is_(None)
        )
    )
    return set(found)


async def latest_processed_stripe_created(
    db: AsyncSession, object_id: str, *, customer_id: str | None = None
) -> int | None:
    """The Stripe `created` time of the newest processed event about `object_id` (and `customer_id`, when
    given), if any.

    An event older than this describes a state that has since been replaced, so it must not be applied.
    """
    query = select(func.max(WebhookEvent.stripe_created)).where(
        WebhookEvent.object_id == object_id, WebhookEvent.processed_at.is_not(None)
    )
    if customer_id is not None:
        query = query.where(WebhookEvent.customer_id == customer_id)
    return await db.scalar(query)

"""The webhook inbox: each Stripe event is stored once, however often Stripe delivers it; an event whose
processing failed is tried again when due, and one that cannot be used at all is kept as failed."""

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
    retry_at: datetime | None = None,
    failure: str | None = None,
) -> bool:
    """Store an event unless it is already stored; True when it is new.

    `retry_at` is when to try it again should its processing not have finished by then (None: never, as for
    an event stored as failed, with the reason in `failure`).
    """
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
            next_attempt_at=retry_at,
            failure=failure,
        )
        # Concurrent deliveries of one event: the unique index makes every insert but one a no-op.
        .on_conflict_do_nothing(index_elements=[WebhookEvent.stripe_event_id])
        .returning(WebhookEvent.id)
    )
    return await db.scalar(statement) is not None


async def lock_object_events(db: AsyncSession, object_id: str) -> None:
    """Hold the stored events of one object until the transaction ends, so that events of one object are
    applied one at a time and each sees what the one before it recorded.

    On PostgreSQL `SELECT … FOR UPDATE` locks the object's rows (in id order, so two lockers cannot
    deadlock); on SQLite the first write of the transaction takes the database's single write lock, which
    the caller's claim (`mark_webhook_event_processed`) is.
    """
    if db.get_bind().dialect.name == "postgresql":
        await db.execute(
            select(WebhookEvent.id)
            .where(WebhookEvent.object_id == object_id)
            .order_by(WebhookEvent.id)
            .with_for_update()
        )


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
    db: AsyncSession, object_id: str, *, customer_id: str | None = None, other_than: str | None = None
) -> int | None:
    """The Stripe `created` time of the newest processed event about `object_id` (and `customer_id`, when
    given), leaving out the event `other_than`, if any.

    An event older than this describes a state that has since been replaced, so it must not be applied.
    """
    query = select(func.max(WebhookEvent.stripe_created)).where(
        WebhookEvent.object_id == object_id, WebhookEvent.processed_at.is_not(None)
    )
    if other_than is not None:
        query = query.where(WebhookEvent.stripe_event_id != other_than)
    if customer_id is not None:
        query = query.where(WebhookEvent.customer_id == customer_id)
    return await db.scalar(query)


async def record_processing_failure(db: AsyncSession, stripe_event_id: str, *, failure: str) -> int:
    """Note a failed attempt at an unprocessed event, and why; the attempts made so far (0: none stored)."""
    attempts = await db.scalar(
        update(WebhookEvent)
        .where(WebhookEvent.stripe_event_id == stripe_event_id, WebhookEvent.processed_at.is_(None))
        .values(attempts=WebhookEvent.attempts + 1, failure=failure[:1000])
        .returning(WebhookEvent.attempts)
    )
    return attempts or 0


async def schedule_webhook_event(db: AsyncSession, stripe_event_id: str, retry_at: datetime | None) -> None:
    """When to try the event next; None: not again (replay is left)."""
    await db.execute(
        update(WebhookEvent)
        .where(WebhookEvent.stripe_event_id == stripe_event_id)
        .values(next_attempt_at=retry_at)
    )


async def due_webhook_events(db: AsyncSession, *, now: datetime, limit: int) -> Sequence[WebhookEvent]:
    """Unprocessed events whose next attempt is due, oldest first (by Stripe's time, then arrival)."""
    return (
        await db.scalars(
            select(WebhookEvent)
            .where(
                WebhookEvent.processed_at.is_(None),
                WebhookEvent.next_attempt_at.is_not(None),
                WebhookEvent.next_attempt_at <= now,
            )
            .order_by(WebhookEvent.stripe_created, WebhookEvent.id)
            .limit(limit)
        )
    ).all()

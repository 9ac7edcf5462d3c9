"""Event endpoints and what is owed to them: every audit event is owed, in the transaction that records it, to
each enabled endpoint that asked for its action (a transactional outbox, so no event is lost between the
change and its delivery); deliverers on any instance claim what is due, one at a time per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from portalql.persistence.models import AuditEvent, EventDelivery, EventEndpoint, utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


async def create_event_endpoint(
    db: AsyncSession,
    *,
    url: str,
    description: str | None,
    event_types: list[str],
    secret: str,
    created_by_api_key_id: str,
) -> EventEndpoint:
    endpoint = EventEndpoint(
        url=url,
        description=description,
        event_types=event_types,
        secret=secret,
        created_by_api_key_id=created_by_api_key_id,
    )
    db.add(endpoint)
    await db.flush()
    return endpoint


async def enabled_event_endpoints(db: AsyncSession) -> Sequence[EventEndpoint]:
    query = select(EventEndpoint).where(EventEndpoint.disabled_at.is_(None))
    return (await db.scalars(query.order_by(EventEndpoint.created_at, EventEndpoint.id))).all()


async def disable_event_endpoint(db: AsyncSession, endpoint_id: str) -> EventEndpoint | None:
    """Disable the endpoint (nothing more is owed to it, nothing due is sent); None if there is none. A
    disabled endpoint stays, with its deliveries, for the record; disabling it again changes nothing."""
    endpoint = await db.get(EventEndpoint, endpoint_id)
    if endpoint is None:
        return None
    if endpoint.disabled_at is None:
        endpoint.disabled_at = utcnow()
        await db.execute(
            update(EventDelivery)
            .where(EventDelivery.endpoint_id == endpoint_id, EventDelivery.delivered_at.is_(None))
            .values(next_attempt_at=None)
        )
    return endpoint


def wants(endpoint: EventEndpoint, action: str) -> bool:
    return not endpoint.event_types or action in endpoint.event_types


async def owe_event(db: AsyncSession, event: AuditEvent) -> None:
    """Owe a just-recorded audit event to every enabled endpoint that asked for its action, due now."""
    for endpoint in await enabled_event_endpoints(db):
        if wants(endpoint, event.action):
            db.add(
                EventDelivery(
                    endpoint_id=endpoint.id, audit_event_id=event.id, next_attempt_at=event.occurred_at
                )
            )


@dataclass(frozen=True, slots=True)
class DueDelivery:
    delivery_id: int
    seen_next_attempt_at: datetime
    attempts: int
    endpoint: EventEndpoint
    event: AuditEvent


async def due_deliveries(db: AsyncSession, *, now: datetime, limit: int) -> list[DueDelivery]:
    """Deliveries due at `now`, oldest first, with their endpoint and event."""
    rows = await db.execute(
        select(EventDelivery, EventEndpoint, AuditEvent)
        .join(EventEndpoint, EventEndpoint.id == EventDelivery.endpoint_id)
        .join(AuditEvent, AuditEvent.id == EventDelivery.audit_event_id)
        .where(EventDelivery.next_attempt_at <= now, EventEndpoint.disabled_at.is_(None))
        .order_by(EventDelivery.next_attempt_at, EventDelivery.id)
        .limit(limit)
    )
    due = []
    for delivery, endpoint, event in rows:
        assert delivery.next_attempt_at is not None  # selected as due
        due.append(DueDelivery(delivery.id, delivery.next_attempt_at, delivery.attempts, endpoint, event))
    return due


async def claim_delivery(db: AsyncSession, due: DueDelivery, *, until: datetime) -> bool:
    """Take a due delivery for an attempt: it is not due again before `until` (when an attempt that never
    finished, its process gone, is made again). False when another deliverer took it first."""
    claimed = await db.execute(
        update(EventDelivery)
        .where(EventDelivery.id == due.delivery_id, EventDelivery.next_attempt_at == due.seen_next_attempt_at)
        .values(next_attempt_at=until, attempts=EventDelivery.attempts + 1)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


async def record_attempt(
    db: AsyncSession,
    delivery_id: int,
    *,
    delivered_at: datetime | None,
    status: int | None,
    error: str | None,
    next_attempt_at: datetime | None,
) -> None:
    await db.execute(
        update(EventDelivery)
        .where(EventDelivery.id == delivery_id)
        .values(
            delivered_at=delivered_at,
            last_status=status,
            last_error=None if error is None else error[:500],
            next_attempt_at=next_attempt_at,
        )
    )


async def recent_deliveries(
    db: AsyncSession, endpoint_id: str, *, limit: int
) -> Sequence[tuple[EventDelivery, AuditEvent]]:
    rows = await db.execute(
        select(EventDelivery, AuditEvent)
        .join(AuditEvent, AuditEvent.id == EventDelivery.audit_event_id)
        .where(EventDelivery.endpoint_id == endpoint_id)
        .order_by(EventDelivery.audit_event_id.desc())
        .limit(limit)
    )
    return [(delivery, event) for delivery, event in rows]


async def redeliver(
    db: AsyncSession, endpoint_id: str, *, since: datetime, only_failed: bool, limit: int, now: datetime
) -> tuple[int, bool]:
    """Make the endpoint's deliveries of events since `since` due now (only those given up on, or every one
    not due already), at most `limit`, oldest first; how many, and whether more were left for another call."""
    query = (
        select(EventDelivery.id)
        .join(AuditEvent, AuditEvent.id == EventDelivery.audit_event_id)
        .where(
            EventDelivery.endpoint_id == endpoint_id,
            AuditEvent.occurred_at >= since,
            EventDelivery.next_attempt_at.is_(None),
        )
        .order_by(EventDelivery.audit_event_id)
        .limit(limit + 1)
    )
    if only_failed:
        query = query.where(EventDelivery.delivered_at.is_(None))
    ids = list((await db.scalars(query)).all())
    chosen = ids[:limit]
    if chosen:
        await db.execute(
            update(EventDelivery)
            .where(EventDelivery.id.in_(chosen))
            .values(next_attempt_at=now, delivered_at=None, attempts=0, last_error=None, last_status=None)
        )
    return len(chosen), len(ids) > limit


async def all_event_endpoints(db: AsyncSession) -> Sequence[EventEndpoint]:
    """Enabled endpoints first, newest first."""
    query = select(EventEndpoint).order_by(
        EventEndpoint.disabled_at.is_not(None), EventEndpoint.created_at.desc(), EventEndpoint.id
    )
    return (await db.scalars(query)).all()

"""The audit trail: who changed what on which billing object, newest first; a write made through the API at
most once, by its idempotency key."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import AuditEvent, utcnow
from portalql.persistence.repositories.event_deliveries import owe_event
from resolvers.ports import AuditSource

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from resolvers.ports import PrincipalType


# An encoded cursor is about 60 characters; anything much longer was not made by `encode`.
_MAX_CURSOR_LENGTH = 200


@dataclass(frozen=True)
class AuditCursor:
    """A position in a customer's trail; `encode()` makes it an opaque string for API cursors."""

    occurred_at: datetime
    id: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{self.occurred_at.isoformat()}|{self.id}".encode()).decode()

    @classmethod
    def decode(cls, value: str) -> AuditCursor:
        """Raises ValueError for a string that `encode()` did not produce."""
        refused = ValueError("not an audit cursor")
        if len(value) > _MAX_CURSOR_LENGTH:
            raise refused
        try:
            occurred_at, _, event_id = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
            cursor = cls(occurred_at=datetime.fromisoformat(occurred_at), id=int(event_id))
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise refused from error
        # Ids are the table's 64-bit keys: a larger number would overflow the query, not find nothing.
        if cursor.occurred_at.tzinfo is None or not 0 < cursor.id < 2**63:
            raise refused
        return cursor


@dataclass(frozen=True)
class AuditPage:
    events: Sequence[AuditEvent]
    next_cursor: AuditCursor | None
    """Where the next page starts; None on the last page."""


async def record_audit_event(
    db: AsyncSession,
    *,
    principal_type: PrincipalType,
    principal_id: str,
    action: str,
    object_type: str,
    object_id: str,
    customer_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request_id: str | None = None,
    client_ip: str | None = None,
    source: AuditSource = AuditSource.PORTALQL,
    occurred_at: datetime | None = None,
    write_key: str | None = None,
) -> AuditEvent | None:
    """Add an event to the trail, owed to the event endpoints that want it; for a `write_key` already there,
    nothing (None): that write is audited."""
    if write_key is not None:
        dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
        inserted = await db.scalar(
            dialect.insert(AuditEvent)
            .values(
                occurred_at=occurred_at or utcnow(),
                principal_type=principal_type,
                principal_id=principal_id,
                customer_id=customer_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                before=before,
                after=after,
                request_id=request_id,
                client_ip=client_ip,
                source=source,
                write_key=write_key,
            )
            .on_conflict_do_nothing(index_elements=[AuditEvent.write_key])
            .returning(AuditEvent.id)
        )
        if inserted is None:
            return None
        recorded = await db.get(AuditEvent, inserted)
        assert recorded is not None  # inserted in this transaction
        await owe_event(db, recorded)
        return recorded
    event = AuditEvent(
        occurred_at=occurred_at or utcnow(),
        principal_type=principal_type,
        principal_id=principal_id,
        customer_id=customer_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        request_id=request_id,
        client_ip=client_ip,
        source=source,
    )
    db.add(event)
    await db.flush()
    await owe_event(db, event)
    return event


async def list_audit_events(
    db: AsyncSession, *, customer_id: str | None, limit: int = 50, after: AuditCursor | None = None
) -> AuditPage:
    """One page of a customer's events (every customer's for None), newest first, starting after `after`."""
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    query = select(AuditEvent)
    if customer_id is not None:
        query = query.where(AuditEvent.customer_id == customer_id)
    if after is not None:
        # Keyset pagination: stable while new events arrive, and served by the (customer, time, id) index.
        query = query.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < (after.occurred_at, after.id))
    # One extra row tells whether another page follows.
    rows = (
        await db.scalars(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit + 1))
    ).all()
    events = rows[:limit]
    has_more = len(rows) > limit
    next_cursor = AuditCursor(events[-1].occurred_at, events[-1].id) if has_more else None
    return AuditPage(events=events, next_cursor=next_cursor)

"""Portal analytics: what a period holds, counted in SQL over the audit trail and the session tables.

Each count is one aggregate over an index on its timestamp (see the models), so a period's figures cost a
few index range scans, never rows shipped to Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from portalql.persistence.models import AuditEvent, CustomerSession, PortalLink
from resolvers.ports import ActionCount, AuditSource

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import QueryableAttribute


async def count_actions(
    db: AsyncSession, *, since: datetime, until: datetime, actions: Collection[str]
) -> tuple[ActionCount, ...]:
    # `->>` on PostgreSQL's JSONB, `json_extract` on SQLite: SQLAlchemy writes the dialect's own.
    kind = AuditEvent.after["kind"].as_string()
    direction = AuditEvent.after["direction"].as_string()
    has_before = AuditEvent.before.is_not(None)
    grouped = (AuditEvent.action, kind, direction, AuditEvent.source, has_before)
    rows = await db.execute(
        select(*grouped, func.count())
        .where(
            AuditEvent.occurred_at >= since,
            AuditEvent.occurred_at < until,
            AuditEvent.action.in_(list(actions)),
        )
        .group_by(*grouped)
    )
    return tuple(
        ActionCount(action, kind, direction, AuditSource(source), bool(before), count)
        for action, kind, direction, source, before, count in rows
    )


async def count_links_redeemed(db: AsyncSession, *, since: datetime, until: datetime) -> int:
    return await _count(db, PortalLink.used_at, since, until)


async def count_customer_sessions(db: AsyncSession, *, since: datetime, until: datetime) -> int:
    return await _count(db, CustomerSession.created_at, since, until)


async def _count(
    db: AsyncSession,
    column: QueryableAttribute[datetime | None] | QueryableAttribute[datetime],
    since: datetime,
    until: datetime,
) -> int:
    counted = await db.scalar(select(func.count()).where(column >= since, column < until))
    return int(counted or 0)

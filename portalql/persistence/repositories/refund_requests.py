"""Refund requests by idempotency key, and the per-charge lock that serializes refunds of one charge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import ChargeLock, RefundRequest, utcnow

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


async def find_refund_request(db: AsyncSession, idempotency_key: str) -> RefundRequest | None:
    return await db.scalar(select(RefundRequest).where(RefundRequest.idempotency_key == idempotency_key))


async def lock_charge(db: AsyncSession, charge_id: str, *, now: datetime | None = None) -> None:
    """Hold the charge's lock until the transaction ends; a concurrent holder makes this wait.

    The insert makes sure the lock row exists. On PostgreSQL `SELECT … FOR UPDATE` then locks that row; on
    SQLite the insert itself already took the database's single write lock, which serializes all writers.
    """
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    await db.execute(
        dialect.insert(ChargeLock)
        .values(charge_id=charge_id, locked_at=now or utcnow())
        .on_conflict_do_nothing(index_elements=[ChargeLock.charge_id])
    )
    await db.execute(select(ChargeLock.charge_id).where(ChargeLock.charge_id == charge_id).with_for_update())


async def record_refund_request(db: AsyncSession, request: RefundRequest) -> None:
    db.add(request)
    await db.flush()

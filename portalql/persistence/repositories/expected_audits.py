"""Audit entries of writes sent to Stripe and not yet seen to take effect, moved to the trail exactly once.

A mutation keeps its entry here before it sends the write; the first of the mutation's answer, a retry that
finds the change already made, or the webhook of the change moves it to `audit_events`, whose unique
`write_key` makes every later move a no-op. So a write whose answer was lost is still audited, and never
twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import ExpectedAudit, utcnow
from portalql.persistence.repositories.audit import record_audit_event
from resolvers.ports import AuditSource

if TYPE_CHECKING:
    from collections.abc import Collection

    from sqlalchemy.ext.asyncio import AsyncSession

# Stripe keeps events for 30 days: a write whose webhook was not seen (delivered, retried or replayed) by
# then never will be, and neither will a retry Stripe still answers (its keys last 24 hours).
EXPECTATION_LIFETIME = timedelta(days=30)

# `confirm_expected_audits`' default: keep the entry's `after` as the write asked for it.
_AS_ASKED: Any = object()


async def expect_audit_event(db: AsyncSession, entry: ExpectedAudit) -> None:
    """Keep `entry` for its write; a second call for the same write key keeps the first."""
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    values = {column.key: getattr(entry, column.key) for column in ExpectedAudit.__table__.columns}
    values["created_at"] = values["created_at"] or utcnow()
    await db.execute(
        dialect.insert(ExpectedAudit)
        .values(values)
        .on_conflict_do_nothing(index_elements=[ExpectedAudit.write_key])
    )


async def confirm_expected_audits(
    db: AsyncSession, write_keys: Collection[str], *, after: dict[str, Any] | None = _AS_ASKED
) -> int:
    """The writes of `write_keys` took effect: move their entries to the trail (with `after`, when given, as
    the state they left); how many entries moved."""
    if not write_keys:
        return 0
    expected = (await db.scalars(select(ExpectedAudit).where(ExpectedAudit.write_key.in_(write_keys)))).all()
    moved = 0
    for entry in expected:
        recorded = await record_audit_event(
            db,
            principal_type=entry.principal_type,
            principal_id=entry.principal_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            customer_id=entry.customer_id,
            before=entry.before,
            after=entry.after if after is _AS_ASKED else after,
            request_id=entry.request_id,
            client_ip=entry.client_ip,
            source=AuditSource.PORTALQL,
            write_key=entry.write_key,
        )
        moved += recorded is not None
    await drop_expected_audits(db, [entry.write_key for entry in expected])
    return moved


async def confirm_expected_audits_asking(
    db: AsyncSession, *, object_id: str, action: str, target: str, after: dict[str, Any] | None
) -> int:
    """The state `target` names holds: the writes that asked for it took effect; how many entries moved."""
    keys = (
        await db.scalars(
            select(ExpectedAudit.write_key).where(
                ExpectedAudit.object_id == object_id,
                ExpectedAudit.action == action,
                ExpectedAudit.target == target,
            )
        )
    ).all()
    return await confirm_expected_audits(db, keys, after=after)


async def drop_expected_audits(db: AsyncSession, write_keys: Collection[str]) -> None:
    """Forget the entries of writes that Stripe refused (or that are in the trail already)."""
    if write_keys:
        await db.execute(delete(ExpectedAudit).where(ExpectedAudit.write_key.in_(write_keys)))


async def drop_lapsed_expected_audits(db: AsyncSession, *, now: datetime) -> int:
    """Forget the entries of writes that nothing can confirm any more (`EXPECTATION_LIFETIME`): they were
    kept for a write whose answer failed and that never took effect; how many were dropped."""
    result = await db.execute(
        delete(ExpectedAudit).where(ExpectedAudit.created_at < now - EXPECTATION_LIFETIME)
    )
    return int(getattr(result, "rowcount", 0) or 0)

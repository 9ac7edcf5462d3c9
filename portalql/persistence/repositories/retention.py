"""Retention offers, the offers shown to customers (once per customer, by a unique constraint), and the
cancellation report's aggregates, computed by the database over indexed columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import RetentionEventRow, RetentionGrant, RetentionOfferRow, utcnow
from resolvers.ports import OfferOutcome, RetentionEventKind

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncSession


def _insert(
    db: AsyncSession, table: type[RetentionGrant | RetentionEventRow]
) -> postgresql.Insert | sqlite.Insert:
    """An insert that can skip rows clashing on a unique key, in the database's dialect."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def list_offers(db: AsyncSession, *, include_archived: bool) -> Sequence[RetentionOfferRow]:
    query = select(RetentionOfferRow).order_by(RetentionOfferRow.created_at, RetentionOfferRow.id)
    if not include_archived:
        query = query.where(RetentionOfferRow.archived_at.is_(None))
    return (await db.scalars(query)).all()


async def archive_offer(db: AsyncSession, offer_id: str) -> RetentionOfferRow | None:
    row = await db.get(RetentionOfferRow, offer_id)
    if row is not None and row.archived_at is None:
        row.archived_at = utcnow()
        await db.flush()
    return row


async def grants_of(db: AsyncSession, customer_id: str) -> Sequence[RetentionGrant]:
    return (await db.scalars(select(RetentionGrant).where(RetentionGrant.customer_id == customer_id))).all()


async def insert_grant(db: AsyncSession, grant: RetentionGrant) -> RetentionGrant:
    """Insert the showing unless the customer was shown the offer before (by any instance); either way,
    return the one row of that offer and customer."""
    values = {
        "offer_id": grant.offer_id,
        "customer_id": grant.customer_id,
        "subscription_id": grant.subscription_id,
        "reason": grant.reason,
        "outcome": grant.outcome,
        "shown_at": grant.shown_at,
        "monthly_amount": grant.monthly_amount,
        "currency": grant.currency,
    }
    insert = _insert(db, RetentionGrant).values(**values)
    await db.execute(insert.on_conflict_do_nothing(index_elements=["offer_id", "customer_id"]))
    found = await db.scalar(
        select(RetentionGrant).where(
            RetentionGrant.offer_id == grant.offer_id, RetentionGrant.customer_id == grant.customer_id
        )
    )
    if found is None:
        raise RuntimeError("the showing was neither inserted nor found")
    return found


async def decide_grant(
    db: AsyncSession, grant_id: int, *, from_outcome: OfferOutcome, to_outcome: OfferOutcome
) -> bool:
    """Move the showing from one outcome to another; False when it was not in `from_outcome` (a concurrent
    request decided it first)."""
    result = await db.execute(
        update(RetentionGrant)
        .where(RetentionGrant.id == grant_id, RetentionGrant.outcome == from_outcome)
        .values(outcome=to_outcome, decided_at=None if to_outcome is OfferOutcome.SHOWN else utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_applied(db: AsyncSession, grant_id: int) -> None:
    await db.execute(
        update(RetentionGrant)
        .where(RetentionGrant.id == grant_id, RetentionGrant.applied_at.is_(None))
        .values(applied_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def insert_event(db: AsyncSession, event: RetentionEventRow) -> None:
    values = {
        "event_key": event.event_key,
        "kind": event.kind,
        "occurred_at": event.occurred_at,
        "customer_id": event.customer_id,
        "subscription_id": event.subscription_id,
        "reason": event.reason,
        "comment": event.comment,
    }
    insert = _insert(db, RetentionEventRow).values(**values)
    await db.execute(insert.on_conflict_do_nothing(index_elements=["event_key"]))


async def cancellations_by_reason(
    db: AsyncSession, *, since: datetime, until: datetime
) -> Sequence[tuple[str | None, int]]:
    query = (
        select(RetentionEventRow.reason, func.count())
        .where(
            RetentionEventRow.kind == RetentionEventKind.CANCELED,
            RetentionEventRow.occurred_at >= since,
            RetentionEventRow.occurred_at < until,
        )
        .group_by(RetentionEventRow.reason)
        .order_by(func.count().desc(), RetentionEventRow.reason)
    )
    return [(reason, count) for reason, count in (await db.execute(query)).all()]


async def latest_comments(
    db: AsyncSession, *, since: datetime, until: datetime, limit: int
) -> Sequence[tuple[str | None, str, datetime]]:
    query = (
        select(RetentionEventRow.reason, RetentionEventRow.comment, RetentionEventRow.occurred_at)
        .where(
            RetentionEventRow.kind == RetentionEventKind.CANCELED,
            RetentionEventRow.occurred_at >= since,
            RetentionEventRow.occurred_at < until,
            RetentionEventRow.comment.is_not(None),
        )
        .order_by(RetentionEventRow.occurred_at.desc(), RetentionEventRow.id.desc())
        .limit(limit)
    )
    return [(reason, str(comment), at) for reason, comment, at in (await db.execute(query)).all()]


async def event_counts(
    db: AsyncSession, *, since: datetime, until: datetime
) -> dict[RetentionEventKind, int]:
    query = (
        select(RetentionEventRow.kind, func.count())
        .where(RetentionEventRow.occurred_at >= since, RetentionEventRow.occurred_at < until)
        .group_by(RetentionEventRow.kind)
    )
    return {RetentionEventKind(kind): count for kind, count in (await db.execute(query)).all()}


def _counted(outcome: OfferOutcome) -> ColumnElement[int]:
    return func.sum(case((RetentionGrant.outcome == outcome, 1), else_=0))


async def offer_counts(
    db: AsyncSession, *, since: datetime, until: datetime
) -> Sequence[tuple[str, int, int, int]]:
    """Per offer shown in the period: how often it was shown, accepted and declined."""
    query = (
        select(
            RetentionGrant.offer_id,
            func.count(),
            _counted(OfferOutcome.ACCEPTED),
            _counted(OfferOutcome.DECLINED),
        )
        .where(RetentionGrant.shown_at >= since, RetentionGrant.shown_at < until)
        .group_by(RetentionGrant.offer_id)
        .order_by(RetentionGrant.offer_id)
    )
    return [
        (offer, shown, int(accepted or 0), int(declined or 0))
        for offer, shown, accepted, declined in (await db.execute(query)).all()
    ]


async def kept_revenue(
    db: AsyncSession, *, since: datetime, until: datetime
) -> Sequence[tuple[str, int, int]]:
    """Per currency: the monthly revenue of the subscriptions whose offer was accepted, and how many."""
    query = (
        select(RetentionGrant.currency, func.sum(RetentionGrant.monthly_amount), func.count())
        .where(
            RetentionGrant.outcome == OfferOutcome.ACCEPTED,
            RetentionGrant.shown_at >= since,
            RetentionGrant.shown_at < until,
        )
        .group_by(RetentionGrant.currency)
        .order_by(RetentionGrant.currency)
    )
    return [
        (currency, int(amount or 0), count) for currency, amount, count in (await db.execute(query)).all()
    ]

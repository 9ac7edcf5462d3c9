"""External customer ids: the product's own ids for Stripe customers, unique both ways."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portalql.persistence.models import ExternalCustomerId
from resolvers.ports import ExternalIdLink, ExternalIdTaken

if TYPE_CHECKING:
    from collections.abc import Collection

    from sqlalchemy.ext.asyncio import AsyncSession


async def customer_of(db: AsyncSession, external_id: str) -> str | None:
    return await db.scalar(
        select(ExternalCustomerId.customer_id).where(ExternalCustomerId.external_id == external_id)
    )


async def external_ids_of(db: AsyncSession, customer_ids: Collection[str]) -> dict[str, str]:
    rows = await db.execute(
        select(ExternalCustomerId.customer_id, ExternalCustomerId.external_id).where(
            ExternalCustomerId.customer_id.in_(list(customer_ids))
        )
    )
    return dict(rows.all())


async def link_external_id(db: AsyncSession, external_id: str, customer_id: str) -> ExternalIdLink:
    """Map `external_id` to the customer in the session's transaction; raises ExternalIdTaken.

    A concurrent link of the same id to another customer fails on the primary key and is refused the same
    way, so the check and the insert cannot race.
    """
    holder = await customer_of(db, external_id)
    if holder == customer_id:
        return ExternalIdLink(external_id, customer_id, previous=None, changed=False)
    if holder is not None:
        raise ExternalIdTaken(external_id, holder)
    previous = await db.scalar(
        select(ExternalCustomerId.external_id).where(ExternalCustomerId.customer_id == customer_id)
    )
    await db.execute(delete(ExternalCustomerId).where(ExternalCustomerId.customer_id == customer_id))
    try:
        async with db.begin_nested():
            db.add(ExternalCustomerId(external_id=external_id, customer_id=customer_id))
    except IntegrityError as error:
        raise ExternalIdTaken(external_id, await customer_of(db, external_id) or "") from error
    return ExternalIdLink(external_id, customer_id, previous=previous, changed=True)


async def replace_external_id(db: AsyncSession, external_id: str, customer_id: str) -> None:
    """Map `external_id` to the customer whoever held it: for demo data, whose customers are made anew."""
    await db.execute(
        delete(ExternalCustomerId).where(
            (ExternalCustomerId.external_id == external_id) | (ExternalCustomerId.customer_id == customer_id)
        )
    )
    db.add(ExternalCustomerId(external_id=external_id, customer_id=customer_id))
    await db.flush()

"""One-off invoice requests by idempotency key, and how far each got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portalql.persistence.models import InvoiceRequest, utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def claim_invoice_request(
    db: AsyncSession, idempotency_key: str, *, request_digest: str, customer_id: str
) -> InvoiceRequest:
    """The request under that key: the one recorded before (by an earlier attempt), or a new one."""
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    await db.execute(
        dialect.insert(InvoiceRequest)
        .values(
            idempotency_key=idempotency_key,
            request_digest=request_digest,
            customer_id=customer_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[InvoiceRequest.idempotency_key])
    )
    claimed = await db.scalar(select(InvoiceRequest).where(InvoiceRequest.idempotency_key == idempotency_key))
    if claimed is None:  # pragma: no cover - the insert above or an earlier one made it
        raise RuntimeError(f"invoice request {idempotency_key!r} vanished")
    return claimed


async def record_invoice(db: AsyncSession, idempotency_key: str, invoice_id: str) -> None:
    await db.execute(
        update(InvoiceRequest)
        .where(InvoiceRequest.idempotency_key == idempotency_key)
        .values(invoice_id=invoice_id)
    )


async def record_sent(db: AsyncSession, idempotency_key: str) -> None:
    await db.execute(
        update(InvoiceRequest)
        .where(InvoiceRequest.idempotency_key == idempotency_key)
        .values(sent_at=utcnow())
    )

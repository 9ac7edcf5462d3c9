"""What has been refunded of an invoice: the refunds of the payments that paid it.

An invoice has few payments, so every refund of each paid payment is read (a call per hundred, deduplicated
per request by the loader) and the invoice's refunds are paged in memory: no one Stripe list spans several
payments.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from resolvers.invoices import invoice_payments
from resolvers.pagination import slice_in_memory
from stripe_gateway.records import InvoicePaymentStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.pagination import PageRequest, Slice
    from stripe_gateway.records import Invoice, Refund

# Refunds that gave nothing back; every other status counts towards the refunded amount, as on the charge.
_RETURNED_NOTHING = frozenset({"failed", "canceled"})


async def _every_refund(ctx: RequestContext, invoice: Invoice) -> tuple[Refund, ...]:
    """The refunds of the invoice's paid payments, newest first."""
    payments = await invoice_payments(ctx, invoice)  # checks that the caller may read the invoice
    paid_by = [
        payment.charge_id or payment.payment_intent_id
        for payment in payments
        if payment.status is InvoicePaymentStatus.PAID
    ]
    found = await asyncio.gather(
        *(ctx.loaders.all_refunds(payment_id) for payment_id in paid_by if payment_id)
    )
    refunds = [refund for each in found for refund in each]
    return tuple(sorted(refunds, key=lambda refund: refund.created, reverse=True))


async def invoice_refunds(ctx: RequestContext, invoice: Invoice, request: PageRequest) -> Slice[Refund]:
    """A page of the refunds of the invoice's paid payments, newest first; refund ids are the cursors."""
    return slice_in_memory(await _every_refund(ctx, invoice), request)


async def invoice_amount_refunded(ctx: RequestContext, invoice: Invoice) -> int:
    refunds = await _every_refund(ctx, invoice)
    return sum(refund.amount for refund in refunds if refund.status not in _RETURNED_NOTHING)

"""What has been refunded of an invoice: the refunds of the payments that paid it.

An invoice has few payments and a payment few refunds: each paid payment's refunds are read in one call
(deduplicated per request by the refunds loader).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from resolvers.invoices import invoice_payments
from stripe_gateway.records import InvoicePaymentStatus

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Invoice, Refund

# Refunds that gave nothing back; every other status counts towards the refunded amount, as on the charge.
_RETURNED_NOTHING = frozenset({"failed", "canceled"})


async def invoice_refunds(ctx: RequestContext, invoice: Invoice) -> tuple[Refund, ...]:
    """The refunds of the invoice's paid payments, newest first."""
    payments = await invoice_payments(ctx, invoice)  # checks that the caller may read the invoice
    paid_by = [
        payment.charge_id or payment.payment_intent_id
        for payment in payments
        if payment.status is InvoicePaymentStatus.PAID
    ]
    pages = await asyncio.gather(*(ctx.loaders.refunds(payment_id) for payment_id in paid_by if payment_id))
    refunds = [refund for page in pages for refund in page.data]
    return tuple(sorted(refunds, key=lambda refund: refund.created, reverse=True))


async def invoice_amount_refunded(ctx: RequestContext, invoice: Invoice) -> int:
    refunds = await invoice_refunds(ctx, invoice)
    return sum(refund.amount for refund in refunds if refund.status not in _RETURNED_NOTHING)

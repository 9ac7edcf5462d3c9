"""Reading invoices: a customer's pages of them, one by id, their payments and previews."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from resolvers.loaders.invoices import InvoicePageKey, UpcomingKey
from resolvers.pagination import PageRequest, Slice, slice_of
from resolvers.policy import check_owner, fetch_by_id, require_scope
from resolvers.principals import Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Invoice, InvoicePayment, InvoiceStatus


async def customer_invoices(
    ctx: RequestContext,
    customer_id: str,
    request: PageRequest,
    *,
    status: InvoiceStatus | None,
    with_payments: bool,
) -> Slice[Invoice]:
    """A page of the customer's invoices, newest first; `with_payments` includes each invoice's payments."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), customer_id, customer_id)
    key = InvoicePageKey(
        customer_id=customer_id,
        status=status,
        limit=request.limit,
        starting_after=request.starting_after,
        ending_before=request.ending_before,
        with_payments=with_payments,
    )
    return slice_of(await ctx.loaders.invoice_page(key), request)


async def invoice_by_id(ctx: RequestContext, invoice_id: str) -> Invoice:
    principal = require_scope(ctx, Scope.INVOICES_READ)
    invoice = await fetch_by_id(invoice_id, ctx.loaders.invoice(invoice_id))
    check_owner(principal, invoice_id, invoice.customer_id)
    return invoice


async def customer_upcoming_invoice(ctx: RequestContext, customer_id: str) -> Invoice | None:
    """The preview of the customer's next invoice: that of the subscription renewing first; None when none
    will invoice again. Stripe previews invoices of one subscription only (since API version 2025-03-31)."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), customer_id, customer_id)
    current = await ctx.loaders.subscriptions(customer_id, include_ended=False)
    renewing = [s for s in current if s.invoices_again]
    if not renewing:
        return None
    first = min(renewing, key=lambda s: s.current_period_end or 0)
    return await ctx.loaders.upcoming_invoice(UpcomingKey(customer_id, first.id))


async def customer_upcoming_invoices(ctx: RequestContext, customer_id: str) -> tuple[Invoice, ...]:
    """The previews of the next invoice of every subscription that renews, soonest first. The previews are
    read together (and started ahead of the subscriptions' list, see `read_previews_ahead`)."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), customer_id, customer_id)
    current = await ctx.loaders.subscriptions(customer_id, include_ended=False)
    renewing = sorted((s for s in current if s.invoices_again), key=lambda s: s.current_period_end or 0)
    found = await asyncio.gather(
        *(ctx.loaders.upcoming_invoice(UpcomingKey(customer_id, s.id)) for s in renewing)
    )
    return tuple(invoice for invoice in found if invoice is not None)


async def invoice_payments(ctx: RequestContext, invoice: Invoice) -> tuple[InvoicePayment, ...]:
    """The invoice's payment attempts: included with the invoice when the list asked for them."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), invoice.id, invoice.customer_id)
    if invoice.payments is not None:
        return invoice.payments
    if invoice.is_preview:  # nothing has paid it yet
        return ()
    return await ctx.loaders.invoice_payments(invoice.id)

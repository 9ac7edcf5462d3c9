"""Reading what paid an invoice: charges, payment intents, and their refunds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.loaders.payments import RefundPageKey
from resolvers.pagination import slice_of
from resolvers.policy import check_owner, fetch_by_id, require_scope
from resolvers.principals import Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.pagination import PageRequest, Slice
    from stripe_gateway.records import Charge, PaymentIntent, Refund


async def charge_by_id(ctx: RequestContext, charge_id: str) -> Charge:
    principal = require_scope(ctx, Scope.INVOICES_READ)
    charge = await fetch_by_id(charge_id, ctx.loaders.charge(charge_id))
    check_owner(principal, charge_id, charge.customer_id)
    return charge


async def payment_intent_by_id(ctx: RequestContext, payment_intent_id: str) -> PaymentIntent:
    principal = require_scope(ctx, Scope.INVOICES_READ)
    intent = await fetch_by_id(payment_intent_id, ctx.loaders.payment_intent(payment_intent_id))
    check_owner(principal, payment_intent_id, intent.customer_id)
    return intent


async def refund_by_id(ctx: RequestContext, refund_id: str) -> Refund:
    """A refund belongs to the customer of the charge it refunds (read with it)."""
    principal = require_scope(ctx, Scope.INVOICES_READ)
    refund = await fetch_by_id(refund_id, ctx.loaders.refund(refund_id))
    check_owner(principal, refund_id, refund.charge.customer_id if refund.charge is not None else None)
    return refund


async def refunds_of(
    ctx: RequestContext, payment: Charge | PaymentIntent, request: PageRequest
) -> Slice[Refund]:
    """A page of the refunds of a charge or payment intent, newest first: one Stripe list call."""
    check_owner(require_scope(ctx, Scope.INVOICES_READ), payment.id, payment.customer_id)
    key = RefundPageKey(
        payment.id, request.limit, starting_after=request.starting_after, ending_before=request.ending_before
    )
    return slice_of(await ctx.loaders.refund_page(key), request)

"""Reading what paid an invoice: charges, payment intents, and their refunds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.errors import InvalidArgumentError
from resolvers.pagination import Slice
from resolvers.policy import check_owner, fetch_by_id, require_scope
from resolvers.principals import Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.pagination import PageRequest
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


async def refunds_of(
    ctx: RequestContext, payment: Charge | PaymentIntent, request: PageRequest
) -> Slice[Refund]:
    """A page of the refunds of a charge or payment intent, newest first.

    A payment has few refunds: the first 100 are read in one call and paged through in memory.
    """
    check_owner(require_scope(ctx, Scope.INVOICES_READ), payment.id, payment.customer_id)
    everything = await ctx.loaders.refunds(payment.id)
    start = 0
    if request.starting_after is not None:
        start = _position(everything.data, request.starting_after) + 1
    end = len(everything.data)
    if request.ending_before is not None:
        end = _position(everything.data, request.ending_before)
        start = max(0, end - request.limit)
    else:
        end = min(end, start + request.limit)
    return Slice(
        everything.data[start:end],
        has_next_page=end < len(everything.data) or everything.has_more,
        has_previous_page=start > 0,
    )


def _position(refunds: tuple[Refund, ...], cursor: str) -> int:
    for index, refund in enumerate(refunds):
        if refund.id == cursor:
            return index
    raise InvalidArgumentError(f"No refund '{cursor}' among this payment's refunds.")

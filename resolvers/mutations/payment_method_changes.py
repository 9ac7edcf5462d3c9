"""Choosing a customer's default payment method and removing one.

A customer session needs the portal configuration's payment method feature. As in Stripe's portal, the
last payment method of a customer with a subscription still running cannot be removed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers import rules
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, attempt
from resolvers.mutations.targets import features_held_to, owned_customer, owned_payment_method, refuse
from resolvers.policy import require_scope
from resolvers.principals import Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.principals import Principal
    from stripe_gateway.records import Customer, PaymentMethod


_SET_DEFAULT = "customer.set_default_payment_method"


@dataclass(frozen=True, slots=True)
class DefaultPaymentMethodChange:
    payment_method: PaymentMethod
    customer: Customer


async def _payment_method_to_change(
    ctx: RequestContext, payment_method_id: str
) -> tuple[Principal, PaymentMethod]:
    principal = require_scope(ctx, Scope.PAYMENT_METHODS_WRITE)
    method = await owned_payment_method(ctx, principal, payment_method_id, "payment_method_id")
    refuse(rules.payment_methods_refusal(await features_held_to(ctx, principal)))
    return principal, method


async def _set_default(ctx: RequestContext, payment_method_id: str) -> DefaultPaymentMethodChange:
    principal, method = await _payment_method_to_change(ctx, payment_method_id)
    customer_id = method.customer_id or ""  # an attached method: `owned_payment_method` checked it
    customer = await owned_customer(ctx, principal, customer_id)
    target = ("set_default_payment_method", method.id)
    if customer.default_payment_method_id == method.id:
        # Already the default: nothing to do, or a retry of a change whose answer was lost.
        await writes.already_done(
            ctx,
            action=_SET_DEFAULT,
            object_id=customer_id,
            target=target,
            after={"defaultPaymentMethod": method.id},
        )
        return DefaultPaymentMethodChange(method, customer)
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_SET_DEFAULT,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        before={"defaultPaymentMethod": customer.default_payment_method_id},
        after={"defaultPaymentMethod": method.id},
    )
    key = writes.idempotency_key(ctx, principal, None, "set_default_payment_method", method.id)
    async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
        updated = await ctx.gateway.set_default_payment_method(customer_id, method.id, idempotency_key=key)
        ctx.forget_reads()
        ctx.loaders.prime_customers([updated])
        written.after = {"defaultPaymentMethod": updated.default_payment_method_id}
    return DefaultPaymentMethodChange(method, updated)


async def set_default_payment_method(
    ctx: RequestContext, *, payment_method_id: str
) -> Outcome[DefaultPaymentMethodChange]:
    return await attempt(_set_default(ctx, payment_method_id))


async def _check_not_last(ctx: RequestContext, customer_id: str) -> None:
    methods, subscriptions = await asyncio.gather(
        ctx.loaders.payment_methods(customer_id), ctx.loaders.subscriptions(customer_id, include_ended=True)
    )
    refuse(rules.last_payment_method_refusal(len(methods), subscriptions))


async def _detach(ctx: RequestContext, payment_method_id: str) -> PaymentMethod:
    principal, method = await _payment_method_to_change(ctx, payment_method_id)
    customer_id = method.customer_id or ""
    await _check_not_last(ctx, customer_id)
    entry = writes.audit_entry(
        ctx,
        principal,
        action="payment_method.detach",
        object_type="payment_method",
        object_id=method.id,
        customer_id=customer_id,
        before={"customer": customer_id},
        after={"customer": None},
    )
    key = writes.idempotency_key(ctx, principal, None, "detach_payment_method", method.id)
    # No retry finds this one done (a detached method is no longer the customer's to name): the webhook of
    # the detach audits it when its answer was lost.
    async with writes.audited_write(ctx, key=key, target=("detach", method.id), entry=entry) as written:
        detached = await ctx.gateway.detach_payment_method(method.id, idempotency_key=key)
        ctx.forget_reads()
        written.after = {"customer": detached.customer_id}
    return detached


async def detach_payment_method(ctx: RequestContext, *, payment_method_id: str) -> Outcome[PaymentMethod]:
    return await attempt(_detach(ctx, payment_method_id))

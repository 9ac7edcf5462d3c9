"""Reading payment methods: a customer's, its default one, and one by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.policy import check_owner, fetch_by_id, require_scope
from resolvers.principals import Scope

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Customer, PaymentMethod


async def customer_payment_methods(ctx: RequestContext, customer_id: str) -> tuple[PaymentMethod, ...]:
    check_owner(require_scope(ctx, Scope.PAYMENT_METHODS_READ), customer_id, customer_id)
    return await ctx.loaders.payment_methods(customer_id)


async def default_payment_method(ctx: RequestContext, customer: Customer) -> PaymentMethod | None:
    """The customer's default for invoices, found in the list `paymentMethods` reads as well."""
    check_owner(require_scope(ctx, Scope.PAYMENT_METHODS_READ), customer.id, customer.id)
    wanted = customer.default_payment_method_id
    if wanted is None:
        return None
    methods = await ctx.loaders.payment_methods(customer.id)
    listed = next((method for method in methods if method.id == wanted), None)
    if listed is not None:
        return listed
    return await payment_method_by_id(ctx, wanted)  # beyond the first page of the list


async def payment_method_by_id(ctx: RequestContext, payment_method_id: str) -> PaymentMethod:
    principal = require_scope(ctx, Scope.PAYMENT_METHODS_READ)
    method = await fetch_by_id(payment_method_id, ctx.loaders.payment_method(payment_method_id))
    check_owner(principal, payment_method_id, method.customer_id)
    return method

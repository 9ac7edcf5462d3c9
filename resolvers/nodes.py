"""`node(id:)`: any object by its Stripe id, routed by the kind of object its prefix names (`ids.kind_of`),
under the same checks as its field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.catalog import price_by_id, product_by_id
from resolvers.customers import customer_by_id
from resolvers.errors import NotFoundError
from resolvers.invoices import invoice_by_id
from resolvers.payment_methods import payment_method_by_id
from resolvers.payments import charge_by_id, payment_intent_by_id, refund_by_id
from resolvers.policy import authenticated
from resolvers.subscriptions import subscription_by_id
from stripe_gateway.ids import IdKind, kind_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from resolvers.context import RequestContext
    from stripe_gateway.records import (
        Charge,
        Customer,
        Invoice,
        PaymentIntent,
        PaymentMethod,
        Price,
        Product,
        Refund,
        Subscription,
    )

    NodeRecord = (
        Customer | Subscription | Invoice | PaymentMethod | Price | Product | Charge | PaymentIntent | Refund
    )


def _customer(ctx: RequestContext, customer_id: str) -> Awaitable[Customer]:
    return customer_by_id(ctx, customer_id)


_BY_KIND: dict[IdKind, Callable[[RequestContext, str], Awaitable[NodeRecord]]] = {
    IdKind.CUSTOMER: _customer,
    IdKind.SUBSCRIPTION: subscription_by_id,
    IdKind.INVOICE: invoice_by_id,
    IdKind.PAYMENT_METHOD: payment_method_by_id,
    IdKind.PRICE: price_by_id,
    IdKind.CHARGE: charge_by_id,
    IdKind.PAYMENT_INTENT: payment_intent_by_id,
    IdKind.REFUND: refund_by_id,
}


async def resolve_node(ctx: RequestContext, node_id: str, *, with_default_price: bool = False) -> NodeRecord:
    """`with_default_price`: a product is read with its default price in the same Stripe call."""
    authenticated(ctx)
    kind = kind_of(node_id)
    if kind is IdKind.PRODUCT:
        return await product_by_id(ctx, node_id, with_default_price=with_default_price)
    fetch = _BY_KIND.get(kind) if kind is not None else None
    if fetch is None:
        raise NotFoundError(node_id)
    return await fetch(ctx, node_id)

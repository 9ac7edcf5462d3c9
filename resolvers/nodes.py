"""`node(id:)`: any object by its Stripe id, routed by the id's prefix, under the same checks as its field."""

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


_BY_PREFIX: dict[str, Callable[[RequestContext, str], Awaitable[NodeRecord]]] = {
    "cus_": _customer,
    "sub_": subscription_by_id,
    "in_": invoice_by_id,
    "pm_": payment_method_by_id,
    "price_": price_by_id,
    "ch_": charge_by_id,
    "pi_": payment_intent_by_id,
    "re_": refund_by_id,
}
_PRODUCT_PREFIX = "prod_"


async def resolve_node(ctx: RequestContext, node_id: str, *, with_default_price: bool = False) -> NodeRecord:
    """`with_default_price`: a product is read with its default price in the same Stripe call."""
    authenticated(ctx)
    prefix = node_id[: node_id.find("_") + 1]
    if prefix == _PRODUCT_PREFIX:
        return await product_by_id(ctx, node_id, with_default_price=with_default_price)
    fetch = _BY_PREFIX.get(prefix)
    if fetch is None:
        raise NotFoundError(node_id)
    return await fetch(ctx, node_id)

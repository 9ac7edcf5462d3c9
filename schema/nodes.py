"""Mapping any record `node(id:)` found to its GraphQL type."""

from collections.abc import Callable
from typing import Any

from schema.catalog import Price, Product
from schema.customers import Customer
from schema.invoices import Invoice
from schema.node import Node
from schema.payment_methods import PaymentMethod
from schema.payments import Charge, PaymentIntent, Refund
from schema.subscriptions import Subscription
from stripe_gateway import records

_TYPES: dict[type, Callable[[Any], Node]] = {
    records.Customer: Customer.of,
    records.Subscription: Subscription.of,
    records.Invoice: Invoice.of,
    records.PaymentMethod: PaymentMethod.of,
    records.Price: Price.of,
    records.Product: Product.of,
    records.Charge: Charge.of,
    records.PaymentIntent: PaymentIntent.of,
    records.Refund: Refund.of,
}


def as_node(record: object) -> Node:
    return _TYPES[type(record)](record)

"""Reads whose JSON the gateway reads in place (`convert.read_as`) give the records the SDK's objects give.

Each answer is fetched once and turned into records both ways: through the SDK's objects, as the other
calls are, and read in place, as the hot reads are. Nothing but the way of reading differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import stripe

from stripe_gateway import convert

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.gateway.conftest import Account, Catalog, Subscribed


async def both_ways(
    client: stripe.StripeClient,
    path: str,
    kind: type[Any],
    to_record: Callable[[Any], Any],
    *,
    method: str = "get",
    **query: Any,
) -> Any:
    response = await client.raw_request_async(method, path, **query)
    from_objects = to_record(client.deserialize(response, api_mode="V1"))
    in_place = to_record(convert.read_as(kind, response.data))

    assert in_place == from_objects
    return in_place


def each(to_record: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda page: (tuple(to_record(found) for found in page.data), page.has_more)


async def test_a_customer_with_its_subscriptions(
    stripe_admin: stripe.StripeClient, subscribed: Subscribed
) -> None:
    customer = await both_ways(
        stripe_admin,
        f"/v1/customers/{subscribed.customer_id}",
        stripe.Customer,
        convert.customer,
        expand=["subscriptions"],
    )

    assert [s.id for s in customer.subscriptions] == [subscribed.subscription_id]
    assert customer.default_payment_method_id is not None


async def test_lists_of_customers_subscriptions_invoices_and_payment_methods(
    stripe_admin: stripe.StripeClient, subscribed: Subscribed, account: Account
) -> None:
    owner = subscribed.customer_id

    customers, _ = await both_ways(
        stripe_admin,
        "/v1/customers",
        stripe.ListObject,
        each(convert.customer),
        email=account.email,
        expand=["data.subscriptions"],
    )
    subscriptions, _ = await both_ways(
        stripe_admin, "/v1/subscriptions", stripe.ListObject, each(convert.subscription), customer=owner
    )
    invoices, _ = await both_ways(
        stripe_admin,
        "/v1/invoices",
        stripe.ListObject,
        each(convert.invoice),
        customer=owner,
        expand=["data.payments"],
    )
    methods, _ = await both_ways(
        stripe_admin, "/v1/payment_methods", stripe.ListObject, each(convert.payment_method), customer=owner
    )

    assert [c.id for c in customers] == [owner]
    assert [s.id for s in subscriptions] == [subscribed.subscription_id]
    assert [i.id for i in invoices] == [subscribed.invoice_id]
    assert invoices[0].lines
    assert invoices[0].payments
    assert [m.card.last4 for m in methods if m.card is not None] == ["4242"]


async def test_the_catalog_and_products_with_their_default_prices(
    stripe_admin: stripe.StripeClient, catalog: Catalog
) -> None:
    prices, _ = await both_ways(
        stripe_admin,
        "/v1/prices",
        stripe.ListObject,
        each(convert.price),
        product=catalog.product_id,
        expand=["data.product"],
    )
    products, _ = await both_ways(
        stripe_admin,
        "/v1/products",
        stripe.ListObject,
        each(convert.product),
        ids=[catalog.product_id],
        expand=["data.default_price"],
    )

    assert {p.id for p in prices} == {catalog.basic_price_id, catalog.pro_price_id}
    assert all(p.product is not None and p.product.metadata == {"suite": "gateway"} for p in prices)
    [product] = products
    assert product.default_price is not None


async def test_a_preview_of_the_next_invoice(
    stripe_admin: stripe.StripeClient, subscribed: Subscribed
) -> None:
    preview = await both_ways(
        stripe_admin,
        "/v1/invoices/create_preview",
        stripe.Invoice,
        convert.invoice,
        method="post",
        customer=subscribed.customer_id,
        subscription=subscribed.subscription_id,
    )

    assert preview.total == 1000
    assert preview.subscription_id == subscribed.subscription_id

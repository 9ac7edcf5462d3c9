"""Catalog: products batched by ids, prices by id, and the catalog of prices with their products."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import NotFound
from stripe_gateway.records import Interval, Price, PriceType, Recurring

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Catalog, Sandbox


async def test_list_products_returns_the_asked_products_in_order(
    gateway: StripeGateway, catalog: Catalog
) -> None:
    products = await gateway.list_products(
        [catalog.addon_product_id, "prod_doesnotexist0", catalog.product_id]
    )

    assert [p.id for p in products] == [catalog.addon_product_id, catalog.product_id]
    assert products[1].name.startswith("Contract Pro")
    assert products[1].active is True
    assert products[1].metadata == {"suite": "gateway"}


@pytest.mark.sandbox_only
async def test_list_products_is_one_call_for_up_to_a_hundred_ids(
    gateway: StripeGateway, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.reset_calls()

    products = await gateway.list_products([catalog.product_id, catalog.addon_product_id, catalog.product_id])

    assert {p.id for p in products} == {catalog.product_id, catalog.addon_product_id}
    assert len(products) == 2
    assert sandbox_knobs.calls("GET /v1/products") == 1


@pytest.mark.sandbox_only
async def test_list_products_splits_more_than_a_hundred_ids_into_calls_of_a_hundred(
    gateway: StripeGateway, catalog: Catalog, sandbox_knobs: Sandbox
) -> None:
    unknown = [f"prod_unknown{n:04d}" for n in range(150)]
    sandbox_knobs.reset_calls()

    products = await gateway.list_products([*unknown, catalog.product_id])

    assert [p.id for p in products] == [catalog.product_id]
    assert sandbox_knobs.calls("GET /v1/products") == 2


async def test_list_products_of_no_ids_makes_no_call(gateway: StripeGateway) -> None:
    assert await gateway.list_products([]) == ()


async def test_retrieve_price(gateway: StripeGateway, catalog: Catalog) -> None:
    price = await gateway.retrieve_price(catalog.basic_price_id)

    assert price == Price(
        id=catalog.basic_price_id,
        product_id=catalog.product_id,
        active=True,
        currency="usd",
        unit_amount=1000,
        type=PriceType.RECURRING,
        recurring=Recurring(Interval.MONTH, 1),
        lookup_key=catalog.basic_lookup_key,
        nickname="Basic monthly",
    )


async def test_retrieve_missing_price_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_price("price_doesnotexist0")

    assert raised.value.code == "resource_missing"


async def test_the_catalog_is_every_active_recurring_price_with_its_product(
    gateway: StripeGateway, catalog: Catalog, stripe_admin: stripe.StripeClient
) -> None:
    v1 = stripe_admin.v1
    await v1.prices.create_async({"product": catalog.product_id, "currency": "usd", "unit_amount": 500})
    await v1.prices.create_async(
        {
            "product": catalog.product_id,
            "currency": "usd",
            "unit_amount": 2000,
            "recurring": {"interval": "month"},
            "active": False,
        }
    )

    prices = await gateway.list_catalog_prices()

    ours = {price.id: price for price in prices if price.product_id == catalog.product_id}
    assert set(ours) == {catalog.basic_price_id, catalog.pro_price_id}
    basic = ours[catalog.basic_price_id]
    assert basic.product is not None
    assert (basic.product.id, basic.product.metadata) == (catalog.product_id, {"suite": "gateway"})
    assert basic.product.name.startswith("Contract Pro")
    assert all(price.product is not None and price.product.id == price.product_id for price in prices)


@pytest.mark.sandbox_only
async def test_the_catalog_pages_on_while_stripe_has_more(
    gateway: StripeGateway, catalog: Catalog, stripe_admin: stripe.StripeClient, sandbox_knobs: Sandbox
) -> None:
    created = await asyncio.gather(
        *(
            stripe_admin.v1.prices.create_async(
                {
                    "product": catalog.addon_product_id,
                    "currency": "usd",
                    "unit_amount": 100 + n,
                    "recurring": {"interval": "month"},
                }
            )
            for n in range(100)
        )
    )
    sandbox_knobs.reset_calls()

    prices = await gateway.list_catalog_prices()

    ours = [price for price in prices if price.product_id == catalog.addon_product_id]
    assert {price.id for price in ours} == {price.id for price in created}
    # The next page keeps the expansion: every price comes with its product, on either page.
    assert all(price.product is not None and price.product.id == catalog.addon_product_id for price in ours)
    assert sandbox_knobs.all_calls() == {"GET /v1/prices": 2}


async def test_list_products_with_their_default_prices(
    gateway: StripeGateway, catalog: Catalog, stripe_admin: stripe.StripeClient
) -> None:
    await stripe_admin.v1.products.update_async(catalog.product_id, {"default_price": catalog.pro_price_id})

    [plain] = await gateway.list_products([catalog.product_id])
    product, addon = await gateway.list_products(
        [catalog.product_id, catalog.addon_product_id], with_default_price=True
    )

    assert (plain.default_price_id, plain.default_price) == (catalog.pro_price_id, None)
    assert product.default_price_id == catalog.pro_price_id
    assert product.default_price == await gateway.retrieve_price(catalog.pro_price_id)
    assert (addon.default_price_id, addon.default_price) == (None, None)


@pytest.mark.sandbox_only
async def test_list_products_with_their_default_prices_is_one_call(
    gateway: StripeGateway, catalog: Catalog, stripe_admin: stripe.StripeClient, sandbox_knobs: Sandbox
) -> None:
    await stripe_admin.v1.products.update_async(catalog.product_id, {"default_price": catalog.pro_price_id})
    sandbox_knobs.reset_calls()

    products = await gateway.list_products(
        [catalog.product_id, catalog.addon_product_id], with_default_price=True
    )

    assert [p.default_price is not None for p in products] == [True, False]
    assert sandbox_knobs.all_calls() == {"GET /v1/products": 1}

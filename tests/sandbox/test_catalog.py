"""Products and prices: retrieval, the filters dataloaders batch on, creation for tests."""

from __future__ import annotations

import pytest
import stripe


async def test_a_products_first_price_becomes_its_default(stripe_client: stripe.StripeClient) -> None:
    product = await stripe_client.v1.products.create_async({"name": "Team", "description": "For teams"})
    assert product.default_price is None

    first = await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 4900, "recurring": {"interval": "month"}}
    )
    await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 49000, "recurring": {"interval": "year"}}
    )

    fetched = await stripe_client.v1.products.retrieve_async(product.id)
    assert fetched.default_price == first.id
    assert (first.type, first.unit_amount, first.currency) == ("recurring", 4900, "usd")
    assert first.recurring is not None
    assert (first.recurring.interval, first.recurring.interval_count) == ("month", 1)


async def test_products_list_by_ids_in_one_call(stripe_client: stripe.StripeClient) -> None:
    made = [(await stripe_client.v1.products.create_async({"name": f"P{i}"})).id for i in range(3)]

    listed = await stripe_client.v1.products.list_async({"ids": [made[0], made[2]], "limit": 2})

    assert sorted(p.id for p in listed.data) == sorted([made[0], made[2]])
    assert listed.has_more is False


async def test_ids_cannot_be_combined_with_a_cursor(stripe_client: stripe.StripeClient) -> None:
    product = await stripe_client.v1.products.create_async({"name": "Solo"})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.products.list_async({"ids": [product.id], "starting_after": product.id})

    assert raised.value.param == "ids"


async def test_products_list_by_active(stripe_client: stripe.StripeClient) -> None:
    retired = await stripe_client.v1.products.create_async({"name": "Legacy"})
    await stripe_client.v1.products.update_async(retired.id, {"active": False})

    inactive = await stripe_client.v1.products.list_async({"active": False, "limit": 100})
    active = await stripe_client.v1.products.list_async({"active": True, "limit": 100})

    assert retired.id in [p.id for p in inactive.data]
    assert retired.id not in [p.id for p in active.data]


async def test_a_product_update_sets_fields_and_the_default_price(stripe_client: stripe.StripeClient) -> None:
    product = await stripe_client.v1.products.create_async({"name": "Old"})
    first = await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 100}
    )
    second = await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 200}
    )

    updated = await stripe_client.v1.products.update_async(
        product.id, {"name": "New", "default_price": second.id, "metadata": {"tier": "2"}}
    )

    assert (updated.name, updated.default_price) == ("New", second.id)
    assert updated.metadata.to_dict() == {"tier": "2"}
    assert first.type == "one_time"


async def test_prices_list_by_product_active_type_and_lookup_keys(stripe_client: stripe.StripeClient) -> None:
    product = await stripe_client.v1.products.create_async({"name": "Keys"})
    monthly = await stripe_client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "lookup_key": "keys_monthly",
        }
    )
    setup_fee = await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 500, "lookup_key": "keys_setup"}
    )

    by_product = await stripe_client.v1.prices.list_async({"product": product.id})
    by_keys = await stripe_client.v1.prices.list_async({"lookup_keys": ["keys_monthly", "keys_setup"]})
    recurring = await stripe_client.v1.prices.list_async({"product": product.id, "type": "recurring"})
    inactive = await stripe_client.v1.prices.list_async({"product": product.id, "active": False})

    assert [p.id for p in by_product.data] == [setup_fee.id, monthly.id]
    assert sorted(p.id for p in by_keys.data) == sorted([monthly.id, setup_fee.id])
    assert [p.id for p in recurring.data] == [monthly.id]
    assert inactive.data == []


async def test_at_most_ten_lookup_keys(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.prices.list_async({"lookup_keys": [f"k{i}" for i in range(11)]})

    assert raised.value.param == "lookup_keys"


async def test_a_lookup_key_belongs_to_one_price_unless_transferred(
    stripe_client: stripe.StripeClient,
) -> None:
    product = await stripe_client.v1.products.create_async({"name": "Unique"})
    old = await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 100, "lookup_key": "unique"}
    )

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.prices.create_async(
            {"product": product.id, "currency": "usd", "unit_amount": 200, "lookup_key": "unique"}
        )
    assert raised.value.param == "lookup_key"

    new = await stripe_client.v1.prices.create_async(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 200,
            "lookup_key": "unique",
            "transfer_lookup_key": True,
        }
    )
    assert new.lookup_key == "unique"
    assert (await stripe_client.v1.prices.retrieve_async(old.id)).lookup_key is None


async def test_a_price_for_a_missing_product_is_a_404(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.prices.create_async(
            {"product": "prod_nope", "currency": "usd", "unit_amount": 1}
        )

    assert (raised.value.http_status, raised.value.param) == (404, "product")


async def test_a_price_interval_must_be_one_stripe_knows(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.prices.create_async(
            {
                "currency": "usd",
                "unit_amount": 1,
                "product_data": {"name": "X"},
                "recurring": {"interval": "fortnight"},  # type: ignore[typeddict-item]
            }
        )

    assert raised.value.param == "recurring[interval]"

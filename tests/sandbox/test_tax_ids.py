"""Customer tax ids: create, list, retrieve, delete, the customer's `tax_ids` includable, format checks with
Stripe's error, and verification settled by the clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle


async def test_a_tax_id_has_stripes_shape_and_comes_with_the_customer(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    created = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": "DE123456789"}
    )

    assert created.id.startswith("txi_")
    assert (created.object, created.type, created.value, created.country) == (
        "tax_id",
        "eu_vat",
        "DE123456789",
        "DE",
    )
    assert created.customer == customer.id
    assert created.owner is not None
    assert (created.owner.type, created.owner.customer) == ("customer", customer.id)
    assert created.verification is not None
    assert created.verification.status == "pending"
    listed = await stripe_client.v1.customers.tax_ids.list_async(customer.id)
    assert [t.id for t in listed.data] == [created.id]
    expanded = await stripe_client.v1.customers.retrieve_async(customer.id, {"expand": ["tax_ids"]})
    assert expanded.tax_ids is not None
    assert [t.id for t in expanded.tax_ids.data] == [created.id]
    plain = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert "tax_ids" not in plain  # includable: only when expanded


@pytest.mark.parametrize(
    ("tax_type", "value"),
    [("eu_vat", "DE12345"), ("gb_vat", "GB12"), ("us_ein", "1234"), ("au_abn", "123"), ("eu_vat", "XX123")],
)
async def test_a_malformed_value_is_refused_as_stripe_does(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, tax_type: str, value: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.tax_ids.create_async(customer.id, {"type": tax_type, "value": value})

    assert (raised.value.http_status, raised.value.code, raised.value.param) == (
        400,
        "tax_id_invalid",
        "value",
    )
    assert str(raised.value).endswith(f"Invalid value for {tax_type}.")


async def test_an_unknown_type_is_refused(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.tax_ids.create_async(customer.id, {"type": "xx_vat", "value": "1"})

    assert raised.value.param == "type"


async def test_verification_settles_as_time_passes(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, sandbox: SandboxHandle
) -> None:
    verified = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "gb_vat", "value": "GB123456789"}
    )
    unverified = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "eu_vat", "value": "DE111111111"}
    )
    unchecked = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "us_ein", "value": "12-3456789"}
    )
    assert unchecked.verification is not None
    assert unchecked.verification.status == "unavailable"

    sandbox.advance(120)

    statuses = {
        t.id: (t.verification.status if t.verification else None)
        for t in (await stripe_client.v1.customers.tax_ids.list_async(customer.id)).data
    }
    assert statuses == {verified.id: "verified", unverified.id: "unverified", unchecked.id: "unavailable"}
    events = [e["type"] for e in sandbox.state.store.events if e["type"].startswith("customer.tax_id.")]
    assert events.count("customer.tax_id.created") == 3
    assert events.count("customer.tax_id.updated") == 2


async def test_a_deleted_tax_id_is_gone(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    created = await stripe_client.v1.customers.tax_ids.create_async(
        customer.id, {"type": "us_ein", "value": "12-3456789"}
    )

    deleted = await stripe_client.v1.customers.tax_ids.delete_async(customer.id, created.id)

    assert (deleted.id, deleted.deleted) == (created.id, True)
    assert (await stripe_client.v1.customers.tax_ids.list_async(customer.id)).data == []
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.tax_ids.delete_async(customer.id, created.id)
    assert (raised.value.http_status, raised.value.code) == (404, "resource_missing")


async def test_another_customers_tax_id_is_not_found(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    other = await stripe_client.v1.customers.create_async({"name": "Other"})
    created = await stripe_client.v1.customers.tax_ids.create_async(
        other.id, {"type": "us_ein", "value": "12-3456789"}
    )

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.tax_ids.retrieve_async(customer.id, created.id)

    assert raised.value.http_status == 404

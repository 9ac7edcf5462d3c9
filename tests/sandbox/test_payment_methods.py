"""Payment methods: test tokens, attach, detach, listing by customer and type, the customer's default."""

from __future__ import annotations

import pytest
import stripe


async def test_attaching_a_test_token_creates_a_card_for_that_customer(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    first = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": customer.id}
    )
    second = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": customer.id}
    )

    assert first.id != second.id
    assert first.id.startswith("pm_")
    assert first.card is not None
    assert (first.customer, first.type, first.card.brand, first.card.last4) == (
        customer.id,
        "card",
        "mastercard",
        "4444",
    )
    assert second.card is not None
    assert first.card.fingerprint == second.card.fingerprint  # the same test card number


async def test_a_customers_cards_are_listed_newest_first_both_ways(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    amex = await stripe_client.v1.payment_methods.attach_async("pm_card_amex", {"customer": customer.id})
    visa = customer.invoice_settings.default_payment_method

    by_filter = await stripe_client.v1.payment_methods.list_async({"customer": customer.id, "type": "card"})
    by_path = await stripe_client.v1.customers.payment_methods.list_async(customer.id, {"type": "card"})

    assert [p.id for p in by_filter.data] == [amex.id, visa]
    assert [p.id for p in by_path.data] == [amex.id, visa]
    assert by_path.url == f"/v1/customers/{customer.id}/payment_methods"


async def test_listing_cards_of_a_missing_customer_is_a_404(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.payment_methods.list_async("cus_nope")

    assert raised.value.http_status == 404


async def test_detaching_the_default_clears_it_from_the_customer(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    default = customer.invoice_settings.default_payment_method
    assert isinstance(default, str)

    detached = await stripe_client.v1.payment_methods.detach_async(default)

    assert detached.customer is None
    after = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert after.invoice_settings.default_payment_method is None
    listed = await stripe_client.v1.customers.payment_methods.list_async(customer.id)
    assert listed.data == []
    events = await stripe_client.v1.events.list_async(
        {"types": ["payment_method.detached", "customer.updated"]}
    )
    assert [e.type for e in events.data[:2]] == ["customer.updated", "payment_method.detached"]
    assert events.data[1].data.previous_attributes is not None
    assert events.data[1].data.previous_attributes.to_dict() == {"customer": customer.id}


async def test_detaching_a_card_that_is_not_attached_is_refused(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    default = customer.invoice_settings.default_payment_method
    assert isinstance(default, str)
    await stripe_client.v1.payment_methods.detach_async(default)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.payment_methods.detach_async(default)

    assert raised.value.http_status == 400


async def test_a_card_of_one_customer_cannot_be_attached_to_another(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    other = await stripe_client.v1.customers.create_async({"email": "eve@example.com"})
    card = customer.invoice_settings.default_payment_method
    assert isinstance(card, str)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.payment_methods.attach_async(card, {"customer": other.id})

    assert raised.value.http_status == 400


async def test_attach_needs_an_existing_customer(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.payment_methods.attach_async("pm_card_visa", {"customer": "cus_nope"})

    assert (raised.value.http_status, raised.value.param) == (404, "customer")


async def test_a_missing_payment_method_is_a_404(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.payment_methods.retrieve_async("pm_nope")

    assert raised.value.error is not None
    assert raised.value.error.message == "No such PaymentMethod: 'pm_nope'"


async def test_attaching_emits_payment_method_attached(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    card = await stripe_client.v1.payment_methods.attach_async("pm_card_visa", {"customer": customer.id})

    events = await stripe_client.v1.events.list_async({"type": "payment_method.attached", "limit": 1})
    assert events.data[0].data.object["id"] == card.id

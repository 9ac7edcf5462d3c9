"""Customers: create, retrieve, update (incl. the default payment method), list by email, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle


async def test_a_new_customer_has_stripes_defaults(stripe_client: stripe.StripeClient) -> None:
    created = await stripe_client.v1.customers.create_async({"email": "new@example.com", "name": "New"})

    assert created.id.startswith("cus_")
    assert (created.email, created.name, created.phone, created.address) == (
        "new@example.com",
        "New",
        None,
        None,
    )
    assert (created.balance, created.delinquent, created.livemode, created.tax_exempt) == (
        0,
        False,
        False,
        "none",
    )
    assert created.invoice_settings.default_payment_method is None
    assert created.metadata.to_dict() == {}


async def test_creating_with_a_test_token_attaches_a_card_and_can_make_it_the_default(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    default = customer.invoice_settings.default_payment_method

    assert isinstance(default, str)
    assert default.startswith("pm_")
    assert default != "pm_card_visa"
    card = await stripe_client.v1.payment_methods.retrieve_async(default)
    assert card.customer == customer.id
    assert card.card is not None
    assert (card.card.brand, card.card.last4) == ("visa", "4242")


async def test_update_sets_clears_and_merges_fields(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    await stripe_client.v1.customers.update_async(customer.id, {"metadata": {"a": "1", "b": "2"}})

    updated = await stripe_client.v1.customers.update_async(
        customer.id,
        {
            "name": "Ada King",
            "phone": "+44 20 7946 0000",
            "email": "",
            "metadata": {"b": "", "c": "3"},
            "shipping": {"name": "Ada King", "address": {"line1": "12 St James's Sq", "city": "London"}},
            "preferred_locales": ["en-GB"],
        },
    )

    assert (updated.name, updated.phone, updated.email) == ("Ada King", "+44 20 7946 0000", None)
    assert updated.metadata.to_dict() == {"a": "1", "c": "3"}
    assert updated.shipping is not None
    assert updated.shipping.name == "Ada King"
    assert updated.shipping.address is not None
    assert updated.shipping.address.city == "London"
    assert updated.preferred_locales == ["en-GB"]


async def test_an_update_emits_customer_updated_with_the_previous_values(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    await stripe_client.v1.customers.update_async(customer.id, {"name": "Countess"})

    events = await stripe_client.v1.events.list_async({"type": "customer.updated", "limit": 1})
    event = events.data[0]
    assert event.data.object["id"] == customer.id
    assert event.data.object["name"] == "Countess"
    assert event.data.previous_attributes is not None
    assert event.data.previous_attributes.to_dict() == {"name": "Ada Lovelace"}


async def test_an_update_that_changes_nothing_emits_nothing(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    await stripe_client.v1.customers.update_async(customer.id, {"name": customer.name or ""})

    events = await stripe_client.v1.events.list_async({"type": "customer.updated"})
    assert [e for e in events.data if e.data.object["id"] == customer.id] == []


async def test_the_default_payment_method_must_be_attached_to_that_customer(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    other = await stripe_client.v1.customers.create_async(
        {"email": "other@example.com", "payment_method": "pm_card_amex"}
    )
    others_card = (await stripe_client.v1.customers.payment_methods.list_async(other.id)).data[0]

    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.update_async(
            customer.id, {"invoice_settings": {"default_payment_method": others_card.id}}
        )

    assert raised.value.http_status == 400
    assert raised.value.param == "invoice_settings[default_payment_method]"


async def test_a_default_payment_method_that_does_not_exist_is_a_404(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.update_async(
            customer.id, {"invoice_settings": {"default_payment_method": "pm_nope"}}
        )

    assert (raised.value.http_status, raised.value.code) == (404, "resource_missing")
    assert raised.value.param == "invoice_settings[default_payment_method]"


async def test_switching_and_clearing_the_default_payment_method(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    mastercard = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_mastercard", {"customer": customer.id}
    )

    switched = await stripe_client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": mastercard.id}}
    )
    cleared = await stripe_client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": ""}}
    )

    assert switched.invoice_settings.default_payment_method == mastercard.id
    assert cleared.invoice_settings.default_payment_method is None


async def test_list_filters_by_exact_email(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    await stripe_client.v1.customers.create_async({"email": "ADA@example.com"})

    listed = await stripe_client.v1.customers.list_async({"email": "ada@example.com"})

    assert [c.id for c in listed.data] == [customer.id]


async def test_a_deleted_customer_reads_as_deleted_and_cannot_be_updated(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    deleted = await stripe_client.v1.customers.delete_async(customer.id)

    assert (deleted.id, deleted.deleted) == (customer.id, True)
    fetched = await stripe_client.v1.customers.retrieve_async(customer.id)
    assert fetched["deleted"] is True
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.update_async(customer.id, {"name": "x"})
    assert raised.value.http_status == 404
    listed = await stripe_client.v1.customers.list_async({"email": "ada@example.com"})
    assert listed.data == []


async def test_creation_emits_customer_created(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, customer: stripe.Customer
) -> None:
    events = await stripe_client.v1.events.list_async(
        {"types": ["customer.created", "payment_method.attached"], "limit": 2}
    )

    attached, created = events.data  # newest first: the card is attached once the customer exists
    assert (attached.type, attached.data.object["customer"]) == ("payment_method.attached", customer.id)
    assert (created.type, created.data.object["id"]) == ("customer.created", customer.id)
    card = customer.invoice_settings.default_payment_method
    assert created.data.object["invoice_settings"]["default_payment_method"] == card
    assert sandbox.state.store.events[-1]["id"] == attached.id


async def test_deleting_a_customer_cancels_its_subscriptions(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, subscription: stripe.Subscription
) -> None:
    await stripe_client.v1.customers.delete_async(customer.id)

    ended = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert ended.status == "canceled"
    events = await stripe_client.v1.events.list_async(
        {"types": ["customer.deleted", "customer.subscription.deleted"]}
    )
    assert [e.type for e in events.data[:2]] == ["customer.deleted", "customer.subscription.deleted"]


async def test_a_refused_creation_leaves_nothing_behind(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.create_async(
            {
                "email": "half@example.com",
                "payment_method": "pm_card_visa",
                "invoice_settings": {"default_payment_method": "pm_nope"},
            }
        )

    assert raised.value.param == "invoice_settings[default_payment_method]"
    assert (await stripe_client.v1.customers.list_async({"email": "half@example.com"})).data == []
    assert (
        await stripe_client.v1.events.list_async({"type": "payment_method.attached", "limit": 100})
    ).data == []


async def test_shipping_is_set_whole_without_a_phone_and_cleared_with_an_empty_string(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    shipped = await stripe_client.v1.customers.update_async(
        customer.id,
        {"shipping": {"name": "Ada King", "phone": "", "address": {"line1": "1 Main St", "country": "GB"}}},
    )
    cleared = await stripe_client.v1.customers.update_async(customer.id, {"shipping": ""})

    assert shipped.shipping is not None
    assert (shipped.shipping.name, shipped.shipping.phone) == ("Ada King", None)
    assert shipped.shipping.address is not None
    assert (shipped.shipping.address.line1, shipped.shipping.address.city) == ("1 Main St", None)
    assert cleared.shipping is None


async def test_shipping_needs_a_name(stripe_client: stripe.StripeClient, customer: stripe.Customer) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.customers.update_async(
            customer.id, {"shipping": {"address": {"line1": "1 Main St"}}}
        )

    assert (raised.value.http_status, raised.value.param) == (400, "shipping[name]")

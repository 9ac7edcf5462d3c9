"""Customers: retrieve (with subscriptions expanded), list in one call, update, default payment method."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import IdempotencyConflict, InvalidRequest, NotFound
from stripe_gateway.records import (
    Address,
    CustomerUpdate,
    SubscriptionStatus,
    TaxIdType,
    TaxIdVerificationStatus,
)

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Account, Catalog, Sandbox, Subscribed


async def test_retrieve_customer_returns_the_record(gateway: StripeGateway, account: Account) -> None:
    customer = await gateway.retrieve_customer(account.customer_id)

    assert customer.id == account.customer_id
    assert customer.email == account.email
    assert customer.name == "Ada Contract"
    assert customer.default_payment_method_id == account.payment_method_id
    assert customer.metadata == {"suite": "gateway"}
    assert customer.balance == 0
    assert customer.subscriptions is None
    assert customer.delinquent is False


async def test_retrieve_customer_with_subscriptions_expands_them(
    gateway: StripeGateway, subscribed: Subscribed, catalog: Catalog
) -> None:
    customer = await gateway.retrieve_customer(subscribed.customer_id, with_subscriptions=True)

    assert customer.subscriptions is not None
    assert [s.id for s in customer.subscriptions] == [subscribed.subscription_id]
    assert customer.subscriptions[0].status is SubscriptionStatus.ACTIVE
    assert customer.subscriptions[0].items[0].price.id == catalog.basic_price_id


@pytest.mark.sandbox_only  # Stripe notices a passed due date within the hour, the sandbox at once
async def test_a_customer_with_an_open_invoice_past_its_due_date_is_delinquent(
    gateway: StripeGateway, account: Account, stripe_admin: stripe.StripeClient
) -> None:
    customer_id = account.customer_id
    await stripe_admin.v1.invoice_items.create_async(
        {"customer": customer_id, "amount": 500, "currency": "usd"}
    )
    draft = await stripe_admin.v1.invoices.create_async(
        {
            "customer": customer_id,
            "collection_method": "send_invoice",
            "days_until_due": 0,
            "pending_invoice_items_behavior": "include",
        }
    )
    assert draft.id is not None
    await stripe_admin.v1.invoices.finalize_invoice_async(draft.id)

    customer = await gateway.retrieve_customer(customer_id)

    assert customer.delinquent is True


async def test_retrieve_missing_customer_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_customer("cus_doesnotexist00")

    assert raised.value.code == "resource_missing"
    assert raised.value.param == "id"
    assert (raised.value.request_id or "").startswith("req_")


async def test_retrieve_deleted_customer_is_not_found(
    gateway: StripeGateway, account: Account, stripe_admin: stripe.StripeClient
) -> None:
    await stripe_admin.v1.customers.delete_async(account.customer_id)

    with pytest.raises(NotFound) as raised:
        await gateway.retrieve_customer(account.customer_id)

    assert raised.value.code == "resource_missing"


@pytest.mark.sandbox_only
async def test_list_customers_with_subscriptions_is_one_call(
    gateway: StripeGateway, subscribed: Subscribed, account: Account, sandbox_knobs: Sandbox
) -> None:
    sandbox_knobs.reset_calls()

    page = await gateway.list_customers(limit=10, email=account.email, with_subscriptions=True)

    assert [c.id for c in page.data] == [subscribed.customer_id]
    assert page.has_more is False
    subscriptions = page.data[0].subscriptions
    assert subscriptions is not None
    assert [s.id for s in subscriptions] == [subscribed.subscription_id]
    assert sandbox_knobs.calls("GET /v1/customers") == 1
    assert sandbox_knobs.calls("GET /v1/subscriptions") == 0


async def test_list_customers_pages_with_starting_after(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, tag: str
) -> None:
    email = f"pages+{tag}@example.com"
    older = await stripe_admin.v1.customers.create_async({"email": email, "name": "Older"})
    newer = await stripe_admin.v1.customers.create_async({"email": email, "name": "Newer"})

    first = await gateway.list_customers(limit=1, email=email)
    second = await gateway.list_customers(limit=1, email=email, starting_after=first.data[0].id)

    # Newest first; two customers created in the same second may come in either order.
    assert {first.data[0].id, second.data[0].id} == {older.id, newer.id}
    assert (len(first.data), first.has_more, len(second.data), second.has_more) == (1, True, 1, False)
    assert first.data[0].subscriptions is None


async def test_list_customers_with_an_invalid_limit_is_an_invalid_request(gateway: StripeGateway) -> None:
    with pytest.raises(InvalidRequest) as raised:
        await gateway.list_customers(limit=1000)

    assert type(raised.value) is InvalidRequest
    assert raised.value.param == "limit"
    assert raised.value.request_id is not None


async def test_update_customer_changes_only_the_given_fields(
    gateway: StripeGateway, account: Account
) -> None:
    changes = CustomerUpdate(
        name="Ada Lovelace", address=Address(line1="12 St James's Square", city="London", country="GB")
    )

    customer = await gateway.update_customer(account.customer_id, changes, idempotency_key="update-1")

    assert customer.name == "Ada Lovelace"
    assert customer.email == account.email
    assert customer.address == Address(
        line1="12 St James's Square", line2=None, city="London", state=None, postal_code=None, country="GB"
    )
    assert (await gateway.retrieve_customer(account.customer_id)).name == "Ada Lovelace"


async def test_update_customer_reusing_a_key_with_other_changes_is_a_conflict(
    gateway: StripeGateway, account: Account
) -> None:
    await gateway.update_customer(account.customer_id, CustomerUpdate(name="First"), idempotency_key="same")

    with pytest.raises(IdempotencyConflict) as raised:
        await gateway.update_customer(
            account.customer_id, CustomerUpdate(name="Second"), idempotency_key="same"
        )

    assert raised.value.code == "idempotency_error"
    assert raised.value.request_id is not None
    assert (await gateway.retrieve_customer(account.customer_id)).name == "First"


async def test_the_same_key_on_two_operations_never_collides(
    gateway: StripeGateway, account: Account
) -> None:
    await gateway.update_customer(account.customer_id, CustomerUpdate(name="Renamed"), idempotency_key="k-1")

    customer = await gateway.set_default_payment_method(
        account.customer_id, account.payment_method_id, idempotency_key="k-1"
    )

    assert customer.name == "Renamed"
    assert customer.default_payment_method_id == account.payment_method_id


async def test_set_default_payment_method(gateway: StripeGateway, account: Account) -> None:
    card = await gateway.attach_payment_method(
        "pm_card_mastercard", account.customer_id, idempotency_key="mc"
    )

    customer = await gateway.set_default_payment_method(
        account.customer_id, card.id, idempotency_key="default"
    )

    assert customer.default_payment_method_id == card.id
    assert (await gateway.retrieve_customer(account.customer_id)).default_payment_method_id == card.id


async def test_set_default_to_a_missing_payment_method_is_not_found(
    gateway: StripeGateway, account: Account
) -> None:
    with pytest.raises(NotFound) as raised:
        await gateway.set_default_payment_method(
            account.customer_id, "pm_doesnotexist00", idempotency_key="x"
        )

    assert raised.value.code == "resource_missing"
    assert raised.value.param == "invoice_settings[default_payment_method]"


async def test_tax_ids_come_with_every_read_of_a_customer(gateway: StripeGateway, account: Account) -> None:
    created = await gateway.create_tax_id(
        account.customer_id, TaxIdType.EU_VAT, "DE123456789", idempotency_key=f"tax-{account.customer_id}"
    )
    again = await gateway.create_tax_id(
        account.customer_id, TaxIdType.EU_VAT, "DE123456789", idempotency_key=f"tax-{account.customer_id}"
    )

    customer = await gateway.retrieve_customer(account.customer_id)
    with_subscriptions = await gateway.retrieve_customer(account.customer_id, with_subscriptions=True)

    assert again.id == created.id  # the same key: the same tax id
    assert (created.type, created.value, created.country) == (TaxIdType.EU_VAT, "DE123456789", "DE")
    assert created.verification_status is TaxIdVerificationStatus.PENDING
    assert customer.tax_ids is not None
    assert [t.id for t in customer.tax_ids] == [created.id]
    assert with_subscriptions.tax_ids == customer.tax_ids
    await gateway.delete_tax_id(account.customer_id, created.id)
    assert (await gateway.retrieve_customer(account.customer_id)).tax_ids == ()
    with pytest.raises(NotFound):
        await gateway.delete_tax_id(account.customer_id, created.id)


async def test_an_invalid_tax_id_is_refused_with_stripes_code(
    gateway: StripeGateway, account: Account
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        await gateway.create_tax_id(
            account.customer_id, TaxIdType.GB_VAT, "GB12", idempotency_key="tax-invalid"
        )

    assert (raised.value.code, raised.value.param) == ("tax_id_invalid", "value")

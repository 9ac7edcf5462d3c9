"""`customer.delinquent`, as Stripe keeps it: set by a failed payment or a due date passing on an open
invoice, cleared by paying an invoice or marking one uncollectible, each change a `customer.updated`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_sandbox import seed
from tests.sandbox.test_billing_renewals import PERIOD, customer_with, price

if TYPE_CHECKING:
    import stripe

    from tests.fixtures.sandbox import SandboxHandle

DAY = 86_400


async def delinquent(stripe_client: stripe.StripeClient, customer: str) -> bool | None:
    return (await stripe_client.v1.customers.retrieve_async(customer)).delinquent


def delinquency_changes(sandbox: SandboxHandle, customer: str) -> list[bool]:
    return [
        event["data"]["object"]["delinquent"]
        for event in sandbox.state.store.events
        if event["type"] == "customer.updated"
        and event["data"]["object"]["id"] == customer
        and "delinquent" in event["data"]["previous_attributes"]
    ]


async def sent_invoice(stripe_client: stripe.StripeClient, customer: str, *, days_until_due: int) -> str:
    await stripe_client.v1.invoice_items.create_async(
        {"customer": customer, "amount": 5000, "currency": "usd", "description": "Workshop"}
    )
    draft = await stripe_client.v1.invoices.create_async(
        {
            "customer": customer,
            "collection_method": "send_invoice",
            "days_until_due": days_until_due,
            "pending_invoice_items_behavior": "include",
        }
    )
    assert draft.id is not None
    await stripe_client.v1.invoices.finalize_invoice_async(draft.id)
    return draft.id


async def test_a_declined_renewal_makes_the_customer_delinquent_until_an_invoice_is_paid(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "delinquent@example.com")
    good = (await stripe_client.v1.customers.retrieve_async(customer)).invoice_settings.default_payment_method
    assert isinstance(good, str)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, 1000)}]}
    )
    declining = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer}
    )
    await stripe_client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": declining.id}}
    )
    assert await delinquent(stripe_client, customer) is False

    sandbox.advance(PERIOD)

    assert await delinquent(stripe_client, customer) is True
    renewal = (await stripe_client.v1.subscriptions.retrieve_async(subscription.id)).latest_invoice
    await stripe_client.v1.invoices.pay_async(str(renewal), {"payment_method": good})
    assert await delinquent(stripe_client, customer) is False
    assert delinquency_changes(sandbox, customer) == [True, False]


async def test_an_open_invoice_past_its_due_date_makes_the_customer_delinquent(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "overdue@example.com")
    invoice = await sent_invoice(stripe_client, customer, days_until_due=7)

    sandbox.advance(7 * DAY - 1)
    assert await delinquent(stripe_client, customer) is False
    sandbox.advance(1)
    assert await delinquent(stripe_client, customer) is True

    await stripe_client.v1.invoices.mark_uncollectible_async(invoice)
    assert await delinquent(stripe_client, customer) is False
    sandbox.advance(30 * DAY)  # the due date passed before the invoice was closed: no change since
    assert await delinquent(stripe_client, customer) is False
    assert delinquency_changes(sandbox, customer) == [True, False]


async def test_paying_another_invoice_after_a_due_date_clears_delinquency_as_the_later_change(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "later@example.com")
    await sent_invoice(stripe_client, customer, days_until_due=1)
    other = await sent_invoice(stripe_client, customer, days_until_due=30)
    sandbox.advance(2 * DAY)
    assert await delinquent(stripe_client, customer) is True

    await stripe_client.v1.invoices.pay_async(other)

    assert await delinquent(stripe_client, customer) is False
    sandbox.advance(DAY)
    assert await delinquent(stripe_client, customer) is False


async def test_the_demo_has_a_delinquent_customer_with_no_subscription_and_an_overdue_one_off_invoice(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    [ethan] = (await stripe_client.v1.customers.list_async({"email": seed.ONE_OFF_CUSTOMER_EMAIL})).data
    [invoice] = (await stripe_client.v1.invoices.list_async({"customer": ethan.id})).data
    subscriptions = await stripe_client.v1.subscriptions.list_async({"customer": ethan.id, "status": "all"})

    assert ethan.delinquent is True
    assert (invoice.status, invoice.parent, subscriptions.data) == ("open", None, [])
    assert invoice.due_date is not None
    assert invoice.due_date < sandbox.now()


@pytest.mark.parametrize(
    ("email", "expected"),
    [(seed.PAST_DUE_CUSTOMER_EMAIL, True), (seed.DEMO_CUSTOMER_EMAIL, False)],
)
async def test_the_demo_customer_whose_renewal_was_declined_is_delinquent(
    stripe_client: stripe.StripeClient, email: str, *, expected: bool
) -> None:
    [customer] = (await stripe_client.v1.customers.list_async({"email": email})).data
    assert customer.delinquent is expected

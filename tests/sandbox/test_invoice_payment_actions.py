"""Paying an open invoice with a chosen card, including one that needs 3-D Secure: the invoice's
PaymentIntent waits in `requires_action`, and completing it pays the invoice and revives the subscription."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

from tests.sandbox.test_billing_renewals import PERIOD, customer_with, price

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle


async def _past_due(stripe_client: stripe.StripeClient, sandbox: SandboxHandle) -> tuple[str, str]:
    """A subscription whose renewal was declined: (subscription id, open invoice id)."""
    customer = await customer_with(stripe_client, "late@example.com")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, 1000)}]}
    )
    failing = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer}
    )
    await stripe_client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": failing.id}}
    )
    sandbox.advance(PERIOD)
    past_due = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert past_due.status == "past_due"
    return subscription.id, str(past_due.latest_invoice)


async def test_a_failed_renewal_leaves_its_payment_intent_and_error_on_the_invoice(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    _, invoice_id = await _past_due(stripe_client, sandbox)

    invoice = await stripe_client.v1.invoices.retrieve_async(
        invoice_id, {"expand": ["payments.data.payment.payment_intent"]}
    )

    assert invoice.payments is not None
    [payment] = invoice.payments.data
    intent = payment.payment.payment_intent
    assert isinstance(intent, stripe.PaymentIntent)
    assert (payment.status, intent.status) == ("open", "requires_payment_method")
    assert intent.last_payment_error is not None
    assert (intent.last_payment_error.code, intent.last_payment_error.decline_code) == (
        "card_declined",
        "generic_decline",
    )


@pytest.mark.parametrize(("outcome", "status"), [("complete", "paid"), ("fail", "open")])
async def test_paying_with_a_card_that_needs_authentication_waits_for_it(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, *, outcome: str, status: str
) -> None:
    subscription_id, invoice_id = await _past_due(stripe_client, sandbox)
    invoice = await stripe_client.v1.invoices.retrieve_async(invoice_id)
    card = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_authenticationRequired", {"customer": str(invoice.customer)}
    )

    with pytest.raises(stripe.CardError) as raised:
        await stripe_client.v1.invoices.pay_async(invoice_id, {"payment_method": card.id})
    assert raised.value.code == "invoice_payment_intent_requires_action"
    assert raised.value.error is not None
    assert raised.value.error.payment_intent is not None
    intent_id = raised.value.error.payment_intent.id
    assert raised.value.error.payment_intent.status == "requires_action"
    assert "invoice.payment_action_required" in [e["type"] for e in sandbox.state.store.events]

    sandbox.authenticate(intent_id, outcome)

    after = await stripe_client.v1.invoices.retrieve_async(invoice_id)
    subscription = await stripe_client.v1.subscriptions.retrieve_async(subscription_id)
    assert (after.status, subscription.status) == (status, "active" if status == "paid" else "past_due")
    intent = await stripe_client.v1.payment_intents.retrieve_async(intent_id)
    assert intent.status == ("succeeded" if outcome == "complete" else "requires_payment_method")


async def test_the_browser_confirms_an_invoices_payment_intent_with_its_client_secret(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    subscription_id, invoice_id = await _past_due(stripe_client, sandbox)
    invoice = await stripe_client.v1.invoices.retrieve_async(
        invoice_id, {"expand": ["payments.data.payment.payment_intent"]}
    )
    assert invoice.payments is not None
    intent = invoice.payments.data[0].payment.payment_intent
    assert isinstance(intent, stripe.PaymentIntent)
    http = stripe.HTTPXClient(timeout=10.0)
    browser = stripe.StripeClient(
        "pk_test_sandbox", http_client=http, base_addresses={"api": sandbox.url}, max_network_retries=0
    )

    confirmed = await browser.v1.payment_intents.confirm_async(
        intent.id,
        {"payment_method": "pm_card_visa", "client_secret": intent.client_secret},  # type: ignore[typeddict-unknown-key]
    )
    await http.close_async()

    assert confirmed.status == "succeeded"
    assert (await stripe_client.v1.invoices.retrieve_async(invoice_id)).status == "paid"
    assert (await stripe_client.v1.subscriptions.retrieve_async(subscription_id)).status == "active"

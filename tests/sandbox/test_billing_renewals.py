"""Time passing, through the official SDK: renewals paid or declined, trials ending, mixed periods,
invoice payments, and the first invoice on create."""

from __future__ import annotations

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW, SandboxHandle

PERIOD = 30 * 86_400  # 15 Nov -> 15 Dec, from the frozen SANDBOX_NOW


async def customer_with(stripe_client: stripe.StripeClient, email: str, card: str = "pm_card_visa") -> str:
    customer = await stripe_client.v1.customers.create_async(
        {"email": email, "name": "Katherine Johnson", "payment_method": card}
    )
    payment_method = await stripe_client.v1.payment_methods.list_async({"customer": customer.id})
    await stripe_client.v1.customers.update_async(
        customer.id, {"invoice_settings": {"default_payment_method": payment_method.data[0].id}}
    )
    return customer.id


async def price(stripe_client: stripe.StripeClient, amount: int, interval: str = "month") -> str:
    created = await stripe_client.v1.prices.create_async(
        {
            "currency": "usd",
            "unit_amount": amount,
            "recurring": {"interval": interval},
            "product_data": {"name": "Pro"},
        }
    )
    return created.id


async def test_a_month_later_the_renewal_is_invoiced_and_paid(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "renewal@example.com")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, 1000)}]}
    )

    sandbox.advance(PERIOD + 3600)

    renewed = await stripe_client.v1.subscriptions.retrieve_async(
        subscription.id, {"expand": ["latest_invoice"]}
    )
    item = renewed.items.data[0]
    assert (item.current_period_start, item.current_period_end) == (
        SANDBOX_NOW + PERIOD,
        SANDBOX_NOW + 61 * 86_400,
    )
    invoice = renewed.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == (
        "subscription_cycle",
        "paid",
        1000,
    )
    assert invoice.created == SANDBOX_NOW + PERIOD
    assert invoice.lines.data[0].period.start == SANDBOX_NOW + PERIOD
    assert invoice.lines.data[0].description == "1 \u00d7 Pro (at $10.00 / month)"
    assert invoice.number is not None
    assert invoice.hosted_invoice_url is not None
    assert invoice.status_transitions.paid_at == SANDBOX_NOW + PERIOD
    listed = await stripe_client.v1.invoices.list_async({"customer": customer, "status": "paid"})
    assert [i.billing_reason for i in listed.data] == ["subscription_cycle", "subscription_create"]


async def test_a_declined_renewal_makes_the_subscription_past_due_until_paid(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "declined@example.com")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, 1000)}]}
    )
    good = (await stripe_client.v1.customers.retrieve_async(customer)).invoice_settings.default_payment_method
    assert isinstance(good, str)
    declining = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer}
    )
    await stripe_client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": declining.id}}
    )

    sandbox.advance(PERIOD)

    past_due = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert past_due.status == "past_due"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(past_due.latest_invoice))
    assert (invoice.status, invoice.attempt_count, invoice.amount_remaining) == ("open", 1, 1000)
    types = [event["type"] for event in sandbox.state.store.events]
    assert "invoice.payment_failed" in types

    with pytest.raises(stripe.CardError) as declined:
        await stripe_client.v1.invoices.pay_async(invoice.id)
    assert declined.value.code == "card_declined"
    paid = await stripe_client.v1.invoices.pay_async(invoice.id, {"payment_method": good})

    assert (paid.status, paid.amount_paid, paid.attempt_count) == ("paid", 1000, 3)
    recovered = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert recovered.status == "active"
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.invoices.pay_async(invoice.id)


async def test_invoice_payments_link_invoices_to_payment_intents(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "payments@example.com")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, 2500)}]}
    )
    sandbox.reset_calls()

    invoice = await stripe_client.v1.invoices.retrieve_async(
        str(subscription.latest_invoice), {"expand": ["payments"]}
    )
    listed = await stripe_client.v1.invoice_payments.list_async({"invoice": invoice.id})

    payment = invoice.payments.data[0]
    assert payment.id == listed.data[0].id
    assert (payment.payment.type, payment.amount_paid, payment.status) == ("payment_intent", 2500, "paid")
    assert payment.invoice == invoice.id
    intent = await stripe_client.v1.payment_intents.retrieve_async(str(payment.payment.payment_intent))
    assert (intent.amount, intent.customer) == (2500, customer)
    assert "payments" not in (await stripe_client.v1.invoices.retrieve_async(invoice.id))
    lines = await stripe_client.v1.invoices.line_items.list_async(invoice.id)
    assert [line.amount for line in lines.data] == [2500]
    assert sandbox.calls()["GET /v1/invoices/{id}"] == 2


async def test_items_on_different_intervals_keep_their_own_periods(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "mixed@example.com")
    monthly, yearly = await price(stripe_client, 1000), await price(stripe_client, 50000, "year")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": monthly}, {"price": yearly}]}
    )
    first = await stripe_client.v1.invoices.retrieve_async(str(subscription.latest_invoice))
    assert first.amount_paid == 51000
    ends = {item.price.id: item.current_period_end for item in subscription.items.data}
    assert ends[yearly] - ends[monthly] == 335 * 86_400

    sandbox.advance(PERIOD)

    renewed = await stripe_client.v1.subscriptions.retrieve_async(
        subscription.id, {"expand": ["latest_invoice"]}
    )
    invoice = renewed.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    assert [line.pricing.price_details.price for line in invoice.lines.data] == [monthly]
    assert invoice.amount_paid == 1000
    periods = {
        item.price.id: (item.current_period_start, item.current_period_end) for item in renewed.items.data
    }
    assert periods[yearly] == (SANDBOX_NOW, ends[yearly])
    assert periods[monthly][0] == SANDBOX_NOW + PERIOD

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.create_async(
            {
                "customer": customer,
                "items": [{"price": monthly}, {"price": yearly}],
                "billing_mode": {"type": "classic"},
            }
        )


async def test_a_trial_ends_with_the_first_paid_invoice(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await customer_with(stripe_client, "trial@example.com")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {
            "customer": customer,
            "items": [{"price": await price(stripe_client, 3000)}],
            "trial_period_days": 14,
        }
    )
    trial_end = SANDBOX_NOW + 14 * 86_400
    assert (subscription.status, subscription.trial_end) == ("trialing", trial_end)
    assert subscription.items.data[0].current_period_end == trial_end
    first = await stripe_client.v1.invoices.retrieve_async(str(subscription.latest_invoice))
    assert (first.total, first.status) == (0, "paid")
    assert first.lines.data[0].description == "Trial period for Pro"

    sandbox.advance(15 * 86_400)

    active = await stripe_client.v1.subscriptions.retrieve_async(
        subscription.id, {"expand": ["latest_invoice"]}
    )
    assert active.status == "active"
    assert active.items.data[0].current_period_start == trial_end
    assert isinstance(active.latest_invoice, stripe.Invoice)
    assert active.latest_invoice.amount_paid == 3000


async def test_ending_a_trial_now_bills_at_once(stripe_client: stripe.StripeClient) -> None:
    customer = await customer_with(stripe_client, "trial-now@example.com")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, 3000)}], "trial_period_days": 7}
    )

    ended = await stripe_client.v1.subscriptions.update_async(
        subscription.id, {"trial_end": "now", "expand": ["latest_invoice"]}
    )

    assert (ended.status, ended.trial_end) == ("active", SANDBOX_NOW)
    assert isinstance(ended.latest_invoice, stripe.Invoice)
    assert ended.latest_invoice.amount_paid == 3000
    assert ended.items.data[0].current_period_end == SANDBOX_NOW + PERIOD


async def test_a_declined_first_payment_leaves_the_subscription_incomplete(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await customer_with(stripe_client, "incomplete@example.com", card="pm_card_chargeCustomerFail")
    pro = await price(stripe_client, 3000)

    with pytest.raises(stripe.CardError):
        await stripe_client.v1.subscriptions.create_async(
            {"customer": customer, "items": [{"price": pro}], "payment_behavior": "error_if_incomplete"}
        )
    assert (
        await stripe_client.v1.subscriptions.list_async({"customer": customer, "status": "all"})
    ).data == []

    incomplete = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": pro}]}
    )
    assert incomplete.status == "incomplete"
    invoice = await stripe_client.v1.invoices.retrieve_async(str(incomplete.latest_invoice))
    assert (invoice.status, invoice.amount_due) == ("open", 3000)


async def test_subscription_items_can_be_listed_changed_added_and_removed(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await customer_with(stripe_client, "items@example.com")
    base, seat = await price(stripe_client, 9000), await price(stripe_client, 800)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": base}]}
    )

    added = await stripe_client.v1.subscription_items.create_async(
        {"subscription": subscription.id, "price": seat, "quantity": 2, "proration_behavior": "none"}
    )
    changed = await stripe_client.v1.subscription_items.update_async(
        added.id, {"quantity": 5, "proration_behavior": "none"}
    )
    listed = await stripe_client.v1.subscription_items.list_async({"subscription": subscription.id})
    assert [item.price.id for item in listed.data] == [base, seat]
    assert changed.quantity == 5
    assert changed.plan.amount == 800

    deleted = await stripe_client.v1.subscription_items.delete_async(added.id, {"proration_behavior": "none"})
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.subscription_items.retrieve_async(added.id)
    assert missing.value.code == "resource_missing"

"""Canceling through the official SDK: at period end and back, at a date, now (with prorations), listing."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW, SandboxHandle

PERIOD = 30 * 86_400  # 15 Nov -> 15 Dec, from the frozen SANDBOX_NOW
HALF = SANDBOX_NOW + PERIOD // 2


@pytest.fixture
async def subscribed(stripe_client: stripe.StripeClient) -> stripe.Subscription:
    """A fresh customer on $10/month since SANDBOX_NOW, paying with a Visa card."""
    customer = await stripe_client.v1.customers.create_async(
        {
            "email": "linus@example.com",
            "name": "Linus Pauling",
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    price = await stripe_client.v1.prices.create_async(
        {
            "currency": "usd",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Pro"},
        }
    )
    return await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price.id}]}
    )


def updates_of(sandbox: SandboxHandle, subscription_id: str) -> list[dict[str, Any]]:
    return [
        event["data"]
        for event in sandbox.state.store.events
        if event["type"] == "customer.subscription.updated"
        and event["data"]["object"]["id"] == subscription_id
    ]


async def test_cancel_at_period_end_and_take_it_back(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, subscribed: stripe.Subscription
) -> None:
    period_end = subscribed.items.data[0].current_period_end

    canceling = await stripe_client.v1.subscriptions.update_async(
        subscribed.id,
        {
            "cancel_at_period_end": True,
            "cancellation_details": {"comment": "Too pricey", "feedback": "too_expensive"},
        },
    )

    assert (canceling.status, canceling.cancel_at_period_end, canceling.cancel_at) == (
        "active",
        True,
        period_end,
    )
    assert canceling.canceled_at == SANDBOX_NOW
    details = canceling.cancellation_details
    assert (details.comment, details.feedback, details.reason) == (
        "Too pricey",
        "too_expensive",
        "cancellation_requested",
    )
    previous = updates_of(sandbox, subscribed.id)[-1]["previous_attributes"]
    assert set(previous) == {"cancel_at", "cancel_at_period_end", "canceled_at", "cancellation_details"}
    assert (previous["cancel_at"], previous["cancel_at_period_end"]) == (None, False)
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": subscribed.customer, "pending": True}
    )
    assert pending.data == []

    resumed = await stripe_client.v1.subscriptions.update_async(
        subscribed.id, {"cancel_at_period_end": False}
    )

    assert (resumed.cancel_at_period_end, resumed.cancel_at, resumed.canceled_at) == (False, None, None)
    assert resumed.cancellation_details.feedback is None

    await stripe_client.v1.subscriptions.update_async(subscribed.id, {"cancel_at": "min_period_end"})
    cleared = await stripe_client.v1.subscriptions.update_async(subscribed.id, {"cancel_at": ""})
    assert (cleared.cancel_at, cleared.cancel_at_period_end, cleared.status) == (None, False, "active")

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.update_async(
            subscribed.id, {"cancel_at_period_end": True, "cancel_at": period_end}
        )


async def test_a_subscription_canceling_at_period_end_ends_there(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, subscribed: stripe.Subscription
) -> None:
    period_end = subscribed.items.data[0].current_period_end
    await stripe_client.v1.subscriptions.update_async(subscribed.id, {"cancel_at_period_end": True})

    sandbox.advance(PERIOD + 86_400)

    ended = await stripe_client.v1.subscriptions.retrieve_async(subscribed.id)
    assert (ended.status, ended.ended_at, ended.canceled_at) == ("canceled", period_end, SANDBOX_NOW)
    invoices = await stripe_client.v1.invoices.list_async({"subscription": subscribed.id})
    assert [invoice.billing_reason for invoice in invoices.data] == ["subscription_create"]
    deleted = [
        event["data"]["object"]
        for event in sandbox.state.store.events
        if event["type"] == "customer.subscription.deleted" and event["data"]["object"]["id"] == subscribed.id
    ]
    assert [subscription["ended_at"] for subscription in deleted] == [period_end]


async def test_cancel_at_inside_the_period_credits_the_time_given_up(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, subscribed: stripe.Subscription
) -> None:
    updated = await stripe_client.v1.subscriptions.update_async(subscribed.id, {"cancel_at": HALF})

    assert (updated.cancel_at, updated.cancel_at_period_end) == (HALF, False)
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": subscribed.customer, "pending": True}
    )
    assert [item.amount for item in pending.data] == [-500]

    sandbox.advance(HALF - SANDBOX_NOW)

    ended = await stripe_client.v1.subscriptions.retrieve_async(subscribed.id)
    assert (ended.status, ended.ended_at) == ("canceled", HALF)


async def test_cancel_now_with_prorate_and_invoice_now_credits_the_customer(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, subscribed: stripe.Subscription
) -> None:
    sandbox.advance(HALF - SANDBOX_NOW)

    canceled = await stripe_client.v1.subscriptions.cancel_async(
        subscribed.id,
        {"prorate": True, "invoice_now": True, "cancellation_details": {"feedback": "unused"}},
    )

    assert (canceled.status, canceled.canceled_at, canceled.ended_at) == ("canceled", HALF, HALF)
    assert (canceled.cancellation_details.feedback, canceled.cancellation_details.reason) == (
        "unused",
        "cancellation_requested",
    )
    final = await stripe_client.v1.invoices.retrieve_async(str(canceled.latest_invoice))
    assert [line.amount for line in final.lines.data] == [-500]
    assert (final.total, final.amount_due, final.status, final.ending_balance) == (-500, 0, "paid", -500)
    customer = await stripe_client.v1.customers.retrieve_async(str(subscribed.customer))
    assert customer.balance == -500

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.update_async(subscribed.id, {"cancel_at_period_end": True})
    kept = await stripe_client.v1.subscriptions.update_async(subscribed.id, {"metadata": {"churned": "yes"}})
    assert kept.metadata["churned"] == "yes"


async def test_cancel_now_without_options_leaves_no_invoice(
    stripe_client: stripe.StripeClient, subscribed: stripe.Subscription
) -> None:
    canceled = await stripe_client.v1.subscriptions.cancel_async(subscribed.id)

    assert canceled.status == "canceled"
    assert canceled.latest_invoice == subscribed.latest_invoice
    pending = await stripe_client.v1.invoice_items.list_async(
        {"customer": subscribed.customer, "pending": True}
    )
    assert pending.data == []


async def test_listing_hides_canceled_subscriptions_unless_asked(
    stripe_client: stripe.StripeClient, subscribed: stripe.Subscription
) -> None:
    customer = str(subscribed.customer)
    price = subscribed.items.data[0].price.id
    await stripe_client.v1.subscriptions.cancel_async(subscribed.id)
    second = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": price}]}
    )

    default = await stripe_client.v1.subscriptions.list_async({"customer": customer})
    everything = await stripe_client.v1.subscriptions.list_async({"customer": customer, "status": "all"})
    ended = await stripe_client.v1.subscriptions.list_async({"customer": customer, "status": "ended"})
    by_price = await stripe_client.v1.subscriptions.list_async({"price": price, "status": "all"})

    assert [s.id for s in default.data] == [second.id]
    assert [s.id for s in everything.data] == [second.id, subscribed.id]
    assert [s.id for s in ended.data] == [subscribed.id]
    assert [s.id for s in by_price.data] == [second.id, subscribed.id]
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.subscriptions.list_async({"status": "finished"})  # type: ignore[typeddict-item]
    assert refused.value.param == "status"

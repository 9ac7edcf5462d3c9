"""The demo seed, read through the official SDK: every state a billing page shows, consistent the way a real
Stripe account is, and the same every time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_sandbox import seed
from stripe_sandbox.server import build
from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    import stripe


async def all_subscriptions(client: stripe.StripeClient) -> list[stripe.Subscription]:
    page = await client.v1.subscriptions.list_async({"status": "all", "limit": 100})
    return [subscription async for subscription in page.auto_paging_iter()]


async def test_the_demo_covers_every_subscription_state(stripe_client: stripe.StripeClient) -> None:
    subscriptions = await all_subscriptions(stripe_client)

    assert {"active", "trialing", "past_due", "canceled"} <= {s.status for s in subscriptions}
    assert any(s.cancel_at_period_end and s.status == "active" for s in subscriptions)
    assert any(len(s.items.data) > 1 for s in subscriptions)
    assert any(s.currency == "jpy" for s in subscriptions)
    assert len({s.customer for s in subscriptions}) >= 10
    past_due = next(s for s in subscriptions if s.status == "past_due")
    failed = await stripe_client.v1.invoices.retrieve_async(str(past_due.latest_invoice))
    assert (failed.status, failed.attempt_count) == ("open", 1)


async def test_every_live_subscription_is_in_a_period_containing_now(
    stripe_client: stripe.StripeClient,
) -> None:
    for subscription in await all_subscriptions(stripe_client):
        if subscription.status == "canceled":
            assert subscription.ended_at is not None
            assert subscription.ended_at <= SANDBOX_NOW
            continue
        for item in subscription.items.data:
            assert item.current_period_start <= SANDBOX_NOW < item.current_period_end
            assert item.price.id == item.plan.id


async def test_paid_invoices_add_up_to_the_charges(stripe_client: stripe.StripeClient) -> None:
    invoices = [
        i async for i in (await stripe_client.v1.invoices.list_async({"limit": 100})).auto_paging_iter()
    ]
    charges = [
        c async for c in (await stripe_client.v1.charges.list_async({"limit": 100})).auto_paging_iter()
    ]
    payments = [
        p
        async for p in (
            await stripe_client.v1.invoice_payments.list_async({"limit": 100, "status": "paid"})
        ).auto_paging_iter()
    ]  # an invoice left open also has an open payment: its latest attempt's PaymentIntent

    succeeded = [charge for charge in charges if charge.status == "succeeded"]
    assert sum(invoice.amount_paid for invoice in invoices) == sum(charge.amount for charge in succeeded)
    assert len(invoices) > 50
    intents = {charge.payment_intent: charge.amount for charge in succeeded}
    for payment in payments:
        invoice = next(invoice for invoice in invoices if invoice.id == payment.invoice)
        assert intents[payment.payment.payment_intent] == payment.amount_paid == invoice.amount_paid
    for invoice in invoices:
        assert invoice.subtotal == sum(line.amount for line in invoice.lines.data)
        credited = sum(credit.amount for credit in invoice.total_pretax_credit_amounts or [])
        assert invoice.total == invoice.subtotal - credited
        assert invoice.status in {"paid", "open"}


async def test_the_demo_customer_has_a_year_of_history(stripe_client: stripe.StripeClient) -> None:
    found = await stripe_client.v1.customers.list_async({"email": seed.DEMO_CUSTOMER_EMAIL})
    (customer,) = found.data

    invoices = await stripe_client.v1.invoices.list_async({"customer": customer.id, "limit": 100})
    cards = await stripe_client.v1.payment_methods.list_async({"customer": customer.id, "type": "card"})

    assert len(invoices.data) >= 13
    assert {invoice.status for invoice in invoices.data} == {"paid"}
    assert any(
        line.parent.subscription_item_details.proration for i in invoices.data for line in i.lines.data
    )
    assert len(cards.data) == 2
    assert customer.invoice_settings.default_payment_method in {card.id for card in cards.data}
    assert customer.address is not None


async def test_the_portal_lets_customers_switch_plans_and_cancel(stripe_client: stripe.StripeClient) -> None:
    configurations = await stripe_client.v1.billing_portal.configurations.list_async()
    default = next(c for c in configurations.data if c.is_default)

    features = default.features
    assert len(features.subscription_update.products) == 4  # three plans and the seat add-on
    assert features.subscription_cancel.mode == "at_period_end"
    assert len(features.subscription_cancel.cancellation_reason.options) == 8
    assert set(features.customer_update.allowed_updates) == {
        "email",
        "name",
        "address",
        "phone",
        "shipping",
        "tax_id",
    }
    assert features.invoice_history.enabled
    assert features.payment_method_update.enabled
    assert default.business_profile.headline
    prices = await stripe_client.v1.prices.list_async(
        {"lookup_keys": ["pro_monthly", "pro_yearly", "pro_monthly_jpy"]}
    )
    assert sorted((p.unit_amount, p.currency) for p in prices.data) == [
        (3000, "jpy"),
        (3000, "usd"),
        (30000, "usd"),
    ]


def test_the_demo_is_the_same_every_time_for_the_same_instant() -> None:
    instant = SANDBOX_NOW + 12_345
    seed._built.clear()
    first = build("demo", frozen_at=instant).store
    seed._built.clear()
    second = build("demo", frozen_at=instant).store
    copied = build("demo", frozen_at=instant).store

    assert first.objects == second.objects == copied.objects
    assert first.new_id("x") == second.new_id("x") == copied.new_id("x")
    assert first.events == []


def test_the_empty_seed_is_empty() -> None:
    assert build("empty", frozen_at=SANDBOX_NOW).store.objects == {}

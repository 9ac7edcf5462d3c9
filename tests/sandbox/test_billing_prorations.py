"""Plan changes through the official SDK: previews and the changes they preview, to the cent (and yen)."""

from __future__ import annotations

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW, SandboxHandle

# The clock is frozen at SANDBOX_NOW (15 Nov, 12:00 UTC), so a monthly period ends 15 Dec: 30 days.
PERIOD = 30 * 86_400
HALF = SANDBOX_NOW + PERIOD // 2


async def price(
    client: stripe.StripeClient, amount: int, currency: str = "usd", interval: str = "month"
) -> str:
    created = await client.v1.prices.create_async(
        {
            "currency": currency,
            "unit_amount": amount,
            "recurring": {"interval": interval},
            "product_data": {"name": f"Plan {amount} {currency}"},
        }
    )
    return created.id


async def subscriber(client: stripe.StripeClient, email: str) -> str:
    customer = await client.v1.customers.create_async(
        {
            "email": email,
            "name": "Grace Hopper",
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    return customer.id


def amounts(invoice: stripe.Invoice) -> list[int]:
    return [line.amount for line in invoice.lines.data]


@pytest.mark.parametrize(("currency", "old", "new"), [("usd", 1000, 3000), ("jpy", 1000, 3000)])
async def test_switching_at_half_the_period_previews_and_charges_the_net_proration(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, currency: str, old: int, new: int
) -> None:
    customer = await subscriber(stripe_client, f"half-{currency}@example.com")
    cheap, dear = await price(stripe_client, old, currency), await price(stripe_client, new, currency)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": cheap}]}
    )
    item = subscription.items.data[0]
    assert (item.current_period_start, item.current_period_end) == (SANDBOX_NOW, SANDBOX_NOW + PERIOD)
    sandbox.advance(HALF - SANDBOX_NOW)

    preview = await stripe_client.v1.invoices.create_preview_async(
        {
            "customer": customer,
            "subscription": subscription.id,
            "subscription_details": {
                "items": [{"id": item.id, "price": dear}],
                "proration_behavior": "always_invoice",
                "proration_date": HALF,
            },
        }
    )

    assert preview.id.startswith("upcoming_in")
    assert amounts(preview) == [-500, 1500]
    assert (preview.total, preview.amount_due, preview.currency) == (1000, 1000, currency)
    credit, charge = preview.lines.data
    assert credit.parent.subscription_item_details.proration is True
    assert credit.pricing.price_details.price == cheap
    assert charge.pricing.price_details.price == dear
    assert credit.period.start == HALF
    assert credit.period.end == SANDBOX_NOW + PERIOD
    assert preview.parent.subscription_details.subscription == subscription.id
    sandbox.reset_calls()

    updated = await stripe_client.v1.subscriptions.update_async(
        subscription.id,
        {
            "items": [{"id": item.id, "price": dear}],
            "proration_behavior": "always_invoice",
            "proration_date": HALF,
            "expand": ["latest_invoice.payments"],
        },
    )

    invoice = updated.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_update")
    assert amounts(invoice) == [-500, 1500]
    assert invoice.amount_paid == preview.amount_due
    payment = invoice.payments.data[0]
    assert (payment.status, payment.amount_paid) == ("paid", 1000)
    intent_id = payment.payment.payment_intent
    assert isinstance(intent_id, str)
    intent = await stripe_client.v1.payment_intents.retrieve_async(intent_id)
    assert (intent.amount, intent.currency, intent.status) == (1000, currency, "succeeded")
    assert updated.items.data[0].id == item.id
    assert updated.items.data[0].price.id == dear
    assert sandbox.calls() == {"POST /v1/subscriptions/{id}": 1, "GET /v1/payment_intents/{id}": 1}


async def test_create_prorations_wait_for_the_renewal_invoice(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await subscriber(stripe_client, "later@example.com")
    cheap, dear = await price(stripe_client, 1000), await price(stripe_client, 3000)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": cheap}]}
    )
    item = subscription.items.data[0]
    sandbox.advance(HALF - SANDBOX_NOW)

    await stripe_client.v1.subscriptions.update_async(
        subscription.id, {"items": [{"id": item.id, "price": dear}], "proration_date": HALF}
    )

    pending = await stripe_client.v1.invoice_items.list_async({"customer": customer, "pending": True})
    assert sorted(entry.amount for entry in pending.data) == [-500, 1500]
    assert all(entry.proration for entry in pending.data)
    upcoming = await stripe_client.v1.invoices.create_preview_async(
        {"customer": customer, "subscription": subscription.id}
    )
    assert sorted(amounts(upcoming)) == [-500, 1500, 3000]
    assert upcoming.created == SANDBOX_NOW + PERIOD
    assert upcoming.amount_due == 4000
    # Stripe previews no invoice for a customer as a whole (since API version 2025-03-31).
    with pytest.raises(stripe.InvalidRequestError) as rejected:
        await stripe_client.v1.invoices.create_preview_async({"customer": customer})
    assert rejected.value.http_status == 400

    sandbox.advance(PERIOD)

    invoices = await stripe_client.v1.invoices.list_async({"subscription": subscription.id})
    renewal = invoices.data[0]
    assert (renewal.billing_reason, renewal.status) == ("subscription_cycle", "paid")
    assert sorted(amounts(renewal)) == [-500, 1500, 3000]
    assert renewal.amount_paid == upcoming.amount_due == 4000
    assert (renewal.period_start, renewal.period_end) == (SANDBOX_NOW, SANDBOX_NOW + PERIOD)
    pending = await stripe_client.v1.invoice_items.list_async({"customer": customer, "pending": True})
    assert pending.data == []
    credit = next(line for line in renewal.lines.data if line.amount == -500)
    credited = credit.parent.subscription_item_details.proration_details.credited_items
    assert credited is not None
    assert credited.invoice == subscription.latest_invoice


async def test_quantity_changes_prorate_both_quantities(stripe_client: stripe.StripeClient) -> None:
    customer = await subscriber(stripe_client, "seats@example.com")
    seat = await price(stripe_client, 1000)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": seat, "quantity": 2}]}
    )
    item = subscription.items.data[0]

    preview = await stripe_client.v1.invoices.create_preview_async(
        {
            "subscription": subscription.id,
            "subscription_details": {
                "items": [{"id": item.id, "quantity": 3}],
                "proration_behavior": "always_invoice",
                "proration_date": HALF,
            },
        }
    )

    assert amounts(preview) == [-1000, 1500]
    assert [line.quantity for line in preview.lines.data] == [2, 3]
    assert preview.lines.data[0].description.startswith("Unused time on 2 \u00d7 Plan 1000 usd after")


async def test_a_proration_date_outside_the_period_is_refused(stripe_client: stripe.StripeClient) -> None:
    customer = await subscriber(stripe_client, "outside@example.com")
    cheap, dear = await price(stripe_client, 1000), await price(stripe_client, 3000)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": cheap}]}
    )
    change = {"id": subscription.items.data[0].id, "price": dear}

    for outside in (SANDBOX_NOW - 1, SANDBOX_NOW + PERIOD + 1):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            await stripe_client.v1.subscriptions.update_async(
                subscription.id, {"items": [change], "proration_date": outside}
            )
        assert refused.value.param == "proration_date"
        with pytest.raises(stripe.InvalidRequestError) as refused_preview:
            await stripe_client.v1.invoices.create_preview_async(
                {
                    "subscription": subscription.id,
                    "subscription_details": {"items": [change], "proration_date": outside},
                }
            )
        assert refused_preview.value.param == "subscription_details[proration_date]"

    unchanged = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert unchanged.items.data[0].price.id == cheap


async def test_switching_to_yearly_restarts_the_cycle_and_bills_now(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await subscriber(stripe_client, "yearly@example.com")
    monthly, yearly = await price(stripe_client, 1000), await price(stripe_client, 10000, interval="year")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": monthly}]}
    )
    sandbox.advance(HALF - SANDBOX_NOW)

    updated = await stripe_client.v1.subscriptions.update_async(
        subscription.id,
        {"items": [{"id": subscription.items.data[0].id, "price": yearly}], "expand": ["latest_invoice"]},
    )

    invoice = updated.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    assert amounts(invoice) == [-500, 10000]
    assert invoice.status == "paid"
    item = updated.items.data[0]
    assert item.current_period_start == HALF
    assert updated.billing_cycle_anchor == HALF
    assert item.current_period_end - item.current_period_start == 365 * 86_400


async def test_billing_cycle_anchor_now_credits_the_rest_and_bills_a_new_period(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    customer = await subscriber(stripe_client, "anchor@example.com")
    monthly = await price(stripe_client, 1000)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": monthly}]}
    )
    sandbox.advance(HALF - SANDBOX_NOW)

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.subscriptions.update_async(
            subscription.id,
            {"billing_cycle_anchor": "now"},  # type: ignore[typeddict-item]  # the pre-endive string form
        )
    updated = await stripe_client.v1.subscriptions.update_async(
        subscription.id, {"billing_cycle_anchor": {"type": "now"}, "expand": ["latest_invoice"]}
    )

    invoice = updated.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    assert amounts(invoice) == [-500, 1000]
    assert updated.items.data[0].current_period_start == HALF


async def test_a_declined_always_invoice_change_with_error_if_incomplete_changes_nothing(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await subscriber(stripe_client, "declined-change@example.com")
    cheap, dear = await price(stripe_client, 1000), await price(stripe_client, 3000)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": cheap}]}
    )
    declining = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer}
    )

    with pytest.raises(stripe.CardError) as declined:
        await stripe_client.v1.subscriptions.update_async(
            subscription.id,
            {
                "items": [{"id": subscription.items.data[0].id, "price": dear}],
                "proration_behavior": "always_invoice",
                "payment_behavior": "error_if_incomplete",
                "default_payment_method": declining.id,
            },
        )

    assert declined.value.code == "card_declined"
    after = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert after.items.data[0].price.id == cheap
    assert after.default_payment_method == subscription.default_payment_method
    assert after.latest_invoice == subscription.latest_invoice
    invoices = await stripe_client.v1.invoices.list_async({"customer": customer})
    assert len(invoices.data) == 1


async def test_pending_if_incomplete_waits_for_the_invoice_to_be_paid(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = await subscriber(stripe_client, "pending@example.com")
    cheap, dear = await price(stripe_client, 1000), await price(stripe_client, 3000)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": cheap}]}
    )
    good = (await stripe_client.v1.customers.retrieve_async(customer)).invoice_settings.default_payment_method
    assert isinstance(good, str)
    declining = await stripe_client.v1.payment_methods.attach_async(
        "pm_card_chargeCustomerFail", {"customer": customer}
    )
    await stripe_client.v1.customers.update_async(
        customer, {"invoice_settings": {"default_payment_method": declining.id}}
    )

    updated = await stripe_client.v1.subscriptions.update_async(
        subscription.id,
        {
            "items": [{"id": subscription.items.data[0].id, "price": dear}],
            "proration_behavior": "always_invoice",
            "payment_behavior": "pending_if_incomplete",
        },
    )

    assert updated.items.data[0].price.id == cheap
    assert updated.pending_update is not None
    assert updated.status == "active"
    invoice_id = updated.latest_invoice
    assert isinstance(invoice_id, str)
    paid = await stripe_client.v1.invoices.pay_async(invoice_id, {"payment_method": good})
    assert paid.status == "paid"
    applied = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    assert applied.items.data[0].price.id == dear
    assert applied.pending_update is None

"""Pausing payment collection and discounts, through the official SDK: renewals during a pause are voided,
collection resumes by itself on the clock, and coupons come off invoices and previews as Stripe takes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW
from tests.sandbox.test_billing_renewals import PERIOD, customer_with, price

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle

DAY = 86_400


async def _subscription(stripe_client: stripe.StripeClient, email: str, amount: int = 3000) -> str:
    customer = await customer_with(stripe_client, email)
    created = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer, "items": [{"price": await price(stripe_client, amount)}]}
    )
    return created.id


async def _latest_invoice(stripe_client: stripe.StripeClient, subscription_id: str) -> stripe.Invoice:
    found = await stripe_client.v1.subscriptions.retrieve_async(
        subscription_id, {"expand": ["latest_invoice"]}
    )
    invoice = found.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    return invoice


async def test_renewals_during_a_paused_collection_are_voided_and_collection_resumes_by_itself(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    subscription_id = await _subscription(stripe_client, "pause@example.com")
    resumes_at = SANDBOX_NOW + PERIOD + 10 * DAY

    paused = await stripe_client.v1.subscriptions.update_async(
        subscription_id, {"pause_collection": {"behavior": "void", "resumes_at": resumes_at}}
    )
    assert paused.status == "active"
    assert paused.pause_collection is not None
    assert (paused.pause_collection.behavior, paused.pause_collection.resumes_at) == ("void", resumes_at)

    sandbox.advance(PERIOD + 3600)  # the renewal falls inside the pause
    during = await _latest_invoice(stripe_client, subscription_id)
    assert (during.billing_reason, during.status, during.amount_paid) == ("subscription_cycle", "void", 0)
    assert (await stripe_client.v1.subscriptions.retrieve_async(subscription_id)).status == "active"

    sandbox.advance(10 * DAY)  # past resumes_at: collection resumed by itself
    resumed = await stripe_client.v1.subscriptions.retrieve_async(subscription_id)
    assert resumed.pause_collection is None

    sandbox.advance(PERIOD)  # the next renewal is charged again
    after = await _latest_invoice(stripe_client, subscription_id)
    assert (after.status, after.amount_paid) == ("paid", 3000)


async def test_an_indefinite_pause_lasts_until_it_is_unset(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    subscription_id = await _subscription(stripe_client, "forever-paused@example.com")
    await stripe_client.v1.subscriptions.update_async(
        subscription_id, {"pause_collection": {"behavior": "keep_as_draft"}}
    )
    sandbox.advance(2 * PERIOD + 3600)
    held = await _latest_invoice(stripe_client, subscription_id)
    assert held.status == "draft"

    resumed = await stripe_client.v1.subscriptions.update_async(subscription_id, {"pause_collection": ""})
    assert resumed.pause_collection is None


async def test_a_pause_that_resumes_in_the_past_is_refused(stripe_client: stripe.StripeClient) -> None:
    subscription_id = await _subscription(stripe_client, "past@example.com")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.subscriptions.update_async(
            subscription_id, {"pause_collection": {"behavior": "void", "resumes_at": SANDBOX_NOW - 1}}
        )
    assert refused.value.param == "pause_collection[resumes_at]"


@pytest.mark.parametrize(
    ("coupon", "renewals"),
    [
        pytest.param(
            {"percent_off": 50, "duration": "repeating", "duration_in_months": 3}, [1500, 1500, 3000]
        ),
        pytest.param({"amount_off": 500, "currency": "usd", "duration": "once"}, [2500, 3000, 3000]),
        pytest.param({"percent_off": 25.5, "duration": "forever"}, [2235, 2235, 2235]),
    ],
)
async def test_a_coupon_comes_off_the_renewals_while_its_discount_lasts(
    stripe_client: stripe.StripeClient,
    sandbox: SandboxHandle,
    *,
    coupon: dict[str, Any],
    renewals: list[int],
) -> None:
    subscription_id = await _subscription(stripe_client, "discount@example.com")
    created = await stripe_client.v1.coupons.create_async({"name": "Stay with us", **coupon})  # type: ignore[arg-type]
    assert (await stripe_client.v1.coupons.retrieve_async(created.id)).duration == coupon["duration"]

    discounted = await stripe_client.v1.subscriptions.update_async(
        subscription_id, {"discounts": [{"coupon": created.id}]}
    )
    assert len(discounted.discounts) == 1
    preview = await stripe_client.v1.invoices.create_preview_async({"subscription": subscription_id})
    assert (preview.subtotal, preview.total) == (3000, renewals[0])

    charged = []
    for _ in renewals:
        sandbox.advance(31 * DAY)
        invoice = await _latest_invoice(stripe_client, subscription_id)
        assert invoice.subtotal == 3000
        charged.append(invoice.amount_paid)
    assert charged == renewals


async def test_a_coupon_in_another_currency_is_refused(stripe_client: stripe.StripeClient) -> None:
    subscription_id = await _subscription(stripe_client, "eur@example.com")
    coupon = await stripe_client.v1.coupons.create_async(
        {"amount_off": 500, "currency": "eur", "duration": "once"}
    )
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await stripe_client.v1.subscriptions.update_async(
            subscription_id, {"discounts": [{"coupon": coupon.id}]}
        )
    assert refused.value.param == "discounts[0][coupon]"


async def test_coupons_stripe_refuses(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as repeating:
        await stripe_client.v1.coupons.create_async({"percent_off": 10, "duration": "repeating"})
    assert repeating.value.param == "duration_in_months"
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.coupons.create_async({"percent_off": 10, "amount_off": 5, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await stripe_client.v1.coupons.retrieve_async("NOPE")
    assert missing.value.code == "resource_missing"


async def test_portal_sessions_open_on_a_pause_or_on_a_cancel_with_a_coupon_offer(
    stripe_client: stripe.StripeClient,
) -> None:
    subscription_id = await _subscription(stripe_client, "portal@example.com")
    customer = (await stripe_client.v1.subscriptions.retrieve_async(subscription_id)).customer
    assert isinstance(customer, str)
    configuration = await stripe_client.v1.billing_portal.configurations.create_async(
        {
            "features": {
                "subscription_cancel": {"enabled": True},
                "subscription_pause": {
                    "enabled": True,
                    "duration": {"type": "interval_options", "interval_options": [{"interval": "month"}]},
                },
            }
        }
    )
    assert configuration.features.subscription_pause.duration.interval_options[0].interval_count == 1
    coupon = await stripe_client.v1.coupons.create_async({"percent_off": 50, "duration": "once"})

    pause = await stripe_client.v1.billing_portal.sessions.create_async(
        {
            "customer": customer,
            "configuration": configuration.id,
            "flow_data": {
                "type": "subscription_pause",
                "subscription_pause": {"subscription": subscription_id},
            },
        }
    )
    cancel = await stripe_client.v1.billing_portal.sessions.create_async(
        {
            "customer": customer,
            "configuration": configuration.id,
            "flow_data": {
                "type": "subscription_cancel",
                "subscription_cancel": {
                    "subscription": subscription_id,
                    "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": coupon.id}},
                },
            },
        }
    )

    assert pause.flow is not None
    assert pause.flow.subscription_pause is not None
    assert pause.flow.subscription_pause.subscription == subscription_id
    assert cancel.flow is not None
    assert cancel.flow.subscription_cancel.retention is not None
    assert cancel.flow.subscription_cancel.retention.coupon_offer is not None
    assert cancel.flow.subscription_cancel.retention.coupon_offer.coupon == coupon.id

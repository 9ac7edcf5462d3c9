"""Subscription schedules in the sandbox: a change left for the end of the period, as Stripe documents it
(made `from_subscription`, phases added, entered at the renewal, released at the end)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import stripe

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle

PERIOD = 30 * 86_400  # 15 Nov -> 15 Dec, from the frozen SANDBOX_NOW


async def test_a_phase_entered_at_the_renewal_gives_the_subscription_its_items_then_releases_it(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, subscription: stripe.Subscription
) -> None:
    cheaper = await stripe_client.v1.prices.create_async(
        {
            "currency": "usd",
            "unit_amount": 400,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Lite"},
        }
    )
    item = subscription["items"].data[0]

    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": subscription.id}
    )
    [phase] = schedule.phases
    updated = await stripe_client.v1.subscription_schedules.update_async(
        schedule.id,
        {
            "end_behavior": "release",
            "phases": [
                {
                    "start_date": phase.start_date,
                    "end_date": phase.end_date,
                    "items": [{"price": item.price.id, "quantity": 1}],
                },
                {"items": [{"price": cheaper.id, "quantity": 2}], "duration": {"interval": "month"}},
            ],
        },
    )
    attached = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    sandbox.advance(PERIOD + 3600)
    renewed = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    invoice = await stripe_client.v1.invoices.retrieve_async(str(renewed.latest_invoice))
    sandbox.advance(PERIOD + 2 * 86_400)  # past 15 Jan, the end of the one-month phase
    released = await stripe_client.v1.subscription_schedules.retrieve_async(schedule.id)
    after = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)

    assert (phase.start_date, phase.end_date) == (item.current_period_start, item.current_period_end)
    assert attached.schedule == schedule.id
    assert [p.start_date for p in updated.phases] == [phase.start_date, phase.end_date]
    assert updated.phases[1].end_date > phase.end_date  # one month, as its duration says
    assert [(i.price.id, i.quantity) for i in renewed["items"].data] == [(cheaper.id, 2)]
    assert (invoice.billing_reason, invoice.total) == ("subscription_cycle", 800)  # no proration
    assert (released.status, released.released_subscription) == ("released", subscription.id)
    assert after.schedule is None
    assert [(i.price.id, i.quantity) for i in after["items"].data] == [(cheaper.id, 2)]


async def test_a_schedule_refuses_what_stripe_refuses(
    stripe_client: stripe.StripeClient, subscription: stripe.Subscription
) -> None:
    schedule = await stripe_client.v1.subscription_schedules.create_async(
        {"from_subscription": subscription.id}
    )
    item = subscription["items"].data[0]

    with pytest.raises(stripe.InvalidRequestError, match="already attached to a schedule"):
        await stripe_client.v1.subscription_schedules.create_async({"from_subscription": subscription.id})
    with pytest.raises(stripe.InvalidRequestError, match="start date of the current phase"):
        await stripe_client.v1.subscription_schedules.update_async(
            schedule.id, {"phases": [{"start_date": 1, "items": [{"price": item.price.id}]}]}
        )
    with pytest.raises(stripe.InvalidRequestError) as missing_end:
        await stripe_client.v1.subscription_schedules.update_async(
            schedule.id,
            {
                "phases": [
                    {"start_date": schedule.phases[0].start_date, "items": [{"price": item.price.id}]},
                    {"items": [{"price": item.price.id}]},
                ]
            },
        )
    assert missing_end.value.param == "phases[0][end_date]"

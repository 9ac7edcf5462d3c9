"""Usage-based billing in the sandbox: meters aggregate events as Stripe does (sum, count, last), summaries
group them by UTC hour or day, metered prices bill the period's usage in arrears by their tiers, and credit
grants pay for metered lines before the card is charged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle

DAY, HOUR = 86_400, 3_600
# 2026-11-15T00:00:00Z: the UTC day SANDBOX_NOW (noon) falls in.
TODAY = SANDBOX_NOW - 12 * HOUR


async def _meter(client: stripe.StripeClient, formula: str, event_name: str) -> stripe.billing.Meter:
    return await client.v1.billing.meters.create_async(
        {
            "display_name": f"{formula} meter",
            "event_name": event_name,
            "default_aggregation": {"formula": formula},  # type: ignore[typeddict-item]
        }
    )


async def _report(  # noqa: PLR0917 - a report is these six things
    client: stripe.StripeClient, event_name: str, customer: str, value: int, at: int, identifier: str
) -> None:
    await client.v1.billing.meter_events.create_async(
        {
            "event_name": event_name,
            "payload": {"stripe_customer_id": customer, "value": str(value)},
            "timestamp": at,
            "identifier": identifier,
        }
    )


async def _summaries(  # noqa: PLR0917 - a query is these six things
    client: stripe.StripeClient, meter: str, customer: str, start: int, end: int, window: str | None
) -> list[tuple[int, float]]:
    params: dict[str, Any] = {"customer": customer, "start_time": start, "end_time": end, "limit": 100}
    if window:
        params["value_grouping_window"] = window
    page = await client.v1.billing.meters.event_summaries.list_async(meter, params)  # type: ignore[arg-type]
    return sorted((s.start_time, s.aggregated_value) for s in page.data)


# Events: (value, seconds after TODAY - 2 days)
EVENTS = [(10, 1 * HOUR), (5, 1 * HOUR + 30 * 60), (7, 26 * HOUR), (3, 47 * HOUR + 59 * 60), (20, 50 * HOUR)]


@pytest.mark.parametrize(
    ("formula", "by_day"),
    [
        # Hand-computed per UTC day: day 1 holds 10+5, day 2 holds 7+3, today (to noon) holds 20.
        ("sum", [15.0, 10.0, 20.0]),
        ("count", [2.0, 2.0, 1.0]),
        ("last", [5.0, 3.0, 20.0]),
    ],
)
async def test_meters_aggregate_events_by_day_with_their_formula(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, formula: str, by_day: list[float]
) -> None:
    meter = await _meter(stripe_client, formula, f"calls_{formula}")
    start = TODAY - 2 * DAY
    for index, (value, offset) in enumerate(EVENTS):
        await _report(stripe_client, meter.event_name, customer.id, value, start + offset, f"ev-{index}")

    daily = await _summaries(stripe_client, meter.id, customer.id, start, TODAY + DAY, "day")
    whole = await _summaries(stripe_client, meter.id, customer.id, start, TODAY + DAY, None)

    assert daily == [(start, by_day[0]), (start + DAY, by_day[1]), (TODAY, by_day[2])]
    assert whole == [(start, {"sum": 45.0, "count": 5.0, "last": 20.0}[formula])]


async def test_hourly_summaries_split_the_day_and_need_hour_aligned_bounds(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    meter = await _meter(stripe_client, "sum", "calls")
    start = TODAY - 2 * DAY
    for index, (value, offset) in enumerate(EVENTS):
        await _report(stripe_client, "calls", customer.id, value, start + offset, f"ev-{index}")

    hourly = await _summaries(stripe_client, meter.id, customer.id, start, start + 3 * HOUR, "hour")
    with pytest.raises(stripe.InvalidRequestError) as misaligned:
        await _summaries(stripe_client, meter.id, customer.id, start + 60, start + HOUR, "hour")
    with pytest.raises(stripe.InvalidRequestError) as not_a_day:
        await _summaries(stripe_client, meter.id, customer.id, start + HOUR, start + DAY, "day")

    assert hourly == [(start, 0.0), (start + HOUR, 15.0), (start + 2 * HOUR, 0.0)]
    assert misaligned.value.param == "start_time"
    assert not_a_day.value.param == "start_time"


async def test_an_identifier_counts_once(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    meter = await _meter(stripe_client, "sum", "calls")
    await _report(stripe_client, "calls", customer.id, 4, SANDBOX_NOW - HOUR, "same")
    with pytest.raises(stripe.InvalidRequestError) as again:
        await _report(stripe_client, "calls", customer.id, 4, SANDBOX_NOW - HOUR, "same")

    total = await _summaries(stripe_client, meter.id, customer.id, TODAY, TODAY + DAY, None)

    assert again.value.param == "identifier"
    assert total == [(TODAY, 4.0)]


async def test_events_older_than_35_days_are_refused(
    stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    await _meter(stripe_client, "sum", "calls")
    with pytest.raises(stripe.InvalidRequestError) as old:
        await _report(stripe_client, "calls", customer.id, 1, SANDBOX_NOW - 36 * DAY, "old")
    assert old.value.param == "timestamp"


async def _tiered_price(client: stripe.StripeClient, meter: str, mode: str) -> stripe.Price:
    return await client.v1.prices.create_async(
        {
            "currency": "usd",
            "product_data": {"name": "API calls"},
            "recurring": {"interval": "month", "usage_type": "metered", "meter": meter},
            "billing_scheme": "tiered",
            "tiers_mode": mode,  # type: ignore[typeddict-item]
            "tiers": [
                {"up_to": 1000, "unit_amount": 0},
                {"up_to": 10_000, "unit_amount": 2},
                {"up_to": "inf", "unit_amount": 1, "flat_amount": 500},
            ],
        }
    )


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # graduated: 1000 free + 9000 x 2c + 2500 x 1c + the last tier's $5 = 18000 + 2500 + 500
        ("graduated", 21_000),
        # volume: all 12500 at the last tier's 1c, plus its $5
        ("volume", 13_000),
    ],
)
async def test_the_upcoming_invoice_prices_usage_so_far_by_tiers(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, mode: str, expected: int
) -> None:
    meter = await _meter(stripe_client, "sum", "api_calls")
    price = await _tiered_price(stripe_client, meter.id, mode)
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price.id}]}
    )
    for index, value in enumerate((5000, 7000, 500)):
        await _report(stripe_client, "api_calls", customer.id, value, SANDBOX_NOW + index * 60, f"u{index}")

    preview = await stripe_client.v1.invoices.create_preview_async({"subscription": subscription.id})
    fetched = await stripe_client.v1.prices.retrieve_async(price.id, {"expand": ["tiers"]})

    (line,) = preview.lines.data
    assert (line.quantity, line.amount) == (12_500, expected)
    assert preview.total == expected
    assert subscription.latest_invoice is not None
    assert fetched.tiers is not None
    assert [t.up_to for t in fetched.tiers] == [1000, 10_000, None]


async def test_renewal_bills_the_period_usage_and_credits_pay_first(
    sandbox: SandboxHandle, stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    meter = await _meter(stripe_client, "sum", "api_calls")
    price = await _tiered_price(stripe_client, meter.id, "graduated")
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": price.id}]}
    )
    grant = await stripe_client.v1.billing.credit_grants.create_async(
        {
            "customer": customer.id,
            "category": "promotional",
            "name": "Welcome credit",
            "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 5000}},
            "applicability_config": {"scope": {"price_type": "metered"}},
        }
    )
    await _report(stripe_client, "api_calls", customer.id, 3000, SANDBOX_NOW + 60, "period-usage")
    preview = await stripe_client.v1.invoices.create_preview_async({"subscription": subscription.id})
    period_end = subscription["items"].data[0].current_period_end

    sandbox.advance(period_end - SANDBOX_NOW)
    renewed = await stripe_client.v1.subscriptions.retrieve_async(subscription.id)
    invoice = await stripe_client.v1.invoices.retrieve_async(str(renewed.latest_invoice))
    balance = await stripe_client.v1.billing.credit_balance_summary.retrieve_async(
        {
            "customer": customer.id,
            "filter": {"type": "applicability_scope", "applicability_scope": {"price_type": "metered"}},
        }
    )
    ledger = await stripe_client.v1.billing.credit_balance_transactions.list_async({"customer": customer.id})

    # 2000 units in the 2c tier: $40.00, all of it paid by the $50.00 grant; $10.00 of credit left.
    assert (preview.subtotal, preview.total) == (4000, 0)
    (line,) = invoice.lines.data
    assert (line.quantity, line.amount, invoice.subtotal, invoice.total, invoice.amount_due) == (
        3000,
        4000,
        4000,
        0,
        0,
    )
    assert [c.amount for c in invoice.total_pretax_credit_amounts or []] == [4000]
    assert invoice.status == "paid"
    (summary,) = balance.balances
    assert summary.available_balance.monetary is not None
    assert summary.available_balance.monetary.value == 1000
    assert sorted(e.type for e in ledger.data) == ["credit", "debit"]
    assert all(e.credit_grant == grant.id for e in ledger.data)


async def test_balance_transactions_record_adjustments_and_what_invoices_used(
    stripe_client: stripe.StripeClient, customer: stripe.Customer, monthly_price: stripe.Price
) -> None:
    await stripe_client.v1.customers.balance_transactions.create_async(
        customer.id, {"amount": -300, "currency": "usd", "description": "Goodwill"}
    )
    subscription = await stripe_client.v1.subscriptions.create_async(
        {"customer": customer.id, "items": [{"price": monthly_price.id}]}
    )

    page = await stripe_client.v1.customers.balance_transactions.list_async(customer.id)
    invoice = await stripe_client.v1.invoices.retrieve_async(str(subscription.latest_invoice))

    assert [(t.type, t.amount, t.ending_balance) for t in page.data] == [
        ("applied_to_invoice", 300, 0),
        ("adjustment", -300, -300),
    ]
    assert (invoice.total, invoice.amount_due) == (1000, 700)


async def test_the_v2_meter_event_stream_counts_events_once(
    sandbox: SandboxHandle, stripe_client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    meter = await _meter(stripe_client, "sum", "calls")
    session = await stripe_client.v2.billing.meter_event_session.create_async()
    http = stripe.HTTPXClient(timeout=10.0)
    # The SDK sends the stream to its `meter_events` base address, with the session's token as the key.
    streaming = stripe.StripeClient(
        session.authentication_token,
        http_client=http,
        base_addresses={"api": sandbox.url, "meter_events": sandbox.url},
        max_network_retries=0,
    )
    at = "2026-11-15T11:00:00Z"
    events = [
        {
            "event_name": "calls",
            "identifier": f"s{n}",
            "payload": {"stripe_customer_id": customer.id, "value": "5"},
            "timestamp": at,
        }
        for n in (1, 2, 2)
    ]
    try:
        await streaming.v2.billing.meter_event_stream.create_async({"events": events})  # type: ignore[typeddict-item]
    finally:
        await http.close_async()  # type: ignore[no-untyped-call]

    total = await _summaries(stripe_client, meter.id, customer.id, TODAY, TODAY + DAY, None)

    assert total == [(TODAY, 10.0)]  # the repeated identifier counted once
    assert sandbox.calls()["POST /v2/billing/meter_event_stream"] == 1

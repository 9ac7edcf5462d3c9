"""Usage and credit through the gateway: meters, reports counted once per identifier, summaries per window,
credit grants with their ledger and balance; and their brief stay in the read cache (no webhook tells of new
usage), which a report through the gateway ends at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_gateway.caching.gateway import USAGE_TTL_SECONDS
from stripe_gateway.records import CreditCategory, MeterFormula, UsageWindow
from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from stripe_gateway.records import MeterEvent
    from tests.gateway.conftest import Account, Sandbox

DAY = 86_400
TODAY = SANDBOX_NOW - SANDBOX_NOW % DAY
SUMMARIES = "GET /v1/billing/meters/{id}/event_summaries"


async def _meter(admin: stripe.StripeClient, tag: str) -> stripe.billing.Meter:
    return await admin.v1.billing.meters.create_async(
        {
            "display_name": f"Calls {tag}",
            "event_name": f"calls_{tag}",
            "default_aggregation": {"formula": "sum"},
        }
    )


@pytest.mark.sandbox_only
async def test_a_report_counts_once_and_ends_the_cached_summary(
    gateway: StripeGateway,
    stripe_admin: stripe.StripeClient,
    account: Account,
    tag: str,
    sandbox_knobs: Sandbox,
) -> None:
    now = [0.0]
    cache = CachedGateway(gateway, MemoryStore(clock=lambda: now[0]))
    meter = await _meter(stripe_admin, tag)
    customer = account.customer_id

    async def report(identifier: str) -> MeterEvent:
        return await cache.record_meter_event(
            meter.event_name,
            customer_id=customer,
            value=7,
            identifier=identifier,
            timestamp=SANDBOX_NOW - 60,
            idempotency_key=identifier,
        )

    async def today() -> float:
        series = await cache.meter_usage(
            meter.id, customer, start=TODAY, end=TODAY + DAY, window=UsageWindow.DAY
        )
        return series.total

    first = await report(f"r1-{tag}")
    before = await today()
    sandbox_knobs.reset_calls()
    cached = await today()
    cached_calls = sandbox_knobs.calls(SUMMARIES)
    await report(f"r2-{tag}")
    after_report = await today()
    again = await cache.record_meter_event(
        meter.event_name, customer_id=customer, value=7, identifier=f"r2-{tag}", timestamp=None,
        idempotency_key=f"other-key-{tag}",
    )  # fmt: skip
    now[0] += USAGE_TTL_SECONDS + 1
    sandbox_knobs.reset_calls()
    expired = await today()

    assert first.already_recorded is False
    assert (before, cached, cached_calls) == (7.0, 7.0, 0)
    assert after_report == 14.0  # the report dropped the cached summary
    assert again.already_recorded is True  # a new key, but Stripe already holds the identifier
    assert (expired, sandbox_knobs.calls(SUMMARIES)) == (14.0, 1)


async def test_meters_and_credit_read_as_records(
    gateway: StripeGateway, stripe_admin: stripe.StripeClient, account: Account, tag: str
) -> None:
    meter = await _meter(stripe_admin, tag)
    grant = await stripe_admin.v1.billing.credit_grants.create_async(
        {
            "customer": account.customer_id,
            "name": f"Welcome {tag}",
            "category": "promotional",
            "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 1500}},
            "applicability_config": {"scope": {"price_type": "metered"}},
        }
    )

    meters = await gateway.list_meters()
    summary = await gateway.credit_summary(account.customer_id)
    grants = await gateway.list_credit_grants(account.customer_id)
    ledger = await gateway.list_credit_ledger(account.customer_id)

    [found] = [m for m in meters if m.id == meter.id]
    assert (found.display_name, found.event_name, found.formula, found.active) == (
        f"Calls {tag}",
        f"calls_{tag}",
        MeterFormula.SUM,
        True,
    )
    [held] = grants.data
    assert (held.id, held.amount, held.currency, held.category, held.price_ids) == (
        grant.id,
        1500,
        "usd",
        CreditCategory.PROMOTIONAL,
        (),
    )
    assert [(b.currency, b.available) for b in summary.balances] == [("usd", 1500)]
    assert sum(entry.amount for entry in ledger.data if entry.grant_id == grant.id) == 1500

"""Usage and credit reads: a metered item's meter and usage so far, a customer's timeline (with Stripe's
alignment rules), and credit grants with what is left of each; each with the Stripe calls it makes."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from bench.operations import USAGE_DASHBOARD as BENCH_USAGE_DASHBOARD
from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
from resolvers.context import RequestContext
from schema import build_schema
from schema.context import Context
from stripe_sandbox.resources.meters import usage
from stripe_sandbox.seed import API_METER, usage_customer
from tests.fixtures.operations import execute, run, session_for
from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.sandbox import SandboxHandle

DAY, HOUR = 86_400, 3_600
TODAY = SANDBOX_NOW - 12 * HOUR  # 2026-11-15T00:00:00Z

USAGE_DASHBOARD = """
query {
  viewer {
    customer {
      subscriptions {
        items {
          price { recurring { usageType meterId } tiersMode tiers { upTo unitAmount { amount } } }
          meter { id displayName aggregation }
          usage { quantity charge { amount } periodStart periodEnd asOf }
        }
        upcomingInvoice { subtotal { amount } creditApplied { amount } total { amount } }
      }
      credits {
        asOf
        balances { available { amount currency } pending { amount } }
        grants {
          name category amount { amount } remaining { amount } usable expiresAt appliesTo { meteredPrices }
        }
      }
    }
  }
}
"""

TIMELINE = """
query($meter: ID!, $from: DateTime!, $to: DateTime!, $granularity: UsageGranularity!) {
  viewer { customer { usage(meterId: $meter, from: $from, to: $to, granularity: $granularity) {
    meterId total asOf points { start end value }
  } } }
}
"""


def _iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def _meter(sandbox: SandboxHandle) -> dict[str, Any]:
    return next(m for m in sandbox.state.store.iter_type("billing.meter") if m["event_name"] == API_METER[1])


async def test_a_metered_item_shows_its_meter_usage_so_far_and_the_tiers(
    sandbox: SandboxHandle, gateway: StripeGateway
) -> None:
    store = sandbox.state.store
    kofi = usage_customer(store)
    meter = _meter(sandbox)

    data = await execute(gateway, USAGE_DASHBOARD, principal=session_for(kofi["id"]))

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    licensed, metered = subscription["items"]
    assert licensed["meter"] is None
    assert licensed["usage"] is None
    assert metered["price"]["recurring"] == {"usageType": "METERED", "meterId": meter["id"]}
    assert metered["meter"] == {"id": meter["id"], "displayName": "API calls", "aggregation": "SUM"}
    assert metered["price"]["tiersMode"] == "GRADUATED"
    assert [(t["upTo"], t["unitAmount"]["amount"]) for t in metered["price"]["tiers"]] == [
        (1000, 0),
        (10_000, 2),
        (None, 1),
    ]
    # Hand-computed from the meter's events in the period: the first 1,000 calls free, then 2c each.
    start = int(datetime.fromisoformat(metered["usage"]["periodStart"]).timestamp())
    end = int(datetime.fromisoformat(metered["usage"]["periodEnd"]).timestamp())
    calls = int(usage(store, meter, kofi["id"], start, end))
    assert calls > 1000
    assert metered["usage"]["quantity"] == calls
    assert metered["usage"]["charge"]["amount"] == (min(calls, 10_000) - 1000) * 2 + max(0, calls - 10_000)
    assert metered["usage"]["asOf"] is not None
    # The upcoming invoice bills it with the Pro plan, less the launch credit the usage line uses first.
    charge = metered["usage"]["charge"]["amount"]
    upcoming = subscription["upcomingInvoice"]
    assert upcoming["subtotal"]["amount"] == 3000 + charge
    assert upcoming["creditApplied"]["amount"] == min(charge, 2500)
    assert upcoming["total"]["amount"] == 3000 + charge - min(charge, 2500)


async def test_credits_show_the_balance_and_what_is_left_of_each_grant(
    sandbox: SandboxHandle, gateway: StripeGateway
) -> None:
    kofi = usage_customer(sandbox.state.store)

    data = await execute(gateway, USAGE_DASHBOARD, principal=session_for(kofi["id"]))

    credits = data["viewer"]["customer"]["credits"]
    assert credits["balances"] == [
        {"available": {"amount": 2500, "currency": "usd"}, "pending": {"amount": 0}}
    ]
    launch, welcome = credits["grants"]
    assert (launch["name"], launch["amount"], launch["remaining"]) == (
        "Launch credit",
        {"amount": 2500},
        {"amount": 2500},
    )
    # Whether a grant can be spent is judged by this server's clock, which the sandbox's frozen one is not.
    expires = datetime.fromisoformat(launch["expiresAt"]).timestamp()
    assert launch["usable"] is (time.time() < expires)
    # The welcome credit paid the first usage invoice in full.
    assert (welcome["name"], welcome["remaining"], welcome["category"]) == (
        "Welcome credit",
        {"amount": 0},
        "PROMOTIONAL",
    )
    assert launch["appliesTo"] == {"meteredPrices": True}
    assert credits["asOf"] == _iso(int(datetime.fromisoformat(credits["asOf"]).timestamp()))


async def test_a_usage_dashboard_is_one_round_trip_for_a_returning_customer(
    sandbox: SandboxHandle, gateway: StripeGateway, database: Database
) -> None:
    """Meters and credit are read beside the customer; the usage so far is the upcoming invoice's line,
    previewed ahead for the subscription the customer was last seen with."""
    kofi = usage_customer(sandbox.state.store)
    [subscription] = [s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == kofi["id"]]
    seen = DatabaseKnownSubscriptions(database)
    seen.saw(kofi["id"], frozenset({subscription["id"]}))
    await seen.aclose()
    context = RequestContext(
        gateway=gateway,
        principal=session_for(kofi["id"]),
        known_subscriptions=DatabaseKnownSubscriptions(database),
    )
    sandbox.hold_calls(7)

    result = await build_schema().execute(USAGE_DASHBOARD, context_value=Context(context))

    assert result.errors is None, result.errors
    held = sandbox.held()
    assert held is not None
    assert held["outcome"] == "together"
    assert sandbox.calls() == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/prices": 1,
        "GET /v1/billing/meters": 1,
        "POST /v1/invoices/create_preview": 1,
        "GET /v1/billing/credit_balance_summary": 1,
        "GET /v1/billing/credit_grants": 1,
        "GET /v1/billing/credit_balance_transactions": 1,
    }


async def test_with_the_timeline_invoices_and_cards_it_is_still_one_round_trip(
    sandbox: SandboxHandle, gateway: StripeGateway, database: Database
) -> None:
    """The benchmark's usage dashboard: a client that knows its meter asks for the chart in the same
    request."""
    kofi = usage_customer(sandbox.state.store)
    [subscription] = [s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == kofi["id"]]
    seen = DatabaseKnownSubscriptions(database)
    seen.saw(kofi["id"], frozenset({subscription["id"]}))
    await seen.aclose()
    context = RequestContext(
        gateway=gateway,
        principal=session_for(kofi["id"]),
        known_subscriptions=DatabaseKnownSubscriptions(database),
    )
    variables = {"meter": _meter(sandbox)["id"], "from": _iso(TODAY - 14 * DAY), "to": _iso(TODAY + DAY)}
    sandbox.hold_calls(10)

    result = await build_schema().execute(BENCH_USAGE_DASHBOARD, variables, context_value=Context(context))

    assert result.errors is None, result.errors
    held = sandbox.held()
    assert held is not None
    assert (held["outcome"], len(held["arrived"])) == ("together", 10)
    assert sum(sandbox.calls().values()) == 10


@pytest.mark.parametrize(
    ("granularity", "start", "end", "steps"),
    [("DAY", TODAY - 14 * DAY, TODAY + DAY, 15), ("HOUR", TODAY, TODAY + 12 * HOUR, 12)],
)
async def test_the_timeline_adds_up_to_the_meters_events(
    *, sandbox: SandboxHandle, gateway: StripeGateway, granularity: str, start: int, end: int, steps: int
) -> None:
    store = sandbox.state.store
    kofi = usage_customer(store)
    meter = _meter(sandbox)
    sandbox.reset_calls()

    data = await execute(
        gateway,
        TIMELINE,
        {"meter": meter["id"], "from": _iso(start), "to": _iso(end), "granularity": granularity},
        principal=session_for(kofi["id"]),
    )

    timeline = data["viewer"]["customer"]["usage"]
    points = timeline["points"]
    assert len(points) == steps
    assert [p["start"] for p in points] == sorted(p["start"] for p in points)
    assert (points[0]["start"], points[-1]["end"]) == (_iso(start), _iso(end))
    step = (end - start) // steps
    expected = [
        usage(store, meter, kofi["id"], start + i * step, start + (i + 1) * step) for i in range(steps)
    ]
    assert [p["value"] for p in points] == expected
    assert timeline["total"] == sum(expected) == usage(store, meter, kofi["id"], start, end)
    assert sandbox.calls() == {"GET /v1/billing/meters/{id}/event_summaries": 1}


@pytest.mark.parametrize(
    ("granularity", "start", "end", "code"),
    [
        ("DAY", TODAY + HOUR, TODAY + DAY, "USAGE_RANGE_MISALIGNED"),
        ("DAY", TODAY, TODAY + DAY + 60, "USAGE_RANGE_MISALIGNED"),
        ("HOUR", TODAY + 30 * 60, TODAY + HOUR, "USAGE_RANGE_MISALIGNED"),
        ("HOUR", TODAY, TODAY + 101 * HOUR, "USAGE_RANGE_TOO_LONG"),
        ("DAY", TODAY - 101 * DAY, TODAY, "USAGE_RANGE_TOO_LONG"),
        ("DAY", TODAY, TODAY, "USAGE_RANGE_EMPTY"),
        ("HOUR", TODAY, TODAY - HOUR, "USAGE_RANGE_EMPTY"),
    ],
)
async def test_a_range_stripe_would_refuse_is_refused_with_its_code_before_any_call(
    *, sandbox: SandboxHandle, gateway: StripeGateway, granularity: str, start: int, end: int, code: str
) -> None:
    kofi = usage_customer(sandbox.state.store)
    sandbox.reset_calls()

    result = await run(
        gateway,
        TIMELINE,
        {"meter": _meter(sandbox)["id"], "from": _iso(start), "to": _iso(end), "granularity": granularity},
        principal=session_for(kofi["id"]),
    )

    assert [error.extensions for error in result.errors or []] == [{"code": code}]
    assert sandbox.calls() == {}


async def test_a_hundred_days_is_the_longest_daily_timeline(
    sandbox: SandboxHandle, gateway: StripeGateway
) -> None:
    kofi = usage_customer(sandbox.state.store)

    data = await execute(
        gateway,
        TIMELINE,
        {
            "meter": _meter(sandbox)["id"],
            "from": _iso(TODAY - 99 * DAY),
            "to": _iso(TODAY + DAY),
            "granularity": "DAY",
        },
        principal=session_for(kofi["id"]),
    )

    assert len(data["viewer"]["customer"]["usage"]["points"]) == 100


async def test_an_unknown_meter_is_not_found(sandbox: SandboxHandle, gateway: StripeGateway) -> None:
    kofi = usage_customer(sandbox.state.store)
    variables = {"from": _iso(TODAY), "to": _iso(TODAY + DAY), "granularity": "DAY"}

    malformed = await run(
        gateway, TIMELINE, {**variables, "meter": "price_x"}, principal=session_for(kofi["id"])
    )
    missing = await run(
        gateway, TIMELINE, {**variables, "meter": "mtr_test_nothere"}, principal=session_for(kofi["id"])
    )

    assert [e.extensions for e in malformed.errors or []] == [{"code": "NOT_FOUND"}]
    assert [e.extensions for e in missing.errors or []] == [{"code": "NOT_FOUND"}]


async def test_balance_transactions_page_newest_first(sandbox: SandboxHandle, gateway: StripeGateway) -> None:
    kofi = usage_customer(sandbox.state.store)
    query = """query($after: String) { viewer { customer { credits {
      balanceTransactions(first: 1, after: $after) {
        edges { cursor node { type amount { amount } endingBalance { amount } description invoiceId } }
        pageInfo { hasNextPage endCursor }
      } } } } }"""

    first = await execute(gateway, query, principal=session_for(kofi["id"]))
    page = first["viewer"]["customer"]["credits"]["balanceTransactions"]
    second = await execute(
        gateway, query, {"after": page["pageInfo"]["endCursor"]}, principal=session_for(kofi["id"])
    )
    older = second["viewer"]["customer"]["credits"]["balanceTransactions"]

    applied = page["edges"][0]["node"]
    adjustment = older["edges"][0]["node"]
    assert (applied["type"], applied["amount"], applied["endingBalance"]) == (
        "APPLIED_TO_INVOICE",
        {"amount": 500},
        {"amount": 0},
    )
    assert applied["invoiceId"] is not None
    assert (adjustment["type"], adjustment["amount"], adjustment["description"]) == (
        "ADJUSTMENT",
        {"amount": -500},
        "Goodwill credit for the API outage",
    )
    assert page["pageInfo"]["hasNextPage"] is True
    assert older["pageInfo"]["hasNextPage"] is False

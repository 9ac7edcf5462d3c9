"""`recordUsage` over HTTP against the sandbox: a report counts once per identifier, shows in the usage read
after it, is audited once, and bad input is refused before anything reaches Stripe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from stripe_sandbox.resources.meters import usage
from stripe_sandbox.seed import API_METER, usage_customer
from tests.api.mutation_support import codes, mutate, writes
from tests.fixtures.app import graphql
from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RESULT = "usageEvent { identifier customerId meterId value timestamp alreadyRecorded }"
TODAY = SANDBOX_NOW - 12 * 3_600
RECORD = "POST /v1/billing/meter_events"


def _report(sandbox: SandboxHandle, **changes: Any) -> dict[str, Any]:
    store = sandbox.state.store
    meter = next(m for m in store.iter_type("billing.meter") if m["event_name"] == API_METER[1])
    return {
        "customerId": usage_customer(store)["id"],
        "meterId": meter["id"],
        "value": 120,
        "identifier": "req-2026-11-15-0001",
        "timestamp": "2026-11-15T11:30:00Z",
        **changes,
    }


def _today(sandbox: SandboxHandle) -> float:
    store = sandbox.state.store
    meter = next(m for m in store.iter_type("billing.meter") if m["event_name"] == API_METER[1])
    return usage(store, meter, usage_customer(store)["id"], TODAY, TODAY + 86_400)


async def test_a_report_counts_once_however_often_it_is_sent(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    before = _today(sandbox)

    first = await mutate(api, "recordUsage", _report(sandbox), key, RESULT)
    again = await mutate(api, "recordUsage", _report(sandbox), key, RESULT)

    assert codes(first) == codes(again) == []
    assert first["usageEvent"] == {
        "identifier": "req-2026-11-15-0001",
        "customerId": _report(sandbox)["customerId"],
        "meterId": _report(sandbox)["meterId"],
        "value": 120.0,
        "timestamp": "2026-11-15T11:30:00Z",
        "alreadyRecorded": False,
    }
    assert again["usageEvent"]["alreadyRecorded"] is False  # Stripe replayed its first answer to the key
    assert _today(sandbox) == before + 120
    assert writes(sandbox) == {RECORD: 2}


async def test_an_identifier_stripe_already_holds_is_reported_as_recorded(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    await mutate(api, "recordUsage", _report(sandbox), key, RESULT)
    sandbox.state.idempotency.clear()  # Stripe keeps idempotency keys for a day, identifiers longer
    before = _today(sandbox)

    later = await mutate(api, "recordUsage", _report(sandbox), key, RESULT)

    assert codes(later) == []
    assert later["usageEvent"]["alreadyRecorded"] is True
    assert _today(sandbox) == before


async def test_an_identifier_reused_for_another_report_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    await mutate(api, "recordUsage", _report(sandbox), key, RESULT)
    before = _today(sandbox)

    other = await mutate(api, "recordUsage", _report(sandbox, value=7), key, RESULT)

    assert [(e["code"], e["field"]) for e in other["userErrors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "identifier"])
    ]
    assert other["usageEvent"] is None
    assert _today(sandbox) == before


async def test_recorded_usage_shows_in_the_next_read_and_in_the_audit_trail(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    report = _report(sandbox)
    query = """query($id: ID!, $meter: ID!) { customer(id: $id) {
      usage(meterId: $meter, from: "2026-11-15T00:00:00Z", to: "2026-11-16T00:00:00Z") { total } } }"""
    variables = {"id": report["customerId"], "meter": report["meterId"]}
    before = (await graphql(api, query, variables, token=key))["data"]["customer"]["usage"]["total"]

    await mutate(api, "recordUsage", report, key, RESULT)
    after = (await graphql(api, query, variables, token=key))["data"]["customer"]["usage"]["total"]
    audit = await graphql(
        api,
        "query($id: ID) { auditEvents(customerId: $id) { edges { node { action objectId after } } } }",
        {"id": report["customerId"]},
        token=key,
    )

    assert after == before + 120
    [event] = [
        e["node"] for e in audit["data"]["auditEvents"]["edges"] if e["node"]["action"] == "usage.record"
    ]
    assert event["objectId"] == report["meterId"]
    assert event["after"]["identifier"] == "req-2026-11-15-0001"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"identifier": ""}, "INVALID_INPUT", "identifier"),
        ({"identifier": "has spaces"}, "INVALID_INPUT", "identifier"),
        ({"identifier": "x" * 101}, "INVALID_INPUT", "identifier"),
        ({"value": -1}, "INVALID_INPUT", "value"),
        ({"value": 1e13}, "INVALID_INPUT", "value"),
        ({"timestamp": "1969-12-31T00:00:00Z"}, "INVALID_INPUT", "timestamp"),
        ({"meterId": "mtr_test_nothere"}, "NOT_FOUND", "meterId"),
        ({"meterId": "price_123"}, "NOT_FOUND", "meterId"),
        ({"customerId": "cus_nothere"}, "NOT_FOUND", "customerId"),
    ],
)
async def test_bad_input_is_refused_before_anything_is_recorded(
    *,
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    changes: dict[str, Any],
    code: str,
    field: str,
) -> None:
    key = await tokens.api_key()

    refused = await mutate(api, "recordUsage", _report(sandbox, **changes), key, RESULT)

    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [(code, ["input", field])]
    assert refused["usageEvent"] is None
    assert writes(sandbox) == {}


@pytest.mark.parametrize("timestamp", ["2026-10-01T00:00:00Z", "2026-11-15T12:10:00Z"])
async def test_a_time_outside_stripes_window_is_refused_and_counts_nothing(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, timestamp: str
) -> None:
    key = await tokens.api_key()
    before = _today(sandbox)

    refused = await mutate(api, "recordUsage", _report(sandbox, timestamp=timestamp), key, RESULT)

    # Stripe judges the window by its own clock (the sandbox's is at noon on 15 Nov 2026): 45 days back and
    # ten minutes ahead are both outside it.
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("INVALID_INPUT", ["input", "timestamp"])
    ]
    assert refused["usageEvent"] is None
    assert _today(sandbox) == before
    audit = await graphql(api, "{ auditEvents { edges { node { action } } } }", token=key)
    assert "usage.record" not in {e["node"]["action"] for e in audit["data"]["auditEvents"]["edges"]}

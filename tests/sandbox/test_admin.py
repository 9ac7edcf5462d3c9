"""The `/_sandbox/` knobs: clock, reset, latency, faults, the hold, the call counter, and their refusals."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle


def test_the_clock_is_frozen_at_the_fixed_instant_and_moves_only_when_advanced(
    sandbox: SandboxHandle,
) -> None:
    assert sandbox.now() == SANDBOX_NOW
    assert sandbox.advance(3600) == SANDBOX_NOW + 3600

    moved = sandbox.admin.post("/_sandbox/advance", json={"to": SANDBOX_NOW + 7200}).json()

    assert moved == {"now": SANDBOX_NOW + 7200, "frozen": True}
    assert sandbox.now() == SANDBOX_NOW + 7200


@pytest.mark.parametrize(
    "body",
    [{"seconds": -1}, {"to": SANDBOX_NOW - 1}, {"seconds": "soon"}, {}],
    ids=["back", "past", "text", "none"],
)
def test_the_clock_never_goes_back(sandbox: SandboxHandle, body: dict[str, object]) -> None:
    response = sandbox.admin.post("/_sandbox/advance", json=body)

    assert response.status_code == 400
    assert "error" in response.json()
    assert sandbox.now() == SANDBOX_NOW


async def test_advancing_stamps_new_objects_with_the_new_time(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.advance(86_400)

    created = await stripe_client.v1.customers.create_async({"email": "tomorrow@example.com"})

    assert created.created == SANDBOX_NOW + 86_400


async def test_a_reset_forgets_everything_made_since(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    made = await stripe_client.v1.customers.create_async({"email": "temp@example.com"})

    sandbox.reset()

    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.customers.retrieve_async(made.id)


async def test_the_same_reset_gives_the_same_ids(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    first = await stripe_client.v1.customers.create_async({"email": "same@example.com"})
    sandbox.reset()
    await stripe_client.v1.customers.list_async()  # reads do not shift the ids that follow
    second = await stripe_client.v1.customers.create_async({"email": "same@example.com"})

    assert first.id == second.id


def test_an_unknown_seed_is_refused(sandbox: SandboxHandle) -> None:
    response = sandbox.admin.post("/_sandbox/reset", json={"seed": "huge"})

    assert response.status_code == 400


async def test_the_empty_seed_has_no_customers(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.reset("empty")

    assert (await stripe_client.v1.customers.list_async()).data == []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "meteor"},
        {"kind": "error", "rate": 2},
        {"kind": "error", "count": 0},
        {"kind": "error", "x": 1},
    ],
    ids=["kind", "rate", "count", "unknown"],
)
def test_faults_are_checked(sandbox: SandboxHandle, body: dict[str, object]) -> None:
    response = sandbox.admin.post("/_sandbox/faults", json=body)

    assert response.status_code == 400
    assert sandbox.admin.get("/_sandbox/faults").json() == []


async def test_a_counted_fault_runs_out_and_faults_can_be_cleared(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault("error", count=1)
    sandbox.add_fault("rate_limit", path="^GET /v1/prices")

    with pytest.raises(stripe.APIError):
        await stripe_client.v1.customers.list_async()
    await stripe_client.v1.customers.list_async()
    with pytest.raises(stripe.RateLimitError):
        await stripe_client.v1.prices.list_async()
    sandbox.admin.delete("/_sandbox/faults").raise_for_status()
    await stripe_client.v1.prices.list_async()

    assert sandbox.admin.get("/_sandbox/faults").json() == []


def test_latency_takes_a_non_negative_number_of_milliseconds(sandbox: SandboxHandle) -> None:
    sandbox.set_latency(5)

    assert sandbox.state.latency_ms == 5
    assert sandbox.admin.post("/_sandbox/latency", json={"ms": -5}).status_code == 400
    assert sandbox.admin.post("/_sandbox/latency", content=b"not json").status_code == 400


async def test_admin_calls_are_not_counted(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    await stripe_client.v1.customers.list_async()
    sandbox.now()
    sandbox.set_latency(0)

    assert sandbox.calls() == {"GET /v1/customers": 1}


def test_a_webhook_endpoint_needs_a_url_and_a_secret(sandbox: SandboxHandle) -> None:
    assert (
        sandbox.admin.post("/_sandbox/webhooks", json={"url": "ftp://x", "secret": "whsec_1"}).status_code
        == 400
    )
    assert sandbox.admin.post("/_sandbox/webhooks", json={"url": "http://127.0.0.1:1/"}).status_code == 400
    assert sandbox.admin.get("/_sandbox/webhooks").json() == {"url": None, "deliveries": []}


async def test_a_hold_tells_calls_made_together_from_calls_made_one_after_another(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.hold_calls(2)
    await asyncio.gather(stripe_client.v1.customers.list_async(), stripe_client.v1.prices.list_async())
    together = sandbox.held()
    sandbox.hold_calls(2, timeout_ms=50)
    await stripe_client.v1.customers.list_async()
    await stripe_client.v1.prices.list_async()
    one_after_another = sandbox.held()
    await stripe_client.v1.products.list_async()  # a hold that gave up holds nothing more

    assert together is not None
    assert (together["outcome"], sorted(together["arrived"])) == (
        "together",
        ["GET /v1/customers", "GET /v1/prices"],
    )
    assert one_after_another == {"calls": 2, "arrived": ["GET /v1/customers"], "outcome": "timed out"}
    assert sandbox.admin.post("/_sandbox/hold", json={"calls": 0}).status_code == 400
    sandbox.admin.delete("/_sandbox/hold").raise_for_status()
    assert sandbox.held() is None

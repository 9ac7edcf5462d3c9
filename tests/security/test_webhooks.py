"""Hostile and malformed webhook deliveries: none is a server error.

A delivery that does not verify is refused with 400 and nothing is stored. One that verifies but is no event
portalql can use is Stripe's all the same: it is stored as failed with the reason and acknowledged (2xx),
since any other answer makes Stripe redeliver it for days; it is never processed or retried.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from stripe_sandbox.webhooks import signature_header
from tests.api.mutation_support import MAYA, customer_id
from tests.webhooks.conftest import WEBHOOK_SECRET, audit_trail, inbox, stripe_event

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from tests.fixtures.sandbox import SandboxHandle

TOLERANCE = 300
LONG_ID = "evt_" + "x" * 300


async def _post(client: httpx.AsyncClient, body: str, header: str) -> httpx.Response:
    return await client.post(
        "/webhooks/stripe",
        content=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
    )


async def _post_signed(
    client: httpx.AsyncClient, body: str, *, signed_at: int | None = None
) -> httpx.Response:
    timestamp = int(time.time()) if signed_at is None else signed_at
    return await _post(client, body, signature_header(body, WEBHOOK_SECRET, timestamp))


def _customer_updated(sandbox: SandboxHandle, **changes: Any) -> dict[str, Any]:
    customer = sandbox.state.store.get(customer_id(sandbox, MAYA), "customer")
    event = stripe_event(
        "customer.updated",
        customer,
        created=int(time.time()),
        event_id="evt_hostile_1",
        previous_attributes={"name": "Someone Else"},
    )
    return {**event, **changes}


@pytest.mark.parametrize("signature", ["é" * 64, "\u0660" * 64, "v1\u2028"])
async def test_a_signature_that_is_not_ascii_is_refused_not_a_server_error(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database, signature: str
) -> None:
    body = json.dumps(_customer_updated(sandbox))
    header = f"t={int(time.time())},v1={signature}"

    response = await client.post(
        "/webhooks/stripe", content=body.encode(), headers={"Stripe-Signature": header.encode()}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "signature_invalid"}
    assert await inbox(database) == []


async def test_a_delivery_signed_in_the_future_is_refused_like_a_stale_one(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    body = json.dumps(_customer_updated(sandbox))

    ahead = await _post_signed(client, body, signed_at=int(time.time()) + TOLERANCE + 60)
    stale = await _post_signed(client, body, signed_at=int(time.time()) - TOLERANCE - 60)

    assert (ahead.status_code, ahead.json()) == (400, {"error": "signature_invalid"})
    assert (stale.status_code, stale.json()) == (400, {"error": "signature_invalid"})
    assert await inbox(database) == []


async def test_a_delivery_signed_within_the_tolerance_ahead_is_accepted(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    body = json.dumps(_customer_updated(sandbox))

    response = await _post_signed(client, body, signed_at=int(time.time()) + 30)

    assert response.status_code == 200
    assert [row.stripe_event_id for row in await inbox(database)] == ["evt_hostile_1"]


def _unusable_bodies(sandbox: SandboxHandle) -> dict[str, tuple[str, str | None]]:
    """Verified bodies that are no usable event, each with the id it is stored under (None: a digest)."""
    event = _customer_updated(sandbox)
    without_id = {key: value for key, value in event.items() if key != "id"}
    long_object_id = {**event, "data": {"object": {**event["data"]["object"], "id": "cus_" + "y" * 300}}}
    return {
        "null": ("null", None),
        "a list": (json.dumps([event]), None),
        "no id": (json.dumps(without_id), None),
        "data a string": (json.dumps({**event, "data": "customer"}), "evt_hostile_1"),
        "created 2**70": (json.dumps({**event, "created": 2**70}), "evt_hostile_1"),
        "an id over 255 characters": (json.dumps({**event, "id": LONG_ID}), None),
        "an object id over 255 characters": (json.dumps(long_object_id), "evt_hostile_1"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "null",
        "a list",
        "no id",
        "data a string",
        "created 2**70",
        "an id over 255 characters",
        "an object id over 255 characters",
    ],
)
async def test_a_verified_but_unusable_event_is_stored_as_failed_and_acknowledged(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database, case: str
) -> None:
    body, stored_as = _unusable_bodies(sandbox)[case]

    first = await _post_signed(client, body)
    again = await _post_signed(client, body)

    assert first.status_code == again.status_code == 200
    assert first.json()["received"] is True
    reason = first.json()["failed"]
    assert reason
    [row] = await inbox(database)
    assert row.failure == reason
    assert row.processed_at is None
    assert row.next_attempt_at is None  # never retried: no attempt can make it usable
    assert row.stripe_event_id == stored_as or (
        stored_as is None and row.stripe_event_id.startswith("unusable:")
    )
    assert len(row.stripe_event_id) <= 255
    assert await audit_trail(database) == []

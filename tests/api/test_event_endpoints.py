"""Events for the product: endpoints registered with an API key receive the audit trail's changes over HTTP,
signed per the Standard Webhooks specification, retried on the recommended backoff, redeliverable."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from standardwebhooks.webhooks import Webhook

from portalql.events.delivery import RETRY_DELAYS, deliver_due, event_client
from tests.api.mutation_support import MAYA, codes, mutate, subscription

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx

    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.event_receiver import EventReceiver
    from tests.fixtures.sandbox import SandboxHandle

pytest_plugins = ["tests.fixtures.event_receiver"]

ENDPOINT = "eventEndpoint { id url eventTypes } secret"
DELIVERIES = "{ eventEndpoints { id deliveries { eventType status attempts lastHttpStatus lastError } } }"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with event_client() as client:
        yield client


async def _register(
    api: httpx.AsyncClient, token: str, url: str, event_types: list[str] | None = None
) -> dict[str, Any]:
    given: dict[str, Any] = {"url": url, "description": "billing sync"}
    if event_types is not None:
        given["eventTypes"] = event_types
    return await mutate(api, "createEventEndpoint", given, token, ENDPOINT)


async def _cancel(api: httpx.AsyncClient, token: str, sandbox: SandboxHandle) -> str:
    subscription_id = str(subscription(sandbox, MAYA)["id"])
    payload = await mutate(api, "cancelSubscription", {"subscriptionId": subscription_id}, token)
    assert payload["userErrors"] == []
    return subscription_id


async def _deliveries(api: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    response = await api.post(
        "/graphql", json={"query": DELIVERIES}, headers={"Authorization": f"Bearer {token}"}
    )
    deliveries: list[dict[str, Any]] = response.json()["data"]["eventEndpoints"][0]["deliveries"]
    return deliveries


async def test_a_change_reaches_the_endpoint_signed_in_portalqls_own_shape(
    api: httpx.AsyncClient,
    tokens: Tokens,
    *,
    sandbox: SandboxHandle,
    database: Database,
    client: httpx.AsyncClient,
    event_receiver: EventReceiver,
) -> None:
    token = await tokens.api_key()
    registered = await _register(api, token, event_receiver.url, ["subscription.cancel"])
    subscription_id = await _cancel(api, token, sandbox)

    assert await deliver_due(database, client) == 1

    [received] = event_receiver.received
    verified = Webhook(registered["secret"]).verify(received.body, received.headers)
    assert verified["type"] == "subscription.cancel"
    data = verified["data"]
    assert data["object"] == {"type": "subscription", "id": subscription_id}
    assert data["customerId"] == subscription(sandbox, MAYA)["customer"]
    assert (data["source"], data["actor"]) == ("portalql", "api_key")
    assert data["after"]["cancelAtPeriodEnd"] is True
    assert received.headers["webhook-id"] == f"pqevt_{data['auditEventId']}"
    # Delivered once: nothing is due any more.
    assert await deliver_due(database, client) == 0
    assert await _deliveries(api, token) == [
        {
            "eventType": "subscription.cancel",
            "status": "DELIVERED",
            "attempts": 1,
            "lastHttpStatus": 204,
            "lastError": None,
        }
    ]


async def test_an_endpoint_that_fails_three_times_receives_the_event_on_the_fourth_try(
    api: httpx.AsyncClient,
    tokens: Tokens,
    *,
    sandbox: SandboxHandle,
    database: Database,
    client: httpx.AsyncClient,
    event_receiver: EventReceiver,
) -> None:
    token = await tokens.api_key()
    registered = await _register(api, token, event_receiver.url, ["subscription.cancel"])
    await _cancel(api, token, sandbox)
    event_receiver.statuses = [500, 503, 429]
    now = datetime.now(UTC)

    tries = [now]
    for delay in RETRY_DELAYS[:3]:
        tries.append(tries[-1] + delay)
    delivered = []
    for when in tries:
        # Not a moment early: just before each retry is due, nothing is sent.
        assert await deliver_due(database, client, now=when - timedelta(seconds=1)) == 0
        delivered.append(await deliver_due(database, client, now=when))

    assert delivered == [0, 0, 0, 1]
    assert len(event_receiver.received) == 4
    assert len({received.headers["webhook-id"] for received in event_receiver.received}) == 1
    last = event_receiver.received[-1]
    assert Webhook(registered["secret"]).verify(last.body, last.headers)["type"] == "subscription.cancel"
    [delivery] = await _deliveries(api, token)
    assert (delivery["status"], delivery["attempts"]) == ("DELIVERED", 4)


async def test_an_event_given_up_on_is_delivered_again_when_asked(
    api: httpx.AsyncClient,
    tokens: Tokens,
    *,
    sandbox: SandboxHandle,
    database: Database,
    client: httpx.AsyncClient,
    event_receiver: EventReceiver,
) -> None:
    token = await tokens.api_key()
    registered = await _register(api, token, event_receiver.url, ["subscription.cancel"])
    await _cancel(api, token, sandbox)
    event_receiver.statuses = [500] * (len(RETRY_DELAYS) + 1)
    when = datetime.now(UTC)
    for delay in (*RETRY_DELAYS, timedelta(0)):
        await deliver_due(database, client, now=when)
        when += delay
    [failed] = await _deliveries(api, token)
    assert (failed["status"], failed["attempts"], failed["lastHttpStatus"]) == ("FAILED", 8, 500)
    assert failed["lastError"] == "answered HTTP 500"
    assert await deliver_due(database, client, now=when + timedelta(days=1)) == 0

    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    given = {"endpointId": registered["eventEndpoint"]["id"], "since": since}
    first = await mutate(api, "redeliverEvents", given, token, "scheduled hasMore")
    again = await mutate(api, "redeliverEvents", given, token, "scheduled hasMore")

    assert (first["scheduled"], first["hasMore"], again["scheduled"]) == (1, False, 0)
    assert await deliver_due(database, client) == 1
    assert len(event_receiver.received) == len(RETRY_DELAYS) + 2


async def test_two_deliverers_send_a_due_event_once(
    api: httpx.AsyncClient,
    tokens: Tokens,
    *,
    sandbox: SandboxHandle,
    database: Database,
    client: httpx.AsyncClient,
    event_receiver: EventReceiver,
) -> None:
    token = await tokens.api_key()
    await _register(api, token, event_receiver.url, ["subscription.cancel"])
    await _cancel(api, token, sandbox)

    results = await asyncio.gather(deliver_due(database, client), deliver_due(database, client))

    assert sorted(results) == [0, 1]
    assert len(event_receiver.received) == 1


async def test_registering_again_returns_the_endpoint_and_disabling_stops_deliveries(
    api: httpx.AsyncClient,
    tokens: Tokens,
    *,
    sandbox: SandboxHandle,
    database: Database,
    client: httpx.AsyncClient,
    event_receiver: EventReceiver,
) -> None:
    token = await tokens.api_key()
    first = await _register(api, token, event_receiver.url)
    retried = await _register(api, token, event_receiver.url)
    assert retried == first
    # Every action when no types are given: the endpoint's own registration is its first event.
    assert await deliver_due(database, client) == 1
    assert json.loads(event_receiver.received[0].body)["type"] == "event_endpoint.create"

    endpoint_id = first["eventEndpoint"]["id"]
    disabled = await mutate(
        api, "disableEventEndpoint", {"endpointId": endpoint_id}, token, "eventEndpoint { id }"
    )
    assert disabled["userErrors"] == []
    await _cancel(api, token, sandbox)

    assert await deliver_due(database, client) == 0
    assert len(event_receiver.received) == 1
    again = await mutate(api, "disableEventEndpoint", {"endpointId": "pqwe_missing"}, token)
    assert codes(again) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"url": "http://product.example/hooks"}, "url"),
        ({"url": "https://user:pass@product.example/hooks"}, "url"),
        ({"url": "ftp://product.example/hooks"}, "url"),
        ({"url": "https://product.example/" + "a" * 2100}, "url"),
        ({"url": "https://product.example/hooks", "eventTypes": ["Subscription Cancel"]}, "eventTypes"),
        ({"url": "https://product.example/hooks", "eventTypes": ["a.b"] * 51}, "eventTypes"),
        ({"url": "https://product.example/hooks", "description": "two\nlines"}, "description"),
    ],
)
async def test_a_bad_endpoint_is_refused_with_the_field_to_fix(
    api: httpx.AsyncClient, tokens: Tokens, given: dict[str, Any], field: str
) -> None:
    token = await tokens.api_key()

    payload = await mutate(api, "createEventEndpoint", given, token, ENDPOINT)

    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", field])
    assert error["message"]
    assert payload["eventEndpoint"] is None

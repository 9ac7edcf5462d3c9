"""The event log (`/v1/events`) and signed webhook delivery to a configured endpoint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
import stripe

from tests.fixtures.sandbox import SANDBOX_NOW

if TYPE_CHECKING:
    from tests.fixtures.sandbox import SandboxHandle
    from tests.sandbox.conftest import Receiver

SECRET = "whsec_sandbox_test_secret"


async def test_events_filter_by_type_wildcard_types_and_created(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    created = await stripe_client.v1.customers.create_async({"email": "log@example.com"})
    sandbox.advance(60)
    await stripe_client.v1.customers.update_async(created.id, {"name": "Logged"})

    wildcard = await stripe_client.v1.events.list_async({"type": "customer.*", "limit": 2})
    exact = await stripe_client.v1.events.list_async({"types": ["customer.created"], "limit": 1})
    later = await stripe_client.v1.events.list_async({"created": {"gte": SANDBOX_NOW + 60}})

    assert [e.type for e in wildcard.data] == ["customer.updated", "customer.created"]
    assert exact.data[0].data.object["id"] == created.id
    assert "customer.updated" in [e.type for e in later.data]
    assert "customer.created" not in [e.type for e in later.data]
    assert all(e.created >= SANDBOX_NOW + 60 for e in later.data)


async def test_an_event_is_retrieved_by_id_and_a_missing_one_is_a_404(
    stripe_client: stripe.StripeClient,
) -> None:
    await stripe_client.v1.customers.create_async({"email": "one@example.com"})
    newest = (await stripe_client.v1.events.list_async({"limit": 1})).data[0]

    fetched = await stripe_client.v1.events.retrieve_async(newest.id)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        await stripe_client.v1.events.retrieve_async("evt_nope")

    assert (fetched.id, fetched.type, fetched.api_version) == (
        newest.id,
        "customer.created",
        "2026-10-28.endive",
    )
    assert raised.value.http_status == 404


async def test_type_and_types_cannot_be_combined(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        await stripe_client.v1.events.list_async({"type": "customer.created", "types": ["customer.updated"]})


async def test_events_are_delivered_in_order_with_a_valid_signature(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, webhook_receiver: Receiver
) -> None:
    sandbox.set_webhook_endpoint(webhook_receiver.url, SECRET)

    created = await stripe_client.v1.customers.create_async({"email": "hook@example.com"})
    await stripe_client.v1.customers.update_async(created.id, {"name": "Hooked"})
    deliveries = sandbox.drain_webhooks()

    received = webhook_receiver.received
    assert [json.loads(body)["type"] for body in received.bodies] == ["customer.created", "customer.updated"]
    assert [d["event_type"] for d in deliveries] == ["customer.created", "customer.updated"]
    assert all(d["succeeded"] and d["attempts"] == 1 for d in deliveries)
    for body, header in zip(received.bodies, received.signatures, strict=True):
        assert stripe.WebhookSignature.verify_header(body, header, SECRET, tolerance=300)
    event = stripe_client.construct_event(received.bodies[1], received.signatures[1], SECRET)
    assert event.type == "customer.updated"
    assert event.data.object["name"] == "Hooked"
    assert event.pending_webhooks == 1


async def test_a_signature_made_with_another_secret_does_not_verify(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, webhook_receiver: Receiver
) -> None:
    sandbox.set_webhook_endpoint(webhook_receiver.url, SECRET)
    await stripe_client.v1.customers.create_async({"email": "hook@example.com"})
    sandbox.drain_webhooks()

    received = webhook_receiver.received
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(received.bodies[0], received.signatures[0], "whsec_other")


async def test_a_failed_delivery_is_retried(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, webhook_receiver: Receiver
) -> None:
    webhook_receiver.received.fail_first = 2
    sandbox.set_webhook_endpoint(webhook_receiver.url, SECRET)

    await stripe_client.v1.customers.create_async({"email": "retry@example.com"})
    deliveries = sandbox.drain_webhooks()

    assert [(d["event_type"], d["attempts"], d["status"]) for d in deliveries] == [
        ("customer.created", 3, 200)
    ]
    assert len(webhook_receiver.received.bodies) == 1


async def test_an_unreachable_endpoint_gives_up_without_failing_the_api_call(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    sandbox.set_webhook_endpoint("http://127.0.0.1:9/unreachable", SECRET)

    created = await stripe_client.v1.customers.create_async({"email": "lost@example.com"})
    deliveries = sandbox.drain_webhooks()

    assert created.email == "lost@example.com"
    assert [(d["status"], d["succeeded"]) for d in deliveries] == [(None, False)]


async def test_without_an_endpoint_nothing_is_delivered_and_events_are_not_pending(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    await stripe_client.v1.customers.create_async({"email": "quiet@example.com"})

    newest = (await stripe_client.v1.events.list_async({"limit": 1})).data[0]
    assert newest.pending_webhooks == 0
    assert sandbox.drain_webhooks() == []


async def test_a_reset_keeps_the_endpoint_and_does_not_deliver_the_seed(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle, webhook_receiver: Receiver
) -> None:
    sandbox.set_webhook_endpoint(webhook_receiver.url, SECRET)

    sandbox.admin.post("/_sandbox/reset", json={"seed": "demo"}).raise_for_status()
    assert sandbox.drain_webhooks() == []
    await stripe_client.v1.customers.create_async({"email": "after-reset@example.com"})
    deliveries = sandbox.drain_webhooks()

    assert [d["event_type"] for d in deliveries] == ["customer.created"]
    assert len(webhook_receiver.received.bodies) == 1


async def test_an_event_names_the_request_that_caused_it_and_automatic_ones_name_none(
    stripe_client: stripe.StripeClient, sandbox: SandboxHandle
) -> None:
    created = await stripe_client.v1.customers.create_async(
        {"email": "traced@example.com"}, {"idempotency_key": "portalql:test:1"}
    )
    caused = (await stripe_client.v1.events.list_async({"type": "customer.created", "limit": 1})).data[0]
    sandbox.advance(40 * 24 * 3600)  # renewals fall due: Stripe makes those changes by itself
    automatic = (await stripe_client.v1.events.list_async({"type": "invoice.created", "limit": 1})).data[0]

    assert caused.data.object["id"] == created.id
    assert caused.request is not None
    assert caused.request.idempotency_key == "portalql:test:1"
    assert caused.request.id == created.last_response.request_id
    assert automatic.request is not None
    assert (automatic.request.id, automatic.request.idempotency_key) == (None, None)

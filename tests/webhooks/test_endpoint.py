"""`POST /webhooks/stripe`: only signed, recent deliveries are stored, and each event is processed once."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from portalql.web.app import create_app
from resolvers.ports import AuditSource, PrincipalType
from stripe_sandbox.seed import demo_customer
from stripe_sandbox.webhooks import signature_header
from tests.fixtures.app import app_settings, client_for
from tests.fixtures.sandbox import SANDBOX_NOW
from tests.webhooks.conftest import WEBHOOK_SECRET, audit_trail, deliver, inbox, stripe_event

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.caching import CachedGateway
    from tests.fixtures.sandbox import SandboxHandle


def canceled_in_the_dashboard(sandbox: SandboxHandle, *, event_id: str = "evt_test_1") -> dict[str, Any]:
    """The demo customer's subscription set to cancel at period end, as a change made outside portalql."""
    store = sandbox.state.store
    maya = demo_customer(store)
    subscription = next(s for s in store.iter_type("subscription") if s["customer"] == maya["id"])
    canceling = subscription | {
        "cancel_at_period_end": True,
        "cancel_at": subscription["items"]["data"][0]["current_period_end"],
    }
    return stripe_event(
        "customer.subscription.updated",
        canceling,
        created=SANDBOX_NOW,
        event_id=event_id,
        previous_attributes={"cancel_at_period_end": False, "cancel_at": None},
    )


async def test_a_bad_signature_is_rejected_and_nothing_stored(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    response = await deliver(client, canceled_in_the_dashboard(sandbox), secret="whsec_someone_else")

    assert response.status_code == 400
    assert response.json() == {"error": "signature_invalid"}
    assert await inbox(database) == []
    assert await audit_trail(database) == []


async def test_a_delivery_signed_too_long_ago_is_rejected(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    five_minutes_and_a_bit_ago = int(time.time()) - 301

    response = await deliver(client, canceled_in_the_dashboard(sandbox), signed_at=five_minutes_and_a_bit_ago)

    assert response.status_code == 400
    assert await inbox(database) == []


async def test_a_delivery_without_a_signature_is_rejected(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    response = await client.post("/webhooks/stripe", json=canceled_in_the_dashboard(sandbox))

    assert response.status_code == 400
    assert await inbox(database) == []


async def test_without_a_configured_secret_every_delivery_is_rejected(
    cached_gateway: CachedGateway, sandbox: SandboxHandle, database: Database
) -> None:
    for unset in (None, SecretStr("")):
        app = create_app(app_settings(stripe_webhook_secret=unset), gateway=cached_gateway, database=database)
        async with client_for(app) as client:
            # Signed with the empty secret an attacker would try first.
            response = await deliver(client, canceled_in_the_dashboard(sandbox), secret="")

        assert response.status_code == 400
        assert response.json() == {"error": "no_webhook_secret"}
    assert await inbox(database) == []


async def test_a_signed_payload_that_is_not_an_event_is_rejected(
    client: httpx.AsyncClient, database: Database
) -> None:
    payload = "not json"
    response = await client.post(
        "/webhooks/stripe",
        content=payload,
        headers={"Stripe-Signature": signature_header(payload, WEBHOOK_SECRET, int(time.time()))},
    )

    assert response.status_code == 400
    assert response.json() == {"error": "payload_invalid"}
    assert await inbox(database) == []


async def test_an_event_is_stored_processed_and_audited_once_however_often_it_is_delivered(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    event = canceled_in_the_dashboard(sandbox)

    first = await deliver(client, event)
    again = await deliver(client, event)

    assert (first.status_code, first.json()) == (200, {"received": True})
    assert (again.status_code, again.json()) == (200, {"received": True, "duplicate": True})
    [stored] = await inbox(database)
    subscription = event["data"]["object"]
    assert (stored.stripe_event_id, stored.type, stored.stripe_created) == (
        "evt_test_1",
        "customer.subscription.updated",
        SANDBOX_NOW,
    )
    assert (stored.object_id, stored.customer_id) == (subscription["id"], subscription["customer"])
    assert stored.payload == json.loads(json.dumps(event))
    assert stored.processed_at is not None
    [audited] = await audit_trail(database)
    assert (audited.action, audited.source, audited.principal_type) == (
        "subscription.cancel",
        AuditSource.EXTERNAL,
        PrincipalType.STRIPE,
    )
    assert (audited.object_id, audited.customer_id, audited.request_id) == (
        subscription["id"],
        subscription["customer"],
        "evt_test_1",
    )
    assert audited.before == {"cancel_at_period_end": False, "cancel_at": None}
    assert audited.after == {"cancel_at_period_end": True, "cancel_at": subscription["cancel_at"]}


async def test_events_portalql_does_not_act_on_are_acknowledged_and_not_stored(
    client: httpx.AsyncClient, sandbox: SandboxHandle, database: Database
) -> None:
    # A new customer: nothing of it can be cached yet, and it is no change someone made to billing.
    customer = next(iter(sandbox.state.store.iter_type("customer")))

    response = await deliver(client, stripe_event("customer.created", customer, created=SANDBOX_NOW))

    assert (response.status_code, response.json()) == (200, {"received": True, "ignored": True})
    assert await inbox(database) == []

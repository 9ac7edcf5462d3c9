"""Events that arrive out of order never bring back an older state, and never cost a needless re-read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from resolvers.ports import AuditSource
from tests.webhooks.conftest import audit_trail, deliver
from tests.webhooks.test_freshness import COLD_DASHBOARD, dashboard

if TYPE_CHECKING:
    import httpx
    import stripe

    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

# Reactivated, the subscription has an upcoming invoice again: everything of the customer is read, not the
# catalog.
AFTER_A_CHANGE = {key: count for key, count in COLD_DASHBOARD.items() if key != "GET /v1/prices"}


async def cancel_then_reactivate(
    sandbox: SandboxHandle, stripe_client: stripe.StripeClient, subscription_id: str, *, seconds_apart: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two changes made in Stripe, and the events the sandbox recorded for them, oldest first."""
    store = sandbox.state.store
    seen = len(store.events)
    await stripe_client.v1.subscriptions.update_async(subscription_id, {"cancel_at_period_end": True})
    if seconds_apart:
        sandbox.advance(seconds_apart)
    await stripe_client.v1.subscriptions.update_async(subscription_id, {"cancel_at_period_end": False})
    canceled, reactivated = (e for e in store.events[seen:] if e["type"] == "customer.subscription.updated")
    return canceled, reactivated


async def test_an_older_event_delivered_after_a_newer_one_leaves_the_newer_state_and_the_cache_warm(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
    database: Database,
) -> None:
    token = await tokens.customer_session(customer_a)
    before, _ = await dashboard(client, token, sandbox)
    subscription_id = before["subscriptions"][0]["id"]
    canceled, reactivated = await cancel_then_reactivate(
        sandbox, stripe_client, subscription_id, seconds_apart=60
    )

    await deliver(client, reactivated)
    after_newer, refreshed = await dashboard(client, token, sandbox)
    await deliver(client, canceled)
    after_older, still_warm = await dashboard(client, token, sandbox)

    assert canceled["created"] < reactivated["created"]
    assert [s["cancelAtPeriodEnd"] for s in after_newer["subscriptions"]] == [False]
    assert refreshed == AFTER_A_CHANGE
    assert after_older == after_newer
    assert still_warm == {}
    # Both changes happened, so both are in the trail, in the order they were made.
    trail = sorted(await audit_trail(database), key=lambda event: event.occurred_at)
    assert [(e.action, e.source, int(e.occurred_at.timestamp())) for e in trail] == [
        ("subscription.cancel", AuditSource.EXTERNAL, canceled["created"]),
        ("subscription.reactivate", AuditSource.EXTERNAL, reactivated["created"]),
    ]


async def test_events_of_the_same_second_cannot_be_ordered_so_the_next_read_goes_to_stripe(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.customer_session(customer_a)
    before, _ = await dashboard(client, token, sandbox)
    subscription_id = before["subscriptions"][0]["id"]
    canceled, reactivated = await cancel_then_reactivate(
        sandbox, stripe_client, subscription_id, seconds_apart=0
    )

    await deliver(client, reactivated)
    await dashboard(client, token, sandbox)
    await deliver(client, canceled)
    after, refetched = await dashboard(client, token, sandbox)

    assert canceled["created"] == reactivated["created"]
    assert refetched == AFTER_A_CHANGE
    assert [s["cancelAtPeriodEnd"] for s in after["subscriptions"]] == [False]

"""Two instances behind one load balancer, sharing the database and Redis: a webhook received by one makes
the other's next read fresh, and an event delivered to both is processed once.

The database is PostgreSQL when `PORTALQL_TEST_DATABASE_URL` is set, and a SQLite file otherwise. Redis is
`PORTALQL_TEST_REDIS_URL` or 127.0.0.1:6379; without the variable and without a server the tests are
skipped. Each test works under its own Redis key prefix and deletes it afterwards.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr

from portalql.cli.demo import DASHBOARD_QUERY
from portalql.persistence.db import Database
from portalql.settings import normalise_database_url
from portalql.web.app import create_app
from stripe_gateway.caching import CachedGateway, SharedStore
from tests.api.mutation_support import mutate
from tests.fixtures.app import Tokens, app_settings, client_for, graphql
from tests.fixtures.database import BACKENDS, _postgres_schema
from tests.webhooks.conftest import WEBHOOK_SECRET, audit_trail, deliver, inbox
from tests.webhooks.test_freshness import AFTER_A_CANCEL, COLD_DASHBOARD

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable
    from pathlib import Path

    import httpx
    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.sandbox import SandboxHandle

_POSTGRES_URL = os.environ.get("PORTALQL_TEST_DATABASE_URL")
# A broadcast reaches the other instance in milliseconds; this only bounds a failing test.
_BROADCAST_SECONDS = 5.0


@pytest.fixture(params=BACKENDS)
async def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, Any]]:
    """Where both instances keep their data: a database URL and the connection arguments to reach it."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}", {}
        return
    assert _POSTGRES_URL is not None
    url = normalise_database_url(_POSTGRES_URL)
    async with _postgres_schema(url) as schema:
        yield url, {"server_settings": {"search_path": schema}}


@dataclass
class Instance:
    client: httpx.AsyncClient
    database: Database


@pytest.fixture
async def instances(
    shared_database: tuple[str, Any],
    redis_namespace: tuple[str, str],
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
) -> AsyncIterator[tuple[Instance, Instance]]:
    """Instances A and B: each its own process state (engine, Stripe client, local cache tier)."""
    database_url, connect_args = shared_database
    redis_url, prefix = redis_namespace
    settings = app_settings(stripe_webhook_secret=SecretStr(WEBHOOK_SECRET), redis_url=redis_url)
    async with AsyncExitStack() as stack:
        started = []
        for _ in range(2):
            database = Database(database_url, connect_args=connect_args)
            stack.push_async_callback(database.dispose)
            await database.migrate()
            store = await SharedStore.connect(redis_url, prefix=prefix)
            stack.push_async_callback(store.close)
            gateway = CachedGateway(await connect_gateway(), store)
            client = await stack.enter_async_context(
                client_for(create_app(settings, gateway=gateway, database=database))
            )
            started.append(Instance(client, database))
        a, b = started
        yield a, b


async def dashboard(instance: Instance, token: str, sandbox: SandboxHandle) -> tuple[Any, dict[str, int]]:
    sandbox.reset_calls()
    body = await graphql(instance.client, DASHBOARD_QUERY, token=token)
    assert "errors" not in body, body["errors"]
    return body["data"]["viewer"]["customer"], sandbox.calls()


async def test_a_webhook_received_by_one_instance_makes_the_others_next_read_fresh(
    *,
    instances: tuple[Instance, Instance],
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    customer_a: str,
) -> None:
    a, b = instances
    token = await Tokens(a.database).customer_session(customer_a)
    before, cold_on_b = await dashboard(b, token, sandbox)
    _, warm_on_b = await dashboard(b, token, sandbox)
    _, warm_on_a = await dashboard(a, token, sandbox)

    subscription_id = before["subscriptions"][0]["id"]
    await stripe_client.v1.subscriptions.update_async(subscription_id, {"cancel_at_period_end": True})
    [event] = sandbox.state.store.events
    received = await deliver(a.client, event)
    sandbox.reset_calls()
    # B's local copy goes as soon as A's broadcast reaches it; until then B still answers from it, at no cost.
    async with asyncio.timeout(_BROADCAST_SECONDS):
        while True:
            body = await graphql(b.client, DASHBOARD_QUERY, token=token)
            if body["data"]["viewer"]["customer"]["subscriptions"][0]["cancelAtPeriodEnd"]:
                break
            await asyncio.sleep(0.01)
    refreshed_on_b = sandbox.calls()
    _, then_warm_on_a = await dashboard(a, token, sandbox)

    # B filled the shared cache, so A's first read was already warm.
    assert (cold_on_b, warm_on_b, warm_on_a) == (COLD_DASHBOARD, {}, {})
    assert received.json() == {"received": True}
    assert refreshed_on_b == AFTER_A_CANCEL
    assert then_warm_on_a == {}


async def test_an_event_delivered_to_both_instances_is_processed_once(
    *,
    instances: tuple[Instance, Instance],
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    customer_a: str,
) -> None:
    a, b = instances
    [subscription] = [s for s in sandbox.state.store.iter_type("subscription") if s["customer"] == customer_a]
    await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
    [event] = sandbox.state.store.events

    on_a, on_b = await asyncio.gather(deliver(a.client, event), deliver(b.client, event))

    assert sorted([on_a.json(), on_b.json()], key=len) == [
        {"received": True},
        {"received": True, "duplicate": True},
    ]
    [stored] = await inbox(b.database)
    assert stored.processed_at is not None
    assert [(e.action, e.object_id) for e in await audit_trail(a.database)] == [
        ("subscription.cancel", subscription["id"])
    ]


async def test_a_write_through_one_instance_drops_the_answers_the_other_keeps_whole(
    *, instances: tuple[Instance, Instance], sandbox: SandboxHandle, customer_a: str
) -> None:
    a, b = instances
    session, api_key = (
        await Tokens(a.database).customer_session(customer_a),
        await Tokens(a.database).api_key(),
    )
    await dashboard(b, session, sandbox)
    hits = _answered_whole()
    _, warm_on_b = await dashboard(b, session, sandbox)
    answered_whole_on_b = _answered_whole() - hits

    renamed = await mutate(a.client, "updateCustomer", {"customerId": customer_a, "name": "Maya C."}, api_key)
    # B's answer goes with its local copy of the customer, as soon as A's broadcast reaches it.
    async with asyncio.timeout(_BROADCAST_SECONDS):
        while (await dashboard(b, session, sandbox))[0]["name"] != "Maya C.":  # noqa: ASYNC110 - polls B
            await asyncio.sleep(0.01)

    assert warm_on_b == {}
    assert answered_whole_on_b == 1
    assert renamed["userErrors"] == []


def _answered_whole() -> float:
    return REGISTRY.get_sample_value("portalql_response_cache_total", {"outcome": "hit"}) or 0.0

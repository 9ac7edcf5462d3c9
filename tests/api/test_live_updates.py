"""Live updates: a socket speaking graphql-transport-ws to the app served over loopback hears of every change
of its customer, made through portalql or in Stripe (the sandbox's webhook), on this instance or another
sharing Redis; and it is admitted, bounded and ended as `portalql.web.live_sockets` says.

The waits below bound failing tests only: a change is heard within milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any

import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from portalql.live import LocalChanges, _parsed, live_changes
from portalql.web.app import create_app
from resolvers.live import BillingChange, BillingTopic
from resolvers.principals import Scope
from stripe_gateway.caching import CachedGateway, SharedStore
from stripe_gateway.caching.gateway import customer_group
from tests.fixtures.app import ALL_SCOPES, app_settings, graphql
from tests.webhooks.conftest import WEBHOOK_SECRET, serving

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx
    import stripe

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

_WAIT_SECONDS = 5.0
PROTOCOL = "graphql-transport-ws"

WATCH = (
    "subscription Watch($customerId: ID) { billingChanged(customerId: $customerId) { customerId topics } }"
)
RENAME = """
mutation Rename($name: String!, $customerId: ID) {
  updateCustomer(input: {customerId: $customerId, name: $name}) { userErrors { code } }
}
"""
CUSTOMER_SUBSCRIPTIONS = "{ viewer { customer { subscriptions { id } } } }"


class Instances:
    """Apps on loopback ports over the test's database and the sandbox, as `portalql serve` runs them."""

    def __init__(self, gateway: StripeGateway, database: Database, stack: contextlib.AsyncExitStack) -> None:
        self._gateway = gateway
        self._database = database
        self._stack = stack

    async def start(self, **overrides: Any) -> str:
        settings = app_settings(stripe_webhook_secret=SecretStr(WEBHOOK_SECRET), **overrides)
        app = create_app(settings, gateway=self._gateway, database=self._database)
        return await self._stack.enter_async_context(serving(app, lifespan="on"))


@pytest.fixture
async def instances(gateway: StripeGateway, database: Database) -> AsyncIterator[Instances]:
    async with contextlib.AsyncExitStack() as stack:
        yield Instances(gateway, database, stack)


@contextlib.asynccontextmanager
async def socket_to(address: str, payload: dict[str, Any] | None = None) -> AsyncIterator[ClientConnection]:
    """A socket to the API, initialised with `payload` (and acknowledged, unless it is refused)."""
    async with connect(f"ws://{address}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        yield ws


async def acknowledged(ws: ClientConnection) -> None:
    assert await _message(ws) == {"type": "connection_ack"}


async def subscribe(
    ws: ClientConnection, variables: dict[str, Any] | None = None, *, query: str = WATCH, operation: str = "1"
) -> None:
    payload = {"query": query, "variables": variables or {}}
    await ws.send(json.dumps({"id": operation, "type": "subscribe", "payload": payload}))


async def _message(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(_WAIT_SECONDS):
        message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def heard(ws: ClientConnection) -> dict[str, Any]:
    message = await _message(ws)
    assert message["type"] == "next", message
    change: dict[str, Any] = message["payload"]["data"]["billingChanged"]
    return change


async def closed_with(ws: ClientConnection) -> tuple[int | None, str | None]:
    """The code and reason the server closed the socket with (failing if it sends anything first)."""
    async with asyncio.timeout(_WAIT_SECONDS):
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    received = closed.value.rcvd
    return (received.code, received.reason) if received is not None else (None, None)


def watchers() -> float:
    """Subscriptions watching, in every app of this process (the instances share the metrics registry)."""
    return REGISTRY.get_sample_value("portalql_live_watchers") or 0.0


async def watching(count: float) -> None:
    """Wait until `count` subscriptions watch: a change made before would have no one to tell."""
    async with asyncio.timeout(_WAIT_SECONDS):
        while watchers() < count:  # noqa: ASYNC110 - the gauge is all there is to watch
            await asyncio.sleep(0.01)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_a_session_hears_of_a_change_made_through_portalql(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    token = await tokens.customer_session(customer_a)
    before = watchers()
    # Spelt as GraphiQL sends it, from its headers.
    async with socket_to(address, {"Authorization": f"Bearer {token}"}) as ws, _http(address) as http:
        await acknowledged(ws)
        await subscribe(ws)
        await watching(before + 1)
        body = await graphql(http, RENAME, {"name": "Maya Chen-Ortiz"}, token=token)
        assert body["data"]["updateCustomer"]["userErrors"] == []
        assert await heard(ws) == {"customerId": customer_a, "topics": ["DETAILS"]}


async def test_a_change_made_in_stripe_is_heard_through_its_webhook(
    *,
    instances: Instances,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
) -> None:
    address = await instances.start()
    await asyncio.to_thread(sandbox.set_webhook_endpoint, f"http://{address}/webhooks/stripe", WEBHOOK_SECRET)
    token = await tokens.customer_session(customer_a)
    async with socket_to(address, bearer(token)) as ws, _http(address) as http:
        await acknowledged(ws)
        await subscribe(ws)
        subscriptions = (await graphql(http, CUSTOMER_SUBSCRIPTIONS, token=token))["data"]
        [subscription] = subscriptions["viewer"]["customer"]["subscriptions"]
        # As support would in Stripe's dashboard: the SDK straight against the sandbox, which then sends
        # its webhook to the app.
        await stripe_client.v1.subscriptions.update_async(subscription["id"], {"cancel_at_period_end": True})
        outcomes = await asyncio.to_thread(sandbox.drain_webhooks)
        assert [outcome["succeeded"] for outcome in outcomes] == [True]
        assert await heard(ws) == {"customerId": customer_a, "topics": ["SUBSCRIPTIONS", "INVOICES"]}


async def test_an_instance_hears_of_a_change_made_through_another_sharing_redis(
    *, instances: Instances, tokens: Tokens, customer_a: str, redis_namespace: tuple[str, str]
) -> None:
    url, prefix = redis_namespace
    shared = {"redis_url": url, "live_channel": f"{prefix}live"}
    watched, changed = await instances.start(**shared), await instances.start(**shared)
    token = await tokens.customer_session(customer_a)
    before = watchers()
    async with socket_to(watched, bearer(token)) as ws, _http(changed) as http:
        await acknowledged(ws)
        await subscribe(ws)
        await watching(before + 1)
        body = await graphql(http, RENAME, {"name": "Maya C. Chen"}, token=token)
        assert body["data"]["updateCustomer"]["userErrors"] == []
        assert await heard(ws) == {"customerId": customer_a, "topics": ["DETAILS"]}


async def test_a_session_hears_only_of_what_its_scopes_let_it_read(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    partial = await tokens.customer_session(
        customer_a, scopes=ALL_SCOPES - {Scope.CUSTOMER_READ, Scope.INVOICES_READ}
    )
    key = await tokens.api_key()
    before = watchers()
    async with socket_to(address, bearer(partial)) as ws, _http(address) as http:
        await acknowledged(ws)
        await subscribe(ws)
        await watching(before + 1)
        # Details (the name): not this session's to read, so not told. A cancellation: told, but not of the
        # upcoming invoice it moves.
        await graphql(http, RENAME, {"name": "Maya", "customerId": customer_a}, token=key)
        owned = await graphql(http, SUBSCRIPTIONS_OF, {"id": customer_a}, token=key)
        [subscription] = owned["data"]["customer"]["subscriptions"]
        body = await graphql(http, CANCEL, {"id": subscription["id"]}, token=key)
        assert body["data"]["cancelSubscription"]["userErrors"] == []
        assert await heard(ws) == {"customerId": customer_a, "topics": ["SUBSCRIPTIONS"]}


async def test_another_customer_cannot_be_watched_and_an_api_key_names_the_customer(
    *, instances: Instances, tokens: Tokens, customer_a: str, customer_b: str
) -> None:
    address = await instances.start()
    token = await tokens.customer_session(customer_a)
    key = await tokens.api_key()
    async with socket_to(address, bearer(token)) as ws:
        await acknowledged(ws)
        await subscribe(ws, {"customerId": customer_b})
        assert _codes(await _message(ws)) == ["NOT_FOUND"]
    before = watchers()
    async with socket_to(address, bearer(key)) as ws, _http(address) as http:
        await acknowledged(ws)
        await subscribe(ws)
        assert _codes(await _message(ws)) == ["FORBIDDEN"]
        await subscribe(ws, {"customerId": customer_b}, operation="2")
        await watching(before + 1)
        await graphql(http, RENAME, {"name": "Noah", "customerId": customer_b}, token=key)
        assert await heard(ws) == {"customerId": customer_b, "topics": ["DETAILS"]}


async def test_a_session_that_may_read_none_of_the_topics_cannot_watch(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    token = await tokens.customer_session(customer_a, scopes={Scope.AUDIT_READ})
    async with socket_to(address, bearer(token)) as ws:
        await acknowledged(ws)
        await subscribe(ws)
        assert _codes(await _message(ws)) == ["FORBIDDEN"]


async def test_a_socket_without_a_valid_credential_is_refused(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    expired = await tokens.customer_session(customer_a, expired=True)
    for payload in ({}, bearer("pq_cs_unknown"), bearer(expired), {"authorization": 7}):
        async with socket_to(address, payload) as ws:
            code, reason = await closed_with(ws)
            assert code == 4403, payload
            assert reason


async def test_a_credential_holds_a_bounded_number_of_sockets(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start(live_connections_per_credential=2)
    token = await tokens.customer_session(customer_a)
    async with socket_to(address, bearer(token)) as first, socket_to(address, bearer(token)) as second:
        await acknowledged(first)
        await acknowledged(second)
        async with socket_to(address, bearer(token)) as third:
            assert await closed_with(third) == (4429, "At most 2 live connections per credential.")
    # Closing one frees its place.
    async with socket_to(address, bearer(token)) as again:
        await acknowledged(again)


async def test_an_idle_socket_is_closed(*, instances: Instances, tokens: Tokens, customer_a: str) -> None:
    address = await instances.start(live_idle_seconds=1.0)
    async with socket_to(address, bearer(await tokens.customer_session(customer_a))) as ws:
        await acknowledged(ws)
        assert await closed_with(ws) == (4408, "Idle: no subscription is running.")


async def test_a_revoked_session_loses_its_socket(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    token = await tokens.customer_session(customer_a)
    async with socket_to(address, bearer(token)) as ws, _http(address) as http:
        await acknowledged(ws)
        await subscribe(ws)
        body = await graphql(http, REVOKE, {"token": token}, token=await tokens.api_key())
        assert body["data"]["revokeCustomerSession"]["userErrors"] == []
        assert await closed_with(ws) == (4403, "The credential has expired or was revoked.")


async def test_only_subscriptions_run_on_a_socket_and_none_over_http(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    token = await tokens.customer_session(customer_a)
    async with socket_to(address, bearer(token)) as ws, _http(address) as http:
        await acknowledged(ws)
        await subscribe(ws, query=CUSTOMER_SUBSCRIPTIONS)
        refused = await _message(ws)
        assert refused["type"] == "error"
        assert _codes(refused) == ["OPERATION_NOT_ALLOWED"]
        response = await http.post(
            "/graphql", json={"query": WATCH}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 400
        assert "subscriptions are not allowed" in response.text


async def test_a_subscription_sent_by_an_unknown_trusted_id_is_refused_with_its_code(
    *, instances: Instances, tokens: Tokens, customer_a: str
) -> None:
    address = await instances.start()
    async with socket_to(address, bearer(await tokens.customer_session(customer_a))) as ws:
        await acknowledged(ws)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"documentId": "ab" * 32}}))
        assert _codes(await _message(ws)) == ["PERSISTED_QUERY_NOT_FOUND"]
        # The socket stays usable.
        await subscribe(ws, operation="2")
        await ws.send(json.dumps({"type": "ping"}))
        assert await _message(ws) == {"type": "pong"}


async def test_an_instance_forgets_its_own_copy_of_what_another_changed_before_telling_its_watchers(
    redis_namespace: tuple[str, str], gateway: StripeGateway
) -> None:
    url, prefix = redis_namespace
    settings = app_settings(redis_url=url, live_channel=f"{prefix}live")
    store = await SharedStore.connect(url, prefix=prefix)
    cached = CachedGateway(gateway, store)
    heard: list[str] = []
    own = cached.own_entries
    since = await own.mark()
    await own.put("answer", b"{}", groups={customer_group("cus_1")}, ttl=60, since=since)
    await own.put("other", b"{}", groups={customer_group("cus_2")}, ttl=60, since=since)

    def forget(customer_id: str) -> None:
        heard.append(customer_id)
        cached.forget_customer_here(customer_id)

    try:
        async with (
            live_changes(settings, heard=forget) as watched,
            live_changes(settings) as other,
            watched.watch("cus_1") as changes,
        ):
            await other.publish(BillingChange.now("cus_1", {BillingTopic.DETAILS}))
            async with asyncio.timeout(_WAIT_SECONDS):
                told = await anext(changes)
        assert (told.customer_id, heard) == ("cus_1", ["cus_1"])
        assert await own.get("answer") is None
        assert await own.get("other") is not None
    finally:
        await store.close()


async def test_a_watcher_that_reads_slowly_gets_the_changes_merged() -> None:
    live = LocalChanges()
    before = watchers()
    async with live.watch("cus_1") as changes:
        await live.publish(BillingChange.now("cus_1", {BillingTopic.INVOICES}))
        await live.publish(BillingChange.now("cus_2", {BillingTopic.CREDITS}))
        await live.publish(BillingChange.now("cus_1", {BillingTopic.PAYMENT_METHODS}))
        merged = await anext(changes)
    assert merged.topics == {BillingTopic.INVOICES, BillingTopic.PAYMENT_METHODS}
    assert watchers() == before


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"{}",
        b'{"customer": "cus_1", "topics": ["nope"], "at": "2026-12-06T00:00:00+00:00"}',
        "text, not bytes",
        b"x" * 2000,
    ],
)
def test_anything_on_the_channel_that_is_not_a_change_is_ignored(data: object) -> None:
    assert _parsed(data) is None


SUBSCRIPTIONS_OF = "query Of($id: ID!) { customer(id: $id) { subscriptions { id } } }"
CANCEL = """
mutation Cancel($id: ID!) {
  cancelSubscription(input: {subscriptionId: $id, mode: AT_PERIOD_END}) { userErrors { code } }
}
"""
REVOKE = """
mutation Revoke($token: String!) { revokeCustomerSession(input: {token: $token}) { userErrors { code } } }
"""


def _codes(message: dict[str, Any]) -> list[str]:
    assert message["type"] in {"error", "next"}, message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return [error["extensions"]["code"] for error in errors]


@contextlib.asynccontextmanager
async def _http(address: str) -> AsyncIterator[httpx.AsyncClient]:
    import httpx  # noqa: PLC0415

    async with httpx.AsyncClient(base_url=f"http://{address}") as client:
        yield client

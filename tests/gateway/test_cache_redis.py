"""Two instances sharing one Redis: a read by one warms the other, and an invalidation received by one
(a webhook) makes the other's next read go to Stripe.

Redis is `PORTALQL_TEST_REDIS_URL` (CI sets it) or 127.0.0.1:6379; without the variable and without a
server these tests are skipped. Each test works under its own key prefix and deletes it afterwards.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.caching import CachedGateway, SharedStore
from stripe_gateway.records import Customer, CustomerUpdate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    import stripe

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Sandbox, Subscribed

pytestmark = pytest.mark.sandbox_only

CUSTOMER = "GET /v1/customers/{id}"
# A broadcast reaches the other instance in milliseconds; this only bounds a failing test.
_BROADCAST_SECONDS = 5.0


@pytest.fixture
async def two_instances(
    redis_namespace: tuple[str, str], connect_gateway: Callable[..., Awaitable[StripeGateway]]
) -> AsyncIterator[tuple[CachedGateway, CachedGateway]]:
    url, prefix = redis_namespace
    stores = [await SharedStore.connect(url, prefix=prefix) for _ in range(2)]
    yield CachedGateway(await connect_gateway(), stores[0]), CachedGateway(await connect_gateway(), stores[1])
    for store in stores:
        await store.close()


async def _eventually(read: Callable[[], Awaitable[Customer]], expected_name: str) -> Customer:
    async with asyncio.timeout(_BROADCAST_SECONDS):
        while True:
            customer = await read()
            if customer.name == expected_name:
                return customer
            await asyncio.sleep(0.01)


async def test_a_read_by_one_instance_warms_the_other(
    two_instances: tuple[CachedGateway, CachedGateway], subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    a, b = two_instances
    sandbox_knobs.reset_calls()

    cold = await a.retrieve_customer(subscribed.customer_id, with_subscriptions=True)
    shared = await b.retrieve_customer(subscribed.customer_id, with_subscriptions=True)
    local = await b.retrieve_customer(subscribed.customer_id, with_subscriptions=True)

    assert shared == cold
    assert local == cold
    assert sandbox_knobs.calls(CUSTOMER) == 1


async def test_an_invalidation_on_one_instance_makes_the_others_next_read_fresh(
    two_instances: tuple[CachedGateway, CachedGateway],
    subscribed: Subscribed,
    stripe_admin: stripe.StripeClient,
    sandbox_knobs: Sandbox,
) -> None:
    a, b = two_instances
    await b.retrieve_customer(subscribed.customer_id)
    await b.retrieve_customer(subscribed.customer_id)  # now in B's local tier too
    await stripe_admin.v1.customers.update_async(subscribed.customer_id, {"name": "Changed elsewhere"})
    assert (await b.retrieve_customer(subscribed.customer_id)).name == "Ada Contract"
    sandbox_knobs.reset_calls()

    await a.invalidate_customer(subscribed.customer_id)  # as A's webhook handler does
    fresh = await _eventually(lambda: b.retrieve_customer(subscribed.customer_id), "Changed elsewhere")

    assert fresh.name == "Changed elsewhere"
    assert sandbox_knobs.calls(CUSTOMER) == 1


async def test_a_write_through_one_instance_is_seen_by_the_other(
    two_instances: tuple[CachedGateway, CachedGateway], subscribed: Subscribed
) -> None:
    a, b = two_instances
    await b.retrieve_customer(subscribed.customer_id)
    await b.retrieve_customer(subscribed.customer_id)

    await a.update_customer(subscribed.customer_id, CustomerUpdate(name="Written by A"), idempotency_key="a")

    seen = await _eventually(lambda: b.retrieve_customer(subscribed.customer_id), "Written by A")
    assert seen.name == "Written by A"


async def test_a_read_that_began_before_an_invalidation_is_not_stored(
    redis_namespace: tuple[str, str],
) -> None:
    url, prefix = redis_namespace
    reader = await SharedStore.connect(url, prefix=prefix)
    webhook = await SharedStore.connect(url, prefix=prefix)
    try:
        before = await reader.mark()

        await webhook.invalidate(["customer:cus_1"])
        await reader.put("stale", b"old", groups=["customer:cus_1"], ttl=60, since=before)
        await reader.put("other", b"ok", groups=["customer:cus_2"], ttl=60, since=before)

        assert await reader.get("stale") is None
        assert await webhook.get("other") == b"ok"
    finally:
        await reader.close()
        await webhook.close()

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
        stale = await reader.put("stale", b"old", groups=["customer:cus_1"], ttl=60, since=before)
        other = await reader.put("other", b"ok", groups=["customer:cus_2"], ttl=60, since=before)

        assert (stale, other) == (False, True)
        assert await reader.get("stale") is None
        found = await webhook.get("other")
        assert found is not None
        assert found.value == b"ok"
    finally:
        await reader.close()
        await webhook.close()


async def test_an_entry_read_from_redis_is_kept_locally_no_longer_than_redis_keeps_it(
    redis_namespace: tuple[str, str],
) -> None:
    url, prefix = redis_namespace
    writer = await SharedStore.connect(url, prefix=prefix)
    reader = await SharedStore.connect(url, prefix=prefix)
    try:
        await writer.put("short", b"v", groups=["customer:cus_1"], ttl=0.3, since=await writer.mark())
        shared = await reader.get("short")  # from Redis, and now in the reader's local tier
        local = await reader.get("short")
        await asyncio.sleep(0.4)
        expired = await reader.get("short")
    finally:
        await writer.close()
        await reader.close()

    assert shared is not None
    assert local is not None
    assert 0 < local.ttl <= shared.ttl <= 0.3
    assert expired is None


async def test_this_process_own_entries_are_not_shared_but_dropped_by_any_instances_invalidation(
    redis_namespace: tuple[str, str],
) -> None:
    url, prefix = redis_namespace
    here = await SharedStore.connect(url, prefix=prefix)
    there = await SharedStore.connect(url, prefix=prefix)
    try:
        since = await here.local.mark()
        stored = await here.local.put("answer", b"{}", groups=["customer:cus_1"], ttl=60, since=since)
        kept = await here.local.get("answer")
        elsewhere = (await there.get("answer"), await there.local.get("answer"))

        await there.invalidate(["customer:cus_1"])  # a webhook received by the other instance
        async with asyncio.timeout(_BROADCAST_SECONDS):
            while await here.local.get("answer") is not None:  # noqa: ASYNC110 - until the broadcast lands
                await asyncio.sleep(0.01)
        raced = await here.local.put("answer", b"{}", groups=["customer:cus_1"], ttl=60, since=since)
    finally:
        await here.close()
        await there.close()

    assert stored is True
    assert kept is not None
    assert kept.value == b"{}"
    assert elsewhere == (None, None)
    assert raced is False  # built before the invalidation: not stored after it

"""The shared cache when Redis fails: reads keep being served (from this process's copy, refilled from
Stripe), a frozen Redis costs a short timeout rather than seconds per operation, and an instance that was cut
off replays its missed invalidations and drops its own copy as soon as Redis answers again.

Redis here is a server of the test's own, reached through a proxy the test cuts and freezes.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.caching import CachedGateway, CacheUnavailable, SharedStore
from stripe_gateway.records import CustomerUpdate
from tests.fixtures.tcp_proxy import proxy_to

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.redis_server import RedisServer
    from tests.gateway.conftest import Sandbox, Subscribed

pytestmark = pytest.mark.sandbox_only

CUSTOMER = "GET /v1/customers/{id}"
# Only catches a hang: with redis-py's defaults a frozen Redis took 5 s per operation.
_NO_HANG_SECONDS = 4.0


async def test_reads_during_a_redis_outage_are_served_from_this_process(
    redis_server: RedisServer, gateway: StripeGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    store = await SharedStore.connect(redis_server.url, prefix="t:")
    cache = CachedGateway(gateway, store)
    try:
        redis_server.stop()
        sandbox_knobs.reset_calls()
        reads = [await cache.retrieve_customer(subscribed.customer_id) for _ in range(5)]
    finally:
        await store.close()

    assert {customer.id for customer in reads} == {subscribed.customer_id}
    assert sandbox_knobs.calls(CUSTOMER) == 1


async def test_a_frozen_redis_costs_a_short_timeout_then_the_breaker_skips_it(
    redis_server: RedisServer, gateway: StripeGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    async with proxy_to("127.0.0.1", redis_server.port) as proxy:
        store = await SharedStore.connect(f"redis://127.0.0.1:{proxy.port}/0", prefix="t:")
        cache = CachedGateway(gateway, store)
        try:
            proxy.freeze()
            sandbox_knobs.reset_calls()
            async with asyncio.timeout(_NO_HANG_SECONDS):
                reads = [await cache.retrieve_customer(subscribed.customer_id) for _ in range(20)]
        finally:
            proxy.restore()
            await store.close()

    assert len(reads) == 20
    assert sandbox_knobs.calls(CUSTOMER) == 1


async def test_an_instance_cut_off_from_redis_replays_its_invalidations_when_it_returns(
    redis_server: RedisServer,
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
    subscribed: Subscribed,
    sandbox_knobs: Sandbox,
) -> None:
    customer_id = subscribed.customer_id
    async with proxy_to("127.0.0.1", redis_server.port) as proxy:
        cut_off_store = await SharedStore.connect(
            f"redis://127.0.0.1:{proxy.port}/0", prefix="t:", retry_seconds=0.1
        )
        other_store = await SharedStore.connect(redis_server.url, prefix="t:")
        cut_off = CachedGateway(await connect_gateway(), cut_off_store)
        other = CachedGateway(await connect_gateway(), other_store)
        try:
            before = await other.retrieve_customer(customer_id)
            await cut_off.retrieve_customer(customer_id)  # from Redis: now in its local copy too
            proxy.cut()
            await cut_off.update_customer(customer_id, CustomerUpdate(name="Renamed"), idempotency_key="k")
            with pytest.raises(CacheUnavailable):
                await cut_off.invalidate_customer(customer_id)  # a webhook: Stripe will retry it
            stale = await other.retrieve_customer(customer_id)
            sandbox_knobs.reset_calls()

            proxy.restore()
            await asyncio.sleep(0.2)  # past the breaker's retry interval
            mine = await cut_off.retrieve_customer(customer_id)  # Redis answers: it catches up first
            async with asyncio.timeout(_NO_HANG_SECONDS):
                while (await other.retrieve_customer(customer_id)).name != "Renamed":  # noqa: ASYNC110 - polls Redis
                    await asyncio.sleep(0.01)
        finally:
            await cut_off_store.close()
            await other_store.close()

    assert stale.name == before.name  # the missed invalidation left the other instance stale meanwhile
    assert mine.name == "Renamed"
    assert sandbox_knobs.calls(CUSTOMER) == 1  # read afresh once, then shared through Redis


async def test_this_process_own_entries_serve_during_an_outage_and_go_when_redis_returns(
    redis_server: RedisServer,
) -> None:
    async with proxy_to("127.0.0.1", redis_server.port) as proxy:
        store = await SharedStore.connect(f"redis://127.0.0.1:{proxy.port}/0", prefix="t:", retry_seconds=0.1)
        try:
            proxy.cut()
            await store.get("anything")  # fails: the breaker opens, this process's tier serves alone
            stored = await store.local.put(
                "answer", b"{}", groups=["catalog"], ttl=600, since=await store.local.mark()
            )
            during = await store.local.get("answer")

            proxy.restore()
            await asyncio.sleep(0.2)  # past the breaker's retry interval
            after = await store.local.get("answer")  # Redis answers: broadcasts were missed, so it is dropped
        finally:
            await store.close()

    assert stored is True
    assert during is not None
    assert during.ttl <= 60  # no longer than the local tier keeps anything another instance could invalidate
    assert after is None

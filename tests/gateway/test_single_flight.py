"""Concurrent misses for one entry share one Stripe call, and a read whose client has left is not sent."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.caching import CachedGateway, MemoryStore
from stripe_gateway.errors import Throttled
from stripe_gateway.pacing import Deadline, current_deadline

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from stripe_gateway.gateway import StripeGateway
    from tests.gateway.conftest import Sandbox, Subscribed

pytestmark = pytest.mark.sandbox_only

CUSTOMER = "GET /v1/customers/{id}"


async def test_concurrent_misses_for_one_object_make_one_stripe_call(
    gateway: StripeGateway, subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    cache = CachedGateway(gateway, MemoryStore())
    sandbox_knobs.reset_calls()

    async def request() -> str:
        # Each in its own request, with its own deadline.
        current_deadline.set(Deadline(asyncio.get_running_loop().time() + 10))
        return (await cache.retrieve_customer(subscribed.customer_id)).id

    ids = await asyncio.gather(*(request() for _ in range(10)))

    assert set(ids) == {subscribed.customer_id}
    assert sandbox_knobs.calls(CUSTOMER) == 1


async def test_a_queued_read_whose_client_left_is_dropped(
    connect_gateway: Callable[..., Awaitable[StripeGateway]], subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    cache = CachedGateway(await connect_gateway(requests_per_second=2), MemoryStore())
    deadline = Deadline(asyncio.get_running_loop().time() + 10)
    current_deadline.set(deadline)
    sandbox_knobs.reset_calls()
    await cache.retrieve_customer(subscribed.customer_id)  # the first instant; the next is 0.5 s later

    queued = asyncio.create_task(cache.list_payment_methods(subscribed.customer_id))
    await asyncio.sleep(0.1)
    deadline.gone.set()
    with pytest.raises(Throttled):
        await queued
    await asyncio.sleep(0.6)  # past the instant the dropped read had taken
    with pytest.raises(Throttled):
        await cache.retrieve_invoice(subscribed.invoice_id)  # nor is a later read of this request sent

    assert sandbox_knobs.all_calls() == {CUSTOMER: 1}

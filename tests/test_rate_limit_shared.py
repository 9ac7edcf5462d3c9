"""Two instances on one Stripe account share its rate limit through Redis: counted by the sandbox, their
calls together never exceed the limit in any second, including the first (no burst from a full bucket)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from stripe_gateway.pacing import connect_pacer
from tests.fixtures.gateway import SANDBOX_API_KEY

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.redis_server import RedisServer
    from tests.fixtures.sandbox import SandboxHandle

LIMIT = 10  # calls per second for the account
CALLS_PER_INSTANCE = 20


async def test_two_instances_together_stay_under_the_accounts_limit(
    redis_server: RedisServer,
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
    customer_a: str,
    sandbox: SandboxHandle,
) -> None:
    instances = [
        await connect_gateway(pacer=connect_pacer(LIMIT, account=SANDBOX_API_KEY, redis_url=redis_server.url))
        for _ in range(2)
    ]
    loop = asyncio.get_running_loop()
    samples: list[tuple[float, int]] = []

    async def count_calls() -> None:
        while True:
            samples.append((loop.time(), sum(sandbox.calls().values())))
            await asyncio.sleep(0.05)

    counter = asyncio.create_task(count_calls())
    await asyncio.gather(
        *(gateway.retrieve_customer(customer_a) for gateway in instances for _ in range(CALLS_PER_INSTANCE))
    )
    counter.cancel()
    samples.append((loop.time(), sum(sandbox.calls().values())))

    busiest_second = max(
        later - earlier for start, earlier in samples for end, later in samples if 0 <= end - start <= 1.0
    )
    assert samples[-1][1] == 2 * CALLS_PER_INSTANCE
    assert busiest_second <= LIMIT + 1  # +1: a window closed at both ends holds one instant more

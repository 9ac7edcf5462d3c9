"""The pacer: calls are spaced at the account's rate (shared through Redis by every process), never in a
burst above it, no more run at once than allowed, and a call that cannot start before its request's deadline
is refused at once."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from stripe_gateway.errors import Throttled
from stripe_gateway.pacing import (
    Deadline,
    LocalSchedule,
    Pacer,
    StartWindow,
    connect_pacer,
    current_deadline,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.redis_server import RedisServer
    from tests.gateway.conftest import Sandbox, Subscribed


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now


async def test_calls_at_one_instant_are_spaced_at_the_rate() -> None:
    time = FakeTime()
    schedule = LocalSchedule(5, clock=time.clock)

    waits = [await schedule.reserve(None) for _ in range(5)]

    assert waits == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8])


async def test_an_idle_schedule_does_not_save_up_a_burst() -> None:
    time = FakeTime()
    schedule = LocalSchedule(5, clock=time.clock)
    await schedule.reserve(None)
    time.now += 100

    waits = [await schedule.reserve(None) for _ in range(3)]

    assert waits == pytest.approx([0.0, 0.2, 0.4])


async def test_calls_woken_late_together_still_start_at_most_rate_a_second() -> None:
    time = FakeTime()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.now += seconds

    window = StartWindow(5, clock=time.clock, sleep=sleep)
    time.now = 0.9  # five overdue calls wake at once, as a busy event loop lets them
    for _ in range(5):
        await window.admit()
    time.now = 1.0  # five more, scheduled for the next second, right behind them

    for _ in range(5):
        await window.admit()

    assert slept == pytest.approx([0.9])  # the next five wait for the first five's second to pass
    assert time.now == pytest.approx(1.9)


async def test_an_instant_past_the_deadline_is_refused_and_not_taken() -> None:
    time = FakeTime()
    schedule = LocalSchedule(2, clock=time.clock)
    assert [await schedule.reserve(1.0) for _ in range(3)] == pytest.approx([0.0, 0.5, 1.0])

    with pytest.raises(Throttled) as refused:
        await schedule.reserve(1.0)

    assert refused.value.retry_after == 1.0
    assert await schedule.reserve(None) == pytest.approx(1.5)  # the refusal took nothing


async def test_the_pacer_bounds_concurrent_calls() -> None:
    pacer = Pacer.local(1000, max_concurrency=2)
    running = 0
    peak = 0

    async def call() -> None:
        nonlocal running, peak
        async with pacer.slot():
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1

    await asyncio.gather(*(call() for _ in range(8)))

    assert peak == 2


async def test_calls_that_cannot_start_before_the_deadline_fail_at_once() -> None:
    pacer = Pacer.local(4, max_concurrency=16)
    deadline = Deadline(asyncio.get_running_loop().time() + 0.6)
    current_deadline.set(deadline)
    started = 0

    async def call() -> None:
        nonlocal started
        async with pacer.slot():
            started += 1

    outcomes = await asyncio.gather(*(call() for _ in range(10)), return_exceptions=True)

    refused = [outcome for outcome in outcomes if isinstance(outcome, Throttled)]
    assert started in {2, 3}  # at 0, 0.25 and (time permitting) 0.5 s
    assert len(refused) == 10 - started
    assert deadline.retry_after is not None
    assert deadline.retry_after >= 1.0


async def test_a_call_waiting_for_a_concurrency_slot_gives_up_at_the_deadline() -> None:
    pacer = Pacer.local(1000, max_concurrency=1)
    release = asyncio.Event()

    async def hold() -> None:
        async with pacer.slot():
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    current_deadline.set(Deadline(asyncio.get_running_loop().time() + 0.05))
    try:
        with pytest.raises(Throttled):
            async with pacer.slot():
                pass
    finally:
        release.set()
        await holder


async def test_processes_sharing_redis_share_one_schedule(redis_server: RedisServer) -> None:
    first, second = (
        connect_pacer(10, account="sk_test_shared", redis_url=redis_server.url, max_concurrency=50)
        for _ in range(2)
    )
    try:
        waits = await asyncio.gather(
            *(pacer._schedule.reserve(None) for _ in range(10) for pacer in (first, second))
        )
    finally:
        await first.close()
        await second.close()

    # Twenty instants, 0.1 s apart, whichever process took them: the account's rate, not twice it.
    spacing = [later - earlier for earlier, later in zip(sorted(waits), sorted(waits)[1:], strict=False)]
    assert min(spacing) == pytest.approx(0.1, abs=0.02)
    assert max(waits) == pytest.approx(1.9, abs=0.1)


async def test_without_redis_a_process_paces_at_its_share_and_back_on_redis_once_it_returns(
    redis_server: RedisServer,
) -> None:
    pacer = connect_pacer(
        10, account="sk_test_shared", redis_url=redis_server.url, instances=2, redis_retry_seconds=0.2
    )
    other = connect_pacer(10, account="sk_test_shared", redis_url=redis_server.url)
    try:
        redis_server.stop()
        during = [await pacer._schedule.reserve(None) for _ in range(3)]
        redis_server.start()
        await asyncio.sleep(0.3)
        taken_by_other = await other._schedule.reserve(None)
        after = await pacer._schedule.reserve(None)
    finally:
        await pacer.close()
        await other.close()

    assert during == pytest.approx([0.0, 0.2, 0.4], abs=0.05)  # 5/s: half of the account's 10/s
    assert taken_by_other == pytest.approx(0.0, abs=0.02)
    assert after == pytest.approx(0.1, abs=0.02)  # the shared schedule again, right after the other's call


class CountingSchedule(LocalSchedule):
    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self.reserved = 0

    async def reserve(self, max_wait: float | None) -> float:
        self.reserved += 1
        return await super().reserve(max_wait)


@pytest.mark.sandbox_only
async def test_each_retry_of_a_call_takes_an_instant_of_its_own(
    connect_gateway: Callable[..., Awaitable[StripeGateway]], subscribed: Subscribed, sandbox_knobs: Sandbox
) -> None:
    schedule = CountingSchedule(1000)
    gateway = await connect_gateway(
        pacer=Pacer(schedule, window=StartWindow(1000), max_concurrency=4), max_network_retries=1
    )
    sandbox_knobs.reset_calls()
    sandbox_knobs.inject("error", path="GET /v1/customers/", count=1)

    await gateway.retrieve_customer(subscribed.customer_id)

    assert sandbox_knobs.calls("GET /v1/customers/{id}") == 2  # Stripe counts both attempts
    assert schedule.reserved == 2

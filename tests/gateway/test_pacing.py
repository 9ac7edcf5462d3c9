"""The client-side pacer: a burst waits for tokens, and no more calls than allowed run at once."""

from __future__ import annotations

import asyncio

from stripe_gateway.pacing import Pacer, TokenBucket


class FakeTime:
    """A clock that only moves when the bucket sleeps, so waits are exact and instant."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_burst_within_the_bucket_does_not_wait() -> None:
    time = FakeTime()
    bucket = TokenBucket(5, clock=time.clock, sleep=time.sleep)

    for _ in range(5):
        await bucket.acquire()

    assert time.slept == []


async def test_a_burst_beyond_the_bucket_waits_for_the_rate() -> None:
    time = FakeTime()
    bucket = TokenBucket(2, burst=2, clock=time.clock, sleep=time.sleep)

    for _ in range(6):
        await bucket.acquire()

    assert time.now == 2.0  # 2 at once, then 4 more at 2 per second
    assert time.slept == [0.5, 0.5, 0.5, 0.5]


async def test_tokens_refill_while_idle_up_to_the_burst() -> None:
    time = FakeTime()
    bucket = TokenBucket(1, burst=3, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        await bucket.acquire()
    time.now += 100

    for _ in range(3):
        await bucket.acquire()
    await bucket.acquire()

    assert time.slept == [1.0]


async def test_the_pacer_bounds_concurrent_calls() -> None:
    pacer = Pacer(requests_per_second=1000, max_concurrency=2)
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

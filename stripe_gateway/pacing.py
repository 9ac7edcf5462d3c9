"""Client-side pacing of Stripe calls: a burst waits here instead of drawing 429s from Stripe."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable


class TokenBucket:
    """Allows `rate` acquisitions per second on average and up to `burst` at once.

    Waiters are served one at a time in arrival order (the lock is fair), so a long burst drains
    steadily instead of letting late callers overtake early ones.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._capacity = burst if burst is not None else max(1.0, rate)
        self._tokens = self._capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await self._sleep((1 - self._tokens) / self._rate)


class Pacer:
    """At most `max_concurrency` calls in flight, started no faster than `requests_per_second`.

    Stripe's limits are per account, so several portalql instances sharing one key should each get
    their share of the account's rate (the composition root divides it).
    """

    def __init__(self, *, requests_per_second: float, max_concurrency: int) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._bucket = TokenBucket(requests_per_second)
        self._slots = asyncio.Semaphore(max_concurrency)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        # The slot first, then the token: a token is spent only by a call that can start right away.
        async with self._slots:
            await self._bucket.acquire()
            yield

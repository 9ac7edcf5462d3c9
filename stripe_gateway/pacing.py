"""Client-side pacing of Stripe calls: a burst waits here instead of drawing 429s from Stripe.

Stripe's rate limit is per account, so every process sharing a key must share one budget. Calls are spaced
on a schedule (the generic cell rate algorithm: each call takes the next free instant, 1/rate after the
previous one), never a bucket that starts full, so no second ever sees more than the limit. With Redis the
schedule is one key that every process advances atomically; without it (or while Redis is failing) each
process keeps its own schedule at `rate / instances`.

A call waits for its instant only as long as the request's `Deadline` allows: when the instant would come
later, the call is refused at once (`Throttled`, with when to retry) instead of queueing past the point
where the client gave up.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections import deque
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import stripe
from redis.exceptions import RedisError

from stripe_gateway.errors import Throttled
from stripe_gateway.metrics import (
    PACER_REFUSALS,
    PACER_WAITS,
    STRIPE_LATENCY,
    STRIPE_REQUESTS,
    endpoint_template,
)
from stripe_gateway.redis_guard import CircuitBreaker, fail_fast_client

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    import redis.asyncio as aioredis

logger = logging.getLogger(__name__)


@dataclass
class Deadline:
    """When the current request stops waiting (the event loop's clock), whether its client already left
    (`gone`: its reads are not worth sending any more), and the refusal it got, if any."""

    at: float
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    retry_after: float | None = None

    @property
    def bound(self) -> float | None:
        """`at`, or None when the request waits for no one any more (`at` is infinite)."""
        return None if math.isinf(self.at) else self.at

    def remaining(self) -> float | None:
        return None if self.bound is None else self.bound - asyncio.get_running_loop().time()

    def refused(self, retry_after: float) -> None:
        """Remember the longest wait a refusal asked for, for the response's `Retry-After`."""
        self.retry_after = max(self.retry_after or 0.0, retry_after)


# Set per request by the HTTP layer; calls made outside a request (the CLI, start-up) wait as long as needed.
current_deadline: ContextVar[Deadline | None] = ContextVar("stripe_call_deadline", default=None)


class Schedule(Protocol):
    async def reserve(self, max_wait: float | None) -> float:
        """Take the next free instant and return the seconds until it; raise `Throttled` (taking nothing)
        when that is more than `max_wait`."""
        ...

    async def close(self) -> None: ...


class LocalSchedule:
    """This process's schedule: one call every 1/rate seconds, however many wait."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._clock = clock
        self._next = -math.inf

    async def reserve(self, max_wait: float | None) -> float:
        now = self._clock()
        start = max(self._next, now)
        wait = start - now
        if max_wait is not None and wait > max_wait:
            raise _throttled(wait - max_wait)
        self._next = start + self._interval
        return wait

    async def close(self) -> None:
        return None


# KEYS: the schedule's key. ARGV: interval (µs), max wait (µs, negative for none).
# Returns {1, wait} for a reserved instant or {0, wait} for a refusal; Redis's clock is the only clock.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = start - now
local max_wait = tonumber(ARGV[2])
if max_wait >= 0 and wait > max_wait then
    return {0, wait}
end
local after = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', math.ceil((after - now) / 1000) + 1000)
return {1, wait}
"""


class SharedSchedule:
    """One schedule in Redis for every process on the account; this process's share while Redis fails."""

    def __init__(
        self, client: aioredis.Redis, *, key: str, rate: float, fallback: LocalSchedule, retry_seconds: float
    ) -> None:
        self._redis = client
        self._key = key
        self._interval_us = max(1, round(1_000_000 / rate))
        self._script = client.register_script(_RESERVE)
        self._fallback = fallback
        self._breaker = CircuitBreaker(retry_seconds=retry_seconds)

    async def reserve(self, max_wait: float | None) -> float:
        if self._breaker.allows():
            limit = -1 if max_wait is None else max(0, int(max_wait * 1_000_000))
            try:
                reserved, wait = await self._script(keys=[self._key], args=[self._interval_us, limit])
            except RedisError as error:
                self._breaker.failed()
                logger.warning("pacing on this process's share of the rate, Redis failed: %s", error)
            else:
                self._breaker.succeeded()
                if not reserved:
                    raise _throttled(wait / 1_000_000 - (max_wait or 0.0))
                return float(wait) / 1_000_000
        return await self._fallback.reserve(max_wait)

    async def close(self) -> None:
        await self._redis.aclose()


class StartWindow:
    """At most `rate` calls started in any second, by the clock at which they really start.

    The schedule spaces instants at the rate, but an event loop that falls behind wakes several overdue calls
    at once, and Stripe counts them when they arrive: without this a busy process sent 33 calls in one second
    at a limit of 25.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limit = max(1, math.floor(rate))
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()

    async def admit(self) -> None:
        while True:
            now = self._clock()
            # A start leaves the window a second after it (to the microsecond: clocks are floats).
            while self._starts and self._starts[0] + 1.0 <= now + 1e-6:
                self._starts.popleft()
            if len(self._starts) < self._limit:
                self._starts.append(now)
                return
            await self._sleep(self._starts[0] + 1.0 - now)


class Pacer:
    """At most `max_concurrency` calls in flight, started on `schedule` and within `window`, each by its
    request's deadline."""

    def __init__(self, schedule: Schedule, *, window: StartWindow, max_concurrency: int) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._schedule = schedule
        self._window = window
        self._slots = asyncio.Semaphore(max_concurrency)

    @classmethod
    def local(cls, requests_per_second: float, *, max_concurrency: int) -> Pacer:
        return cls(
            LocalSchedule(requests_per_second),
            window=StartWindow(requests_per_second),
            max_concurrency=max_concurrency,
        )

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        deadline = current_deadline.get()
        # The slot first, then the instant: an instant is taken only by a call that can start on time.
        try:
            async with asyncio.timeout_at(deadline.bound if deadline else None):
                await self._slots.acquire()
        except TimeoutError:
            PACER_REFUSALS.inc()
            raise _refused(deadline, _throttled(1.0)) from None
        try:
            await self.instant()
            yield
        finally:
            self._slots.release()

    async def instant(self) -> None:
        """Wait for the next free instant on the schedule, or raise `Throttled` if it is past the deadline.

        The SDK's retries call this too (`PacedRetries`): Stripe counts every attempt against the limit."""
        deadline = current_deadline.get()
        try:
            remaining = None if deadline is None else deadline.remaining()
            wait = await self._schedule.reserve(None if remaining is None else max(0.0, remaining))
        except Throttled as error:
            PACER_REFUSALS.inc()
            raise _refused(deadline, error) from None
        PACER_WAITS.observe(wait)
        if wait > 0:
            await asyncio.sleep(wait)
        await self._window.admit()

    async def close(self) -> None:
        await self._schedule.close()


class PacedRetries(stripe.HTTPXClient):
    """The SDK's HTTP client, whose retries each wait for an instant of their own after the SDK's backoff,
    and whose every attempt is counted and timed by endpoint (`metrics`)."""

    def __init__(self, pacer: Pacer, **options: Any) -> None:
        super().__init__(**options)
        self._pacer = pacer

    async def request_async(
        self, method: str, url: str, headers: Any, post_data: Any = None
    ) -> tuple[bytes, int, Any]:
        endpoint = endpoint_template(urlsplit(url).path)
        started = time.perf_counter()
        status = "error"
        try:
            answer: tuple[bytes, int, Any] = await super().request_async(method, url, headers, post_data)
            status = str(answer[1])
            return answer
        finally:
            STRIPE_LATENCY.labels(method.upper(), endpoint).observe(time.perf_counter() - started)
            STRIPE_REQUESTS.labels(method.upper(), endpoint, status).inc()

    async def sleep_async(self, secs: float) -> None:  # the SDK sleeps only before a retry
        await super().sleep_async(secs)  # type: ignore[no-untyped-call]  # untyped in the SDK
        await self._pacer.instant()


def connect_pacer(
    requests_per_second: float,
    *,
    max_concurrency: int = 16,
    account: str,
    redis_url: str | None = None,
    instances: int = 1,
    redis_timeout_seconds: float = 0.25,
    redis_retry_seconds: float = 1.0,
) -> Pacer:
    """The pacer for one Stripe account: shared through Redis when `redis_url` is given, and otherwise (or
    while Redis fails) this process's `1/instances` share of the rate."""
    own_share = LocalSchedule(requests_per_second / instances)
    if redis_url is None:
        window = StartWindow(requests_per_second / instances)
        return Pacer(own_share, window=window, max_concurrency=max_concurrency)
    # Keyed by a digest of the account's key, so accounts never share a budget and the key never shows.
    digest = hashlib.sha256(account.encode()).hexdigest()[:16]
    schedule = SharedSchedule(
        fail_fast_client(redis_url, timeout_seconds=redis_timeout_seconds),
        key=f"portalql:stripe-pace:{digest}",
        rate=requests_per_second,
        fallback=own_share,
        retry_seconds=redis_retry_seconds,
    )
    return Pacer(schedule, window=StartWindow(requests_per_second), max_concurrency=max_concurrency)


def _throttled(later_than_deadline: float) -> Throttled:
    return Throttled(
        "Too many Stripe calls are queued to start this one before the request's deadline.",
        retry_after=max(1.0, later_than_deadline),
    )


def _refused(deadline: Deadline | None, error: Throttled) -> Throttled:
    if deadline is not None:
        deadline.refused(error.retry_after)
    return error

"""Redis used defensively: short timeouts, no retries, and a circuit breaker in front of a local fallback.

redis-py's defaults (5 s timeouts, retries with backoff) make a frozen Redis cost seconds per operation and
delay noticing its return. Without a breaker, every request during an outage would still pay a timeout before
falling back. The shared pacer and the shared cache each keep one breaker and fall back to this process.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

if TYPE_CHECKING:
    from collections.abc import Callable


def fail_fast_client(url: str, *, timeout_seconds: float) -> aioredis.Redis:
    """A client whose every operation (connecting included) fails within `timeout_seconds`, never retried:
    the caller's breaker decides when to try again."""
    return aioredis.Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
    )


class CircuitBreaker:
    """Closed (use Redis) until `failed()`; then open for `retry_seconds`, after which one call may try again.

    `outages` counts the transitions from closed to open, so a caller can tell that an outage happened in
    between two of its own observations (and drop what it may have missed meanwhile).
    """

    def __init__(self, *, retry_seconds: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._open_until: float | None = None
        self.outages = 0

    @property
    def is_open(self) -> bool:
        """Whether Redis was failing at the last attempt (until a call succeeds again)."""
        return self._open_until is not None

    def allows(self) -> bool:
        """Whether to try Redis now: always while closed, once per `retry_seconds` while open."""
        if self._open_until is None:
            return True
        now = self._clock()
        if now < self._open_until:
            return False
        # Half-open: this caller probes; the others keep falling back until it reports.
        self._open_until = now + self._retry_seconds
        return True

    def failed(self) -> None:
        if self._open_until is None:
            self.outages += 1
        self._open_until = self._clock() + self._retry_seconds

    def succeeded(self) -> bool:
        """Close the breaker; True when it was open (Redis just came back)."""
        was_open = self._open_until is not None
        self._open_until = None
        return was_open

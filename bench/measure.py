"""The measurements themselves: Stripe calls from the sandbox's counter, latency and throughput."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from bench.operations import OperationFailedError

if TYPE_CHECKING:
    from bench.operations import Caller, Operation


class StripeCalls:
    """The sandbox's per-endpoint call counter ("METHOD /v1/template" → n), over its admin routes."""

    def __init__(self, sandbox: httpx.AsyncClient) -> None:
        self._sandbox = sandbox

    async def reset(self) -> None:
        (await self._sandbox.delete("/_sandbox/calls")).raise_for_status()

    async def read(self) -> dict[str, int]:
        response = await self._sandbox.get("/_sandbox/calls")
        response.raise_for_status()
        counts: dict[str, int] = response.json()
        return counts


@dataclass(frozen=True)
class Sample:
    """One timed run of an operation and the Stripe calls it made."""

    milliseconds: float
    calls: dict[str, int]

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


async def sample(operation: Operation, caller: Caller, calls: StripeCalls) -> Sample:
    await calls.reset()
    started = time.perf_counter()
    await operation.run(caller)
    elapsed = time.perf_counter() - started
    return Sample(milliseconds=elapsed * 1000, calls=await calls.read())


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks, so p95 of 30 runs is not just the second-worst run."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Latency:
    samples_ms: tuple[float, ...]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return percentile(list(self.samples_ms), 0.95)


@dataclass(frozen=True)
class Throughput:
    concurrency: int
    seconds: float
    completed: int
    errors: int
    stripe_calls: int
    first_error: str | None

    @property
    def operations_per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Measured:
    """Timed runs, the load phase when there was one, and the server's peak memory meanwhile."""

    samples: tuple[Sample, ...]
    throughput: Throughput | None
    peak_rss_bytes: int | None

    @property
    def latency(self) -> Latency:
        return Latency(tuple(s.milliseconds for s in self.samples))

    @property
    def calls_per_run(self) -> list[int]:
        return [s.total_calls for s in self.samples]


async def throughput(
    operation: Operation,
    caller: Caller,
    calls: StripeCalls,
    *,
    concurrency: int,
    duration_seconds: float,
    max_operations: int,
) -> Throughput:
    """`concurrency` workers repeat the operation until the duration or the operation budget runs out."""
    await calls.reset()
    deadline = time.perf_counter() + duration_seconds
    budget = max_operations
    completed = errors = 0
    first_error: str | None = None

    async def worker() -> None:
        nonlocal budget, completed, errors, first_error
        while budget > 0 and time.perf_counter() < deadline:
            budget -= 1
            try:
                await operation.run(caller)
            except (OperationFailedError, httpx.HTTPError) as error:
                errors += 1
                first_error = first_error or f"{type(error).__name__}: {error}"
            else:
                completed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    stripe_calls = sum((await calls.read()).values())
    return Throughput(concurrency, elapsed, completed, errors, stripe_calls, first_error)

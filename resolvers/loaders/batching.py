"""The batching every loader shares: an aiodataloader that rejects single keys, and concurrent reads by key.

aiodataloader rather than strawberry's DataLoader: a batch that fails as a whole is cleared from its cache,
so a later load in the same request retries it (the catalog read ahead, a products list); strawberry's keeps
the failure cached. It also served a request-shaped mix of loads, primes and cache hits faster.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from aiodataloader import DataLoader

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

K = TypeVar("K")
V = TypeVar("V")


class Loader(Generic[K, V]):
    """An aiodataloader whose batch function rejects single keys by returning an exception in their place."""

    def __init__(
        self, fetch: Callable[[list[K]], Awaitable[list[V | Exception]]], *, max_batch_size: int | None = None
    ) -> None:
        self._fetch = fetch
        self._max_batch_size = max_batch_size

    @cached_property
    def _loader(self) -> DataLoader[K, V]:
        # Built on first use: a request touches a few of its loaders, and building all of them cost more than
        # serving a warm dashboard from the cache.
        loop = asyncio.get_running_loop()
        return DataLoader(self._dispatch, max_batch_size=self._max_batch_size, loop=loop)

    async def _dispatch(self, keys: list[K]) -> list[V]:
        # aiodataloader rejects exactly the keys whose slot holds an exception; its signature cannot say so.
        return cast("list[V]", await self._fetch(keys))

    def load(self, key: K) -> Awaitable[V]:
        return self._loader.load(key)

    def prime(self, key: K, value: V) -> None:
        self._loader.prime(key, value)


def observe(future: asyncio.Future[Any]) -> None:
    """A done callback for a read started ahead: its failure is for whoever awaits it, not a warning."""
    if not future.cancelled():
        future.exception()


async def each(keys: Sequence[K], fetch: Callable[[K], Awaitable[V]]) -> list[V | Exception]:
    """Fetch every key concurrently; a key that fails gets its exception, the others their value."""
    results = await asyncio.gather(*(fetch(key) for key in keys), return_exceptions=True)
    outcomes: list[V | Exception] = []
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result  # cancellation and interpreter exits are not per-key failures
        outcomes.append(result)
    return outcomes

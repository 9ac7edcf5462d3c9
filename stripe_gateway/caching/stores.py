"""Where cached reads live: the store protocol and the in-process store (a bounded LRU with a TTL).

Entries belong to groups (a customer, an object, the catalog) and are dropped a group at a time. A read
that began before an invalidation of one of its groups must not be stored afterwards, or it would bring
back what the invalidation removed: `mark()` before reading from Stripe, `put(..., since=mark)` after.

Every store also has a tier of this process's own (`local`): entries no other instance reads, dropped by
the same invalidations, every instance's, as the shared ones (whole answers to queries are kept there).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable


class CacheUnavailable(Exception):  # noqa: N818 - named like the gateway's errors
    """The cache's backing service failed; callers read from Stripe instead."""


@dataclass(frozen=True, slots=True)
class Cached:
    """An entry found: its value, and how many seconds it has left before it expires."""

    value: bytes
    ttl: float


class Entries(Protocol):
    """Where entries are found and stored, each store guarded against invalidations (see above)."""

    async def get(self, key: str) -> Cached | None: ...

    async def mark(self) -> int:
        """The invalidation counter now, to pass to `put` once what the entry holds has been read."""
        ...

    async def put(self, key: str, value: bytes, *, groups: Collection[str], ttl: float, since: int) -> bool:
        """Store unless one of `groups` was invalidated after `since`; whether it was stored."""
        ...


class CacheStore(Entries, Protocol):
    @property
    def local(self) -> Entries:
        """This process's own tier: what is put there is never read by another instance, and is dropped by
        every instance's invalidations of its groups, as shared entries are."""
        ...

    async def invalidate(self, groups: Collection[str]) -> None:
        """Drop every entry of these groups, on every instance that shares this cache."""
        ...

    def drop(self, groups: Iterable[str]) -> None:
        """Drop these groups from this process's tier only (another instance's invalidation of them is on
        its way, and was heard of sooner another way)."""
        ...

    async def ping(self) -> bool:
        """Whether the backing service answers (for readiness probes)."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class _Entry:
    value: bytes
    groups: frozenset[str]
    expires_at: float


class MemoryStore:
    """One process's cache: at most `max_entries` entries holding at most `max_bytes` of values, least
    recently used evicted first (whole answers can be large, so a count alone would not bound memory).

    It also remembers which group was invalidated when (the last `max_groups` of them); for groups it has
    forgotten it assumes the worst, so a put that might race a forgotten invalidation is skipped.
    """

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        max_bytes: int = 64 * 1024 * 1024,
        max_groups: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._max_groups = max_groups
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._members: dict[str, set[str]] = {}
        self._sequence = 0
        self._invalidated: OrderedDict[str, int] = OrderedDict()
        self._forgotten_up_to = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def local(self) -> MemoryStore:
        """Itself: every entry of this store is this process's own."""
        return self

    async def get(self, key: str) -> Cached | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        ttl = entry.expires_at - self._clock()
        if ttl <= 0:
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return Cached(entry.value, ttl)

    async def mark(self) -> int:
        return self._sequence

    async def put(self, key: str, value: bytes, *, groups: Collection[str], ttl: float, since: int) -> bool:
        if self._invalidated_since(groups, since):
            return False
        if len(value) > self._max_bytes:
            return False
        self._remove(key)
        self._entries[key] = _Entry(value, frozenset(groups), self._clock() + ttl)
        self._bytes += len(value)
        for group in groups:
            self._members.setdefault(group, set()).add(key)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            self._remove(next(iter(self._entries)))
        return True

    async def invalidate(self, groups: Collection[str]) -> None:
        self.drop(groups)

    def clear(self) -> None:
        """Forget everything, as if every group had just been invalidated."""
        self._sequence += 1
        self._entries.clear()
        self._bytes = 0
        self._members.clear()
        self._invalidated.clear()
        self._forgotten_up_to = self._sequence

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self._members.clear()

    def drop(self, groups: Iterable[str]) -> None:
        """`invalidate`, for callers outside a coroutine (the broadcast listener)."""
        self._sequence += 1
        for group in groups:
            for key in self._members.pop(group, set()):
                self._remove(key)
            self._invalidated[group] = self._sequence
            self._invalidated.move_to_end(group)
        while len(self._invalidated) > self._max_groups:
            _, sequence = self._invalidated.popitem(last=False)
            self._forgotten_up_to = max(self._forgotten_up_to, sequence)

    def _invalidated_since(self, groups: Iterable[str], since: int) -> bool:
        if self._forgotten_up_to > since:
            return True
        return any(self._invalidated.get(group, 0) > since for group in groups)

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._bytes -= len(entry.value)
        for group in entry.groups:
            members = self._members.get(group)
            if members is not None:
                members.discard(key)
                if not members:
                    del self._members[group]

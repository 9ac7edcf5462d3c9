"""The shared read cache in front of the gateway: in-process by default, Redis across instances."""

from __future__ import annotations

from stripe_gateway.caching.gateway import CachedGateway
from stripe_gateway.caching.redis_store import SharedStore
from stripe_gateway.caching.stores import CacheStore, CacheUnavailable, MemoryStore

__all__ = [
    "CacheStore",
    "CacheUnavailable",
    "CachedGateway",
    "MemoryStore",
    "SharedStore",
    "open_cache_store",
]


async def open_cache_store(
    redis_url: str | None,
    *,
    key_prefix: str = "portalql:cache:",
    max_entries: int = 10_000,
    redis_timeout_seconds: float = 0.25,
) -> CacheStore:
    """Redis (shared by every instance, with a local tier) when a URL is given, else this process's memory."""
    if redis_url:
        return await SharedStore.connect(
            redis_url, prefix=key_prefix, max_local_entries=max_entries, timeout_seconds=redis_timeout_seconds
        )
    return MemoryStore(max_entries=max_entries)

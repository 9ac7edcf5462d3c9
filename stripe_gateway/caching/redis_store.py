"""The cache shared by several instances: Redis holds the entries, each instance keeps a small local copy,
and invalidations are broadcast over Redis pub/sub so every instance drops its local copy at once.

Redis layout under the key prefix `p`: `p e:<key>` a hash {v: value, g: groups}, `p g:<group>` the set of
entry keys in a group, `p seq` the invalidation counter, `p i:<group>` the counter value at the group's
last invalidation, and the channel `p invalidations` carrying the JSON list of invalidated groups.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from stripe_gateway.caching.stores import CacheUnavailable, MemoryStore

if TYPE_CHECKING:
    from collections.abc import Collection

logger = logging.getLogger(__name__)

# A read from Stripe takes seconds at worst (timeouts and retries), so an invalidation marker older than
# this cannot race a store any more.
_MARKER_SECONDS = 3600
_GROUP_SEPARATOR = "\n"
_RESUBSCRIBE_DELAY_SECONDS = 1.0

# Store the entry only if none of its groups was invalidated after the reader's mark, atomically.
# KEYS: entry, then the n group sets, then the n group markers. ARGV: value, groups, ttl (ms), mark, n.
_PUT = """
local n = tonumber(ARGV[5])
for i = 1, n do
    local last = redis.call('GET', KEYS[1 + n + i])
    if last and tonumber(last) > tonumber(ARGV[4]) then
        return 0
    end
end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'g', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
for i = 1, n do
    redis.call('SADD', KEYS[1 + i], KEYS[1])
    if redis.call('PTTL', KEYS[1 + i]) < tonumber(ARGV[3]) then
        redis.call('PEXPIRE', KEYS[1 + i], ARGV[3])
    end
end
return 1
"""

# Bump the counter, drop every entry of each group and mark the group as invalidated at the new count.
# KEYS: the counter, then pairs of (group set, group marker). ARGV: marker lifetime (s).
_INVALIDATE = """
local sequence = redis.call('INCR', KEYS[1])
for i = 2, #KEYS, 2 do
    for _, key in ipairs(redis.call('SMEMBERS', KEYS[i])) do
        redis.call('DEL', key)
    end
    redis.call('DEL', KEYS[i])
    redis.call('SET', KEYS[i + 1], sequence, 'EX', ARGV[1])
end
return sequence
"""


class SharedStore:
    """A `CacheStore` over Redis with a local tier; build it with `connect`, end it with `close`."""

    def __init__(self, client: aioredis.Redis, *, prefix: str, local: MemoryStore, local_ttl: float) -> None:
        self._redis = client
        self._prefix = prefix
        self._channel = f"{prefix}invalidations"
        self._local = local
        self._local_ttl = local_ttl
        self._put_script = client.register_script(_PUT)
        self._invalidate_script = client.register_script(_INVALIDATE)
        # The local tier is used only while subscribed: otherwise a broadcast could be missed.
        self._subscribed = False
        self._started = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        prefix: str = "portalql:cache:",
        max_local_entries: int = 10_000,
        local_ttl: float = 60.0,
    ) -> SharedStore:
        """Connect and start listening for other instances' invalidations before serving anything."""
        store = cls(
            aioredis.Redis.from_url(url),
            prefix=prefix,
            local=MemoryStore(max_entries=max_local_entries),
            local_ttl=local_ttl,
        )
        store._listener = asyncio.create_task(store._listen(), name="cache-invalidations")
        await store._started.wait()
        return store

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        self._local.clear()
        await self._redis.aclose()

    async def get(self, key: str) -> bytes | None:
        local = self._subscribed
        if local:
            found = await self._local.get(key)
            if found is not None:
                return found
        # Marked before asking Redis: a broadcast arriving meanwhile keeps this copy out of the local tier.
        since = await self._local.mark()
        try:
            value, groups = await self._redis.hmget(self._entry(key), ["v", "g"])
        except RedisError as error:
            raise CacheUnavailable(str(error)) from error
        if not isinstance(value, bytes) or not isinstance(groups, bytes):
            return None
        if local:
            names = groups.decode().split(_GROUP_SEPARATOR)
            await self._local.put(key, value, groups=names, ttl=self._local_ttl, since=since)
        return value

    async def mark(self) -> int:
        try:
            sequence = await self._redis.get(f"{self._prefix}seq")
        except RedisError as error:
            raise CacheUnavailable(str(error)) from error
        return int(sequence or 0)

    async def put(self, key: str, value: bytes, *, groups: Collection[str], ttl: float, since: int) -> None:
        # Only Redis is written: the local tier fills on this instance's next read, guarded by its own mark.
        names = sorted(groups)
        keys = [
            self._entry(key),
            *(f"{self._prefix}g:{g}" for g in names),
            *(f"{self._prefix}i:{g}" for g in names),
        ]
        arguments: list[bytes | str | int] = [
            value,
            _GROUP_SEPARATOR.join(names),
            max(1, int(ttl * 1000)),
            since,
            len(names),
        ]
        try:
            await self._put_script(keys=keys, args=arguments)
        except RedisError as error:
            raise CacheUnavailable(str(error)) from error

    async def invalidate(self, groups: Collection[str]) -> None:
        names = sorted(set(groups))
        if not names:
            return
        self._local.drop(names)
        keys = [f"{self._prefix}seq"]
        for group in names:
            keys += [f"{self._prefix}g:{group}", f"{self._prefix}i:{group}"]
        try:
            await self._invalidate_script(keys=keys, args=[_MARKER_SECONDS])
            await self._redis.publish(self._channel, json.dumps(names))
        except RedisError as error:
            raise CacheUnavailable(str(error)) from error

    def _entry(self, key: str) -> str:
        return f"{self._prefix}e:{key}"

    async def _listen(self) -> None:
        """Apply every instance's invalidations to the local tier, resubscribing after a lost connection."""
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    # Broadcasts missed while not subscribed are unknown: start the local tier afresh.
                    self._local.clear()
                    self._subscribed = True
                    self._started.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._local.drop(_groups(message.get("data")))
            except (RedisError, OSError) as error:
                logger.warning("cache invalidation listener lost Redis, resubscribing: %s", error)
            self._subscribed = False
            self._local.clear()
            self._started.set()  # without a subscription, reads go to Redis (or, if it is down, to Stripe)
            await asyncio.sleep(_RESUBSCRIBE_DELAY_SECONDS)


def _groups(data: object) -> list[str]:
    """The groups of one broadcast; anything malformed is ignored rather than trusted."""
    try:
        names = json.loads(data) if isinstance(data, bytes | str) else None
    except ValueError:
        return []
    if not isinstance(names, list):
        return []
    return [name for name in names if isinstance(name, str)]

"""The cache shared by several instances: Redis holds the entries, each instance keeps a small local copy,
and invalidations are broadcast over Redis pub/sub so every instance drops its local copy at once.

Redis layout under the key prefix `p`: `p e:<key>` a hash {v: value, g: groups}, `p g:<group>` the set of
entry keys in a group, `p seq` the invalidation counter, `p i:<group>` the counter value at the group's
last invalidation, and the channel `p invalidations` carrying the JSON list of invalidated groups.

Redis failing must not take the service down: operations fail within a short timeout, and a circuit breaker
then serves and fills the local copy alone (entries live `local_ttl` there, the bound on what another
instance's invalidation can leave stale meanwhile). Invalidations that could not reach Redis are remembered
and replayed when it returns, and the local copy is dropped then, since broadcasts were missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from stripe_gateway.caching.stores import Cached, CacheUnavailable, MemoryStore
from stripe_gateway.redis_guard import CircuitBreaker, fail_fast_client

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection, Iterable

    import redis.asyncio as aioredis

    from stripe_gateway.caching.stores import Entries

logger = logging.getLogger(__name__)

# A read from Stripe takes seconds at worst (timeouts and retries), so an invalidation marker older than
# this cannot race a store any more.
_MARKER_SECONDS = 3600
_GROUP_SEPARATOR = "\n"
_RESUBSCRIBE_DELAY_SECONDS = 1.0
# The listener pings this often while idle and resubscribes when no answer came for three of them: a frozen
# Redis (or a cut connection) does not close the socket, so silence is the only sign.
_LISTENER_PING_SECONDS = 1.0
# Invalidations remembered during an outage; beyond this, everything is dropped when Redis returns.
_MAX_PENDING_GROUPS = 10_000
# Broadcast instead of a list of groups when every instance must drop its whole local copy.
_EVERYTHING = "*"

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

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str,
        local: MemoryStore,
        local_ttl: float,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._channel = f"{prefix}invalidations"
        self._local = local
        self._local_ttl = local_ttl
        self._breaker = breaker or CircuitBreaker()
        self._put_script = client.register_script(_PUT)
        self._invalidate_script = client.register_script(_INVALIDATE)
        # Groups invalidated while Redis was unreachable, replayed when it returns (None: too many to keep).
        self._pending: set[str] | None = set()
        # The local tier is used only while subscribed (or Redis is down), or a broadcast could be missed.
        self._subscribed = False
        self._started = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self._own = _OwnTier(local, local_ttl=local_ttl, serves=self._local_tier_serves)

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        prefix: str = "portalql:cache:",
        max_local_entries: int = 10_000,
        local_ttl: float = 60.0,
        timeout_seconds: float = 0.25,
        retry_seconds: float = 1.0,
    ) -> SharedStore:
        """Connect and start listening for other instances' invalidations before serving anything."""
        store = cls(
            fail_fast_client(url, timeout_seconds=timeout_seconds),
            prefix=prefix,
            local=MemoryStore(max_entries=max_local_entries),
            local_ttl=local_ttl,
            breaker=CircuitBreaker(retry_seconds=retry_seconds),
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

    async def ping(self) -> bool:
        try:
            await self._redis.ping()
        except RedisError:
            return False
        return True

    @property
    def local(self) -> Entries:
        return self._own

    def drop(self, groups: Iterable[str]) -> None:
        self._local.drop(groups)

    async def get(self, key: str) -> Cached | None:
        if not await self._redis_usable():
            return await self._local.get(key)
        if self._subscribed:
            found = await self._local.get(key)
            if found is not None:
                return found
        # Marked before asking Redis: a broadcast arriving meanwhile keeps this copy out of the local tier.
        since = await self._local.mark()
        entry = self._entry(key)
        try:
            async with self._redis.pipeline(transaction=False) as pipeline:
                pipeline.hmget(entry, ["v", "g"])
                pipeline.pttl(entry)
                (value, groups), left_ms = await pipeline.execute()
        except RedisError as error:
            self._failed(error)
            return await self._local.get(key)
        # The entry may expire between the two commands (PTTL then answers a negative number).
        if not isinstance(value, bytes) or not isinstance(groups, bytes) or left_ms <= 0:
            return None
        # Kept locally no longer than Redis keeps it, nor than `local_ttl`.
        ttl = min(left_ms / 1000, self._local_ttl)
        if self._subscribed:
            names = groups.decode().split(_GROUP_SEPARATOR)
            await self._local.put(key, value, groups=names, ttl=ttl, since=since)
        return Cached(value, ttl)

    async def mark(self) -> int:
        """Redis's counter, or while Redis fails the local tier's, as a negative number (see `put`)."""
        if await self._redis_usable():
            try:
                sequence = await self._redis.get(f"{self._prefix}seq")
            except RedisError as error:
                self._failed(error)
            else:
                return int(sequence or 0)
        return -1 - await self._local.mark()

    async def put(self, key: str, value: bytes, *, groups: Collection[str], ttl: float, since: int) -> bool:
        if since < 0:
            # Read from Stripe while Redis was down: kept locally, and dropped if Redis returned meanwhile.
            local_ttl = min(ttl, self._local_ttl)
            return await self._local.put(key, value, groups=groups, ttl=local_ttl, since=-1 - since)
        if not await self._redis_usable():
            return False
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
            stored = await self._put_script(keys=keys, args=arguments)
        except RedisError as error:
            self._failed(error)
            return False
        return bool(stored)

    async def invalidate(self, groups: Collection[str]) -> None:
        """Drop the groups here and everywhere; raises CacheUnavailable when Redis could not be told (the
        invalidation is then replayed when Redis returns)."""
        names = sorted(set(groups))
        if not names:
            return
        self._local.drop(names)
        if await self._redis_usable():
            try:
                await self._invalidate_in_redis(names)
            except RedisError as error:
                self._failed(error)
            else:
                return
        self._remember(names)
        raise CacheUnavailable("Redis is unreachable; the invalidation is replayed when it returns")

    def _entry(self, key: str) -> str:
        return f"{self._prefix}e:{key}"

    async def _invalidate_in_redis(self, names: list[str]) -> None:
        keys = [f"{self._prefix}seq"]
        for group in names:
            keys += [f"{self._prefix}g:{group}", f"{self._prefix}i:{group}"]
        await self._invalidate_script(keys=keys, args=[_MARKER_SECONDS])
        await self._redis.publish(self._channel, json.dumps(names))

    def _remember(self, names: list[str]) -> None:
        if self._pending is None:
            return
        self._pending.update(names)
        if len(self._pending) > _MAX_PENDING_GROUPS:
            self._pending = None

    def _failed(self, error: Exception) -> None:
        if not self._breaker.is_open:
            logger.warning("Redis failed, serving the cache from this process until it returns: %s", error)
        self._breaker.failed()

    async def _local_tier_serves(self) -> bool:
        """Whether the local tier may answer alone: while every broadcast is heard, or while Redis is down."""
        return self._subscribed or not await self._redis_usable()

    async def _redis_usable(self) -> bool:
        """Whether to use Redis now; after an outage, the first caller probes it and catches up first."""
        if not self._breaker.allows():
            return False
        if not self._breaker.is_open:
            return True
        try:
            await self._redis.ping()
        except RedisError as error:
            self._failed(error)
            return False
        self._breaker.succeeded()
        await self._resynchronise()
        return not self._breaker.is_open

    async def _resynchronise(self) -> None:
        """Redis is back: what this process kept meanwhile missed broadcasts, and others missed ours."""
        logger.warning("Redis is back; dropping this process's copy and replaying its invalidations")
        self._local.clear()
        pending, self._pending = self._pending, set()
        try:
            if pending is None:
                await self._drop_everything()
            elif pending:
                await self._invalidate_in_redis(sorted(pending))
        except RedisError as error:
            self._pending = None if pending is None else pending | (self._pending or set())
            self._failed(error)

    async def _drop_everything(self) -> None:
        """Too many invalidations were missed to name them: drop every entry, here and on every instance."""
        async for key in self._redis.scan_iter(match=f"{self._prefix}e:*", count=1000):
            await self._redis.unlink(key)
        await self._redis.incr(f"{self._prefix}seq")
        await self._redis.publish(self._channel, json.dumps(_EVERYTHING))

    async def _listen(self) -> None:
        """Apply every instance's invalidations to the local tier, resubscribing after a lost connection."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    # Broadcasts missed while not subscribed are unknown: start the local tier afresh.
                    self._local.clear()
                    self._subscribed = True
                    self._started.set()
                    heard = pinged = loop.time()
                    while loop.time() - heard < 3 * _LISTENER_PING_SECONDS:
                        message = await pubsub.get_message(timeout=_LISTENER_PING_SECONDS)
                        if message is not None:
                            heard = loop.time()
                            if message.get("type") == "message":
                                self._apply(message.get("data"))
                        if loop.time() - pinged >= _LISTENER_PING_SECONDS:
                            await pubsub.ping()
                            pinged = loop.time()
                    logger.warning("cache invalidation listener heard nothing from Redis, resubscribing")
            except (RedisError, OSError) as error:
                logger.warning("cache invalidation listener lost Redis, resubscribing: %s", error)
            # Not cleared here: while Redis is down the local copy is what serves (see `get`); it is
            # cleared on resubscribing and when Redis answers again.
            self._subscribed = False
            self._started.set()  # without a subscription, reads go to Redis (or, if it is down, to Stripe)
            await asyncio.sleep(_RESUBSCRIBE_DELAY_SECONDS)

    def _apply(self, data: object) -> None:
        """One broadcast: a list of groups, or everything; anything malformed is ignored, not trusted."""
        try:
            names = json.loads(data) if isinstance(data, bytes | str) else None
        except ValueError:
            return
        if names == _EVERYTHING:
            self._local.clear()
        elif isinstance(names, list):
            self._local.drop(name for name in names if isinstance(name, str))


class _OwnTier:
    """The local tier as a store of this process's own entries (`SharedStore.local`), used on the terms on
    which the local tier serves shared entries: while this process hears every other instance's
    invalidations (subscribed), or while Redis is down, when `local_ttl` bounds what another instance's
    missed invalidation can leave stale."""

    def __init__(
        self, local: MemoryStore, *, local_ttl: float, serves: Callable[[], Awaitable[bool]]
    ) -> None:
        self._local = local
        self._local_ttl = local_ttl
        self._serves = serves

    async def get(self, key: str) -> Cached | None:
        return await self._local.get(key) if await self._serves() else None

    async def mark(self) -> int:
        return await self._local.mark()

    async def put(self, key: str, value: bytes, *, groups: Collection[str], ttl: float, since: int) -> bool:
        if not await self._serves():
            return False
        ttl = min(ttl, self._local_ttl)
        return await self._local.put(key, value, groups=groups, ttl=ttl, since=since)

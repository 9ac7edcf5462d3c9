"""Where live changes (`resolvers.live`) travel: within this process, or to every instance through Redis.

Each watcher keeps what it has not read yet as one pending change: the union of the topics and the latest
time. A change only says what to read again, so merging loses nothing, and a watcher that reads slowly (a
stalled socket) holds the same few bytes however many changes arrive.

With Redis, a change is published on one channel that every instance follows, and each delivers it to its
own watchers; this instance's watchers hear it through Redis too, so that every watcher hears each change
once. Before telling its watchers of a change, an instance drops the customer's reads from its own tier of
the read cache (`heard`): the invalidation's broadcast travels on another channel and could arrive after a
watcher, told, has read again. When Redis cannot be told, this instance's watchers are told directly (the
others learn of the change on their next read), and a listener that lost Redis resubscribes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from portalql.channels import follow
from portalql.observability.metrics import LIVE_WATCHERS
from resolvers.live import BillingChange, BillingTopic

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from portalql.settings import Settings

logger = logging.getLogger(__name__)

# A customer id is far shorter; anything longer on the channel is not a change.
_MAX_MESSAGE_BYTES = 1024


class _Watcher:
    def __init__(self, customer_id: str) -> None:
        self._customer_id = customer_id
        self._topics: set[BillingTopic] = set()
        self._latest: datetime | None = None
        self._arrived = asyncio.Event()

    def tell(self, change: BillingChange) -> None:
        self._topics |= change.topics
        self._latest = change.occurred_at if self._latest is None else max(self._latest, change.occurred_at)
        self._arrived.set()

    async def changes(self) -> AsyncIterator[BillingChange]:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            assert self._latest is not None  # set with every arrival
            change = BillingChange(self._customer_id, frozenset(self._topics), self._latest)
            self._topics, self._latest = set(), None
            yield change


class LocalChanges:
    """Changes told to the watchers of this process only (one process, or no Redis)."""

    def __init__(self) -> None:
        self._watchers: defaultdict[str, set[_Watcher]] = defaultdict(set)

    async def publish(self, change: BillingChange) -> None:
        self.deliver(change)

    def deliver(self, change: BillingChange) -> None:
        for watcher in self._watchers.get(change.customer_id, ()):
            watcher.tell(change)

    @contextlib.asynccontextmanager
    async def watch(self, customer_id: str) -> AsyncIterator[AsyncIterator[BillingChange]]:
        watcher = _Watcher(customer_id)
        self._watchers[customer_id].add(watcher)
        LIVE_WATCHERS.inc()
        try:
            yield watcher.changes()
        finally:
            LIVE_WATCHERS.dec()
            watchers = self._watchers[customer_id]
            watchers.discard(watcher)
            if not watchers:
                del self._watchers[customer_id]


class SharedChanges(LocalChanges):
    """Changes told to the watchers of every instance that shares Redis; `live_changes` builds it."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        channel: str,
        timeout_seconds: float,
        heard: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self._redis = client
        self._channel = channel
        self._timeout = timeout_seconds
        self._heard = heard

    async def publish(self, change: BillingChange) -> None:
        message = orjson.dumps(
            {
                "customer": change.customer_id,
                "topics": sorted(change.topics),
                "at": change.occurred_at.isoformat(),
            }
        )
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.publish(self._channel, message)
        except (RedisError, OSError, TimeoutError) as error:
            logger.warning(
                "could not tell the other instances of a change; told this one's watchers: %s", error
            )
            self.deliver(change)

    async def follow(self, subscribed: asyncio.Event) -> None:
        """Deliver every instance's changes to this one's watchers, resubscribing after a lost connection."""

        def heard(data: object) -> None:
            change = _parsed(data)
            if change is None:
                return
            if self._heard is not None:
                self._heard(change.customer_id)
            self.deliver(change)

        def lost(error: Exception) -> None:
            logger.warning("not hearing other instances' changes until Redis answers again: %s", error)

        await follow(self._redis, self._channel, on_message=heard, on_subscribed=subscribed.set, on_lost=lost)


def _parsed(data: object) -> BillingChange | None:
    """A change from the channel; None for anything else, which is ignored rather than trusted."""
    if not isinstance(data, bytes) or len(data) > _MAX_MESSAGE_BYTES:
        return None
    try:
        document = orjson.loads(data)
        return BillingChange(
            str(document["customer"]),
            frozenset(BillingTopic(topic) for topic in document["topics"]),
            datetime.fromisoformat(document["at"]),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


@contextlib.asynccontextmanager
async def live_changes(
    settings: Settings, *, heard: Callable[[str], None] | None = None
) -> AsyncIterator[LocalChanges]:
    """This process's live changes, shared with every instance through Redis when it is configured; `heard`
    is told of the customer of each change heard from Redis before its watchers are."""
    if settings.redis_url is None:
        yield LocalChanges()
        return
    timeout_seconds = settings.redis_timeout_seconds
    client = aioredis.from_url(settings.redis_url, socket_connect_timeout=timeout_seconds)
    changes = SharedChanges(
        client, channel=settings.live_channel, timeout_seconds=timeout_seconds, heard=heard
    )
    subscribed = asyncio.Event()
    listener = asyncio.create_task(changes.follow(subscribed), name="live-changes")
    try:
        # A first subscription before serving, so that no change published after start-up is missed; a
        # Redis that does not answer must not hold start-up, though.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(timeout_seconds, 1.0)):
                await subscribed.wait()
        yield changes
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        await client.aclose()

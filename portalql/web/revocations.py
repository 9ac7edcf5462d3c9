"""Revocations announced to every process through Redis, so that no process keeps trusting a revoked token
from its recent-credentials cache (`portalql.web.auth.RecentCredentials`).

A process caches accepted tokens only while it is subscribed: between a lost connection and the next
subscription an announcement could be missed, so it then reads the database for every request instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from portalql.web.auth import RecentCredentials

logger = logging.getLogger(__name__)

CHANNEL = "portalql:credentials:revoked"
# The listener pings this often while idle; no answer for three pings means the connection is gone.
_PING_SECONDS = 5.0
_RETRY_SECONDS = 1.0


@contextlib.asynccontextmanager
async def shared_revocations(
    redis_url: str | None, credentials: RecentCredentials, *, timeout_seconds: float
) -> AsyncIterator[None]:
    """Announce this process's revocations and follow the others' for as long as the context lasts."""
    if redis_url is None:
        yield
        return
    client = aioredis.from_url(redis_url, socket_connect_timeout=timeout_seconds)

    async def announce() -> None:
        try:
            async with asyncio.timeout(timeout_seconds):
                await client.publish(CHANNEL, b"revoked")
        except (RedisError, OSError, TimeoutError) as error:
            # The other processes stop trusting it within their cache's lifetime all the same.
            logger.warning("could not announce a revocation to the other processes: %s", error)

    credentials.suspend()
    listener = asyncio.create_task(_follow(client, credentials), name="revocations")
    credentials.announce_with(announce)
    try:
        yield
    finally:
        credentials.announce_with(None)
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        await client.aclose()


async def _follow(client: aioredis.Redis, credentials: RecentCredentials) -> None:
    while True:
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(CHANNEL)
                credentials.resume()
                heard = time.monotonic()
                while True:
                    message = await pubsub.get_message(timeout=_PING_SECONDS)
                    if message is not None:
                        heard = time.monotonic()
                        if message["type"] == "message":
                            credentials.clear()
                        continue
                    if time.monotonic() - heard > 3 * _PING_SECONDS:
                        raise RedisError("no answer to the listener's pings")
                    await pubsub.ping()
        except (RedisError, OSError) as error:
            credentials.suspend()
            logger.warning("not caching credentials until revocations can be followed again: %s", error)
            await asyncio.sleep(_RETRY_SECONDS)

"""Revocations announced to every process through Redis, so that no process keeps trusting a revoked token
from its recent-credentials cache (`portalql.web.auth.RecentCredentials`).

A process caches accepted tokens only while it is subscribed: between a lost connection and the next
subscription an announcement could be missed, so it then reads the database for every request instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from portalql.channels import follow

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from portalql.web.auth import RecentCredentials

logger = logging.getLogger(__name__)

CHANNEL = "portalql:credentials:revoked"


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
    def lost(error: Exception) -> None:
        credentials.suspend()
        logger.warning("not caching credentials until revocations can be followed again: %s", error)

    await follow(
        client,
        CHANNEL,
        on_message=lambda _data: credentials.clear(),
        on_subscribed=credentials.resume,
        on_lost=lost,
    )

"""Following a Redis pub/sub channel for as long as a process runs: what revocations and live updates share.

A frozen Redis, or a cut connection, does not close the socket: silence is the only sign. So the follower
pings while idle and takes three pings unanswered for a lost connection, then subscribes again.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

if TYPE_CHECKING:
    from collections.abc import Callable

    import redis.asyncio as aioredis

PING_SECONDS = 5.0
RETRY_SECONDS = 1.0


async def follow(
    client: aioredis.Redis,
    channel: str,
    *,
    on_message: Callable[[object], None],
    on_subscribed: Callable[[], None],
    on_lost: Callable[[Exception], None],
) -> None:
    """Call `on_message` with each message's data until cancelled; `on_subscribed` each time the channel is
    followed (again), `on_lost` each time it no longer is (messages may have been missed in between)."""
    while True:
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(channel)
                on_subscribed()
                heard = time.monotonic()
                while True:
                    message = await pubsub.get_message(timeout=PING_SECONDS)
                    if message is not None:
                        heard = time.monotonic()
                        if message["type"] == "message":
                            on_message(message["data"])
                        continue
                    if time.monotonic() - heard > 3 * PING_SECONDS:
                        raise RedisError("no answer to the listener's pings")
                    await pubsub.ping()
        except (RedisError, OSError) as error:
            on_lost(error)
            await asyncio.sleep(RETRY_SECONDS)

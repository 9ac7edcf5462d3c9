"""Revocations reach every process's auth cache through Redis; a process that cannot hear them caches
nothing. Two `RecentCredentials` stand for two worker processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from portalql.web.auth import RecentCredentials
from portalql.web.revocations import shared_revocations
from resolvers.principals import CustomerPrincipal

if TYPE_CHECKING:
    from collections.abc import Callable

# A broadcast arrives in milliseconds; this only bounds a failing test.
_SECONDS = 5.0
_FAR = datetime.now(UTC) + timedelta(days=1)
PRINCIPAL = CustomerPrincipal(
    session_id="cs_1",
    customer_id="cus_1",
    scopes=frozenset(),
    expires_at=_FAR,
    configuration_id=None,
    return_url=None,
    locale=None,
)


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(_SECONDS):
        while not condition():  # noqa: ASYNC110 - the listener tells of its subscription by no event
            await asyncio.sleep(0.01)


async def test_a_revocation_in_one_process_empties_the_others_cache(redis_namespace: tuple[str, str]) -> None:
    url, _prefix = redis_namespace
    revoking, other = RecentCredentials(60), RecentCredentials(60)
    async with (
        shared_revocations(url, revoking, timeout_seconds=1.0),
        shared_revocations(url, other, timeout_seconds=1.0),
    ):

        def cached() -> bool:
            other.put("hash", PRINCIPAL)  # refused while the process is not yet subscribed
            return other.get("hash", now=datetime.now(UTC)) is not None

        await _until(cached)
        await revoking.revoked()
        await _until(lambda: other.get("hash", now=datetime.now(UTC)) is None)


async def test_a_process_that_cannot_hear_revocations_caches_nothing() -> None:
    alone = RecentCredentials(60)
    async with shared_revocations("redis://127.0.0.1:9/0", alone, timeout_seconds=0.2):
        await asyncio.sleep(0.3)
        alone.put("hash", PRINCIPAL)
        assert alone.get("hash", now=datetime.now(UTC)) is None
        await alone.revoked()  # announcing fails quietly: the database still refuses the token

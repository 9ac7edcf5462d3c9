"""Delivering what is owed to the product's event endpoints, in the background on every instance.

Each delivery is a POST of the event's body signed per the Standard Webhooks specification (`webhook-id`,
`webhook-timestamp`, `webhook-signature` headers, made by its reference library). A 2xx answer delivers it;
anything else (another status, a timeout, a refused connection) schedules the next attempt on the
specification's recommended backoff, and after the last one the delivery is left for `redeliverEvents`.
Delivery is at least once: an attempt whose process stopped before it recorded the answer is made again
after its claim lapses, under the same `webhook-id`. Order is not guaranteed (a failing event does not hold
back the next), as the specification allows; `timestamp` and `auditEventId` order them.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from standardwebhooks.webhooks import Webhook

from portalql.events.payloads import event_body, message_id
from portalql.persistence.repositories.event_deliveries import (
    DueDelivery,
    claim_delivery,
    due_deliveries,
    record_attempt,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from portalql.persistence.db import Database

logger = logging.getLogger(__name__)

# After the n-th failed attempt the next waits RETRY_DELAYS[n - 1]; after the last, it is given up on.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
ATTEMPT_TIMEOUT_SECONDS = 10.0
# A claimed attempt is made again after this if its answer was never recorded (its process stopped).
_CLAIM = timedelta(seconds=60)
# How often an instance looks for due deliveries, how many it takes, and how many it sends at once.
POLL_INTERVAL_SECONDS = 1.0
_BATCH = 50
_CONCURRENT = 8


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts; None once they are used up."""
    return now + RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


def signed_headers(due: DueDelivery, body: bytes) -> dict[str, str]:
    # Signed at the real time of sending, which receivers check against their clock.
    sent_at = datetime.now(UTC)
    msg_id = message_id(due.event)
    return {
        "content-type": "application/json",
        "user-agent": "portalql",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(due.endpoint.secret).sign(msg_id, sent_at, body),
    }


async def _attempt(database: Database, client: httpx.AsyncClient, due: DueDelivery, now: datetime) -> bool:
    """Make one attempt at a due delivery, unless another deliverer claimed it; True when delivered."""
    async with database.session() as db:
        if not await claim_delivery(db, due, until=now + _CLAIM):
            return False
    body = event_body(due.event)
    status: int | None = None
    error: str | None = None
    try:
        response = await client.post(due.endpoint.url, content=body, headers=signed_headers(due, body))
        status = response.status_code
        if not 200 <= status < 300:
            error = f"answered HTTP {status}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
    delivered = error is None
    next_attempt_at = None if delivered else retry_at(due.attempts + 1, now)
    async with database.session() as db:
        await record_attempt(
            db,
            due.delivery_id,
            delivered_at=now if delivered else None,
            status=status,
            error=error,
            next_attempt_at=next_attempt_at,
        )
    if not delivered:
        logger.warning(
            "event %s to endpoint %s failed (attempt %d: %s); %s",
            message_id(due.event),
            due.endpoint.id,
            due.attempts + 1,
            error,
            "retried later" if next_attempt_at is not None else "given up on until redelivered",
        )
    return delivered


async def deliver_due(database: Database, client: httpx.AsyncClient, *, now: datetime | None = None) -> int:
    """Attempt every delivery due at `now` (a batch of them), several at once; how many were delivered."""
    now = now or datetime.now(UTC)
    async with database.session() as db:
        due = await due_deliveries(db, now=now, limit=_BATCH)
    slots = asyncio.Semaphore(_CONCURRENT)

    async def attempt(delivery: DueDelivery) -> bool:
        async with slots:
            return await _attempt(database, client, delivery, now)

    # Every attempt runs to its end even when another fails (the database gone, say), then that is raised.
    outcomes = await asyncio.gather(*(attempt(delivery) for delivery in due), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return sum(outcome is True for outcome in outcomes)


def event_client() -> httpx.AsyncClient:
    # Redirects are not followed: an endpoint is the URL it was registered with.
    return httpx.AsyncClient(timeout=ATTEMPT_TIMEOUT_SECONDS, follow_redirects=False)


async def _deliver_forever(database: Database, client: httpx.AsyncClient, interval_seconds: float) -> None:
    while True:
        try:
            await deliver_due(database, client)
        except Exception:
            logger.exception("delivering events failed; trying again in %.0f s", interval_seconds)
        await asyncio.sleep(interval_seconds)


@asynccontextmanager
async def delivering_events(
    database: Database, *, interval_seconds: float = POLL_INTERVAL_SECONDS
) -> AsyncIterator[None]:
    """Deliver due events every `interval_seconds` while the block runs."""
    async with event_client() as client:
        task = asyncio.create_task(_deliver_forever(database, client, interval_seconds))
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

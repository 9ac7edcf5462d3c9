"""Retrying, in the background, stored webhook events whose processing failed or never ran.

The inbox is in the database, so what is due survives a restart: an event is due when its processing failed
(its next attempt backs off, `webhooks.next_attempt`) or when it is still unprocessed a while after it
arrived (the process that received it stopped first). Every instance may retry; the processed mark is the
claim, so an event is applied once. Events are taken oldest first, and an object's later events wait for
the next round when an earlier one fails again. After the last attempt an event is left for
`portalql webhooks replay`. The same round forgets the kept audit entries of writes that no event can
confirm any more.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from portalql.persistence.repositories.expected_audits import drop_lapsed_expected_audits
from portalql.persistence.repositories.webhook_events import (
    due_webhook_events,
    mark_webhook_event_processed,
    record_processing_failure,
    schedule_webhook_event,
)
from portalql.webhooks.inbox import EventProcessor, dispatch
from stripe_gateway.webhook_deliveries import stored_event

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from portalql.persistence.db import Database
    from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
    from portalql.webhooks.inbox import StaleReads
    from resolvers.live import LiveChanges

logger = logging.getLogger(__name__)

# How often an instance looks for due events, and how many it takes at a time.
RETRY_INTERVAL_SECONDS = 15.0
_BATCH = 100


async def retry_due_events(
    database: Database,
    stale_reads: StaleReads,
    known_subscriptions: DatabaseKnownSubscriptions | None = None,
    live: LiveChanges | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Try every event due at `now` once, oldest first; how many were processed."""
    now = now or datetime.now(UTC)
    async with database.session() as db:
        due = await due_webhook_events(db, now=now, limit=_BATCH)
    processor = EventProcessor(database, stale_reads, known_subscriptions, live)
    waiting: set[str | None] = set()  # objects whose earlier event failed in this round
    processed = 0
    for row in due:
        if row.object_id in waiting:
            continue
        try:
            event = stored_event(row.payload)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            # Read when it arrived, so this version reads it otherwise: retrying will not change that.
            async with database.session() as db:
                await record_processing_failure(db, row.stripe_event_id, failure=f"unreadable: {error!r}")
                await schedule_webhook_event(db, row.stripe_event_id, None)
            continue
        change = dispatch(event)
        if change is None:  # no longer acted on by this version: nothing to apply
            async with database.session() as db:
                await mark_webhook_event_processed(db, row.stripe_event_id)
            continue
        if await processor.process_or_note_failure(event, change, now=now):
            processed += 1
        else:
            waiting.add(row.object_id)
    return processed


async def _retry_forever(
    database: Database,
    stale_reads: StaleReads,
    known_subscriptions: DatabaseKnownSubscriptions | None,
    live: LiveChanges | None,
    interval_seconds: float,
) -> None:
    while True:
        try:
            await retry_due_events(database, stale_reads, known_subscriptions, live)
            async with database.session() as db:
                await drop_lapsed_expected_audits(db, now=datetime.now(UTC))
        except Exception:
            logger.exception("retrying webhook events failed; trying again in %.0f s", interval_seconds)
        await asyncio.sleep(interval_seconds)


@asynccontextmanager
async def retrying_webhook_events(
    database: Database,
    stale_reads: StaleReads,
    known_subscriptions: DatabaseKnownSubscriptions | None = None,
    live: LiveChanges | None = None,
    *,
    interval_seconds: float = RETRY_INTERVAL_SECONDS,
) -> AsyncIterator[None]:
    """Retry due events every `interval_seconds` while the block runs."""
    task = asyncio.create_task(
        _retry_forever(database, stale_reads, known_subscriptions, live, interval_seconds)
    )
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task

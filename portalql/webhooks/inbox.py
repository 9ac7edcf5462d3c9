"""The inbox behind `POST /webhooks/stripe` (`portalql.webhooks.endpoint`): events stored once by their Stripe
event id, then applied through the `HANDLERS` table. A verified delivery that is no usable event is stored
as failed, with the reason, since Stripe would otherwise redeliver it for days. An event is marked
processed only once its effects are applied, in the transaction that applies them; one whose processing
failed is tried again in the background (`portalql.webhooks.retries`) and by `portalql webhooks replay`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from portalql.observability.metrics import WEBHOOK_DELIVERIES, WEBHOOK_LAG
from portalql.persistence.repositories.audit import record_audit_event
from portalql.persistence.repositories.expected_audits import confirm_expected_audits
from portalql.persistence.repositories.known_subscriptions import note_known_subscription
from portalql.persistence.repositories.webhook_events import (
    latest_processed_stripe_created,
    lock_object_events,
    mark_webhook_event_processed,
    record_processing_failure,
    record_webhook_event,
    schedule_webhook_event,
)
from portalql.webhooks.handlers import HANDLERS, Change
from resolvers.live import BillingChange
from resolvers.ports import AuditSource, PrincipalType
from stripe_gateway.params import caller_key_digest

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
    from resolvers.live import LiveChanges
    from stripe_gateway.records import Event

logger = logging.getLogger(__name__)

# Stripe's own default: a signature older than this is a replay, not a delivery.
SIGNATURE_TOLERANCE_SECONDS = 300
_STRIPE_PRINCIPAL = "stripe"
# The inbox's columns hold ids of up to 255 characters (Stripe's own are far shorter) and types of 100.
_MAX_ID_LENGTH = 255
_MAX_TYPE_LENGTH = 100
# An event still unprocessed this long after it arrived is taken up by the background retry: its processing
# failed, or the process that received it stopped before processing it.
FIRST_RETRY_AFTER = timedelta(seconds=30)
# Later retries back off: 30 s, 1, 2, 4 … minutes, at most an hour apart; after the last, replay is left.
RETRY_BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 10


class StaleReads(Protocol):
    """The read cache, whose entries are dropped on every instance that shares it."""

    async def invalidate_customer(self, customer_id: str) -> None: ...

    async def invalidate_object(self, object_id: str) -> None: ...

    async def invalidate_catalog(self) -> None: ...


def dispatch(event: Event) -> Change | None:
    """What `event` means for portalql; None for events portalql does not act on."""
    handler = HANDLERS.get(event.type)
    return handler(event) if handler is not None else None


async def store_event(
    database: Database, event: Event, change: Change, *, now: datetime | None = None
) -> bool:
    """Put `event` in the inbox, due for a retry should it not be processed soon; True when it was not there
    yet and so is to be processed."""
    received_at = now or datetime.now(UTC)
    async with database.session() as db:
        return await record_webhook_event(
            db,
            stripe_event_id=event.id,
            event_type=event.type,
            stripe_created=event.created,
            payload=dict(event.payload),
            customer_id=change.customer_id,
            object_id=change.object_id,
            received_at=received_at,
            retry_at=received_at + FIRST_RETRY_AFTER,
        )


def unstorable_reason(event: Event, change: Change) -> str | None:
    """Why the inbox cannot hold `event` for processing (an id longer than its columns); None if it can."""
    for name, value in (
        ("event id", event.id),
        ("object id", change.object_id),
        ("customer", change.customer_id),
    ):
        if value is not None and len(value) > _MAX_ID_LENGTH:
            return f"{name} longer than {_MAX_ID_LENGTH} characters"
    return None


async def store_unusable(
    database: Database,
    body: bytes,
    *,
    reason: str,
    event_id: str | None,
    event_type: str | None,
    document: object,
) -> None:
    """Keep a verified delivery that cannot be processed, as failed with `reason` and never retried.

    Stored under its event id when the inbox can hold that, so a redelivery is a duplicate; else under a
    digest of the body, which a redelivery repeats too.
    """
    if event_id is None or len(event_id) > _MAX_ID_LENGTH:
        event_id = f"unusable:{hashlib.sha256(body).hexdigest()}"
    if event_type is None or len(event_type) > _MAX_TYPE_LENGTH:
        event_type = "unusable"
    async with database.session() as db:
        await record_webhook_event(
            db,
            stripe_event_id=event_id,
            event_type=event_type,
            stripe_created=0,
            payload=document if isinstance(document, dict) else {"document": document},
            failure=reason,
        )


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try an event again after `attempts` failed attempts; None once they are used up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay: timedelta = min(FIRST_RETRY_AFTER * 2 ** max(attempts - 1, 0), RETRY_BACKOFF_CAP)
    return now + delay


class EventProcessor:
    """Applies stored events: drops the cached reads they make stale, audits outside changes, marks them,
    and tells the customer's watchers."""

    def __init__(
        self,
        database: Database,
        stale_reads: StaleReads,
        known_subscriptions: DatabaseKnownSubscriptions | None = None,
        live: LiveChanges | None = None,
    ) -> None:
        self._database = database
        self._stale_reads = stale_reads
        self._known_subscriptions = known_subscriptions
        self._live = live

    async def process(self, event: Event, change: Change) -> bool:
        """Apply one stored event; True when this call processed it, False when it already was.

        Raises when an effect fails, leaving the event unprocessed. One transaction holds the events of the
        event's object (so concurrent events of one object apply one at a time, each seeing the one before),
        decides whether the event is the newest, and marks it processed with its audit entry: an older event
        never brings back an older state, and a retry invalidates again (harmless) but never audits twice.
        """
        async with self._database.session() as db:
            await lock_object_events(db, change.object_id)
            if not await mark_webhook_event_processed(db, event.id):
                return False
            newest = await latest_processed_stripe_created(
                db, change.object_id, customer_id=change.customer_id, other_than=event.id
            )
            # An event older than one already applied to its object and customer makes nothing stale: that
            # newer event invalidated both after both changes, so whatever was cached since reflects both.
            # (Another customer's newer event would not do: a card moved between customers invalidates
            # each.) Equal times cannot be ordered, so they invalidate again and the next read re-fetches.
            is_newest = newest is None or event.created >= newest
            if is_newest:
                if change.customer_id is not None:
                    await self._stale_reads.invalidate_customer(change.customer_id)
                if change.catalog:
                    await self._stale_reads.invalidate_catalog()
                await self._stale_reads.invalidate_object(change.object_id)
            # The subscriptions a customer's dashboards preview ahead (see `known_subscriptions`).
            subscriber = change.customer_id if change.invoices_again is not None and is_newest else None
            if subscriber is not None:
                await note_known_subscription(
                    db, subscriber, change.object_id, invoices_again=change.invoices_again is True
                )
            if event.made_by_portalql:
                # portalql's own write: audited once, here if its answer never reached the mutation.
                await confirm_expected_audits(db, event.write_key_digests)
            if change.audit is not None:
                await record_audit_event(
                    db,
                    principal_type=PrincipalType.STRIPE,
                    principal_id=_STRIPE_PRINCIPAL,
                    action=change.audit.action,
                    object_type=change.audit.object_type,
                    object_id=change.audit.object_id,
                    customer_id=change.customer_id,
                    before=change.audit.before,
                    after=change.audit.after,
                    # The event names the change in Stripe's logs, and the request behind it if any.
                    request_id=event.id,
                    # Only a change keyed once (`AuditEntry.once_key`) may be portalql's own here.
                    source=AuditSource.PORTALQL if event.made_by_portalql else AuditSource.EXTERNAL,
                    occurred_at=datetime.fromtimestamp(event.created, UTC),
                    write_key=None
                    if change.audit.once_key is None
                    else caller_key_digest(change.audit.once_key),
                )
        if subscriber is not None and self._known_subscriptions is not None:
            self._known_subscriptions.forget(subscriber)
        # Told once its effects are committed, so that what watchers read again is fresh.
        if self._live is not None and change.customer_id is not None and change.topics:
            await self._live.publish(BillingChange.now(change.customer_id, change.topics))
        return True

    async def process_or_note_failure(
        self, event: Event, change: Change, *, now: datetime | None = None
    ) -> bool:
        """`process`; a failure is logged and noted on the stored event, which is then due for a retry
        (`next_attempt` after `now`). True when processed now, False when it failed or already was."""
        try:
            processed = await self.process(event, change)
        except Exception as error:
            WEBHOOK_DELIVERIES.labels(event.type, "failed").inc()
            now = now or datetime.now(UTC)
            async with self._database.session() as db:
                attempts = await record_processing_failure(
                    db, event.id, failure=f"{type(error).__name__}: {error}"
                )
                retry_at = next_attempt(attempts, now)
                await schedule_webhook_event(db, event.id, retry_at)
            logger.exception(
                "webhook event %s (%s) failed (attempt %d); %s",
                event.id,
                event.type,
                attempts,
                "retried in the background"
                if retry_at is not None
                else "left for `portalql webhooks replay`",
            )
            return False
        WEBHOOK_DELIVERIES.labels(event.type, "processed" if processed else "already_processed").inc()
        if processed:
            WEBHOOK_LAG.observe(max(0.0, time.time() - event.created))
        return processed

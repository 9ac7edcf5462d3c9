"""Stripe webhooks: `POST /webhooks/stripe` and the inbox behind it.

A delivery is verified, stored once by its Stripe event id (a redelivery is acknowledged and ignored) and
answered at once; processing runs after the response, through the `HANDLERS` table. An event is marked
processed only once its effects are applied, so one whose processing failed is retried by
`portalql webhooks replay`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from portalql.persistence.models import AuditSource, PrincipalType
from portalql.persistence.repositories.audit import record_audit_event
from portalql.persistence.repositories.known_subscriptions import note_known_subscription
from portalql.persistence.repositories.webhook_events import (
    latest_processed_stripe_created,
    mark_webhook_event_processed,
    record_webhook_event,
)
from portalql.webhooks.handlers import HANDLERS, Change
from stripe_gateway.errors import WebhookSignatureInvalid

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
    from portalql.runtime import Runtime
    from stripe_gateway.records import Event

logger = logging.getLogger(__name__)

# Stripe's own default: a signature older than this is a replay, not a delivery.
SIGNATURE_TOLERANCE_SECONDS = 300
_STRIPE_PRINCIPAL = "stripe"


class StaleReads(Protocol):
    """The read cache, whose entries are dropped on every instance that shares it."""

    async def invalidate_customer(self, customer_id: str) -> None: ...

    async def invalidate_object(self, object_id: str) -> None: ...

    async def invalidate_catalog(self) -> None: ...


def dispatch(event: Event) -> Change | None:
    """What `event` means for portalql; None for events portalql does not act on."""
    handler = HANDLERS.get(event.type)
    return handler(event) if handler is not None else None


async def store_event(database: Database, event: Event, change: Change) -> bool:
    """Put `event` in the inbox; True when it was not there yet and so is to be processed."""
    async with database.session() as db:
        return await record_webhook_event(
            db,
            stripe_event_id=event.id,
            event_type=event.type,
            stripe_created=event.created,
            payload=dict(event.payload),
            customer_id=change.customer_id,
            object_id=change.object_id,
        )


class EventProcessor:
    """Applies stored events: drops the cached reads they make stale, audits outside changes, marks them."""

    def __init__(
        self,
        database: Database,
        stale_reads: StaleReads,
        known_subscriptions: DatabaseKnownSubscriptions | None = None,
    ) -> None:
        self._database = database
        self._stale_reads = stale_reads
        self._known_subscriptions = known_subscriptions

    async def process(self, event: Event, change: Change) -> bool:
        """Apply one stored event; True when this call processed it, False when it already was.

        Raises when an effect fails, leaving the event unprocessed. The cache is invalidated first and the
        audit entry written in the same transaction as the processed mark, so a retry invalidates again
        (harmless) but never audits twice.
        """
        async with self._database.session() as db:
            newest = await latest_processed_stripe_created(
                db, change.object_id, customer_id=change.customer_id
            )
        # An event older than one already applied to its object and customer makes nothing stale: that newer
        # event invalidated both after both changes, so whatever was cached since reflects both. (Another
        # customer's newer event would not do: a card moved between customers invalidates each.) Equal times
        # cannot be ordered, so they invalidate again and the next read re-fetches.
        is_newest = newest is None or event.created >= newest
        if is_newest:
            if change.customer_id is not None:
                await self._stale_reads.invalidate_customer(change.customer_id)
            if change.catalog:
                await self._stale_reads.invalidate_catalog()
            await self._stale_reads.invalidate_object(change.object_id)
        async with self._database.session() as db:
            if not await mark_webhook_event_processed(db, event.id):
                return False
            # The subscriptions a customer's dashboards preview ahead (see `known_subscriptions`).
            subscriber = change.customer_id if change.invoices_again is not None and is_newest else None
            if subscriber is not None:
                await note_known_subscription(
                    db, subscriber, change.object_id, invoices_again=change.invoices_again is True
                )
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
                    source=AuditSource.EXTERNAL,
                    occurred_at=datetime.fromtimestamp(event.created, UTC),
                )
        if subscriber is not None and self._known_subscriptions is not None:
            self._known_subscriptions.forget(subscriber)
        return True

    async def process_logged(self, event: Event, change: Change) -> None:
        """`process`, for a background task: a failure is logged and left for replay to retry."""
        try:
            await self.process(event, change)
        except Exception:
            logger.exception("webhook event %s (%s) failed; replay will retry it", event.id, event.type)


def webhook_router(runtime: Runtime) -> APIRouter:
    router = APIRouter()

    @router.post("/webhooks/stripe", include_in_schema=False)
    async def receive_stripe_event(request: Request, background: BackgroundTasks) -> JSONResponse:
        database, gateway = runtime.services.database, runtime.services.gateway
        secret = runtime.settings.stripe_webhook_secret
        try:
            event = gateway.construct_event(
                await request.body(),
                request.headers.get("stripe-signature"),
                secret.get_secret_value() if secret is not None else "",
                tolerance=SIGNATURE_TOLERANCE_SECONDS,
            )
        except WebhookSignatureInvalid as error:
            logger.warning("rejected a webhook delivery: %s", error.code)
            return JSONResponse({"error": error.code}, status_code=400)
        change = dispatch(event)
        if change is None:
            return JSONResponse({"received": True, "ignored": True})
        if await store_event(database, event, change):
            processor = EventProcessor(database, gateway, runtime.services.known_subscriptions)
            background.add_task(processor.process_logged, event, change)
            return JSONResponse({"received": True})
        return JSONResponse({"received": True, "duplicate": True})

    return router

"""`POST /webhooks/stripe`: a delivery is verified, stored once by its Stripe event id (a redelivery is
acknowledged and ignored) and answered at once; the inbox applies it after the response. A delivery that does
not verify is refused (400); a verified one that is no usable event is kept as failed and acknowledged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from portalql.observability.metrics import WEBHOOK_DELIVERIES
from portalql.webhooks.inbox import (
    SIGNATURE_TOLERANCE_SECONDS,
    EventProcessor,
    dispatch,
    store_event,
    store_unusable,
    unstorable_reason,
)
from stripe_gateway.errors import UnusableEvent, WebhookSignatureInvalid

if TYPE_CHECKING:
    from portalql.persistence.db import Database
    from portalql.runtime import Runtime

logger = logging.getLogger(__name__)


def webhook_router(runtime: Runtime) -> APIRouter:
    router = APIRouter()

    @router.post("/webhooks/stripe", include_in_schema=False)
    async def receive_stripe_event(request: Request, background: BackgroundTasks) -> JSONResponse:
        database, gateway = runtime.services.database, runtime.services.gateway
        secret = runtime.settings.stripe_webhook_secret
        body = await request.body()
        try:
            event = gateway.construct_event(
                body,
                request.headers.get("stripe-signature"),
                secret.get_secret_value() if secret is not None else "",
                tolerance=SIGNATURE_TOLERANCE_SECONDS,
            )
        except WebhookSignatureInvalid as error:
            WEBHOOK_DELIVERIES.labels("unknown", "rejected").inc()
            logger.warning("rejected a webhook delivery: %s", error.code)
            return JSONResponse({"error": error.code}, status_code=400)
        except UnusableEvent as unusable:
            WEBHOOK_DELIVERIES.labels("unknown", "unusable").inc()
            return await _unusable(
                database,
                body,
                reason=unusable.message,
                event_id=unusable.event_id,
                event_type=unusable.event_type,
                document=unusable.document,
            )
        change = dispatch(event)
        if change is None:
            WEBHOOK_DELIVERIES.labels(event.type, "ignored").inc()
            return JSONResponse({"received": True, "ignored": True})
        if (reason := unstorable_reason(event, change)) is not None:
            WEBHOOK_DELIVERIES.labels(event.type, "unusable").inc()
            return await _unusable(
                database,
                body,
                reason=reason,
                event_id=event.id,
                event_type=event.type,
                document=event.payload,
            )
        if await store_event(database, event, change):
            services = runtime.services
            processor = EventProcessor(database, gateway, services.known_subscriptions, services.live)
            background.add_task(processor.process_or_note_failure, event, change)
            return JSONResponse({"received": True})
        WEBHOOK_DELIVERIES.labels(event.type, "duplicate").inc()
        return JSONResponse({"received": True, "duplicate": True})

    return router


async def _unusable(
    database: Database,
    body: bytes,
    *,
    reason: str,
    event_id: str | None,
    event_type: str | None,
    document: object,
) -> JSONResponse:
    logger.warning("kept an unusable webhook event as failed: %s", reason)
    await store_unusable(
        database, body, reason=reason, event_id=event_id, event_type=event_type, document=document
    )
    return JSONResponse({"received": True, "failed": reason})

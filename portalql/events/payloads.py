"""What an endpoint receives: portalql's own stable shape of one audit event, whatever Stripe's objects look
like, in the Standard Webhooks envelope (`type`, `timestamp`, `data`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from portalql.persistence.models import AuditEvent


def message_id(event: AuditEvent) -> str:
    """The `webhook-id`: the same on every attempt and every endpoint, so a receiver can drop repeats."""
    return f"pqevt_{event.id}"


def event_body(event: AuditEvent) -> bytes:
    return orjson.dumps(
        {
            "type": event.action,
            "timestamp": event.occurred_at.isoformat(),
            "data": {
                "auditEventId": str(event.id),
                "action": event.action,
                "customerId": event.customer_id,
                "object": {"type": event.object_type, "id": event.object_id},
                "before": event.before,
                "after": event.after,
                # `portalql`: through this API (by the customer or the product); `external`: in Stripe.
                "source": event.source.value,
                "actor": event.principal_type.value,
            },
        }
    )

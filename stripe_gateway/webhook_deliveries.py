"""Checking a webhook delivery before its event is read: its signature and timestamp, then its shape.

The SDK's check raises `TypeError` for a signature that is not ASCII and accepts timestamps from any time in
the future, so the signature is checked here, around it. A verified body is then checked to be an event at
all (an object with an id, a type, a plausible time and an object in `data`) before the SDK reads it. The
inbox keeps an event's JSON, and `stored_event` reads it back for a retry.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import stripe

from stripe_gateway import convert
from stripe_gateway.errors import WebhookSignatureInvalid

if TYPE_CHECKING:
    from stripe_gateway.records import Event

# The last second of year 9999: any later `created` is no time Stripe sends, and overflows Python's dates.
_LATEST_TIME = 253_402_300_799


def verify_signature(
    payload: bytes, header: str | None, secret: str, *, tolerance: int, now: float | None = None
) -> None:
    """Raise WebhookSignatureInvalid unless `header` signs `payload` with `secret` within `tolerance` seconds
    of now, either way (a signature from the future is as suspect as a stale one)."""
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureInvalid(
            error.user_message or "Invalid signature", code="signature_invalid"
        ) from error
    except (TypeError, ValueError) as error:  # a signature that is not ASCII, a body that is not UTF-8
        raise WebhookSignatureInvalid("Malformed signature", code="signature_invalid") from error
    # Verified, so the header has exactly the `t=` the signature covers.
    signed_at = int(next(part[2:] for part in (header or "").split(",") if part.startswith("t=")))
    if signed_at > (time.time() if now is None else now) + tolerance:
        raise WebhookSignatureInvalid("Timestamp in the future", code="signature_invalid")


def unusable_reason(document: object) -> str | None:
    """Why a verified JSON document is not an event portalql can read; None when it is one."""
    if not isinstance(document, Mapping):
        return "not a JSON object"
    data = document.get("data")
    data_object = data.get("object") if isinstance(data, Mapping) else None
    created = document.get("created")
    checks = (
        (_is_text(document.get("id")), "no event id"),
        (_is_text(document.get("type")), "no event type"),
        (
            isinstance(created, int) and not isinstance(created, bool) and 0 <= created <= _LATEST_TIME,
            "no plausible `created` time",
        ),
        (isinstance(data_object, Mapping), "`data.object` is not an object"),
        (
            isinstance(data, Mapping) and isinstance(data.get("previous_attributes") or {}, Mapping),
            "`data.previous_attributes` is not an object",
        ),
        (
            not isinstance(data_object, Mapping)
            or data_object.get("id") is None
            or _is_text(data_object["id"]),
            "`data.object.id` is not a string",
        ),
        (isinstance(document.get("request") or {}, Mapping), "`request` is not an object"),
    )
    return next((reason for passed, reason in checks if not passed), None)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def stored_event(document: Mapping[str, object]) -> Event:
    """An event read back from the JSON an inbox kept of it (verified when it was delivered)."""
    return convert.event(stripe.Event.construct_from(dict(document), None))

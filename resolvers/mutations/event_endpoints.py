"""The product's event endpoints (API keys only): register one, disable it, deliver its events again.

Registering is safe to retry: an enabled endpoint of the same URL is returned as it is, secret included (an
API key may read it anyway), so a retry never makes two endpoints that would each receive every event.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from resolvers.errors import InvalidArgumentError
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.portal_sessions import check_url
from resolvers.policy import require_api_key
from resolvers.text import excerpt, is_printable_line

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import EventDelivery, EventEndpoint, RegisteredEventEndpoint

MAX_ENABLED_ENDPOINTS = 16
MAX_EVENT_TYPES = 50
MAX_DESCRIPTION_LENGTH = 200
# The audit trail's actions: lower-case words joined by dots, such as `subscription.cancel`.
_EVENT_TYPE = re.compile(r"[a-z][a-z_]{0,49}(\.[a-z][a-z_]{0,49}){1,3}")
MAX_REDELIVERIES = 1000
# Deliveries are kept as long as the audit trail, but redelivering months of events is a job for a replay
# of the trail, not for an endpoint that was down.
MAX_REDELIVERY_AGE = timedelta(days=90)


def _check_endpoint_url(url: str) -> None:
    check_url(url, "url")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise reject(
            UserErrorCode.INVALID_INPUT, "An endpoint URL has no credentials and no fragment.", "url"
        )
    # Events carry billing data: only a receiver on this machine may be reached without TLS.
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise reject(UserErrorCode.INVALID_INPUT, "An endpoint URL is https (http only to localhost).", "url")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _check_event_types(event_types: list[str]) -> tuple[str, ...]:
    if len(event_types) > MAX_EVENT_TYPES:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"An endpoint takes at most {MAX_EVENT_TYPES} event types.",
            "event_types",
        )
    for event_type in event_types:
        if _EVENT_TYPE.fullmatch(event_type) is None:
            raise reject(
                UserErrorCode.INVALID_INPUT,
                f"'{excerpt(event_type)}' is not an event type such as `subscription.cancel`.",
                "event_types",
            )
    return tuple(sorted(set(event_types)))


async def _register(
    ctx: RequestContext, url: str, description: str | None, event_types: list[str]
) -> RegisteredEventEndpoint:
    principal = require_api_key(ctx)
    _check_endpoint_url(url)
    if description is not None and not (
        len(description) <= MAX_DESCRIPTION_LENGTH and is_printable_line(description)
    ):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"A description is one printable line of at most {MAX_DESCRIPTION_LENGTH} characters.",
            "description",
        )
    types = _check_event_types(event_types)
    endpoints = writes.stores(ctx).event_endpoints
    enabled = {endpoint.url for endpoint in await endpoints.endpoints() if endpoint.disabled_at is None}
    if len(enabled) >= MAX_ENABLED_ENDPOINTS and url not in enabled:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"At most {MAX_ENABLED_ENDPOINTS} endpoints are enabled at once; disable one first.",
            "url",
        )
    registered = await endpoints.register(
        url=url, description=description, event_types=types, created_by_api_key_id=principal.key_id
    )
    endpoint = registered.endpoint
    if endpoint.event_types != types or endpoint.description != description:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"Endpoint {endpoint.id} already receives events at this URL; disable it to register it anew.",
            "url",
        )
    if not registered.new:
        return registered
    await writes.audit(
        ctx,
        principal,
        action="event_endpoint.create",
        object_type="event_endpoint",
        object_id=endpoint.id,
        customer_id=None,
        before=None,
        after={"url": endpoint.url, "eventTypes": list(endpoint.event_types)},
    )
    return registered


async def create_event_endpoint(
    ctx: RequestContext, *, url: str, description: str | None, event_types: list[str]
) -> Outcome[RegisteredEventEndpoint]:
    return await attempt(_register(ctx, url, description, event_types))


async def _disable(ctx: RequestContext, endpoint_id: str) -> EventEndpoint:
    principal = require_api_key(ctx)
    # Ids are `pqwe_` and 24 hex digits; a longer one names nothing.
    disabled = (
        None if len(endpoint_id) > 40 else await writes.stores(ctx).event_endpoints.disable(endpoint_id)
    )
    if disabled is None:
        raise reject(UserErrorCode.NOT_FOUND, "No such event endpoint.", "endpoint_id")
    await writes.audit(
        ctx,
        principal,
        action="event_endpoint.disable",
        object_type="event_endpoint",
        object_id=disabled.id,
        customer_id=None,
        before=None,
        after={"disabled": True},
    )
    return disabled


async def disable_event_endpoint(ctx: RequestContext, *, endpoint_id: str) -> Outcome[EventEndpoint]:
    return await attempt(_disable(ctx, endpoint_id))


async def _redeliver(
    ctx: RequestContext, endpoint_id: str, since: datetime, only_failed: bool
) -> tuple[int, bool]:
    require_api_key(ctx)
    if since.tzinfo is None or since < datetime.now(UTC) - MAX_REDELIVERY_AGE:
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"Events of the last {MAX_REDELIVERY_AGE.days} days can be delivered again.",
            "since",
        )
    endpoints = writes.stores(ctx).event_endpoints
    endpoint = next((each for each in await endpoints.endpoints() if each.id == endpoint_id), None)
    if endpoint is None:
        raise reject(UserErrorCode.NOT_FOUND, "No such event endpoint.", "endpoint_id")
    if endpoint.disabled_at is not None:
        raise reject(UserErrorCode.INVALID_INPUT, "This endpoint is disabled.", "endpoint_id")
    return await endpoints.redeliver(
        endpoint_id, since=since, only_failed=only_failed, limit=MAX_REDELIVERIES
    )


async def redeliver_events(
    ctx: RequestContext, *, endpoint_id: str, since: datetime, only_failed: bool
) -> Outcome[tuple[int, bool]]:
    """Deliver again an endpoint's events since `since`: those given up on, or (`only_failed` false) every
    one not already due. Repeating it is harmless: what is due is not made due twice."""
    return await attempt(_redeliver(ctx, endpoint_id, since, only_failed))


async def event_endpoints(ctx: RequestContext) -> tuple[EventEndpoint, ...]:
    require_api_key(ctx)
    return await writes.stores(ctx).event_endpoints.endpoints()


MAX_DELIVERIES_LISTED = 50


async def endpoint_deliveries(
    ctx: RequestContext, endpoint_id: str, *, limit: int
) -> tuple[EventDelivery, ...]:
    if not 1 <= limit <= MAX_DELIVERIES_LISTED:
        raise InvalidArgumentError(f"`last` must be between 1 and {MAX_DELIVERIES_LISTED}.")
    return await writes.stores(ctx).event_endpoints.deliveries(endpoint_id, limit=limit)

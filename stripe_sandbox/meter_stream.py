"""Stripe's high-throughput usage API (v2, JSON): `POST /v2/billing/meter_event_session` makes a short-lived
token, which `POST /v2/billing/meter_event_stream` takes, on the `meter_events` base address the SDK sends
it to (`meter-events.stripe.com`; this server answers both). Events count as v1 meter events do; Stripe
validates them after answering, so an event whose identifier was already seen is dropped, not refused.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse
from starlette.routing import Route

from stripe_sandbox.resources import meters
from stripe_sandbox.wire import StripeError

if TYPE_CHECKING:
    from starlette.requests import Request

    from stripe_sandbox.app import Sandbox
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject

SESSION = "v2.billing.meter_event_session"
SESSION_SECONDS = 15 * 60
MAX_EVENTS = 100


def _iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def _error(status: int, kind: str, message: str) -> JSONResponse:
    """The v2 error envelope: a `type` that names the problem, and a message."""
    return JSONResponse({"error": {"type": kind, "code": kind, "message": message}}, status_code=status)


def _bearer(request: Request) -> str:
    return request.headers.get("authorization", "").removeprefix("Bearer ").strip()


async def _enter(request: Request, call: str) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    sandbox.calls[call] += 1
    if sandbox.latency_ms:
        await asyncio.sleep(sandbox.latency_ms / 1000)
    return sandbox


async def create_session(request: Request) -> JSONResponse:
    sandbox = await _enter(request, "POST /v2/billing/meter_event_session")
    if not _bearer(request).startswith(("sk_test_", "rk_test_")):
        return _error(401, "invalid_api_key", "A secret key is needed to create a meter event session.")
    store = sandbox.store
    now = store.now()
    session: StripeObject = {
        "id": store.new_id("mes_test", 24),
        "object": SESSION,
        "authentication_token": store.random_secret(32),
        "created": _iso(now),
        "expires_at": _iso(now + SESSION_SECONDS),
        "livemode": False,
    }
    store.add({**session, "expires_unix": now + SESSION_SECONDS})
    return JSONResponse(session)


def _session_valid(store: Store, token: str) -> bool:
    return any(
        s["authentication_token"] == token and store.now() < s["expires_unix"]
        for s in store.iter_type(SESSION)
    )


async def stream_events(request: Request) -> JSONResponse:
    sandbox = await _enter(request, "POST /v2/billing/meter_event_stream")
    store = sandbox.store
    if not _session_valid(store, _bearer(request)):
        return _error(
            401,
            "billing_meter_event_session_expired",
            "The meter event session is missing or has expired; create a new one.",
        )
    try:
        body: Any = json.loads(await request.body() or b"{}")
    except ValueError:
        return _error(400, "invalid_request_error", "The body is not JSON.")
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENTS:
        return _error(400, "invalid_request_error", f"`events` is a list of 1 to {MAX_EVENTS} events.")
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
            return _error(400, "invalid_request_error", "Each event needs an `event_name` and a `payload`.")
        try:
            timestamp = event.get("timestamp")
            at = int(datetime.fromisoformat(timestamp).timestamp()) if isinstance(timestamp, str) else None
            meters.record_event(
                store,
                event_name=str(event.get("event_name", "")),
                payload={str(k): str(v) for k, v in event["payload"].items()},
                identifier=event.get("identifier") or None,
                timestamp=at,
            )
        except (StripeError, ValueError):
            # Processed after the answer on Stripe: an invalid or repeated event is dropped, not refused.
            continue
    return JSONResponse({})


def routes() -> list[Route]:
    return [
        Route("/v2/billing/meter_event_session", create_session, methods=["POST"]),
        Route("/v2/billing/meter_event_stream", stream_events, methods=["POST"]),
    ]

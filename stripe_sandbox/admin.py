"""Knobs for tests and the benchmark, as JSON routes under `/_sandbox/` (never part of Stripe's API)."""

from __future__ import annotations

import functools
import json
import pickle
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, get_args

from starlette.responses import JSONResponse
from starlette.routing import Route

from stripe_sandbox import clock as billing_clock
from stripe_sandbox import seed
from stripe_sandbox.app import Fault, Hold, Sandbox, SeedName
from stripe_sandbox.resources import authentication
from stripe_sandbox.store import Clock, Store
from stripe_sandbox.wire import StripeError

if TYPE_CHECKING:
    from starlette.requests import Request

Body = dict[str, Any]
AdminHandler = Callable[[Sandbox, Body], Awaitable[Any]]
SEED_NAMES: tuple[str, ...] = get_args(SeedName)


class AdminError(Exception):
    """A request the admin routes refuse: answered with 400 and `{"error": message}`."""


def routes() -> list[Route]:
    return [
        Route("/_sandbox/reset", _endpoint(_reset), methods=["POST"]),
        Route("/_sandbox/calls", _endpoint(_calls), methods=["GET"]),
        Route("/_sandbox/calls", _endpoint(_clear_calls), methods=["DELETE"]),
        Route("/_sandbox/latency", _endpoint(_latency), methods=["POST"]),
        Route("/_sandbox/hold", _endpoint(_hold), methods=["GET"]),
        Route("/_sandbox/hold", _endpoint(_set_hold), methods=["POST"]),
        Route("/_sandbox/hold", _endpoint(_clear_hold), methods=["DELETE"]),
        Route("/_sandbox/faults", _endpoint(_faults), methods=["GET"]),
        Route("/_sandbox/faults", _endpoint(_add_fault), methods=["POST"]),
        Route("/_sandbox/faults", _endpoint(_clear_faults), methods=["DELETE"]),
        Route("/_sandbox/advance", _endpoint(_advance), methods=["POST"]),
        Route("/_sandbox/now", _endpoint(_now), methods=["GET"]),
        Route("/_sandbox/webhooks", _endpoint(_webhooks), methods=["GET"]),
        Route("/_sandbox/webhooks", _endpoint(_set_webhooks), methods=["POST"]),
        Route("/_sandbox/webhooks", _endpoint(_clear_webhooks), methods=["DELETE"]),
        Route("/_sandbox/webhooks/drain", _endpoint(_drain_webhooks), methods=["POST"]),
        Route("/_sandbox/authenticate", _endpoint(_authenticate), methods=["POST"]),
    ]


def _endpoint(handler: AdminHandler) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def endpoint(request: Request) -> JSONResponse:
        sandbox: Sandbox = request.app.state.sandbox
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else {}
            if not isinstance(body, dict):
                raise AdminError("the body must be a JSON object")
            return JSONResponse(await handler(sandbox, body))
        except (AdminError, ValueError) as error:  # json.JSONDecodeError is a ValueError
            return JSONResponse({"error": str(error)}, status_code=400)

    return endpoint


def _int(body: Body, name: str, *, minimum: int | None = None) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise AdminError(f"`{name}` must be an integer{bound}")
    return value


# -- state ----------------------------------------------------------------------------------------------


async def _reset(sandbox: Sandbox, body: Body) -> Body:
    """`{"seed": "demo"|"empty", "frozen_at": ts|null}`: re-seed; `frozen_at` (when given) sets the clock:
    frozen at that instant, or real time for null."""
    name = body.get("seed", "demo")
    if name not in SEED_NAMES:
        raise AdminError(f"`seed` must be one of {', '.join(SEED_NAMES)}")
    clock = sandbox.store.clock
    if "frozen_at" in body:
        clock = Clock(frozen_at=None if body["frozen_at"] is None else _int(body, "frozen_at"))
    if clock.frozen_at is None:
        store = Store(clock=clock)
        seed.load(store, name)
    else:
        store = pickle.loads(_frozen_seed(name, clock.frozen_at))  # noqa: S301 - our own bytes, from this process
    sandbox.replace_store(store)
    return _clock(store)


@functools.lru_cache(maxsize=4)
def _frozen_seed(name: SeedName, frozen_at: int) -> bytes:
    """A seeded store at a frozen instant is always the same, so tests reset from a copy instead of
    re-running the seed (which takes far longer than unpickling its result)."""
    store = Store(clock=Clock(frozen_at=frozen_at))
    seed.load(store, name)
    return pickle.dumps(store)


async def _advance(sandbox: Sandbox, body: Body) -> Body:
    """`{"seconds": N}` or `{"to": ts}`: move the clock forward, then let billing catch up to the new time
    (renewals, invoices, cancellations at period end)."""
    store = sandbox.store
    now = store.now()
    target = _int(body, "to", minimum=now) if "to" in body else now + _int(body, "seconds", minimum=0)
    store.clock.advance(target - now)
    billing_clock.advance(store, to=target)
    return _clock(store)


async def _authenticate(sandbox: Sandbox, body: Body) -> Body:
    """`{"intent": "seti_…"|"pi_…", "outcome": "complete"|"fail"}`: what the customer does on Stripe's 3-D
    Secure test page for an intent in `requires_action`."""
    intent_id, outcome = body.get("intent"), body.get("outcome")
    if not isinstance(intent_id, str) or outcome not in ("complete", "fail"):
        raise AdminError('give "intent" and "outcome": "complete" or "fail"')
    act = (
        authentication.complete_authentication
        if outcome == "complete"
        else authentication.fail_authentication
    )
    try:
        intent = act(sandbox.store, intent_id)
    except StripeError as error:
        raise AdminError(error.message) from error
    return {"id": intent["id"], "status": intent["status"]}


async def _now(sandbox: Sandbox, _body: Body) -> Body:
    return _clock(sandbox.store)


def _clock(store: Store) -> Body:
    return {"now": store.now(), "frozen": store.clock.frozen_at is not None}


# -- knobs ----------------------------------------------------------------------------------------------


async def _calls(sandbox: Sandbox, _body: Body) -> dict[str, int]:
    return dict(sandbox.calls)


async def _clear_calls(sandbox: Sandbox, _body: Body) -> dict[str, int]:
    sandbox.calls.clear()
    return {}


async def _latency(sandbox: Sandbox, body: Body) -> Body:
    sandbox.latency_ms = _int(body, "ms", minimum=0)
    return {"ms": sandbox.latency_ms}


async def _hold(sandbox: Sandbox, _body: Body) -> Body | None:
    hold = sandbox.hold
    if hold is None:
        return None
    return {"calls": hold.calls, "arrived": hold.arrived, "outcome": hold.outcome}


async def _set_hold(sandbox: Sandbox, body: Body) -> Body | None:
    """`{"calls": N, "timeout_ms": T}`: hold the next N calls until all N have arrived (at most T ms,
    2000 by default); `GET` then tells whether they came `together` or the hold `timed out`."""
    timeout_ms = _int(body, "timeout_ms", minimum=1) if "timeout_ms" in body else 2000
    sandbox.hold = Hold(calls=_int(body, "calls", minimum=1), timeout_ms=timeout_ms)
    return await _hold(sandbox, body)


async def _clear_hold(sandbox: Sandbox, _body: Body) -> None:
    sandbox.hold = None


async def _faults(sandbox: Sandbox, _body: Body) -> list[Body]:
    return [asdict(fault) for fault in sandbox.faults]


async def _add_fault(sandbox: Sandbox, body: Body) -> list[Body]:
    """`{"kind": "error"|"rate_limit"|"slow"|"lost", "count": N, "rate": 0..1, "path": regex, "delay_ms": N,
    "should_retry": bool}`; all but `kind` optional."""
    unknown = body.keys() - Fault.__dataclass_fields__.keys()
    if unknown:
        raise AdminError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    rate = body.get("rate", 1.0)
    if not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise AdminError("`rate` must be a number between 0 and 1")
    path, should_retry = body.get("path"), body.get("should_retry")
    if path is not None and not isinstance(path, str):
        raise AdminError("`path` must be a regular expression")
    if should_retry is not None and not isinstance(should_retry, bool):
        raise AdminError("`should_retry` must be a boolean")
    sandbox.add_fault(
        Fault(
            kind=str(body.get("kind")),
            count=_int(body, "count", minimum=1) if body.get("count") is not None else None,
            rate=float(rate),
            path=path,
            delay_ms=_int(body, "delay_ms", minimum=0) if "delay_ms" in body else 0,
            should_retry=should_retry,
        )
    )
    return await _faults(sandbox, body)


async def _clear_faults(sandbox: Sandbox, _body: Body) -> list[Body]:
    sandbox.faults.clear()
    return []


# -- webhooks -------------------------------------------------------------------------------------------


async def _webhooks(sandbox: Sandbox, _body: Body) -> Body:
    endpoint = sandbox.webhooks.endpoint
    return {
        "url": endpoint.url if endpoint else None,
        "deliveries": [asdict(d) | {"succeeded": d.succeeded} for d in sandbox.webhooks.deliveries],
    }


async def _set_webhooks(sandbox: Sandbox, body: Body) -> Body:
    """`{"url": ..., "secret": "whsec_..."}`: deliver every event from now on."""
    url, secret = body.get("url"), body.get("secret")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise AdminError("`url` must be an http(s) URL")
    if not isinstance(secret, str) or not secret:
        raise AdminError("`secret` must be the endpoint's signing secret (whsec_...)")
    sandbox.set_webhook_endpoint(url, secret)
    return await _webhooks(sandbox, body)


async def _clear_webhooks(sandbox: Sandbox, body: Body) -> Body:
    sandbox.clear_webhook_endpoint()
    return await _webhooks(sandbox, body)


async def _drain_webhooks(sandbox: Sandbox, body: Body) -> Body:
    """Wait until every event emitted so far was delivered (or its retries ran out)."""
    await sandbox.webhooks.drain()
    return await _webhooks(sandbox, body)

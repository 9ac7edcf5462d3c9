"""The sandbox as an ASGI app: Stripe's HTTP behaviour around the resource handlers."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import random
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

import stripe_sandbox.resources  # noqa: F401 - importing the package registers every endpoint
from stripe_sandbox import clock, meter_stream, publishable, stripe_js
from stripe_sandbox.routing import Call, Route, router
from stripe_sandbox.store import INCLUDABLE, NO_REQUEST, Store
from stripe_sandbox.webhooks import WebhookDeliverer
from stripe_sandbox.wire import Params, StripeError, StripeObject, get_list, invalid, parse_form

if TYPE_CHECKING:
    from starlette.requests import Request

SeedName = Literal["demo", "empty"]
MAX_EXPAND_DEPTH = 4
FAULT_KINDS = ("error", "rate_limit", "slow", "lost")


@dataclass
class Fault:
    """An injected failure: `error` (HTTP 500), `rate_limit` (429), `slow` (a delay, then the answer) or
    `lost` (the call is carried out, then answered with a 500, as when a response is lost on the way back)."""

    kind: str
    count: int | None = None  # the next N matching calls; None means "at `rate`"
    rate: float = 1.0
    path: str | None = None  # a regex matched against "METHOD /v1/path"
    delay_ms: int = 0
    should_retry: bool | None = None  # the `Stripe-Should-Retry` header on rate_limit faults

    def matches(self, call: str, roll: float) -> bool:
        if self.path is not None and not re.search(self.path, call):
            return False
        if self.count is not None:
            return self.count > 0
        return roll < self.rate


@dataclass
class Hold:
    """Holds the next `calls` API calls until every one of them has arrived, then answers them all.

    It tells calls made together (one round trip) from calls that wait for another's answer: a call that
    waits never arrives while the ones before it are held, so the hold gives up after `timeout_ms`, lets
    everything through, and says so.
    """

    calls: int
    timeout_ms: int
    arrived: list[str] = field(default_factory=list)
    outcome: Literal["together", "timed out"] | None = None
    _all_in: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    async def wait(self, call: str) -> None:
        if self.outcome is not None:
            return
        self.arrived.append(call)
        if len(self.arrived) == self.calls:
            self.outcome = "together"
            self._all_in.set()
            return
        try:
            await asyncio.wait_for(self._all_in.wait(), self.timeout_ms / 1000)
        except TimeoutError:
            self.outcome = self.outcome or "timed out"
            self._all_in.set()


@dataclass
class Sandbox:
    """The one owner of the sandbox's state and knobs: the store, latency, faults, the call counter, the
    hold, idempotency replays, the portal URL and webhook delivery."""

    store: Store
    latency_ms: int = 0
    faults: list[Fault] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    hold: Hold | None = None
    portal_base_url: str | None = None
    idempotency: dict[tuple[str, str], tuple[str, int, bytes]] = field(default_factory=dict)
    webhooks: WebhookDeliverer = field(default_factory=WebhookDeliverer)
    # Faults roll their own dice so that injecting them never shifts the store's deterministic ids.
    _dice: random.Random = field(default_factory=lambda: random.Random(0), repr=False)  # noqa: S311

    def replace_store(self, store: Store) -> None:
        """Start over on `store` (a freshly seeded one): replays are forgotten, the webhook endpoint stays
        and delivers what `store` emits from now on (its seed's events were never delivered)."""
        self.store = store
        self.idempotency.clear()
        self.webhooks.watch(store)

    def set_webhook_endpoint(self, url: str, secret: str) -> None:
        self.webhooks.configure(url, secret, self.store)

    def clear_webhook_endpoint(self) -> None:
        self.webhooks.clear(self.store)

    def add_fault(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}")
        self.faults.append(fault)

    def take_fault(self, call: str) -> Fault | None:
        if not self.faults:
            return None
        roll = self._dice.random()
        for fault in self.faults:
            if fault.matches(call, roll):
                if fault.count is not None:
                    fault.count -= 1
                return fault
        return None


def expand(store: Store, obj: Any, paths: list[str]) -> None:
    for path in paths:
        parts = path.split(".")
        if len([p for p in parts if p != "data"]) > MAX_EXPAND_DEPTH:
            raise invalid(
                f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property. Property: {path}",
                param="expand",
            )
        _expand(store, obj, parts, path)


def _expand(store: Store, node: Any, parts: list[str], path: str) -> None:
    if isinstance(node, list):
        for item in node:
            _expand(store, item, parts, path)
        return
    if not isinstance(node, dict) or not parts:
        return
    head, rest = parts[0], parts[1:]
    if head not in node:
        includer = INCLUDABLE.get((node.get("object", ""), head))
        if includer is None:
            raise invalid(f"This property cannot be expanded ({path}).", param="expand")
        node[head] = includer(store, node)
    elif isinstance(node[head], str):
        node[head] = _expanded(store, node[head], path)
    elif isinstance(node[head], list) and all(isinstance(item, str) for item in node[head]):
        # A list of ids (a subscription's `discounts`) expands item by item.
        node[head] = [_expanded(store, item, path) for item in node[head]]
    _expand(store, node[head], rest, path)


def _expanded(store: Store, object_id: str, path: str) -> Any:
    target = store.find(object_id)
    if target is None:
        raise invalid(f"This property cannot be expanded ({path}).", param="expand")
    return copy.deepcopy(target)


def _json(body: StripeObject, status: int, request_id: str, extra: dict[str, str] | None = None) -> Response:
    headers = {"Request-Id": request_id, "Stripe-Version": "2026-10-28.endive", **(extra or {})}
    return Response(json.dumps(body), status_code=status, media_type="application/json", headers=headers)


def _authenticate(request: Request, params: Params) -> str:
    header = request.headers.get("authorization", "")
    in_params = params.get("key")
    if not header and isinstance(in_params, str) and in_params.startswith(publishable.PREFIX):
        return in_params  # Stripe.js sends its publishable key as the `key` parameter
    if not header.startswith("Bearer ") or not header.removeprefix("Bearer ").strip():
        raise StripeError(
            401,
            "You did not provide an API key. You need to provide your API key in the Authorization header, "
            "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
    key = header.removeprefix("Bearer ").strip()
    if not key.startswith(("sk_test_", "rk_test_", publishable.PREFIX)):
        raise StripeError(401, f"Invalid API Key provided: {key[:8]}{'*' * max(0, len(key) - 12)}{key[-4:]}")
    return key


async def _read_params(request: Request) -> tuple[Params, bytes]:
    body = await request.body()
    raw = request.url.query
    if request.method == "POST" and body:
        raw = f"{raw}&{body.decode()}" if raw else body.decode()
    return parse_form(raw), body


async def handle_api(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    store = sandbox.store
    request_id = f"req_{uuid.uuid4().hex[:14]}"  # not from the store's ids, which must not depend on reads
    method, path = request.method, request.url.path
    found = router.match(method, path)
    call_name = f"{method} {found[0].template if found else path}"
    sandbox.calls[call_name] += 1
    try:
        params, body = await _read_params(request)
        api_key = _authenticate(request, params)
        if sandbox.hold is not None:
            await sandbox.hold.wait(call_name)
        if sandbox.latency_ms:
            await asyncio.sleep(sandbox.latency_ms / 1000)
        fault = sandbox.take_fault(call_name)
        if fault is not None:
            injected = await _inject(fault)
            if injected is not None:
                return _json(injected.body(request_id), injected.status, request_id, injected.headers)
        idempotency_key = request.headers.get("idempotency-key") if method == "POST" else None
        fingerprint = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        if idempotency_key:
            replay = sandbox.idempotency.get((api_key, idempotency_key))
            if replay is not None:
                if replay[0] != fingerprint:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters they were "
                        f"first used with. Try using a key other than '{idempotency_key}' if you meant to "
                        "execute a different request.",
                        type_="idempotency_error",
                    )
                return Response(
                    replay[2],
                    status_code=replay[1],
                    media_type="application/json",
                    headers={
                        "Request-Id": request_id,
                        "Idempotent-Replayed": "true",
                        "Idempotency-Key": idempotency_key,
                    },
                )
        route, path_params = _route(
            store,
            found=found,
            request_line=f"{method} {path}",
            call_name=call_name,
            api_key=api_key,
            params=params,
        )
        status, payload = _execute(
            sandbox,
            route,
            Call(
                store=store,
                params=params,
                path_params=path_params,
                path=path,
                portal_base_url=sandbox.portal_base_url,
            ),
            request_id,
            idempotency_key,
        )
        encoded = json.dumps(payload).encode()
        if idempotency_key:
            sandbox.idempotency[(api_key, idempotency_key)] = (fingerprint, status, encoded)
        headers = {"Request-Id": request_id, "Stripe-Version": "2026-10-28.endive"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if fault is not None and fault.kind == "lost":
            raise _server_error()
        return Response(encoded, status_code=status, media_type="application/json", headers=headers)
    except StripeError as error:
        return _json(error.body(request_id), error.status, request_id, error.headers)


def _route(
    store: Store,
    *,
    found: tuple[Route, dict[str, str]] | None,
    request_line: str,
    call_name: str,
    api_key: str,
    params: Params,
) -> tuple[Route, dict[str, str]]:
    """The endpoint called, once the key is known to be allowed on it."""
    if found is None:
        method, path = request_line.split(" ", 1)
        raise StripeError(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can "
            "help at https://support.stripe.com/.",
        )
    if api_key.startswith(publishable.PREFIX):
        publishable.check(store, call_name, found[1], params)
    return found


def _execute(
    sandbox: Sandbox, route: Route, call: Call, request_id: str, idempotency_key: str | None
) -> tuple[int, StripeObject]:
    """Run a handler as one atomic step; its status and body, or the StripeError to answer with."""
    store = sandbox.store
    # On a running clock, renewals and period ends fall due between calls: settle them first.
    clock.catch_up(store)
    store.current_request = {"id": request_id, "idempotency_key": idempotency_key}
    try:
        result = route.handler(call)
        response_body = copy.deepcopy(result)
        expand(store, response_body, [str(p) for p in get_list(call.params, "expand") or []])
    except StripeError as error:
        # Stripe keeps a failure's outcome for replay only once execution began (a charge was tried).
        if error.status != 402:
            raise
        return error.status, error.body(request_id)
    finally:
        store.current_request = dict(NO_REQUEST)
    return 200, response_body


def _server_error() -> StripeError:
    return StripeError(500, "An unknown error occurred", type_="api_error")


async def _inject(fault: Fault) -> StripeError | None:
    """The error a fault answers with before the call runs; None lets the call run (slow, lost)."""
    if fault.kind == "lost":
        return None
    if fault.kind == "slow":
        await asyncio.sleep(fault.delay_ms / 1000)
        return None
    if fault.kind == "rate_limit":
        headers = (
            {} if fault.should_retry is None else {"Stripe-Should-Retry": str(fault.should_retry).lower()}
        )
        return StripeError(
            429,
            "Too many requests hit the API too quickly. "
            "We recommend an exponential backoff of your requests.",
            code="rate_limit",
            headers=headers,
        )
    return _server_error()


async def _readable_by_browsers(request: Request) -> Response:
    """Stripe's API answers pages on any origin, so Stripe.js can read what it sent with a publishable key."""
    response = await handle_api(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def create_app(sandbox: Sandbox, admin_routes: list[StarletteRoute] | None = None) -> Starlette:
    """The ASGI app over one `Sandbox`; `stripe_sandbox.server` builds and seeds it."""
    routes = [
        *(admin_routes or []),
        *stripe_js.routes(),
        *meter_stream.routes(),
        StarletteRoute("/v1/{path:path}", _readable_by_browsers, methods=["GET", "POST", "DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = sandbox
    return app

"""The HTTP side of observability: a middleware that counts, times and logs each request by its route's
template, the `/metrics` endpoint, and what a GraphQL operation's result says for the metrics."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response

from portalql.observability.logs import redact
from portalql.observability.metrics import (
    CONTENT_TYPE,
    HTTP_DURATION,
    HTTP_REQUESTS,
    exposition,
    record_graphql_operation,
    token_matches,
)

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
    from strawberry.types import ExecutionResult

access_log = logging.getLogger("portalql.access")

# Requests that matched no route share one label, so a scan of made-up paths cannot grow the series.
_UNMATCHED = "unmatched"
# Any token is a valid method on the wire; other ones share a label, for the same reason.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ObservedRequests:
    """ASGI middleware: one access line per request (its path with one-time codes redacted, never its query
    string, which may carry a token) and the HTTP metrics under the route's template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered: float | None = None
        status = 500
        root_path = scope.get("root_path", "")

        async def send_observed(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = time.perf_counter()
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            # Until the answer was sent: work after it (a webhook's processing) is not the caller's wait.
            elapsed = (answered or time.perf_counter()) - started
            template = _template(scope, root_path)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            HTTP_REQUESTS.labels(template, method, str(status)).inc()
            HTTP_DURATION.labels(template, method).observe(elapsed)
            access_log.info(
                "%s %s %d %.1fms",
                method,
                redact(scope["path"]),
                status,
                elapsed * 1000,
                extra={"route": template, "status": status, "duration_ms": round(elapsed * 1000, 1)},
            )


def _template(scope: Scope, root_path: str) -> str:
    """The route the router chose (it sets it on the scope), as a template; a mounted app (the portal's
    static files) moved the scope's root path to its mount point instead."""
    path = getattr(scope.get("route"), "path", None)
    if path:
        return str(path)
    mounted = scope.get("root_path", "")
    return f"{mounted}/{{path}}" if mounted and mounted != root_path else _UNMATCHED


def metrics_router(token: str | None) -> APIRouter:
    """`GET /metrics`; with a token, only for `Authorization: Bearer <token>` (others get 404, as if it did
    not exist, so a scan learns nothing)."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if token is not None and not token_matches(request.headers.get("authorization"), token):
            return Response(status_code=404)
        return Response(exposition(), media_type=CONTENT_TYPE)

    return router


def observe_operation(operation_name: str | None, result: ExecutionResult) -> None:
    """Count one GraphQL operation by its outcome: the first error's code, else the first `userErrors`
    code a mutation's payload answered with (as selected by the client), else ok."""
    error_codes = [str((error.extensions or {}).get("code", "INTERNAL")) for error in result.errors or ()]
    user_error_codes = [
        str(user_error["code"])
        for payload in (result.data or {}).values()
        if isinstance(payload, dict)
        for user_error in payload.get("userErrors") or ()
        if isinstance(user_error, dict) and "code" in user_error
    ]
    record_graphql_operation(operation_name, user_error_codes, error_codes)

"""Request bodies' bounds. On the GraphQL endpoint a body too large is refused unread (413), a body that is
not a JSON object of bounded depth is refused before anything parses it again (400), and strawberry's own
plain-text refusals get the JSON error shape, so every error a client sees carries an `extensions.code`. On
every other path (Stripe's webhook deliveries, the portal's and the login page's forms, all unauthenticated)
a body is refused with 413 once it grows past its own limit, before a handler holds it whole.

strawberry reads the whole body and hands it to `json.loads`, which recurses once per nesting level; and it
expects an object, so `null` or `123` would otherwise end in an AttributeError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitMiddleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Variables nest input objects a few levels; nothing the schema takes nests anywhere near this.
MAX_JSON_DEPTH = 32
_BODY_HEADERS = frozenset({b"content-type", b"content-length"})
_REFUSALS = {400: "BAD_REQUEST", 413: "PAYLOAD_TOO_LARGE"}


def _error_body(message: str, code: str) -> bytes:
    """The body of a refusal, in the shape of a GraphQL response with one error."""
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


def _depth_exceeds(value: object, limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` deep, found without recursing."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _body_problem(body: bytes) -> str | None:
    """Why a JSON body cannot be a GraphQL request, or None."""
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"The body is not valid UTF-8 JSON nested at most {MAX_JSON_DEPTH} levels deep."
    if not isinstance(request, dict):
        return "The body must be a JSON object with a `query`."
    if _depth_exceeds(request, MAX_JSON_DEPTH):
        return f"The body is not valid UTF-8 JSON nested at most {MAX_JSON_DEPTH} levels deep."
    return None


class RequestLimits:
    """ASGI middleware: bounds the body of the GraphQL paths and codes their HTTP-level refusals, and bounds
    the body of every other path."""

    def __init__(self, app: ASGIApp, *, paths: tuple[str, ...], limit: int, others_limit: int) -> None:
        self.app = app
        self._paths = frozenset(paths)
        self._max_body_bytes = limit
        self._others = RequestBodyLimitMiddleware(app, max_body_size=others_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/") not in self._paths:
            await self._others(scope, receive, send)
            return
        send = _coding_refusals(send)
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        body = await self._read_body(headers, receive)
        if body is None:
            limit = self._max_body_bytes
            await _refuse(send, 413, f"The request body is larger than {limit} bytes.")
            return
        if headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
            problem = _body_problem(body)
            if problem is not None:
                await _refuse(send, 400, problem)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: only a disconnect comes
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to be over the limit."""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body_bytes:
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app sees the short body and fails on its own
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


async def _refuse(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = _error_body(message, _REFUSALS[status])
    kept = [(name, value) for name, value in headers or () if name not in _BODY_HEADERS]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *kept,
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _coding_refusals(send: Send) -> Send:
    """`send`, with strawberry's plain-text refusals (400) rewritten as coded JSON errors."""
    held: Message | None = None
    text = bytearray()

    async def coded_send(message: Message) -> None:
        nonlocal held
        if message["type"] == "http.response.start" and message["status"] in _REFUSALS:
            content_type = Headers(raw=message["headers"]).get("content-type", "")
            if content_type.startswith("text/plain"):
                held = message
                return
        if held is None or message["type"] != "http.response.body":
            await send(message)
            return
        text.extend(message.get("body", b""))
        if message.get("more_body", False):
            return
        await _refuse(send, held["status"], text.decode(errors="replace"), held["headers"])

    return coded_send

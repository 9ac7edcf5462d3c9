"""How a request answers when portalql is overloaded or a dependency is down.

Each HTTP request gets a deadline for its Stripe calls (`stripe_gateway.pacing.Deadline`); the deadline
comes early when the client disconnects, so its queued reads are dropped instead of sent, and is lifted once
the answer is sent, for the work that follows it (a webhook's processing). A request refused
by the pacer answers with `Retry-After`; one whose answer reports a database outage (`DATABASE_UNAVAILABLE`)
is a 503, whether the outage surfaced inside GraphQL execution or before it. An outage that the code met and
worked around (a hint it could do without) leaves no error, and so no 503.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders

from resolvers.errors import DatabaseUnavailableError
from stripe_gateway.pacing import Deadline, current_deadline

if TYPE_CHECKING:
    from fastapi import Request, Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


def unavailable_status(response_data: object) -> int | None:
    """503 for a GraphQL answer reporting a database outage; None to keep the status."""
    errors = response_data.get("errors") if isinstance(response_data, dict) else None
    codes = {(error.get("extensions") or {}).get("code") for error in errors or () if isinstance(error, dict)}
    return 503 if DatabaseUnavailableError.code in codes else None


async def database_unavailable(_request: Request, error: Exception) -> Response:
    """A database outage outside GraphQL execution (authentication): the same code as inside it."""
    message = error.message if isinstance(error, DatabaseUnavailableError) else str(error)
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": DatabaseUnavailableError.code}}]},
        status_code=503,
    )


class DegradedAnswers:
    """ASGI middleware: a deadline per request, its client's departure noticed, and the answer's status and
    `Retry-After` set from what happened while serving it."""

    def __init__(self, app: ASGIApp, *, deadline_seconds: float) -> None:
        self.app = app
        self._deadline_seconds = deadline_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = Deadline(asyncio.get_running_loop().time() + self._deadline_seconds)
        watcher: asyncio.Task[None] | None = None

        answered = False

        async def watch_for_departure() -> None:
            # Once the body is read, the server's next message is the disconnect (or the end of the response).
            if (await receive())["type"] == "http.disconnect" and not answered:
                deadline.gone.set()

        async def receive_request() -> Message:
            nonlocal watcher
            if watcher is not None:
                await deadline.gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.disconnect":
                deadline.gone.set()
            elif not message.get("more_body", False):
                watcher = asyncio.create_task(watch_for_departure(), name="client-departure")
            return message

        async def send_answer(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # What runs after the answer (a webhook's processing) waits for no client: no deadline.
                answered = True
                deadline.at = math.inf
            if message["type"] == "http.response.start" and deadline.retry_after is not None:
                MutableHeaders(scope=message)["Retry-After"] = str(math.ceil(deadline.retry_after))
            await send(message)

        token = current_deadline.set(deadline)
        try:
            await self.app(scope, receive_request, send_answer)
        finally:
            current_deadline.reset(token)
            if watcher is not None:
                watcher.cancel()

"""How a request answers when portalql is overloaded or a dependency is down.

Each HTTP request gets a deadline for its Stripe calls (`stripe_gateway.pacing.Deadline`); the deadline
comes early when the client disconnects, so its queued reads are dropped instead of sent. A request refused
by the pacer answers with `Retry-After`; one that met a database outage answers 503 (`DATABASE_UNAVAILABLE`),
whether the outage surfaced inside GraphQL execution or before it.
"""

from __future__ import annotations

import asyncio
import math
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders

from resolvers.errors import DatabaseUnavailableError
from stripe_gateway.pacing import Deadline, current_deadline

if TYPE_CHECKING:
    from fastapi import Request, Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class _Outcome:
    database_unavailable: bool = False


_outcome: ContextVar[_Outcome | None] = ContextVar("request_outcome", default=None)


def database_failed() -> DatabaseUnavailableError:
    """The error for a database outage, noted so that the request answers 503 even from inside GraphQL."""
    outcome = _outcome.get()
    if outcome is not None:
        outcome.database_unavailable = True
    return DatabaseUnavailableError()


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
        outcome = _Outcome()
        watcher: asyncio.Task[None] | None = None

        async def watch_for_departure() -> None:
            # Once the body is read, the server's next message is the disconnect (or the end of the response).
            if (await receive())["type"] == "http.disconnect":
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
            if message["type"] == "http.response.start":
                if outcome.database_unavailable:
                    message["status"] = 503
                if deadline.retry_after is not None:
                    MutableHeaders(scope=message)["Retry-After"] = str(math.ceil(deadline.retry_after))
            await send(message)

        deadline_token, outcome_token = current_deadline.set(deadline), _outcome.set(outcome)
        try:
            await self.app(scope, receive_request, send_answer)
        finally:
            current_deadline.reset(deadline_token)
            _outcome.reset(outcome_token)
            if watcher is not None:
                watcher.cancel()

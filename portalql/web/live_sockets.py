"""Live updates' sockets: GraphQL subscriptions over graphql-transport-ws at the GraphQL paths.

- A socket authenticates at `connection_init`, with `authorization: "Bearer <token>"` in its payload, or on
  the hosted portal's own origin with the session cookie its handshake carries. A handshake from another
  origin is refused (unless listed in `CORS_ORIGINS`) before any of this, which is what keeps another site
  from using the cookie: the CSRF header's part on HTTP, which a browser's WebSocket cannot send. A socket
  with no credential, or a refused one, is closed with 4403 before it is acknowledged.
- Only subscriptions run on a socket: queries and mutations go over HTTP, where their bounds and deadlines
  hold (`schema.build.PortalSchema.stream`).
- Bounds: `live_connections_per_credential` sockets per credential on an instance (one more is closed with
  4429), `SUBSCRIPTIONS_PER_SOCKET` subscriptions on a socket, and a socket with none running for
  `live_idle_seconds` is closed with 4408. The credential is checked again at once after any revocation
  (made here, or announced through Redis) and every `_RECHECK_SECONDS` besides, and the socket is closed
  with 4403 once it is revoked or has expired. A message's size is bounded by the server (`portalql serve`
  gives uvicorn the GraphQL body limit).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from portalql.observability.metrics import LIVE_SOCKETS
from portalql.web.auth import SESSION_COOKIE, authenticate
from resolvers.principals import ApiKeyPrincipal, CustomerPrincipal
from schema.build import PortalSchema
from schema.context import Context
from schema.errors import coded
from schema.trusted import requested_document_id

if TYPE_CHECKING:
    from collections.abc import Mapping

    from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
        ConnectionInitMessage,
        Message,
        SubscribeMessage,
    )

    from portalql.runtime import Runtime
    from resolvers.principals import Principal
    from schema.trusted import TrustedDocuments

# The hosted page runs one; a product's SPA a few.
SUBSCRIPTIONS_PER_SOCKET = 5
_RECHECK_SECONDS = 30.0
# How often a socket's watchdog looks (each is a wakeup per socket: few, for many sockets), at most a quarter
# of the idle time so that an idle socket is closed soon after it.
_TICK_SECONDS = 5.0
FORBIDDEN = 4403
IDLE = 4408
TOO_MANY = 4429


@dataclass(frozen=True, slots=True)
class _Admission:
    principal: Principal
    authorization: str
    holder: str


class LiveSockets:
    """Admits sockets and keeps count of each credential's; one per app."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._open: Counter[str] = Counter()

    @property
    def per_credential(self) -> int:
        return self._runtime.settings.live_connections_per_credential

    @property
    def idle_seconds(self) -> float:
        return self._runtime.settings.live_idle_seconds

    async def revoked(self) -> None:
        """Return at the next revocation, made here or announced by another instance."""
        await self._runtime.recent_credentials.forgotten()

    async def admit(
        self, payload: Mapping[str, Any], cookies: Mapping[str, str]
    ) -> _Admission | tuple[int, str]:
        """The socket's credential, counted against its limit; or the close code and reason refusing it."""
        # As clients spell it: GraphiQL, for one, sends its `Authorization` header here.
        authorization = next(
            (value for key, value in payload.items() if str(key).lower() == "authorization"), None
        )
        if authorization is None and (cookie := cookies.get(SESSION_COOKIE)) is not None:
            authorization = f"Bearer {cookie}"
        if not isinstance(authorization, str) or not authorization.strip():
            return FORBIDDEN, 'Send the credential in connection_init: {"authorization": "Bearer <token>"}'
        principal = await self.principal_of(authorization)
        if principal is None:
            return FORBIDDEN, "The credential was refused: unknown, expired or revoked."
        holder = (
            f"key:{principal.key_id}"
            if isinstance(principal, ApiKeyPrincipal)
            else f"session:{principal.session_id}"
        )
        if self._open[holder] >= self.per_credential:
            return TOO_MANY, f"At most {self.per_credential} live connections per credential."
        self._open[holder] += 1
        LIVE_SOCKETS.inc()
        return _Admission(principal, authorization, holder)

    def release(self, admission: _Admission) -> None:
        self._open[admission.holder] -= 1
        if self._open[admission.holder] <= 0:
            del self._open[admission.holder]
        LIVE_SOCKETS.dec()

    async def principal_of(self, authorization: str) -> Principal | None:
        runtime = self._runtime
        authentication = await authenticate(
            runtime.services.database, authorization, recent=runtime.recent_credentials
        )
        return authentication.principal


class LiveSocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, admitting the socket at `connection_init` and watching
    over it while it lasts (idleness, the credential's end)."""

    sockets: LiveSockets  # set on the subclass each app makes (`handler_for`)
    _admission: _Admission | None = None

    async def handle(self) -> None:
        watchdog = asyncio.create_task(self._watch(), name="live-socket")
        try:
            await super().handle()
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            if self._admission is not None:
                self.sockets.release(self._admission)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        # A second init and a malformed payload are the protocol's to refuse (strawberry's).
        if not self.connection_init_received and isinstance(payload, dict):
            admitted = await self.sockets.admit(payload, _cookies(self))
            if not isinstance(admitted, _Admission):
                if self.connection_init_timeout_task is not None:
                    self.connection_init_timeout_task.cancel()
                code, reason = admitted
                await self.websocket.close(code=code, reason=reason)
                return
            self._admission = admitted
            self.context.request_context.principal = admitted.principal
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """A subscription sent by a trusted document's id (`documentId`, or APQ's `persistedQuery` among its
        `extensions`, as over HTTP) runs that document's text; an unknown id is refused with its code."""
        payload: Any = message.get("payload")
        if isinstance(payload, dict) and payload.get("query") is None and self.connection_acknowledged:
            extensions = payload.get("extensions") or {}
            if "documentId" in payload and isinstance(extensions, dict):
                extensions = {**extensions, "documentId": payload["documentId"]}
            try:
                document_id = requested_document_id(extensions if isinstance(extensions, dict) else None)
                if document_id is not None:
                    payload["query"] = await self._trusted.text_of(document_id)
            except GraphQLError as error:
                refusal: Message = {"id": message["id"], "type": "error", "payload": [coded(error).formatted]}
                await self.send_message(refusal)
                return
        await super().handle_subscribe(message)

    @property
    def _trusted(self) -> TrustedDocuments:
        assert isinstance(self.schema, PortalSchema)
        return self.schema.trusted_documents

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        busy_at = checked_at = loop.time()
        while True:
            revoked = False
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(_TICK_SECONDS, self.sockets.idle_seconds / 4)):
                    await self.sockets.revoked()
                    revoked = True
            now = loop.time()
            if self.operations:
                busy_at = now
            elif self.connection_acknowledged and now - busy_at >= self.sockets.idle_seconds:
                await self.websocket.close(code=IDLE, reason="Idle: no subscription is running.")
                return
            admission = self._admission
            if admission is None:
                continue
            ended = _expired(admission.principal)
            # Checked again after any revocation (told at once, here or through Redis), and now and then
            # for those that were not told (`portalql keys revoke`, an instance without Redis).
            if not ended and (revoked or now - checked_at >= _RECHECK_SECONDS):
                checked_at = now
                ended = await self.sockets.principal_of(admission.authorization) is None
            if ended:
                await self.websocket.close(
                    code=FORBIDDEN, reason="The credential has expired or was revoked."
                )
                return


def _expired(principal: Principal) -> bool:
    return isinstance(principal, CustomerPrincipal) and principal.expires_at <= datetime.now(UTC)


def _cookies(handler: LiveSocketHandler) -> Mapping[str, str]:
    adapter = handler.websocket
    return adapter.ws.cookies if isinstance(adapter, ASGIWebSocketAdapter) else {}


def handler_for(sockets: LiveSockets) -> type[LiveSocketHandler]:
    return type("AppLiveSocketHandler", (LiveSocketHandler,), {"sockets": sockets})


class TextSocketAdapter(ASGIWebSocketAdapter):
    """Messages as text frames, as graphql-transport-ws asks (the router's JSON encoder makes bytes)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error

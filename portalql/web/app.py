"""The HTTP application: FastAPI with the GraphQL endpoint at `/graphql`, health probes and request ids."""

from __future__ import annotations

import logging
import re
import secrets
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import orjson
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection  # noqa: TC002 - FastAPI reads the annotation at runtime
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from portalql.mail import Outbox, SmtpMailer
from portalql.observability.http import ObservedRequests, metrics_router, observe_operation
from portalql.observability.logs import request_id_var
from portalql.persistence.repositories.trusted_documents import all_trusted_documents, trusted_document_body
from portalql.runtime import Runtime
from portalql.web.auth import ANONYMOUS, authenticate_request
from portalql.web.degraded import DegradedAnswers, database_unavailable, unavailable_status
from portalql.web.demo_return import demo_return_router
from portalql.web.graphiql import graphiql_assets_router, graphiql_page
from portalql.web.health import health_router
from portalql.web.live_sockets import SUBSCRIPTIONS_PER_SOCKET, LiveSockets, TextSocketAdapter, handler_for
from portalql.web.login_page import login_router
from portalql.web.portal_links import PORTAL_PATH, portal_router
from portalql.web.portal_page import mount_portal_page
from portalql.web.request_limits import RequestLimits
from portalql.web.response_cache import Answer
from portalql.webhooks.endpoint import webhook_router
from resolvers.context import RequestContext
from resolvers.errors import DatabaseUnavailableError
from resolvers.principals import CustomerPrincipal
from schema import build_schema
from schema.context import Context
from schema.errors import new_error_id
from stripe_gateway.caching import dependencies
from translations import accept_language, negotiate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from cross_web import AsyncHTTPRequestAdapter
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
    from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData

    from portalql.observability.tracing import Tracing
    from portalql.persistence.db import Database
    from portalql.settings import Settings
    from portalql.web.response_cache import ResponseCache
    from schema.build import PortalSchema
    from stripe_gateway.interface import BillingGateway

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
# An incoming id is echoed into logs and headers, so only short, plain ones are honoured.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'  # noqa: S105 - RFC 6750's error name, not a secret
# A socket that has not authenticated by then is closed (4408).
_CONNECTION_INIT_WAIT = timedelta(seconds=10)


def create_app(
    settings: Settings,
    *,
    gateway: BillingGateway | None = None,
    database: Database | None = None,
    tracing: Tracing | None = None,
) -> FastAPI:
    """The ASGI app. Parts passed in are used as given and left open; the lifespan builds the rest.

    Traces are exported when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, or to `tracing`'s provider when given."""
    owns_tracing = tracing is None and settings.otel_exporter_otlp_endpoint is not None
    if owns_tracing:
        from portalql.observability.tracing import Tracing, exporting_provider  # noqa: PLC0415 - only then

        tracing = Tracing(exporting_provider(settings.otel_exporter_otlp_endpoint or ""))
    runtime = Runtime(
        settings,
        database=database,
        gateway=gateway,
        on_database=(lambda used: tracing.instrument_database(used.sync_engine)) if tracing else None,
    )

    async def lookup_trusted(document_id: str) -> str | None:
        async with runtime.services.database.session() as db:
            return await trusted_document_body(db, document_id)

    schema = build_schema(
        introspection=settings.graphql_introspection,
        sessions_trusted_only=settings.session_documents == "trusted",
        lookup_trusted=lookup_trusted,
        observe=observe_operation,
        extensions=tracing.schema_extensions() if tracing else (),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            async with runtime.run() as services:
                # Parsed and validated now, so that no request naming one of them does either.
                async with services.database.session() as db:
                    schema.trusted_documents.learn(await all_trusted_documents(db))
                yield
        finally:
            if owns_tracing and tracing is not None:
                tracing.shutdown()  # exports the spans still batched

    async def graphql_context(request: HTTPConnection, response: Response) -> Context:
        services = runtime.services
        recent = runtime.recent_credentials
        # A socket authenticates at `connection_init` (`portalql.web.live_sockets`), not by its handshake.
        authentication = (
            ANONYMOUS
            if request.scope["type"] == "websocket"
            else await authenticate_request(
                services.database, request.headers, request.cookies, recent=recent
            )
        )
        if authentication.rejected:
            # Every data field still answers UNAUTHENTICATED; the challenge tells "log in again" apart.
            response.headers["WWW-Authenticate"] = _INVALID_TOKEN_CHALLENGE
        principal = authentication.principal
        translator = None
        if isinstance(principal, CustomerPrincipal):
            browser = accept_language(request.headers.get("accept-language"))
            translator = runtime.catalogs.translator(negotiate([principal.locale, *browser]).language)
        return Context(
            RequestContext(
                gateway=services.gateway,
                principal=authentication.principal,
                request_id=request_id_of(request),
                client_ip=request.client.host if request.client else None,
                public_url=settings.public_url,
                publishable_key=settings.stripe_publishable_key,
                persistence=services.persistence,
                known_subscriptions=services.known_subscriptions,
                translator=translator,
                live=services.live,
            )
        )

    app = FastAPI(
        title="portalql",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    graphql_paths = ("/graphql", f"{PORTAL_PATH}/graphql")  # the router's two mounts, below
    _add_middleware(app, settings, graphql_paths)
    app.add_exception_handler(DatabaseUnavailableError, database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
    # The same endpoint under the hosted portal, where the browser sends the portal's session cookie. One
    # router each, so that each route knows its full path (the metrics' and traces' route label). First:
    # routes are matched in order, and a warm query answered from the response cache costs little more
    # than matching every route before it.
    sockets = LiveSockets(runtime)
    for path in graphql_paths:
        app.include_router(
            _GraphQLRouter(
                schema,
                sockets,
                answers=lambda: runtime.services.answers,
                path=path,
                context_getter=graphql_context,
                # GraphiQL explores the schema by introspection; without it the page could show nothing.
                graphql_ide="graphiql" if settings.graphql_introspection else None,
                # Subscriptions over graphql-transport-ws only (no HTTP streaming), from pages of this origin
                # or of the origins allowed to call the API.
                subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                allowed_origins=settings.cors_origins,
                connection_init_wait_timeout=_CONNECTION_INIT_WAIT,
                max_subscriptions_per_connection=SUBSCRIPTIONS_PER_SOCKET,
            )
        )
    app.include_router(health_router(runtime))
    serve_metrics, metrics_token = settings.metrics_on_api()
    if serve_metrics:
        app.include_router(metrics_router(metrics_token))
    mount_portal_page(
        app,
        stripe_api_base=settings.stripe_api_base,
        publishable_key=settings.stripe_publishable_key,
        catalogs=runtime.catalogs,
        brand=runtime.brand,
    )
    app.include_router(portal_router(runtime))
    if settings.environment == "development":
        app.include_router(demo_return_router(runtime))
    app.include_router(_login_router(runtime, settings))
    app.include_router(webhook_router(runtime))
    app.include_router(graphiql_assets_router())
    if tracing is not None:
        tracing.instrument_app(app)
    return app


def _add_middleware(app: FastAPI, settings: Settings, graphql_paths: tuple[str, ...]) -> None:
    """Request bounds, deadlines, metrics, request ids and CORS, the last added running first."""
    app.add_middleware(
        RequestLimits,
        paths=graphql_paths,
        limit=settings.graphql_max_body_bytes,
        others_limit=settings.max_body_bytes,
    )
    app.add_middleware(DegradedAnswers, deadline_seconds=settings.request_deadline_seconds)
    app.add_middleware(ObservedRequests)
    app.add_middleware(RequestIdMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=[REQUEST_ID_HEADER, "WWW-Authenticate"],
            max_age=600,
        )


def _login_router(runtime: Runtime, settings: Settings) -> APIRouter:
    """The login page, mailing through SMTP when configured; otherwise into an outbox, which development
    shows at /portal/dev/outbox."""
    outbox = None if settings.smtp_url is not None else Outbox()
    mailer = SmtpMailer(settings.smtp_url.get_secret_value()) if settings.smtp_url is not None else outbox
    assert mailer is not None
    return login_router(runtime, mailer, outbox if settings.environment == "development" else None)


class _GraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's router, coding JSON with orjson (several times faster than `json` here), taking a
    trusted document's id (`documentId`) beside or instead of `query`, answering a query asked again from
    the response cache, once its caller is authenticated, without executing it, and serving live updates'
    sockets (`portalql.web.live_sockets`)."""

    websocket_adapter_class = TextSocketAdapter

    def __init__(
        self,
        schema: PortalSchema,
        sockets: LiveSockets,
        *,
        answers: Callable[[], ResponseCache | None],
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self.graphql_transport_ws_handler_class = handler_for(sockets)
        self._answers = answers

    async def execute_single(  # noqa: PLR0917 - the overridden signature
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        answers = self._answers()
        request_context = context.request_context
        translator = request_context.translator
        language = translator.language if translator is not None else ""
        key = answers.key(request_context.principal, language, request_data) if answers else None
        if answers is None or key is None:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        stored = await answers.get(key)
        if stored is not None:
            answered = _Answered(stored.body)
            observe_operation(stored.operation_name, answered)
            return answered
        since = await answers.mark()
        with dependencies.recording() as used:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        ran = context.ran
        answer = None
        if ran is not None and ran.operation_type is OperationType.QUERY and _clean(result):
            answer = Answer(ran.name, self.encode_json(await self.process_result(request, result)))
        await answers.keep(key, answer, used, since=since)
        return result if answer is None else _Answered(answer.body)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if isinstance(result, _Answered):
            # Sent as it is: `encode_json` copies a fragment into its output verbatim.
            return cast("GraphQLHTTPResponse", orjson.Fragment(result.body))
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:  # noqa: ARG002 - the overridden signature
        return graphiql_page()

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET naming a trusted document is an operation, not a browser opening GraphiQL.
        return "documentId" not in request.query_params and super().should_render_graphql_ide(request)

    def decode_json(self, data: str | bytes) -> object:
        # orjson's decoding error is a json.JSONDecodeError, which strawberry answers with a 400
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        return _with_document_id(super().parse_json(data))

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        return _with_document_id(super().parse_query_params(params))  # type: ignore[no-any-return]

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.status_code = unavailable_status(response_data) or response.status_code
        return response


class _Answered(ExecutionResult):
    """An answer already encoded: one from the response cache, or one encoded here to be kept in it."""

    def __init__(self, body: bytes) -> None:
        super().__init__(data=None, errors=None)
        self.body = body


def _clean(result: ExecutionResult) -> bool:
    """Whether the result has data, no errors and no `userErrors` in any payload (what a cached answer may
    hold: an error may be gone when asked again)."""
    data = result.data
    return (
        not result.errors
        and data is not None
        and not any(isinstance(payload, dict) and payload.get("userErrors") for payload in data.values())
    )


def _with_document_id(request: Any) -> Any:
    """The request with its `documentId` moved among its extensions, where the schema's trusted-document
    gate reads it beside APQ's `persistedQuery` (strawberry keeps only the fields it knows)."""
    if isinstance(request, dict) and "documentId" in request:
        extensions = request.get("extensions") or {}
        if isinstance(extensions, dict):
            request["extensions"] = {**extensions, "documentId": request.pop("documentId")}
    return request


def request_id_of(request: HTTPConnection) -> str:
    request_id: str = request.state.request_id
    return request_id


class RequestIdMiddleware:
    """Give every request an id (the caller's `X-Request-Id` when sane) and echo it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = (
            incoming if incoming and _SANE_REQUEST_ID.fullmatch(incoming) else f"req_{secrets.token_hex(12)}"
        )
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        # Every log line written while serving the request carries its id (see `observability.logs`).
        token = request_id_var.set(request_id)
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            request_id_var.reset(token)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Outside GraphQL execution (authentication, the router itself): the same masked shape as inside it,
    # with an error id that the log line with the traceback carries too.
    request_id: str | None = getattr(request.state, "request_id", None)
    error_id = new_error_id()
    logger.error(
        "Unexpected error outside GraphQL: %s",
        type(exc).__name__,
        exc_info=exc,
        extra={"error_id": error_id, "error_code": "INTERNAL"},
    )
    return JSONResponse(
        {
            "errors": [
                {"message": "Unexpected error.", "extensions": {"code": "INTERNAL", "errorId": error_id}}
            ]
        },
        status_code=500,
        headers={REQUEST_ID_HEADER: request_id} if request_id else None,
    )

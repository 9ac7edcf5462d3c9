"""The HTTP application: FastAPI with the GraphQL endpoint at `/graphql`, health probes and request ids."""

from __future__ import annotations

import logging
import re
import secrets
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from strawberry.fastapi import GraphQLRouter

from portalql.mail import Outbox, SmtpMailer
from portalql.persistence.adapters import database_stores
from portalql.runtime import Runtime
from portalql.web.auth import authenticate_request
from portalql.web.degraded import DegradedAnswers, database_unavailable, unavailable_status
from portalql.web.health import health_router
from portalql.web.login_page import login_router
from portalql.web.portal_links import PORTAL_PATH, portal_router
from portalql.web.portal_page import mount_portal_page
from portalql.web.request_limits import GraphQLRequestLimits
from portalql.webhooks.endpoint import webhook_router
from resolvers.context import RequestContext
from resolvers.errors import DatabaseUnavailableError
from resolvers.principals import CustomerPrincipal
from schema import build_schema
from schema.context import Context
from translations import accept_language, negotiate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from portalql.persistence.db import Database
    from portalql.settings import Settings
    from stripe_gateway.interface import BillingGateway

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
# An incoming id is echoed into logs and headers, so only short, plain ones are honoured.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'  # noqa: S105 - RFC 6750's error name, not a secret


def create_app(
    settings: Settings, *, gateway: BillingGateway | None = None, database: Database | None = None
) -> FastAPI:
    """The ASGI app. Parts passed in are used as given and left open; the lifespan builds the rest."""
    runtime = Runtime(settings, database=database, gateway=gateway)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with runtime.run():
            yield

    async def graphql_context(request: Request, response: Response) -> Context:
        services = runtime.services
        recent = runtime.recent_credentials
        authentication = await authenticate_request(
            services.database, request.headers, request.cookies, recent=recent
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
                stores=database_stores(services.database, settings, recent_credentials=recent),
                known_subscriptions=services.known_subscriptions,
                translator=translator,
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
    app.add_middleware(GraphQLRequestLimits, paths=graphql_paths, limit=settings.graphql_max_body_bytes)
    app.add_middleware(DegradedAnswers, deadline_seconds=settings.request_deadline_seconds)
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
    app.add_exception_handler(DatabaseUnavailableError, database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
    app.include_router(health_router(runtime))
    mount_portal_page(
        app,
        stripe_api_base=settings.stripe_api_base,
        publishable_key=settings.stripe_publishable_key,
        catalogs=runtime.catalogs,
        brand=runtime.brand,
    )
    app.include_router(portal_router(runtime))
    outbox = None if settings.smtp_url is not None else Outbox()
    mailer = SmtpMailer(settings.smtp_url.get_secret_value()) if settings.smtp_url is not None else outbox
    assert mailer is not None
    app.include_router(
        login_router(runtime, mailer, outbox if settings.environment == "development" else None)
    )
    app.include_router(webhook_router(runtime))
    graphql_router = _GraphQLRouter(
        build_schema(introspection=settings.graphql_introspection),
        context_getter=graphql_context,
        # GraphiQL explores the schema by introspection; without it the page could show nothing.
        graphql_ide="graphiql" if settings.graphql_introspection else None,
    )
    app.include_router(graphql_router, prefix="/graphql")
    # The same endpoint under the hosted portal, where the browser sends the portal's session cookie.
    app.include_router(graphql_router, prefix=f"{PORTAL_PATH}/graphql")
    return app


class _GraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's router, encoding responses with orjson: several times faster than `json` here."""

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.status_code = unavailable_status(response_data) or response.status_code
        return response


def request_id_of(request: Request) -> str:
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

        await self.app(scope, receive, send_with_request_id)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Outside GraphQL execution (authentication, the router itself): the same masked shape as inside it.
    # The server logs the traceback itself once this response is sent; the id ties that log to the caller.
    request_id: str | None = getattr(request.state, "request_id", None)
    logger.error("request %s failed: %s", request_id, type(exc).__name__)
    return JSONResponse(
        {"errors": [{"message": "Unexpected error.", "extensions": {"code": "INTERNAL"}}]},
        status_code=500,
        headers={REQUEST_ID_HEADER: request_id} if request_id else None,
    )

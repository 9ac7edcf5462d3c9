"""The HTTP application: FastAPI with the GraphQL endpoint at `/graphql`, health probes and request ids."""

from __future__ import annotations

import gc
import logging
import re
import secrets
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio.lowlevel
import orjson
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from strawberry.fastapi import GraphQLRouter

from portalql.adapters import database_stores
from portalql.auth import RecentCredentials, authenticate_request
from portalql.db import Database
from portalql.degraded import DegradedAnswers, database_unavailable, unavailable_status
from portalql.health import health_router
from portalql.known_subscriptions import DatabaseKnownSubscriptions
from portalql.portal_links import PORTAL_PATH, portal_router
from portalql.portal_page import mount_portal_page
from portalql.webhooks import webhook_router
from resolvers.context import RequestContext
from resolvers.errors import DatabaseUnavailableError
from resolvers.money import format_money
from schema import build_schema
from schema.context import Context
from stripe_gateway.caching import CachedGateway, open_cache_store
from stripe_gateway.gateway import StripeGateway
from stripe_gateway.pacing import connect_pacer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from portalql.settings import Settings
    from stripe_gateway.interface import BillingGateway

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
# An incoming id is echoed into logs and headers, so only short, plain ones are honoured.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'  # noqa: S105 - RFC 6750's error name, not a secret


@dataclass
class Runtime:
    """What requests share within the process: injected by tests, otherwise built by the lifespan."""

    settings: Settings
    recent_credentials: RecentCredentials
    database: Database | None = None
    gateway: BillingGateway | None = None
    known_subscriptions: DatabaseKnownSubscriptions | None = None

    @property
    def stale_reads(self) -> CachedGateway | None:
        """The read cache that webhooks invalidate; None for a gateway injected without one."""
        return self.gateway if isinstance(self.gateway, CachedGateway) else None


def create_app(
    settings: Settings, *, gateway: BillingGateway | None = None, database: Database | None = None
) -> FastAPI:
    """The ASGI app. Parts passed in are used as given and left open; the lifespan builds the rest."""
    runtime = Runtime(
        settings=settings,
        recent_credentials=RecentCredentials(settings.auth_cache_seconds),
        database=database,
        gateway=gateway,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if runtime.database is None:
                runtime.database = Database(
                    settings.database_url,
                    connect_timeout_seconds=settings.database_connect_timeout_seconds,
                    statement_timeout_seconds=settings.database_statement_timeout_seconds,
                )
                stack.push_async_callback(runtime.database.dispose)
                await runtime.database.migrate()
            runtime.known_subscriptions = DatabaseKnownSubscriptions(runtime.database)
            stack.push_async_callback(runtime.known_subscriptions.aclose)
            if runtime.gateway is None:
                runtime.gateway = (
                    await connect_cached_gateway(settings)
                    if settings.read_cache
                    else connect_gateway(settings)
                )
                stack.push_async_callback(runtime.gateway.close)
            await warm_up()
            yield

    async def graphql_context(request: Request, response: Response) -> Context:
        database, gateway = runtime.database, runtime.gateway
        if database is None or gateway is None:
            raise RuntimeError("the application was served before its lifespan started")
        recent = runtime.recent_credentials
        authentication = await authenticate_request(database, request.headers, request.cookies, recent=recent)
        if authentication.rejected:
            # Every data field still answers UNAUTHENTICATED; the challenge tells "log in again" apart.
            response.headers["WWW-Authenticate"] = _INVALID_TOKEN_CHALLENGE
        return Context(
            RequestContext(
                gateway=gateway,
                principal=authentication.principal,
                request_id=request_id_of(request),
                client_ip=request.client.host if request.client else None,
                public_url=settings.public_url,
                stores=database_stores(database, settings, recent_credentials=recent),
                known_subscriptions=runtime.known_subscriptions,
            )
        )

    app = FastAPI(
        title="portalql",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
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
    mount_portal_page(app)
    app.include_router(portal_router(runtime))
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


async def warm_up() -> None:
    """One-time work that the first requests would otherwise do while their callers wait."""
    # Babel reads a locale's data from disk on first use; the dashboard's amounts are formatted in `en`.
    format_money(0, "usd", "en")
    # httpx's connection pool takes anyio locks, and anyio imports its asyncio backend on first use.
    await anyio.lowlevel.checkpoint()
    # Everything loaded so far (modules, the schema, the SDK) lives as long as the process: left out of the
    # collector's full scans, which otherwise walk it all every few requests.
    gc.collect()
    gc.freeze()


def connect_gateway(settings: Settings) -> StripeGateway:
    if settings.stripe_api_key is None:
        raise RuntimeError("STRIPE_API_KEY is not set (`portalql serve` starts a sandbox when it is missing)")
    return StripeGateway.connect(
        settings.stripe_api_key.get_secret_value(),
        api_base=settings.stripe_api_base,
        max_network_retries=settings.stripe_max_network_retries,
        timeout_seconds=settings.stripe_timeout_seconds,
        requests_per_second=settings.stripe_requests_per_second,
        pacer=connect_pacer(
            settings.stripe_requests_per_second,
            account=settings.stripe_api_key.get_secret_value(),
            redis_url=settings.redis_url,
            instances=settings.instances,
            redis_timeout_seconds=settings.redis_timeout_seconds,
        ),
    )


async def connect_cached_gateway(settings: Settings) -> CachedGateway:
    """The gateway behind the shared read cache: Redis when `REDIS_URL` is set, else this process's memory."""
    gateway = connect_gateway(settings)
    try:
        store = await open_cache_store(
            settings.redis_url, redis_timeout_seconds=settings.redis_timeout_seconds
        )
    except BaseException:
        await gateway.close()
        raise
    return CachedGateway(gateway, store)


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

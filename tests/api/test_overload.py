"""Overload and a Redis outage, over HTTP: a request whose Stripe calls cannot start before its deadline
answers RATE_LIMITED at once with `Retry-After`; with Redis down the instance reports itself degraded but
ready, and keeps answering from its own cache."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from portalql.cli.demo import DASHBOARD_QUERY
from portalql.web.app import create_app
from stripe_gateway.caching import CachedGateway, MemoryStore, SharedStore
from stripe_gateway.pacing import LocalSchedule, Pacer, StartWindow
from tests.fixtures.app import app_settings, client_for, error_codes

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.redis_server import RedisServer
    from tests.fixtures.sandbox import SandboxHandle


async def test_a_request_that_cannot_reach_stripe_before_its_deadline_is_refused_with_retry_after(
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
    database: Database,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
) -> None:
    schedule = LocalSchedule(1)
    gateway = await connect_gateway(pacer=Pacer(schedule, window=StartWindow(1), max_concurrency=16))
    token = await tokens.customer_session(customer_a)
    settings = app_settings(request_deadline_seconds=1)
    sandbox.reset_calls()

    async with client_for(create_app(settings, gateway=gateway, database=database)) as client:
        # Other requests hold the next ten seconds of the account's budget (reserved last, so that however
        # slowly the app was built, the request still finds most of them ahead of it).
        for _ in range(10):
            await schedule.reserve(None)
        response = await client.post(
            "/graphql", json={"query": DASHBOARD_QUERY}, headers={"Authorization": f"Bearer {token}"}
        )

    assert response.status_code == 200
    assert set(error_codes(response.json())) == {"RATE_LIMITED"}
    assert int(response.headers["retry-after"]) >= 3
    assert sandbox.calls() == {}


async def test_readyz_reports_redis_and_stays_ready_without_it(
    redis_server: RedisServer, gateway: StripeGateway, database: Database
) -> None:
    store = await SharedStore.connect(redis_server.url, prefix="t:")
    app = create_app(
        app_settings(redis_url=redis_server.url), gateway=CachedGateway(gateway, store), database=database
    )
    try:
        async with client_for(app) as client:
            up = await client.get("/readyz")
            redis_server.stop()
            down = await client.get("/readyz")
            redis_server.start()
            back = await client.get("/readyz")
    finally:
        await store.close()

    assert up.status_code == back.status_code == down.status_code == 200
    assert (
        up.json()
        == back.json()
        == {
            "status": "ready",
            "checks": {"database": "ok", "stripe": "ok", "redis": "ok"},
        }
    )
    assert down.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "stripe": "ok", "redis": "unavailable"},
    }


async def test_a_request_whose_client_disconnects_sends_none_of_its_queued_reads(
    connect_gateway: Callable[..., Awaitable[StripeGateway]],
    database: Database,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
) -> None:
    schedule = LocalSchedule(1)
    gateway = CachedGateway(
        await connect_gateway(pacer=Pacer(schedule, window=StartWindow(1), max_concurrency=16)), MemoryStore()
    )
    for _ in range(3):
        await schedule.reserve(None)  # other requests hold the next three seconds of the account's budget
    token = await tokens.customer_session(customer_a)
    app = create_app(app_settings(), gateway=gateway, database=database)
    body = json.dumps({"query": DASHBOARD_QUERY}).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    requested = False
    disconnected = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": body, "more_body": False}
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(_message: MutableMapping[str, Any]) -> None:
        return None

    sandbox.reset_calls()
    serving = asyncio.create_task(app(scope, receive, send))
    await asyncio.sleep(0.3)
    disconnected.set()
    async with asyncio.timeout(2):  # the queued reads would have waited three seconds
        await serving

    assert sandbox.calls() == {}
